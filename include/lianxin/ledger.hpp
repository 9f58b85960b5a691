// The 八项规定 ledger (PRODUCT.md §4): meetings in no-meeting months (无会月),
// and the reception report after a higher-level visit, each item checked
// against the rule it comes from:
//   「轻车简从、减少陪同、简化接待,不张贴悬挂标语横幅,不安排群众迎送,
//     不铺设迎宾地毯,不摆放花草,不安排宴请」
//
//   LX_RETURN_IF_ERROR(CheckMeeting(meeting, rules));          // refused in a no-meeting month
//   std::vector<LedgerBreach> breaches = CheckReception(report, rules);
#pragma once

#include <string>
#include <vector>

#include "lianxin/status.hpp"
#include "lianxin/validate.hpp"

namespace lianxin {

struct LedgerRules {
  // 「无会月」: months ("YYYY-MM") in which no meeting is booked unless a
  // county admin marks it exempt, with a reason.
  std::vector<std::string> no_meeting_months;
  // 「减少陪同」: local companions a visit may have at most.
  int max_companions = 3;
  // 「简化接待」: a working meal, yuan per person at most.
  double meal_yuan_per_person = 30;
};

struct Meeting {
  std::string id, title;
  Date date;
  int minutes = 0;
  int attendees = 0;
  double cost_yuan = 0;
  std::string approved_by;
  bool exempt = false;  // marked by a county admin
  std::string exempt_reason;
};

// kConflict for a meeting in a no-meeting month that is not exempt;
// kInvalidInput for an exemption without a reason, a negative figure.
Status CheckMeeting(const Meeting& meeting, const LedgerRules& rules);

struct ReceptionReport {
  std::string id;
  Date date;
  std::string visitors;  // who came, from which body
  int companions = 0;
  int meal_people = 0;
  double meal_yuan = 0;
  bool banquet = false;
  bool banners = false;
  bool welcome_crowds = false;
  bool carpets = false;
  bool flowers = false;
};

struct LedgerBreach {
  std::string item;  // companions, meals, banquet, banners, welcome_crowds, carpets, flowers
  std::string what;  // the finding in words, with the figures
  std::string rule;  // the seed's words it breaks
};

// Every breach in the report, in the order of the rule's words; none: empty.
std::vector<LedgerBreach> CheckReception(const ReceptionReport& report, const LedgerRules& rules);

}  // namespace lianxin
