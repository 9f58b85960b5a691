// What a pairing run could not cover is recorded with its reasons, and
// `explain` reads them: it gives the stored pairing and the reason the run
// gave, and never solves the county again to find one.
#include <gtest/gtest.h>

#include <algorithm>

#include "lianxin/demo.hpp"
#include "lianxin/pairing_service.hpp"
#include "lianxin/registry_io.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

constexpr std::string_view kCounty = "149901";

class PairingUncoveredTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_ / "c.db");
    ASSERT_NE(store_, nullptr);
    std::unique_ptr<WriteTxn> txn = std::move(store_->Begin("demo")).value();
    TxnSink sink(*txn);
    ASSERT_TRUE(GenerateDemo({.household_villages = 3}, Config::Defaults(), sink).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }

  // A run whose cadres may each hold `load` households.
  PairRun Run(int load) {
    Config config = Config::Defaults();
    config.pairing.contact_load = load;
    // A tight load sends stage 1 searching; what it proves does not matter here.
    config.pairing.solver_time_limit = 0.5;
    config.pairing.refine_time_limit = 0.2;
    // Another load may move a unit off a village whose tasks are open: the
    // exit gate's business (PairStoreTest), let through here.
    Result<PairRun> run = RunPairing(
        *store_, config, {.actor = "t", .today = {2026, 12, 5}, .exit_override = "测试:换一种负荷重新结对"});
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? std::move(*run) : PairRun{};
  }

  std::vector<Uncovered> Households(const std::vector<Uncovered>& all) {
    std::vector<Uncovered> out;
    std::copy_if(all.begin(), all.end(), std::back_inserter(out),
                 [](const Uncovered& u) { return u.kind == UncoveredKind::kHousehold; });
    return out;
  }

  std::string ContactRule(std::string_view household) {
    Result<Explanation> why = ExplainPairing(*store_, Config::Defaults(), household);
    EXPECT_TRUE(why.ok()) << why.status().ToString();
    if (!why.ok()) return "";
    for (const std::string& rule : why->rules) {
      if (rule.starts_with("联系户")) return rule;
    }
    return "";
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(PairingUncoveredTest, TheRunRecordsWhatItLeftUncoveredAndExplainReadsIt) {
  const PairRun tight = Run(2);
  const std::vector<Uncovered> left = Households(tight.result.uncovered);
  ASSERT_FALSE(left.empty()) << "one household per cadre leaves some without a contact";

  Result<std::vector<Uncovered>> recorded = store_->RecordedUncovered(kCounty);
  ASSERT_TRUE(recorded.ok()) << recorded.status().ToString();
  ASSERT_EQ(recorded->size(), tight.result.uncovered.size());
  for (std::size_t i = 0; i < recorded->size(); ++i) {
    const Uncovered &stored = (*recorded)[i], &run = tight.result.uncovered[i];
    EXPECT_EQ(stored.pairing, run.pairing);
    EXPECT_EQ(stored.kind, run.kind);
    EXPECT_EQ(stored.id, run.id);
    EXPECT_EQ(stored.reason, run.reason);
    EXPECT_EQ(stored.county_code, kCounty) << run.id;
  }
  EXPECT_NE(ContactRule(left.front().id).find(left.front().reason), std::string::npos)
      << "explain gives the reason the run recorded";

  // Explain reads the record: a reason no solve would give is what it says.
  std::vector<Uncovered> planted = *recorded;
  for (Uncovered& u : planted) {
    if (u.kind == UncoveredKind::kHousehold && u.id == left.front().id)
      u.reason = "记录在案的原因 (as recorded)";
  }
  {
    std::unique_ptr<WriteTxn> txn = std::move(store_->Begin("t")).value();
    ASSERT_TRUE(txn->RecordUncovered(planted, kCounty).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_NE(ContactRule(left.front().id).find("记录在案的原因 (as recorded)"), std::string::npos);

  // A roomier run covers them all, and its record replaces the last one's.
  const PairRun roomy = Run(50);
  EXPECT_TRUE(Households(roomy.result.uncovered).empty());
  recorded = store_->RecordedUncovered(kCounty);
  ASSERT_TRUE(recorded.ok());
  EXPECT_TRUE(Households(*recorded).empty());
  EXPECT_EQ(recorded->size(), roomy.result.uncovered.size());
  std::vector<JournalEntry> entries = *store_->ReadJournal(0, 1000000);
  EXPECT_TRUE(std::any_of(entries.begin(), entries.end(), [&](const JournalEntry& e) {
    return e.entity == "pairing_uncovered" && e.action == "delete" && e.key.ends_with(left.front().id);
  })) << "the record's changes are journaled";
  std::int64_t checked = 0;
  EXPECT_TRUE(store_->VerifyJournal(&checked).ok());
}

TEST_F(PairingUncoveredTest, AHouseholdRegisteredAfterTheRunIsExplainedAsNotYetPlaced) {
  const PairRun run = Run(50);
  ASSERT_FALSE(run.input.households.empty());
  Household late = **store_->GetHousehold(run.input.households.front().code);
  late.code = late.village_code + "999";
  late.head_name = "新登记";
  late.head_id_number = IdNumber(ValidIdNumber("19700101", 999));
  {
    std::unique_ptr<WriteTxn> txn = std::move(store_->Begin("t")).value();
    Result<UpsertOutcome> added = txn->Upsert(late);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    ASSERT_TRUE(txn->Commit().ok());
  }
  const std::string rule = ContactRule(late.code);
  EXPECT_NE(rule.find("无联系人"), std::string::npos) << rule;
  EXPECT_NE(rule.find("下次结对计算时安排"), std::string::npos) << rule;
}

// A pin is named "holder→held" among the uncovered; its held end decides its county and scope.
TEST(UncoveredIdTest, APinsHeldEndAndEveryKindReadBack) {
  EXPECT_EQ(PinId("149901C00001", "1499010010010001"), "149901C00001→1499010010010001");
  EXPECT_EQ(HeldOfPinId(PinId("149901C00001", "1499010010010001")), "1499010010010001");
  EXPECT_EQ(HeldOfPinId("1499010010010001"), "") << "not a pin's id";
  for (UncoveredKind kind : {UncoveredKind::kVillage, UncoveredKind::kHousehold, UncoveredKind::kCadre,
                             UncoveredKind::kWeakBranch, UncoveredKind::kPin}) {
    EXPECT_EQ(ParseUncoveredKind(Token(kind)), kind);
  }
  EXPECT_EQ(ParseUncoveredKind("household "), std::nullopt);
}

// A run for one county replaces that county's record only.
TEST_F(PairingUncoveredTest, ACountysRunLeavesAnotherCountysRecord) {
  Uncovered other{PairingKind::kContact, UncoveredKind::kHousehold, "149902001001001", "另一县的原因",
                  "149902"};
  {
    std::unique_ptr<WriteTxn> txn = std::move(store_->Begin("t")).value();
    ASSERT_TRUE(txn->RecordUncovered({other}, "149902").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  Config config = Config::Defaults();
  config.pairing.contact_load = 4;
  Result<PairRun> run = RunPairing(*store_, config, {.actor = "t", .county = std::string(kCounty)});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  Result<std::vector<Uncovered>> theirs = store_->RecordedUncovered("149902");
  ASSERT_TRUE(theirs.ok());
  ASSERT_EQ(theirs->size(), 1u);
  EXPECT_EQ(theirs->front().reason, "另一县的原因");
  EXPECT_FALSE(store_->RecordedUncovered(kCounty)->empty());
}

}  // namespace
}  // namespace lianxin::testing
