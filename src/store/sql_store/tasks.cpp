// The tasks' storage (PRODUCT.md §3): one task per household,
// cadre and need.

#include "crypto/random_id.hpp"
#include "fieldwork/list_sql.hpp"
#include "store/sql_store/internal.hpp"

namespace lianxin::sql_store {

const TableDef& TasksDef() {
  static const TableDef kDef{"tasks",
                             {{"key"},
                              {"household_code"},
                              {"cadre_code"},
                              {"need"},
                              {"task"},
                              {"target"},
                              {"deadline"},
                              {"level"},
                              {"status"},
                              {"progress"},
                              {"notes"},
                              {"county_code"}},
                             "household_code, cadre_code, need"};
  return kDef;
}

Result<UpsertOutcome> SqlTxn::Upsert(const Task& t) {
  LX_ASSIGN_OR_RETURN(std::string county, pairing().CountyOfHeld(PairingKind::kAssistance, t.household_code));
  Image image{Cell::Text(t.household_code + "|" + t.cadre_code + "|" + t.need),
              Cell::Text(t.household_code),
              Cell::Text(t.cadre_code),
              Cell::Text(t.need),
              Cell::Text(t.task),
              Cell::Text(t.target),
              Cell::Text(t.deadline),
              Cell::Text(Token(t.level)),
              Cell::Text(Token(t.status)),
              Cell::Int(t.progress),
              Cell::Text(t.notes),
              Cell::Text(county)};
  return UpsertImage(TasksDef(), std::move(image));
}

namespace {

constexpr std::string_view kTaskColumns =
    "SELECT t.household_code, t.cadre_code, t.need, t.task, t.target, t.deadline, t.level, t.status, "
    "t.progress, "
    "t.notes FROM tasks t";

Result<std::vector<Task>> ReadTasks(Statement& select) {
  std::vector<Task> tasks;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return tasks;
    Task t;
    t.household_code = select.Text(0);
    t.cadre_code = select.Text(1);
    t.need = select.Text(2);
    t.task = select.Text(3);
    t.target = select.Text(4);
    t.deadline = select.Text(5);
    LX_ASSIGN_OR_RETURN(t.level,
                        FromToken(select.Text(6), {TaskLevel::kMajor, TaskLevel::kNormal}, "tasks.level"));
    LX_ASSIGN_OR_RETURN(
        t.status, FromToken(select.Text(7), {TaskStatus::kOpen, TaskStatus::kDone, TaskStatus::kCancelled},
                            "tasks.status"));
    t.progress = static_cast<int>(select.Int(8));
    t.notes = select.Text(9);
    tasks.push_back(std::move(t));
  }
}

}  // namespace

Result<std::vector<Task>> SqlStore::TasksOf(std::string_view household_code) {
  LX_ASSIGN_OR_RETURN(
      Statement * select,
      Prepare(std::string(kTaskColumns) + " WHERE t.household_code = ?1 ORDER BY t.cadre_code, t.need"));
  select->Bind(1, household_code);
  return ReadTasks(*select);
}

Result<std::vector<Task>> SqlStore::TasksByCadre(std::string_view cadre_code) {
  LX_ASSIGN_OR_RETURN(Statement * select,
                      Prepare(std::string(kTaskColumns) +
                              " WHERE t.cadre_code = ?1 ORDER BY t.deadline, t.household_code, t.need"));
  select->Bind(1, cadre_code);
  return ReadTasks(*select);
}

