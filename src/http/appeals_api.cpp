#include "lianxin/appeals_api.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "lianxin/api.hpp"

namespace lianxin {

namespace {

using nlohmann::json;

json AppealJson(const Appeal& a, const AppealRules& rules, std::int64_t now) {
  const AppealTopic* topic = rules.FindTopic(a.topic);
  return {{"id", a.id},
          {"household", a.household_code.empty() ? json(nullptr) : json(a.household_code)},
          {"channel", Token(a.channel)},
          {"type", Token(a.type)},
          {"type_label", Label(a.type)},
          {"topic", a.topic},
          {"topic_label", topic ? topic->label : a.topic},
          {"urgency", Token(a.urgency)},
          {"urgency_label", Label(a.urgency)},
          {"content", a.content},
          {"state", Token(a.state)},
          {"state_label", Label(a.state)},
          {"handler", a.handler.empty() ? json(nullptr) : json(a.handler)},
          {"handler_kind", a.handler.empty() ? json(nullptr) : json(Token(a.handler_kind))},
          {"cadre", a.cadre_code},
          {"unit", a.unit_code},
          {"region", a.region_code},
          {"received_at", TimeOrNull(a.received_millis)},
          {"dispatched_at", TimeOrNull(a.dispatched_millis)},
          {"signed_at", TimeOrNull(a.signed_millis)},
          {"replied_at", TimeOrNull(a.replied_millis)},
          {"closed_at", TimeOrNull(a.closed_millis)},
          {"deadline", TimeOrNull(a.deadline_millis)},
          {"overdue", IsOverdue(a, now)},
          {"extended", a.extended},
          {"returns", a.returns},
          {"reminders", a.reminders},
          {"in_bulletin", a.in_bulletin},
          {"reopened", a.reopened},
          {"solved", a.solved ? json(*a.solved) : json(nullptr)},
          {"satisfaction", a.satisfaction ? json(Token(*a.satisfaction)) : json(nullptr)},
          {"reply", a.reply}};
}

// Whether `scope` reaches `appeal`: the rule store.hpp gives for AppealQuery.
bool Reaches(const Scope& scope, const Appeal& appeal) {
  switch (scope.kind) {
    case ScopeKind::kNone:
      return false;
    case ScopeKind::kRegion:
      return ScopeContains(scope, appeal.region_code);
    case ScopeKind::kUnit:
      return !scope.code.empty() && (appeal.unit_code == scope.code || appeal.handler == scope.code);
    case ScopeKind::kCadre:
      return !scope.code.empty() && (appeal.cadre_code == scope.code || appeal.handler == scope.code);
  }
  return false;
}

bool IsDispatcher(const Caller& caller) {
  return caller.HasRole(Role::kOperator) || caller.HasRole(Role::kCountyAdmin) ||
         caller.HasRole(Role::kTownshipAdmin);
}

// Whether the caller holds the appeal: its cadre, its unit's head, or the
// admin of its township.
bool IsHolder(const Caller& caller, const Appeal& appeal) {
  const Scope scope = caller.scope();
  if (appeal.handler.empty()) return false;
  switch (appeal.handler_kind) {
    case HandlerKind::kCadre:
      return caller.HasRole(Role::kCadre) && scope.kind == ScopeKind::kCadre && scope.code == appeal.handler;
    case HandlerKind::kUnit:
      return caller.HasRole(Role::kUnitHead) && scope.kind == ScopeKind::kUnit &&
             scope.code == appeal.handler;
    case HandlerKind::kRegion:
      return caller.HasRole(Role::kTownshipAdmin) && ScopeContains(scope, appeal.handler);
  }
  return false;
}

// Whether the caller may take `action` on `appeal` (the header's table).
bool MayTake(const Caller& caller, const Appeal& appeal, AppealAction action) {
  switch (action) {
    case AppealAction::kDispatch:
    case AppealAction::kClose:
    case AppealAction::kRate:
      return IsDispatcher(caller);
    case AppealAction::kReturn:
    case AppealAction::kSign:
    case AppealAction::kProgress:
    case AppealAction::kExtend:
    case AppealAction::kReply:
      return IsHolder(caller, appeal) || IsDispatcher(caller);
    case AppealAction::kSupervise:
      return IsDispatcher(caller) || caller.HasRole(Role::kInspector);
  }
  return false;
}

template <typename E>
Result<E> EnumField(const json& body, std::string_view name, std::optional<E> (*parse)(std::string_view),
                    std::string_view allowed, std::optional<E> fallback) {
  LX_ASSIGN_OR_RETURN(std::string text, StringField(body, name, !fallback.has_value()));
  if (text.empty() && fallback) return *fallback;
  std::optional<E> value = parse(text);
  if (!value) {
    return Status::Invalid(
        std::string(name) + " 应为 " + std::string(allowed) + ",而不是 " + text + " (unknown_value)",
        std::string(name));
  }
  return *value;
}

}  // namespace

Status ParseAppealFields(const json& body, const AppealRules& rules, std::string_view path,
                         bool content_required, Appeal& appeal) {
  auto in_path = [&](Status s) {
    return s.ok() || path.empty() ? s : Status(s.code(), s.message(), std::string(path) + s.field());
  };
  Result<AppealType> type = EnumField<AppealType>(
      body, "type", ParseAppealType, "inquiry|help|complaint|report|suggestion(咨询|求助|投诉|举报|建议)",
      std::nullopt);
  if (!type.ok()) return in_path(type.status());
  appeal.type = *type;
  Result<std::string> topic = StringField(body, "topic");
  if (!topic.ok()) return in_path(topic.status());
  const AppealTopic* found = rules.FindTopic(*topic);
  if (found == nullptr) {
    std::string known;
    for (const AppealTopic& t : rules.topics) known += (known.empty() ? "" : "|") + t.code;
    return in_path(Status::Invalid(
        "topic 应为 " + known + " 之一(或其中文名称),而不是 " + *topic + " (unknown_topic)", "topic"));
  }
  appeal.topic = found->code;
  Result<AppealUrgency> urgency = EnumField<AppealUrgency>(
      body, "urgency", ParseAppealUrgency, "emergency|urgent|general|complex(紧急|较急|一般|复杂)",
      AppealUrgency::kGeneral);
  if (!urgency.ok()) return in_path(urgency.status());
  appeal.urgency = *urgency;
  Result<std::string> content = TextField(body, "content", content_required);
  if (!content.ok()) return in_path(content.status());
  appeal.content = std::move(*content);
  return Status::Ok();
}

namespace {

// Tells whoever an appeal's step concerns; a failed hand-over is logged,
// never undoes the step (the outbox is where a gateway reads from).
void Tell(Notifier& notifier, NoticeKind kind, const Appeal& appeal, const std::string& recipient,
          std::int64_t now) {
  if (recipient.empty()) return;
  Status sent = notifier.Send(AppealNotice(kind, appeal, recipient, now));
  if (!sent.ok()) spdlog::warn("通知未能发出 ({} {}): {}", Token(kind), appeal.id, sent.message());
}

void TellAfter(Notifier& notifier, const Appeal& after, AppealAction action, std::int64_t now) {
  switch (action) {
    case AppealAction::kDispatch:
      Tell(notifier, NoticeKind::kNewAppeal, after, after.handler, now);
      break;
    case AppealAction::kSupervise:
      Tell(notifier, NoticeKind::kReminder, after, after.handler, now);
      break;
    case AppealAction::kClose:
      Tell(notifier, NoticeKind::kEvaluationRequest, after, after.household_code, now);
      break;
    default:
      break;
  }
}

}  // namespace

Result<Appeal> FileAndRoute(Store& store, const Appeal& appeal, const std::string& actor, bool dispatch,
                            const Config& config, std::int64_t now) {
  LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(actor));
  LX_ASSIGN_OR_RETURN(Appeal filed, txn->FileAppeal(appeal, actor));
  if (dispatch) {
    if (std::optional<AppealRoute> route = NextRoute(filed, config.appeals, {})) {
      AppealEvent event;
      event.action = AppealAction::kDispatch;
      event.at_millis = now;
      event.handler = route->handler;
      event.handler_kind = route->kind;
      event.note = "按联系路径派单";
      LX_ASSIGN_OR_RETURN(filed, ApplyAppealEvent(filed, event, config.appeals, config.calendar));
      LX_RETURN_IF_ERROR(txn->RecordAppealStep(filed, event, actor));
    }
  }
  LX_RETURN_IF_ERROR(txn->Commit());
  return filed;
}

