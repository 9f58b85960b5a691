#include "lianxin/inspection_api.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "lianxin/api.hpp"
#include "lianxin/inspect.hpp"
#include "lianxin/registry.hpp"
#include "lianxin/validate.hpp"

namespace lianxin {

namespace {

using nlohmann::json;

// Callback checks (回访核验) as the API shows them.
json CallbackJson(const Callback& c) {
  return {{"visit", c.visit_id},
          {"month", c.month},
          {"seed", c.seed},
          {"cadre", c.cadre_code},
          {"cadre_name", c.cadre_name},
          {"household", c.household_code},
          {"head_name", c.head_name},
          {"visited_on", c.visited_on},
          {"kind", c.kind},
          {"outcome", Token(c.outcome)},
          {"outcome_label", Label(c.outcome)},
          {"note", c.note},
          {"checked_by", c.checked_by},
          {"checked_at", TimeOrNull(c.checked_millis)}};
}

json CallbacksJson(const std::vector<Callback>& callbacks) {
  json items = json::array(), cadres = json::array();
  for (const Callback& c : callbacks) items.push_back(CallbackJson(c));
  for (const auto& [code, r] : CallbackRatesByCadre(callbacks)) {
    cadres.push_back({{"cadre", code},
                      {"drawn", r.drawn},
                      {"confirmed", r.confirmed},
                      {"denied", r.denied},
                      {"unreachable", r.unreachable},
                      {"pending", r.pending},
                      {"denial_rate", r.denial_rate ? json(*r.denial_rate) : json(nullptr)}});
  }
  return {{"items", std::move(items)}, {"cadres", std::move(cadres)}};
}

// The caller's region: its scope's, narrowed by `region` when given.
Result<std::string> RegionOf(const HttpRequest& request, const Caller& caller) {
  std::string region(request.QueryParam("region").value_or(""));
  if (region.empty() && caller.scope().kind == ScopeKind::kRegion) region = caller.scope().code;
  if (region.empty()) return Status::Invalid("请指定 region (required)", "region");
  if (!ScopeContains(caller.scope(), region)) return OutOfScope();
  return region;
}

class InspectionRoutes {
 public:
  explicit InspectionRoutes(const AppealsApiDeps& deps) : deps_(deps) {}

  HttpResponse Open(HttpRequest& request, const Caller& caller) {
    Result<json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    Inspection params;
    for (auto [name, field] : {std::pair{"region", &params.region_code}, std::pair{"month", &params.month},
                               std::pair{"seed", &params.seed}}) {
      Result<std::string> value = StringField(*body, name);
      if (!value.ok()) return HttpResponse::Error(value.status());
      *field = *value;
    }
    for (auto [name, field] : {std::pair{"villages", &params.villages_per_township},
                               std::pair{"households", &params.households_per_village}}) {
      auto it = body->find(name);
      if (it == body->end()) continue;
      if (!it->is_number_integer())
        return HttpResponse::Error(Status::Invalid(std::string(name) + " 应为整数 (type)", name));
      *field = it->get<int>();
    }
    if (!ScopeContains(caller.scope(), params.region_code)) return HttpResponse::Error(OutOfScope());
    bool dry_run = false;
    if (auto it = body->find("dry_run"); it != body->end()) {
      if (!it->is_boolean())
        return HttpResponse::Error(Status::Invalid("dry_run 应为 true 或 false (type)", "dry_run"));
      dry_run = it->get<bool>();
    }
    if (dry_run) {
      // Anyone checking a published draw: the same sample, nothing kept.
      Result<StorePool::Lease> store = deps_.reads.Acquire();
      if (!store.ok()) return HttpResponse::Error(store.status());
      Result<InspectionDraw> draw = DrawFromStore(**store, params);
      if (!draw.ok()) return HttpResponse::Error(draw.status());
      json villages = json::array();
      for (const auto& [township, codes] : draw->villages_by_township) {
        for (const std::string& village : codes) {
          villages.push_back({{"township", township},
                              {"village", village},
                              {"households", draw->households_by_village[village]}});
        }
      }
      return HttpResponse::Json(200, {{"dry_run", true},
                                      {"region", params.region_code},
                                      {"month", params.month},
                                      {"seed", params.seed},
                                      {"villages", std::move(villages)}});
    }
    json answer;
    Status written = deps_.writer.Write([&](Store& store) -> Status {
      LX_ASSIGN_OR_RETURN(Inspection opened, OpenDrawnInspection(store, params, caller.actor()));
      LX_ASSIGN_OR_RETURN(std::vector<InspectionCheck> checks, store.InspectionChecks(opened.id));
      answer = InspectionJson(opened, &checks);
      return Status::Ok();
    });
    if (!written.ok()) return HttpResponse::Error(written);
    return HttpResponse::Json(201, answer);
  }

