#include "lianxin/api.hpp"

namespace lianxin {

namespace {

nlohmann::json UserJson(const User& user) {
  nlohmann::json roles = nlohmann::json::array();
  for (Role role : user.roles) roles.push_back(RoleToken(role));
  return {{"username", user.username},
          {"display_name", user.display_name},
          {"roles", roles},
          {"scope", {{"kind", ScopeKindToken(user.scope.kind)}, {"code", user.scope.code}}}};
}

std::string SessionToken(const HttpRequest& request, const ApiOptions& options) {
  std::optional<std::string_view> cookie = request.headers.Get("Cookie");
  return cookie ? std::string(CookieValue(*cookie, SessionCookieName(options))) : std::string();
}

std::string CookieHeader(const ApiOptions& options, std::string_view value, bool expire) {
  std::string header = std::string(SessionCookieName(options)) + "=" + std::string(value) +
                       "; Path=/; HttpOnly; SameSite=Strict";
  if (options.tls) header += "; Secure";
  if (expire) header += "; Max-Age=0";
  return header;
}

HttpResponse SignIn(AuthService& auth, const ApiOptions& options, HttpRequest& request) {
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (!body.is_object())
    return HttpResponse::Error(Status::Invalid("请求体应为 JSON 对象 (json_invalid)", "body"));
  for (const char* field : {"username", "password"}) {
    if (!body.contains(field) || !body[field].is_string()) {
      return HttpResponse::Error(Status::Invalid(std::string("缺少字段 ") + field + " (required)", field));
    }
  }
  std::string totp = body.contains("totp") && body["totp"].is_string() ? body["totp"].get<std::string>() : "";
  Result<SignedIn> in = auth.SignIn(body["username"].get<std::string>(), body["password"].get<std::string>(),
                                    totp, request.remote_address);
  if (!in.ok()) return HttpResponse::Error(in.status());
  HttpResponse response = HttpResponse::Json(200, {{"csrf_token", in->csrf_token},
                                                   {"must_change_password", in->must_change_password},
                                                   {"must_enrol_totp", in->must_enrol_totp},
                                                   {"user", UserJson(in->user)}});
  response.headers.Set("Set-Cookie", CookieHeader(options, in->session_token, false));
  return response;
}

HttpResponse SignOut(AuthService& auth, const ApiOptions& options, HttpRequest& request) {
  std::string token = SessionToken(request, options);
  Result<AuthenticatedUser> who = auth.Authenticate(token);
  if (!who.ok()) return HttpResponse::Error(who.status());
  std::optional<std::string_view> csrf = request.headers.Get("X-CSRF-Token");
  std::optional<std::string_view> origin = request.headers.Get("Origin");
  Status allowed =
      AuthService::CheckCsrf(who->session(), csrf.value_or(""), origin.value_or(""), options.expected_origin);
  if (!allowed.ok()) return HttpResponse::Error(allowed);
  Status out = auth.SignOut(token, request.remote_address);
  if (!out.ok()) return HttpResponse::Error(out);
  HttpResponse response = HttpResponse::Json(200, {{"signed_out", true}});
  response.headers.Set("Set-Cookie", CookieHeader(options, "", true));
  return response;
}

HttpResponse Me(AuthService& auth, const ApiOptions& options, HttpRequest& request) {
  Result<AuthenticatedUser> who = auth.Authenticate(SessionToken(request, options));
  if (!who.ok()) return HttpResponse::Error(who.status());
  return HttpResponse::Json(200, {{"user", UserJson(who->user())},
                                  {"must_change_password", who->must_change_password()},
                                  {"must_enrol_totp", who->must_enrol_totp()}});
}

}  // namespace

std::string_view SessionCookieName(const ApiOptions& options) {
  // __Host- binds the cookie to this host and path "/" and demands Secure,
  // which a browser only honours over HTTPS.
  return options.tls ? "__Host-lx_session" : "lx_session";
}

std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

void AddSessionRoutes(Router& router, AuthService& auth, const ApiOptions& options) {
  router.Add("POST", "/api/v1/session",
             [&auth, options](HttpRequest& r) { return SignIn(auth, options, r); });
  router.Add("DELETE", "/api/v1/session",
             [&auth, options](HttpRequest& r) { return SignOut(auth, options, r); });
  router.Add("GET", "/api/v1/me", [&auth, options](HttpRequest& r) { return Me(auth, options, r); });
}

}  // namespace lianxin
