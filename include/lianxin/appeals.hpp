// Appeals (诉求, PRODUCT.md §3): what a household asks for, and the 12345
// loop that carries it to an answer the household rates.
//
//   受理 received ──派单 dispatch──▶ 已派单 dispatched ──签收 sign──▶ 办理中 handling
//        ▲                              │ 退单 return (with a reason)      │ 办理 progress, 延期 extend
//        └──────────────────────────────┘                                  ▼
//   已评价 rated ◀──评价 rate── 已办结 closed ◀──办结 close── 已答复 replied ◀──答复 reply
//                                  │ 评价 不满意 → 重办: back to 办理中, a new deadline
//
// 督办 (supervise) is a reminder on an overdue appeal, in any open state; the
// second one names it for the monthly bulletin. 延期 is asked before the
// deadline and granted once. Everything here is pure: the store journals
// each event it applies, the clock and the calendar come from the caller.
//
//   LX_ASSIGN_OR_RETURN(Appeal next, ApplyAppealEvent(appeal, event, rules, calendar));
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/calendar.hpp"
#include "lianxin/status.hpp"

namespace lianxin {

// How it arrived: the card's public page, a visit, a reception day
// (接访日), an operator taking a call, an Open311 client.
enum class AppealChannel { kCard, kVisit, kReception, kOperator, kOpen311 };
// 咨询 / 求助 / 投诉 / 举报 / 建议.
enum class AppealType { kInquiry, kHelp, kComplaint, kReport, kSuggestion };
// 紧急 2 h, 水电气等 24 h, 一般 7 days, 复杂 15 days (the limits are rules).
enum class AppealUrgency { kEmergency, kUrgent, kGeneral, kComplex };
enum class AppealState { kReceived, kDispatched, kHandling, kReplied, kClosed, kRated };
enum class AppealAction {
  kDispatch,   // 派单: to a handler
  kReturn,     // 退单: the handler sends it back, misrouted, with a reason
  kSign,       // 签收: the handler takes it on
  kProgress,   // 办理: a note of what was done
  kExtend,     // 延期: more time, asked before the deadline, once
  kReply,      // 答复: the answer to the household
  kClose,      // 办结
  kRate,       // 评价: solved or not, and satisfaction; 不满意 reopens (重办)
  kSupervise,  // 督办: a reminder on an overdue appeal
};
// 满意 / 基本满意 / 不满意.
enum class Satisfaction { kSatisfied, kBasicallySatisfied, kUnsatisfied };
// Who holds an appeal: a cadre, a unit (a county department is a unit) or
// a region's office (a township).
enum class HandlerKind { kCadre, kUnit, kRegion };

std::string_view Token(AppealChannel v);  // card, visit, reception, operator, open311
std::string_view Token(AppealType v);     // inquiry, help, complaint, report, suggestion
std::string_view Token(AppealUrgency v);  // emergency, urgent, general, complex
std::string_view Token(AppealState v);    // received, dispatched, handling, replied, closed, rated
std::string_view Token(
    AppealAction v);  // dispatch, return, sign, progress, extend, reply, close, rate, supervise
std::string_view Token(Satisfaction v);  // satisfied, basically_satisfied, unsatisfied
std::string_view Token(HandlerKind v);   // cadre, unit, region
// The words users read: 受理, 已派单, … and 派单, 退单, ….
std::string_view Label(AppealState v);
std::string_view Label(AppealAction v);
std::string_view Label(AppealType v);     // 咨询 …
std::string_view Label(AppealUrgency v);  // 紧急 …
std::string_view Label(Satisfaction v);   // 满意 …
// Each parser takes the token or the Chinese label.
std::optional<AppealAction> ParseAppealAction(std::string_view token);
std::optional<AppealChannel> ParseAppealChannel(std::string_view token);
std::optional<AppealType> ParseAppealType(std::string_view token);
std::optional<AppealUrgency> ParseAppealUrgency(std::string_view token);
std::optional<AppealState> ParseAppealState(std::string_view token);
std::optional<Satisfaction> ParseSatisfaction(std::string_view token);
std::optional<HandlerKind> ParseHandlerKind(std::string_view token);

// A topic of the county's dictionary (`[[appeals.topics]]`): what an appeal
// is about, and the county department (a unit code) answerable for it, if
// one is named.
struct AppealTopic {
  std::string code;   // roads, water, …
  std::string label;  // 道路交通 …
  std::string department;
};
// The dictionary the county starts with: no department named.
std::vector<AppealTopic> DefaultAppealTopics();

// The limits and weights, from `[appeals]` in lianxin.toml.
struct AppealRules {
  // 「紧急类2小时、水电气热等24小时、一般类7天、复杂类15天」
  int emergency_hours = 2;
  int urgent_hours = 24;
  int general_days = 7;
  int complex_days = 15;
  // Day limits in working days (the holiday calendar) instead of calendar days.
  bool working_days = false;
  // A dispatched appeal is answered in time (响应) when signed within this.
  int respond_within_hours = 24;
  // The weighted score: 响应率 30, 解决率 35, 满意率 35 (percent points).
  double response_weight = 30;
  double resolution_weight = 35;
  double satisfaction_weight = 35;
  std::vector<AppealTopic> topics = DefaultAppealTopics();
  // 不满意 reopens an appeal (重办) this many times; after that the rating
  // stands and the appeal is 已评价, counted unsatisfied.
  int max_reopen = 1;