  HttpResponse List(HttpRequest& request, const Caller& caller) {
    std::string region(request.QueryParam("region").value_or(""));
    if (region.empty() && caller.scope().kind == ScopeKind::kRegion) region = caller.scope().code;
    if (!region.empty() && !ScopeContains(caller.scope(), region)) return HttpResponse::Error(OutOfScope());
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    // A township's list holds its county's inspections that reach it.
    Result<std::vector<Inspection>> inspections =
        (*store)->ListInspections(region.empty() ? region : region.substr(0, 6));
    if (!inspections.ok()) return HttpResponse::Error(inspections.status());
    // Each with its figures (知晓率 …) over the households the caller reaches.
    json items = json::array();
    for (const Inspection& i : *inspections) {
      if (!Visible(caller, i)) continue;
      Result<json> item = Read(**store, i.id, caller);
      if (!item.ok()) return HttpResponse::Error(item.status());
      item->erase("checks");
      items.push_back(std::move(*item));
    }
    return HttpResponse::Json(200, {{"items", std::move(items)}});
  }

  HttpResponse Get(HttpRequest& request, const Caller& caller) {
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    Result<json> answer = Read(**store, request.PathParam("id"), caller);
    if (!answer.ok()) return HttpResponse::Error(answer.status());
    return HttpResponse::Json(200, *answer);
  }

  HttpResponse Check(HttpRequest& request, const Caller& caller) {
    Result<json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    InspectionCheck check;
    check.inspection_id = request.PathParam("id");
    Result<std::string> household = StringField(*body, "household");
    if (!household.ok()) return HttpResponse::Error(household.status());
    check.household_code = *household;
    auto knows = body->find("knows_cadre");
    if (knows == body->end() || !knows->is_boolean()) {
      return HttpResponse::Error(Status::Invalid(
          "knows_cadre 应为 true 或 false:群众是否知道联系干部的名字 (required)", "knows_cadre"));
    }
    check.knows_cadre = knows->get<bool>();
    Result<std::string> visits = StringField(*body, "visits");
    if (!visits.ok()) return HttpResponse::Error(visits.status());
    check.visits = ParseVisitsHappened(*visits);
    if (!check.visits)
      return HttpResponse::Error(
          Status::Invalid("visits 应为 yes、partly、no 或 none_logged (enum)", "visits"));
    Result<std::string> satisfaction = StringField(*body, "satisfaction", false);
    if (!satisfaction.ok()) return HttpResponse::Error(satisfaction.status());
    if (!satisfaction->empty()) {
      check.satisfaction = ParseSatisfaction(*satisfaction);
      if (!check.satisfaction) {
        return HttpResponse::Error(Status::Invalid(
            "satisfaction 应为 satisfied、basically_satisfied 或 unsatisfied (enum)", "satisfaction"));
      }
    }
    Result<std::string> findings = TextField(*body, "findings", false);
    if (!findings.ok()) return HttpResponse::Error(findings.status());
    check.findings = *findings;
    bool task = false;
    if (auto it = body->find("task"); it != body->end()) {
      if (!it->is_boolean())
        return HttpResponse::Error(Status::Invalid("task 应为 true 或 false (type)", "task"));
      task = it->get<bool>();
    }
    json answer;
    const Date today = ChinaDateOf(deps_.clock.NowMillis());
    Status written = deps_.writer.Write([&](Store& store) -> Status {
      LX_RETURN_IF_ERROR(Read(store, check.inspection_id, caller).status());  // in scope
      LX_RETURN_IF_ERROR(RecordCheck(store, check, task, caller.actor(), today));
      LX_ASSIGN_OR_RETURN(answer, Read(store, check.inspection_id, caller));
      return Status::Ok();
    });
    if (!written.ok()) return HttpResponse::Error(written);
    return HttpResponse::Json(200, answer);
  }

