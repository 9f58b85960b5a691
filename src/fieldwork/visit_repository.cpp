#include "fieldwork/visit_repository.hpp"

#include "crypto/random_id.hpp"
#include "fieldwork/list_sql.hpp"

namespace lianxin {

namespace {

constexpr std::string_view kColumns =
    "id, cadre_code, household_code, kind, visited_on, heard, promised, confirmed, recorded_by, "
    "recorded_millis, county_code";

Result<Visit> ReadVisit(const sql::Statement& row) {
  Visit v;
  v.id = row.Text(0);
  v.cadre_code = row.Text(1);
  v.household_code = row.Text(2);
  std::optional<VisitKind> kind = ParseVisitKind(row.Text(3));
  if (!kind) return Status::Internal("数据库中 visits.kind 的值无效: " + std::string(row.Text(3)));
  v.kind = *kind;
  LX_ASSIGN_OR_RETURN(v.date, ParseDate(row.Text(4)));
  v.heard = row.Text(5);
  v.promised = row.Text(6);
  v.confirmed = row.Int(7) != 0;
  return v;
}

Result<std::vector<Visit>> ReadVisits(sql::Statement& select) {
  std::vector<Visit> visits;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return visits;
    LX_ASSIGN_OR_RETURN(Visit visit, ReadVisit(select));
    visits.push_back(std::move(visit));
  }
}

}  // namespace

const JournalTable& VisitRepository::Table() {
  static const JournalTable kTable{"visits",
                                   {{"id"},
                                    {"cadre_code"},
                                    {"household_code"},
                                    {"kind"},
                                    {"visited_on"},
                                    {"heard"},
                                    {"promised"},
                                    {"confirmed"},
                                    {"recorded_by"},
                                    {"recorded_millis"},
                                    {"county_code"}},
                                   "id"};
  return kTable;
}

Result<std::string> VisitRepository::Add(Visit visit, const std::string& recorded_by) {
  if (journal_ == nullptr) return Status::Internal("VisitRepository: 只读,不能写入 (read-only)");
  LX_ASSIGN_OR_RETURN(std::optional<std::string> household_county,
                      sql::CountyOf(db_, "households", "code", visit.household_code));
  if (!household_county) return Status::NotFound("农户不存在: " + visit.household_code + " (not_found)");
  const std::string& county = *household_county;
  LX_ASSIGN_OR_RETURN(std::optional<std::string> of_cadre,
                      sql::CountyOf(db_, "cadres", "code", visit.cadre_code));
  if (!of_cadre) return Status::NotFound("干部不存在: " + visit.cadre_code + " (not_found)");
  const std::string& cadre_county = *of_cadre;
  // A county's rows refer to their own county (migration 023).
  if (cadre_county != county) {
    return Status::Invalid("干部 " + visit.cadre_code + " 属于县 " + cadre_county + ",农户属于县 " + county +
                               ",走访只记本县干部 (county_mismatch)",
                           "cadre_code");
  }
  if (visit.id.empty()) {
    visit.id = NewRecordId('V');
  } else {
    // An id the caller chose (VisitIdFor a phone's retry): never written over.
    LX_ASSIGN_OR_RETURN(sql::Statement * taken, db_.Prepare("SELECT 1 FROM visits WHERE id = ?1"));
    taken->Bind(1, visit.id);
    LX_ASSIGN_OR_RETURN(bool exists, taken->Step());
    taken->Reset();
    if (exists) return Status::Conflict("记录编号重复: " + visit.id + " (visit_exists)");
  }
  LX_ASSIGN_OR_RETURN(
      UpsertOutcome outcome,
      journal_->Upsert(
          Table(), {sql::Value::Text(visit.id), sql::Value::Text(visit.cadre_code),
                    sql::Value::Text(visit.household_code), sql::Value::Text(Token(visit.kind)),
                    sql::Value::Text(visit.date.ToString()), sql::Value::Text(visit.heard),
                    sql::Value::Text(visit.promised), sql::Value::Int(visit.confirmed ? 1 : 0),
                    sql::Value::Text(recorded_by), sql::Value::Int(at_millis_), sql::Value::Text(county)}));
  if (outcome != UpsertOutcome::kInserted)
    return Status::Conflict("记录编号重复: " + visit.id + " (visit_exists)");
  return visit.id;
}

Status VisitRepository::Confirm(std::string_view id, std::string_view household_code) {
  if (journal_ == nullptr) return Status::Internal("VisitRepository: 只读,不能写入 (read-only)");
  LX_ASSIGN_OR_RETURN(sql::Statement * select,
                      db_.Prepare("SELECT " + std::string(kColumns) + " FROM visits WHERE id = ?1"));
  select->Bind(1, id);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  JournalRow row;
  for (int i = 0; found && i < select->ColumnCount(); ++i) row.push_back(select->Get(i));
  select->Reset();
  // Another household's visit is answered as one that does not exist.
  if (!found || row[2].bytes != household_code) return Status::NotFound("走访记录不存在 (not_found)");
  row[7] = sql::Value::Int(1);
  return journal_->Upsert(Table(), std::move(row)).status();
}

