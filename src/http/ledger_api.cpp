#include "lianxin/ledger_api.hpp"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "lianxin/api.hpp"
#include "lianxin/ledger.hpp"
#include "lianxin/registry.hpp"
#include "lianxin/yearend.hpp"
#include "oversight/report_text.hpp"

namespace lianxin {

namespace {

using nlohmann::json;

// ── Entries as the API shows them ─────────────────────────────────────

json EntryJson(const LedgerEntry& e) {
  return {{"id", e.id},
          {"region", e.region_code},
          {"unit", e.unit_code},
          {"date", e.date.ToString()},
          {"corrects", e.corrects},
          {"superseded", e.superseded},
          {"recorded_by", e.recorded_by},
          {"recorded_at", TimeOrNull(e.recorded_millis)}};
}

json MeetingJson(const Meeting& m) {
  json out = EntryJson(m);
  out.update({{"title", m.title},
              {"minutes", m.minutes},
              {"attendees", m.attendees},
              {"cost_yuan", YuanText(m.cost_fen)},
              {"approved_by", m.approved_by},
              {"exempt", m.exempt},
              {"exempt_reason", m.exempt_reason}});
  return out;
}

json ReceptionJson(const ReceptionReport& r) {
  json out = EntryJson(r), breaches = json::array();
  for (const LedgerBreach& b : r.breaches)
    breaches.push_back({{"item", b.item}, {"what", b.what}, {"rule", b.rule}});
  out.update({{"visitors", r.visitors},
              {"purpose", r.purpose},
              {"reported_to", r.reported_to},
              {"companions", r.companions},
              {"meal_people", r.meal_people},
              {"meal_yuan", YuanText(r.meal_fen)},
              {"banquet", r.banquet},
              {"banners", r.banners},
              {"welcome_crowds", r.welcome_crowds},
              {"carpets", r.carpets},
              {"flowers", r.flowers},
              {"breaches", std::move(breaches)}});
  return out;
}

json ExpenseJson(const Expense& x) {
  json out = EntryJson(x);
  out.update({{"line", Token(x.line)},
              {"line_label", Label(x.line)},
              {"item", x.item},
              {"amount_yuan", YuanText(x.amount_fen)},
              {"meeting", x.meeting_id},
              {"reception", x.reception_id}});
  return out;
}

// ── Fields ────────────────────────────────────────────────────────────

// A sum of money in yuan, as a number or a string ("1234.5"), to fen: at
// most two decimals, not negative, below a hundred million yuan.
Result<std::int64_t> YuanField(const json& body, const char* name) {
  auto it = body.find(name);
  const Status wrong =
      Status::Invalid(std::string(name) + " 应为金额(元,最多两位小数,不为负) (amount)", name);
  if (it == body.end() || it->is_null()) return Status::Invalid(std::string(name) + " 必填 (required)", name);
  double yuan = 0;
  if (it->is_number()) {
    yuan = it->get<double>();
  } else if (it->is_string()) {
    const std::string& text = it->get_ref<const std::string&>();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), yuan);
    if (ec != std::errc() || end != text.data() + text.size()) return wrong;
  } else {
    return wrong;
  }
  const double fen = yuan * 100;
  if (!std::isfinite(fen) || fen < 0 || fen >= 1e10 || std::fabs(fen - std::round(fen)) > 1e-6) return wrong;
  return static_cast<std::int64_t>(std::llround(fen));
}

Result<int> CountField(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end()) return Status::Invalid(std::string(name) + " 必填 (required)", name);
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > 1000000)
    return Status::Invalid(std::string(name) + " 应为不小于 0 的整数 (type)", name);
  return it->get<int>();
}

Result<bool> FlagField(const json& body, const char* name, bool fallback) {
  auto it = body.find(name);
  if (it == body.end()) return fallback;
  if (!it->is_boolean()) return Status::Invalid(std::string(name) + " 应为 true 或 false (type)", name);
  return it->get<bool>();
}