void TellFiled(Notifier& notifier, const Appeal& filed, std::int64_t now) {
  if (filed.state == AppealState::kDispatched)
    Tell(notifier, NoticeKind::kNewAppeal, filed, filed.handler, now);
}

namespace {

class AppealsApi {
 public:
  explicit AppealsApi(const AppealsApiDeps& deps) : deps_(deps) {}

  HttpResponse File(HttpRequest& request, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    Result<json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    Result<Appeal> parsed = ParseFiling(*body, caller);
    if (!parsed.ok()) return HttpResponse::Error(parsed.status());
    Appeal appeal = std::move(*parsed);
    bool dispatch = true;
    if (auto it = body->find("dispatch"); it != body->end()) {
      if (!it->is_boolean())
        return HttpResponse::Error(Status::Invalid("dispatch 应为 true 或 false (type)", "dispatch"));
      dispatch = it->get<bool>();
    }
    const Scope scope = caller.scope();
    const std::int64_t now = deps_.clock.NowMillis();
    Appeal filed;
    Status written = deps_.writer.Write([&](Store& store) -> Status {
      if (!appeal.household_code.empty()) {
        LX_RETURN_IF_ERROR(CheckInScope(store, RecordKind::kHouseholds, appeal.household_code, scope));
      } else if (!ScopeContains(scope, appeal.region_code)) {
        return OutOfScope();
      }
      LX_ASSIGN_OR_RETURN(filed, FileAndRoute(store, appeal, caller.actor(), dispatch, *config, now));
      return Status::Ok();
    });
    if (!written.ok()) return HttpResponse::Error(written);
    TellFiled(deps_.notifier, filed, now);
    return HttpResponse::Json(201, AppealJson(filed, config->appeals, now));
  }