Result<std::vector<Visit>> VisitRepository::OfHousehold(std::string_view household_code, int limit) {
  LX_ASSIGN_OR_RETURN(sql::Statement * select,
                      db_.Prepare("SELECT " + std::string(kColumns) +
                                  " FROM visits WHERE household_code = ?1 "
                                  "ORDER BY visited_on DESC, recorded_millis DESC, id LIMIT ?2"));
  select->Bind(1, household_code).Bind(2, limit);
  return ReadVisits(*select);
}

Result<std::vector<Visit>> VisitRepository::ByCadre(std::string_view cadre_code) {
  LX_ASSIGN_OR_RETURN(
      sql::Statement * select,
      db_.Prepare("SELECT " + std::string(kColumns) +
                  " FROM visits WHERE cadre_code = ?1 ORDER BY visited_on, recorded_millis, id"));
  select->Bind(1, cadre_code);
  return ReadVisits(*select);
}

Result<FieldworkPage<Visit>> VisitRepository::List(const FieldworkQuery& query) {
  if (query.limit < 1 || query.limit > 1000)
    return Status::Invalid("limit 应为 1 到 1000 的整数 (limit)", "limit");
  FieldworkPage<Visit> page;
  std::optional<ListSql> sql = FieldworkWhere(query, "v.cadre_code", "v.household_code");
  if (!sql) return page;
  if (!query.from.empty()) sql->Add("v.visited_on >= ?", {sql::Value::Text(query.from)});
  if (!query.to.empty()) sql->Add("v.visited_on <= ?", {sql::Value::Text(query.to)});
  if (!query.cursor.empty()) {
    // "YYYY-MM-DD.Vxxxxxxxxxxxxxxxx": the last row's day and id.
    const size_t dot = query.cursor.find('.');
    if (dot != 10 || query.cursor.size() < 12)
      return Status::Invalid("cursor 无效 (cursor_invalid)", "cursor");
    const std::string day = query.cursor.substr(0, dot), id = query.cursor.substr(dot + 1);
    sql->Add("(v.visited_on < ? OR (v.visited_on = ? AND v.id < ?))",
             {sql::Value::Text(day), sql::Value::Text(day), sql::Value::Text(id)});
  }
  std::string columns;
  for (std::string_view rest = kColumns; !rest.empty();) {
    const size_t comma = rest.find(", ");
    columns += (columns.empty() ? "v." : ", v.") + std::string(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
  }
  sql->values.push_back(sql::Value::Int(query.limit + 1));
  LX_ASSIGN_OR_RETURN(
      sql::Statement * select,
      db_.Prepare("SELECT " + columns + " FROM visits v JOIN households h ON h.code = v.household_code" +
                  sql->where + " ORDER BY v.visited_on DESC, v.id DESC LIMIT ?"));
  for (size_t i = 0; i < sql->values.size(); ++i) select->Bind(static_cast<int>(i + 1), sql->values[i]);
  LX_ASSIGN_OR_RETURN(page.items, ReadVisits(*select));
  if (static_cast<int>(page.items.size()) > query.limit) {
    page.items.pop_back();
    page.next = page.items.back().date.ToString() + "." + page.items.back().id;
  }
  return page;
}

Result<std::vector<VisitDuty>> VisitRepository::DutiesOf(std::string_view cadre_code, const Date& today) {
  // Since when: the newest history entry that gave the household to this
  // cadre (the pairing run or pin that made the pair).
  LX_ASSIGN_OR_RETURN(
      sql::Statement * select,
      db_.Prepare(
          "SELECT p.held, p.kind, h.head_name, (SELECT MAX(ph.at_millis) FROM pair_history ph WHERE "
          "ph.kind = p.kind AND ph.held = p.held AND ph.to_holder = p.holder) FROM pairs p JOIN "
          "households h ON h.code = p.held WHERE p.holder = ?1 AND p.kind IN ('contact', 'assistance') "
          "ORDER BY p.held, p.kind"));
  select->Bind(1, cadre_code);
  std::vector<VisitDuty> duties;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) return duties;
    VisitDuty duty;
    duty.household_code = select->Text(0);
    duty.assistance = select->Text(1) == "assistance";
    duty.household_name = select->Text(2);
    duty.since = select->IsNull(3) ? today : ChinaDateOf(select->Int(3));
    duties.push_back(std::move(duty));
  }
}

}  // namespace lianxin
