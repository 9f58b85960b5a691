#include "oversight/inspection_repository.hpp"

#include "crypto/random_id.hpp"
#include "fieldwork/visit_repository.hpp"
#include "lianxin/calendar.hpp"
#include "lianxin/draw.hpp"
#include "lianxin/registry.hpp"
#include "lianxin/validate.hpp"

namespace lianxin {

namespace {

constexpr std::string_view kInspectionColumns =
    "id, region_code, month, seed, villages_per_township, households_per_village, state, opened_by, "
    "opened_millis, closed_millis, county_code";
constexpr std::string_view kCheckColumns =
    "key, inspection_id, household_code, village_code, cadre_code, checked, knows_cadre, visits, "
    "satisfaction, findings, task_key, checked_by, checked_millis, county_code";

Inspection ReadInspection(const sql::Statement& row) {
  Inspection i;
  i.id = row.Text(0);
  i.region_code = row.Text(1);
  i.month = row.Text(2);
  i.seed = row.Text(3);
  i.villages_per_township = static_cast<int>(row.Int(4));
  i.households_per_village = static_cast<int>(row.Int(5));
  i.closed = row.Text(6) == "closed";
  i.opened_by = row.Text(7);
  i.opened_millis = row.Int(8);
  i.closed_millis = row.Int(9);
  return i;
}

JournalRow InspectionRow(const Inspection& i, const std::string& county) {
  return {sql::Value::Text(i.id),
          sql::Value::Text(i.region_code),
          sql::Value::Text(i.month),
          sql::Value::Text(i.seed),
          sql::Value::Int(i.villages_per_township),
          sql::Value::Int(i.households_per_village),
          sql::Value::Text(i.closed ? "closed" : "open"),
          sql::Value::Text(i.opened_by),
          sql::Value::Int(i.opened_millis),
          sql::Value::Int(i.closed_millis),
          sql::Value::Text(county)};
}

Result<InspectionCheck> ReadCheck(const sql::Statement& row) {
  InspectionCheck c;
  c.inspection_id = row.Text(1);
  c.household_code = row.Text(2);
  c.village_code = row.Text(3);
  c.cadre_code = row.Text(4);
  c.checked = row.Int(5) != 0;
  c.knows_cadre = row.Int(6) != 0;
  if (!row.Text(7).empty()) {
    c.visits = ParseVisitsHappened(row.Text(7));
    if (!c.visits)
      return Status::Internal("数据库中 inspection_checks.visits 的值无效: " + std::string(row.Text(7)));
  }
  if (!row.Text(8).empty()) {
    c.satisfaction = ParseSatisfaction(row.Text(8));
    if (!c.satisfaction)
      return Status::Internal("数据库中 inspection_checks.satisfaction 的值无效: " +
                              std::string(row.Text(8)));
  }
  c.findings = row.Text(9);
  c.task_key = row.Text(10);
  c.checked_by = row.Text(11);
  c.checked_millis = row.Int(12);
  if (row.ColumnCount() > 16) {  // the names Checks reads beside the row
    c.head_name = row.Text(14);
    c.village_name = row.Text(15);
    c.cadre_name = row.Text(16);
  }
  return c;
}

JournalRow CheckRow(const InspectionCheck& c, const std::string& county) {
  return {sql::Value::Text(c.inspection_id + "|" + c.household_code),
          sql::Value::Text(c.inspection_id),
          sql::Value::Text(c.household_code),
          sql::Value::Text(c.village_code),
          sql::Value::Text(c.cadre_code),
          sql::Value::Int(c.checked ? 1 : 0),
          sql::Value::Int(c.knows_cadre ? 1 : 0),
          sql::Value::Text(c.visits ? Token(*c.visits) : ""),
          sql::Value::Text(c.satisfaction ? Token(*c.satisfaction) : ""),
          sql::Value::Text(c.findings),
          sql::Value::Text(c.task_key),
          sql::Value::Text(c.checked_by),
          sql::Value::Int(c.checked_millis),
          sql::Value::Text(county)};
}

}  // namespace

const JournalTable& InspectionRepository::InspectionsTable() {
  static const JournalTable kTable{"inspections",
                                   {{"id"},
                                    {"region_code"},
                                    {"month"},
                                    {"seed"},
                                    {"villages_per_township"},
                                    {"households_per_village"},
                                    {"state"},
                                    {"opened_by"},
                                    {"opened_millis"},
                                    {"closed_millis"},
                                    {"county_code"}},
                                   "id"};
  return kTable;
}

const JournalTable& InspectionRepository::ChecksTable() {
  static const JournalTable kTable{"inspection_checks",
                                   {{"key"},
                                    {"inspection_id"},
                                    {"household_code"},
                                    {"village_code"},
                                    {"cadre_code"},
                                    {"checked"},
                                    {"knows_cadre"},
                                    {"visits"},
                                    {"satisfaction"},
                                    {"findings"},
                                    {"task_key"},
                                    {"checked_by"},
                                    {"checked_millis"},
                                    {"county_code"}},
                                   "key"};
  return kTable;
}

Result<std::string> InspectionRepository::Open(Inspection inspection,
                                               const std::vector<std::string>& households) {
  if (journal_ == nullptr) return Status::Internal("InspectionRepository: 只读,不能写入 (read-only)");
  LX_ASSIGN_OR_RETURN(std::optional<std::string> region_county,
                      sql::CountyOf(db_, "regions", "code", inspection.region_code));
  if (!region_county) return Status::NotFound("区划不存在: " + inspection.region_code + " (not_found)");
  const std::string& county = *region_county;
  inspection.id = NewRecordId('I');
  inspection.closed = false;
  inspection.opened_millis = at_millis_;
  inspection.closed_millis = 0;
  LX_ASSIGN_OR_RETURN(UpsertOutcome outcome,
                      journal_->Upsert(InspectionsTable(), InspectionRow(inspection, county)));
  if (outcome != UpsertOutcome::kInserted) return Status::Internal("督查编号重复: " + inspection.id);
  LX_ASSIGN_OR_RETURN(
      sql::Statement * household,
      db_.Prepare(
          "SELECT h.village_code, COALESCE((SELECT p.holder FROM pairs p WHERE p.kind = 'contact' AND "
          "p.held = h.code ORDER BY p.holder LIMIT 1), '') FROM households h WHERE h.code = ?1"));
  for (const std::string& code : households) {
    household->Bind(1, code);
    LX_ASSIGN_OR_RETURN(bool exists, household->Step());
    InspectionCheck check;
    check.inspection_id = inspection.id;
    check.household_code = code;
    if (exists) {
      check.village_code = household->Text(0);
      check.cadre_code = household->Text(1);
    }
    household->Reset();
    if (!exists) return Status::NotFound("农户不存在: " + code + " (not_found)");
    LX_RETURN_IF_ERROR(journal_->Upsert(ChecksTable(), CheckRow(check, county)).status());
  }
  return inspection.id;
}

Status InspectionRepository::Record(const InspectionCheck& check) {
  if (journal_ == nullptr) return Status::Internal("InspectionRepository: 只读,不能写入 (read-only)");
  LX_ASSIGN_OR_RETURN(std::optional<Inspection> inspection, Get(check.inspection_id));
  if (!inspection) return Status::NotFound("督查不存在: " + check.inspection_id + " (not_found)");
  if (inspection->closed) return Status::Conflict("督查已结束,不能再填写 (inspection_closed)");
  LX_ASSIGN_OR_RETURN(sql::Statement * select, db_.Prepare("SELECT " + std::string(kCheckColumns) +
                                                           " FROM inspection_checks WHERE key = ?1"));
  select->Bind(1, check.inspection_id + "|" + check.household_code);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) {
    select->Reset();
    return Status::NotFound("该户不在本次督查的抽样中: " + check.household_code + " (not_drawn)");
  }
  Result<InspectionCheck> drawn = ReadCheck(*select);
  const std::string county(select->Text(13));
  select->Reset();
  LX_RETURN_IF_ERROR(drawn.status());
  InspectionCheck kept = check;
  kept.village_code = drawn->village_code;  // as drawn, whatever the caller says
  kept.cadre_code = drawn->cadre_code;
  kept.checked = true;
  kept.checked_millis = at_millis_;
  return journal_->Upsert(ChecksTable(), CheckRow(kept, county)).status();
}

