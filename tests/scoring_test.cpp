// Scoring (include/lianxin/scoring.hpp): weights, what is left out, and the
// cadence and task indicators on constructed records.
#include "lianxin/scoring.hpp"

#include <gtest/gtest.h>

namespace lianxin {
namespace {

TEST(ScoringTest, AbsentIndicatorsAreLeftOutAndTheRestRescaled) {
  ScoringRules rules;
  CadreIndicators in;
  in.cadence = 1.0;
  in.tasks = 0.5;
  CadreScore score = ScoreCadre(in, rules);
  ASSERT_TRUE(score.score);
  EXPECT_DOUBLE_EQ(*score.score, 100 * (25 * 1.0 + 20 * 0.5) / 45);
  EXPECT_EQ(score.absent, (std::vector<std::string>{"appeals", "awareness", "callbacks", "rating"}));
  EXPECT_FALSE(ScoreCadre({}, rules).score);
  in.rating = 2.0;  // out of range is clamped
  EXPECT_DOUBLE_EQ(ScoreCadre(in, rules).parts.back().value, 1.0);
}

TEST(ScoringTest, CadenceCountsFinishedWindowsWithADirectVisit) {
  VisitRules rules;  // assistance monthly (30 days)
  VisitDuty duty{"H1", "", true, {2026, 1, 1}};
  std::vector<Visit> visits;
  auto visit = [&](Date d, VisitKind kind = VisitKind::kHomeVisit) {
    Visit v;
    v.household_code = "H1";
    v.date = d;
    v.kind = kind;
    visits.push_back(v);
  };
  visit({2026, 1, 10});                    // window 1: Jan 1–30
  visit({2026, 2, 5}, VisitKind::kPhone);  // window 2: Jan 31–Mar 1, a call only
  visit({2026, 3, 10});                    // window 3: Mar 2–31
  // Today Apr 10: windows 1–3 are finished, window 4 still runs.
  std::optional<double> cadence = CadenceIndicator({duty}, visits, rules, {2026, 1, 1}, {2026, 4, 10});
  ASSERT_TRUE(cadence);
  EXPECT_DOUBLE_EQ(*cadence, 2.0 / 3);
  EXPECT_FALSE(CadenceIndicator({duty}, visits, rules, {2026, 1, 1}, {2026, 1, 20}))
      << "no window finished yet";
}

TEST(ScoringTest, TasksCountDoneAndOverdueByTheirPoints) {
  ScoringRules rules;
  std::vector<Task> tasks(4);
  tasks[0].level = TaskLevel::kMajor;
  tasks[0].status = TaskStatus::kDone;
  tasks[0].deadline = "2026-12-31";
  tasks[1].status = TaskStatus::kOpen;  // overdue, normal
  tasks[1].deadline = "2026-06-30";
  tasks[2].status = TaskStatus::kOpen;  // not yet due: not counted
  tasks[2].deadline = "2027-06-30";
  tasks[3].status = TaskStatus::kCancelled;
  tasks[3].deadline = "2026-01-31";
  std::optional<double> indicator = TaskIndicator(tasks, rules, {2026, 12, 5});
  ASSERT_TRUE(indicator);
  EXPECT_DOUBLE_EQ(*indicator, 2.0 / 3);
}

}  // namespace
}  // namespace lianxin
