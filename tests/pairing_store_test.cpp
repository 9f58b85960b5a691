// Pairs, pins, history and tasks in the store: every change journaled, the
// history says from whom to whom and why, and verification still holds.
#include <gtest/gtest.h>

#include "lianxin/tasks.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

class PairStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_ / "p.db");
    ASSERT_NE(store_, nullptr);
    ImportFixture(*store_);
  }
  PairChanges Apply(const PairingState& state, const std::string& reason) {
    std::unique_ptr<WriteTxn> txn = std::move(store_->Begin("tester")).value();
    Result<PairChanges> changes = txn->ApplyPairing(state, reason);
    EXPECT_TRUE(changes.ok()) << changes.status().ToString();
    EXPECT_TRUE(txn->Commit().ok());
    return changes.ok() ? *changes : PairChanges{};
  }
  void ExpectVerified() {
    std::int64_t checked = 0;
    Status status = store_->VerifyJournal(&checked);
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

PairingState FirstState() {
  PairingState s;
  s.unit_villages = {{"149901U001", "149901001001"}, {"149901U002", "149901002001"}};
  s.assistance = {{"149901C00001", "1499010010010001"}};
  s.contacts = {{"149901C00001", "1499010010010001"}, {"149901C00003", "1499010010010002"}};
  s.contact_points = {{"149901C00001", "149901001001B"}};
  return s;
}

TEST_F(PairStoreTest, ApplyMakesMovesAndEndsWithHistory) {
  PairChanges first = Apply(FirstState(), "首次结对");
  EXPECT_EQ(first.made, 6);
  EXPECT_EQ(first.ended, 0);
  EXPECT_EQ(*store_->Pairs(), FirstState());

  PairingState second = FirstState();
  second.contacts[0].cadre_code = "149901C00003";  // household 0001 moves to the village member
  second.contact_points.clear();                   // the leader's contact point ends
  PairChanges changes = Apply(second, "重新结对");
  EXPECT_EQ(changes.made, 1);
  EXPECT_EQ(changes.ended, 2);
  EXPECT_EQ(changes.kept, 4);
  EXPECT_EQ(*store_->Pairs(), second);

  std::vector<PairHistoryEntry> history = *store_->PairHistory("1499010010010001");
  ASSERT_EQ(history.size(), 3u);  // assistance made, contact made, contact moved
  const PairHistoryEntry& moved = history.back();
  EXPECT_EQ(moved.kind, PairingKind::kContact);
  EXPECT_EQ(moved.from_holder, "149901C00001");
  EXPECT_EQ(moved.to_holder, "149901C00003");
  EXPECT_EQ(moved.reason, "重新结对");
  std::vector<PairHistoryEntry> branch = *store_->PairHistory("149901001001B");
  ASSERT_EQ(branch.size(), 2u);
  EXPECT_EQ(branch.back().to_holder, "");
  ExpectVerified();
}

TEST_F(PairStoreTest, ReapplyingTheSameStateChangesNothing) {
  Apply(FirstState(), "首次结对");
  std::string head = *store_->JournalHead();
  PairChanges again = Apply(FirstState(), "重跑");
  EXPECT_EQ(again.made + again.ended, 0);
  EXPECT_EQ(again.kept, 6);
  EXPECT_EQ(*store_->JournalHead(), head);
}

TEST_F(PairStoreTest, PinsNeedAReasonAndAreJournaled) {
  std::unique_ptr<WriteTxn> txn = std::move(store_->Begin("admin")).value();
  Status no_reason = txn->SetPin(PairingKind::kContact, "149901C00002", "1499010010010002", "");
  EXPECT_EQ(no_reason.code(), Code::kInvalidInput);
  ASSERT_TRUE(txn->SetPin(PairingKind::kContact, "149901C00002", "1499010010010002", "户主要求").ok());
  EXPECT_EQ(txn->SetPin(PairingKind::kContact, "149901C00002", "1499019999999999", "x").code(),
            Code::kNotFound);
  ASSERT_TRUE(txn->Commit().ok());
  PairingState pins = *store_->Pins();
  ASSERT_EQ(pins.contacts.size(), 1u);
  EXPECT_EQ(pins.contacts[0].cadre_code, "149901C00002");
  ExpectVerified();

  txn = std::move(store_->Begin("admin")).value();
  ASSERT_TRUE(txn->RemovePin(PairingKind::kContact, "149901C00002", "1499010010010002").ok());
  EXPECT_EQ(txn->RemovePin(PairingKind::kContact, "149901C00002", "1499010010010002").code(),
            Code::kNotFound);
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_TRUE(store_->Pins()->contacts.empty());
  ExpectVerified();
}

TEST_F(PairStoreTest, AssistanceTasksComeFromNeedsWithTargetsAndDeadlines) {
  Household household = **store_->GetHousehold("1499010010010001");  // 低收入、危房
  Config config = Config::Defaults();
  std::vector<Task> tasks = TasksForAssistance(household, "149901C00001", config, {2026, 11, 26});
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].need, "低收入");
  EXPECT_EQ(tasks[0].target, "人均纯收入达到 6000 元以上");
  EXPECT_EQ(tasks[0].deadline, "2027-11-26");
  EXPECT_EQ(tasks[0].level, TaskLevel::kMajor);
  EXPECT_EQ(tasks[1].need, "危房");
  std::unique_ptr<WriteTxn> txn = std::move(store_->Begin("pairing")).value();
  for (const Task& task : tasks) EXPECT_EQ(*txn->Upsert(task), UpsertOutcome::kInserted);
  EXPECT_EQ(*txn->Upsert(tasks[0]), UpsertOutcome::kUnchanged);
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(*store_->TasksOf("1499010010010001"), tasks);
  ExpectVerified();
}