Status InspectionRepository::Close(std::string_view id) {
  if (journal_ == nullptr) return Status::Internal("InspectionRepository: 只读,不能写入 (read-only)");
  LX_ASSIGN_OR_RETURN(std::optional<Inspection> inspection, Get(id));
  if (!inspection) return Status::NotFound("督查不存在: " + std::string(id) + " (not_found)");
  if (inspection->closed) return Status::Conflict("督查已经结束 (inspection_closed)");
  LX_ASSIGN_OR_RETURN(std::optional<std::string> county, sql::CountyOf(db_, "inspections", "id", id));
  inspection->closed = true;
  inspection->closed_millis = at_millis_;
  return journal_->Upsert(InspectionsTable(), InspectionRow(*inspection, county.value_or(""))).status();
}

Result<InspectionCandidates> InspectionRepository::Candidates(std::string_view region) {
  std::optional<std::string> prefix = RegionSubtreePrefix(region);
  if (!prefix) return Status::Invalid("region 应为 6 位或 12 位区划代码 (region_format)", "region");
  LX_ASSIGN_OR_RETURN(sql::Statement * select,
                      db_.Prepare("SELECT village_code, code FROM households WHERE substr(village_code, 1, "
                                  "length(?1)) = ?1 ORDER BY village_code, code"));
  select->Bind(1, *prefix);
  InspectionCandidates candidates;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    const std::string village(select->Text(0));
    std::vector<std::string>& households = candidates.households_by_village[village];
    if (households.empty()) candidates.villages_by_township[TownshipOfCode(village)].push_back(village);
    households.emplace_back(select->Text(1));
  }
  return candidates;
}

