#include "lianxin/access.hpp"

#include <algorithm>
#include <stdexcept>

#include "lianxin/config.hpp"

namespace lianxin {

namespace {

using enum Role;

// Who reads the registry: everyone with business data (their scope decides
// how much of it); who changes it: the county's and townships' admins.
const std::set<Role> kRegistryReaders = {kCountyAdmin, kTownshipAdmin, kUnitHead,  kCadre,
                                         kOperator,    kInspector,     kDiscipline};
const std::set<Role> kRegistryWriters = {kCountyAdmin, kTownshipAdmin};
const std::set<Role> kExporters = {kCountyAdmin, kTownshipAdmin, kUnitHead};
// A reveal shows an ID number or phone in full: to those who must phone or
// verify the person, within their scope, with a reason, logged.
// Operators call households back (回访核验, 12345): a household's phone, and
// nothing else, as the reveal route itself checks.
const std::set<Role> kRevealers = {kCountyAdmin, kTownshipAdmin, kUnitHead, kCadre, kDiscipline, kOperator};

std::vector<AccessRule> BuildTable() {
  std::vector<AccessRule> table = {
      // Built into the server. /metrics holds counts only, never personal data.
      {"GET", "/healthz", {}, true, false, ScopeUse::kNone},
      {"GET", "/metrics", {}, true, false, ScopeUse::kNone},
      {"GET", "/api/v1/openapi.json", {}, true, false, ScopeUse::kNone},

      // One's own session and account; open to a restricted session, which
      // is how it changes its one-time password and enrols TOTP.
      {"POST", "/api/v1/session", {}, true, false, ScopeUse::kNone},
      // The household's public API (连心卡): no sign-in; the card code and
      // the head's surname in the body are the key (public_api.hpp).
      {"GET", "/api/v1/public/topics", {}, true, false, ScopeUse::kNone},
      {"POST", "/api/v1/public/card", {}, true, false, ScopeUse::kNone},
      {"POST", "/api/v1/public/appeals", {}, true, false, ScopeUse::kNone},
      {"POST", "/api/v1/public/appeals/list", {}, true, false, ScopeUse::kNone},
      {"POST", "/api/v1/public/appeals/{id}/rate", {}, true, false, ScopeUse::kNone},
      {"POST", "/api/v1/public/visits/{id}/confirm", {}, true, false, ScopeUse::kNone},
      {"POST", "/api/v1/public/ratings", {}, true, false, ScopeUse::kNone},
      // Published monthly notices (每月公示) are public once out.
      {"GET", "/api/v1/public/notices", {}, true, false, ScopeUse::kNone},
      {"GET", "/api/v1/public/notices/{id}", {}, true, false, ScopeUse::kNone},
      // Open311 GeoReport v2 (open311_api.hpp): public reads; a POST needs
      // a client's api_key, checked by the route.
      {"GET", "/open311/v2/{doc}", {}, true, false, ScopeUse::kNone},
      {"POST", "/open311/v2/{doc}", {}, true, false, ScopeUse::kNone},
      {"GET", "/open311/v2/services/{id}", {}, true, false, ScopeUse::kNone},
      {"GET", "/open311/v2/requests/{id}", {}, true, false, ScopeUse::kNone},
      {"GET", "/open311/v2/tokens/{id}", {}, true, false, ScopeUse::kNone},
      {"DELETE", "/api/v1/session", AnySignedIn(), false, true, ScopeUse::kNone},
      {"GET", "/api/v1/me", AnySignedIn(), false, true, ScopeUse::kNone},
      {"POST", "/api/v1/me/password", AnySignedIn(), false, true, ScopeUse::kNone},
      {"POST", "/api/v1/me/totp", AnySignedIn(), false, true, ScopeUse::kNone},
      {"POST", "/api/v1/me/totp/confirm", AnySignedIn(), false, true, ScopeUse::kNone},

      // 三权分立: the system admin keeps accounts, the security admin roles,
      // scopes, locks and second factors, the auditor the log; none of them
      // reaches business data (their scope is none).
      {"GET", "/api/v1/users", {kSysadmin, kSecadmin}, false, false, ScopeUse::kNone},
      {"POST", "/api/v1/users", {kSysadmin}, false, false, ScopeUse::kNone},
      {"POST", "/api/v1/users/{id}/disable", {kSysadmin}, false, false, ScopeUse::kNone},
      {"POST", "/api/v1/users/{id}/enable", {kSysadmin}, false, false, ScopeUse::kNone},
      {"POST", "/api/v1/users/{id}/reset-password", {kSysadmin}, false, false, ScopeUse::kNone},
      // What the system admin asks for (a new account's roles, a password
      // reset) waits for the security admin (auth.hpp, PendingChange).
      {"GET", "/api/v1/approvals", {kSysadmin, kSecadmin}, false, false, ScopeUse::kNone},
      // 服务监控: the system admin's.
      {"GET", "/api/v1/system/health", {kSysadmin}, false, false, ScopeUse::kNone},
      // 参数与字典 (settings.hpp): the system admin keeps them; the county
      // admins and the auditor read the rules in force.
      {"GET", "/api/v1/settings", {kSysadmin, kCountyAdmin, kAuditor}, false, false, ScopeUse::kNone},
      {"PUT", "/api/v1/settings/{section}", {kSysadmin}, false, false, ScopeUse::kNone},
      {"POST", "/api/v1/settings/{section}/reset", {kSysadmin}, false, false, ScopeUse::kNone},
      // 在线用户 with force sign-out: the security admin's.
      {"GET", "/api/v1/sessions", {kSecadmin}, false, false, ScopeUse::kNone},
      {"POST", "/api/v1/sessions/{id}/revoke", {kSecadmin}, false, false, ScopeUse::kNone},
      {"POST", "/api/v1/users/{id}/approve", {kSecadmin}, false, false, ScopeUse::kNone},
      {"POST", "/api/v1/users/{id}/reject", {kSecadmin}, false, false, ScopeUse::kNone},
      {"PUT", "/api/v1/users/{id}/roles", {kSecadmin}, false, false, ScopeUse::kNone},
      {"POST", "/api/v1/users/{id}/unlock", {kSecadmin}, false, false, ScopeUse::kNone},
      {"POST", "/api/v1/users/{id}/reset-totp", {kSecadmin}, false, false, ScopeUse::kNone},
      {"GET", "/api/v1/audit", {kAuditor}, false, false, ScopeUse::kNone},
      // 登录日志 and 操作日志 as a file for the archive (itself audited).
      {"GET", "/api/v1/audit/export", {kAuditor}, false, false, ScopeUse::kNone},

      // Personal data in full, one field at a time, with a reason.
      {"POST", "/api/v1/reveal", kRevealers, false, false, ScopeUse::kRecord, true},

      // Pairing (PRODUCT.md §2): the county runs it; townships preview it.
      {"POST", "/api/v1/pairing/run", {kCountyAdmin}, false, false, ScopeUse::kNone},
      {"POST", "/api/v1/pairing/preview", {kCountyAdmin, kTownshipAdmin}, false, false, ScopeUse::kNone},
      {"GET",
       "/api/v1/pairing/explain/{id}",
       {kCountyAdmin, kTownshipAdmin, kUnitHead},
       false,
       false,
       ScopeUse::kRecord},
      {"GET", "/api/v1/pairing/uncovered", {kCountyAdmin, kTownshipAdmin}, false, false, ScopeUse::kFilter},
      {"POST", "/api/v1/pairing/pins", {kCountyAdmin}, false, false, ScopeUse::kRecord},
      {"DELETE", "/api/v1/pairing/pins", {kCountyAdmin}, false, false, ScopeUse::kRecord},

      // Visits (民情日记, PRODUCT.md §3): a cadre logs its own; the county's and
      // townships' admins enter paper diaries for a named cadre; whoever reads
      // a household reads its visits. A cadre's own households and what is due.
      {"POST", "/api/v1/visits", {kCadre, kCountyAdmin, kTownshipAdmin}, false, false, ScopeUse::kRecord},
      {"GET", "/api/v1/households/{id}/visits", kRegistryReaders, false, false, ScopeUse::kRecord},
      {"GET", "/api/v1/visits", kRegistryReaders, false, false, ScopeUse::kFilter},
      {"GET", "/api/v1/tasks", kRegistryReaders, false, false, ScopeUse::kFilter},
      // Meeting decisions (会议决定事项): the county and townships record
      // them; the named cadre (or an admin for it) reports progress.
      {"POST", "/api/v1/decisions", {kCountyAdmin, kTownshipAdmin}, false, false, ScopeUse::kRecord},
      {"GET", "/api/v1/decisions", kRegistryReaders, false, false, ScopeUse::kFilter},
      {"POST",
       "/api/v1/decisions/{id}/progress",
       {kCadre, kCountyAdmin, kTownshipAdmin},
       false,
       false,
       ScopeUse::kRecord},
      {"GET", "/api/v1/me/households", {kCadre}, false, false, ScopeUse::kFilter},
      // The three phenomena (三种现象) of the cadres in scope: for those who
      // oversee contact work.
      {"GET",
       "/api/v1/flags",
       {kCountyAdmin, kTownshipAdmin, kUnitHead, kInspector, kDiscipline},
       false,
       false,
       ScopeUse::kFilter},
      // Tasks (PRODUCT.md §3): a cadre's own, and progress on them — by the
      // cadre, or by an admin for a named cadre.
      {"GET", "/api/v1/me/tasks", {kCadre}, false, false, ScopeUse::kFilter},
      {"POST",
       "/api/v1/tasks/progress",
       {kCadre, kCountyAdmin, kTownshipAdmin},
       false,
       false,
       ScopeUse::kRecord},
      // Appeals (诉求, PRODUCT.md §3): operators take them, cadres file what a
      // household asked on a visit; whoever has business data reads the queue
      // its scope reaches; steps are checked per action (appeals_api.hpp).
      {"POST",
       "/api/v1/appeals",
       {kOperator, kCountyAdmin, kTownshipAdmin, kCadre},
       false,
       false,
       ScopeUse::kRecord},
      {"GET", "/api/v1/appeals", kRegistryReaders, false, false, ScopeUse::kFilter},
      {"GET", "/api/v1/appeals/{id}", kRegistryReaders, false, false, ScopeUse::kRecord},
      {"POST",
       "/api/v1/appeals/{id}/actions",
       {kOperator, kCountyAdmin, kTownshipAdmin, kUnitHead, kCadre, kInspector},
       false,
       false,
       ScopeUse::kRecord},
      // The three rates: for those who oversee.
      {"GET",
       "/api/v1/rates",
       {kCountyAdmin, kTownshipAdmin, kUnitHead, kInspector, kDiscipline},
       false,
       false,
       ScopeUse::kFilter},
      // The monthly notice, published or a draft counted now: for those who
      // oversee a region; publishing it is the county's admins'.
      {"GET",
       "/api/v1/notice",
       {kCountyAdmin, kTownshipAdmin, kInspector, kDiscipline},
       false,
       false,
       ScopeUse::kFilter},
      {"POST", "/api/v1/notices", {kCountyAdmin}, false, false, ScopeUse::kRecord},
      // A cadre's dossier, for promotion review and discipline.
      {"GET", "/api/v1/cadres/{id}/dossier", {kCountyAdmin, kDiscipline}, false, false, ScopeUse::kRecord},
      {"GET",
       "/api/v1/bulletin",
       {kCountyAdmin, kTownshipAdmin, kInspector, kDiscipline},
       false,
       false,
       ScopeUse::kFilter},
      // Unannounced inspections: drawn, filled in and closed by inspectors and
      // the county's admins; read by them and the discipline office, and by a
      // township's admin once closed (the route hides an open one).
      {"POST", "/api/v1/inspections", {kCountyAdmin, kInspector}, false, false, ScopeUse::kRecord},
      {"GET",
       "/api/v1/inspections",
       {kCountyAdmin, kTownshipAdmin, kInspector, kDiscipline},
       false,
       false,
       ScopeUse::kFilter},
      {"GET",
       "/api/v1/inspections/{id}",
       {kCountyAdmin, kTownshipAdmin, kInspector, kDiscipline},
       false,
       false,
       ScopeUse::kRecord},
      {"POST",
       "/api/v1/inspections/{id}/checks",
       {kCountyAdmin, kInspector},
       false,
       false,
       ScopeUse::kRecord},
      {"POST", "/api/v1/inspections/{id}/close", {kCountyAdmin, kInspector}, false, false, ScopeUse::kRecord},
      // Callback checks (回访核验): drawn by inspectors and the county's
      // admins, called and recorded by operators too; never shown to cadres.
      {"POST", "/api/v1/callbacks", {kCountyAdmin, kInspector}, false, false, ScopeUse::kRecord},
      {"GET",
       "/api/v1/callbacks",
       {kCountyAdmin, kOperator, kInspector, kDiscipline},
       false,
       false,
       ScopeUse::kFilter},
      {"POST",
       "/api/v1/callbacks/{id}",
       {kCountyAdmin, kOperator, kInspector},
       false,
       false,
       ScopeUse::kRecord},
      // The 八项规定 ledger: written by the units' heads and the townships'
      // and the county's admins for their own; read by them, the inspectors
      // and the discipline office, who change nothing. The no-meeting months
      // are the county's decision.
      {"GET",
       "/api/v1/ledger/calendar",
       {kCountyAdmin, kTownshipAdmin, kUnitHead, kInspector, kDiscipline},
       false,
       false,
       ScopeUse::kFilter},
      {"POST", "/api/v1/ledger/calendar", {kCountyAdmin}, false, false, ScopeUse::kRecord},
      {"GET",
       "/api/v1/ledger",
       {kCountyAdmin, kTownshipAdmin, kUnitHead, kInspector, kDiscipline},
       false,
       false,
       ScopeUse::kFilter},
      {"POST",
       "/api/v1/ledger/meetings",
       {kCountyAdmin, kTownshipAdmin, kUnitHead},
       false,
       false,
       ScopeUse::kRecord},
      {"POST",
       "/api/v1/ledger/receptions",
       {kCountyAdmin, kTownshipAdmin, kUnitHead},
       false,
       false,
       ScopeUse::kRecord},
      {"POST",
       "/api/v1/ledger/expenses",
       {kCountyAdmin, kTownshipAdmin, kUnitHead},
       false,
       false,
       ScopeUse::kRecord},
      {"GET",
       "/api/v1/ledger/yearend",
       {kCountyAdmin, kTownshipAdmin, kInspector, kDiscipline},
       false,
       false,
       ScopeUse::kFilter},
      {"GET", "/api/v1/ledger/audit", {kCountyAdmin, kDiscipline}, false, false, ScopeUse::kFilter},
      // The dashboard of a region: for those who oversee a region.
      {"GET",
       "/api/v1/dashboard",
       {kCountyAdmin, kTownshipAdmin, kInspector, kDiscipline},
       false,
       false,
       ScopeUse::kFilter},
  };
  // The registry: the same seven routes for each kind, plus the members'
  // upload (members are read and written with their household).
  for (std::string kind : {"regions", "units", "orgs", "cadres", "households"}) {
    std::string base = "/api/v1/" + kind;
    table.push_back({"GET", base, kRegistryReaders, false, false, ScopeUse::kFilter});
    table.push_back({"POST", base + "/search", kRegistryReaders, false, false, ScopeUse::kFilter});
    table.push_back({"GET", base + "/{id}", kRegistryReaders, false, false, ScopeUse::kRecord});
    table.push_back({"POST", base, kRegistryWriters, false, false, ScopeUse::kRecord});
    table.push_back({"PUT", base + "/{id}", kRegistryWriters, false, false, ScopeUse::kRecord});
    table.push_back({"POST", base + "/upload", kRegistryWriters, false, false, ScopeUse::kRecord});
    table.push_back({"GET", base + "/export", kExporters, false, false, ScopeUse::kFilter});
  }
  table.push_back({"POST", "/api/v1/members/upload", kRegistryWriters, false, false, ScopeUse::kRecord});
  table.push_back({"GET", "/api/v1/members/export", kExporters, false, false, ScopeUse::kFilter});
  return table;
}

bool Unsafe(std::string_view method) { return method != "GET" && method != "HEAD"; }

// The client's address: the TCP peer's, unless the peer is a trusted proxy,
// whose X-Forwarded-For then names the client: its rightmost entry that is
// not itself a trusted proxy. Entries further left are the client's own
// claim, and a peer not trusted may write anything there, so neither is
// believed (a forged header must not dodge the sign-in limits).
std::string ClientAddress(const HttpRequest& request, const ApiOptions& options) {
  auto trusted = [&](std::string_view address) {
    return std::find(options.trusted_proxies.begin(), options.trusted_proxies.end(), address) !=
           options.trusted_proxies.end();
  };
  std::string address = request.remote_address;
  if (!trusted(address)) return address;
  std::optional<std::string_view> forwarded = request.headers.Get("X-Forwarded-For");
  if (!forwarded) return address;
  std::vector<std::string> hops = SplitAddresses(*forwarded);
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    if (hop->empty() || hop->size() > 64) break;
    address = *hop;
    if (!trusted(address)) break;
  }
  return address;
}

// The Origin a state-changing request may carry: the configured one, or the
// request's own (scheme://Host) — a browser on the server's own address
// always sends Origin, and that same-origin request must work unconfigured.
std::string_view AllowedOrigin(const HttpRequest& request, const ApiOptions& options,
                               std::string_view origin) {
  std::string_view host = request.headers.Get("Host").value_or("");
  std::string_view scheme = options.tls ? "https://" : "http://";
  bool same = !host.empty() && origin.size() == scheme.size() + host.size() && origin.starts_with(scheme) &&
              origin.substr(scheme.size()) == host;
  return same ? origin : std::string_view(options.expected_origin);
}

std::string SessionTokenOf(const HttpRequest& request, const ApiOptions& options) {
  std::optional<std::string_view> cookie = request.headers.Get("Cookie");
  return cookie ? std::string(CookieValue(*cookie, SessionCookieName(options))) : std::string();
}

}  // namespace

