// Issue "Under attack and under load", §2 and §4, through the whole server
// (App::BuildRouter over a demo county): no single admin reaches personal
// data alone; no admin acts on another of the three; reveal needs TOTP; a
// flood of bad sign-ins is limited before the argon2 work, locks out only the
// flooding address, and login takes JSON only; accounts, sessions and audit
// events are written by the group-commit writer.
#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace lianxin::testing {
namespace {

using json = nlohmann::json;

// A household of the demo county's township 001 (its first village).
constexpr char kHouseholdId[] = "1499010010010001";

// The raw secret of an otpauth URI's base32 "secret=", as an authenticator
// app reads it (RFC 4648 §6, upper case, no padding).
std::string SecretOf(std::string_view base32) {
  std::string secret;
  int bits = 0, value = 0;
  for (char c : base32) {
    value = (value << 5) | (c >= 'A' && c <= 'Z' ? c - 'A' : c - '2' + 26);
    bits += 5;
    if (bits >= 8) {
      secret.push_back(static_cast<char>((value >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return secret;
}

class AdminSeparationTest : public ApiFixture {
 protected:
  // Replaces the server with one on the same database under `config`.
  void Reopen(Config config) {
    router_ = Router();
    app_.reset();
    config.key_file = path_ + ".key";
    Result<std::unique_ptr<App>> app = App::Open(DbTarget(path_), config, SystemClock());
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = std::move(*app);
    router_ = app_->BuildRouter();
  }

  static Config TestConfig() {
    Config config = Config::Defaults();
    config.auth.argon2_opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN;
    config.auth.argon2_memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN;
    config.auth.totp_required_roles.clear();
    return config;
  }

  // POST /api/v1/session from `remote`, with the given Content-Type.
  HttpResponse SignInFrom(const std::string& remote, const std::string& username, const std::string& password,
                          const std::string& content_type = "application/json",
                          const std::string& forwarded_for = "") {
    HttpRequest request;
    request.method = "POST";
    EXPECT_TRUE(request.SetTarget("/api/v1/session").ok());
    request.body = json{{"username", username}, {"password", password}}.dump();
    request.remote_address = remote;
    request.headers.Set("Content-Type", content_type);
    if (!forwarded_for.empty()) request.headers.Set("X-Forwarded-For", forwarded_for);
    return router_.Handle(request);
  }

  static Headers SessionOf(const HttpResponse& in) {
    std::string cookie(in.headers.Get("Set-Cookie").value_or(""));
    return {{"Cookie", "lx_session=" + std::string(CookieValue(cookie, "lx_session"))},
            {"X-CSRF-Token", Json(in)["csrf_token"].get<std::string>()}};
  }
};

// The sysadmin makes a county-wide county admin and signs in with its
// one-time password: until the security admin approves the grant, the
// account reaches no personal data.
TEST_F(AdminSeparationTest, TheSysadminAloneReachesNoPersonalData) {
  SignedInAs sys = SignIn("sys", {Role::kSysadmin}, {});
  SignedInAs sec = SignIn("sec", {Role::kSecadmin}, {});
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  const std::string household = kHouseholdId;

  HttpResponse created = Call("POST", "/api/v1/users",
                              json{{"username", "ghost"},
                                   {"display_name", "幽灵"},
                                   {"roles", {"county_admin"}},
                                   {"scope", {{"kind", "region"}, {"code", kCounty}}}}
                                  .dump(),
                              sys.headers);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_TRUE(Json(created)["pending_approval"].get<bool>());
  HttpResponse in =
      Call("POST", "/api/v1/session",
           json{{"username", "ghost"}, {"password", Json(created)["one_time_password"]}}.dump());
  ASSERT_EQ(in.status, 200) << in.body;
  Headers ghost = SessionOf(in);
  ASSERT_EQ(
      Call("POST", "/api/v1/me/password",
           json{{"old_password", Json(created)["one_time_password"]}, {"new_password", kApiPassword}}.dump(),
           ghost)
          .status,
      200);
  ghost = SessionOf(
      Call("POST", "/api/v1/session", json{{"username", "ghost"}, {"password", kApiPassword}}.dump()));
  EXPECT_EQ(Call("GET", "/api/v1/me", "", ghost).status, 200) << "signed in, with no role";
  HttpResponse read = Call("GET", "/api/v1/households/" + household, "", ghost);
  EXPECT_EQ(read.status, 403) << read.body;
  EXPECT_NE(read.body.find("forbidden"), std::string::npos) << read.body;
  HttpResponse reveal = Call(
      "POST", "/api/v1/reveal",
      json{{"kind", "households"}, {"id", household}, {"field", "phone"}, {"reason", "核实"}}.dump(), ghost);
  EXPECT_EQ(reveal.status, 403) << reveal.body;
  EXPECT_EQ(Call("GET", "/api/v1/households/export", "", ghost).status, 403);
  // The sysadmin cannot approve its own request, nor give the role directly.
  EXPECT_EQ(Call("POST", "/api/v1/users/ghost/approve", "", sys.headers).status, 403);
  EXPECT_EQ(Call("PUT", "/api/v1/users/ghost/roles", R"({"roles":["county_admin"]})", sys.headers).status,
            403);

  // Once the security admin approves, the grant holds.
  HttpResponse approved = Call("POST", "/api/v1/users/ghost/approve", "", sec.headers);
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(Call("GET", "/api/v1/households/" + household, "", ghost).status, 200);
}

// A reset password is the resetter's to know: it holds only once approved,
// so the sysadmin cannot take over a county admin's account alone.
TEST_F(AdminSeparationTest, APasswordResetHoldsOnlyOnceApproved) {
  SignedInAs sys = SignIn("sys", {Role::kSysadmin}, {});
  SignedInAs sec = SignIn("sec", {Role::kSecadmin}, {});
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  HttpResponse reset = Call("POST", "/api/v1/users/county/reset-password", "", sys.headers);
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_TRUE(Json(reset)["pending_approval"].get<bool>());
  const std::string one_time = Json(reset)["one_time_password"];
  EXPECT_EQ(
      Call("POST", "/api/v1/session", json{{"username", "county"}, {"password", one_time}}.dump()).status,
      401);
  EXPECT_EQ(Call("GET", "/api/v1/me", "", county.headers).status, 200) << "the holder keeps working";
  json pending = Json(Call("GET", "/api/v1/approvals", "", sec.headers))["items"];
  ASSERT_EQ(pending.size(), 1u) << pending;
  EXPECT_EQ(pending[0]["kind"], "password_reset");
  EXPECT_EQ(pending[0]["requested_by"], "sys");
  EXPECT_FALSE(pending[0].contains("password_hash"));
  ASSERT_EQ(Call("POST", "/api/v1/users/county/approve", "", sec.headers).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/me", "", county.headers).status, 401) << "the reset ends the sessions";
  EXPECT_EQ(
      Call("POST", "/api/v1/session", json{{"username", "county"}, {"password", one_time}}.dump()).status,
      200);
}

// No admin disables, resets, unlocks or changes another of the three.
TEST_F(AdminSeparationTest, NoAdminActsOnAnotherOfTheThree) {
  SignedInAs sys = SignIn("sys", {Role::kSysadmin}, {});
  SignedInAs sec = SignIn("sec", {Role::kSecadmin}, {});
  SignedInAs aud = SignIn("aud", {Role::kAuditor}, {});
  const std::vector<std::tuple<const Headers*, std::string, std::string, std::string>> acts = {
      {&sys.headers, "POST", "/api/v1/users/aud/disable", ""},
      {&sys.headers, "POST", "/api/v1/users/sec/disable", ""},
      {&sys.headers, "POST", "/api/v1/users/aud/enable", ""},
      {&sys.headers, "POST", "/api/v1/users/sec/reset-password", ""},
      {&sec.headers, "POST", "/api/v1/users/sys/unlock", ""},
      {&sec.headers, "POST", "/api/v1/users/sys/reset-totp", ""},
      {&sec.headers, "PUT", "/api/v1/users/aud/roles",
       R"({"roles":["auditor"],"scope":{"kind":"region","code":"149901"}})"},
      {&sec.headers, "PUT", "/api/v1/users/aud/roles", R"({"roles":["cadre"]})"},
      {&sec.headers, "POST", "/api/v1/users/aud/approve", ""},
  };
  for (const auto& [headers, method, target, body] : acts) {
    HttpResponse refused = Call(method, target, body, *headers);
    EXPECT_EQ(refused.status, 403) << method << " " << target << ": " << refused.body;
    EXPECT_NE(refused.body.find("admin_protected"), std::string::npos) << target << ": " << refused.body;
  }
  EXPECT_EQ(Call("GET", "/api/v1/audit", "", aud.headers).status, 200) << "the auditor is untouched";
  // Nor do they make a fourth admin to act with.
  HttpResponse second =
      Call("POST", "/api/v1/users", R"({"username":"sec2","display_name":"二号","roles":["secadmin"]})",
           sys.headers);
  EXPECT_EQ(second.status, 403) << second.body;
  SignedInAs cadre = SignIn("cadre1", {Role::kCadre}, {ScopeKind::kRegion, kTownship});
  EXPECT_EQ(Call("PUT", "/api/v1/users/cadre1/roles", R"({"roles":["auditor"]})", sec.headers).status, 403);
}

// TOTP for every role that can reveal: until the account has confirmed it,
// reveal answers 403 and the rest works.
TEST_F(AdminSeparationTest, RevealNeedsAConfirmedTotp) {
  Config config = TestConfig();
  config.auth.signin_per_address_per_minute = 0;
  ASSERT_TRUE(config.auth.totp_for_personal_data) << "the default";
  Reopen(config);
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  const std::string household = kHouseholdId;
  const std::string body =
      json{{"kind", "households"}, {"id", household}, {"field", "phone"}, {"reason", "电话回访"}}.dump();
  HttpResponse refused = Call("POST", "/api/v1/reveal", body, county.headers);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("totp_required_for_reveal"), std::string::npos) << refused.body;

  HttpResponse enrol = Call("POST", "/api/v1/me/totp", "", county.headers);
  ASSERT_EQ(enrol.status, 200) << enrol.body;
  const std::string secret = SecretOf(Json(enrol)["secret"].get<std::string>());
  const std::string code = TotpCode(secret, SystemClock().NowMillis() / 1000);
  ASSERT_EQ(Call("POST", "/api/v1/me/totp/confirm", json{{"code", code}}.dump(), county.headers).status, 200);
  HttpResponse revealed = Call("POST", "/api/v1/reveal", body, county.headers);
  EXPECT_EQ(revealed.status, 200) << revealed.body;
}

// Login CSRF: a cross-site form can post text/plain without a preflight.
TEST_F(AdminSeparationTest, SignInTakesJsonOnly) {
  SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""}) {
    HttpResponse refused = SignInFrom("127.0.0.1", "county", kApiPassword, type);
    EXPECT_EQ(refused.status, 415) << type << ": " << refused.body;
    EXPECT_EQ(refused.headers.Get("Set-Cookie"), std::nullopt) << type;
  }
  EXPECT_EQ(SignInFrom("127.0.0.1", "county", kApiPassword, "Application/JSON; charset=utf-8").status, 200);
}

// A flood of bad sign-ins at an admin's name: refused with 429 and
// Retry-After beyond the limits, and the admin still signs in from its own
// address.
TEST_F(AdminSeparationTest, AFloodNeitherLocksOutTheAdminNorPassesTheLimits) {
  Config config = TestConfig();
  config.auth.signin_per_address_per_minute = 20;
  config.auth.signin_per_account_per_minute = 8;
  Reopen(config);
  SignIn("secadmin", {Role::kSecadmin}, {});  // from 127.0.0.1, its usual address
  int refused = 0, tried = 0;
  for (int address = 0; address < 10; ++address) {
    for (int i = 0; i < 6; ++i) {
      HttpResponse out =
          SignInFrom("203.0.113." + std::to_string(address), "secadmin", "Guess-" + std::to_string(i));
      ++tried;
      if (out.status == 429) {
        ++refused;
        EXPECT_GT(std::stoi(std::string(out.headers.Get("Retry-After").value_or("0"))), 0) << out.body;
      } else {
        EXPECT_EQ(out.status, 401) << out.body;
      }
    }
  }
  // The account's limit let at most 8 of the 60 through to a password check.
  EXPECT_GE(refused, tried - 8);
  HttpResponse admin = SignInFrom("127.0.0.1", "secadmin", kApiPassword);
  EXPECT_EQ(admin.status, 200) << admin.body;
}

// Behind a trusted proxy the client it names is the address that is limited
// and locked; anyone else's X-Forwarded-For is not believed.
TEST_F(AdminSeparationTest, OnlyATrustedProxyNamesTheClient) {
  Config config = TestConfig();
  config.server.trusted_proxies = "10.9.9.9";
  config.auth.signin_per_account_per_minute = 100;  // this test is about the addresses, not the name's limit
  Reopen(config);
  SignIn("secadmin", {Role::kSecadmin}, {});
  const std::string proxy = "10.9.9.9";
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(SignInFrom(proxy, "secadmin", "Guess-" + std::to_string(i), "application/json",
                         "198.51.100.1, 203.0.113.7")
                  .status,
              401);
  }
  // 203.0.113.7 is locked out (the claimed 198.51.100.1 is the client's word, not the proxy's).
  EXPECT_EQ(SignInFrom(proxy, "secadmin", kApiPassword, "application/json", "203.0.113.7").status, 429);
  EXPECT_EQ(SignInFrom(proxy, "secadmin", kApiPassword, "application/json", "198.51.100.1").status, 200);
  // A peer that is no proxy forges the header in vain: it locks itself out.
  for (int i = 0; i < 5; ++i) {
    (void)SignInFrom("203.0.113.9", "secadmin", "Guess-" + std::to_string(i), "application/json",
                     "198.51.100.2");
  }
  EXPECT_EQ(SignInFrom("203.0.113.9", "secadmin", kApiPassword, "application/json", "198.51.100.2").status,
            429);
  EXPECT_EQ(SignInFrom(proxy, "secadmin", kApiPassword, "application/json", "198.51.100.2").status, 200);
  Result<std::vector<AuditRecord>> log = app_->users().ReadAudit({.action = "lockout", .limit = 10});
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].event.remote, "203.0.113.9");
  EXPECT_EQ((*log)[1].event.remote, "203.0.113.7");
}

// Sessions and audit events are written by the server's one writer
// (writer.hpp), so they share its group commits.
TEST_F(AdminSeparationTest, SignInWritesThroughTheGroupCommitWriter) {
  SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  Counter& writes =
      app_->metrics()->counter("lianxin_store_writes_total", "Writes by outcome.", {{"outcome", "ok"}});
  const std::uint64_t before = writes.Value();
  HttpResponse in =
      Call("POST", "/api/v1/session", json{{"username", "county"}, {"password", kApiPassword}}.dump());
  ASSERT_EQ(in.status, 200) << in.body;
  // The account's last sign-in, the session and the audit event.
  EXPECT_GE(writes.Value(), before + 3);
  const std::uint64_t signed_in = writes.Value();
  EXPECT_EQ(Call("DELETE", "/api/v1/session", "", SessionOf(in)).status, 200);
  EXPECT_GE(writes.Value(), signed_in + 2) << "the deleted session and the sign_out event";
}

}  // namespace
}  // namespace lianxin::testing

