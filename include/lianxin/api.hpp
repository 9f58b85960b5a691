// The JSON API under /api/v1/, as routes added to an http Router.
//
// Sessions (issue 3): POST /api/v1/session {"username","password"[,"totp"]}
// signs in, sets the session cookie (HttpOnly, SameSite=Strict; __Host- and
// Secure under TLS) and answers the CSRF token that every state-changing
// request must send back as X-CSRF-Token; DELETE /api/v1/session signs out;
// GET /api/v1/me says who is signed in.
//
//   Router router;
//   AddSessionRoutes(router, auth, {.tls = false});
//
// Handlers are thread-safe as AuthService is.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/auth.hpp"
#include "lianxin/document.hpp"
#include "lianxin/http.hpp"

namespace lianxin {

struct ApiOptions {
  bool tls = false;
  // The Origin a browser's state-changing request may come from besides the
  // server's own (scheme://Host of the request, always allowed), e.g.
  // "https://lianxin.example.gov.cn" behind a proxy that rewrites Host; a
  // request without Origin (non-browser clients) passes, a foreign one never.
  std::string expected_origin;
  // Peers whose X-Forwarded-For is believed (ServerConfig::trusted_proxies).
  std::vector<std::string> trusted_proxies;
};

// The session cookie's name: "__Host-lx_session" under TLS, else "lx_session".
std::string_view SessionCookieName(const ApiOptions& options);

// The value of cookie `name` in a Cookie header, or "".
std::string_view CookieValue(std::string_view cookie_header, std::string_view name);

class ApiRouter;  // access.hpp

// The session and one's own account, all behind the gate (access.hpp):
//   POST   /api/v1/session            sign in (public)
//   DELETE /api/v1/session            sign out
//   GET    /api/v1/me                 who is signed in, and whether restricted
//   POST   /api/v1/me/password        {"old_password","new_password"}: ends every
//                                     session of the account (sign in again)
//   POST   /api/v1/me/totp            enrol: {"otpauth_uri","secret"} shown once
//   POST   /api/v1/me/totp/confirm    {"code"}: TOTP is then asked at every sign-in
// The last four are open to a restricted session, which can do nothing else.
void AddSessionRoutes(ApiRouter& api);

// The three admins' consoles (三权分立):
//   GET  /api/v1/users                          sysadmin, secadmin
//   POST /api/v1/users {"username","display_name","roles":[…],"scope":{"kind","code"}}
//        → the account (no role yet) and its one-time password, shown once;
//          the roles and scope wait for the security admin ("pending_approval")  sysadmin
//   POST /api/v1/users/{id}/disable | enable                            sysadmin
//   POST /api/v1/users/{id}/reset-password → a one-time password that holds
//        once approved ("pending_approval")                             sysadmin
//   GET  /api/v1/approvals                      what waits for approval  sysadmin, secadmin
//   POST /api/v1/users/{id}/approve | reject                            secadmin
//   PUT  /api/v1/users/{id}/roles {"roles":[…][,"scope":{…}]}           secadmin
//   POST /api/v1/users/{id}/unlock | reset-totp                         secadmin
//   GET  /api/v1/audit?since=MILLIS&actor=&action=&limit=&cursor=       auditor
// No admin acts on another of the three (admin_protected): their accounts are
// the local operator's (`lianxin user`). The audit log lists sign-ins,
// account changes, approvals, reveals and exports, newest first, as
// {"items":[…],"next":…}. `users` (the repository behind api.auth()) is read
// for the audit log and must outlive the router.
void AddAccountRoutes(ApiRouter& api, UserRepository& users);

// GET /api/v1/openapi.json (public): the OpenAPI 3 document of every route,
// kept in src/http/openapi.json and compiled in; a test checks it names
// every route the server has and no other.
void AddOpenApiRoute(ApiRouter& api);

// Shared by the handlers: the request body as a JSON object, parsed within
// request.json_limits (ParseJsonBody; kInvalidInput, field "body", for a body
// too deep or too large, or not an object), and one string member of it (kInvalidInput naming
// the field when a required one is missing or any is not a string).
Result<nlohmann::json> JsonObjectBody(const HttpRequest& request);
Result<std::string> StringField(const nlohmann::json& body, std::string_view name, bool required = true);
// The most a free-text field of field work may hold — a visit's note, an
// appeal, a reason, an answer: a letter, not a file. One limit for every route.
inline constexpr size_t kMaxNoteBytes = 4000;
// A free-text member: a string of at most kMaxNoteBytes (too_long), and not
// empty when `required` (required), else kInvalidInput naming it.
Result<std::string> TextField(const nlohmann::json& body, std::string_view name, bool required);
// A moment in a response: ChinaIsoTime ("2026-12-05T09:30:00+08:00"), or
// null for 0 (not yet).
nlohmann::json TimeOrNull(std::int64_t millis);
// A list's page size, `?limit=` (1..1000; 50 when absent): kInvalidInput, field "limit", otherwise.
inline constexpr int kDefaultListLimit = 50;
inline constexpr int kMaxListLimit = 1000;
Result<int> LimitParam(const HttpRequest& request);
// What `write` writes to a temporary file named for request `id` with
// extension `ext` (the file removed after), as the body of a download;
// `write`'s error when it fails.
Result<std::string> WrittenBytes(const std::string& id, std::string_view ext,
                                 const std::function<Status(const std::string&)>& write);
// A report in the `format` asked for ("" or json, html, pdf, xlsx): its
// `figures` as JSON, the printed `document` as HTML (with a content security
// policy that lets nothing load), or the file `write` makes as a download
// named `title`; 400 (field "format") for another format.
HttpResponse ReportResponse(const nlohmann::json& figures, const std::function<Document()>& document,
                            const std::function<Status(const std::string&)>& write, std::string_view format,
                            const std::string& id, const std::string& title);
// A user as the API shows it: no secret, roles as tokens, the scope.
nlohmann::json UserJson(const User& user);

}  // namespace lianxin
