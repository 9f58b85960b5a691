// A county table's keys include county_code (migration 023), yet a code is
// still one record in the whole database: a record that another county
// holds is not written again under a second county, whether it comes as a
// change of an existing record or as a new one, through the store or an
// import; and a record stays in its county.
#include <gtest/gtest.h>

#include <fstream>

#include "lianxin/registry_io.hpp"
#include "lianxin/tasks.hpp"
#include "lianxin/validate.hpp"
#include "lianxin/visits.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

class CountyKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_ / "two.db";
    std::unique_ptr<Store> store = OpenOrDie(path_);
    ASSERT_NE(store, nullptr);
    std::unique_ptr<WriteTxn> txn = std::move(store->Begin("test")).value();
    for (const std::string county : {"149901", "149902"}) {
      ASSERT_TRUE(txn->Upsert(Region{county, "县" + county, RegionLevel::kCounty, ""}).ok());
      ASSERT_TRUE(txn->Upsert(Region{county + "001000", "镇", RegionLevel::kTownship, county}).ok());
      ASSERT_TRUE(
          txn->Upsert(Region{county + "001001", "村", RegionLevel::kVillage, county + "001000"}).ok());
      ASSERT_TRUE(txn->Upsert(Unit{county + "U01", "单位", county, 10}).ok());
    }
    ASSERT_TRUE(txn->Upsert(Household{.code = "H1", .village_code = "149901001001", .head_name = "甲"}).ok());
    ASSERT_TRUE(txn->Upsert(Cadre{.code = "C1", .name = "乙", .unit_code = "149901U01"}).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }

  // Whatever the store says household H1 and cadre C1 are.
  std::string Where() {
    std::unique_ptr<Store> store = OpenOrDie(path_);
    Collect found;
    EXPECT_TRUE(store->Get(RecordKind::kHouseholds, "H1", found).ok());
    EXPECT_TRUE(store->Get(RecordKind::kCadres, "C1", found).ok());
    std::string where;
    for (const Household& h : found.households) where += h.code + "@" + h.village_code + " ";
    for (const Cadre& c : found.cadres) where += c.code + "@" + c.unit_code;
    return where;
  }

  TempDir dir_;
  std::string path_;
};

constexpr char kBefore[] = "H1@149901001001 C1@149901U01";

TEST_F(CountyKeysTest, ARecordDoesNotMoveToAnotherCounty) {
  {
    std::unique_ptr<Store> store = OpenOrDie(path_);
    std::unique_ptr<WriteTxn> txn = std::move(store->Begin("test")).value();
    Result<UpsertOutcome> moved =
        txn->Upsert(Household{.code = "H1", .village_code = "149902001001", .head_name = "甲"});
    ASSERT_FALSE(moved.ok());
    EXPECT_EQ(moved.status().code(), Code::kConflict);
    EXPECT_NE(moved.status().message().find("county_change"), std::string::npos) << moved.status().ToString();
    EXPECT_NE(moved.status().message().find("149901"), std::string::npos) << moved.status().ToString();
    Result<UpsertOutcome> transferred =
        txn->Upsert(Cadre{.code = "C1", .name = "乙", .unit_code = "149902U01"});
    ASSERT_FALSE(transferred.ok());
    EXPECT_NE(transferred.status().message().find("county_change"), std::string::npos);
    // Within its county the same records still change.
    Result<UpsertOutcome> renamed =
        txn->Upsert(Household{.code = "H1", .village_code = "149901001001", .head_name = "丙"});
    ASSERT_TRUE(renamed.ok()) << renamed.status().ToString();
    EXPECT_EQ(*renamed, UpsertOutcome::kUpdated);
    // A new code goes into either county.
    ASSERT_TRUE(txn->Upsert(Household{.code = "H2", .village_code = "149902001001", .head_name = "丁"}).ok());
    ASSERT_TRUE(txn->Commit().ok());
    std::int64_t entries = 0, rows = 0;
    ASSERT_TRUE(store->VerifyJournal(&entries, &rows).ok());
  }
  EXPECT_EQ(Where(), kBefore);
  // One row per code: the refused writes left no second row behind.
  std::unique_ptr<Store> store = OpenOrDie(path_);
  Collect all;
  ASSERT_TRUE(store->ScanWithoutSecrets(RecordKind::kHouseholds, all).ok());
  ASSERT_TRUE(store->ScanWithoutSecrets(RecordKind::kCadres, all).ok());
  ASSERT_EQ(all.households.size(), 2u);
  EXPECT_EQ(all.households[0].head_name, "丙");
  EXPECT_EQ(all.cadres.size(), 1u);
}

