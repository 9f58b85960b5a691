#include "oversight/figures_repository.hpp"

#include <map>
#include <string>

#include "fieldwork/appeal_repository.hpp"
#include "fieldwork/visit_repository.hpp"

namespace lianxin {

namespace {

// How the rows of one level are grouped: the area each household (h) and
// each appeal falls in, and which of them belong to the region at all (an
// appeal by its own level columns, so its open-queue indexes serve). The SQL
// differs only in these fixed fragments (never in what a caller sent).
struct Level {
  std::string household_area, household_filter, filter_value;
  std::string appeal_area, appeal_filter;
};

Result<Level> LevelOf(std::string_view region, std::string_view level) {
  const std::string code(region);
  if (level == "county") {
    return Level{"substr(h.village_code, 1, 9) || '000'", "h.county_code = ?1", code, "township_code",
                 "county_code = ?1"};
  }
  if (level == "township") {
    return Level{"h.village_code", "substr(h.village_code, 1, 9) = ?1", code.substr(0, 9), "region_code",
                 "township_code = ?1"};
  }
  if (level == "village") {
    return Level{"h.village_code", "h.village_code = ?1", code, "region_code", "region_code = ?1"};
  }
  return Status::Invalid("该级区划没有下辖的统计 (figures_level): " + code, "region");
}

}  // namespace

Result<FiguresRepository::Region> FiguresRepository::Resolve(std::string_view region) {
  if (region.size() != 6 && region.size() != 12)
    return Status::Invalid("region 应为 6 位或 12 位区划代码 (region_format)", "region");
  LX_ASSIGN_OR_RETURN(sql::Statement * self, db_.Prepare("SELECT name, level FROM regions WHERE code = ?1"));
  self->Bind(1, region);
  LX_ASSIGN_OR_RETURN(bool found, self->Step());
  if (!found) {
    self->Reset();
    return Status::NotFound("区划不存在: " + std::string(region) + " (not_found)");
  }
  Region out{std::string(self->Text(0)), std::string(self->Text(1))};
  self->Reset();
  return out;
}

Result<std::vector<AreaFigures>> FiguresRepository::Under(std::string_view region, const Date& from,
                                                          const Date& to, std::int64_t now_millis) {
  LX_ASSIGN_OR_RETURN(Region self, Resolve(region));
  const std::string name = self.name, level_name = self.level;
  LX_ASSIGN_OR_RETURN(Level level, LevelOf(region, level_name));

  // The areas: a county's townships, a township's villages, a village itself.
  std::map<std::string, AreaFigures> areas;
  if (level_name == "village") {
    areas[std::string(region)] = AreaFigures{std::string(region), name};
  } else {
    LX_ASSIGN_OR_RETURN(sql::Statement * children,
                        db_.Prepare("SELECT code, name FROM regions WHERE parent_code = ?1 ORDER BY code"));
    children->Bind(1, region);
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, children->Step());
      if (!row) break;
      const std::string code(children->Text(0));
      areas[code] = AreaFigures{code, std::string(children->Text(1))};
    }
  }
  // Each grouped read adds its columns to the areas it names.
  auto read = [&](const std::string& sql, const std::vector<sql::Value>& values,
                  void (*add)(AreaFigures&, const sql::Statement&)) -> Status {
    LX_ASSIGN_OR_RETURN(sql::Statement * select, db_.Prepare(sql));
    select->Bind(1, level.filter_value);
    for (size_t i = 0; i < values.size(); ++i) select->Bind(static_cast<int>(i + 2), values[i]);
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, select->Step());
      if (!row) return Status::Ok();
      auto it = areas.find(std::string(select->Text(0)));
      if (it != areas.end()) add(it->second, *select);
    }
  };
  LX_RETURN_IF_ERROR(
      read("SELECT " + level.household_area +
               ", COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM pairs p WHERE p.kind = 'contact' AND "
               "p.held = h.code) THEN 1 ELSE 0 END) FROM households h WHERE " +
               level.household_filter + " GROUP BY 1",
           {}, [](AreaFigures& a, const sql::Statement& row) {
             a.households = static_cast<int>(row.Int(1));
             a.covered = static_cast<int>(row.Int(2));
           }));
  LX_RETURN_IF_ERROR(
      read("SELECT " + level.household_area +
               ", COUNT(*), COUNT(DISTINCT v.household_code) FROM visits v JOIN households h ON h.code = "
               "v.household_code WHERE " +
               level.household_filter + " AND v.visited_on >= ?2 AND v.visited_on <= ?3 AND v.kind NOT IN " +
               std::string(VisitRepository::kIndirectKinds) + " GROUP BY 1",
           {sql::Value::Text(from.ToString()), sql::Value::Text(to.ToString())},
           [](AreaFigures& a, const sql::Statement& row) {
             a.direct_visits = static_cast<int>(row.Int(1));
             a.visited_households = static_cast<int>(row.Int(2));
           }));
  LX_RETURN_IF_ERROR(
      read("SELECT " + level.household_area +
               ", COUNT(*) FROM pairs p JOIN households h ON h.code = p.held WHERE p.kind IN "
               "('contact', 'assistance') AND " +
               level.household_filter + " GROUP BY 1",
           {}, [](AreaFigures& a, const sql::Statement& row) { a.pairs = static_cast<int>(row.Int(1)); }));
  LX_RETURN_IF_ERROR(
      read("SELECT " + level.household_area +
               ", COUNT(*), SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END) FROM tasks t "
               "JOIN households h ON h.code = t.household_code WHERE t.status <> 'cancelled' AND " +
               level.household_filter + " GROUP BY 1",
           {}, [](AreaFigures& a, const sql::Statement& row) {
             a.tasks = static_cast<int>(row.Int(1));
             a.tasks_done = static_cast<int>(row.Int(2));
           }));
  LX_RETURN_IF_ERROR(read("SELECT " + level.appeal_area +
                              ", COUNT(*), SUM(CASE WHEN deadline_millis > 0 AND deadline_millis < ?2 "
                              "THEN 1 ELSE 0 END) FROM appeals WHERE " +
                              level.appeal_filter + " AND " + std::string(AppealRepository::kOpenCondition) +
                              " GROUP BY 1",
                          {sql::Value::Int(now_millis)}, [](AreaFigures& a, const sql::Statement& row) {
                            a.open_appeals = static_cast<int>(row.Int(1));
                            a.overdue_appeals = static_cast<int>(row.Int(2));
                          }));
  LX_RETURN_IF_ERROR(read(
      "SELECT " + level.household_area +
          ", COUNT(*), SUM(CASE WHEN c.knows_cadre = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN c.findings <> '' "
          "THEN 1 ELSE 0 END) FROM "
          "inspection_checks c JOIN inspections i ON i.id = c.inspection_id JOIN households h ON h.code = "
          "c.household_code WHERE c.checked = 1 AND i.state = 'closed' AND i.month >= ?2 AND i.month <= "
          "?3 AND " +
          level.household_filter + " GROUP BY 1",
      {sql::Value::Text(from.ToString().substr(0, 7)), sql::Value::Text(to.ToString().substr(0, 7))},
      [](AreaFigures& a, const sql::Statement& row) {
        a.inspected = static_cast<int>(row.Int(1));
        a.knows_cadre = static_cast<int>(row.Int(2));
        a.findings = static_cast<int>(row.Int(3));
      }));
  std::vector<AreaFigures> out;
  for (auto& [code, figures] : areas) out.push_back(std::move(figures));
  return out;
}

