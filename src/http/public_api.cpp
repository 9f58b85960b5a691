#include "lianxin/public_api.hpp"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "http/rate_limit.hpp"
#include "lianxin/api.hpp"
#include "lianxin/cards.hpp"

namespace lianxin {

namespace {

using nlohmann::json;

// A surname is one or two characters (王, 欧阳); the whole name is accepted too.
constexpr size_t kMaxSurnameChars = 2;

size_t Utf8Chars(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

std::string_view Trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whether `typed` is the head's surname (the first one or two characters of
// the name) or the whole name. Compared without an early exit on the bytes.
bool SurnameMatches(std::string_view head_name, std::string_view typed) {
  typed = Trimmed(typed);
  if (typed.empty() || typed.size() > head_name.size()) return false;
  if (typed.size() != head_name.size() && Utf8Chars(typed) > kMaxSurnameChars) return false;
  return sodium_memcmp(head_name.data(), typed.data(), typed.size()) == 0;
}

// An appeal as its household sees it: what, when, where it stands, the
// answer; the steps with what was done and when, never by whom.
json PublicAppealJson(const Appeal& a, const std::vector<AppealStep>& steps, const AppealRules& rules,
                      std::int64_t now) {
  const AppealTopic* topic = rules.FindTopic(a.topic);
  json history = json::array();
  for (const AppealStep& s : steps) {
    std::optional<AppealAction> action = ParseAppealAction(s.action);
    json step = {{"action", s.action},
                 {"action_label", action ? Label(*action) : std::string_view("受理")},
                 {"at", ChinaIsoTime(s.at_millis)}};
    // The answer and the reasons are the household's to read; notes of
    // internal progress are not shown.
    if (s.action == "reply" || s.action == "return" || s.action == "extend") step["note"] = s.note;
    history.push_back(std::move(step));
  }
  return {{"id", a.id},
          {"type", Token(a.type)},
          {"type_label", Label(a.type)},
          {"topic", a.topic},
          {"topic_label", topic ? topic->label : a.topic},
          {"content", a.content},
          {"state", Token(a.state)},
          {"state_label", Label(a.state)},
          {"received_at", TimeOrNull(a.received_millis)},
          {"deadline", TimeOrNull(a.deadline_millis)},
          {"overdue", IsOverdue(a, now)},
          {"reply", a.reply},
          {"can_rate", a.state == AppealState::kClosed},
          {"solved", a.solved ? json(*a.solved) : json(nullptr)},
          {"satisfaction", a.satisfaction ? json(Token(*a.satisfaction)) : json(nullptr)},
          {"steps", std::move(history)}};
}

// Collects the one cadre or unit a Get names.
class OneRecord final : public RegistrySink {
 public:
  Status Add(const Region&) override { return Status::Ok(); }
  Status Add(const Unit& u) override {
    unit = u;
    return Status::Ok();
  }
  Status Add(const Org&) override { return Status::Ok(); }
  Status Add(const Cadre& c) override {
    cadre = c;
    return Status::Ok();
  }
  Status Add(const Household&) override { return Status::Ok(); }
  Status Add(const Member&) override { return Status::Ok(); }
  std::optional<Cadre> cadre;
  std::optional<Unit> unit;
};

class PublicApi {
 public:
  explicit PublicApi(const AppealsApiDeps& deps) : deps_(deps) {}

  HttpResponse Topics() {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    json items = json::array();
    for (const AppealTopic& t : config->appeals.topics)
      items.push_back({{"code", t.code}, {"label", t.label}});
    return HttpResponse::Json(200, {{"items", std::move(items)}});
  }

  HttpResponse Card(HttpRequest& request, const Caller& caller) {
    json body;
    Result<CardRecord> card = Admit(request, caller, &body);
    if (!card.ok()) return Refusal(card.status());
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    json out = {{"household", {{"code", card->household_code}, {"head_name", card->head_name}}}};
    const int year = ChinaDateOf(deps_.clock.NowMillis()).year;
    Result<std::map<std::string, Satisfaction>> ratings =
        (*store)->RatingsByHousehold(card->household_code, year);
    if (!ratings.ok()) return HttpResponse::Error(ratings.status());
    for (auto [name, code] :
         {std::pair{"contact", card->contact_cadre}, std::pair{"assistance", card->assistance_cadre}}) {
      out[name] = nullptr;
      if (code.empty()) continue;
      OneRecord cadre;
      Status got = (*store)->Get(RecordKind::kCadres, code, cadre);
      if (!got.ok() || !cadre.cadre) continue;
      auto rated = ratings->find(code);
      json who = {{"name", cadre.cadre->name},
                  {"title", cadre.cadre->title},
                  {"unit", nullptr},
                  {"phone", cadre.cadre->phone.Reveal()},
                  {"rating", rated == ratings->end() ? json(nullptr) : json(Token(rated->second))}};
      if (!cadre.cadre->unit_code.empty()) {
        OneRecord unit;
        if ((*store)->Get(RecordKind::kUnits, cadre.cadre->unit_code, unit).ok() && unit.unit)
          who["unit"] = unit.unit->name;
      }
      out[name] = std::move(who);
    }
    // The visits made to the household lately, for it to confirm.
    Result<std::vector<Visit>> visits = (*store)->VisitsOfHousehold(card->household_code, 10);
    if (!visits.ok()) return HttpResponse::Error(visits.status());
    json recent = json::array();
    for (const Visit& v : *visits) {
      json by = v.cadre_code == card->contact_cadre && out["contact"].is_object() ? out["contact"]["name"]
                : v.cadre_code == card->assistance_cadre && out["assistance"].is_object()
                    ? out["assistance"]["name"]
                    : json(nullptr);
      recent.push_back({{"id", v.id},
                        {"date", v.date.ToString()},
                        {"kind", Token(v.kind)},
                        {"kind_label", Label(v.kind)},
                        {"by", std::move(by)},
                        {"confirmed", v.confirmed}});
    }
    out["recent_visits"] = std::move(recent);
    return HttpResponse::Json(200, out);
  }

  HttpResponse File(HttpRequest& request, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    json body;
    Result<CardRecord> card = Admit(request, caller, &body);
    if (!card.ok()) return Refusal(card.status());
    Appeal appeal;
    appeal.household_code = card->household_code;
    appeal.channel = AppealChannel::kCard;
    Status parsed = ParseAppealFields(body, config->appeals, "", /*content_required=*/true, appeal);
    if (!parsed.ok()) return HttpResponse::Error(parsed);
    const std::int64_t now = deps_.clock.NowMillis();
    Appeal filed;
    Status written = deps_.writer.Write([&](Store& store) -> Status {
      LX_ASSIGN_OR_RETURN(filed, FileAndRoute(store, appeal, Actor(*card), true, *config, now));
      return Status::Ok();
    });
    if (!written.ok()) return HttpResponse::Error(written);
    TellFiled(deps_.notifier, filed, now);
    return HttpResponse::Json(201, PublicAppealJson(filed, {}, config->appeals, now));
  }

  HttpResponse List(HttpRequest& request, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    json body;
    Result<CardRecord> card = Admit(request, caller, &body);
    if (!card.ok()) return Refusal(card.status());
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    AppealQuery query;
    query.unscoped = true;  // the card is the scope: its household's appeals
    query.household = card->household_code;
    query.limit = 100;
    Result<AppealPage> page = (*store)->ListAppeals(query);
    if (!page.ok()) return HttpResponse::Error(page.status());
    const std::int64_t now = deps_.clock.NowMillis();
    json items = json::array();
    for (const Appeal& a : page->items) {
      Result<std::vector<AppealStep>> steps = (*store)->AppealSteps(a.id);
      if (!steps.ok()) return HttpResponse::Error(steps.status());
      items.push_back(PublicAppealJson(a, *steps, config->appeals, now));
    }
    return HttpResponse::Json(200, {{"items", std::move(items)}});
  }

  // The household says a logged visit took place (民情日记's confirmation).
  HttpResponse ConfirmVisit(HttpRequest& request, const Caller& caller) {
    json body;
    Result<CardRecord> card = Admit(request, caller, &body);
    if (!card.ok()) return Refusal(card.status());
    const std::string id(request.PathParam("id"));
    Status written = deps_.writer.Write([&](Store& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(Actor(*card)));
      LX_RETURN_IF_ERROR(txn->ConfirmVisit(id, card->household_code));
      return txn->Commit();
    });
    if (!written.ok()) return HttpResponse::Error(written);
    return HttpResponse::Json(200, {{"id", id}, {"confirmed", true}});
  }

  // 民主评议: the household rates its contact or assistance cadre for this
  // year; a later rating the same year takes the earlier one's place.
  HttpResponse RateCadre(HttpRequest& request, const Caller& caller) {
    json body;
    Result<CardRecord> card = Admit(request, caller, &body);
    if (!card.ok()) return Refusal(card.status());
    Result<std::string> whom = StringField(body, "whom");
    if (!whom.ok()) return HttpResponse::Error(whom.status());
    const std::string cadre = *whom == "contact"      ? card->contact_cadre
                              : *whom == "assistance" ? card->assistance_cadre
                                                      : "";
    if (*whom != "contact" && *whom != "assistance")
      return HttpResponse::Error(
          Status::Invalid("whom 应为 contact(联系干部)或 assistance(包扶干部) (enum)", "whom"));
    if (cadre.empty()) return HttpResponse::Error(Status::NotFound("本户没有这位干部 (not_paired)"));
    Result<std::string> satisfaction = StringField(body, "satisfaction");
    if (!satisfaction.ok()) return HttpResponse::Error(satisfaction.status());
    std::optional<Satisfaction> s = ParseSatisfaction(*satisfaction);
    if (!s) {
      return HttpResponse::Error(Status::Invalid(
          "satisfaction 应为 satisfied|basically_satisfied|unsatisfied(满意|基本满意|不满意) (unknown_value)",
          "satisfaction"));
    }
    const int year = ChinaDateOf(deps_.clock.NowMillis()).year;
    Status written = deps_.writer.Write([&](Store& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(Actor(*card)));
      LX_RETURN_IF_ERROR(txn->RateCadre(card->household_code, cadre, year, *s));
      return txn->Commit();
    });
    if (!written.ok()) return HttpResponse::Error(written);
    return HttpResponse::Json(200, {{"whom", *whom}, {"year", year}, {"rating", Token(*s)}});
  }