  HttpResponse List(HttpRequest& request, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    AppealQuery query;
    query.scope = caller.scope();
    query.now_millis = deps_.clock.NowMillis();
    for (auto [name, field] : {std::pair{"region", &query.region}, std::pair{"handler", &query.handler},
                               std::pair{"cadre", &query.cadre}, std::pair{"household", &query.household},
                               std::pair{"cursor", &query.cursor}}) {
      *field = std::string(request.QueryParam(name).value_or(""));
    }
    if (std::optional<std::string_view> state = request.QueryParam("state")) {
      query.state = ParseAppealState(*state);
      if (!query.state) {
        return HttpResponse::Error(Status::Invalid(
            "state 应为 received|dispatched|handling|replied|closed|rated (unknown_value)", "state"));
      }
    }
    for (auto [name, flag] : {std::pair{"open", &query.open_only}, std::pair{"overdue", &query.overdue_only},
                              std::pair{"bulletin", &query.in_bulletin_only}}) {
      std::optional<std::string_view> value = request.QueryParam(name);
      if (!value) continue;
      if (*value != "1" && *value != "true" && *value != "0" && *value != "false") {
        return HttpResponse::Error(
            Status::Invalid(std::string(name) + " 应为 1 或 0 (type)", std::string(name)));
      }
      *flag = *value == "1" || *value == "true";
    }
    if (std::optional<std::string_view> month = request.QueryParam("month")) {
      Result<MonthSpan> span = ParseChinaMonth(*month, "month");
      if (!span.ok()) return HttpResponse::Error(span.status());
      query.received_from = span->from_millis;
      query.received_to = span->to_millis;
    }
    Result<int> limit = LimitParam(request);
    if (!limit.ok()) return HttpResponse::Error(limit.status());
    query.limit = *limit;
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    Result<AppealPage> page = (*store)->ListAppeals(query);
    if (!page.ok()) return HttpResponse::Error(page.status());
    json items = json::array();
    for (const Appeal& a : page->items) items.push_back(AppealJson(a, config->appeals, query.now_millis));
    return HttpResponse::Json(
        200, {{"items", std::move(items)}, {"next", page->next.empty() ? json(nullptr) : json(page->next)}});
  }

