// The 12345 loop (include/lianxin/appeals.hpp) as a table: every state ×
// every action, allowed or refused; deadlines with a holiday calendar; 延期,
// 督办 and 重办; and the three rates.
#include "lianxin/appeals.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "lianxin/registry.hpp"

namespace lianxin {
namespace {

constexpr std::int64_t kHour = 3'600'000;
// 2026-09-28 10:00 in China (a Monday), in UTC millis.
constexpr std::int64_t kMonday = (DaysFromDate({2026, 9, 28}) * 86'400'000) + (10 - 8) * kHour;

WorkCalendar Calendar() {
  // 2026's National Day week: 10-01 to 10-07 off, 10-10 (a Saturday) worked.
  Result<WorkCalendar> calendar = WorkCalendar::Parse(
      "# 2026 国庆\n"
      "2026-10-01 休\n2026-10-02 休\n2026-10-05 休\n2026-10-06 休\n2026-10-07 holiday\n"
      "2026-10-10 班  # 调休\n",
      "holidays.txt");
  EXPECT_TRUE(calendar.ok()) << calendar.status().ToString();
  return calendar.ok() ? *calendar : WorkCalendar{};
}

AppealEvent Event(AppealAction action, std::int64_t at) {
  AppealEvent e;
  e.action = action;
  e.at_millis = at;
  e.actor = "tester";
  e.handler = "149901C00001";
  e.note = "说明";
  e.extend_days = 3;
  e.solved = true;
  return e;
}

Appeal New() {
  Appeal a;
  a.id = "A1";
  a.household_code = "1499010010010001";
  a.urgency = AppealUrgency::kGeneral;
  a.received_millis = kMonday;
  return a;
}

// An appeal brought to `state` by the ordinary path.
Appeal Reach(AppealState state, const AppealRules& rules, const WorkCalendar& calendar) {
  Appeal a = New();
  std::int64_t t = kMonday;
  auto step = [&](AppealAction action) {
    Result<Appeal> next = ApplyAppealEvent(a, Event(action, t += kHour), rules, calendar);
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (next.ok()) a = *next;
  };
  const std::vector<AppealAction> path{AppealAction::kDispatch, AppealAction::kSign, AppealAction::kReply,
                                       AppealAction::kClose, AppealAction::kRate};
  for (AppealAction action : path) {
    if (a.state == state) break;
    step(action);
  }
  EXPECT_EQ(a.state, state);
  return a;
}

TEST(AppealsTest, EveryStateAndActionIsAllowedOrRefusedAsTheTableSays) {
  AppealRules rules;
  WorkCalendar calendar = Calendar();
  using S = AppealState;
  using A = AppealAction;
  // (from, action) → the state after it; nullopt: refused.
  struct Row {
    S from;
    A action;
    std::optional<S> to;
  };
  const std::vector<Row> table{
      {S::kReceived, A::kDispatch, S::kDispatched},
      {S::kReceived, A::kReturn, {}},
      {S::kReceived, A::kSign, {}},
      {S::kReceived, A::kProgress, {}},
      {S::kReceived, A::kExtend, {}},
      {S::kReceived, A::kReply, {}},
      {S::kReceived, A::kClose, {}},
      {S::kReceived, A::kRate, {}},
      {S::kReceived, A::kSupervise, S::kReceived},  //
      {S::kDispatched, A::kDispatch, {}},
      {S::kDispatched, A::kReturn, S::kReceived},
      {S::kDispatched, A::kSign, S::kHandling},
      {S::kDispatched, A::kProgress, {}},
      {S::kDispatched, A::kExtend, {}},
      {S::kDispatched, A::kReply, {}},
      {S::kDispatched, A::kClose, {}},
      {S::kDispatched, A::kRate, {}},
      {S::kDispatched, A::kSupervise, S::kDispatched},  //
      {S::kHandling, A::kDispatch, {}},
      {S::kHandling, A::kReturn, {}},
      {S::kHandling, A::kSign, {}},
      {S::kHandling, A::kProgress, S::kHandling},
      {S::kHandling, A::kExtend, S::kHandling},
      {S::kHandling, A::kReply, S::kReplied},
      {S::kHandling, A::kClose, {}},
      {S::kHandling, A::kRate, {}},
      {S::kHandling, A::kSupervise, S::kHandling},  //
      {S::kReplied, A::kDispatch, {}},
      {S::kReplied, A::kReturn, {}},
      {S::kReplied, A::kSign, {}},
      {S::kReplied, A::kProgress, {}},
      {S::kReplied, A::kExtend, {}},
      {S::kReplied, A::kReply, {}},
      {S::kReplied, A::kClose, S::kClosed},
      {S::kReplied, A::kRate, {}},
      {S::kReplied, A::kSupervise, S::kReplied},  //
      {S::kClosed, A::kDispatch, {}},
      {S::kClosed, A::kReturn, {}},
      {S::kClosed, A::kSign, {}},
      {S::kClosed, A::kProgress, {}},
      {S::kClosed, A::kExtend, {}},
      {S::kClosed, A::kReply, {}},
      {S::kClosed, A::kClose, {}},
      {S::kClosed, A::kRate, S::kRated},
      {S::kClosed, A::kSupervise, {}},  //
      {S::kRated, A::kDispatch, {}},
      {S::kRated, A::kReturn, {}},
      {S::kRated, A::kSign, {}},
      {S::kRated, A::kProgress, {}},
      {S::kRated, A::kExtend, {}},
      {S::kRated, A::kReply, {}},
      {S::kRated, A::kClose, {}},
      {S::kRated, A::kRate, {}},
      {S::kRated, A::kSupervise, {}},
  };
  ASSERT_EQ(table.size(), 6u * 9u) << "every state × every action";
  for (const Row& row : table) {
    SCOPED_TRACE(std::string(Token(row.from)) + " × " + std::string(Token(row.action)));
    Appeal appeal = Reach(row.from, rules, calendar);
    // 延期 before the deadline, 督办 after it; the rest at any time.
    std::int64_t at = row.action == A::kSupervise ? appeal.deadline_millis + kHour
                      : row.action == A::kExtend  ? appeal.received_millis + 6 * kHour
                                                  : appeal.received_millis + 7 * kHour;
    if (appeal.deadline_millis == 0) at = kMonday + 30 * 24 * kHour;  // never dispatched: long overdue
    Result<Appeal> next = ApplyAppealEvent(appeal, Event(row.action, at), rules, calendar);
    if (row.to) {
      ASSERT_TRUE(next.ok()) << next.status().ToString();
      EXPECT_EQ(next->state, *row.to);
    } else {
      ASSERT_FALSE(next.ok());
      EXPECT_EQ(next.status().code(), Code::kConflict);
      // The refusal names where the appeal stands and what it allows.
      EXPECT_NE(next.status().message().find(std::string(Label(row.from))), std::string::npos)
          << next.status().message();
      for (AppealAction a : AllowedActions(row.from)) {
        EXPECT_NE(next.status().message().find(std::string(Label(a))), std::string::npos)
            << next.status().message();
      }
      EXPECT_NE(next.status().message().find("(appeal_transition)"), std::string::npos);
    }
  }
}

TEST(AppealsTest, DayLimitsSkipTheHolidayWeekWhenCountedInWorkingDays) {
  WorkCalendar calendar = Calendar();
  AppealRules rules;
  // Calendar days: 7 days after Monday 09-28 is Monday 10-05.
  EXPECT_EQ(ChinaDateOf(AppealDeadline(kMonday, AppealUrgency::kGeneral, rules, calendar)),
            (Date{2026, 10, 5}));
  // Working days: 09-29, 09-30, then the holiday, 10-08, 10-09, 10-10 (调休), 10-12 → the 7th is 10-13.
  rules.working_days = true;
  std::int64_t due = AppealDeadline(kMonday, AppealUrgency::kGeneral, rules, calendar);
  EXPECT_EQ(ChinaDateOf(due), (Date{2026, 10, 13}));
  EXPECT_EQ(ChinaDateOf(due + 1), (Date{2026, 10, 14})) << "the deadline is the last moment of its day";
  // Hours are hours, whatever the calendar.
  EXPECT_EQ(AppealDeadline(kMonday, AppealUrgency::kEmergency, rules, calendar), kMonday + 2 * kHour);
  EXPECT_EQ(AppealDeadline(kMonday, AppealUrgency::kUrgent, rules, calendar), kMonday + 24 * kHour);
}

TEST(AppealsTest, AHolidayFileWithABadLineIsRefusedWithItsLine) {
  Result<WorkCalendar> bad = WorkCalendar::Parse("2026-10-01 休\n2026-13-01 休\n", "holidays.txt");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("holidays.txt:2:"), std::string::npos) << bad.status().message();
  bad = WorkCalendar::Parse("2026-10-01 放假\n", "h.txt");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("(calendar_kind)"), std::string::npos);
  bad = WorkCalendar::Parse("2026-10-01 休\n2026-10-01 班\n", "h.txt");
  EXPECT_NE(bad.status().message().find("(calendar_conflict)"), std::string::npos);
}

