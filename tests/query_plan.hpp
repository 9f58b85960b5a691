// What SQLite's planner makes of a query (EXPLAIN QUERY PLAN), for the tests
// that hold a look-up to the index it was made for: a plan that read the
// whole table instead would pass every test of results.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

namespace lianxin::testing {

// The plan's lines run together ("SEARCH households USING INDEX …").
inline std::string PlanOf(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* plan = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &plan, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  std::string text;
  while (sqlite3_step(plan) == SQLITE_ROW)
    text += reinterpret_cast<const char*>(sqlite3_column_text(plan, 3));
  sqlite3_finalize(plan);
  return text;
}

}  // namespace lianxin::testing