  HttpResponse Get(HttpRequest& request, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    Result<Appeal> appeal = Visible(**store, request.PathParam("id"), caller);
    if (!appeal.ok()) return HttpResponse::Error(appeal.status());
    Result<std::vector<AppealStep>> steps = (*store)->AppealSteps(appeal->id);
    if (!steps.ok()) return HttpResponse::Error(steps.status());
    const std::int64_t now = deps_.clock.NowMillis();
    json body = AppealJson(*appeal, config->appeals, now);
    json history = json::array();
    std::vector<std::string> returned_by;
    for (const AppealStep& s : *steps) {
      history.push_back({{"seq", s.seq},
                         {"action", s.action},
                         {"action_label", s.action == "file" ? std::string_view("受理")
                                                             : Label(*ParseAppealAction(s.action))},
                         {"at", ChinaIsoTime(s.at_millis)},
                         {"actor", s.actor},
                         {"handler", s.handler},
                         {"note", s.note},
                         {"state", Token(s.state)}});
      if (s.action == "return") returned_by.push_back(s.handler);
    }
    body["steps"] = std::move(history);
    json actions = json::array();
    for (AppealAction action : AllowedActions(appeal->state)) {
      if (action == AppealAction::kSupervise && !IsOverdue(*appeal, now)) continue;
      if (MayTake(caller, *appeal, action)) actions.push_back(Token(action));
    }
    body["actions"] = std::move(actions);
    std::optional<AppealRoute> next = NextRoute(*appeal, config->appeals, returned_by);
    body["suggested_handler"] =
        next ? json{{"handler", next->handler}, {"kind", Token(next->kind)}} : json(nullptr);
    return HttpResponse::Json(200, body);
  }

  HttpResponse Act(HttpRequest& request, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    Result<json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    Result<AppealEvent> parsed = ParseEvent(*body);
    if (!parsed.ok()) return HttpResponse::Error(parsed.status());
    AppealEvent event = std::move(*parsed);
    const std::string id(request.PathParam("id"));
    Appeal before, after;
    Status written = deps_.writer.Write([&](Store& store) -> Status {
      LX_ASSIGN_OR_RETURN(before, Visible(store, id, caller));
      if (!MayTake(caller, before, event.action)) return Forbidden();
      event.at_millis = deps_.clock.NowMillis();
      if (event.action == AppealAction::kDispatch) {
        LX_ASSIGN_OR_RETURN(std::optional<HandlerKind> kind, store.KindOfHandler(event.handler));
        if (!kind) {
          return Status::Invalid("承办人或单位不存在: " + event.handler + " (unknown_handler)", "handler");
        }
        event.handler_kind = *kind;
      }
      // 退单 keeps who sent it back in its step, so the route passes it over.
      if (event.action == AppealAction::kReturn) event.handler = before.handler;
      LX_ASSIGN_OR_RETURN(after, ApplyAppealEvent(before, event, config->appeals, config->calendar));
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(caller.actor()));
      LX_RETURN_IF_ERROR(txn->RecordAppealStep(after, event, caller.actor()));
      return txn->Commit();
    });
    if (!written.ok()) return HttpResponse::Error(written);
    TellAfter(deps_.notifier, after, event.action, event.at_millis);
    return HttpResponse::Json(200, AppealJson(after, config->appeals, event.at_millis));
  }

