// Sign-in, who-am-I and sign-out through the router, on the SQLite repository.
#include <gtest/gtest.h>
#include <sodium.h>

#include "lianxin/api.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

class SessionApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repository_ = std::move(Store::OpenUserRepository(dir_ / "s.db", {})).value();
    policy_.argon2_opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN;
    policy_.argon2_memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN;
    auth_ = std::make_unique<AuthService>(*repository_, policy_, SystemClock());
    Result<CreatedUser> created = auth_->CreateUser({"sysadmin", "127.0.0.1"}, "wangjh", "王建华",
                                                    {Role::kCadre}, {ScopeKind::kCadre, "149901C00001"});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    password_ = created->one_time_password;
    AddSessionRoutes(router_, *auth_, {});
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    HttpRequest request;
    request.method = method;
    EXPECT_TRUE(request.SetTarget(target).ok());
    request.body = body;
    request.remote_address = "127.0.0.1";
    for (const auto& [name, value] : headers) request.headers.Set(name, value);
    return router_.Handle(request);
  }

  TempDir dir_;
  std::unique_ptr<UserRepository> repository_;
  AuthPolicy policy_;
  std::unique_ptr<AuthService> auth_;
  Router router_;
  std::string password_;
};

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
