// The queues of open appeals (B7) stay fast only while the repository's
// condition for "open" is the one the partial indexes of migration 012 were
// made with: SQLite uses a partial index only for a query whose WHERE
// implies the index's, which it checks by the text of the terms.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "fieldwork/appeal_repository.hpp"
#include "query_plan.hpp"
#include "store/migrations.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

TEST(AppealQueuePlanTest, TheMigrationsOpenIndexesSayWhatTheRepositoryAsks) {
  const std::string where = "WHERE " + std::string(AppealRepository::kOpenCondition);
  std::string appeals;
  for (const Migration& m : Migrations())
    if (std::string(m.name).find("appeals") != std::string::npos)
      appeals = MigrationSql(m, sql::Dialect::kSqlite);
  ASSERT_FALSE(appeals.empty()) << "no appeals migration";
  int partial = 0;
  for (size_t at = appeals.find(where); at != std::string::npos; at = appeals.find(where, at + 1)) ++partial;
  EXPECT_EQ(partial, 3) << "the county's, a township's and a village's open queue";
}

TEST(AppealQueuePlanTest, EachLevelsOpenQueueReadsItsPartialIndexInDeadlineOrder) {
  TempDir dir;
  ASSERT_NE(OpenOrDie(dir / "c.db"), nullptr);  // every migration applied
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "c.db").c_str(), &db), SQLITE_OK);
  for (std::string level : {"county", "township", "region"}) {
    const std::string plan = PlanOf(
        db, "SELECT id FROM appeals WHERE " + level + "_code = '149901001000' AND " +
                std::string(AppealRepository::kOpenCondition) + " ORDER BY deadline_millis, id LIMIT 50");
    EXPECT_NE(plan.find("appeals_" + level + "_open"), std::string::npos) << level << ": " << plan;
  }
  sqlite3_close(db);
}

}  // namespace
}  // namespace lianxin::testing