Result<std::optional<Inspection>> InspectionRepository::Get(std::string_view id) {
  LX_ASSIGN_OR_RETURN(sql::Statement * select, db_.Prepare("SELECT " + std::string(kInspectionColumns) +
                                                           " FROM inspections WHERE id = ?1"));
  select->Bind(1, id);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  std::optional<Inspection> inspection;
  if (found) inspection = ReadInspection(*select);
  select->Reset();
  return inspection;
}

Result<std::vector<Inspection>> InspectionRepository::List(std::string_view region) {
  std::string prefix;
  if (!region.empty()) {
    std::optional<std::string> subtree = RegionSubtreePrefix(region);
    if (!subtree) return Status::Invalid("region 应为 6 位或 12 位区划代码 (region_format)", "region");
    prefix = *subtree;
  }
  LX_ASSIGN_OR_RETURN(sql::Statement * select,
                      db_.Prepare("SELECT " + std::string(kInspectionColumns) +
                                  " FROM inspections WHERE substr(region_code, 1, length(?1)) = ?1 ORDER BY "
                                  "opened_millis DESC, id"));
  select->Bind(1, prefix);
  std::vector<Inspection> out;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    out.push_back(ReadInspection(*select));
  }
  return out;
}

Result<std::vector<InspectionCheck>> InspectionRepository::Checks(std::string_view id) {
  LX_ASSIGN_OR_RETURN(
      sql::Statement * select,
      db_.Prepare("SELECT " + std::string(kCheckColumns) +
                  ", COALESCE((SELECT h.head_name FROM households h WHERE h.code = "
                  "household_code), ''), COALESCE((SELECT r.name FROM regions r WHERE r.code = "
                  "village_code), ''), COALESCE((SELECT d.name FROM cadres d WHERE d.code = "
                  "cadre_code), '') FROM inspection_checks WHERE inspection_id = ?1 ORDER BY "
                  "village_code, household_code"));
  select->Bind(1, id);
  std::vector<InspectionCheck> out;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    LX_ASSIGN_OR_RETURN(InspectionCheck check, ReadCheck(*select));
    out.push_back(std::move(check));
  }
  return out;
}

namespace {

constexpr std::string_view kCallbackColumns =
    "c.visit_id, c.month, c.seed, c.cadre_code, c.household_code, c.visited_on, c.kind, c.outcome, c.note, "
    "c.checked_by, c.drawn_millis, c.checked_millis, c.county_code";

Result<Callback> ReadCallback(const sql::Statement& row) {
  Callback c;
  c.visit_id = row.Text(0);
  c.month = row.Text(1);
  c.seed = row.Text(2);
  c.cadre_code = row.Text(3);
  c.household_code = row.Text(4);
  c.visited_on = row.Text(5);
  c.kind = row.Text(6);
  std::optional<CallbackOutcome> outcome = ParseCallbackOutcome(row.Text(7));
  if (!outcome) return Status::Internal("数据库中 callbacks.outcome 的值无效: " + std::string(row.Text(7)));
  c.outcome = *outcome;
  c.note = row.Text(8);
  c.checked_by = row.Text(9);
  c.drawn_millis = row.Int(10);
  c.checked_millis = row.Int(11);
  if (row.ColumnCount() > 14) {  // the names List reads beside the row
    c.head_name = row.Text(13);
    c.cadre_name = row.Text(14);
  }
  return c;
}

JournalRow CallbackRow(const Callback& c, const std::string& county) {
  return {
      sql::Value::Text(c.visit_id),   sql::Value::Text(c.month),          sql::Value::Text(c.seed),
      sql::Value::Text(c.cadre_code), sql::Value::Text(c.household_code), sql::Value::Text(c.visited_on),
      sql::Value::Text(c.kind),       sql::Value::Text(Token(c.outcome)), sql::Value::Text(c.note),
      sql::Value::Text(c.checked_by), sql::Value::Int(c.drawn_millis),    sql::Value::Int(c.checked_millis),
      sql::Value::Text(county)};
}

}  // namespace

