#include "lianxin/appeals.hpp"

#include <algorithm>
#include <array>

namespace lianxin {

namespace {

constexpr std::int64_t kMillisPerHour = 3'600'000;

struct ActionName {
  AppealAction action;
  std::string_view token, label;
};
constexpr std::array<ActionName, 9> kActions{{
    {AppealAction::kDispatch, "dispatch", "派单"},
    {AppealAction::kReturn, "return", "退单"},
    {AppealAction::kSign, "sign", "签收"},
    {AppealAction::kProgress, "progress", "办理"},
    {AppealAction::kExtend, "extend", "延期"},
    {AppealAction::kReply, "reply", "答复"},
    {AppealAction::kClose, "close", "办结"},
    {AppealAction::kRate, "rate", "评价"},
    {AppealAction::kSupervise, "supervise", "督办"},
}};

// The machine as a table: each state and what may be done in it (督办 only
// once the deadline has passed, checked where it is applied).
struct Transition {
  AppealState from;
  std::vector<AppealAction> actions;
};
const std::vector<Transition>& Machine() {
  static const std::vector<Transition> kMachine{
      {AppealState::kReceived, {AppealAction::kDispatch, AppealAction::kSupervise}},
      {AppealState::kDispatched, {AppealAction::kSign, AppealAction::kReturn, AppealAction::kSupervise}},
      {AppealState::kHandling,
       {AppealAction::kProgress, AppealAction::kReply, AppealAction::kExtend, AppealAction::kSupervise}},
      {AppealState::kReplied, {AppealAction::kClose, AppealAction::kSupervise}},
      {AppealState::kClosed, {AppealAction::kRate}},
      {AppealState::kRated, {}},
  };
  return kMachine;
}

Status Refused(const Appeal& appeal, AppealAction action) {
  std::string allowed;
  for (AppealAction a : AllowedActions(appeal.state))
    allowed += (allowed.empty() ? "" : "、") + std::string(Label(a));
  return Status::Conflict("诉求 " + appeal.id + " 当前为“" + std::string(Label(appeal.state)) + "”,不能“" +
                          std::string(Label(action)) + "”;" +
                          (allowed.empty() ? std::string("已无可办理的操作") : "可以:" + allowed) +
                          " (appeal_transition)");
}

Status Missing(std::string_view field, std::string_view what) {
  return Status::Invalid(std::string(field) + ": " + std::string(what) + " (appeal_field_required)",
                         std::string(field));
}

}  // namespace

std::string_view Token(AppealChannel v) {
  static constexpr std::string_view kTokens[] = {"card", "visit", "reception", "operator", "open311"};
  return kTokens[static_cast<int>(v)];
}
std::string_view Token(AppealType v) {
  static constexpr std::string_view kTokens[] = {"inquiry", "help", "complaint", "report", "suggestion"};
  return kTokens[static_cast<int>(v)];
}
std::string_view Token(AppealUrgency v) {
  static constexpr std::string_view kTokens[] = {"emergency", "urgent", "general", "complex"};
  return kTokens[static_cast<int>(v)];
}
std::string_view Token(AppealState v) {
  static constexpr std::string_view kTokens[] = {"received", "dispatched", "handling",
                                                 "replied",  "closed",     "rated"};
  return kTokens[static_cast<int>(v)];
}
std::string_view Token(AppealAction v) { return kActions[static_cast<size_t>(v)].token; }
std::string_view Token(Satisfaction v) {
  static constexpr std::string_view kTokens[] = {"satisfied", "basically_satisfied", "unsatisfied"};
  return kTokens[static_cast<int>(v)];
}
std::string_view Label(AppealState v) {
  static constexpr std::string_view kLabels[] = {"受理", "已派单", "办理中", "已答复", "已办结", "已评价"};
  return kLabels[static_cast<int>(v)];
}
std::string_view Label(AppealAction v) { return kActions[static_cast<size_t>(v)].label; }

std::string_view Token(HandlerKind v) {
  static constexpr std::string_view kTokens[] = {"cadre", "unit", "region"};
  return kTokens[static_cast<int>(v)];
}
std::string_view Label(AppealType v) {
  static constexpr std::string_view kLabels[] = {"咨询", "求助", "投诉", "举报", "建议"};
  return kLabels[static_cast<int>(v)];
}
std::string_view Label(AppealUrgency v) {
  static constexpr std::string_view kLabels[] = {"紧急", "较急", "一般", "复杂"};
  return kLabels[static_cast<int>(v)];
}
std::string_view Label(Satisfaction v) {
  static constexpr std::string_view kLabels[] = {"满意", "基本满意", "不满意"};
  return kLabels[static_cast<int>(v)];
}

std::optional<AppealAction> ParseAppealAction(std::string_view token) {
  for (const ActionName& a : kActions) {
    if (a.token == token || a.label == token) return a.action;
  }
  return std::nullopt;
}

namespace {
// The value of E whose token (or label, when E has them) is `text`.
template <typename E, int N>
std::optional<E> ParseEnum(std::string_view text, bool labelled) {
  for (int i = 0; i < N; ++i) {
    const E v = static_cast<E>(i);
    if (Token(v) == text) return v;
    if constexpr (requires { Label(v); }) {
      if (labelled && Label(v) == text) return v;
    }
  }
  return std::nullopt;
}
}  // namespace

std::optional<AppealChannel> ParseAppealChannel(std::string_view token) {
  return ParseEnum<AppealChannel, 5>(token, false);
}
std::optional<AppealType> ParseAppealType(std::string_view token) {
  return ParseEnum<AppealType, 5>(token, true);
}
std::optional<AppealUrgency> ParseAppealUrgency(std::string_view token) {
  return ParseEnum<AppealUrgency, 4>(token, true);
}
std::optional<AppealState> ParseAppealState(std::string_view token) {
  return ParseEnum<AppealState, 6>(token, true);
}
std::optional<Satisfaction> ParseSatisfaction(std::string_view token) {
  return ParseEnum<Satisfaction, 3>(token, true);
}
std::optional<HandlerKind> ParseHandlerKind(std::string_view token) {
  return ParseEnum<HandlerKind, 3>(token, false);
}

// What households in the seed's villages ask about most: roads and water,
// housing and medical care, social security, land, the village's
// environment, farming, work, disputes and order.
std::vector<AppealTopic> DefaultAppealTopics() {
  return {{"roads", "道路交通", ""},    {"water", "饮水供水", ""},      {"power", "用电", ""},
          {"housing", "住房安全", ""},  {"medical", "医疗卫生", ""},    {"education", "教育", ""},
          {"welfare", "社保低保", ""},  {"land", "土地山林", ""},       {"environment", "环境卫生", ""},
          {"farming", "农业产业", ""},  {"employment", "就业务工", ""}, {"dispute", "矛盾纠纷", ""},
          {"security", "社会治安", ""}, {"other", "其他", ""}};
}

const AppealTopic* AppealRules::FindTopic(std::string_view code_or_label) const {
  for (const AppealTopic& t : topics) {
    if (t.code == code_or_label || t.label == code_or_label) return &t;
  }
  return nullptr;
}

std::vector<AppealRoute> RouteChain(const Appeal& appeal, const AppealRules& rules) {
  std::vector<AppealRoute> chain;
  auto add = [&](const std::string& code, HandlerKind kind) {
    if (code.empty()) return;
    for (const AppealRoute& r : chain) {
      if (r.handler == code) return;
    }
    chain.push_back({code, kind});
  };
  const bool about_cadre = appeal.type == AppealType::kComplaint || appeal.type == AppealType::kReport;
  if (!about_cadre) {
    add(appeal.cadre_code, HandlerKind::kCadre);
    add(appeal.unit_code, HandlerKind::kUnit);
  }
  if (appeal.region_code.size() == 12) add(appeal.region_code.substr(0, 9) + "000", HandlerKind::kRegion);
  if (const AppealTopic* topic = rules.FindTopic(appeal.topic)) add(topic->department, HandlerKind::kUnit);
  return chain;
}

std::optional<AppealRoute> NextRoute(const Appeal& appeal, const AppealRules& rules,
                                     const std::vector<std::string>& returned_by) {
  for (const AppealRoute& r : RouteChain(appeal, rules)) {
    if (std::find(returned_by.begin(), returned_by.end(), r.handler) == returned_by.end()) return r;
  }
  return std::nullopt;
}

std::vector<AppealAction> AllowedActions(AppealState state) {
  for (const Transition& t : Machine()) {
    if (t.from == state) return t.actions;
  }
  return {};
}

bool IsOpen(AppealState state) { return state != AppealState::kClosed && state != AppealState::kRated; }

bool IsOverdue(const Appeal& appeal, std::int64_t now_millis) {
  return IsOpen(appeal.state) && appeal.deadline_millis > 0 && now_millis > appeal.deadline_millis;
}

std::int64_t AppealDeadline(std::int64_t start_millis, AppealUrgency urgency, const AppealRules& rules,
                            const WorkCalendar& calendar) {
  switch (urgency) {
    case AppealUrgency::kEmergency:
      return start_millis + rules.emergency_hours * kMillisPerHour;
    case AppealUrgency::kUrgent:
      return start_millis + rules.urgent_hours * kMillisPerHour;
    case AppealUrgency::kGeneral:
      return DayLimitDeadline(start_millis, rules.general_days, rules.working_days, calendar);
    case AppealUrgency::kComplex:
      return DayLimitDeadline(start_millis, rules.complex_days, rules.working_days, calendar);
  }
  return start_millis;
}

Result<Appeal> ApplyAppealEvent(const Appeal& appeal, const AppealEvent& event, const AppealRules& rules,
                                const WorkCalendar& calendar) {
  std::vector<AppealAction> allowed = AllowedActions(appeal.state);
  if (std::find(allowed.begin(), allowed.end(), event.action) == allowed.end())
    return Refused(appeal, event.action);
  Appeal next = appeal;
  // The household's clock runs from 受理: a return does not restart it.
  if (next.deadline_millis == 0) {
    next.deadline_millis = AppealDeadline(next.received_millis, next.urgency, rules, calendar);
  }
  const std::int64_t at = event.at_millis;
  switch (event.action) {
    case AppealAction::kDispatch:
      if (event.handler.empty()) return Missing("handler", "派单须指定承办人或承办单位");
      next.state = AppealState::kDispatched;
      next.handler = event.handler;
      next.handler_kind = event.handler_kind;
      next.dispatched_millis = at;
      next.signed_millis = 0;
      break;
    case AppealAction::kReturn:
      if (event.note.empty()) return Missing("note", "退单须说明理由");
      next.state = AppealState::kReceived;
      next.handler.clear();
      ++next.returns;
      break;
    case AppealAction::kSign:
      next.state = AppealState::kHandling;
      next.signed_millis = at;
      break;
    case AppealAction::kProgress:
      if (event.note.empty()) return Missing("note", "办理须写明做了什么");
      break;
    case AppealAction::kExtend:
      if (next.extended) {
        return Status::Conflict("诉求 " + appeal.id + " 已延期过一次,不能再次延期 (appeal_extended_once)");
      }
      if (at > next.deadline_millis) {
        return Status::Conflict("诉求 " + appeal.id + " 已超期,延期须在期限之前申请 (appeal_extend_late)");
      }
      if (event.extend_days <= 0 || event.extend_days > rules.complex_days) {
        return Status::Invalid("extend_days: 延期天数应为 1 至 " + std::to_string(rules.complex_days) +
                               " (appeal_extend_days)");
      }
      if (event.note.empty()) return Missing("note", "延期须说明理由");
      next.deadline_millis =
          DayLimitDeadline(next.deadline_millis, event.extend_days, rules.working_days, calendar);
      next.extended = true;
      break;
    case AppealAction::kReply:
      if (event.note.empty()) return Missing("note", "答复须写明答复内容");
      next.state = AppealState::kReplied;
      next.reply = event.note;
      next.replied_millis = at;
      break;
    case AppealAction::kClose:
      next.state = AppealState::kClosed;
      next.closed_millis = at;
      break;
    case AppealAction::kRate:
      next.solved = event.solved;
      next.satisfaction = event.satisfaction;
      if (event.satisfaction == Satisfaction::kUnsatisfied && next.reopened < rules.max_reopen) {
        // 重办: back to the same handler, with a fresh limit. Past the
        // county's limit of 重办 the rating stands: 不满意 is counted.
        next.state = AppealState::kHandling;
        ++next.reopened;
        next.replied_millis = next.closed_millis = 0;
        next.deadline_millis = AppealDeadline(at, next.urgency, rules, calendar);
        next.extended = false;
        next.overdue_noticed = false;
      } else {
        next.state = AppealState::kRated;
      }
      break;
    case AppealAction::kSupervise:
      if (!IsOverdue(next, at)) {
        return Status::Conflict("诉求 " + appeal.id + " 尚未超期,不能督办 (appeal_not_overdue)");
      }
      ++next.reminders;
      // The first 督办 reminds; a second one names it in the bulletin.
      if (next.reminders >= 2) next.in_bulletin = true;
      break;
  }
  return next;
}

AppealRates RatesOf(const std::vector<const Appeal*>& appeals, const AppealRules& rules) {
  AppealRates r;
  for (const Appeal* a : appeals) {
    if (a->dispatched_millis > 0) {
      ++r.dispatched;
      if (a->signed_millis > 0 &&
          a->signed_millis - a->dispatched_millis <= rules.respond_within_hours * kMillisPerHour)
        ++r.responded;
    }
    if (a->satisfaction) {
      ++r.rated;
      if (a->solved.value_or(false)) ++r.solved;
      if (*a->satisfaction != Satisfaction::kUnsatisfied) ++r.satisfied;
    }
  }
  if (r.dispatched > 0) r.response_rate = static_cast<double>(r.responded) / r.dispatched;
  if (r.rated > 0) {
    r.resolution_rate = static_cast<double>(r.solved) / r.rated;
    r.satisfaction_rate = static_cast<double>(r.satisfied) / r.rated;
  }
  double weighted = 0, weights = 0;
  for (auto [rate, weight] : {std::pair{r.response_rate, rules.response_weight},
                              std::pair{r.resolution_rate, rules.resolution_weight},
                              std::pair{r.satisfaction_rate, rules.satisfaction_weight}}) {
    if (!rate || weight <= 0) continue;
    weighted += *rate * weight;
    weights += weight;
  }
  if (weights > 0) r.score = 100 * weighted / weights;
  return r;
}

std::map<std::string, AppealRates> RatesBy(const std::vector<Appeal>& appeals, const AppealRules& rules,
                                           const std::function<std::string(const Appeal&)>& key) {
  std::map<std::string, std::vector<const Appeal*>> groups;
  for (const Appeal& a : appeals) {
    std::string k = key(a);
    if (!k.empty()) groups[k].push_back(&a);
  }
  std::map<std::string, AppealRates> rates;
  for (const auto& [k, group] : groups) rates.emplace(k, RatesOf(group, rules));
  return rates;
}

}  // namespace lianxin