// The pairs, visits and tasks of a region's households (h), by the unit of
// the cadre who holds, made or carries them; a village member (no unit) is
// left out of the units but not of the silent list.
Result<std::vector<UnitFigures>> FiguresRepository::UnitsUnder(std::string_view region, const Date& from,
                                                               const Date& to) {
  LX_ASSIGN_OR_RETURN(Region self, Resolve(region));
  LX_ASSIGN_OR_RETURN(Level level, LevelOf(region, self.level == "village" ? "village" : self.level));
  std::map<std::string, UnitFigures> units;
  auto read = [&](const std::string& sql, bool dated,
                  void (*add)(UnitFigures&, const sql::Statement&)) -> Status {
    LX_ASSIGN_OR_RETURN(sql::Statement * select, db_.Prepare(sql));
    select->Bind(1, level.filter_value);
    if (dated) select->Bind(2, from.ToString()).Bind(3, to.ToString());
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, select->Step());
      if (!row) return Status::Ok();
      UnitFigures& unit = units[std::string(select->Text(0))];
      unit.code = select->Text(0);
      add(unit, *select);
    }
  };
  LX_RETURN_IF_ERROR(
      read("SELECT c.unit_code, COUNT(*), COUNT(DISTINCT c.code), u.name FROM pairs p JOIN "
           "households h ON h.code = p.held JOIN cadres c ON c.code = p.holder JOIN units u ON "
           "u.code = c.unit_code WHERE p.kind IN ('contact', 'assistance') AND " +
               level.household_filter + " GROUP BY c.unit_code, u.name",
           false, [](UnitFigures& u, const sql::Statement& row) {
             u.pairs = static_cast<int>(row.Int(1));
             u.cadres = static_cast<int>(row.Int(2));
             u.name = row.Text(3);
           }));
  LX_RETURN_IF_ERROR(
      read("SELECT c.unit_code, COUNT(*), COUNT(DISTINCT v.household_code) FROM visits v JOIN "
           "households h ON h.code = v.household_code JOIN cadres c ON c.code = v.cadre_code "
           "WHERE c.unit_code IS NOT NULL AND " +
               level.household_filter + " AND v.visited_on >= ?2 AND v.visited_on <= ?3 AND v.kind NOT IN " +
               std::string(VisitRepository::kIndirectKinds) + " GROUP BY 1",
           true, [](UnitFigures& u, const sql::Statement& row) {
             u.direct_visits = static_cast<int>(row.Int(1));
             u.visited_households = static_cast<int>(row.Int(2));
           }));
  LX_RETURN_IF_ERROR(
      read("SELECT c.unit_code, COUNT(*), SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END) "
           "FROM tasks t JOIN households h ON h.code = t.household_code JOIN cadres c ON c.code "
           "= t.cadre_code WHERE c.unit_code IS NOT NULL AND t.status <> 'cancelled' AND " +
               level.household_filter + " GROUP BY 1",
           false, [](UnitFigures& u, const sql::Statement& row) {
             u.tasks = static_cast<int>(row.Int(1));
             u.tasks_done = static_cast<int>(row.Int(2));
           }));
  LX_ASSIGN_OR_RETURN(std::vector<SilentCadre> silent, SilentUnder(region, from, to));
  for (const SilentCadre& cadre : silent) {
    auto it = units.find(cadre.unit_code);
    if (it != units.end()) ++it->second.silent;
  }
  std::vector<UnitFigures> out;
  for (auto& [code, unit] : units) {
    if (!unit.name.empty()) out.push_back(std::move(unit));  // a unit that holds no pair here is not listed
  }
  return out;
}