namespace lianxin::testing {
namespace {

// 在线用户: the security admin sees who is signed in, from where, and ends a
// session; the one signed out must sign in again. 服务监控: the system
// admin sees the server is well, and nothing of a county's records.
TEST_F(AdminSeparationTest, TheSecurityAdminSeesWhoIsOnlineAndSignsASessionOut) {
  SignedInAs sec = SignIn("sec", {Role::kSecadmin}, {});
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  ASSERT_EQ(Call("GET", "/api/v1/me", "", county.headers).status, 200);

  nlohmann::json online = Json(Call("GET", "/api/v1/sessions", "", sec.headers));
  ASSERT_TRUE(online.contains("items")) << online.dump();
  std::string county_session;
  int mine = 0;
  for (const nlohmann::json& s : online["items"]) {
    if (s["username"] == "county") county_session = s["id"];
    if (s["current"] == true) {
      ++mine;
      EXPECT_EQ(s["username"], "sec");
    }
  }
  ASSERT_FALSE(county_session.empty()) << online.dump();
  EXPECT_EQ(mine, 1) << "the caller's own session is marked";
  EXPECT_EQ(Call("GET", "/api/v1/sessions", "", county.headers).status, 403);

  HttpResponse revoked = Call("POST", "/api/v1/sessions/" + county_session + "/revoke", "", sec.headers);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  const nlohmann::json after = Json(revoked);
  for (const nlohmann::json& s : after["items"]) EXPECT_NE(s["username"], "county");
  EXPECT_EQ(Call("GET", "/api/v1/me", "", county.headers).status, 401) << "signed out by force";
  EXPECT_EQ(Call("POST", "/api/v1/sessions/" + county_session + "/revoke", "", sec.headers).status, 404);

  SignedInAs sys = SignIn("sys", {Role::kSysadmin}, {});
  HttpResponse health = Call("GET", "/api/v1/system/health", "", sys.headers);
  ASSERT_EQ(health.status, 200) << health.body;
  const nlohmann::json h = Json(health);
  EXPECT_EQ(h["database"]["backend"], OnPostgres() ? "postgresql" : "sqlite");
  EXPECT_GT(h["database"]["schema_version"].get<int>(), 19);
  EXPECT_EQ(h["database"]["journal_head"].get<std::string>().size(), 64u);
  EXPECT_GE(h["sessions_online"].get<int>(), 2);
  EXPECT_GT(h["process"]["rss_bytes"].get<std::int64_t>(), 0);
  EXPECT_EQ(Call("GET", "/api/v1/system/health", "", sec.headers).status, 403);
}

}  // namespace
}  // namespace lianxin::testing
