// Sign-in, who-am-I and sign-out through the router, on the SQLite repository.
#include <gtest/gtest.h>
#include <sodium.h>

#include "lianxin/access.hpp"
#include "lianxin/api.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

class SessionApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repository_ =
        std::move(Store::OpenUserRepository(DbTarget(dir_ / "s.db"), DbOptions(dir_ / "s.db"))).value();
    policy_.argon2_opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN;
    policy_.argon2_memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN;
    auth_ = std::make_unique<AuthService>(*repository_, policy_, SystemClock());
    Result<CreatedUser> created = auth_->CreateUser({"cli:root", "local"}, "wangjh", "王建华", {Role::kCadre},
                                                    {ScopeKind::kCadre, "149901C00001"});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    password_ = created->one_time_password;
    api_ = std::make_unique<ApiRouter>(router_, *auth_, ApiOptions{});
    AddSessionRoutes(*api_);
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    HttpRequest request;
    request.method = method;
    EXPECT_TRUE(request.SetTarget(target).ok());
    request.body = body;
    request.remote_address = "127.0.0.1";
    if (!body.empty()) request.headers.Set("Content-Type", "application/json");  // `headers` may replace it
    for (const auto& [name, value] : headers) request.headers.Set(name, value);
    return router_.Handle(request);
  }

  TempDir dir_;
  std::unique_ptr<UserRepository> repository_;
  AuthPolicy policy_;
  std::unique_ptr<AuthService> auth_;
  Router router_;
  std::unique_ptr<ApiRouter> api_;
  std::string password_;

  // Signs in; returns {cookie header value, csrf token, body}.
  std::tuple<std::string, std::string, nlohmann::json> SignIn(const std::string& password,
                                                              const std::string& totp = "") {
    nlohmann::json request = {{"username", "wangjh"}, {"password", password}};
    if (!totp.empty()) request["totp"] = totp;
    HttpResponse in = Call("POST", "/api/v1/session", request.dump());
    EXPECT_EQ(in.status, 200) << in.body;
    if (in.status != 200) return {};
    std::string cookie(in.headers.Get("Set-Cookie").value_or(""));
    nlohmann::json body = nlohmann::json::parse(in.body);
    return {"lx_session=" + std::string(CookieValue(cookie, "lx_session")), body["csrf_token"], body};
  }
};