Result<FieldworkPage<Task>> SqlStore::ListTasks(const FieldworkQuery& query) {
  if (query.limit < 1 || query.limit > 1000)
    return Status::Invalid("limit 应为 1 到 1000 的整数 (limit)", "limit");
  FieldworkPage<Task> page;
  std::optional<ListSql> sql = FieldworkWhere(query, "t.cadre_code", "t.household_code");
  if (!sql) return page;
  if (query.status) sql->Add("t.status = ?", {Cell::Text(Token(*query.status))});
  if (query.overdue_only) {
    sql->Add("t.status = 'open' AND t.deadline <> '' AND t.deadline < ?",
             {Cell::Text(query.today.ToString())});
  }
  if (!query.cursor.empty()) {
    // The last row's deadline and key (household|cadre|need), after a '.'.
    const size_t dot = query.cursor.find('.');
    if (dot == std::string::npos) return Status::Invalid("cursor 无效 (cursor_invalid)", "cursor");
    const std::string deadline = query.cursor.substr(0, dot), key = query.cursor.substr(dot + 1);
    sql->Add("(t.deadline > ? OR (t.deadline = ? AND t.key > ?))",
             {Cell::Text(deadline), Cell::Text(deadline), Cell::Text(key)});
  }
  sql->values.push_back(Cell::Int(query.limit + 1));
  LX_ASSIGN_OR_RETURN(Statement * select,
                      Prepare(std::string(kTaskColumns) + " JOIN households h ON h.code = t.household_code" +
                              sql->where + " ORDER BY t.deadline, t.key LIMIT ?"));
  for (size_t i = 0; i < sql->values.size(); ++i) select->Bind(static_cast<int>(i + 1), sql->values[i]);
  LX_ASSIGN_OR_RETURN(page.items, ReadTasks(*select));
  if (static_cast<int>(page.items.size()) > query.limit) {
    page.items.pop_back();
    const Task& last = page.items.back();
    page.next = last.deadline + "." + last.household_code + "|" + last.cadre_code + "|" + last.need;
  }
  return page;
}

const TableDef& DecisionsDef() {
  static const TableDef kDef{"decisions",
                             {{"id"},
                              {"meeting"},
                              {"meeting_date"},
                              {"decision"},
                              {"handler"},
                              {"supervisor"},
                              {"deadline"},
                              {"level"},
                              {"status"},
                              {"progress"},
                              {"notes"},
                              {"created_by"},
                              {"county_code"}},
                             "id"};
  return kDef;
}

namespace {

Image DecisionImage(const Decision& d, const std::string& county) {
  return {Cell::Text(d.id),       Cell::Text(d.meeting),      Cell::Text(d.meeting_date.ToString()),
          Cell::Text(d.decision), Cell::Text(d.handler),      Cell::Text(d.supervisor),
          Cell::Text(d.deadline), Cell::Text(Token(d.level)), Cell::Text(Token(d.status)),
          Cell::Int(d.progress),  Cell::Text(d.notes),        Cell::Text(d.created_by),
          Cell::Text(county)};
}

Result<Decision> ReadDecision(const Statement& row) {
  Decision d;
  d.id = row.Text(0);
  d.meeting = row.Text(1);
  LX_ASSIGN_OR_RETURN(d.meeting_date, ParseDate(row.Text(2)));
  d.decision = row.Text(3);
  d.handler = row.Text(4);
  d.supervisor = row.Text(5);
  d.deadline = row.Text(6);
  LX_ASSIGN_OR_RETURN(d.level,
                      FromToken(row.Text(7), {TaskLevel::kMajor, TaskLevel::kNormal}, "decisions.level"));
  LX_ASSIGN_OR_RETURN(d.status,
                      FromToken(row.Text(8), {TaskStatus::kOpen, TaskStatus::kDone, TaskStatus::kCancelled},
                                "decisions.status"));
  d.progress = static_cast<int>(row.Int(9));
  d.notes = row.Text(10);
  d.created_by = row.Text(11);
  return d;
}

}  // namespace

// sql::CountyOf, once a loading thread has written what it was given
// (it holds the connection until then, as SqlStore::Prepare says).
Result<std::optional<std::string>> SqlTxn::CountyOf(std::string_view table, std::string_view key_column,
                                                    const std::string& key) {
  if (store_.loading_ != nullptr) LX_RETURN_IF_ERROR(store_.loading_->AwaitLoader());
  return sql::CountyOf(store_.seam(), table, key_column, key);
}

// A decision's handler and supervising unit are of the decision's county
// (a county's rows refer to their own county, migration 023): `table`'s
// record `code`, which the caller calls `what`, in field `field`.
Status SqlTxn::CheckInCounty(std::string_view table, const std::string& code, const std::string& county,
                             std::string_view what, std::string field) {
  LX_ASSIGN_OR_RETURN(std::optional<std::string> its, CountyOf(table, "code", code));
  if (!its) return Status::NotFound(std::string(what) + "不存在: " + code + " (not_found)");
  if (*its != county) {
    return Status::Invalid(std::string(what) + " " + code + " 属于县 " + *its + ",决定事项属于县 " + county +
                               ",应为同一县 (county_mismatch)",
                           std::move(field));
  }
  return Status::Ok();
}