  // The region a figures request is about (default: the caller's own
  // region) and its month (default: this month, in China).
  struct RegionMonth {
    std::string region, month;
    MonthSpan span;
  };
  Result<RegionMonth> RegionAndMonth(const HttpRequest& request, const Caller& caller) const {
    RegionMonth out;
    out.region = std::string(request.QueryParam("region").value_or(""));
    if (out.region.empty() && caller.scope().kind == ScopeKind::kRegion) out.region = caller.scope().code;
    if (!out.region.empty() && !RegionSubtreePrefix(out.region))
      return Status::Invalid("region 应为 6 位或 12 位区划代码 (region_format)", "region");
    const Date today = ChinaDateOf(deps_.clock.NowMillis());
    char this_month[16];
    std::snprintf(this_month, sizeof this_month, "%04d-%02d", today.year, today.month);
    out.month = std::string(request.QueryParam("month").value_or(this_month));
    LX_ASSIGN_OR_RETURN(out.span, ParseChinaMonth(out.month, "month"));
    return out;
  }

  // Every appeal received in the month under the region, within the scope.
  static Status ScanMonth(Store& store, const RegionMonth& at, const Scope& scope, std::vector<Appeal>& out) {
    AppealQuery query;
    query.scope = scope;
    query.region = at.region;
    query.received_from = at.span.from_millis;
    query.received_to = at.span.to_millis;
    return store.ScanAppeals(query, [&](const Appeal& a) {
      out.push_back(a);
      return Status::Ok();
    });
  }

  HttpResponse Rates(HttpRequest& request, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    Result<RegionMonth> at = RegionAndMonth(request, caller);
    if (!at.ok()) return HttpResponse::Error(at.status());
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    std::vector<Appeal> appeals;
    Status scanned = ScanMonth(**store, *at, caller.scope(), appeals);
    if (!scanned.ok()) return HttpResponse::Error(scanned);
    const AppealRules& rules = config->appeals;
    std::vector<const Appeal*> all;
    for (const Appeal& a : appeals) all.push_back(&a);
    auto groups = [&](const std::function<std::string(const Appeal&)>& key) {
      json list = json::array();
      for (const auto& [code, rates] : RatesBy(appeals, rules, key)) {
        json item = RatesJson(rates);
        item["code"] = code;
        list.push_back(std::move(item));
      }
      return list;
    };
    return HttpResponse::Json(
        200, {{"region", at->region.empty() ? json(nullptr) : json(at->region)},
              {"month", at->month},
              {"weights",
               {{"response", rules.response_weight},
                {"resolution", rules.resolution_weight},
                {"satisfaction", rules.satisfaction_weight}}},
              {"total", RatesJson(RatesOf(all, rules))},
              {"townships", groups([](const Appeal& a) { return TownshipOfCode(a.region_code); })},
              {"units", groups([](const Appeal& a) { return a.unit_code; })},
              {"cadres", groups([](const Appeal& a) { return a.cadre_code; })}});
  }