// A one-time password signs in to a restricted session: it can change the
// password and nothing else; then the new password signs in unrestricted,
// TOTP can be enrolled and confirmed, and is asked for from then on.
TEST_F(SessionApiTest, RestrictedSessionChangesPasswordThenEnrolsTotp) {
  auto [session, csrf, body] = SignIn(password_);
  ASSERT_TRUE(body["must_change_password"].get<bool>());
  std::vector<std::pair<std::string, std::string>> headers = {{"Cookie", session}, {"X-CSRF-Token", csrf}};
  HttpResponse weak =
      Call("POST", "/api/v1/me/password",
           nlohmann::json{{"old_password", password_}, {"new_password", "short"}}.dump(), headers);
  EXPECT_EQ(weak.status, 400);
  EXPECT_NE(weak.body.find("password_too_short"), std::string::npos) << weak.body;
  EXPECT_EQ(Call("POST", "/api/v1/me/password", "{}", headers).status, 400);

  const std::string fresh = "Lianxin-2026-safe";
  HttpResponse changed =
      Call("POST", "/api/v1/me/password",
           nlohmann::json{{"old_password", password_}, {"new_password", fresh}}.dump(), headers);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_NE(std::string(changed.headers.Get("Set-Cookie").value_or("")).find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/me", "", {{"Cookie", session}}).status, 401)
      << "sessions end with the change";

  auto [session2, csrf2, body2] = SignIn(fresh);
  EXPECT_FALSE(body2["must_change_password"].get<bool>());
  headers = {{"Cookie", session2}, {"X-CSRF-Token", csrf2}};
  HttpResponse enrol = Call("POST", "/api/v1/me/totp", "", headers);
  ASSERT_EQ(enrol.status, 200) << enrol.body;
  std::string secret_b32 = nlohmann::json::parse(enrol.body)["secret"];
  EXPECT_EQ(nlohmann::json::parse(enrol.body)["otpauth_uri"].get<std::string>().rfind("otpauth://totp/", 0),
            0u);
  // The test holds the raw secret the way an authenticator app would: decode base32.
  std::string secret;
  int bits = 0, value = 0;
  for (char c : secret_b32) {
    int v = c >= 'A' && c <= 'Z' ? c - 'A' : c - '2' + 26;
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      secret.push_back(static_cast<char>((value >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  std::int64_t now = SystemClock().NowMillis() / 1000;
  EXPECT_EQ(Call("POST", "/api/v1/me/totp/confirm", R"({"code":"000000x"})", headers).status, 400);
  HttpResponse confirmed = Call("POST", "/api/v1/me/totp/confirm",
                                nlohmann::json{{"code", TotpCode(secret, now)}}.dump(), headers);
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  HttpResponse without =
      Call("POST", "/api/v1/session", nlohmann::json{{"username", "wangjh"}, {"password", fresh}}.dump());
  EXPECT_EQ(without.status, 401);
  EXPECT_NE(without.body.find("totp_required"), std::string::npos) << without.body;
}

TEST_F(SessionApiTest, RestrictedSessionReachesNothingElse) {
  Router& router = router_;
  // A route of the registry kind, gated like the real ones.
  api_->Add("GET", "/api/v1/households",
            [](HttpRequest&, const Caller&) { return HttpResponse::Json(200, {}); });
  auto [session, csrf, body] = SignIn(password_);
  HttpResponse refused = Call("GET", "/api/v1/households", "", {{"Cookie", session}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("restricted_session"), std::string::npos) << refused.body;
  (void)router;
}

TEST(ApiRouterTest, ARouteMissingFromTheAllowTableCannotBeAdded) {
  TempDir dir;
  auto repository =
      std::move(Store::OpenUserRepository(DbTarget(dir / "a.db"), DbOptions(dir / "a.db"))).value();
  AuthService auth(*repository, AuthPolicy{}, SystemClock());
  Router router;
  ApiRouter api(router, auth, {});
  EXPECT_THROW(
      api.Add("GET", "/api/v1/secret-backdoor", [](HttpRequest&, const Caller&) { return HttpResponse{}; }),
      std::logic_error);
}

TEST_F(SessionApiTest, SignInMeAndSignOutWithCsrf) {
  HttpResponse wrong = Call("POST", "/api/v1/session", R"({"username":"wangjh","password":"Nope-12345"})");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(wrong.body.find("bad_credentials"), std::string::npos) << wrong.body;
  EXPECT_EQ(Call("POST", "/api/v1/session", "not json").status, 400);

  HttpResponse in =
      Call("POST", "/api/v1/session", nlohmann::json{{"username", "wangjh"}, {"password", password_}}.dump());
  ASSERT_EQ(in.status, 200) << in.body;
  std::string cookie(in.headers.Get("Set-Cookie").value_or(""));
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  std::string token(CookieValue(cookie, "lx_session"));
  ASSERT_EQ(token.size(), 43u);
  nlohmann::json body = nlohmann::json::parse(in.body);
  std::string csrf = body["csrf_token"];
  EXPECT_TRUE(body["must_change_password"].get<bool>()) << "a one-time password must be changed";
  EXPECT_EQ(in.body.find(token), std::string::npos) << "the session token never appears in a body";

  std::string session = "lx_session=" + token;
  HttpResponse me = Call("GET", "/api/v1/me", "", {{"Cookie", "theme=dark; " + session}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(nlohmann::json::parse(me.body)["user"]["username"], "wangjh");
  EXPECT_EQ(Call("GET", "/api/v1/me").status, 401);

  EXPECT_EQ(Call("DELETE", "/api/v1/session", "", {{"Cookie", session}}).status, 403) << "no CSRF token";
  EXPECT_EQ(Call("DELETE", "/api/v1/session", "",
                 {{"Cookie", session}, {"X-CSRF-Token", csrf}, {"Origin", "https://evil.example"}})
                .status,
            403)
      << "a foreign Origin";
  EXPECT_EQ(Call("DELETE", "/api/v1/session", "", {{"Cookie", session}, {"X-CSRF-Token", csrf}}).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/me", "", {{"Cookie", session}}).status, 401) << "signed out";
}

TEST(CookieTest, FindsTheNamedCookieOnly) {
  EXPECT_EQ(CookieValue("a=1; lx_session=abc; b=2", "lx_session"), "abc");
  EXPECT_EQ(CookieValue("xlx_session=abc", "lx_session"), "");
  EXPECT_EQ(CookieValue("lx_session_old=1;lx_session=z", "lx_session"), "z");
  EXPECT_EQ(CookieValue("", "lx_session"), "");
  EXPECT_EQ(SessionCookieName({.tls = true}), "__Host-lx_session");
}

}  // namespace
}  // namespace lianxin::testing