TEST(AppealsTest, ExtensionOnceAndBeforeTheDeadline) {
  AppealRules rules;
  WorkCalendar calendar = Calendar();
  Appeal handling = Reach(AppealState::kHandling, rules, calendar);
  AppealEvent extend = Event(AppealAction::kExtend, handling.deadline_millis - kHour);
  Result<Appeal> extended = ApplyAppealEvent(handling, extend, rules, calendar);
  ASSERT_TRUE(extended.ok()) << extended.status().ToString();
  EXPECT_EQ(extended->deadline_millis, DayLimitDeadline(handling.deadline_millis, 3, false, calendar));
  Result<Appeal> again = ApplyAppealEvent(*extended, extend, rules, calendar);
  EXPECT_NE(again.status().message().find("(appeal_extended_once)"), std::string::npos);
  Result<Appeal> late =
      ApplyAppealEvent(handling, Event(AppealAction::kExtend, handling.deadline_millis + 1), rules, calendar);
  EXPECT_NE(late.status().message().find("(appeal_extend_late)"), std::string::npos);
}

TEST(AppealsTest, SupervisionRemindsThenNamesForTheBulletin) {
  AppealRules rules;
  WorkCalendar calendar = Calendar();
  Appeal handling = Reach(AppealState::kHandling, rules, calendar);
  Result<Appeal> early =
      ApplyAppealEvent(handling, Event(AppealAction::kSupervise, handling.deadline_millis), rules, calendar);
  EXPECT_NE(early.status().message().find("(appeal_not_overdue)"), std::string::npos);
  Result<Appeal> once = ApplyAppealEvent(
      handling, Event(AppealAction::kSupervise, handling.deadline_millis + 1), rules, calendar);
  ASSERT_TRUE(once.ok());
  EXPECT_EQ(once->reminders, 1);
  EXPECT_FALSE(once->in_bulletin);
  Result<Appeal> twice = ApplyAppealEvent(
      *once, Event(AppealAction::kSupervise, handling.deadline_millis + kHour), rules, calendar);
  ASSERT_TRUE(twice.ok());
  EXPECT_TRUE(twice->in_bulletin);
}