  // The dashboard of a region for a month: each area directly under it
  // (a county's townships, a township's villages) with its households and
  // coverage, the month's direct visits, its open and overdue appeals now,
  // and the month's three rates; and the region's total.
  HttpResponse Dashboard(HttpRequest& request, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    Result<RegionMonth> at = RegionAndMonth(request, caller);
    if (!at.ok()) return HttpResponse::Error(at.status());
    if (at->region.empty()) return HttpResponse::Error(Status::Invalid("请指定 region (required)", "region"));
    if (!ScopeContains(caller.scope(), at->region)) return HttpResponse::Error(OutOfScope());
    const std::int64_t now = deps_.clock.NowMillis();
    const Date from = ChinaDateOf(at->span.from_millis), to = ChinaDateOf(at->span.to_millis - 1);
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    Result<std::vector<AreaFigures>> areas = (*store)->FiguresUnder(at->region, from, to, now);
    if (!areas.ok()) return HttpResponse::Error(areas.status());
    std::vector<Appeal> appeals;
    Status scanned = ScanMonth(**store, *at, caller.scope(), appeals);
    if (!scanned.ok()) return HttpResponse::Error(scanned);
    // An appeal's area: its township under a county, its village below.
    const size_t area_digits = at->region.size() == 6 ? 9 : 12;
    const std::map<std::string, AppealRates> rates =
        RatesBy(appeals, config->appeals, [&](const Appeal& a) -> std::string {
          if (a.region_code.size() != 12) return "";
          return area_digits == 9 ? TownshipOfCode(a.region_code) : a.region_code;
        });
    std::vector<const Appeal*> all;
    for (const Appeal& a : appeals) all.push_back(&a);
    AreaFigures sum;
    json items = json::array();
    auto figures = [](const AreaFigures& f) {
      return json{
          {"households", f.households},
          {"covered", f.covered},
          {"coverage", f.households ? json(static_cast<double>(f.covered) / f.households) : json(nullptr)},
          {"direct_visits", f.direct_visits},
          {"visited_households", f.visited_households},
          {"visited_share",
           f.households ? json(static_cast<double>(f.visited_households) / f.households) : json(nullptr)},
          {"open_appeals", f.open_appeals},
          {"overdue_appeals", f.overdue_appeals}};
    };
    for (const AreaFigures& f : *areas) {
      json item = figures(f);
      item["code"] = f.code;
      item["name"] = f.name;
      auto r = rates.find(f.code);
      item["rates"] = RatesJson(r != rates.end() ? r->second : AppealRates{});
      items.push_back(std::move(item));
      sum.households += f.households;
      sum.covered += f.covered;
      sum.direct_visits += f.direct_visits;
      sum.visited_households += f.visited_households;
      sum.open_appeals += f.open_appeals;
      sum.overdue_appeals += f.overdue_appeals;
    }
    json total = figures(sum);
    total["rates"] = RatesJson(RatesOf(all, config->appeals));
    return HttpResponse::Json(200, {{"region", at->region},
                                    {"month", at->month},
                                    {"from", from.ToString()},
                                    {"to", to.ToString()},
                                    {"total", std::move(total)},
                                    {"areas", std::move(items)}});
  }

 private:
  static json RatesJson(const AppealRates& r) {
    auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
    return {{"dispatched", r.dispatched},
            {"responded", r.responded},
            {"rated", r.rated},
            {"solved", r.solved},
            {"satisfied", r.satisfied},
            {"response_rate", opt(r.response_rate)},
            {"resolution_rate", opt(r.resolution_rate)},
            {"satisfaction_rate", opt(r.satisfaction_rate)},
            {"score", opt(r.score)}};
  }

  // The appeal `id` if the caller's scope reaches it; else not found, alike.
  static Result<Appeal> Visible(Store& store, std::string_view id, const Caller& caller) {
    LX_ASSIGN_OR_RETURN(std::optional<Appeal> appeal, store.GetAppeal(id));
    if (!appeal || !Reaches(caller.scope(), *appeal)) return OutOfScope();
    return std::move(*appeal);
  }

  Result<Appeal> ParseFiling(const json& body, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    Appeal a;
    LX_ASSIGN_OR_RETURN(a.household_code, StringField(body, "household", false));
    LX_ASSIGN_OR_RETURN(a.region_code, StringField(body, "region", false));
    if (a.household_code.empty()) {
      if (a.region_code.empty())
        return Status::Invalid("请填写农户编号,或没有农户时填写所在地区 (required)", "household");
      std::optional<std::string> prefix = RegionSubtreePrefix(a.region_code);
      if (!prefix) return Status::Invalid("region 应为 6 位或 12 位区划代码 (region_format)", "region");
      a.region_code = prefix->size() == 6 ? *prefix : a.region_code;
    } else {
      a.region_code.clear();  // the household's village, looked up when filed
    }
    LX_RETURN_IF_ERROR(ParseAppealFields(body, config->appeals, "", /*content_required=*/true, a));
    const AppealChannel fallback =
        caller.scope().kind == ScopeKind::kCadre ? AppealChannel::kVisit : AppealChannel::kOperator;
    LX_ASSIGN_OR_RETURN(a.channel, EnumField<AppealChannel>(body, "channel", ParseAppealChannel,
                                                            "visit|reception|operator", fallback));
    if (a.channel == AppealChannel::kCard || a.channel == AppealChannel::kOpen311) {
      return Status::Invalid("card 与 open311 渠道的诉求由各自的接口提交 (channel_reserved)", "channel");
    }
    return a;
  }