  const AppealTopic* FindTopic(std::string_view code_or_label) const;
};

// One appeal, as the loop leaves it after each event.
struct Appeal {
  std::string id;
  std::string household_code;  // may be empty for an Open311 report with no household
  AppealChannel channel = AppealChannel::kCard;
  AppealType type = AppealType::kHelp;
  std::string topic;  // a key of the topic dictionary
  AppealUrgency urgency = AppealUrgency::kGeneral;
  std::string content;
  AppealState state = AppealState::kReceived;
  std::string handler;  // who holds it now: a cadre, unit or region code ("" while 受理)
  HandlerKind handler_kind = HandlerKind::kCadre;
  // Whom its rates count for: the household's contact cadre and that
  // cadre's unit when it was filed ("" when none), and the household's
  // village (the county's code for a report with no household).
  std::string cadre_code, unit_code, region_code;
  std::int64_t received_millis = 0;
  std::int64_t dispatched_millis = 0;  // the latest dispatch
  std::int64_t signed_millis = 0;      // the first signature after the latest dispatch
  std::int64_t replied_millis = 0;
  std::int64_t closed_millis = 0;
  std::int64_t deadline_millis = 0;  // set at dispatch from the urgency; moved by 延期 and 重办
  bool extended = false;
  int returns = 0;    // 退单 so far
  int reminders = 0;  // 督办 so far
  bool in_bulletin = false;
  int reopened = 0;  // 重办 so far
  std::optional<bool> solved;
  std::optional<Satisfaction> satisfaction;
  std::string reply;
  bool overdue_noticed = false;  // the handler has been told it is overdue
  bool operator==(const Appeal&) const = default;
};

struct AppealEvent {
  AppealAction action = AppealAction::kDispatch;
  std::int64_t at_millis = 0;
  std::string actor;
  std::string handler;  // kDispatch: who gets it
  HandlerKind handler_kind = HandlerKind::kCadre;
  std::string note;     // kReturn: the reason (required); kReply: the answer (required); kExtend: why
  int extend_days = 0;  // kExtend: how many (working) days more
  bool solved = false;  // kRate
  Satisfaction satisfaction = Satisfaction::kSatisfied;  // kRate
};

// The actions the state allows, in the order a user meets them.
std::vector<AppealAction> AllowedActions(AppealState state);
bool IsOpen(AppealState state);  // not yet 办结
bool IsOverdue(const Appeal& appeal, std::int64_t now_millis);

// The deadline of an appeal of `urgency` dispatched at `start_millis`.
std::int64_t AppealDeadline(std::int64_t start_millis, AppealUrgency urgency, const AppealRules& rules,
                            const WorkCalendar& calendar);

// The appeal after `event`. An action the state does not allow is
// kConflict naming the state and the actions it allows; a missing reason,
// handler or answer is kInvalidInput naming the field; 延期 after the
// deadline or a second time, and 督办 before the deadline, are kConflict.
Result<Appeal> ApplyAppealEvent(const Appeal& appeal, const AppealEvent& event, const AppealRules& rules,
                                const WorkCalendar& calendar);

// Where an appeal goes (the routing): the household's contact
// cadre, then the cadre's unit (or the unit holding the village), then the
// township, then the county department its topic names — each empty one
// skipped. A complaint or a report (投诉/举报) may be about the cadre, so it
// starts at the township. A handler that sent it back (退单) is passed over:
// the next in line is suggested.
struct AppealRoute {
  std::string handler;
  HandlerKind kind = HandlerKind::kCadre;
  bool operator==(const AppealRoute&) const = default;
};
std::vector<AppealRoute> RouteChain(const Appeal& appeal, const AppealRules& rules);
// The first of the chain not in `returned_by`; nullopt when all have been tried.
std::optional<AppealRoute> NextRoute(const Appeal& appeal, const AppealRules& rules,
                                     const std::vector<std::string>& returned_by);

// One step of an appeal's history, as the store keeps it: the action (or
// "file" for the first), when, by whom, to whom and why.
struct AppealStep {
  int seq = 0;
  std::string action;  // file | an AppealAction token
  std::int64_t at_millis = 0;
  std::string actor;
  std::string handler;
  std::string note;
  AppealState state = AppealState::kReceived;  // after the step
};

// The three rates of a group of appeals, as 12345 counts them:
// 响应率 = signed within respond_within_hours of dispatch / dispatched;
// 解决率 = rated solved / rated; 满意率 = (满意 + 基本满意) / rated.
// A rate with nothing to count is reported as absent, not as 0 or 100.
struct AppealRates {
  int dispatched = 0, responded = 0, rated = 0, solved = 0, satisfied = 0;
  std::optional<double> response_rate, resolution_rate, satisfaction_rate;  // 0–1
  // Σ weight × rate over the rates present, rescaled to 100 by their weights.
  std::optional<double> score;
};
AppealRates RatesOf(const std::vector<const Appeal*>& appeals, const AppealRules& rules);

// The rates of each group `key` puts an appeal in (a cadre, unit or
// township code; an empty key leaves the appeal out).
std::map<std::string, AppealRates> RatesBy(const std::vector<Appeal>& appeals, const AppealRules& rules,
                                           const std::function<std::string(const Appeal&)>& key);

}  // namespace lianxin
