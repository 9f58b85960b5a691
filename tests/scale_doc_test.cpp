// docs/scale.md names the tables Citus distributes by county_code: they
// must be exactly the tables of the schema that carry that column.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
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

}  // namespace
}  // namespace lianxin::testing