Result<std::string> SqlTxn::AddDecision(const Decision& decision) {
  if (!open_) return Status::Internal("写事务已结束");
  LX_ASSIGN_OR_RETURN(std::optional<std::string> county, CountyOf("cadres", "code", decision.handler));
  if (!county) return Status::NotFound("承办干部不存在: " + decision.handler + " (not_found)");
  LX_RETURN_IF_ERROR(CheckInCounty("units", decision.supervisor, *county, "督办单位", "supervisor"));
  Decision d = decision;
  d.id = NewRecordId('D');
  LX_ASSIGN_OR_RETURN(UpsertOutcome outcome, UpsertImage(DecisionsDef(), DecisionImage(d, *county)));
  if (outcome != UpsertOutcome::kInserted) return Status::Internal("决定事项编号重复: " + d.id);
  return d.id;
}

Status SqlTxn::UpdateDecision(const Decision& decision) {
  if (!open_) return Status::Internal("写事务已结束");
  LX_ASSIGN_OR_RETURN(std::optional<std::string> county, CountyOf("decisions", "id", decision.id));
  if (!county) return Status::NotFound("决定事项不存在: " + decision.id + " (not_found)");
  LX_RETURN_IF_ERROR(CheckInCounty("cadres", decision.handler, *county, "承办干部", "handler"));
  LX_RETURN_IF_ERROR(CheckInCounty("units", decision.supervisor, *county, "督办单位", "supervisor"));
  return UpsertImage(DecisionsDef(), DecisionImage(decision, *county)).status();
}

Result<std::optional<Decision>> SqlStore::GetDecision(std::string_view id) {
  LX_ASSIGN_OR_RETURN(Statement * select, Prepare(SelectSql(DecisionsDef()) + " WHERE id = ?1"));
  select->Bind(1, id);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  std::optional<Decision> decision;
  if (found) {
    Result<Decision> read = ReadDecision(*select);
    select->Reset();
    if (!read.ok()) return read.status();
    decision = std::move(*read);
  }
  select->Reset();
  return decision;
}

Result<std::vector<Decision>> SqlStore::ListDecisions(const DecisionQuery& q) {
  std::vector<Decision> out;
  std::string where;
  std::vector<Cell> values;
  auto add = [&](const std::string& condition, std::vector<Cell> more) {
    where += (where.empty() ? " WHERE " : " AND ") + condition;
    values.insert(values.end(), more.begin(), more.end());
  };
  switch (q.scope.kind) {
    case ScopeKind::kNone:
      return out;
    case ScopeKind::kRegion: {
      std::optional<std::string> prefix = RegionSubtreePrefix(q.scope.code);
      if (!prefix) return out;
      add("county_code = ?", {Cell::Text(prefix->substr(0, 6))});
      break;
    }
    case ScopeKind::kUnit:
      add("(supervisor = ? OR handler IN (SELECT code FROM cadres WHERE unit_code = ?))",
          {Cell::Text(q.scope.code), Cell::Text(q.scope.code)});
      break;
    case ScopeKind::kCadre:
      add("handler = ?", {Cell::Text(q.scope.code)});
      break;
  }
  if (!q.handler.empty()) add("handler = ?", {Cell::Text(q.handler)});
  if (!q.supervisor.empty()) add("supervisor = ?", {Cell::Text(q.supervisor)});
  if (q.open_only || q.overdue_only) add("status = 'open'", {});
  if (q.overdue_only) add("deadline < ?", {Cell::Text(q.today.ToString())});
  LX_ASSIGN_OR_RETURN(Statement * select,
                      Prepare(SelectSql(DecisionsDef()) + where + " ORDER BY deadline, id LIMIT 1000"));
  for (size_t i = 0; i < values.size(); ++i) select->Bind(static_cast<int>(i + 1), values[i]);
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) return out;
    Result<Decision> d = ReadDecision(*select);
    if (!d.ok()) {
      select->Reset();
      return d.status();
    }
    out.push_back(std::move(*d));
  }
}

}  // namespace lianxin::sql_store