TEST(TaskProgressTest, ProgressIsDatedAndAHundredPercentIsDone) {
  Task task;
  task.deadline = "2026-12-01";
  EXPECT_TRUE(IsOverdue(task, {2026, 12, 2}));
  EXPECT_FALSE(IsOverdue(task, {2026, 12, 1}));
  EXPECT_EQ(ReportProgress(task, 101, "", {2026, 12, 2}).field(), "progress");
  ASSERT_TRUE(ReportProgress(task, 40, "已联系", {2026, 12, 2}).ok());
  ASSERT_TRUE(ReportProgress(task, 100, "", {2026, 12, 5}).ok());
  EXPECT_EQ(task.status, TaskStatus::kDone);
  EXPECT_EQ(task.notes, "2026-12-02 进度 40%:已联系\n2026-12-05 进度 100%");
  EXPECT_FALSE(IsOverdue(task, {2027, 1, 1})) << "done is never overdue";
  Task before = task;
  EXPECT_EQ(ReportProgress(task, 50, "", {2026, 12, 6}).code(), Code::kConflict);
  EXPECT_EQ(task, before) << "a closed task is left as it was";
}

// 「规定完不成者,不得撤出村」: a unit does not leave a village while its
// cadres' tasks there are open, unless a county admin says why.
TEST_F(PairStoreTest, AUnitDoesNotLeaveAVillageWhileItsTasksThereAreOpen) {
  Apply(FirstState(), "首次结对");
  Household household = **store_->GetHousehold("1499010010010001");  // in 149901001001, held by U001
  std::vector<Task> tasks = TasksForAssistance(household, "149901C00001", Config::Defaults(), {2026, 11, 26});
  ASSERT_FALSE(tasks.empty());
  {
    std::unique_ptr<WriteTxn> txn = std::move(store_->Begin("pairing")).value();
    for (const Task& task : tasks) ASSERT_TRUE(txn->Upsert(task).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  PairingState moved = FirstState();
  moved.unit_villages[0].unit_code = "149901U003";  // U001 would leave 149901001001
  {
    std::unique_ptr<WriteTxn> txn = std::move(store_->Begin("pairing")).value();
    Result<PairChanges> refused = txn->ApplyPairing(moved, "调整");
    ASSERT_EQ(refused.status().code(), Code::kConflict);
    EXPECT_NE(refused.status().message().find("exit_gate"), std::string::npos) << refused.status().message();
    EXPECT_NE(refused.status().message().find("1499010010010001"), std::string::npos)
        << "the open tasks are named: " << refused.status().message();
    EXPECT_NE(refused.status().message().find(tasks[0].task), std::string::npos)
        << refused.status().message();
  }
  EXPECT_EQ(*store_->Pairs(), FirstState()) << "nothing changed";

  // Another unit's tasks, or tasks done, hold nobody back: here, once done.
  {
    std::unique_ptr<WriteTxn> txn = std::move(store_->Begin("pairing")).value();
    for (Task task : tasks) {
      task.status = TaskStatus::kDone;
      task.progress = 100;
      ASSERT_TRUE(txn->Upsert(task).ok());
    }
    EXPECT_TRUE(txn->ApplyPairing(moved, "调整").ok());
    // Not committed: the tasks stay open.
  }

  // A county admin lets it through, and says why: journaled with what was left open.
  {
    std::unique_ptr<WriteTxn> txn = std::move(store_->Begin("county-admin")).value();
    txn->AllowExitWithOpenTasks("乡镇区划调整,任务移交新包村单位");
    Result<PairChanges> changes = txn->ApplyPairing(moved, "调整");
    ASSERT_TRUE(changes.ok()) << changes.status().ToString();
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(*store_->Pairs(), moved);
  bool journaled = false;
  const std::vector<JournalEntry> entries = *store_->ReadJournal(0, 100000);
  for (const JournalEntry& e : entries) {
    if (e.action != "exit_gate_override") continue;
    journaled = true;
    EXPECT_EQ(e.actor, "county-admin");
    EXPECT_EQ(e.key, "149901U001|149901001001");
    EXPECT_NE(e.after.find("乡镇区划调整"), std::string::npos) << e.after;
    EXPECT_NE(e.after.find(tasks[0].task), std::string::npos) << e.after;
  }
  EXPECT_TRUE(journaled);
  ExpectVerified();
}

}  // namespace
}  // namespace lianxin::testing