const JournalTable& CallbackRepository::Table() {
  static const JournalTable kTable{"callbacks",
                                   {{"visit_id"},
                                    {"month"},
                                    {"seed"},
                                    {"cadre_code"},
                                    {"household_code"},
                                    {"visited_on"},
                                    {"kind"},
                                    {"outcome"},
                                    {"note"},
                                    {"checked_by"},
                                    {"drawn_millis"},
                                    {"checked_millis"},
                                    {"county_code"}},
                                   "visit_id"};
  return kTable;
}

Result<std::vector<Callback>> CallbackRepository::Add(std::string_view region, std::string_view month,
                                                      std::string_view seed, double share) {
  if (journal_ == nullptr) return Status::Internal("CallbackRepository: 只读,不能写入 (read-only)");
  std::optional<std::string> prefix = RegionSubtreePrefix(region);
  if (!prefix) return Status::Invalid("region 应为 6 位或 12 位区划代码 (region_format)", "region");
  LX_ASSIGN_OR_RETURN(MonthSpan span, ParseChinaMonth(month, "month"));
  if (seed.empty() || seed.size() > 200)
    return Status::Invalid("seed 应为 1–200 个字符,事先公布(如上月公示的日志根哈希) (seed)", "seed");
  if (!(share > 0 && share <= 1)) return Status::Invalid("share 应在 0 和 1 之间,如 0.05 (share)", "share");
  const Date from = ChinaDateOf(span.from_millis), to = ChinaDateOf(span.to_millis - 1);
  // The month's direct visits to the region's households; those drawn before stay as they are.
  LX_ASSIGN_OR_RETURN(
      sql::Statement * select,
      db_.Prepare(
          "SELECT v.id, v.cadre_code, v.household_code, v.visited_on, v.kind, h.county_code, "
          "(SELECT COUNT(*) FROM callbacks c WHERE c.visit_id = v.id) FROM visits v JOIN households h ON "
          "h.code = v.household_code WHERE substr(h.village_code, 1, length(?1)) = ?1 AND v.visited_on >= ?2 "
          "AND v.visited_on <= ?3 AND v.kind NOT IN " +
          std::string(VisitRepository::kIndirectKinds)));
  select->Bind(1, *prefix).Bind(2, from.ToString()).Bind(3, to.ToString());
  struct Candidate {
    Callback callback;
    std::string county;
    bool drawn_before = false;
  };
  std::map<std::string, Candidate> candidates;
  std::vector<std::string> ids;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    Candidate c;
    c.callback.visit_id = select->Text(0);
    c.callback.cadre_code = select->Text(1);
    c.callback.household_code = select->Text(2);
    c.callback.visited_on = select->Text(3);
    c.callback.kind = select->Text(4);
    c.county = select->Text(5);
    c.drawn_before = select->Int(6) > 0;
    ids.push_back(c.callback.visit_id);
    candidates.emplace(c.callback.visit_id, std::move(c));
  }
  std::vector<Callback> added;
  for (const std::string& id : DrawCallbacks(seed, month, ids, share)) {
    Candidate& c = candidates.at(id);
    if (c.drawn_before) continue;
    c.callback.month = month;
    c.callback.seed = seed;
    c.callback.drawn_millis = at_millis_;
    LX_RETURN_IF_ERROR(journal_->Upsert(Table(), CallbackRow(c.callback, c.county)).status());
    added.push_back(c.callback);
  }
  return added;
}

Status CallbackRepository::Record(std::string_view visit_id, CallbackOutcome outcome, const std::string& note,
                                  const std::string& actor) {
  if (journal_ == nullptr) return Status::Internal("CallbackRepository: 只读,不能写入 (read-only)");
  if (outcome == CallbackOutcome::kPending)
    return Status::Invalid("outcome 应为 confirmed、denied 或 unreachable (enum)", "outcome");
  LX_ASSIGN_OR_RETURN(sql::Statement * select, db_.Prepare("SELECT " + std::string(kCallbackColumns) +
                                                           " FROM callbacks c WHERE c.visit_id = ?1"));
  select->Bind(1, visit_id);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) {
    select->Reset();
    return Status::NotFound("该走访不在回访名单中: " + std::string(visit_id) + " (not_found)");
  }
  Result<Callback> callback = ReadCallback(*select);
  const std::string county(select->Text(12));
  select->Reset();
  LX_RETURN_IF_ERROR(callback.status());
  callback->outcome = outcome;
  callback->note = note;
  callback->checked_by = actor;
  callback->checked_millis = at_millis_;
  return journal_->Upsert(Table(), CallbackRow(*callback, county)).status();
}

