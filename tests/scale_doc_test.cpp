// docs/scale.md names the tables Citus distributes by county_code: they
// must be exactly the tables of the schema that carry that column.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "test_util.hpp"

namespace lianxin::testing {
namespace {

std::set<std::string> DocumentedTables() {
  std::ifstream in(SourceDir() / "docs" / "scale.md");
  std::set<std::string> tables;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.find("county-owned tables: begin") != std::string::npos) inside = true;
    if (line.find("county-owned tables: end") != std::string::npos) inside = false;
    if (inside && line.starts_with("- ")) tables.insert(line.substr(2));
  }
  return tables;
}

TEST(ScaleDocTest, TheDistributedTablesAreTheOnesCarryingCountyCode) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenOrDie(dir / "c.db");  // every migration applied
  ASSERT_NE(store, nullptr);
  store.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "c.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* select = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT DISTINCT m.name FROM sqlite_master m, pragma_table_info(m.name) p "
                               "WHERE m.type = 'table' AND p.name = 'county_code'",
                               -1, &select, nullptr),
            SQLITE_OK);
  std::set<std::string> carrying;
  while (sqlite3_step(select) == SQLITE_ROW) {
    carrying.insert(reinterpret_cast<const char*>(sqlite3_column_text(select, 0)));
  }
  sqlite3_finalize(select);
  sqlite3_close(db);
  std::set<std::string> documented = DocumentedTables();
  ASSERT_FALSE(documented.empty());
  EXPECT_EQ(documented, carrying) << "docs/scale.md and the schema disagree";
}

// Citus distributes a table by county_code only when every primary key and
// unique index includes it, and joins two tables' rows only when each
// foreign key between them maps county_code to county_code (migration 023).
// What breaks that, on the backend the tests run on, one line each.
std::vector<std::string> KeysWithoutCounty(sql::Connection& db, const std::string& table) {
  std::vector<std::string> found;
  auto each = [&](const std::string& query, auto&& row) {
    Result<sql::Statement*> select = db.Prepare(query);
    ASSERT_TRUE(select.ok()) << select.status().ToString();
    (*select)->Bind(1, table);
    while (true) {
      Result<bool> more = (*select)->Step();
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) break;
      row(**select);
    }
    (*select)->Reset();
  };
  if (db.dialect() == sql::Dialect::kPostgres) {
    each(
        "SELECT c.conname FROM pg_constraint c WHERE c.conrelid = ?1::regclass AND c.contype IN ('p', 'u') "
        "AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid "
        "AND a.attnum = ANY (c.conkey) AND a.attname = 'county_code')",
        [&](sql::Statement& r) { found.push_back("key " + std::string(r.Text(0))); });
    each(
        "SELECT i.indexrelid::regclass::text FROM pg_index i WHERE i.indrelid = ?1::regclass AND "
        "i.indisunique AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid "
        "AND a.attnum = ANY (i.indkey) AND a.attname = 'county_code')",
        [&](sql::Statement& r) { found.push_back("unique index " + std::string(r.Text(0))); });
    each(
        "SELECT c.conname FROM pg_constraint c WHERE c.conrelid = ?1::regclass AND c.contype = 'f' "
        "AND NOT EXISTS (SELECT 1 FROM generate_subscripts(c.conkey, 1) k "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[k] "
        "JOIN pg_attribute r ON r.attrelid = c.confrelid AND r.attnum = c.confkey[k] "
        "WHERE a.attname = 'county_code' AND r.attname = 'county_code')",
        [&](sql::Statement& r) { found.push_back("foreign key " + std::string(r.Text(0))); });
    each(
        "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = ?1::regclass "
        "AND c.contype = 'p')",
        [&](sql::Statement&) { found.push_back("no primary key"); });
    return found;
  }
  // SQLite: the primary key (a rowid table's INTEGER PRIMARY KEY is its
  // row number, the storage's address, not a key: members' on SQLite), the
  // unique indexes (the key's own among them) and the foreign keys.
  std::vector<std::string> key;
  bool rowid_alias = false;
  each("SELECT name, type FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk", [&](sql::Statement& r) {
    key.emplace_back(r.Text(0));
    rowid_alias = r.Text(1) == "INTEGER";
  });
  bool without_rowid = false;
  each("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1",
       [&](sql::Statement& r) { without_rowid = r.Text(0).find("WITHOUT ROWID") != std::string_view::npos; });
  if (key.empty()) found.push_back("no primary key");
  if (!key.empty() && std::find(key.begin(), key.end(), "county_code") == key.end() &&
      !(key.size() == 1 && rowid_alias && !without_rowid)) {
    found.push_back("key (" + key[0] + ")");
  }
  std::vector<std::string> unique;
  each("SELECT name FROM pragma_index_list(?1) WHERE \"unique\" = 1",
       [&](sql::Statement& r) { unique.emplace_back(r.Text(0)); });
  for (const std::string& index : unique) {
    Result<sql::Statement*> columns =
        db.Prepare("SELECT 1 FROM pragma_index_info(?1) WHERE name = 'county_code'");
    Result<bool> has = columns.ok() ? (*columns)->Bind(1, index).Step() : Result<bool>(columns.status());
    if (columns.ok()) (*columns)->Reset();
    if (!has.ok() || !*has) found.push_back("unique index " + index);
  }
  std::map<std::int64_t, bool> foreign;  // id: maps county_code to county_code
  each("SELECT id, \"from\", \"to\" FROM pragma_foreign_key_list(?1)", [&](sql::Statement& r) {
    foreign[r.Int(0)] |= r.Text(1) == "county_code" && r.Text(2) == "county_code";
  });
  for (const auto& [id, ok] : foreign) {
    if (!ok) found.push_back("foreign key " + std::to_string(id));
  }
  return found;
}

TEST(ScaleDocTest, EveryKeyOfADistributedTableIncludesCountyCode) {
  TempDir dir;
  const std::string path = dir / "k.db";
  ASSERT_NE(OpenOrDie(path), nullptr);  // every migration applied
  Result<std::unique_ptr<sql::Connection>> db = sql::Connect(DbTarget(path), {.create = false});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  std::set<std::string> documented = DocumentedTables();
  ASSERT_FALSE(documented.empty());
  int foreign_keys = 0;
  for (const std::string& table : documented) {
    std::vector<std::string> wrong;
    ASSERT_NO_FATAL_FAILURE(wrong = KeysWithoutCounty(**db, table));
    for (const std::string& what : wrong) ADD_FAILURE() << table << ": " << what << " lacks county_code";
  }
  // The check reads real constraints: households has a foreign key to its
  // village, and it is found.
  Result<sql::Statement*> fk =
      (*db)->dialect() == sql::Dialect::kPostgres
          ? (*db)->Prepare(
                "SELECT COUNT(*) FROM pg_constraint WHERE conrelid = 'households'::regclass "
                "AND contype = 'f'")
          : (*db)->Prepare("SELECT COUNT(*) FROM pragma_foreign_key_list('households')");
  ASSERT_TRUE(fk.ok());
  ASSERT_TRUE(*(*fk)->Step());
  foreign_keys = static_cast<int>((*fk)->Int(0));
  (*fk)->Reset();
  EXPECT_GE(foreign_keys, 1);
}

}  // namespace
}  // namespace lianxin::testing
