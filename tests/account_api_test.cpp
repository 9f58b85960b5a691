// The three admins' consoles through the router, on the SQLite repository:
// accounts (sysadmin), roles and locks (secadmin), the audit log (auditor),
// and 三权分立 between them.
#include <gtest/gtest.h>
#include <sodium.h>

#include <map>

#include "auth/in_memory_user_repository.hpp"
#include "lianxin/access.hpp"
#include "lianxin/api.hpp"
#include "lianxin/table_io.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kPassword = "Lianxin-2026-safe";

// The raw secret from an otpauth URI's base32 "secret=", as an authenticator
// app reads it.
std::string SecretOf(std::string_view uri) {
  size_t at = uri.find("secret=");
  if (at == std::string_view::npos) return {};
  std::string_view b32 = uri.substr(at + 7, uri.find('&', at) - at - 7);
  std::string secret;
  int bits = 0, value = 0;
  for (char c : b32) {
    int v = c >= 'A' && c <= 'Z' ? c - 'A' : c - '2' + 26;
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      secret.push_back(static_cast<char>((value >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return secret;
}

nlohmann::json Parse(const HttpResponse& response) { return nlohmann::json::parse(response.body); }

std::string FieldOf(const HttpResponse& response) {
  return Parse(response)["error"].value("field", std::string());
}

class AccountApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repository_ =
        std::move(Store::OpenUserRepository(DbTarget(dir_ / "a.db"), DbOptions(dir_ / "a.db"))).value();
    policy_.argon2_opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN;
    policy_.argon2_memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN;
    auth_ = std::make_unique<AuthService>(*repository_, policy_, clock_);
    api_ = std::make_unique<ApiRouter>(router_, *auth_, ApiOptions{});
    AddSessionRoutes(*api_);
    AddAccountRoutes(*api_, *repository_);
    MakeAccount("sys1", Role::kSysadmin, {});
    MakeAccount("sec1", Role::kSecadmin, {});
    MakeAccount("aud1", Role::kAuditor, {});
    MakeAccount("cadre1", Role::kCadre, {ScopeKind::kCadre, "149901C00009"});
  }

  // An account with a permanent password; the three admins also with TOTP
  // enrolled and confirmed, so their sessions are unrestricted.
  void MakeAccount(const std::string& username, Role role, const Scope& scope) {
    const Actor root{"cli:root", "local"};  // the local operator: no approval needed
    Result<CreatedUser> created = auth_->CreateUser(root, username, "测试 " + username, {role}, scope);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    Status set = auth_->SetPassword(root, username, kPassword, /*must_change=*/false);
    ASSERT_TRUE(set.ok()) << set.ToString();
    if (!IsSeparatedAdmin(role)) return;
    Result<std::string> uri = auth_->EnrolTotp({username, "127.0.0.1"}, username);
    ASSERT_TRUE(uri.ok()) << uri.status().ToString();
    secrets_[username] = SecretOf(*uri);
    Status confirmed = auth_->ConfirmTotp({username, "127.0.0.1"}, username, Code(username));
    ASSERT_TRUE(confirmed.ok()) << confirmed.ToString();
  }

  // The TOTP code of the current step; the clock moves one step on before
  // every sign-in, as the replay guard refuses a step twice.
  std::string Code(const std::string& username) {
    return TotpCode(secrets_[username], clock_.NowMillis() / 1000);
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                    const Headers& headers = {}) {
    HttpRequest request;
    request.method = method;
    EXPECT_TRUE(request.SetTarget(target).ok()) << target;
    request.body = body;
    request.remote_address = "127.0.0.1";
    if (!body.empty()) request.headers.Set("Content-Type", "application/json");  // `headers` may replace it
    for (const auto& [name, value] : headers) request.headers.Set(name, value);
    return router_.Handle(request);
  }

  HttpResponse TrySignIn(const std::string& username, std::string_view password) {
    clock_.Advance(30'000);
    nlohmann::json request = {{"username", username}, {"password", password}};
    if (secrets_.count(username)) request["totp"] = Code(username);
    return Call("POST", "/api/v1/session", request.dump());
  }

  // Signs in; the Cookie and X-CSRF-Token headers of the session.
  Headers SignIn(const std::string& username, std::string_view password = kPassword) {
    HttpResponse in = TrySignIn(username, password);
    EXPECT_EQ(in.status, 200) << username << ": " << in.body;
    if (in.status != 200) return {};
    std::string cookie(in.headers.Get("Set-Cookie").value_or(""));
    return {{"Cookie", "lx_session=" + std::string(CookieValue(cookie, "lx_session"))},
            {"X-CSRF-Token", Parse(in)["csrf_token"].get<std::string>()}};
  }

  // The account as GET /api/v1/users shows it to `as`.
  nlohmann::json Listed(const Headers& as, const std::string& username) {
    HttpResponse list = Call("GET", "/api/v1/users", "", as);
    EXPECT_EQ(list.status, 200) << list.body;
    const nlohmann::json items = Parse(list)["items"];
    for (const nlohmann::json& item : items) {
      if (item["username"] == username) return item;
    }
    return nullptr;
  }

  TempDir dir_;
  ManualClock clock_{1'767'225'600'000};  // 2026-01-01T00:00:00Z
  std::unique_ptr<UserRepository> repository_;
  AuthPolicy policy_;
  std::unique_ptr<AuthService> auth_;
  Router router_;
  std::unique_ptr<ApiRouter> api_;
  std::map<std::string, std::string> secrets_;
};

const std::string kNewCadre =
    R"({"username":"wangjh","display_name":"王建华","roles":["cadre"],"scope":{"kind":"cadre","code":"149901C00001"}})";

TEST_F(AccountApiTest, SysadminCreatesAUserWhoseOneTimePasswordSignsIn) {
  Headers sys = SignIn("sys1");
  HttpResponse created = Call("POST", "/api/v1/users", kNewCadre, sys);
  ASSERT_EQ(created.status, 201) << created.body;
  nlohmann::json body = Parse(created);
  std::string one_time = body["one_time_password"];
  ASSERT_FALSE(one_time.empty());
  EXPECT_EQ(body["user"]["username"], "wangjh");
  // 三权分立: the roles wait for the security admin.
  EXPECT_TRUE(body["pending_approval"].get<bool>());
  EXPECT_EQ(body["user"]["roles"], nlohmann::json::array());
  EXPECT_EQ(body["user"]["scope"], (nlohmann::json{{"kind", "none"}, {"code", ""}}));
  EXPECT_TRUE(body["user"]["must_change_password"].get<bool>());
  EXPECT_EQ(created.body.find("password_hash"), std::string::npos);
  const std::int64_t created_at = clock_.NowMillis();
  Headers sec = SignIn("sec1");
  HttpResponse approvals = Call("GET", "/api/v1/approvals", "", sec);
  ASSERT_EQ(approvals.status, 200) << approvals.body;
  EXPECT_EQ(
      Parse(approvals)["items"],
      nlohmann::json::parse(
          R"([{"kind":"grant","requested_by":"sys1","requested_millis":)" + std::to_string(created_at) +
          R"(,"roles":["cadre"],"scope":{"code":"149901C00001","kind":"cadre"},"username":"wangjh"}])"));
  HttpResponse approved = Call("POST", "/api/v1/users/wangjh/approve", "", sec);
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(Parse(approved)["user"]["roles"], nlohmann::json::array({"cadre"}));
  EXPECT_EQ(Parse(approved)["user"]["scope"], (nlohmann::json{{"kind", "cadre"}, {"code", "149901C00001"}}));
  EXPECT_EQ(Parse(Call("GET", "/api/v1/approvals", "", sec))["items"], nlohmann::json::array());

  HttpResponse in = TrySignIn("wangjh", one_time);
  ASSERT_EQ(in.status, 200) << in.body;
  EXPECT_TRUE(Parse(in)["must_change_password"].get<bool>());

  nlohmann::json listed = Listed(sys, "wangjh");
  ASSERT_TRUE(listed.is_object());
  EXPECT_FALSE(listed["disabled"].get<bool>());
  EXPECT_FALSE(listed["locked"].get<bool>());
  EXPECT_FALSE(listed["totp_confirmed"].get<bool>());
  EXPECT_EQ(listed["last_login_millis"], clock_.NowMillis());
  EXPECT_TRUE(Listed(sys, "sys1")["totp_confirmed"].get<bool>());

  EXPECT_EQ(Call("POST", "/api/v1/users", kNewCadre, sys).status, 409);
  HttpResponse bad_role =
      Call("POST", "/api/v1/users", R"({"username":"lisi","display_name":"李四","roles":["king"]})", sys);
  EXPECT_EQ(bad_role.status, 400);
  EXPECT_EQ(FieldOf(bad_role), "roles") << bad_role.body;
  HttpResponse not_array =
      Call("POST", "/api/v1/users", R"({"username":"lisi","display_name":"李四","roles":"cadre"})", sys);
  EXPECT_EQ(FieldOf(not_array), "roles") << not_array.body;
  HttpResponse bad_scope =
      Call("POST", "/api/v1/users",
           R"({"username":"lisi","display_name":"李四","roles":["cadre"],"scope":{"kind":"galaxy"}})", sys);
  EXPECT_EQ(bad_scope.status, 400);
  EXPECT_EQ(FieldOf(bad_scope), "scope") << bad_scope.body;
  HttpResponse bad_code = Call(
      "POST", "/api/v1/users",
      R"({"username":"lisi","display_name":"李四","roles":["county_admin"],"scope":{"kind":"region","code":"12"}})",
      sys);
  EXPECT_EQ(FieldOf(bad_code), "scope") << bad_code.body;
  HttpResponse two_admins =
      Call("POST", "/api/v1/users",
           R"({"username":"lisi","display_name":"李四","roles":["sysadmin","auditor"]})", sys);
  EXPECT_EQ(two_admins.status, 400);
  EXPECT_NE(two_admins.body.find("roles_separation"), std::string::npos) << two_admins.body;
  EXPECT_EQ(Call("POST", "/api/v1/users", kNewCadre, {sys[0]}).status, 403) << "no CSRF token";
}

TEST_F(AccountApiTest, SysadminDisablesEnablesAndResetsPasswords) {
  Headers sys = SignIn("sys1");
  Headers cadre = SignIn("cadre1");
  HttpResponse disabled = Call("POST", "/api/v1/users/cadre1/disable", "", sys);
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_TRUE(Parse(disabled)["user"]["disabled"].get<bool>());
  EXPECT_EQ(Call("GET", "/api/v1/me", "", cadre).status, 401) << "disabling ends the sessions";
  EXPECT_EQ(TrySignIn("cadre1", kPassword).status, 401);

  HttpResponse enabled = Call("POST", "/api/v1/users/cadre1/enable", "", sys);
  ASSERT_EQ(enabled.status, 200) << enabled.body;
  EXPECT_FALSE(Parse(enabled)["user"]["disabled"].get<bool>());

  HttpResponse reset = Call("POST", "/api/v1/users/cadre1/reset-password", "", sys);
  ASSERT_EQ(reset.status, 200) << reset.body;
  std::string one_time = Parse(reset)["one_time_password"];
  EXPECT_TRUE(Parse(reset)["pending_approval"].get<bool>());
  // Until the security admin approves, the old password holds, not the new.
  EXPECT_EQ(TrySignIn("cadre1", one_time).status, 401);
  EXPECT_EQ(TrySignIn("cadre1", kPassword).status, 200);
  Headers sec = SignIn("sec1");
  HttpResponse approved = Call("POST", "/api/v1/users/cadre1/approve", "", sec);
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_TRUE(Parse(approved)["user"]["must_change_password"].get<bool>());
  EXPECT_EQ(TrySignIn("cadre1", kPassword).status, 401);
  EXPECT_EQ(TrySignIn("cadre1", one_time).status, 200);
  // A rejected reset changes nothing.
  HttpResponse again = Call("POST", "/api/v1/users/cadre1/reset-password", "", sys);
  ASSERT_EQ(again.status, 200) << again.body;
  ASSERT_EQ(Call("POST", "/api/v1/users/cadre1/reject", "", sec).status, 200);
  EXPECT_EQ(TrySignIn("cadre1", Parse(again)["one_time_password"].get<std::string>()).status, 401);
  EXPECT_EQ(Call("POST", "/api/v1/users/cadre1/approve", "", sec).status, 404) << "nothing left to approve";

  HttpResponse self = Call("POST", "/api/v1/users/sys1/disable", "", sys);
  EXPECT_EQ(self.status, 403);
  EXPECT_NE(self.body.find("self_change_refused"), std::string::npos) << self.body;
  EXPECT_EQ(Call("POST", "/api/v1/users/nobody/disable", "", sys).status, 404);
}

TEST_F(AccountApiTest, SecadminChangesRolesAndTheChangeShows) {
  Headers sec = SignIn("sec1");
  HttpResponse changed =
      Call("PUT", "/api/v1/users/cadre1/roles",
           R"({"roles":["cadre","unit_head"],"scope":{"kind":"unit","code":"U001"}})", sec);
  ASSERT_EQ(changed.status, 200) << changed.body;
  nlohmann::json listed = Listed(sec, "cadre1");
  EXPECT_EQ(listed["roles"], nlohmann::json::array({"unit_head", "cadre"}));
  EXPECT_EQ(listed["scope"], (nlohmann::json{{"kind", "unit"}, {"code", "U001"}}));
  Headers cadre = SignIn("cadre1");
  HttpResponse me = Call("GET", "/api/v1/me", "", cadre);
  EXPECT_EQ(Parse(me)["user"]["roles"], nlohmann::json::array({"unit_head", "cadre"}));

  // Roles alone keep the scope.
  ASSERT_EQ(Call("PUT", "/api/v1/users/cadre1/roles", R"({"roles":["cadre"]})", sec).status, 200);
  EXPECT_EQ(Listed(sec, "cadre1")["scope"]["code"], "U001");

  // A bad scope changes nothing, not even the roles given with it.
  HttpResponse bad_scope =
      Call("PUT", "/api/v1/users/cadre1/roles", R"({"roles":["unit_head"],"scope":{"kind":"unit"}})", sec);
  EXPECT_EQ(bad_scope.status, 400);
  EXPECT_EQ(FieldOf(bad_scope), "scope") << bad_scope.body;
  EXPECT_EQ(Listed(sec, "cadre1")["roles"], nlohmann::json::array({"cadre"}));
  HttpResponse bad_role = Call("PUT", "/api/v1/users/cadre1/roles", R"({"roles":["cadre",7]})", sec);
  EXPECT_EQ(FieldOf(bad_role), "roles") << bad_role.body;
  HttpResponse missing = Call("PUT", "/api/v1/users/cadre1/roles", R"({})", sec);
  EXPECT_EQ(FieldOf(missing), "roles") << missing.body;
  HttpResponse mixed = Call("PUT", "/api/v1/users/cadre1/roles", R"({"roles":["secadmin","cadre"]})", sec);
  EXPECT_NE(mixed.body.find("roles_separation"), std::string::npos) << mixed.body;
  HttpResponse self = Call("PUT", "/api/v1/users/sec1/roles", R"({"roles":["county_admin"]})", sec);
  EXPECT_EQ(self.status, 403) << "no one grants itself a role";
  EXPECT_EQ(Call("PUT", "/api/v1/users/nobody/roles", R"({"roles":["cadre"]})", sec).status, 404);
}

TEST_F(AccountApiTest, SecadminUnlocksAndResetsTotp) {
  Headers sec = SignIn("sec1");
  for (int i = 0; i < policy_.lockout_attempts; ++i)
    EXPECT_EQ(TrySignIn("cadre1", "Wrong-pass-123").status, 401);
  EXPECT_TRUE(Listed(sec, "cadre1")["locked"].get<bool>());
  HttpResponse locked = TrySignIn("cadre1", kPassword);
  EXPECT_EQ(locked.status, 429) << "locked from this address";
  // TrySignIn moved the clock on 30 s since the lock began.
  EXPECT_EQ(locked.headers.Get("Retry-After").value_or(""),
            std::to_string(policy_.lockout_minutes * 60 - 30));
  HttpResponse unlocked = Call("POST", "/api/v1/users/cadre1/unlock", "", sec);
  ASSERT_EQ(unlocked.status, 200) << unlocked.body;
  EXPECT_FALSE(Parse(unlocked)["user"]["locked"].get<bool>());
  EXPECT_EQ(TrySignIn("cadre1", kPassword).status, 200);

  Result<std::string> uri = auth_->EnrolTotp({"cadre1", "r"}, "cadre1");
  ASSERT_TRUE(uri.ok());
  secrets_["cadre1"] = SecretOf(*uri);
  ASSERT_TRUE(auth_->ConfirmTotp({"cadre1", "r"}, "cadre1", Code("cadre1")).ok());
  HttpResponse reset = Call("POST", "/api/v1/users/cadre1/reset-totp", "", sec);
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_FALSE(Parse(reset)["user"]["totp_confirmed"].get<bool>());
  HttpResponse admin = Call("POST", "/api/v1/users/aud1/reset-totp", "", sec);
  EXPECT_EQ(admin.status, 403) << "not another of the three admins";
  EXPECT_NE(admin.body.find("admin_protected"), std::string::npos) << admin.body;
  EXPECT_EQ(Call("POST", "/api/v1/users/sec1/reset-totp", "", sec).status, 403) << "not on oneself";
}

// 三权分立: each admin reaches its own console only, and a business role none.
TEST_F(AccountApiTest, EachAdminReachesItsOwnConsoleOnly) {
  Headers sys = SignIn("sys1");
  Headers sec = SignIn("sec1");
  Headers aud = SignIn("aud1");
  Headers cadre = SignIn("cadre1");
  const std::string roles = R"({"roles":["cadre"]})";
  EXPECT_EQ(Call("PUT", "/api/v1/users/cadre1/roles", roles, sys).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/users/cadre1/unlock", "", sys).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/users/cadre1/reset-totp", "", sys).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/audit", "", sys).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/users", kNewCadre, sec).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/users/cadre1/disable", "", sec).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/users/cadre1/reset-password", "", sec).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/audit", "", sec).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/users", "", aud).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/users", kNewCadre, aud).status, 403);
  EXPECT_EQ(Call("PUT", "/api/v1/users/cadre1/roles", roles, aud).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/users", "", sys).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/users", "", sec).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/audit", "", aud).status, 200);

  const std::vector<std::tuple<std::string, std::string, std::string>> all = {
      {"GET", "/api/v1/users", ""},
      {"POST", "/api/v1/users", kNewCadre},
      {"POST", "/api/v1/users/sys1/disable", ""},
      {"POST", "/api/v1/users/sys1/enable", ""},
      {"POST", "/api/v1/users/sys1/reset-password", ""},
      {"PUT", "/api/v1/users/sys1/roles", roles},
      {"POST", "/api/v1/users/sys1/unlock", ""},
      {"POST", "/api/v1/users/sys1/reset-totp", ""},
      {"GET", "/api/v1/audit", ""},
  };
  for (const auto& [method, target, body] : all) {
    HttpResponse refused = Call(method, target, body, cadre);
    EXPECT_EQ(refused.status, 403) << method << " " << target;
    EXPECT_NE(refused.body.find("forbidden"), std::string::npos) << refused.body;
    EXPECT_EQ(Call(method, target, body).status, 401) << "signed out: " << method << " " << target;
  }
  EXPECT_EQ(Listed(sys, "cadre1")["roles"], nlohmann::json::array({"cadre"})) << "nothing changed";
}

