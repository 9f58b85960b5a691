// On SQLite the indexes on households' and cadres' blind indexes are made on
// CAST(x AS TEXT) (migration 024), which SQLite's sorter orders by memcmp: a
// look-up reads them only when it names the same expression, as the seam's
// BlindIndexEquals writes it; otherwise it reads the whole table, which no
// test of results would notice. And the text holds every byte of the
// BLOB, NUL included, so the unique index still tells any two apart.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "query_plan.hpp"
#include "store/sql/sql.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

class BlindIndexPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_ / "c.db";
    ASSERT_NE(OpenOrDie(path_), nullptr);  // every migration applied
    Result<std::unique_ptr<sql::Connection>> seam = sql::Connect(path_, {.create = false});
    ASSERT_TRUE(seam.ok()) << seam.status().ToString();
    seam_ = std::move(*seam);
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db_), SQLITE_OK);
  }
  void TearDown() override { sqlite3_close(db_); }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<sql::Connection> seam_;
  sqlite3* db_ = nullptr;
};

TEST_F(BlindIndexPlanTest, EachLookUpByABlindIndexReadsItsIndex) {
  const struct {
    const char* table;
    const char* column;
    const char* index;
  } kLookUps[] = {{"households", "head_id_bidx", "households_head_id"},
                  {"households", "phone_bidx", "households_phone"},
                  {"cadres", "id_bidx", "cadres_id"},
                  {"cadres", "phone_bidx", "cadres_phone"}};
  for (const auto& l : kLookUps) {
    const std::string equals = seam_->BlindIndexEquals(l.column, "?1");
    std::string plan = PlanOf(db_, std::string("SELECT code FROM ") + l.table + " WHERE " + equals);
    EXPECT_NE(plan.find(std::string("USING INDEX ") + l.index), std::string::npos) << equals << ": " << plan;
    // As the search puts it, beside a look-up by code.
    plan = PlanOf(db_, std::string("SELECT code FROM ") + l.table + " WHERE (" + equals +
                           ") OR (code >= ?2 AND code < ?3)");
    EXPECT_NE(plan.find(std::string("USING INDEX ") + l.index), std::string::npos) << equals << ": " << plan;
    EXPECT_EQ(plan.find("SCAN"), std::string::npos) << plan;
  }
}

TEST_F(BlindIndexPlanTest, BlindIndexesThatDifferOnlyAfterANulAreStillTwo) {
  auto insert = [&](const std::string& code, const std::string& bidx) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(
                  db_,
                  "INSERT INTO households (code, county_code, village_code, head_name, head_id_bidx, "
                  "size, income_per_capita, housing, land_mu, needs, address, difficulty, tier) "
                  "VALUES (?1, '149901', '149901001001', '户主', ?2, 1, 0, 'safe', 0, '', '', 0, "
                  "'easier')",
                  -1, &stmt, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db_);
    sqlite3_bind_text(stmt, 1, code.data(), static_cast<int>(code.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(stmt, 2, bidx.data(), static_cast<int>(bidx.size()), SQLITE_TRANSIENT);
    const int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc;
  };
  const std::string first("\x00\x01\x00\x02", 4), second("\x00\x01\x00\x03", 4);
  EXPECT_EQ(insert("1", first), SQLITE_DONE);
  EXPECT_EQ(insert("2", second), SQLITE_DONE) << "the bytes after a NUL count";
  EXPECT_EQ(insert("3", first), SQLITE_CONSTRAINT) << "the same blind index twice in a county";

  sqlite3_stmt* find = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(
          db_, ("SELECT code FROM households WHERE " + seam_->BlindIndexEquals("head_id_bidx", "?1")).c_str(),
          -1, &find, nullptr),
      SQLITE_OK);
  sqlite3_bind_blob(find, 1, second.data(), static_cast<int>(second.size()), SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(find), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(find, 0)), "2");
  EXPECT_EQ(sqlite3_step(find), SQLITE_DONE);
  sqlite3_finalize(find);
}

}  // namespace
}  // namespace lianxin::testing
