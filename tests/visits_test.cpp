// The visit diary (include/lianxin/visits.hpp): what counts as direct
// contact, when a household is next due, and each of the three phenomena
// on diaries built to show it — and on one that shows none.
#include "lianxin/visits.hpp"

#include <gtest/gtest.h>

#include "fieldwork/visit_repository.hpp"

namespace lianxin {
namespace {

Date On(int month, int day) { return {2026, month, day}; }
const Date kToday = On(12, 1);

Visit V(std::string id, std::string household, Date date, VisitKind kind = VisitKind::kHomeVisit) {
  Visit v;
  v.id = std::move(id);
  v.cadre_code = "C1";
  v.household_code = std::move(household);
  v.kind = kind;
  v.date = date;
  return v;
}

VisitDuty Contact(std::string household, Date since = On(1, 1)) {
  return {std::move(household), "", false, since};
}

std::vector<Phenomenon> Kinds(const std::vector<PhenomenonFlag>& flags) {
  std::vector<Phenomenon> kinds;
  for (const PhenomenonFlag& f : flags) kinds.push_back(f.kind);
  return kinds;
}

TEST(VisitsTest, PhoneCallsAndProxiesAreRecordedButNotContact) {
  EXPECT_TRUE(CountsAsDirect(VisitKind::kHomeVisit));
  EXPECT_TRUE(CountsAsDirect(VisitKind::kSharedLabour));
  EXPECT_FALSE(CountsAsDirect(VisitKind::kPhone));
  EXPECT_FALSE(CountsAsDirect(VisitKind::kByProxy));
  EXPECT_EQ(ParseVisitKind("电话联系"), VisitKind::kPhone);
  EXPECT_EQ(ParseVisitKind("home_visit"), VisitKind::kHomeVisit);
  EXPECT_FALSE(ParseVisitKind("微信"));

  VisitRules rules;
  VisitDuty duty{"H1", "", true, On(1, 1)};
  // A phone call after the last visit does not move the due date.
  std::vector<Visit> diary{V("v1", "H1", On(3, 10)), V("v2", "H1", On(3, 25), VisitKind::kPhone)};
  EXPECT_EQ(NextVisitDue(duty, diary, rules), On(4, 9));
  duty.assistance = false;
  EXPECT_EQ(NextVisitDue(duty, {}, rules), DateFromDays(DaysFromDate(On(1, 1)) + 91));
}

// The SQL that counts direct visits (dashboard, notice, callbacks) leaves
// out exactly the kinds CountsAsDirect does.
TEST(VisitsTest, TheSqlListOfIndirectKindsIsCountsAsDirect) {
  for (VisitKind kind : {VisitKind::kHomeVisit, VisitKind::kTalk, VisitKind::kReception, VisitKind::kStay,
                         VisitKind::kSharedLabour, VisitKind::kPhone, VisitKind::kByProxy}) {
    const std::string quoted = "'" + std::string(Token(kind)) + "'";
    EXPECT_EQ(VisitRepository::kIndirectKinds.find(quoted) == std::string_view::npos, CountsAsDirect(kind))
        << Token(kind);
  }
}

TEST(VisitsTest, AVisitorOnlyAfterCampaignsIsFlaggedWithTheVisitsBehindIt) {
  VisitRules rules;
  rules.campaign_dates = {On(3, 5), On(7, 1), On(10, 8)};
  std::vector<Visit> diary{V("a", "H1", On(3, 6)), V("b", "H2", On(3, 8)),  V("c", "H1", On(7, 2)),
                           V("d", "H2", On(7, 5)), V("e", "H1", On(10, 9)), V("f", "H2", On(5, 20))};
  std::vector<PhenomenonFlag> flags = DetectPhenomena("C1", diary, {}, {}, rules, kToday);
  ASSERT_EQ(Kinds(flags), std::vector<Phenomenon>{Phenomenon::kOnlyWhenStressed});
  EXPECT_EQ(flags[0].visit_ids, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_NE(flags[0].explanation.find("6 次直接走访中有 5 次(83%)"), std::string::npos)
      << flags[0].explanation;
  EXPECT_NE(flags[0].explanation.find("3月5日、7月1日、10月8日"), std::string::npos) << flags[0].explanation;

  // The same diary spread evenly is not flagged.
  std::vector<Visit> even{V("a", "H1", On(2, 1)), V("b", "H2", On(4, 1)),  V("c", "H1", On(6, 1)),
                          V("d", "H2", On(8, 1)), V("e", "H1", On(10, 9)), V("f", "H2", On(11, 1))};
  EXPECT_TRUE(DetectPhenomena("C1", even, {}, {}, rules, kToday).empty());
}

TEST(VisitsTest, AHouseholdLeftTooLongIsFlaggedAndAPhoneCallDoesNotHideIt) {
  VisitRules rules;
  // Quarterly contact: a gap over 182 days is flagged. H1 visited 2-1, then
  // only phoned, then visited 9-20: 231 days. H2 visited every two months.
  std::vector<Visit> diary{V("h1a", "H1", On(2, 1)),  V("h1p", "H1", On(5, 1), VisitKind::kPhone),
                           V("h1b", "H1", On(9, 20)), V("h2a", "H2", On(2, 1)),
                           V("h2b", "H2", On(4, 1)),  V("h2c", "H2", On(6, 1)),
                           V("h2d", "H2", On(8, 1)),  V("h2e", "H2", On(10, 1))};
  std::vector<PhenomenonFlag> flags =
      DetectPhenomena("C1", diary, {Contact("H1"), Contact("H2")}, {}, rules, kToday);
  ASSERT_EQ(Kinds(flags), std::vector<Phenomenon>{Phenomenon::kForgottenWhenBusy});
  EXPECT_EQ(flags[0].household_code, "H1");
  EXPECT_EQ(flags[0].visit_ids, (std::vector<std::string>{"h1a", "h1b"}));
  EXPECT_NE(flags[0].explanation.find("从 2月1日 到 9月20日 共 231 天"), std::string::npos)
      << flags[0].explanation;

  // A household never visited since its pairing counts up to today.
  flags = DetectPhenomena("C1", {}, {Contact("H3", On(3, 1))}, {}, rules, kToday);
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_NE(flags[0].explanation.find("到 今天"), std::string::npos) << flags[0].explanation;
}

TEST(VisitsTest, AVisitorWhoComesOnlyWhenCalledIsFlagged) {
  VisitRules rules;
  AppealDays appeals{{"H1", {On(3, 1), On(9, 1)}}, {"H2", {On(6, 10), On(11, 2)}}};
  std::vector<Visit> diary{V("a", "H1", On(3, 3)), V("b", "H2", On(6, 12)), V("c", "H1", On(9, 2)),
                           V("d", "H2", On(11, 8)), V("e", "H1", On(7, 1))};
  // A visit to H2 after H1's appeal is not an answer to it.
  diary.push_back(V("x", "H2", On(3, 2)));
  std::vector<PhenomenonFlag> flags = DetectPhenomena("C1", diary, {}, appeals, rules, kToday);
  ASSERT_EQ(Kinds(flags), std::vector<Phenomenon>{Phenomenon::kOnlyWhenAsked});
  EXPECT_EQ(flags[0].visit_ids, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_NE(flags[0].explanation.find("6 次直接走访中有 4 次(67%)"), std::string::npos)
      << flags[0].explanation;
}

TEST(VisitsTest, TooFewVisitsSayTooLittleToFlag) {
  VisitRules rules;
  rules.campaign_dates = {On(3, 5)};
  std::vector<Visit> diary{V("a", "H1", On(3, 6)), V("b", "H1", On(3, 7))};
  EXPECT_TRUE(DetectPhenomena("C1", diary, {}, AppealDays{{"H1", {On(3, 5)}}}, rules, kToday).empty());
}

}  // namespace
}  // namespace lianxin