TEST_F(AccountApiTest, AuditorReadsTheLogNewestFirstWithPagingAndFilters) {
  Headers sys = SignIn("sys1");
  const std::int64_t after_sign_in = clock_.NowMillis() + 1;
  clock_.Advance(1'000);
  HttpResponse created = Call("POST", "/api/v1/users", kNewCadre, sys);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string one_time = Parse(created)["one_time_password"];
  EXPECT_EQ(TrySignIn("wangjh", "Wrong-pass-123").status, 401);
  Headers aud = SignIn("aud1");

  HttpResponse log = Call("GET", "/api/v1/audit?limit=1000", "", aud);
  ASSERT_EQ(log.status, 200) << log.body;
  EXPECT_EQ(log.body.find(one_time), std::string::npos) << "no secret in the log";
  nlohmann::json all = Parse(log)["items"];
  EXPECT_TRUE(Parse(log)["next"].is_null());
  ASSERT_GE(all.size(), 5u);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_GT(all[i - 1]["seq"], all[i]["seq"]) << "newest first";
  EXPECT_EQ(all[0]["action"], "sign_in");
  EXPECT_EQ(all[0]["actor"], "aud1");
  auto find = [&](const std::string& action, const std::string& actor, const std::string& outcome) {
    for (const nlohmann::json& item : all) {
      if (item["action"] == action && item["actor"] == actor && item["outcome"] == outcome) return item;
    }
    return nlohmann::json();
  };
  nlohmann::json create = find("user_create", "sys1", "ok");
  ASSERT_TRUE(create.is_object()) << log.body;
  EXPECT_EQ(create["target"], "wangjh");
  EXPECT_EQ(create["remote"], "127.0.0.1");
  EXPECT_TRUE(find("sign_in", "sys1", "ok").is_object()) << log.body;
  EXPECT_TRUE(find("sign_in", "wangjh", "bad_credentials").is_object()) << log.body;
  for (const char* key : {"seq", "at_millis", "actor", "action", "target", "remote", "outcome", "detail"}) {
    EXPECT_TRUE(create.contains(key)) << key;
  }

  // Page by page, the cursor reaches the older ones and, in all, the same log.
  nlohmann::json paged = nlohmann::json::array();
  std::string target = "/api/v1/audit?limit=2";
  for (int pages = 0; pages < 100; ++pages) {
    HttpResponse page = Call("GET", target, "", aud);
    ASSERT_EQ(page.status, 200) << page.body;
    nlohmann::json body = Parse(page);
    EXPECT_LE(body["items"].size(), 2u);
    for (const nlohmann::json& item : body["items"]) paged.push_back(item);
    if (body["next"].is_null()) break;
    EXPECT_EQ(body["next"], std::to_string(body["items"].back()["seq"].get<std::int64_t>()));
    target = "/api/v1/audit?limit=2&cursor=" + body["next"].get<std::string>();
  }
  // The auditor's own reads add nothing to the log.
  EXPECT_EQ(paged, all);

  nlohmann::json by_sys = Parse(Call("GET", "/api/v1/audit?actor=sys1", "", aud))["items"];
  ASSERT_FALSE(by_sys.empty());
  for (const nlohmann::json& item : by_sys) EXPECT_EQ(item["actor"], "sys1");
  nlohmann::json creates = Parse(Call("GET", "/api/v1/audit?action=user_create", "", aud))["items"];
  EXPECT_EQ(creates.size(), 5u) << "four accounts of the fixture and wangjh";
  nlohmann::json sys_creates =
      Parse(Call("GET", "/api/v1/audit?action=user_create&actor=sys1", "", aud))["items"];
  ASSERT_EQ(sys_creates.size(), 1u);
  EXPECT_EQ(sys_creates[0]["seq"], create["seq"]);
  nlohmann::json since =
      Parse(Call("GET", "/api/v1/audit?since=" + std::to_string(after_sign_in), "", aud))["items"];
  ASSERT_FALSE(since.empty());
  for (const nlohmann::json& item : since) EXPECT_GE(item["at_millis"].get<std::int64_t>(), after_sign_in);
  EXPECT_EQ(since.back()["seq"], create["seq"]) << "the sign-ins before are left out";

  for (const char* bad : {"limit=0", "limit=1001", "limit=ten", "limit=", "limit=5x"}) {
    HttpResponse refused = Call("GET", std::string("/api/v1/audit?") + bad, "", aud);
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_EQ(FieldOf(refused), "limit") << bad;
  }
  for (const char* bad : {"cursor=abc", "cursor=-1", "cursor=0", "cursor=99999999999999999999"}) {
    HttpResponse refused = Call("GET", std::string("/api/v1/audit?") + bad, "", aud);
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_EQ(FieldOf(refused), "cursor") << bad;
  }
  EXPECT_EQ(FieldOf(Call("GET", "/api/v1/audit?since=yesterday", "", aud)), "since");
}

// 登录日志 and 操作日志 leave as files for the archive, oldest first, each
// row one event as the log holds it; the export is itself audited.
TEST_F(AccountApiTest, AuditorExportsTheLoginAndTheOperationLog) {
  Headers sys = SignIn("sys1");
  clock_.Advance(1'000);
  ASSERT_EQ(Call("POST", "/api/v1/users", kNewCadre, sys).status, 201);
  EXPECT_EQ(TrySignIn("wangjh", "Wrong-pass-123").status, 401);
  Headers aud = SignIn("aud1");
  const nlohmann::json all = Parse(Call("GET", "/api/v1/audit?limit=1000", "", aud))["items"];
  // What the log held then: the exports below are audited after it.
  const std::string until = "&until=" + std::to_string(clock_.NowMillis() + 1);
  clock_.Advance(1'000);
  auto login = [](const std::string& action) {
    return action == "sign_in" || action == "sign_out" || action == "session_expire" ||
           action == "session_revoke" || action == "lockout";
  };
  // Rows of an exported file: seq, time, actor, action (label), action, target, outcome, remote, detail.
  auto rows_of = [&](HttpResponse response) {
    std::vector<std::vector<std::string>> rows;
    Result<std::unique_ptr<TableReader>> reader =
        response.headers.Get("Content-Type").value_or("").starts_with("text/csv") ? OpenCsv(response.body)
                                                                                  : OpenXlsx(response.body);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return rows;
    TableRow row;
    while (true) {
      Result<bool> next = (*reader)->Next(row);
      EXPECT_TRUE(next.ok());
      if (!next.ok() || !*next) break;
      rows.push_back(row.cells);
    }
    return rows;
  };

  for (const std::string log : {"login", "operation"}) {
    for (const std::string format : {"csv", "xlsx"}) {
      HttpResponse file =
          Call("GET", "/api/v1/audit/export?log=" + log + "&format=" + format + until, "", aud);
      ASSERT_EQ(file.status, 200) << log << " " << format << ": " << file.body;
      EXPECT_NE(file.headers.Get("Content-Disposition").value_or("").find(log + "-log." + format),
                std::string::npos);
      std::vector<std::vector<std::string>> rows = rows_of(file);
      ASSERT_FALSE(rows.empty());
      EXPECT_EQ(rows[0][0], "序号");
      std::vector<std::string> expected;  // the API's seqs of this log, oldest first
      for (auto it = all.rbegin(); it != all.rend(); ++it)
        if (login((*it)["action"]) == (log == "login"))
          expected.push_back(std::to_string((*it)["seq"].get<std::int64_t>()));
      std::vector<std::string> got;
      for (size_t i = 1; i < rows.size(); ++i) {
        got.push_back(rows[i][0]);
        EXPECT_EQ(login(rows[i][4]), log == "login") << rows[i][4];
      }
      EXPECT_EQ(got, expected) << log << " " << format;
    }
  }
  // The refused sign-in, in the auditor's words, with its reason.
  std::vector<std::vector<std::string>> logins =
      rows_of(Call("GET", "/api/v1/audit/export?log=login&format=csv&actor=wangjh", "", aud));
  ASSERT_EQ(logins.size(), 2u);
  EXPECT_EQ(logins[1][3], "登录");
  EXPECT_EQ(logins[1][6], "拒绝 bad_credentials");

  nlohmann::json exports = Parse(Call("GET", "/api/v1/audit?action=audit_export", "", aud))["items"];
  ASSERT_EQ(exports.size(), 5u) << "each export is audited";
  EXPECT_EQ(exports[0]["actor"], "aud1");
  EXPECT_EQ(exports[0]["target"], "login");

  EXPECT_EQ(FieldOf(Call("GET", "/api/v1/audit/export?log=everything", "", aud)), "log");
  EXPECT_EQ(FieldOf(Call("GET", "/api/v1/audit/export?format=pdf", "", aud)), "format");
  EXPECT_EQ(FieldOf(Call("GET", "/api/v1/audit/export?until=soon", "", aud)), "until");
  EXPECT_EQ(Call("GET", "/api/v1/audit/export", "", sys).status, 403) << "the auditor's alone";
}

// The SQLite and the in-memory repositories read the audit log alike.
TEST(AuditReadTest, RepositoriesPageAndFilterAlike) {
  TempDir dir;
  std::unique_ptr<UserRepository> sqlite =
      std::move(Store::OpenUserRepository(DbTarget(dir / "r.db"), DbOptions(dir / "r.db"))).value();
  InMemoryUserRepository memory;
  for (UserRepository* repository : {sqlite.get(), static_cast<UserRepository*>(&memory)}) {
    for (int i = 0; i < 6; ++i) {
      AuditEvent event{1000 + i, i % 2 ? "alice" : "bob", i % 3 ? "sign_in" : "user_create", "t", "::1", "ok",
                       ""};
      ASSERT_TRUE(repository->Audit(event).ok());
    }
    Result<std::vector<AuditRecord>> newest = repository->ReadAudit({.limit = 4});
    ASSERT_TRUE(newest.ok()) << newest.status().ToString();
    ASSERT_EQ(newest->size(), 4u);
    EXPECT_EQ((*newest)[0].event.at_millis, 1005);
    EXPECT_EQ((*newest)[3].event.at_millis, 1002);
    Result<std::vector<AuditRecord>> older =
        repository->ReadAudit({.before_seq = (*newest)[3].seq, .limit = 4});
    ASSERT_EQ(older->size(), 2u);
    EXPECT_EQ((*older)[0].event.at_millis, 1001);
    // alice signs in at 1001 and 1005 (at 1003 she creates a user).
    Result<std::vector<AuditRecord>> alice =
        repository->ReadAudit({.since_millis = 1001, .actor = "alice", .action = "sign_in"});
    ASSERT_EQ(alice->size(), 2u);
    EXPECT_EQ((*alice)[0].event, (AuditEvent{1005, "alice", "sign_in", "t", "::1", "ok", ""}));
    EXPECT_EQ((*alice)[1].event.at_millis, 1001);
    EXPECT_EQ(repository->ReadAudit({.since_millis = 1002, .actor = "alice", .action = "sign_in"})->size(),
              1u);
    EXPECT_TRUE(repository->ReadAudit({.limit = 0})->empty());
  }
}

}  // namespace
}  // namespace lianxin::testing