  HttpResponse Close(HttpRequest& request, const Caller& caller) {
    const std::string id(request.PathParam("id"));
    json answer;
    Status written = deps_.writer.Write([&](Store& store) -> Status {
      LX_RETURN_IF_ERROR(Read(store, id, caller).status());
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(caller.actor()));
      LX_RETURN_IF_ERROR(txn->CloseInspection(id));
      LX_RETURN_IF_ERROR(txn->Commit());
      LX_ASSIGN_OR_RETURN(answer, Read(store, id, caller));
      return Status::Ok();
    });
    if (!written.ok()) return HttpResponse::Error(written);
    return HttpResponse::Json(200, answer);
  }

 private:
  // Whether `caller` may see `inspection`: within its scope, and, for the
  // inspected (a township's admin), only once it is closed.
  // A county's inspection reaches into a township's scope too: its
  // township's households are shown (Read), not the rest.
  static bool Visible(const Caller& caller, const Inspection& inspection) {
    const Scope& scope = caller.scope();
    std::optional<std::string> covers = RegionSubtreePrefix(inspection.region_code);
    const bool overlaps = ScopeContains(scope, inspection.region_code) ||
                          (scope.kind == ScopeKind::kRegion && covers && scope.code.starts_with(*covers));
    if (!overlaps) return false;
    const bool oversees = caller.HasRole(Role::kCountyAdmin) || caller.HasRole(Role::kInspector) ||
                          caller.HasRole(Role::kDiscipline);
    return oversees || inspection.closed;
  }

  // The inspection with its checklist (the households within the caller's
  // scope), or not found alike when it is missing or hidden from the caller.
  static Result<json> Read(Store& store, std::string_view id, const Caller& caller) {
    LX_ASSIGN_OR_RETURN(std::optional<Inspection> inspection, store.GetInspection(id));
    if (!inspection || !Visible(caller, *inspection)) return OutOfScope();
    LX_ASSIGN_OR_RETURN(std::vector<InspectionCheck> checks, store.InspectionChecks(id));
    std::erase_if(checks,
                  [&](const InspectionCheck& c) { return !ScopeContains(caller.scope(), c.village_code); });
    return InspectionJson(*inspection, &checks);
  }

  // ── Callback checks (回访核验) ────────────────────────────────────────
 public:
  HttpResponse DrawCallbacks(HttpRequest& request, const Caller& caller) {
    Result<json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    std::string fields[3];
    const char* names[3] = {"region", "month", "seed"};
    for (int i = 0; i < 3; ++i) {
      Result<std::string> value = StringField(*body, names[i]);
      if (!value.ok()) return HttpResponse::Error(value.status());
      fields[i] = *value;
    }
    double share = 0.05;
    if (auto it = body->find("share"); it != body->end()) {
      if (!it->is_number())
        return HttpResponse::Error(Status::Invalid("share 应为 0–1 的数 (type)", "share"));
      share = it->get<double>();
    }
    if (!ScopeContains(caller.scope(), fields[0])) return HttpResponse::Error(OutOfScope());
    json answer;
    Status written = deps_.writer.Write([&](Store& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(caller.actor()));
      LX_ASSIGN_OR_RETURN(std::vector<Callback> added,
                          txn->AddCallbacks(fields[0], fields[1], fields[2], share));
      LX_RETURN_IF_ERROR(txn->Commit());
      LX_ASSIGN_OR_RETURN(std::vector<Callback> all, store.ListCallbacks(fields[0], fields[1]));
      answer = CallbacksJson(all);
      answer["added"] = added.size();
      return Status::Ok();
    });
    if (!written.ok()) return HttpResponse::Error(written);
    return HttpResponse::Json(201, answer);
  }