// A cadre is silent for the period when it holds a pair on the region's
// households and made no direct visit at all (to anyone) in it.
Result<std::vector<SilentCadre>> FiguresRepository::SilentUnder(std::string_view region, const Date& from,
                                                                const Date& to) {
  LX_ASSIGN_OR_RETURN(Region self, Resolve(region));
  LX_ASSIGN_OR_RETURN(Level level, LevelOf(region, self.level));
  LX_ASSIGN_OR_RETURN(
      sql::Statement * select,
      db_.Prepare(
          "SELECT c.code, c.name, COALESCE(c.unit_code, ''), COALESCE(u.name, ''), "
          "COALESCE(c.village_code, ''), COUNT(*) FROM pairs p JOIN households h ON h.code = p.held "
          "JOIN cadres c ON c.code = p.holder LEFT JOIN units u ON u.code = c.unit_code WHERE p.kind IN "
          "('contact', 'assistance') AND " +
          level.household_filter +
          " AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.cadre_code = c.code AND v.visited_on >= ?2 "
          "AND v.visited_on <= ?3 AND v.kind NOT IN " +
          std::string(VisitRepository::kIndirectKinds) +
          ") GROUP BY c.code, c.name, "
          "c.unit_code, u.name, c.village_code ORDER BY 3, 1"));
  select->Bind(1, level.filter_value).Bind(2, from.ToString()).Bind(3, to.ToString());
  std::vector<SilentCadre> out;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    out.push_back({std::string(select->Text(0)), std::string(select->Text(1)), std::string(select->Text(2)),
                   std::string(select->Text(3)), std::string(select->Text(4)),
                   static_cast<int>(select->Int(5))});
  }
  return out;
}

}  // namespace lianxin
