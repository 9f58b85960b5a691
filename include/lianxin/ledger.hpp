// The 八项规定 ledger (PRODUCT.md §4): the county's no-meeting months (无会月)
// and the meetings held, the reception report after each higher-level visit
// (「接待报告制度」), and every expense itemised by budget line — each
// checked against the rule it comes from:
//   「轻车简从、减少陪同、简化接待,不张贴悬挂标语横幅,不安排群众迎送,
//     不铺设迎宾地毯,不摆放花草,不安排宴请」
// Entries are kept as written and never changed: a mistake is put right by
// a new entry that names the one it corrects (`corrects`), and the old one
// is then shown as superseded and left out of every total.
//
//   LX_RETURN_IF_ERROR(CheckMeeting(meeting, rules));          // refused in a no-meeting month
//   std::vector<LedgerBreach> breaches = CheckReception(report, rules);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/status.hpp"
#include "lianxin/validate.hpp"

namespace lianxin {

struct LedgerRules {
  // 「无会月」: months ("YYYY-MM") in which no meeting is booked unless a
  // county admin marks it exempt, with a reason. Kept in the store (the
  // county's calendar), filled in here for a check.
  std::vector<std::string> no_meeting_months;
  // 「减少陪同」: local companions a visit may have at most.
  int max_companions = 3;
  // 「简化接待」: a working meal, yuan per person at most.
  double meal_yuan_per_person = 30;
};

// The budget lines an expense is itemised on (三公经费 and the others).
enum class BudgetLine { kMeeting, kReception, kVehicle, kTravel, kTraining, kOverseas, kOther };
inline constexpr BudgetLine kBudgetLines[] = {
    BudgetLine::kMeeting,  BudgetLine::kReception, BudgetLine::kVehicle, BudgetLine::kTravel,
    BudgetLine::kTraining, BudgetLine::kOverseas,  BudgetLine::kOther};
std::string_view Token(BudgetLine line);  // meeting, reception, vehicle, travel, training, overseas, other
std::string_view Label(BudgetLine line);  // 会议费, 公务接待费, 公务用车运行维护费, …
std::optional<BudgetLine> ParseBudgetLine(std::string_view token);

// "123.45" for 12345 fen.
std::string YuanText(std::int64_t fen);

// Who an entry belongs to and who wrote it, common to the three kinds.
struct LedgerEntry {
  std::string id;           // M, R or E and 16 hex digits
  std::string region_code;  // the county, or the township whose government it is
  std::string unit_code;    // the unit (a county department); "" for a township's own
  Date date;                // held, received or spent on
  std::string corrects;     // the entry this one puts right; "" none
  std::string recorded_by;
  std::int64_t recorded_millis = 0;
  bool superseded = false;  // read: a later entry corrects this one
  bool operator==(const LedgerEntry&) const = default;
};

struct Meeting : LedgerEntry {
  std::string title;
  int minutes = 0;
  int attendees = 0;
  std::int64_t cost_fen = 0;
  std::string approved_by;  // who approved holding it (审批)
  bool exempt = false;      // marked by a county admin
  std::string exempt_reason;
  bool operator==(const Meeting&) const = default;
};

struct LedgerBreach {
  std::string item;  // companions, meals, banquet, banners, welcome_crowds, carpets, flowers
  std::string what;  // the finding in words, with the figures
  std::string rule;  // the seed's words it breaks
  bool operator==(const LedgerBreach&) const = default;
};

struct ReceptionReport : LedgerEntry {
  std::string visitors;     // who came, from which body
  std::string purpose;      // 检查, 考察, 调研 …
  std::string reported_to;  // 「向本级党组织或纪检组织报告」
  int companions = 0;
  int meal_people = 0;
  std::int64_t meal_fen = 0;
  bool banquet = false;
  bool banners = false;
  bool welcome_crowds = false;
  bool carpets = false;
  bool flowers = false;
  // As CheckReception found when the report was kept (the rules of then).
  std::vector<LedgerBreach> breaches;
  bool operator==(const ReceptionReport&) const = default;
};

struct Expense : LedgerEntry {
  BudgetLine line = BudgetLine::kOther;
  std::string item;  // what was bought or paid for
  std::int64_t amount_fen = 0;
  std::string meeting_id, reception_id;  // the entry it was spent on; "" none
  bool operator==(const Expense&) const = default;
};

// A no-meeting month of a county's calendar.
struct NoMeetingMonth {
  std::string county_code, month;  // YYYY-MM
  std::string note;                // why, as the county decided
  std::string set_by;
  std::int64_t set_millis = 0;
  bool operator==(const NoMeetingMonth&) const = default;
};

// Which entries to read: those of a region's subtree ("" every region), or
// of one unit when `unit` is set, dated in [from, to].
struct LedgerQuery {
  std::string region, unit;
  Date from, to;
};

// A ledger's three registers, each by date, then id.
struct LedgerBook {
  std::vector<Meeting> meetings;
  std::vector<ReceptionReport> receptions;
  std::vector<Expense> expenses;
};

// kConflict (no_meeting_month) for a meeting in a no-meeting month that is
// not exempt; kInvalidInput (naming the field) for an exemption without a
// reason, a negative figure, a meeting without its title or approval.
Status CheckMeeting(const Meeting& meeting, const LedgerRules& rules);

// Every breach in the report, in the order of the rule's words; none: empty.
std::vector<LedgerBreach> CheckReception(const ReceptionReport& report, const LedgerRules& rules);

// kInvalidInput (naming the field) for a reception report without its
// visitors or the body it was reported to, or a negative figure; for an
// expense without its item, or an amount not above zero.
Status CheckReceptionFields(const ReceptionReport& report);
Status CheckExpense(const Expense& expense);

}  // namespace lianxin