Result<std::vector<Callback>> CallbackRepository::List(std::string_view region, std::string_view month) {
  std::optional<std::string> prefix = RegionSubtreePrefix(region);
  if (!prefix) return Status::Invalid("region 应为 6 位或 12 位区划代码 (region_format)", "region");
  LX_ASSIGN_OR_RETURN(
      sql::Statement * select,
      db_.Prepare("SELECT " + std::string(kCallbackColumns) +
                  ", h.head_name, COALESCE((SELECT d.name FROM cadres d WHERE d.code = c.cadre_code), '') "
                  "FROM callbacks c JOIN households h ON h.code = c.household_code WHERE "
                  "substr(h.village_code, 1, length(?1)) = ?1 AND (?2 = '' OR c.month = ?2) ORDER BY "
                  "c.month DESC, c.cadre_code, c.visited_on, c.visit_id"));
  select->Bind(1, *prefix).Bind(2, month);
  std::vector<Callback> out;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    LX_ASSIGN_OR_RETURN(Callback callback, ReadCallback(*select));
    out.push_back(std::move(callback));
  }
  return out;
}

const JournalTable& RatingRepository::Table() {
  static const JournalTable kTable{"ratings",
                                   {{"key"},
                                    {"household_code"},
                                    {"cadre_code"},
                                    {"year"},
                                    {"satisfaction"},
                                    {"rated_millis"},
                                    {"county_code"}},
                                   "key"};
  return kTable;
}

Status RatingRepository::Rate(std::string_view household_code, std::string_view cadre_code, int year,
                              Satisfaction satisfaction) {
  if (journal_ == nullptr) return Status::Internal("RatingRepository: 只读,不能写入 (read-only)");
  LX_ASSIGN_OR_RETURN(
      sql::Statement * pair,
      db_.Prepare("SELECT h.county_code FROM pairs p JOIN households h ON h.code = p.held WHERE "
                  "p.kind IN ('contact', 'assistance') AND p.held = ?1 AND p.holder = ?2"));
  pair->Bind(1, household_code).Bind(2, cadre_code);
  LX_ASSIGN_OR_RETURN(bool found, pair->Step());
  const std::string county = found ? std::string(pair->Text(0)) : "";
  pair->Reset();
  if (!found) return Status::NotFound("该干部不是本户的联系或包扶干部 (not_paired)");
  const std::string household(household_code), cadre(cadre_code);
  return journal_
      ->Upsert(Table(),
               {sql::Value::Text(household + "|" + cadre + "|" + std::to_string(year)),
                sql::Value::Text(household), sql::Value::Text(cadre), sql::Value::Int(year),
                sql::Value::Text(Token(satisfaction)), sql::Value::Int(at_millis_), sql::Value::Text(county)})
      .status();
}

Result<std::map<std::string, Satisfaction>> RatingRepository::ByHousehold(std::string_view household_code,
                                                                          int year) {
  LX_ASSIGN_OR_RETURN(
      sql::Statement * select,
      db_.Prepare("SELECT cadre_code, satisfaction FROM ratings WHERE household_code = ?1 AND year = ?2"));
  select->Bind(1, household_code).Bind(2, year);
  std::map<std::string, Satisfaction> out;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    std::optional<Satisfaction> s = ParseSatisfaction(select->Text(1));
    if (s) out[std::string(select->Text(0))] = *s;
  }
  return out;
}

Result<std::vector<Satisfaction>> RatingRepository::OfCadre(std::string_view cadre_code, int from_year,
                                                            int to_year) {
  LX_ASSIGN_OR_RETURN(
      sql::Statement * select,
      db_.Prepare("SELECT satisfaction FROM ratings WHERE cadre_code = ?1 AND year >= ?2 AND year <= ?3 "
                  "ORDER BY key"));
  select->Bind(1, cadre_code).Bind(2, from_year).Bind(3, to_year);
  std::vector<Satisfaction> out;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    std::optional<Satisfaction> s = ParseSatisfaction(select->Text(0));
    if (s) out.push_back(*s);
  }
  return out;
}

}  // namespace lianxin