Result<Date> DateField(const json& body, const char* name) {
  LX_ASSIGN_OR_RETURN(std::string text, StringField(body, name));
  Result<Date> date = ParseDate(text);
  if (!date.ok()) return Status::Invalid(std::string(name) + " 应为 YYYY-MM-DD (date)", name);
  return *date;
}

// ── Who an entry belongs to ───────────────────────────────────────────

// The county the caller works in: its region scope's, or its unit's.
Result<std::string> CountyOf(Store& store, const Caller& caller) {
  const Scope& scope = caller.scope();
  if (scope.kind == ScopeKind::kRegion) return scope.code.substr(0, 6);
  if (scope.kind == ScopeKind::kUnit) {
    LX_ASSIGN_OR_RETURN(Unit unit, oversight_internal::GetUnit(store, scope.code));
    return unit.county_code;
  }
  return OutOfScope();
}

// Fills in an entry's region and unit from the body and the caller's
// scope: a unit's head writes for its unit; a region's admin for its
// region, or a unit of its county; anything else is out of scope.
Status OwnerOf(const json& body, const Caller& caller, LedgerEntry& entry) {
  LX_ASSIGN_OR_RETURN(entry.region_code, StringField(body, "region", false));
  LX_ASSIGN_OR_RETURN(entry.unit_code, StringField(body, "unit", false));
  LX_ASSIGN_OR_RETURN(entry.corrects, StringField(body, "corrects", false));
  const Scope& scope = caller.scope();
  if (scope.kind == ScopeKind::kUnit) {
    if (entry.unit_code.empty()) entry.unit_code = scope.code;
    if (entry.unit_code != scope.code) return OutOfScope();
    return Status::Ok();  // its county comes with the unit
  }
  if (scope.kind != ScopeKind::kRegion) return OutOfScope();
  if (entry.region_code.empty())
    entry.region_code = entry.unit_code.empty() ? scope.code : scope.code.substr(0, 6);
  if (!ScopeContains(scope, entry.region_code)) return OutOfScope();
  return Status::Ok();
}

// What a list or a report reads: a unit's head its unit, others a region
// in their scope (theirs by default).
Result<LedgerQuery> QueryOf(const HttpRequest& request, const Caller& caller) {
  LedgerQuery query;
  const Scope& scope = caller.scope();
  query.unit = request.QueryParam("unit").value_or("");
  query.region = request.QueryParam("region").value_or("");
  if (scope.kind == ScopeKind::kUnit) {
    if (!query.region.empty() || (!query.unit.empty() && query.unit != scope.code)) return OutOfScope();
    query.unit = scope.code;
  } else if (scope.kind == ScopeKind::kRegion) {
    if (query.region.empty()) query.region = scope.code;
    if (!RegionSubtreePrefix(query.region))
      return Status::Invalid("region 应为 6 位或 12 位区划代码 (region_format)", "region");
    if (!ScopeContains(scope, query.region)) return OutOfScope();
  } else {
    return OutOfScope();
  }
  return query;
}

Result<int> YearParam(const HttpRequest& request, std::int64_t now) {
  std::optional<std::string_view> text = request.QueryParam("year");
  if (!text) return ChinaDateOf(now).year;
  int year = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), year);
  if (ec != std::errc() || end != text->data() + text->size() || year < 2000 || year > 2100)
    return Status::Invalid("year 应为 2000 到 2100 之间的年份 (year)", "year");
  return year;
}

class LedgerRoutes {
 public:
  explicit LedgerRoutes(const AppealsApiDeps& deps) : deps_(deps) {}

  HttpResponse Calendar(HttpRequest&, const Caller& caller) {
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    Result<json> answer = CalendarJson(**store, caller);
    if (!answer.ok()) return HttpResponse::Error(answer.status());
    return HttpResponse::Json(200, *answer);
  }

