#include "lianxin/pairing_api.hpp"

#include <optional>

#include "lianxin/api.hpp"
#include "lianxin/pairing_service.hpp"

namespace lianxin {

namespace {

// The record a pin holds, whose scope decides who may pin it.
RecordKind HeldKind(PairingKind kind) {
  switch (kind) {
    case PairingKind::kUnitVillage:
      return RecordKind::kRegions;
    case PairingKind::kAssistance:
    case PairingKind::kContact:
      return RecordKind::kHouseholds;
    case PairingKind::kContactPoint:
      return RecordKind::kOrgs;
  }
  return RecordKind::kHouseholds;
}

RecordKind HolderKind(PairingKind kind) {
  return kind == PairingKind::kUnitVillage ? RecordKind::kUnits : RecordKind::kCadres;
}

// A required string field that must also hold more than blanks.
Result<std::string> TextField(const nlohmann::json& body, std::string_view name) {
  LX_ASSIGN_OR_RETURN(std::string value, StringField(body, name));
  if (value.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::Invalid("字段 " + std::string(name) + " 不能为空 (required)", std::string(name));
  }
  return value;
}

struct PinRequest {
  PairingKind kind = PairingKind::kContact;
  std::string holder, held, reason;
};

Result<PinRequest> ParsePinRequest(const HttpRequest& request, bool with_reason) {
  LX_ASSIGN_OR_RETURN(nlohmann::json body, JsonObjectBody(request));
  PinRequest pin;
  LX_ASSIGN_OR_RETURN(std::string kind, StringField(body, "kind"));
  std::optional<PairingKind> parsed = ParsePairingKind(kind);
  if (!parsed) {
    return Status::Invalid(
        "结对类型应为 unit_village|assistance|contact|contact_point,而不是 " + kind + " (unknown_kind)",
        "kind");
  }
  pin.kind = *parsed;
  LX_ASSIGN_OR_RETURN(pin.holder, TextField(body, "holder"));
  LX_ASSIGN_OR_RETURN(pin.held, TextField(body, "held"));
  // A manual override must say why (PRODUCT.md §2): the reason is journaled with it.
  if (with_reason) {
    LX_ASSIGN_OR_RETURN(pin.reason, TextField(body, "reason"));
  }
  return pin;
}

// The county a caller's pairing covers, and the part of it the caller sees:
// a county admin its county; a township admin the county it lies in (the
// county is paired as a whole), shown only its township.
struct PairingReach {
  std::string county;  // 6 digits
  std::string prefix;  // the caller's subtree: the county's or a township's
};
Result<PairingReach> ReachOf(const Caller& caller) {
  Scope scope = caller.scope();
  std::optional<std::string> prefix =
      scope.kind == ScopeKind::kRegion ? RegionSubtreePrefix(scope.code) : std::nullopt;
  if (!prefix) return OutOfScope();
  return PairingReach{prefix->substr(0, 6), *prefix};
}

HttpResponse Run(GroupCommitWriter& writer, StorePool& reads, const Config& config,
                 const HttpRequest& request, const Caller& caller) {
  Result<PairingReach> reach = ReachOf(caller);
  if (!reach.ok()) return HttpResponse::Error(reach.status());
  PairRunOptions options;
  options.actor = caller.actor();
  // {"exit_override": "…"}: the county admin's reason to let units leave
  // villages whose tasks are still open (the exit gate).
  if (!request.body.empty()) {
    Result<nlohmann::json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    Result<std::string> reason = StringField(*body, "exit_override", /*required=*/false);
    if (!reason.ok()) return HttpResponse::Error(reason.status());
    options.exit_override = *reason;
  }
  // Only the caller's county: another county in the same database is not
  // loaded, paired or changed.
  options.county = reach->county;
  // The heavy half (load and solve) on a read connection, so other writes
  // go on meanwhile; only the apply takes the writer.
  Result<PairRun> planned = [&]() -> Result<PairRun> {
    LX_ASSIGN_OR_RETURN(StorePool::Lease store, reads.Acquire());
    return PlanPairing(*store, config, options);
  }();
  if (!planned.ok()) return HttpResponse::Error(planned.status());
  PairRun run = std::move(*planned);
  // One job: the apply joins the writer's batch, so the answer comes once
  // the new pairs are durable. Should the registry have changed since the
  // plan, it is planned again inside the writer, where nothing can move.
  Status written = writer.Write([&](Store& store) -> Status {
    Status applied = ApplyPlannedPairing(store, config, run, options);
    if (applied.code() != Code::kConflict) return applied;
    // A conflict for another reason (the exit gate) stands; only a stale plan is made again.
    LX_ASSIGN_OR_RETURN(std::int64_t version, store.PairingDataVersion());
    if (version == run.data_version) return applied;
    LX_ASSIGN_OR_RETURN(run, PlanPairing(store, config, options));
    return ApplyPlannedPairing(store, config, run, options);
  });
  if (!written.ok()) return HttpResponse::Error(written);
  return HttpResponse::Json(200, PairingSummaryJson(run));
}

HttpResponse Preview(StorePool& reads, const Config& config, const Caller& caller) {
  Result<PairingReach> reach = ReachOf(caller);
  if (!reach.ok()) return HttpResponse::Error(reach.status());
  Result<StorePool::Lease> store = reads.Acquire();
  if (!store.ok()) return HttpResponse::Error(store.status());
  PairRunOptions options;
  options.dry_run = true;
  options.actor = caller.actor();
  options.county = reach->county;
  Result<PairRun> run = RunPairing(**store, config, options);
  if (!run.ok()) return HttpResponse::Error(run.status());
  if (reach->prefix.size() > 6) return HttpResponse::Json(200, PairingSummaryJson(*run, reach->prefix));
  return HttpResponse::Json(200, PairingSummaryJson(*run));
}

HttpResponse Explain(StorePool& reads, const Config& config, const HttpRequest& request,
                     const Caller& caller) {
  std::string household(request.PathParam("id"));
  Result<StorePool::Lease> store = reads.Acquire();
  if (!store.ok()) return HttpResponse::Error(store.status());
  Status in_scope = CheckInScope(**store, RecordKind::kHouseholds, household, caller.scope());
  if (!in_scope.ok()) return HttpResponse::Error(in_scope);
  Result<Explanation> why = ExplainPairing(**store, config, household);
  if (!why.ok()) return HttpResponse::Error(why.status());
  return HttpResponse::Json(200, ExplanationJson(*why));
}

// What the last run could not cover, as it recorded it, within the caller's
// scope: a township admin sees its township's villages, households and weak
// branches, the cadres it may read, and pins on what it may read.
HttpResponse UncoveredList(StorePool& reads, const Caller& caller) {
  Result<PairingReach> reach = ReachOf(caller);
  if (!reach.ok()) return HttpResponse::Error(reach.status());
  Result<StorePool::Lease> store = reads.Acquire();
  if (!store.ok()) return HttpResponse::Error(store.status());
  Result<std::vector<Uncovered>> recorded = (*store)->RecordedUncovered(reach->county);
  if (!recorded.ok()) return HttpResponse::Error(recorded.status());
  const bool whole_county = reach->prefix == reach->county;
  nlohmann::json items = nlohmann::json::array();
  for (const Uncovered& u : *recorded) {
    if (!whole_county) {
      RecordKind kind = RecordKind::kHouseholds;
      std::string_view key = u.id;
      switch (u.kind) {
        case UncoveredKind::kVillage:
          kind = RecordKind::kRegions;
          break;
        case UncoveredKind::kHousehold:
          break;
        case UncoveredKind::kCadre:
          kind = RecordKind::kCadres;
          break;
        case UncoveredKind::kWeakBranch:
          kind = RecordKind::kOrgs;
          break;
        case UncoveredKind::kPin:  // the held end decides
          key = HeldOfPinId(u.id);
          kind = HeldKind(u.pairing);
          break;
      }
      Result<bool> in_scope = (*store)->InScope(kind, key, caller.scope());
      if (!in_scope.ok()) return HttpResponse::Error(in_scope.status());
      if (!*in_scope) continue;
    }
    items.push_back(
        {{"kind", Token(u.kind)}, {"id", u.id}, {"reason", u.reason}, {"pairing", Token(u.pairing)}});
  }
  return HttpResponse::Json(200, {{"scope", reach->prefix}, {"uncovered", std::move(items)}});
}

HttpResponse Pin(GroupCommitWriter& writer, const HttpRequest& request, const Caller& caller) {
  Result<PinRequest> pin = ParsePinRequest(request, true);
  if (!pin.ok()) return HttpResponse::Error(pin.status());
  Status pinned = writer.Write([&](Store& store) -> Status {
    // Both ends: a pin the caller could not see either end of is not theirs
    // to make (and one with a holder outside the county could never be kept).
    LX_RETURN_IF_ERROR(CheckInScope(store, HeldKind(pin->kind), pin->held, caller.scope()));
    LX_RETURN_IF_ERROR(CheckInScope(store, HolderKind(pin->kind), pin->holder, caller.scope()));
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(caller.actor()));
    LX_RETURN_IF_ERROR(txn->SetPin(pin->kind, pin->holder, pin->held, pin->reason));
    return txn->Commit();
  });
  if (!pinned.ok()) return HttpResponse::Error(pinned);
  return HttpResponse::Json(201, {{"pinned", true}, {"next_run_applies", true}});
}

HttpResponse Unpin(GroupCommitWriter& writer, const HttpRequest& request, const Caller& caller) {
  Result<PinRequest> pin = ParsePinRequest(request, false);
  if (!pin.ok()) return HttpResponse::Error(pin.status());
  Status removed = writer.Write([&](Store& store) -> Status {
    LX_RETURN_IF_ERROR(CheckInScope(store, HeldKind(pin->kind), pin->held, caller.scope()));
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(caller.actor()));
    LX_RETURN_IF_ERROR(txn->RemovePin(pin->kind, pin->holder, pin->held));
    return txn->Commit();
  });
  if (!removed.ok()) return HttpResponse::Error(removed);
  return HttpResponse::Json(200, {{"unpinned", true}, {"next_run_applies", true}});
}

}  // namespace

void AddPairingRoutes(ApiRouter& api, GroupCommitWriter& writer, StorePool& reads, const LiveConfig& config) {
  api.Add("POST", "/api/v1/pairing/run",
          [&writer, &reads, &config](HttpRequest& request, const Caller& caller) {
            return Run(writer, reads, *config.Current(), request, caller);
          });
  api.Add("POST", "/api/v1/pairing/preview", [&reads, &config](HttpRequest&, const Caller& caller) {
    return Preview(reads, *config.Current(), caller);
  });
  api.Add("GET", "/api/v1/pairing/explain/{id}",
          [&reads, &config](HttpRequest& request, const Caller& caller) {
            return Explain(reads, *config.Current(), request, caller);
          });
  api.Add("GET", "/api/v1/pairing/uncovered",
          [&reads](HttpRequest&, const Caller& caller) { return UncoveredList(reads, caller); });
  api.Add("POST", "/api/v1/pairing/pins",
          [&writer](HttpRequest& request, const Caller& caller) { return Pin(writer, request, caller); });
  api.Add("DELETE", "/api/v1/pairing/pins",
          [&writer](HttpRequest& request, const Caller& caller) { return Unpin(writer, request, caller); });
}

}  // namespace lianxin
