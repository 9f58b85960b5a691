// The 八项规定 ledger: no-meeting months, and every item of a reception
// report against the rule it breaks.
#include "lianxin/ledger.hpp"

#include <gtest/gtest.h>

namespace lianxin {
namespace {

TEST(LedgerTest, AMeetingInANoMeetingMonthIsRefusedUnlessExemptWithAReason) {
  LedgerRules rules;
  rules.no_meeting_months = {"2027-01"};
  Meeting meeting{"M1", "部署会", {2027, 1, 12}, 60, 40, 0, "县委办", false, ""};
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
  ReceptionReport clean{"R1", {2026, 12, 3}, "市委调研组", 2, 5, 120, false, false, false, false, false};
  EXPECT_TRUE(CheckReception(clean, rules).empty());

  ReceptionReport lavish = clean;
  lavish.companions = 9;
  lavish.meal_yuan = 900;
  lavish.banquet = lavish.banners = lavish.welcome_crowds = lavish.carpets = lavish.flowers = true;
  std::vector<LedgerBreach> breaches = CheckReception(lavish, rules);
  std::vector<std::string> items;
  for (const LedgerBreach& b : breaches) items.push_back(b.item);
  EXPECT_EQ(items, (std::vector<std::string>{"companions", "meals", "banners", "welcome_crowds", "carpets",
                                             "flowers", "banquet"}));
  EXPECT_NE(breaches[0].what.find("陪同 9 人"), std::string::npos) << breaches[0].what;
  EXPECT_NE(breaches[1].what.find("5 人共 900 元"), std::string::npos) << breaches[1].what;
  EXPECT_EQ(breaches[4].rule, "不铺设迎宾地毯");
}

}  // namespace
}  // namespace lianxin