  HttpResponse SetCalendar(HttpRequest& request, const Caller& caller) {
    Result<json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    Result<std::string> month = StringField(*body, "month");
    if (!month.ok()) return HttpResponse::Error(month.status());
    Result<bool> no_meeting = FlagField(*body, "no_meeting", true);
    if (!no_meeting.ok()) return HttpResponse::Error(no_meeting.status());
    Result<std::string> note = TextField(*body, "note", false);
    if (!note.ok()) return HttpResponse::Error(note.status());
    // The county's calendar: for an admin of the whole county only.
    std::optional<std::string> county;
    if (caller.scope().kind == ScopeKind::kRegion) county = RegionSubtreePrefix(caller.scope().code);
    if (!county || county->size() != 6) return HttpResponse::Error(OutOfScope());
    json answer;
    Status written = deps_.writer.Write([&](Store& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(caller.actor()));
      LX_RETURN_IF_ERROR(txn->SetNoMeetingMonth(*county, *month, *no_meeting, *note));
      LX_RETURN_IF_ERROR(txn->Commit());
      LX_ASSIGN_OR_RETURN(answer, CalendarJson(store, caller));
      return Status::Ok();
    });
    if (!written.ok()) return HttpResponse::Error(written);
    return HttpResponse::Json(200, answer);
  }

  HttpResponse List(HttpRequest& request, const Caller& caller) {
    Result<LedgerQuery> query = QueryOf(request, caller);
    if (!query.ok()) return HttpResponse::Error(query.status());
    const int year = ChinaDateOf(deps_.clock.NowMillis()).year;
    query->from = {year, 1, 1};
    query->to = {year, 12, 31};
    for (auto [name, date] : {std::pair{"from", &query->from}, std::pair{"to", &query->to}}) {
      std::optional<std::string_view> text = request.QueryParam(name);
      if (!text) continue;
      Result<Date> parsed = ParseDate(*text);
      if (!parsed.ok())
        return HttpResponse::Error(Status::Invalid(std::string(name) + " 应为 YYYY-MM-DD (date)", name));
      *date = *parsed;
    }
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    Result<LedgerBook> book = (*store)->ReadLedger(*query);
    if (!book.ok()) return HttpResponse::Error(book.status());
    json meetings = json::array(), receptions = json::array(), expenses = json::array();
    for (const Meeting& m : book->meetings) meetings.push_back(MeetingJson(m));
    for (const ReceptionReport& r : book->receptions) receptions.push_back(ReceptionJson(r));
    for (const Expense& x : book->expenses) expenses.push_back(ExpenseJson(x));
    return HttpResponse::Json(200, {{"meetings", std::move(meetings)},
                                    {"receptions", std::move(receptions)},
                                    {"expenses", std::move(expenses)}});
  }

  HttpResponse AddMeeting(HttpRequest& request, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    Result<json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    Meeting m;
    Status parsed = [&]() -> Status {
      LX_RETURN_IF_ERROR(OwnerOf(*body, caller, m));
      LX_ASSIGN_OR_RETURN(m.date, DateField(*body, "date"));
      LX_ASSIGN_OR_RETURN(m.title, TextField(*body, "title", true));
      LX_ASSIGN_OR_RETURN(m.minutes, CountField(*body, "minutes"));
      LX_ASSIGN_OR_RETURN(m.attendees, CountField(*body, "attendees"));
      LX_ASSIGN_OR_RETURN(m.cost_fen, YuanField(*body, "cost_yuan"));
      LX_ASSIGN_OR_RETURN(m.approved_by, TextField(*body, "approved_by", true));
      LX_ASSIGN_OR_RETURN(m.exempt, FlagField(*body, "exempt", false));
      LX_ASSIGN_OR_RETURN(m.exempt_reason, TextField(*body, "exempt_reason", false));
      if (m.exempt && !caller.HasRole(Role::kCountyAdmin))
        return Status(Code::kPermissionDenied, "无会月例外须由县级管理员批准 (exempt_forbidden)");
      return Status::Ok();
    }();
    if (!parsed.ok()) return HttpResponse::Error(parsed);
    return Add(
        caller, [&](WriteTxn& txn) { return txn.AddMeeting(m, config->ledger); },
        [](const LedgerBook& book, const std::string& id) -> json {
          for (const Meeting& x : book.meetings)
            if (x.id == id) return MeetingJson(x);
          return nullptr;
        },
        m.date);
  }

  HttpResponse AddReception(HttpRequest& request, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    Result<json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    ReceptionReport r;
    Status parsed = [&]() -> Status {
      LX_RETURN_IF_ERROR(OwnerOf(*body, caller, r));
      LX_ASSIGN_OR_RETURN(r.date, DateField(*body, "date"));
      LX_ASSIGN_OR_RETURN(r.visitors, TextField(*body, "visitors", true));
      LX_ASSIGN_OR_RETURN(r.purpose, TextField(*body, "purpose", false));
      LX_ASSIGN_OR_RETURN(r.reported_to, TextField(*body, "reported_to", true));
      LX_ASSIGN_OR_RETURN(r.companions, CountField(*body, "companions"));
      LX_ASSIGN_OR_RETURN(r.meal_people, CountField(*body, "meal_people"));
      LX_ASSIGN_OR_RETURN(r.meal_fen, YuanField(*body, "meal_yuan"));
      for (auto [name, flag] : {std::pair{"banquet", &r.banquet}, std::pair{"banners", &r.banners},
                                std::pair{"welcome_crowds", &r.welcome_crowds},
                                std::pair{"carpets", &r.carpets}, std::pair{"flowers", &r.flowers}}) {
        // Each item is answered, never left to a default: the report is the inspector's checklist.
        if (!body->contains(name))
          return Status::Invalid(std::string(name) + " 必填:true 或 false (required)", name);
        LX_ASSIGN_OR_RETURN(*flag, FlagField(*body, name, false));
      }
      return Status::Ok();
    }();
    if (!parsed.ok()) return HttpResponse::Error(parsed);
    return Add(
        caller, [&](WriteTxn& txn) { return txn.AddReception(r, config->ledger); },
        [](const LedgerBook& book, const std::string& id) -> json {
          for (const ReceptionReport& x : book.receptions)
            if (x.id == id) return ReceptionJson(x);
          return nullptr;
        },
        r.date);
  }

  HttpResponse AddExpense(HttpRequest& request, const Caller& caller) {
    Result<json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    Expense x;
    Status parsed = [&]() -> Status {
      LX_RETURN_IF_ERROR(OwnerOf(*body, caller, x));
      LX_ASSIGN_OR_RETURN(x.date, DateField(*body, "date"));
      LX_ASSIGN_OR_RETURN(std::string line, StringField(*body, "line"));
      std::optional<BudgetLine> parsed_line = ParseBudgetLine(line);
      if (!parsed_line) {
        return Status::Invalid(
            "line 应为 meeting、reception、vehicle、travel、training、overseas 或 other (enum)", "line");
      }
      x.line = *parsed_line;
      LX_ASSIGN_OR_RETURN(x.item, TextField(*body, "item", true));
      LX_ASSIGN_OR_RETURN(x.amount_fen, YuanField(*body, "amount_yuan"));
      LX_ASSIGN_OR_RETURN(x.meeting_id, StringField(*body, "meeting", false));
      LX_ASSIGN_OR_RETURN(x.reception_id, StringField(*body, "reception", false));
      return Status::Ok();
    }();
    if (!parsed.ok()) return HttpResponse::Error(parsed);
    return Add(
        caller, [&](WriteTxn& txn) { return txn.AddExpense(x); },
        [](const LedgerBook& book, const std::string& id) -> json {
          for (const Expense& e : book.expenses)
            if (e.id == id) return ExpenseJson(e);
          return nullptr;
        },
        x.date);
  }

  HttpResponse YearEnd(HttpRequest& request, const Caller& caller, bool audit) {
    Result<LedgerQuery> query = QueryOf(request, caller);
    if (!query.ok()) return HttpResponse::Error(query.status());
    Result<int> year = YearParam(request, deps_.clock.NowMillis());
    if (!year.ok()) return HttpResponse::Error(year.status());
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    Result<YearEndFigures> figures = CountYearEnd(**store, query->region, *year);
    if (!figures.ok()) return HttpResponse::Error(figures.status());
    const YearEndFigures& f = *figures;
    const std::string format(request.QueryParam("format").value_or(audit ? "xlsx" : "json"));
    if (audit) {
      return ReportResponse(
          YearEndJson(f), [&] { return LedgerAuditDocument(f); },
          [&](const std::string& path) { return WriteLedgerAudit(f, path); }, format, request.id,
          f.region_name + std::to_string(f.year) + "年台账");
    }
    return ReportResponse(
        YearEndJson(f), [&] { return YearEndDocument(f); },
        [&](const std::string& path) { return WriteYearEnd(f, path); }, format, request.id, f.title);
  }

 private:
  Result<json> CalendarJson(Store& store, const Caller& caller) {
    LX_ASSIGN_OR_RETURN(std::string county, CountyOf(store, caller));
    LX_ASSIGN_OR_RETURN(std::vector<NoMeetingMonth> months, store.NoMeetingMonths(county));
    json items = json::array();
    for (const NoMeetingMonth& m : months) {
      if (m.county_code != county) continue;  // "1499011" would also start with "149901" were it a county
      items.push_back(
          {{"month", m.month}, {"note", m.note}, {"set_by", m.set_by}, {"set_at", TimeOrNull(m.set_millis)}});
    }
    return json{{"county", county}, {"items", std::move(items)}};
  }

  // Keeps an entry in one transaction and answers 201 with it as stored.
  HttpResponse Add(const Caller& caller, const std::function<Result<std::string>(WriteTxn&)>& add,
                   const std::function<json(const LedgerBook&, const std::string&)>& find, const Date& date) {
    json answer;
    Status written = deps_.writer.Write([&](Store& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(caller.actor()));
      LX_ASSIGN_OR_RETURN(std::string id, add(*txn));
      LX_RETURN_IF_ERROR(txn->Commit());
      LX_ASSIGN_OR_RETURN(LedgerBook book, store.ReadLedger({"", "", date, date}));
      answer = find(book, id);
      return Status::Ok();
    });
    if (!written.ok()) return HttpResponse::Error(written);
    return HttpResponse::Json(201, answer);
  }

  AppealsApiDeps deps_;
};

}  // namespace