TEST(AppealsTest, UnsatisfiedReopensWithAFreshLimitAndReturnsNeedAReason) {
  AppealRules rules;
  WorkCalendar calendar = Calendar();
  Appeal closed = Reach(AppealState::kClosed, rules, calendar);
  AppealEvent rate = Event(AppealAction::kRate, closed.closed_millis + kHour);
  rate.satisfaction = Satisfaction::kUnsatisfied;
  rate.solved = false;
  Result<Appeal> reopened = ApplyAppealEvent(closed, rate, rules, calendar);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened->state, AppealState::kHandling);
  EXPECT_EQ(reopened->reopened, 1);
  EXPECT_EQ(reopened->deadline_millis, AppealDeadline(rate.at_millis, closed.urgency, rules, calendar));
  EXPECT_EQ(reopened->satisfaction, Satisfaction::kUnsatisfied) << "the rating counts until a new one";
  // Answered and closed again, a second 不满意 stands (max_reopen 1).
  Appeal again = *reopened;
  for (AppealAction action : {AppealAction::kReply, AppealAction::kClose}) {
    AppealEvent e = Event(action, rate.at_millis + kHour);
    e.note = "再次答复";
    again = *ApplyAppealEvent(again, e, rules, calendar);
  }
  Result<Appeal> stands = ApplyAppealEvent(again, rate, rules, calendar);
  ASSERT_TRUE(stands.ok());
  EXPECT_EQ(stands->state, AppealState::kRated);
  EXPECT_EQ(stands->reopened, 1);
  EXPECT_EQ(stands->satisfaction, Satisfaction::kUnsatisfied);

  Appeal dispatched = Reach(AppealState::kDispatched, rules, calendar);
  AppealEvent back = Event(AppealAction::kReturn, dispatched.dispatched_millis + kHour);
  back.note.clear();
  Result<Appeal> refused = ApplyAppealEvent(dispatched, back, rules, calendar);
  EXPECT_EQ(refused.status().code(), Code::kInvalidInput);
  EXPECT_NE(refused.status().message().find("note"), std::string::npos);
}

