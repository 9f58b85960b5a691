// The one access gate every API route passes, and the one allow table it
// reads (PRODUCT.md §5: least privilege, scoped, deny by default).
//
// Routes are added through an ApiRouter, never straight onto the Router:
//
//   ApiRouter api(router, auth, options);
//   api.Add("GET", "/api/v1/households/{id}", [&](HttpRequest& request, const Caller& caller) {
//     // the gate has already checked: signed in, role allowed, not restricted
//     ... caller.scope() decides which records it reaches ...
//   });
//
// Adding a route the allow table does not name throws std::logic_error at
// wiring time, and a test walks every route × role × in/out of scope against
// the table, so a route cannot be reachable by accident.
//
// For each request the gate, in order: sets request.remote_address to the
// client's (the TCP peer's, or, from a trusted proxy of ApiOptions, the
// client its X-Forwarded-For names; never a header from anyone else);
// authenticates the session cookie
// (401 session_invalid / session_expired) unless the route is public; refuses
// a restricted session (one-time password, TOTP not enrolled) everything but
// the routes that resolve it (403 restricted_session); refuses a role the
// rule does not list (403 forbidden) — a rule for AnySignedIn() also admits
// an account that has no role yet (its grant awaits approval); refuses a
// second_factor route to an account without confirmed TOTP (403
// totp_required_for_reveal); checks CSRF (X-CSRF-Token and Origin)
// on every method but GET and HEAD (403 csrf_mismatch / origin_mismatch).
// Scope is the handler's: the rule says how the route uses it (ScopeUse) and
// the Store applies it (store.hpp, ListQuery).
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/api.hpp"
#include "lianxin/auth.hpp"
#include "lianxin/http.hpp"
#include "lianxin/store.hpp"

namespace lianxin {

enum class ScopeUse {
  kNone,    // the route reaches no scoped data (sign-in, one's own account, the admins' consoles)
  kRecord,  // one record: outside the caller's scope it is 403 out_of_scope
  kFilter,  // a list or an export: records outside the scope are left out
};

struct AccessRule {
  std::string method;
  std::string pattern;
  std::set<Role> roles;        // who may call; ignored for a public route
  bool public_route = false;   // anyone, signed in or not
  bool restricted_ok = false;  // also a restricted session (it is how one gets out of it)
  ScopeUse scope = ScopeUse::kNone;
  // The route shows personal data in full: with AuthPolicy::totp_for_personal_data
  // only an account that has confirmed TOTP reaches it (403
  // totp_required_for_reveal otherwise).
  bool second_factor = false;
};

// Every role an account can hold (all but kPublic).
const std::set<Role>& AnySignedIn();

// The allow table: one rule per route of the server, built-ins included.
const std::vector<AccessRule>& AllowTable();
// The rule for method + pattern, or null.
const AccessRule* FindRule(std::string_view method, std::string_view pattern);

// Who is calling, as the gate found them. For a public route nobody may be
// signed in (user() is then null).
class Caller {
 public:
  const AuthenticatedUser* who() const { return who_ ? &*who_ : nullptr; }
  const User* user() const { return who_ ? &who_->user() : nullptr; }
  // The caller's scope; kNone when nobody is signed in.
  Scope scope() const { return who_ ? who_->user().scope : Scope{}; }
  // For the journal and the audit log: the username, or "public".
  std::string actor() const { return who_ ? who_->user().username : "public"; }
  const std::string& remote() const { return remote_; }
  // The session's raw token (for sign-out); empty for nobody.
  const std::string& token() const { return token_; }
  bool HasRole(Role role) const { return who_ && who_->user().roles.count(role) > 0; }

 private:
  friend class ApiRouter;
  std::optional<AuthenticatedUser> who_;
  std::string remote_;
  std::string token_;
};

using ApiHandler = std::function<HttpResponse(HttpRequest&, const Caller&)>;

// Adds routes to a Router behind the gate. Thread-safe once wired, like the Router.
class ApiRouter {
 public:
  // Adds to `router`; the routes hold a reference to `auth`, which must
  // outlive the server. The ApiRouter itself may go once they are added.
  ApiRouter(Router& router, AuthService& auth, ApiOptions options);

  // Throws std::logic_error when AllowTable() has no rule for method + pattern.
  void Add(std::string_view method, std::string_view pattern, ApiHandler handler);

  const ApiOptions& options() const { return options_; }
  AuthService& auth() const { return auth_; }

 private:
  Router& router_;
  AuthService& auth_;
  ApiOptions options_;
};

// The errors the gate and the handlers share.
Status Forbidden();  // 403 无权访问 (forbidden)
// 404 记录不存在 (not_found): a record outside the caller's scope is answered
// exactly as one that does not exist, so a scope cannot probe for records;
// routes answer a missing record with this same status.
Status OutOfScope();

// Ok when the record `key` of `kind` lies in `scope`; OutOfScope() when it
// does not, and kNotFound when there is no such record — alike to the caller.
Status CheckInScope(Store& store, RecordKind kind, std::string_view key, const Scope& scope);

}  // namespace lianxin
