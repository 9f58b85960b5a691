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

#include <string>
#include <string_view>

#include "lianxin/auth.hpp"
#include "lianxin/http.hpp"

namespace lianxin {

struct ApiOptions {
  bool tls = false;
  // The Origin a browser's state-changing request must come from, e.g.
  // "https://lianxin.example.gov.cn"; empty accepts a request without Origin
  // only (non-browser clients), never a foreign one.
  std::string expected_origin;
};

// The session cookie's name: "__Host-lx_session" under TLS, else "lx_session".
std::string_view SessionCookieName(const ApiOptions& options);

// The value of cookie `name` in a Cookie header, or "".
std::string_view CookieValue(std::string_view cookie_header, std::string_view name);

void AddSessionRoutes(Router& router, AuthService& auth, const ApiOptions& options);

}  // namespace lianxin
