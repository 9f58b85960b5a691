// Copying a whole database into an empty one, row for row: `lianxin
// migrate` between SQLite and PostgreSQL, and the backup of a PostgreSQL
// database into a SQLite file. Ciphertexts, digests and the journal move as
// they are, so the copy opens with the same key, verifies, and has the same
// root hash.
#include <algorithm>

#include "store/sql_store/internal.hpp"

namespace lianxin::sql_store {
namespace {

// Every table the program keeps: each journaled table (AllTableDefs, which
// lists parents before the children whose foreign keys name them; regions
// copied in level order, for their parent codes), then the journal and its
// sealed head. Only the schema's own record (schema_migrations) is not
// copied: the target has its own. A table of the schema outside this list
// refuses the copy (CheckEveryTableCopied), so a table added later cannot be
// left behind unnoticed.
std::vector<std::string> TablesToCopy() {
  std::vector<std::string> tables;
  for (const TableDef* def : AllTableDefs()) tables.emplace_back(def->name);
  tables.emplace_back("journal");
  tables.emplace_back("journal_head");
  return tables;
}

Status CheckEveryTableCopied(sql::Connection& db, const std::vector<std::string>& tables) {
  const std::string sql =
      db.dialect() == sql::Dialect::kPostgres
          ? "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
          : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
  LX_ASSIGN_OR_RETURN(sql::Statement * select, db.Prepare(sql));
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    const std::string name(select->Text(0));
    if (name == "schema_migrations" || std::find(tables.begin(), tables.end(), name) != tables.end())
      continue;
    select->Reset();
    return Status::Internal("表 " + name + " 不在迁移的表中,迁移会丢下它 (table_not_copied)");
  }
  select->Reset();
  return Status::Ok();
}

// Rows between two progress updates.
constexpr std::uint64_t kProgressEvery = 20000;

// "a, b, c"
std::string ColumnList(const std::vector<std::string>& columns) {
  std::string list;
  for (const std::string& column : columns) list += (list.empty() ? "" : ", ") + column;
  return list;
}

// One table, a chunk at a time in the order of its first column (its key,
// ForEachInChunks), so a county's journal never sits in memory whole.
Status CopyTable(sql::Connection& from, sql::Connection& to, std::string_view table, Progress* progress,
                 std::uint64_t& copied) {
  LX_ASSIGN_OR_RETURN(std::vector<std::string> columns, from.Columns(table));
  LX_ASSIGN_OR_RETURN(std::vector<std::string> target_columns, to.Columns(table));
  // The same columns; their order may differ (migration 023 put a county
  // table's key columns first on SQLite only): every statement names them.
  std::vector<std::string> mine = columns, theirs = target_columns;
  std::sort(mine.begin(), mine.end());
  std::sort(theirs.begin(), theirs.end());
  if (columns.empty() || mine != theirs) {
    return Status::Invalid("两边的表 " + std::string(table) + " 结构不同,不能复制 (schema_mismatch)");
  }
  const std::string select = "SELECT " + ColumnList(columns) + " FROM " + std::string(table);
  LX_ASSIGN_OR_RETURN(std::unique_ptr<sql::CopyIn> copy, to.BeginCopy(table, columns));
  std::vector<sql::Value> row(columns.size());
  if (table == "regions") {  // a few hundred rows, parents first
    LX_ASSIGN_OR_RETURN(
        sql::Statement * rows,
        from.Prepare(select + " ORDER BY CASE level WHEN 'county' THEN 0 WHEN 'township' THEN 1 "
                              "WHEN 'village' THEN 2 ELSE 3 END, code"));
    while (true) {
      LX_ASSIGN_OR_RETURN(bool more, rows->Step());
      if (!more) return copy->Finish();
      for (size_t i = 0; i < columns.size(); ++i) row[i] = rows->Get(static_cast<int>(i));
      LX_RETURN_IF_ERROR(copy->Add(row));
      ++copied;
    }
  }
  LX_RETURN_IF_ERROR(sql::ForEachInChunks(from, select, columns[0], 0, [&](const sql::Statement& rows) {
    for (size_t i = 0; i < columns.size(); ++i) row[i] = rows.Get(static_cast<int>(i));
    if (++copied % kProgressEvery == 0 && progress) progress->Update(copied);
    return copy->Add(row);
  }));
  return copy->Finish();
}

}  // namespace

Status SqlStore::CopyInto(SqlStore& to, Progress* progress) {
  LX_ASSIGN_OR_RETURN(int from_version, SchemaVersion());
  LX_ASSIGN_OR_RETURN(int to_version, to.SchemaVersion());
  if (from_version != to_version) {
    return Status::Internal("两边的数据库版本不同 (schema " + std::to_string(from_version) + " / " +
                            std::to_string(to_version) + ")");
  }
  LX_ASSIGN_OR_RETURN(Statement * entries, to.Prepare("SELECT COUNT(*) FROM journal"));
  LX_ASSIGN_OR_RETURN(bool counted, entries->Step());
  const std::int64_t existing = counted ? entries->Int(0) : 0;
  entries->Reset();
  if (existing > 0) {
    return Status::Invalid("目标数据库已有数据(日志 " + std::to_string(existing) +
                           " 条),只能复制到空库 (target_not_empty)");
  }
  const std::vector<std::string> tables = TablesToCopy();
  LX_RETURN_IF_ERROR(CheckEveryTableCopied(seam(), tables));
  std::uint64_t total = 0;
  for (const std::string& table : tables) {
    LX_ASSIGN_OR_RETURN(std::int64_t rows, CountOf("SELECT COUNT(*) FROM " + std::string(table)));
    total += static_cast<std::uint64_t>(rows);
  }
  if (progress) progress->Begin("复制 copying", total, "行");
  // One snapshot of the source, one transaction on the target: all or nothing.
  BeginRead();
  LX_RETURN_IF_ERROR(to.RunCached(to.BeginWriteSql()));
  std::uint64_t copied = 0;
  // The empty journal's sealed head, which the copied one replaces.
  Status status = to.seam().Exec("DELETE FROM journal_head");
  for (const std::string& table : tables) {
    if (!status.ok()) break;
    status = CopyTable(seam(), to.seam(), table, progress, copied);
  }
  EndRead();
  if (status.ok()) status = to.RunCached("COMMIT");
  if (!status.ok()) to.seam().Rollback();
  if (progress) progress->End();
  return status;
}

}  // namespace lianxin::sql_store