// A county's rows refer to their own county: a visit by another county's
// cadre, or a decision supervised by another county's unit, is refused by
// name before the database's composite foreign key would refuse it bare.
TEST_F(CountyKeysTest, ReferencesStayInTheirCounty) {
  std::unique_ptr<Store> store = OpenOrDie(path_);
  std::unique_ptr<WriteTxn> txn = std::move(store->Begin("test")).value();
  ASSERT_TRUE(txn->Upsert(Cadre{.code = "C2", .name = "己", .unit_code = "149902U01"}).ok());
  Visit visit;
  visit.cadre_code = "C2";
  visit.household_code = "H1";
  visit.date = *ParseDate("2026-11-02");
  Result<std::string> visited = txn->AddVisit(visit, "test");
  ASSERT_FALSE(visited.ok());
  EXPECT_NE(visited.status().message().find("county_mismatch"), std::string::npos)
      << visited.status().ToString();
  visit.cadre_code = "C1";
  ASSERT_TRUE(txn->AddVisit(visit, "test").ok());
  Decision decision{.meeting = "常委会",
                    .meeting_date = *ParseDate("2026-11-01"),
                    .decision = "修路",
                    .handler = "C1",
                    .supervisor = "149902U01",
                    .deadline = "2026-12-31"};
  Result<std::string> decided = txn->AddDecision(decision);
  ASSERT_FALSE(decided.ok());
  EXPECT_NE(decided.status().message().find("county_mismatch"), std::string::npos)
      << decided.status().ToString();
  decision.supervisor = "149901U01";
  Result<std::string> id = txn->AddDecision(decision);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  // Handed on to another county's cadre: refused by name too.
  decision.id = *id;
  decision.handler = "C2";
  Status handed = txn->UpdateDecision(decision);
  EXPECT_NE(handed.message().find("county_mismatch"), std::string::npos) << handed.ToString();
  ASSERT_TRUE(txn->Commit().ok());
}

// The same through an import: the row is a problem of the file, and
// nothing of the file is written.
TEST_F(CountyKeysTest, AnImportThatMovesARecordToAnotherCountyIsRefused) {
  const std::string file = dir_ / "households.csv";
  {
    std::ofstream out(file);
    out << "户编号,所属村,户主姓名,家庭人口,人均纯收入\n"
           "H3,149902001001,戊,2,5000\n"
           "H1,149902001001,甲,3,6000\n";
  }
  std::unique_ptr<Store> store = OpenOrDie(path_);
  Result<ImportReport> report =
      ImportFile(*store, Config::Defaults(), RecordKind::kHouseholds, file, {.actor = "test"});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->committed);
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_EQ(report->problems[0].row, 3);
  EXPECT_NE(report->problems[0].ToString().find("county_change"), std::string::npos)
      << report->problems[0].ToString();
  Collect all;
  ASSERT_TRUE(store->ScanWithoutSecrets(RecordKind::kHouseholds, all).ok());
  ASSERT_EQ(all.households.size(), 1u);
  store.reset();
  EXPECT_EQ(Where(), kBefore);
}

}  // namespace
}  // namespace lianxin::testing