  HttpResponse ListCallbacks(HttpRequest& request, const Caller& caller) {
    Result<std::string> region = RegionOf(request, caller);
    if (!region.ok()) return HttpResponse::Error(region.status());
    const std::string month(request.QueryParam("month").value_or(""));
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return HttpResponse::Error(store.status());
    Result<std::vector<Callback>> callbacks = (*store)->ListCallbacks(*region, month);
    if (!callbacks.ok()) return HttpResponse::Error(callbacks.status());
    return HttpResponse::Json(200, CallbacksJson(*callbacks));
  }

  HttpResponse RecordCallback(HttpRequest& request, const Caller& caller) {
    Result<json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    Result<std::string> outcome_text = StringField(*body, "outcome");
    if (!outcome_text.ok()) return HttpResponse::Error(outcome_text.status());
    std::optional<CallbackOutcome> outcome = ParseCallbackOutcome(*outcome_text);
    if (!outcome || *outcome == CallbackOutcome::kPending) {
      return HttpResponse::Error(Status::Invalid(
          "outcome 应为 confirmed(属实)、denied(否认)或 unreachable(联系不上) (enum)", "outcome"));
    }
    Result<std::string> note = TextField(*body, "note", false);
    if (!note.ok()) return HttpResponse::Error(note.status());
    const std::string id(request.PathParam("id"));
    if (caller.scope().kind != ScopeKind::kRegion) return HttpResponse::Error(OutOfScope());
    json answer;
    Status written = deps_.writer.Write([&](Store& store) -> Status {
      // Only a callback of the caller's region: out of it, as if there were none.
      LX_ASSIGN_OR_RETURN(std::vector<Callback> mine, store.ListCallbacks(caller.scope().code, ""));
      if (std::none_of(mine.begin(), mine.end(), [&](const Callback& c) { return c.visit_id == id; }))
        return OutOfScope();
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(caller.actor()));
      LX_RETURN_IF_ERROR(txn->RecordCallback(id, *outcome, *note));
      LX_RETURN_IF_ERROR(txn->Commit());
      LX_ASSIGN_OR_RETURN(std::vector<Callback> after, store.ListCallbacks(caller.scope().code, ""));
      for (const Callback& c : after)
        if (c.visit_id == id) answer = CallbackJson(c);
      return Status::Ok();
    });
    if (!written.ok()) return HttpResponse::Error(written);
    return HttpResponse::Json(200, answer);
  }

 private:
  AppealsApiDeps deps_;
};

}  // namespace

void AddInspectionRoutes(ApiRouter& api, const AppealsApiDeps& deps) {
  auto routes = std::make_shared<InspectionRoutes>(deps);
  api.Add("POST", "/api/v1/inspections",
          [routes](HttpRequest& request, const Caller& caller) { return routes->Open(request, caller); });
  api.Add("GET", "/api/v1/inspections",
          [routes](HttpRequest& request, const Caller& caller) { return routes->List(request, caller); });
  api.Add("GET", "/api/v1/inspections/{id}",
          [routes](HttpRequest& request, const Caller& caller) { return routes->Get(request, caller); });
  api.Add("POST", "/api/v1/inspections/{id}/checks",
          [routes](HttpRequest& request, const Caller& caller) { return routes->Check(request, caller); });
  api.Add("POST", "/api/v1/inspections/{id}/close",
          [routes](HttpRequest& request, const Caller& caller) { return routes->Close(request, caller); });
  api.Add("POST", "/api/v1/callbacks", [routes](HttpRequest& request, const Caller& caller) {
    return routes->DrawCallbacks(request, caller);
  });
  api.Add("GET", "/api/v1/callbacks", [routes](HttpRequest& request, const Caller& caller) {
    return routes->ListCallbacks(request, caller);
  });
  api.Add("POST", "/api/v1/callbacks/{id}", [routes](HttpRequest& request, const Caller& caller) {
    return routes->RecordCallback(request, caller);
  });
}

}  // namespace lianxin
