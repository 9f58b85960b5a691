// The 八项规定 ledger: no-meeting months, and every item of a reception
// report against the rule it breaks.
#include "lianxin/ledger.hpp"

#include <gtest/gtest.h>

namespace lianxin {
namespace {

TEST(LedgerTest, AMeetingInANoMeetingMonthIsRefusedUnlessExemptWithAReason) {
  LedgerRules rules;
  rules.no_meeting_months = {"2027-01"};
  Meeting meeting;
  meeting.title = "部署会";
  meeting.date = {2027, 1, 12};
  meeting.minutes = 60;
  meeting.attendees = 40;
  meeting.approved_by = "县委办";
  Status refused = CheckMeeting(meeting, rules);
  EXPECT_EQ(refused.code(), Code::kConflict);
  EXPECT_NE(refused.message().find("2027-01 是无会月"), std::string::npos) << refused.message();
  meeting.exempt = true;
  EXPECT_EQ(CheckMeeting(meeting, rules).code(), Code::kInvalidInput) << "an exemption needs its reason";
  meeting.exempt_reason = "防汛紧急部署";
  EXPECT_TRUE(CheckMeeting(meeting, rules).ok());
  meeting.date = {2027, 2, 1};
  meeting.exempt = false;
  EXPECT_TRUE(CheckMeeting(meeting, rules).ok());
}

TEST(LedgerTest, EachReceptionItemIsFlaggedWithItsRule) {
  LedgerRules rules;
  ReceptionReport clean;
  clean.date = {2026, 12, 3};
  clean.visitors = "市委调研组";
  clean.reported_to = "县纪委";
  clean.companions = 2;
  clean.meal_people = 5;
  clean.meal_fen = 12000;
  EXPECT_TRUE(CheckReception(clean, rules).empty());

  ReceptionReport lavish = clean;
  lavish.companions = 9;
  lavish.meal_fen = 90000;
  lavish.banquet = lavish.banners = lavish.welcome_crowds = lavish.carpets = lavish.flowers = true;
  std::vector<LedgerBreach> breaches = CheckReception(lavish, rules);
  std::vector<std::string> items;
  for (const LedgerBreach& b : breaches) items.push_back(b.item);
  EXPECT_EQ(items, (std::vector<std::string>{"companions", "meals", "banners", "welcome_crowds", "carpets",
                                             "flowers", "banquet"}));
  EXPECT_NE(breaches[0].what.find("陪同 9 人"), std::string::npos) << breaches[0].what;
  EXPECT_NE(breaches[1].what.find("5 人共 900.00 元,超过每人 30.00 元"), std::string::npos)
      << breaches[1].what;
  EXPECT_EQ(breaches[4].rule, "不铺设迎宾地毯");
}

TEST(LedgerTest, EntriesNeedWhatTheLedgerAsksFor) {
  Meeting meeting;
  meeting.date = {2027, 3, 1};
  meeting.approved_by = "县委办";
  Status no_title = CheckMeeting(meeting, {});
  EXPECT_EQ(no_title.field(), "title") << no_title.message();
  meeting.title = "部署会";
  meeting.attendees = -1;
  EXPECT_EQ(CheckMeeting(meeting, {}).field(), "attendees");

  ReceptionReport report;
  report.visitors = "市调研组";
  EXPECT_EQ(CheckReceptionFields(report).field(), "reported_to") << "the 接待报告制度 reports to someone";

  Expense expense;
  expense.item = "会场租用";
  EXPECT_EQ(CheckExpense(expense).field(), "amount_yuan");
  expense.amount_fen = 1;
  EXPECT_TRUE(CheckExpense(expense).ok());
}

TEST(LedgerTest, BudgetLinesAndYuanRoundTrip) {
  for (BudgetLine line : kBudgetLines) {
    EXPECT_EQ(ParseBudgetLine(Token(line)), line);
    EXPECT_EQ(ParseBudgetLine(Label(line)), line);
  }
  EXPECT_EQ(ParseBudgetLine("宴请费"), std::nullopt);
  EXPECT_EQ(YuanText(12345), "123.45");
  EXPECT_EQ(YuanText(5), "0.05");
  EXPECT_EQ(YuanText(-250), "-2.50");
}

}  // namespace
}  // namespace lianxin