TEST(AppealsTest, TheThreeRatesCountAsTwelveThreeFourFiveDoes) {
  AppealRules rules;
  WorkCalendar calendar = Calendar();
  std::vector<Appeal> appeals;
  // Cadre C1: signed in time, solved, satisfied; signed late, unsolved, basically satisfied.
  Appeal a = Reach(AppealState::kRated, rules, calendar);
  a.handler = "C1";
  appeals.push_back(a);
  Appeal b = a;
  b.signed_millis = b.dispatched_millis + 25 * kHour;
  b.solved = false;
  b.satisfaction = Satisfaction::kBasicallySatisfied;
  appeals.push_back(b);
  // Cadre C2: dispatched, never signed, never rated.
  Appeal c = Reach(AppealState::kDispatched, rules, calendar);
  c.handler = "C2";
  appeals.push_back(c);

  std::map<std::string, AppealRates> rates =
      RatesBy(appeals, rules, [](const Appeal& x) { return x.handler; });
  const AppealRates& c1 = rates.at("C1");
  EXPECT_EQ(c1.dispatched, 2);
  EXPECT_EQ(c1.responded, 1);
  EXPECT_DOUBLE_EQ(*c1.response_rate, 0.5);
  EXPECT_DOUBLE_EQ(*c1.resolution_rate, 0.5);
  EXPECT_DOUBLE_EQ(*c1.satisfaction_rate, 1.0);
  EXPECT_DOUBLE_EQ(*c1.score, (30 * 0.5 + 35 * 0.5 + 35 * 1.0) / 100 * 100);
  const AppealRates& c2 = rates.at("C2");
  EXPECT_DOUBLE_EQ(*c2.response_rate, 0.0);
  EXPECT_FALSE(c2.satisfaction_rate) << "nothing rated: no rate, not 0 % or 100 %";
  EXPECT_DOUBLE_EQ(*c2.score, 0.0);
}

// The township an appeal is counted for (its queues, the rates by
// township, the dashboard's areas): the village's first 9 digits and 000.
TEST(AppealsTest, AVillageLiesInTheTownshipOfItsFirstNineDigits) {
  EXPECT_EQ(TownshipOfCode("149901013004"), "149901013000");
  EXPECT_EQ(TownshipOfCode("1499010130040007"), "149901013000") << "a household's code";
  EXPECT_EQ(TownshipOfCode("149901"), "") << "a county lies in no township";
  EXPECT_EQ(TownshipOfCode(""), "");
}

TEST(AppealsTest, TheRouteRunsFromTheContactCadreUpToTheTopicsDepartment) {
  AppealRules rules;
  rules.topics = {{"water", "饮水", "149901U900"}, {"roads", "道路", ""}};
  Appeal a;
  a.type = AppealType::kHelp;
  a.topic = "water";
  a.cadre_code = "149901C001";
  a.unit_code = "149901U001";
  a.region_code = "149901001002";
  EXPECT_EQ(RouteChain(a, rules), (std::vector<AppealRoute>{{"149901C001", HandlerKind::kCadre},
                                                            {"149901U001", HandlerKind::kUnit},
                                                            {"149901001000", HandlerKind::kRegion},
                                                            {"149901U900", HandlerKind::kUnit}}));
  // Each handler that sent it back is passed over; when all have, none is left.
  EXPECT_EQ(NextRoute(a, rules, {"149901C001"})->handler, "149901U001");
  EXPECT_FALSE(NextRoute(a, rules, {"149901C001", "149901U001", "149901001000", "149901U900"}));
  // A complaint may be about the cadre or its unit: from the township up.
  a.type = AppealType::kComplaint;
  a.topic = "roads";
  EXPECT_EQ(RouteChain(a, rules), (std::vector<AppealRoute>{{"149901001000", HandlerKind::kRegion}}));
  // No household, no cadre: a county-level report with no department has no route.
  Appeal report;
  report.topic = "roads";
  report.region_code = "149901";
  EXPECT_TRUE(RouteChain(report, rules).empty());
}

TEST(AppealsTest, AMonthIsTheInstantsItSpansInChina) {
  Result<MonthSpan> december = ParseChinaMonth("2026-12", "month");
  ASSERT_TRUE(december.ok());
  EXPECT_EQ(ChinaIsoTime(december->from_millis), "2026-12-01T00:00:00+08:00");
  EXPECT_EQ(ChinaIsoTime(december->to_millis), "2027-01-01T00:00:00+08:00");
  for (const char* bad : {"2026-13", "2026-1", "202612", "2026-12-01", ""}) {
    Result<MonthSpan> refused = ParseChinaMonth(bad, "month");
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().field(), "month");
  }
}

}  // namespace
}  // namespace lianxin