void AddLedgerRoutes(ApiRouter& api, const AppealsApiDeps& deps) {
  auto routes = std::make_shared<LedgerRoutes>(deps);
  api.Add("GET", "/api/v1/ledger/calendar",
          [routes](HttpRequest& request, const Caller& caller) { return routes->Calendar(request, caller); });
  api.Add("POST", "/api/v1/ledger/calendar", [routes](HttpRequest& request, const Caller& caller) {
    return routes->SetCalendar(request, caller);
  });
  api.Add("GET", "/api/v1/ledger",
          [routes](HttpRequest& request, const Caller& caller) { return routes->List(request, caller); });
  api.Add("POST", "/api/v1/ledger/meetings", [routes](HttpRequest& request, const Caller& caller) {
    return routes->AddMeeting(request, caller);
  });
  api.Add("POST", "/api/v1/ledger/receptions", [routes](HttpRequest& request, const Caller& caller) {
    return routes->AddReception(request, caller);
  });
  api.Add("POST", "/api/v1/ledger/expenses", [routes](HttpRequest& request, const Caller& caller) {
    return routes->AddExpense(request, caller);
  });
  api.Add("GET", "/api/v1/ledger/yearend", [routes](HttpRequest& request, const Caller& caller) {
    return routes->YearEnd(request, caller, false);
  });
  api.Add("GET", "/api/v1/ledger/audit", [routes](HttpRequest& request, const Caller& caller) {
    return routes->YearEnd(request, caller, true);
  });
}

}  // namespace lianxin