  HttpResponse Rate(HttpRequest& request, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    json body;
    Result<CardRecord> card = Admit(request, caller, &body);
    if (!card.ok()) return Refusal(card.status());
    AppealEvent event;
    event.action = AppealAction::kRate;
    auto solved = body.find("solved");
    if (solved == body.end() || !solved->is_boolean())
      return HttpResponse::Error(Status::Invalid("solved 应为 true 或 false (required)", "solved"));
    event.solved = solved->get<bool>();
    Result<std::string> satisfaction = StringField(body, "satisfaction");
    if (!satisfaction.ok()) return HttpResponse::Error(satisfaction.status());
    std::optional<Satisfaction> s = ParseSatisfaction(*satisfaction);
    if (!s) {
      return HttpResponse::Error(Status::Invalid(
          "satisfaction 应为 satisfied|basically_satisfied|unsatisfied(满意|基本满意|不满意) (unknown_value)",
          "satisfaction"));
    }
    event.satisfaction = *s;
    Result<std::string> note = StringField(body, "note", false);
    if (!note.ok()) return HttpResponse::Error(note.status());
    if (note->size() > kMaxNoteBytes)
      return HttpResponse::Error(Status::Invalid("字段 note 过长 (too_long)", "note"));
    event.note = *note;
    const std::string id(request.PathParam("id"));
    Appeal after;
    Status written = deps_.writer.Write([&](Store& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::optional<Appeal> before, store.GetAppeal(id));
      // Another household's appeal is answered as one that does not exist.
      if (!before || before->household_code != card->household_code)
        return Status::NotFound("诉求不存在 (not_found)");
      event.at_millis = deps_.clock.NowMillis();
      LX_ASSIGN_OR_RETURN(after, ApplyAppealEvent(*before, event, config->appeals, config->calendar));
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(Actor(*card)));
      LX_RETURN_IF_ERROR(txn->RecordAppealStep(after, event, Actor(*card)));
      return txn->Commit();
    });
    if (!written.ok()) return HttpResponse::Error(written);
    return HttpResponse::Json(200, PublicAppealJson(after, {}, config->appeals, event.at_millis));
  }

 private:
  static std::string Actor(const CardRecord& card) { return "household:" + card.household_code; }

  static HttpResponse Refusal(const Status& status) {
    if (status.code() == Code::kUnavailable) {
      HttpResponse r = HttpResponse::ErrorWithCode(429, "rate_limited", "请求过于频繁,请一分钟后再试");
      r.headers.Set("Retry-After", "60");
      return r;
    }
    if (status.code() == Code::kNotFound) {
      return HttpResponse::ErrorWithCode(404, "card_not_found", "连心卡号或户主姓氏不对,请核对后再试");
    }
    return HttpResponse::Error(status);
  }

  // The card the body's code and surname name, once the address and the
  // code are within their limits. Every refusal of the card itself is
  // kNotFound, after the same look-up.
  Result<CardRecord> Admit(HttpRequest& request, const Caller& caller, json* body) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    const std::int64_t now = deps_.clock.NowMillis();
    const ServerConfig& limits = config->server;
    if (!per_address_.Admit(caller.remote(), limits.public_per_address_per_minute, now))
      return Status(Code::kUnavailable, "rate_limited");
    LX_ASSIGN_OR_RETURN(*body, JsonObjectBody(request));
    LX_ASSIGN_OR_RETURN(std::string typed, StringField(*body, "code"));
    LX_ASSIGN_OR_RETURN(std::string surname, StringField(*body, "surname"));
    std::optional<std::string> code = NormalizeCardCode(typed);
    // A malformed code is looked up too (as a code no card has), so its
    // answer costs what a wrong one does.
    const std::string lookup = code.value_or(std::string(kCardCodeChars, '0'));
    if (!per_code_.Admit(lookup, limits.public_per_code_per_minute, now))
      return Status(Code::kUnavailable, "rate_limited");
    LX_ASSIGN_OR_RETURN(StorePool::Lease store, deps_.reads.Acquire());
    LX_ASSIGN_OR_RETURN(std::optional<CardRecord> card, store->FindCard(lookup));
    bool valid = code.has_value() && card.has_value();
    valid = SurnameMatches(card ? card->head_name : std::string(" "), surname) && valid;
    valid = valid && card->revoked_millis == 0 && now < card->expires_millis;
    if (!valid) return Status::NotFound("card_not_found");
    return std::move(*card);
  }

  AppealsApiDeps deps_;
  WindowLimiter per_address_, per_code_;
};

}  // namespace

void AddPublicRoutes(ApiRouter& api, const AppealsApiDeps& deps) {
  auto routes = std::make_shared<PublicApi>(deps);
  api.Add("GET", "/api/v1/public/topics", [routes](HttpRequest&, const Caller&) { return routes->Topics(); });
  api.Add("POST", "/api/v1/public/ratings", [routes](HttpRequest& request, const Caller& caller) {
    return routes->RateCadre(request, caller);
  });
  api.Add("POST", "/api/v1/public/card",
          [routes](HttpRequest& request, const Caller& caller) { return routes->Card(request, caller); });
  api.Add("POST", "/api/v1/public/appeals",
          [routes](HttpRequest& request, const Caller& caller) { return routes->File(request, caller); });
  api.Add("POST", "/api/v1/public/appeals/list",
          [routes](HttpRequest& request, const Caller& caller) { return routes->List(request, caller); });
  api.Add("POST", "/api/v1/public/visits/{id}/confirm", [routes](HttpRequest& request, const Caller& caller) {
    return routes->ConfirmVisit(request, caller);
  });
  api.Add("POST", "/api/v1/public/appeals/{id}/rate",
          [routes](HttpRequest& request, const Caller& caller) { return routes->Rate(request, caller); });
}

}  // namespace lianxin
