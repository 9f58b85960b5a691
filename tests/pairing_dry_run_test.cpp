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

// A run planned on one read and applied later is applied only if nothing it
// read has changed meanwhile; otherwise it is refused and planned again.
TEST(PairingDryRunTest, APlanIsAppliedOnlyToTheDataItWasMadeOn) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenOrDie(dir / "c.db");
  ASSERT_NE(store, nullptr);
  {
    std::unique_ptr<WriteTxn> txn = std::move(store->Begin("demo")).value();
    TxnSink sink(*txn);
    ASSERT_TRUE(GenerateDemo({.household_villages = 2}, Config::Defaults(), sink).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  const Config config = Config::Defaults();
  PairRunOptions options{.actor = "t", .today = {2026, 12, 5}};
  Result<PairRun> plan = PlanPairing(*store, config, options);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  // A household changes after the plan was made.
  Result<std::optional<Household>> h = store->GetHousehold(plan->input.households.front().code);
  ASSERT_TRUE(h.ok() && h->has_value());
  Household changed = **h;
  changed.size += 1;
  {
    std::unique_ptr<WriteTxn> txn = std::move(store->Begin("t")).value();
    ASSERT_TRUE(txn->Upsert(changed).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  std::string head = *store->JournalHead();
  Status stale = ApplyPlannedPairing(*store, config, *plan, options);
  EXPECT_EQ(stale.code(), Code::kConflict);
  EXPECT_NE(stale.message().find("(pairing_stale)"), std::string::npos) << stale.message();
  EXPECT_EQ(*store->JournalHead(), head) << "nothing applied";
  // Planned again on the data as it is, it applies.
  Result<PairRun> again = PlanPairing(*store, config, options);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(ApplyPlannedPairing(*store, config, *again, options).ok());
  EXPECT_TRUE(again->written);
  EXPECT_FALSE(store->Pairs()->contacts.empty());
  // A change outside what pairing reads (a session, an audit event) does not make a plan stale.
  Result<PairRun> third = PlanPairing(*store, config, options);
  ASSERT_TRUE(third.ok());
  std::unique_ptr<UserRepository> users =
      std::move(Store::OpenUserRepository(DbTarget(dir / "c.db"), DbOptions(dir / "c.db"))).value();
  ASSERT_TRUE(users->Audit({1, "t", "export", "households", "127.0.0.1", "ok", ""}).ok());
  EXPECT_TRUE(ApplyPlannedPairing(*store, config, *third, options).ok());
}

}  // namespace
}  // namespace lianxin::testing
