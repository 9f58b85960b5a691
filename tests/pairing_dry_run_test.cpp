// A pairing dry run computes in memory and writes nothing: its counts are
// the ones the real run then makes, and the database is untouched.
#include <gtest/gtest.h>

#include "lianxin/demo.hpp"
#include "lianxin/pairing_service.hpp"
#include "lianxin/registry_io.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

TEST(PairingDryRunTest, CountsWhatTheRunThenDoesAndWritesNothing) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenOrDie(dir / "c.db");
  ASSERT_NE(store, nullptr);
  {
    std::unique_ptr<WriteTxn> txn = std::move(store->Begin("demo")).value();
    TxnSink sink(*txn);
    ASSERT_TRUE(GenerateDemo({.household_villages = 3}, Config::Defaults(), sink).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  const Config config = Config::Defaults();
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "the county's first pairing" : "a re-run after a change");
    std::string head = *store->JournalHead();
    Result<PairRun> dry = RunPairing(*store, config, {.dry_run = true, .actor = "t", .today = {2026, 12, 5}});
    ASSERT_TRUE(dry.ok()) << dry.status().ToString();
    EXPECT_FALSE(dry->written);
    EXPECT_EQ(*store->JournalHead(), head) << "a dry run writes nothing";
    Result<PairRun> real =
        RunPairing(*store, config, {.dry_run = false, .actor = "t", .today = {2026, 12, 5}});
    ASSERT_TRUE(real.ok()) << real.status().ToString();
    EXPECT_TRUE(real->written);
    EXPECT_EQ(dry->changes.made, real->changes.made);
    EXPECT_EQ(dry->changes.ended, real->changes.ended);
    EXPECT_EQ(dry->changes.kept, real->changes.kept);
    EXPECT_EQ(dry->tasks_created, real->tasks_created);
    if (round == 0) {
      EXPECT_GT(real->changes.made, 0);
      EXPECT_GT(real->tasks_created, 0);
      // A household's needs change, so the next run moves something.
      Household h = **store->GetHousehold(real->result.pairs.assistance.front().household_code);
      h.income_per_capita = 100000;
      h.needs.clear();
      std::unique_ptr<WriteTxn> txn = std::move(store->Begin("t")).value();
      ASSERT_TRUE(txn->Upsert(h).ok());
      ASSERT_TRUE(txn->Commit().ok());
    }
  }
}

}  // namespace
}  // namespace lianxin::testing