  static Result<AppealEvent> ParseEvent(const json& body) {
    AppealEvent e;
    LX_ASSIGN_OR_RETURN(std::string action, StringField(body, "action"));
    std::optional<AppealAction> parsed = ParseAppealAction(action);
    if (!parsed) {
      return Status::Invalid(
          "action 应为 dispatch|return|sign|progress|extend|reply|close|rate|supervise(或中文名称),而不是 " +
              action + " (unknown_action)",
          "action");
    }
    e.action = *parsed;
    LX_ASSIGN_OR_RETURN(e.note, TextField(body, "note", false));
    LX_ASSIGN_OR_RETURN(e.handler, StringField(body, "handler", false));
    if (e.action == AppealAction::kExtend) {
      auto it = body.find("days");
      if (it == body.end() || !it->is_number_integer() || it->get<std::int64_t>() < 1 ||
          it->get<std::int64_t>() > 366) {
        return Status::Invalid("days 应为延期的天数,1 以上的整数 (days_invalid)", "days");
      }
      e.extend_days = it->get<int>();
    }
    if (e.action == AppealAction::kRate) {
      auto solved = body.find("solved");
      if (solved == body.end() || !solved->is_boolean())
        return Status::Invalid("solved 应为 true 或 false (required)", "solved");
      e.solved = solved->get<bool>();
      LX_ASSIGN_OR_RETURN(e.satisfaction,
                          EnumField<Satisfaction>(body, "satisfaction", ParseSatisfaction,
                                                  "satisfied|basically_satisfied|unsatisfied", std::nullopt));
    }
    return e;
  }

  AppealsApiDeps deps_;
};

}  // namespace

void AddAppealRoutes(ApiRouter& api, const AppealsApiDeps& deps) {
  auto appeals = std::make_shared<AppealsApi>(deps);
  api.Add("POST", "/api/v1/appeals",
          [appeals](HttpRequest& request, const Caller& caller) { return appeals->File(request, caller); });
  api.Add("GET", "/api/v1/appeals",
          [appeals](HttpRequest& request, const Caller& caller) { return appeals->List(request, caller); });
  api.Add("GET", "/api/v1/appeals/{id}",
          [appeals](HttpRequest& request, const Caller& caller) { return appeals->Get(request, caller); });
  api.Add("POST", "/api/v1/appeals/{id}/actions",
          [appeals](HttpRequest& request, const Caller& caller) { return appeals->Act(request, caller); });
  api.Add("GET", "/api/v1/rates",
          [appeals](HttpRequest& request, const Caller& caller) { return appeals->Rates(request, caller); });
  api.Add("GET", "/api/v1/dashboard", [appeals](HttpRequest& request, const Caller& caller) {
    return appeals->Dashboard(request, caller);
  });
}

Result<int> NotifyOverdueAppeals(GroupCommitWriter& writer, const Clock& clock, Notifier& notifier) {
  const std::int64_t now = clock.NowMillis();
  std::vector<Appeal> noticed;
  Status written = writer.Write([&](Store& store) -> Status {
    noticed.clear();
    AppealQuery query;
    query.unscoped = true;
    query.overdue_only = true;
    query.not_noticed_only = true;
    query.now_millis = now;
    query.limit = 1000;
    LX_ASSIGN_OR_RETURN(AppealPage page, store.ListAppeals(query));
    if (page.items.empty()) return Status::Ok();
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("system"));
    for (Appeal& a : page.items) {
      a.overdue_noticed = true;
      LX_RETURN_IF_ERROR(txn->UpdateAppeal(a));
      noticed.push_back(a);
    }
    return txn->Commit();
  });
  if (!written.ok()) return written;
  for (const Appeal& a : noticed) Tell(notifier, NoticeKind::kOverdue, a, a.handler, now);
  return static_cast<int>(noticed.size());
}

}  // namespace lianxin
