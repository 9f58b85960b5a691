// The tasks' storage (PRODUCT.md §3): one task per household,
// cadre and need.

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
    "SELECT household_code, cadre_code, need, task, target, deadline, level, status, progress, notes FROM "
    "tasks";

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
  LX_ASSIGN_OR_RETURN(Statement * select, Prepare(std::string(kTaskColumns) +
                                                  " WHERE household_code = ?1 ORDER BY cadre_code, need"));
  select->Bind(1, household_code);
  return ReadTasks(*select);
}

Result<std::vector<Task>> SqlStore::TasksByCadre(std::string_view cadre_code) {
  LX_ASSIGN_OR_RETURN(
      Statement * select,
      Prepare(std::string(kTaskColumns) + " WHERE cadre_code = ?1 ORDER BY deadline, household_code, need"));
  select->Bind(1, cadre_code);
  return ReadTasks(*select);
}

}  // namespace lianxin::sql_store