const std::set<Role>& AnySignedIn() {
  static const std::set<Role> roles = [] {
    std::set<Role> all(AllRoles().begin(), AllRoles().end());
    all.erase(Role::kPublic);
    return all;
  }();
  return roles;
}

const std::vector<AccessRule>& AllowTable() {
  static const std::vector<AccessRule> table = BuildTable();
  return table;
}

const AccessRule* FindRule(std::string_view method, std::string_view pattern) {
  for (const AccessRule& rule : AllowTable()) {
    if (rule.method == method && rule.pattern == pattern) return &rule;
  }
  return nullptr;
}

Status Forbidden() { return Status(Code::kPermissionDenied, "无权访问 (forbidden)"); }
Status OutOfScope() { return Status::NotFound("记录不存在 (not_found)"); }

Status CheckInScope(Store& store, RecordKind kind, std::string_view key, const Scope& scope) {
  LX_ASSIGN_OR_RETURN(bool in_scope, store.InScope(kind, key, scope));
  return in_scope ? Status::Ok() : OutOfScope();
}

ApiRouter::ApiRouter(Router& router, AuthService& auth, ApiOptions options)
    : router_(router), auth_(auth), options_(std::move(options)) {}

void ApiRouter::Add(std::string_view method, std::string_view pattern, ApiHandler handler) {
  const AccessRule* found = FindRule(method, pattern);
  if (found == nullptr) {
    throw std::logic_error("route " + std::string(method) + " " + std::string(pattern) +
                           " is not in the allow table (src/http/access.cpp)");
  }
  AccessRule rule = *found;
  // Captures no `this`: the ApiRouter may go once the routes are wired.
  router_.Add(
      method, pattern,
      [&auth = auth_, options = options_, rule,
       handler = std::move(handler)](HttpRequest& request) -> HttpResponse {
        Caller caller;
        // Every handler and the audit log see the client, not a proxy.
        request.remote_address = ClientAddress(request, options);
        caller.remote_ = request.remote_address;
        if (rule.public_route) return handler(request, caller);
        caller.token_ = SessionTokenOf(request, options);
        Result<AuthenticatedUser> who = auth.Authenticate(caller.token_);
        if (!who.ok()) return HttpResponse::Error(who.status());
        if (who->restricted() && !rule.restricted_ok) {
          return HttpResponse::Error(Status(
              Code::kPermissionDenied, who->must_change_password()
                                           ? "请先修改密码 (restricted_session: change the password first)"
                                           : "请先绑定动态口令 (restricted_session: enrol TOTP first)"));
        }
        bool allowed = rule.roles == AnySignedIn();
        for (Role role : who->user().roles) allowed = allowed || rule.roles.count(role) > 0;
        if (!allowed) return HttpResponse::Error(Forbidden());
        if (rule.second_factor && auth.policy().totp_for_personal_data && !who->user().totp_confirmed) {
          return HttpResponse::Error(
              Status(Code::kPermissionDenied, "查看完整个人信息须先绑定动态口令 (totp_required_for_reveal)"));
        }
        if (Unsafe(request.method)) {
          std::string_view origin = request.headers.Get("Origin").value_or("");
          Status csrf =
              AuthService::CheckCsrf(who->session(), request.headers.Get("X-CSRF-Token").value_or(""), origin,
                                     AllowedOrigin(request, options, origin));
          if (!csrf.ok()) return HttpResponse::Error(csrf);
        }
        caller.who_ = std::move(*who);
        return handler(request, caller);
      });
}

}  // namespace lianxin
