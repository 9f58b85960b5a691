#include "lianxin/auth.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "auth/in_memory_user_repository.hpp"
#include "lianxin/clock.hpp"

namespace lianxin {
namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kStart = 1'700'000'000'000;  // 2023-11-14T22:13:20Z
constexpr char kPassword[] = "Lianxin-Test-7q";

// The production policy with argon2 at libsodium's floor, so the suite runs
// in moments under ASan. Everything else is left at its default, so the
// tests exercise the real rules.
AuthPolicy FastPolicy() {
  AuthPolicy policy;
  policy.argon2_opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN;
  policy.argon2_memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN;
  return policy;
}

// The English code a message ends with: "密码至少 10 位 (password_too_short)".
std::string CodeOf(const Status& status) {
  if (status.ok()) return "ok";
  const std::string& m = status.message();
  std::size_t open = m.rfind('(');
  return open == std::string::npos ? m : m.substr(open + 1, m.size() - open - 2);
}

std::vector<std::string> Actions(const std::vector<AuditEvent>& events) {
  std::vector<std::string> out;
  for (const AuditEvent& e : events) out.push_back(e.action + ":" + e.outcome);
  return out;
}

// ---------------------------------------------------------------------------
// TOTP

const std::string kRfcSecret = "12345678901234567890";

TEST(AuthTotp, Rfc6238AppendixBSha1Vectors) {
  struct Vector {
    std::int64_t time;
    const char* code;
  };
  const Vector vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
  };
  for (const Vector& v : vectors) {
    EXPECT_EQ(TotpCode(kRfcSecret, v.time, 8), v.code) << v.time;
    EXPECT_TRUE(VerifyTotp(kRfcSecret, v.code, v.time, 0, nullptr, 8)) << v.time;
  }
  // Six digits are the low six of the same truncation (RFC 4226 §5.3).
  EXPECT_EQ(TotpCode(kRfcSecret, 59), "287082");
  EXPECT_EQ(TotpCode(kRfcSecret, 1111111109), "081804");
}

TEST(AuthTotp, RefusesBadParameters) {
  EXPECT_EQ(TotpCode("", 59), "");
  EXPECT_EQ(TotpCode(kRfcSecret, 59, 5), "");
  EXPECT_EQ(TotpCode(kRfcSecret, 59, 9), "");
  EXPECT_EQ(TotpCode(kRfcSecret, -1), "");
  EXPECT_FALSE(VerifyTotp(kRfcSecret, "28708", 59, 1, nullptr));
  EXPECT_FALSE(VerifyTotp(kRfcSecret, "2870820", 59, 1, nullptr));
  EXPECT_FALSE(VerifyTotp(kRfcSecret, "28708a", 59, 1, nullptr));
  EXPECT_FALSE(VerifyTotp(kRfcSecret, "", 59, 1, nullptr));
}

TEST(AuthTotp, SkewOfOneStepAcceptedTwoRefused) {
  const std::int64_t now = 1111111111;
  for (int offset : {-1, 0, 1}) {
    std::int64_t last = -1;
    EXPECT_TRUE(VerifyTotp(kRfcSecret, TotpCode(kRfcSecret, now + offset * 30), now, 1, &last)) << offset;
    EXPECT_EQ(last, now / 30 + offset);
  }
  for (int offset : {-2, 2}) {
    std::int64_t last = -1;
    EXPECT_FALSE(VerifyTotp(kRfcSecret, TotpCode(kRfcSecret, now + offset * 30), now, 1, &last)) << offset;
    EXPECT_EQ(last, -1);
  }
  // With no skew only the current step passes.
  EXPECT_FALSE(VerifyTotp(kRfcSecret, TotpCode(kRfcSecret, now + 30), now, 0, nullptr));
}

TEST(AuthTotp, ReplayRefused) {
  const std::int64_t now = 1234567890;
  std::int64_t last = -1;
  const std::string code = TotpCode(kRfcSecret, now);
  ASSERT_TRUE(VerifyTotp(kRfcSecret, code, now, 1, &last));
  EXPECT_FALSE(VerifyTotp(kRfcSecret, code, now, 1, &last)) << "the same code twice";
  EXPECT_FALSE(VerifyTotp(kRfcSecret, code, now + 10, 1, &last)) << "still inside the step";
  // An older step, though within the skew, is older than the one used.
  EXPECT_FALSE(VerifyTotp(kRfcSecret, TotpCode(kRfcSecret, now - 30), now, 1, &last));
  // The next step is fresh.
  EXPECT_TRUE(VerifyTotp(kRfcSecret, TotpCode(kRfcSecret, now + 30), now + 30, 1, &last));
  EXPECT_EQ(last, (now + 30) / 30);
}

TEST(AuthTotp, Base32Rfc4648Vectors) {
  EXPECT_EQ(Base32Encode(""), "");
  EXPECT_EQ(Base32Encode("f"), "MY======");
  EXPECT_EQ(Base32Encode("fo"), "MZXQ====");
  EXPECT_EQ(Base32Encode("foo"), "MZXW6===");
  EXPECT_EQ(Base32Encode("foob"), "MZXW6YQ=");
  EXPECT_EQ(Base32Encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI======");
  EXPECT_EQ(Base32Encode("foobar", false), "MZXW6YTBOI");
  EXPECT_EQ(Base32Encode(kRfcSecret, false), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(AuthTotp, UriAndSecret) {
  EXPECT_EQ(TotpUri("连心", "zhang.san", kRfcSecret),
            "otpauth://totp/%E8%BF%9E%E5%BF%83:zhang.san?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=%E8%BF%9E%E5%BF%83&algorithm=SHA1&digits=6&period=30");
  std::string a = NewTotpSecret(), b = NewTotpSecret();
  EXPECT_EQ(a.size(), 20u);
  EXPECT_NE(a, b);
}

// ---------------------------------------------------------------------------
// Passwords

TEST(AuthPassword, HashVerifyRoundTrip) {
  AuthPolicy policy = FastPolicy();
  Result<std::string> hash = HashPassword(kPassword, policy);
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(hash->find(kPassword), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*hash, kPassword));
  EXPECT_FALSE(VerifyPassword(*hash, "Lianxin-Test-7Q"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
  EXPECT_FALSE(VerifyPassword("", kPassword));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", kPassword));
  // A fresh salt every time.
  Result<std::string> again = HashPassword(kPassword, policy);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*hash, *again);
}

TEST(AuthPassword, DefaultCostIsLibsodiumInteractive) {
  AuthPolicy policy;
  EXPECT_EQ(policy.argon2_opslimit, crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
  EXPECT_EQ(policy.argon2_memlimit, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
}

TEST(AuthPassword, PolicyTable) {
  AuthPolicy policy = FastPolicy();
  User user;
  user.username = "zhangsan";
  struct Case {
    std::string candidate;
    const char* code;
  };
  const Case cases[] = {
      {"Ab1!xyz", "password_too_short"},
      {"Ab1!xyzuv", "password_too_short"},  // 9
      {"Ab1!xyzuvw", "ok"},                 // 10, four classes
      {"abcdefghij", "password_too_simple"},
      {"abcdefgh12", "password_too_simple"},
      {"ABCDEFGH!!", "password_too_simple"},
      {"Abcdefgh12", "ok"},                // lower, upper, digit
      {"abcdefgh1!", "ok"},                // lower, digit, symbol
      {"abcd efgh 1", "ok"},               // a space counts as a symbol (ASVS 2.1.3)
      {"密码很长很长Ab12", "ok"},          // 10 code points; CJK counts as "other"
      {"密码Ab12", "password_too_short"},  // 12 bytes, 6 code points
      {"Zhangsan-2024", "password_contains_username"},
      {"x-ZHANGSAN-1", "password_contains_username"},
      {"Password123!", "password_common"},
      {"Aa123456789", "password_common"},
      {"P@ssw0rd123", "password_common"},
      {"Tab\tTab123xY", "password_invalid_character"},
      {"New\nLine123xY", "password_invalid_character"},
      {std::string("\xff\xfe") + "Abc123456", "password_invalid_character"},
      {std::string("\xc0\xaf"
                   "Abc123456x"),
       "password_invalid_character"},                         // overlong '/'
      {"Aa1!" + std::string(124, 'x'), "ok"},                 // 128
      {"Aa1!" + std::string(125, 'x'), "password_too_long"},  // 129
  };
  for (const Case& c : cases) {
    Status status = CheckPasswordPolicy(policy, user, c.candidate, {});
    EXPECT_EQ(CodeOf(status), c.code) << c.candidate;
    if (!status.ok()) {
      EXPECT_EQ(status.code(), Code::kInvalidInput);
      EXPECT_EQ(status.field(), "password");
    }
  }
  EXPECT_EQ(CheckPasswordPolicy(policy, user, "Ab1!", {}).message(), "密码至少 10 位 (password_too_short)");

  // History: any of the last `password_history` hashes refuses the password.
  std::vector<std::string> history;
  for (int i = 0; i < 6; ++i) history.push_back(*HashPassword("Old-Passw0rd-" + std::to_string(i), policy));
  EXPECT_EQ(CodeOf(CheckPasswordPolicy(policy, user, "Old-Passw0rd-0", history)), "password_reused");
  EXPECT_EQ(CodeOf(CheckPasswordPolicy(policy, user, "Old-Passw0rd-4", history)), "password_reused");
  EXPECT_EQ(CodeOf(CheckPasswordPolicy(policy, user, "Old-Passw0rd-5", history)), "ok")
      << "the sixth is past";
  EXPECT_EQ(CheckPasswordPolicy(policy, user, "Old-Passw0rd-1", history).message(),
            "不能使用最近 5 次用过的密码 (password_reused)");

  // Each rule is a named switch.
  AuthPolicy loose = policy;
  loose.password_min_classes = 0;
  loose.password_forbid_username = false;
  loose.password_deny_common = false;
  EXPECT_TRUE(CheckPasswordPolicy(loose, user, "abcdefghij", {}).ok());
  EXPECT_TRUE(CheckPasswordPolicy(loose, user, "Zhangsan-2024", {}).ok());
  EXPECT_TRUE(CheckPasswordPolicy(loose, user, "Password123!", {}).ok());
  // A short username forbids nothing.
  user.username = "li";
  EXPECT_TRUE(CheckPasswordPolicy(policy, user, "Li-Lianxin-77", {}).ok());
}

TEST(AuthPassword, OneTimePasswordsPassThePolicy) {
  AuthPolicy policy = FastPolicy();
  User user;
  user.username = "wangwu";
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string password = GenerateOneTimePassword(policy, user);
    EXPECT_EQ(password.size(), 16u);
    EXPECT_TRUE(CheckPasswordPolicy(policy, user, password, {}).ok()) << password;
    EXPECT_EQ(password.find_first_of("0O1lIo"), std::string::npos) << password;
    seen.insert(password);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(AuthPolicyFloor, DefaultsPassFastAndWeakRefused) {
  EXPECT_TRUE(ValidateAuthPolicy(AuthPolicy{}).ok()) << ValidateAuthPolicy(AuthPolicy{}).ToString();
  EXPECT_EQ(ValidateAuthPolicy(FastPolicy()).field(), "argon2_opslimit");
  auto refused = [](auto change) {
    AuthPolicy policy;
    change(policy);
    return ValidateAuthPolicy(policy).field();
  };
  EXPECT_EQ(refused([](AuthPolicy& p) { p.password_min_length = 6; }), "password_min_length");
  EXPECT_EQ(refused([](AuthPolicy& p) { p.lockout_attempts = 0; }), "lockout_attempts");
  EXPECT_EQ(refused([](AuthPolicy& p) { p.session_idle_minutes = 31; }), "session_idle_minutes");
  EXPECT_EQ(refused([](AuthPolicy& p) { p.session_absolute_hours = 13; }), "session_absolute_hours");
  EXPECT_EQ(refused([](AuthPolicy& p) { p.argon2_memlimit = 16u << 20; }), "argon2_memlimit");
  EXPECT_EQ(refused([](AuthPolicy& p) { p.totp_required_roles.erase(Role::kAuditor); }),
            "totp_required_roles");
  EXPECT_EQ(refused([](AuthPolicy& p) { p.totp_digits = 4; }), "totp_digits");
  EXPECT_EQ(CodeOf(ValidateAuthPolicy(FastPolicy())), "auth_policy_range");
}

// ---------------------------------------------------------------------------
// Roles and scopes

TEST(AuthRoles, TokensAndLabels) {
  struct Row {
    Role role;
    const char* token;
    const char* label;
  };
  const Row rows[] = {
      {Role::kSysadmin, "sysadmin", "系统管理员"},
      {Role::kSecadmin, "secadmin", "安全管理员"},
      {Role::kAuditor, "auditor", "审计管理员"},
      {Role::kCountyAdmin, "county_admin", "县级管理员"},
      {Role::kTownshipAdmin, "township_admin", "乡镇管理员"},
      {Role::kUnitHead, "unit_head", "单位负责人"},
      {Role::kCadre, "cadre", "干部"},
      {Role::kOperator, "operator", "接线员"},
      {Role::kInspector, "inspector", "督查员"},
      {Role::kDiscipline, "discipline", "纪检员"},
      {Role::kHousehold, "household", "群众"},
      {Role::kPublic, "public", "公众"},
  };
  ASSERT_EQ(AllRoles().size(), std::size(rows));
  for (const Row& row : rows) {
    EXPECT_EQ(RoleToken(row.role), row.token);
    EXPECT_EQ(RoleLabel(row.role), row.label);
    EXPECT_EQ(*ParseRole(row.token), row.role);
    EXPECT_EQ(*ParseRole(row.label), row.role);
  }
  EXPECT_EQ(CodeOf(ParseRole("root").status()), "unknown_role");
  std::set<Role> roles = {Role::kUnitHead, Role::kCadre};
  EXPECT_EQ(JoinRoleTokens(roles), "unit_head,cadre");
  EXPECT_EQ(*ParseRoleTokens("unit_head,cadre"), roles);
  EXPECT_TRUE(ParseRoleTokens("")->empty());
  EXPECT_FALSE(ParseRoleTokens("cadre,,x").ok());
}

TEST(AuthRoles, SeparationOfDuties) {
  using R = Role;
  struct Case {
    std::set<Role> roles;
    bool ok;
  };
  const Case cases[] = {
      {{}, true},
      {{R::kSysadmin}, true},
      {{R::kSecadmin}, true},
      {{R::kAuditor}, true},
      {{R::kSysadmin, R::kSecadmin}, false},
      {{R::kSecadmin, R::kAuditor}, false},
      {{R::kSysadmin, R::kAuditor}, false},
      {{R::kSysadmin, R::kSecadmin, R::kAuditor}, false},
      {{R::kSysadmin, R::kCadre}, false},
      {{R::kAuditor, R::kCountyAdmin}, false},
      {{R::kSecadmin, R::kHousehold}, false},
      {{R::kUnitHead, R::kCadre}, true},
      {{R::kCountyAdmin, R::kInspector, R::kDiscipline}, true},
  };
  for (const Case& c : cases) EXPECT_EQ(SeparationOfDutiesOk(c.roles), c.ok) << JoinRoleTokens(c.roles);
}

TEST(AuthScope, ContainmentTable) {
  const Scope county{ScopeKind::kRegion, "149901"};
  const Scope county12{ScopeKind::kRegion, "149901000000"};
  const Scope township{ScopeKind::kRegion, "149901001000"};
  const Scope village{ScopeKind::kRegion, "149901001001"};
  struct Case {
    Scope scope;
    const char* region;
    bool contains;
  };
  const Case cases[] = {
      {county, "149901", true},
      {county, "149901000000", true},
      {county, "149901001000", true},
      {county, "149901001001", true},
      {county, "149901002017", true},
      {county, "149901001001001", true},  // a grid
      {county, "149902001001", false},    // the next county
      {county, "1499", false},
      {county12, "149901001001", true},
      {county12, "149901", true},
      {township, "149901001000", true},
      {township, "149901001001", true},
      {township, "149901001999", true},
      {township, "149901002001", false},  // another township's village
      {township, "149901", false},        // the county above
      {township, "149901000000", false},
      {village, "149901001001", true},
      {village, "149901001001002", true},
      {village, "149901001002", false},
      {village, "149901001000", false},  // its township
      {county, "14990100100x", false},   // malformed
      {county, "", false},
      {county, "1499010010010", false},  // 13 digits
      {Scope{ScopeKind::kRegion, "14990"}, "149901001001", false},
      {Scope{ScopeKind::kUnit, "149901"}, "149901001001", false},
      {Scope{ScopeKind::kCadre, "149901"}, "149901001001", false},
      {Scope{}, "149901001001", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ScopeContains(c.scope, c.region), c.contains) << c.scope.code << " ∋ " << c.region;
  }
  EXPECT_TRUE(ValidateScope(county).ok());
  EXPECT_TRUE(ValidateScope(township).ok());
  EXPECT_TRUE(ValidateScope(Scope{}).ok());
  EXPECT_TRUE(ValidateScope(Scope{ScopeKind::kCadre, "C0001"}).ok());
  EXPECT_FALSE(ValidateScope(Scope{ScopeKind::kRegion, "14990"}).ok());
  EXPECT_FALSE(ValidateScope(Scope{ScopeKind::kUnit, ""}).ok());
  EXPECT_FALSE(ValidateScope(Scope{ScopeKind::kNone, "149901"}).ok());
  for (ScopeKind kind : {ScopeKind::kNone, ScopeKind::kRegion, ScopeKind::kUnit, ScopeKind::kCadre}) {
    EXPECT_EQ(ParseScopeKind(ScopeKindToken(kind)), kind);
  }
}

// ---------------------------------------------------------------------------
// The service

class AuthServiceTest : public ::testing::Test {
 protected:
  // Creates an account (as the local operator, so its roles hold at once)
  // and moves it past its one-time password to kPassword.
  void MakeUser(const std::string& username, std::set<Role> roles, Scope scope = {}) {
    Result<CreatedUser> created = auth_.CreateUser(operator_, username, "张三", roles, scope);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    Status changed = auth_.ChangePassword(username, created->one_time_password, kPassword, "10.0.0.9");
    ASSERT_TRUE(changed.ok()) << changed.ToString();
  }
  User Stored(const std::string& username) { return **repository_.FindByUsername(username); }
  std::string CurrentTotp(const std::string& username) {
    return TotpCode(Stored(username).totp_secret, clock_.NowMillis() / 1000);
  }

  ManualClock clock_{kStart};
  InMemoryUserRepository repository_;
  AuthPolicy policy_ = FastPolicy();
  AuthService auth_{repository_, policy_, clock_};
  Actor sysadmin_{"sysadmin", "10.0.0.1"};
  Actor secadmin_{"secadmin", "10.0.0.2"};
  Actor operator_{"cli:root", "local"};
};

TEST_F(AuthServiceTest, AuthSignInSucceeds) {
  MakeUser("zhangsan", {Role::kCadre}, {ScopeKind::kCadre, "C0001"});
  Result<SignedIn> signed_in = auth_.SignIn("zhangsan", kPassword, "", "203.0.113.5");
  ASSERT_TRUE(signed_in.ok()) << signed_in.status().ToString();
  EXPECT_EQ(signed_in->session_token.size(), 43u);  // 32 bytes, base64url
  EXPECT_EQ(signed_in->csrf_token.size(), 43u);
  EXPECT_NE(signed_in->session_token, signed_in->csrf_token);
  EXPECT_FALSE(signed_in->must_change_password);
  EXPECT_FALSE(signed_in->must_enrol_totp);
  EXPECT_EQ(signed_in->user.username, "zhangsan");
  EXPECT_TRUE(signed_in->user.password_hash.empty()) << "redacted";
  // The store holds a hash of the token, never the token.
  std::vector<Session> sessions = repository_.sessions();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].token_hash, SessionTokenHash(signed_in->session_token));
  EXPECT_EQ(sessions[0].token_hash.size(), 64u);
  EXPECT_EQ(sessions[0].token_hash.find(signed_in->session_token), std::string::npos);
  EXPECT_EQ(sessions[0].remote, "203.0.113.5");
  EXPECT_EQ(Stored("zhangsan").last_login_millis, kStart);

  Result<AuthenticatedUser> who = auth_.Authenticate(signed_in->session_token);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->user().username, "zhangsan");
  EXPECT_EQ(who->user().roles, std::set<Role>{Role::kCadre});
  EXPECT_EQ(who->user().scope.code, "C0001");
  EXPECT_TRUE(who->user().password_hash.empty());
  EXPECT_FALSE(who->restricted());
  // Usernames are matched without regard to ASCII case or surrounding blanks.
  EXPECT_TRUE(auth_.SignIn(" ZhangSan ", kPassword, "", "203.0.113.5").ok());
  // Each sign-in is a new session (no fixation).
  EXPECT_EQ(repository_.sessions().size(), 2u);
}

TEST_F(AuthServiceTest, AuthSignInOneTimePasswordMustChange) {
  Result<CreatedUser> created = auth_.CreateUser(sysadmin_, "lisi", "李四", {Role::kOperator}, {});
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(created->user.must_change_password);
  EXPECT_TRUE(created->user.password_hash.empty());
  EXPECT_EQ(created->one_time_password.size(), 16u);
  Result<SignedIn> signed_in = auth_.SignIn("lisi", created->one_time_password, "", "r");
  ASSERT_TRUE(signed_in.ok());
  EXPECT_TRUE(signed_in->must_change_password);
  Result<AuthenticatedUser> who = auth_.Authenticate(signed_in->session_token);
  ASSERT_TRUE(who.ok());
  EXPECT_TRUE(who->restricted());
  // The one-time password cannot become the new password.
  EXPECT_EQ(CodeOf(auth_.ChangePassword("lisi", created->one_time_password, created->one_time_password, "r")),
            "password_reused");
  ASSERT_TRUE(auth_.ChangePassword("lisi", created->one_time_password, kPassword, "r").ok());
  signed_in = auth_.SignIn("lisi", kPassword, "", "r");
  ASSERT_TRUE(signed_in.ok());
  EXPECT_FALSE(signed_in->must_change_password);
}

TEST_F(AuthServiceTest, AuthSignInUnknownUserAndWrongPasswordAlike) {
  MakeUser("zhangsan", {Role::kCadre});
  MakeUser("disabled1", {Role::kCadre});
  ASSERT_TRUE(auth_.Disable(sysadmin_, "disabled1").ok());
  Status unknown = auth_.SignIn("nobody", kPassword, "", "r").status();
  Status wrong = auth_.SignIn("zhangsan", "Wrong-Passw0rd", "", "r").status();
  Status malformed = auth_.SignIn("'; drop table users; --", kPassword, "", "r").status();
  Status disabled = auth_.SignIn("disabled1", kPassword, "", "r").status();
  for (const Status& s : {unknown, wrong, malformed, disabled}) {
    EXPECT_EQ(s.code(), Code::kUnauthenticated);
    EXPECT_EQ(s.message(), "用户名或密码错误 (bad_credentials)");
    EXPECT_EQ(s.field(), "");
  }
  // The log tells them apart; the answer does not. A malformed name (maybe a
  // password typed in the wrong box) is not logged.
  std::vector<AuditEvent> audit = repository_.audit();
  std::vector<std::string> details;
  for (const AuditEvent& e : audit) {
    if (e.action == "sign_in" && e.outcome == "bad_credentials") details.push_back(e.target + "/" + e.detail);
  }
  EXPECT_EQ(details, (std::vector<std::string>{"nobody/unknown_user", "zhangsan/bad_password",
                                               "(malformed)/unknown_user", "disabled1/account_disabled"}));
}

TEST_F(AuthServiceTest, AuthSignInLockoutAfterFiveFailuresAndUnlockAfterDuration) {
  MakeUser("zhangsan", {Role::kCadre});
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(auth_.SignIn("zhangsan", "Wrong-Passw0rd", "", "r").ok());
  // A success clears the count.
  ASSERT_TRUE(auth_.SignIn("zhangsan", kPassword, "", "r").ok());
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(auth_.SignIn("zhangsan", "Wrong-Passw0rd", "", "r").ok());
  EXPECT_FALSE(auth_.Locked("zhangsan"));

  ASSERT_FALSE(auth_.SignIn("zhangsan", "Wrong-Passw0rd", "", "r").ok());
  EXPECT_TRUE(auth_.Locked("zhangsan"));
  std::int64_t wait = 0;
  Status locked = auth_.SignIn("zhangsan", kPassword, "", "r", &wait).status();
  EXPECT_EQ(CodeOf(locked), "rate_limited") << "locked out, even with the right password";
  EXPECT_EQ(wait, 30 * 60);
  std::vector<AuditEvent> audit = repository_.audit();
  auto lockouts =
      std::count_if(audit.begin(), audit.end(), [](const AuditEvent& e) { return e.action == "lockout"; });
  EXPECT_EQ(lockouts, 1);
  EXPECT_EQ(audit.back().detail, "locked");
  EXPECT_EQ(Stored("zhangsan").failed_attempts, 0) << "a failure writes no account row";

  clock_.Advance(30 * kMinute - 1);
  EXPECT_FALSE(auth_.SignIn("zhangsan", kPassword, "", "r").ok());
  clock_.Advance(1);
  EXPECT_TRUE(auth_.SignIn("zhangsan", kPassword, "", "r").ok());

  // The lock length is the policy's.
  AuthPolicy quick = policy_;
  quick.lockout_attempts = 3;
  quick.lockout_minutes = 5;
  AuthService other(repository_, quick, clock_);
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(other.SignIn("zhangsan", "Wrong-Passw0rd", "", "r").ok());
  wait = 0;
  EXPECT_FALSE(other.SignIn("zhangsan", kPassword, "", "r", &wait).ok());
  EXPECT_EQ(wait, 5 * 60);
}

// Issue "under attack": an outsider's guesses lock the outsider's address
// out of the account, not the account's holder elsewhere; each further lock
// of the same address lasts twice as long.
TEST_F(AuthServiceTest, AuthLockoutIsPerAddressWithBackOff) {
  MakeUser("secadmin2", {Role::kCadre});
  const std::string outsider = "198.51.100.66";
  std::int64_t expected_minutes = 30;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 5; ++i) (void)auth_.SignIn("secadmin2", "Wrong-Passw0rd", "", outsider);
    std::int64_t wait = 0;
    EXPECT_FALSE(auth_.SignIn("secadmin2", "Wrong-Passw0rd", "", outsider, &wait).ok());
    EXPECT_EQ(wait, expected_minutes * 60) << "round " << round;
    // The holder, from its own address, signs in all along.
    Result<SignedIn> holder = auth_.SignIn("secadmin2", kPassword, "", "10.0.0.9");
    EXPECT_TRUE(holder.ok()) << holder.status().ToString();
    clock_.Advance(expected_minutes * kMinute);
    expected_minutes *= 2;
  }
  // The security admin's unlock lifts it.
  for (int i = 0; i < 5; ++i) (void)auth_.SignIn("secadmin2", "Wrong-Passw0rd", "", outsider);
  EXPECT_TRUE(auth_.Locked("secadmin2"));
  ASSERT_TRUE(auth_.Unlock(secadmin_, "secadmin2").ok());
  EXPECT_FALSE(auth_.Locked("secadmin2"));
}

// Issue "under attack": the rate limits come before the argon2 work, per
// address and per account name, with the seconds to wait; an address the
// account signed in from before is not held by the account's limit.
TEST_F(AuthServiceTest, AuthRateLimitsBeforeArgon2) {
  policy_.signin_per_address_per_minute = 3;
  policy_.signin_per_account_per_minute = 4;
  policy_.lockout_attempts = 0;
  AuthService auth(repository_, policy_, clock_);
  MakeUser("zhangsan", {Role::kCadre});
  ASSERT_TRUE(auth.SignIn("zhangsan", kPassword, "", "10.0.0.9").ok());  // the holder's usual address
  clock_.Advance(kMinute);

  // One address: three attempts a minute, at any account name.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(CodeOf(auth.SignIn("user" + std::to_string(i), "x", "", "203.0.113.1").status()),
              "bad_credentials");
  }
  clock_.Advance(10 * kSecond);
  std::int64_t wait = 0;
  Status limited = auth.SignIn("zhangsan", kPassword, "", "203.0.113.1", &wait).status();
  EXPECT_EQ(limited.code(), Code::kUnavailable);
  EXPECT_EQ(CodeOf(limited), "rate_limited");
  EXPECT_EQ(wait, 50);
  // One account name from many addresses: four attempts a minute...
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(
        CodeOf(auth.SignIn("zhangsan", "Wrong-Passw0rd", "", "203.0.113." + std::to_string(10 + i)).status()),
        "bad_credentials");
  }
  EXPECT_EQ(CodeOf(auth.SignIn("zhangsan", kPassword, "", "203.0.113.20").status()), "rate_limited");
  // ...but the holder's known address is not held back.
  EXPECT_TRUE(auth.SignIn("zhangsan", kPassword, "", "10.0.0.9").ok());
  // A refused attempt costs no audit event beyond the first of its window.
  const std::size_t events = repository_.audit().size();
  for (int i = 0; i < 50; ++i) (void)auth.SignIn("zhangsan", "Wrong-Passw0rd", "", "203.0.113.20");
  EXPECT_LE(repository_.audit().size(), events + 1);
  clock_.Advance(kMinute);
  EXPECT_TRUE(auth.SignIn("zhangsan", kPassword, "", "203.0.113.1").ok());
}

// Issue "under attack": expired sessions do not pile up; a sign-in deletes
// them, at most every session_purge_minutes.
TEST_F(AuthServiceTest, AuthExpiredSessionsArePurged) {
  MakeUser("zhangsan", {Role::kCadre});
  MakeUser("lisi", {Role::kCadre});
  ASSERT_TRUE(auth_.SignIn("zhangsan", kPassword, "", "r").ok());
  clock_.Advance(20 * kMinute);
  std::string lisi = auth_.SignIn("lisi", kPassword, "", "r")->session_token;
  EXPECT_EQ(repository_.sessions().size(), 2u);
  clock_.Advance(11 * kMinute);  // zhangsan's is 31 minutes idle; lisi's 11
  ASSERT_TRUE(auth_.SignIn("lisi", kPassword, "", "r2").ok());
  std::vector<Session> left = repository_.sessions();
  ASSERT_EQ(left.size(), 2u);
  for (const Session& session : left) EXPECT_EQ(session.username, "lisi");
  EXPECT_TRUE(auth_.Authenticate(lisi).ok());
}

TEST_F(AuthServiceTest, AuthSignInRotationForcesChange) {
  MakeUser("zhangsan", {Role::kCadre});
  clock_.Advance(90 * kDay);
  Result<SignedIn> at_90 = auth_.SignIn("zhangsan", kPassword, "", "r");
  ASSERT_TRUE(at_90.ok());
  EXPECT_FALSE(at_90->must_change_password);
  clock_.Advance(kDay);
  Result<SignedIn> at_91 = auth_.SignIn("zhangsan", kPassword, "", "r");
  ASSERT_TRUE(at_91.ok());
  EXPECT_TRUE(at_91->must_change_password);
  ASSERT_TRUE(auth_.ChangePassword("zhangsan", kPassword, "Brand-New-Pass9", "r").ok());
  Result<SignedIn> after = auth_.SignIn("zhangsan", "Brand-New-Pass9", "", "r");
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->must_change_password);
}

TEST_F(AuthServiceTest, AuthSessionIdleTimeout) {
  MakeUser("zhangsan", {Role::kCadre});
  std::string token = auth_.SignIn("zhangsan", kPassword, "", "r")->session_token;
  clock_.Advance(29 * kMinute);
  ASSERT_TRUE(auth_.Authenticate(token).ok());
  clock_.Advance(29 * kMinute);  // 58 minutes in, 29 since the last request
  ASSERT_TRUE(auth_.Authenticate(token).ok());
  clock_.Advance(31 * kMinute);
  Status expired = auth_.Authenticate(token).status();
  EXPECT_EQ(expired.code(), Code::kUnauthenticated);
  EXPECT_EQ(CodeOf(expired), "session_expired");
  EXPECT_TRUE(repository_.sessions().empty());
  EXPECT_EQ(CodeOf(auth_.Authenticate(token).status()), "session_invalid");
  EXPECT_EQ(repository_.audit().back().action, "session_expire");
  EXPECT_EQ(repository_.audit().back().detail, "idle");
}

TEST_F(AuthServiceTest, AuthSessionAbsoluteTimeout) {
  MakeUser("zhangsan", {Role::kCadre});
  std::string token = auth_.SignIn("zhangsan", kPassword, "", "r")->session_token;
  for (int i = 0; i < 35; ++i) {  // busy for 11 h 40 min
    clock_.Advance(20 * kMinute);
    ASSERT_TRUE(auth_.Authenticate(token).ok()) << i;
  }
  clock_.Advance(19 * kMinute);  // 11 h 59 min
  ASSERT_TRUE(auth_.Authenticate(token).ok());
  clock_.Advance(2 * kMinute);  // 12 h 1 min, though active a moment ago
  EXPECT_EQ(CodeOf(auth_.Authenticate(token).status()), "session_expired");
  EXPECT_EQ(repository_.audit().back().detail, "absolute");
}

TEST_F(AuthServiceTest, AuthSessionTouchIsThrottled) {
  MakeUser("zhangsan", {Role::kCadre});
  std::string token = auth_.SignIn("zhangsan", kPassword, "", "r")->session_token;
  clock_.Advance(30 * kSecond);
  ASSERT_TRUE(auth_.Authenticate(token).ok());
  EXPECT_EQ(repository_.sessions()[0].last_seen_millis, kStart) << "within session_touch_seconds";
  clock_.Advance(30 * kSecond);
  ASSERT_TRUE(auth_.Authenticate(token).ok());
  EXPECT_EQ(repository_.sessions()[0].last_seen_millis, kStart + kMinute);
}

TEST_F(AuthServiceTest, AuthSessionEndsOnSignOutDisableAndPasswordChange) {
  MakeUser("zhangsan", {Role::kCadre});
  std::string token = auth_.SignIn("zhangsan", kPassword, "", "r")->session_token;
  ASSERT_TRUE(auth_.SignOut(token, "r").ok());
  EXPECT_EQ(CodeOf(auth_.Authenticate(token).status()), "session_invalid");
  EXPECT_TRUE(auth_.SignOut(token, "r").ok()) << "idempotent";
  EXPECT_TRUE(auth_.SignOut("not-a-token", "r").ok());

  token = auth_.SignIn("zhangsan", kPassword, "", "r")->session_token;
  std::string second = auth_.SignIn("zhangsan", kPassword, "", "r")->session_token;
  ASSERT_TRUE(auth_.ChangePassword("zhangsan", kPassword, "Brand-New-Pass9", "r").ok());
  EXPECT_FALSE(auth_.Authenticate(token).ok());
  EXPECT_FALSE(auth_.Authenticate(second).ok());

  token = auth_.SignIn("zhangsan", "Brand-New-Pass9", "", "r")->session_token;
  ASSERT_TRUE(auth_.Disable(sysadmin_, "zhangsan").ok());
  EXPECT_EQ(CodeOf(auth_.Authenticate(token).status()), "session_invalid");
  ASSERT_TRUE(auth_.Enable(sysadmin_, "zhangsan").ok());
  EXPECT_TRUE(auth_.SignIn("zhangsan", "Brand-New-Pass9", "", "r").ok());

  // 在线用户: force sign-out by hash.
  token = auth_.SignIn("zhangsan", "Brand-New-Pass9", "", "r")->session_token;
  ASSERT_TRUE(auth_.RevokeSession(secadmin_, SessionTokenHash(token)).ok());
  EXPECT_FALSE(auth_.Authenticate(token).ok());
  EXPECT_EQ(auth_.RevokeSession(secadmin_, SessionTokenHash(token)).code(), Code::kNotFound);
}

TEST_F(AuthServiceTest, AuthSessionRolesTakeEffectOnNextRequest) {
  MakeUser("zhangsan", {Role::kCadre});
  std::string token = auth_.SignIn("zhangsan", kPassword, "", "r")->session_token;
  ASSERT_TRUE(auth_.SetRoles(secadmin_, "zhangsan", {Role::kCadre, Role::kUnitHead}).ok());
  EXPECT_EQ(auth_.Authenticate(token)->user().roles, (std::set<Role>{Role::kUnitHead, Role::kCadre}));
  ASSERT_TRUE(auth_.SetScope(secadmin_, "zhangsan", {ScopeKind::kUnit, "U001"}).ok());
  EXPECT_EQ(auth_.Authenticate(token)->user().scope, (Scope{ScopeKind::kUnit, "U001"}));
}

TEST(AuthCsrf, AcceptsAndRefuses) {
  Session session;
  session.csrf_token = "Q2hhbmdlIHRoaXMgdG9rZW4gaW4gZXZlcnkgdGVzdA0";
  const std::string ours = "https://lianxin.example";
  EXPECT_TRUE(AuthService::CheckCsrf(session, session.csrf_token, "", ours).ok());
  EXPECT_TRUE(AuthService::CheckCsrf(session, session.csrf_token, ours, ours).ok());
  struct Case {
    std::string header;
    std::string origin;
    const char* code;
  };
  std::string flipped = session.csrf_token;
  flipped.back() = 'A';
  const Case cases[] = {
      {"", "", "csrf_mismatch"},
      {flipped, "", "csrf_mismatch"},
      {session.csrf_token.substr(0, 42), "", "csrf_mismatch"},
      {session.csrf_token + "x", "", "csrf_mismatch"},
      {session.csrf_token, "https://evil.example", "origin_mismatch"},
      {session.csrf_token, "https://lianxin.example.evil.example", "origin_mismatch"},
      {session.csrf_token, "http://lianxin.example", "origin_mismatch"},
      {session.csrf_token, "null", "origin_mismatch"},
  };
  for (const Case& c : cases) {
    Status status = AuthService::CheckCsrf(session, c.header, c.origin, ours);
    EXPECT_EQ(status.code(), Code::kPermissionDenied) << c.header << " " << c.origin;
    EXPECT_EQ(CodeOf(status), c.code) << c.header << " " << c.origin;
  }
  Session empty;
  EXPECT_FALSE(AuthService::CheckCsrf(empty, "", "", ours).ok())
      << "a session without a token accepts nothing";
}

TEST_F(AuthServiceTest, AuthTotpRequiredForAdmins) {
  Result<std::vector<CreatedUser>> admins = auth_.CreateInitialAdmins();
  ASSERT_TRUE(admins.ok());
  const std::string otp = (*admins)[0].one_time_password;
  ASSERT_EQ((*admins)[0].user.username, "sysadmin");

  // First sign-in: password only, restricted to setting a password and TOTP.
  Result<SignedIn> first = auth_.SignIn("sysadmin", otp, "", "r");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->must_change_password);
  EXPECT_TRUE(first->must_enrol_totp);
  ASSERT_TRUE(auth_.ChangePassword("sysadmin", otp, kPassword, "r").ok());
  Result<SignedIn> second = auth_.SignIn("sysadmin", kPassword, "", "r");
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->must_change_password);
  EXPECT_TRUE(second->must_enrol_totp);
  EXPECT_TRUE(auth_.Authenticate(second->session_token)->restricted());

  Actor self{"sysadmin", "r"};
  Result<std::string> uri = auth_.EnrolTotp(self, "sysadmin");
  ASSERT_TRUE(uri.ok()) << uri.status().ToString();
  EXPECT_EQ(uri->rfind("otpauth://totp/%E8%BF%9E%E5%BF%83:sysadmin?secret=", 0), 0u) << *uri;
  EXPECT_NE(uri->find(Base32Encode(Stored("sysadmin").totp_secret, false)), std::string::npos);
  // Not yet confirmed: sign-in still works without a code.
  EXPECT_TRUE(auth_.SignIn("sysadmin", kPassword, "", "r").ok());
  EXPECT_EQ(CodeOf(auth_.ConfirmTotp(self, "sysadmin", "000000")), "bad_totp");
  ASSERT_TRUE(auth_.ConfirmTotp(self, "sysadmin", CurrentTotp("sysadmin")).ok());
  EXPECT_FALSE(auth_.Authenticate(second->session_token)->restricted());
  EXPECT_EQ(auth_.EnrolTotp(self, "sysadmin").status().code(), Code::kConflict);

  Status without = auth_.SignIn("sysadmin", kPassword, "", "r").status();
  EXPECT_EQ(without.code(), Code::kUnauthenticated);
  EXPECT_EQ(without.message(), "需要动态口令 (totp_required)");
  // The code spent on confirmation cannot sign in (replay).
  EXPECT_EQ(CodeOf(auth_.SignIn("sysadmin", kPassword, CurrentTotp("sysadmin"), "r").status()), "bad_totp");
  clock_.Advance(30 * kSecond);
  Result<SignedIn> with = auth_.SignIn("sysadmin", kPassword, CurrentTotp("sysadmin"), "r");
  ASSERT_TRUE(with.ok()) << with.status().ToString();
  EXPECT_FALSE(with->must_enrol_totp);
  EXPECT_EQ(CodeOf(auth_.SignIn("sysadmin", kPassword, CurrentTotp("sysadmin"), "r").status()), "bad_totp");
  // A wrong password with a right code is still bad_credentials.
  clock_.Advance(30 * kSecond);
  EXPECT_EQ(CodeOf(auth_.SignIn("sysadmin", "Wrong-Passw0rd", CurrentTotp("sysadmin"), "r").status()),
            "bad_credentials");

  // Lost phone: not another admin (三权分立) but the local operator resets,
  // and the admin enrols again.
  EXPECT_EQ(CodeOf(auth_.ResetTotp(secadmin_, "sysadmin")), "admin_protected");
  ASSERT_TRUE(auth_.ResetTotp(operator_, "sysadmin").ok());
  Result<SignedIn> after_reset = auth_.SignIn("sysadmin", kPassword, "", "r");
  ASSERT_TRUE(after_reset.ok());
  EXPECT_TRUE(after_reset->must_enrol_totp);
}

TEST_F(AuthServiceTest, AuthTotpEnrolOnlyForOneself) {
  MakeUser("zhangsan", {Role::kCadre});
  EXPECT_EQ(CodeOf(auth_.EnrolTotp(secadmin_, "zhangsan").status()), "totp_self_only");
  EXPECT_EQ(CodeOf(auth_.ConfirmTotp(secadmin_, "zhangsan", "123456")), "totp_self_only");
  EXPECT_EQ(CodeOf(auth_.ConfirmTotp({"zhangsan", "r"}, "zhangsan", "123456")), "totp_not_pending");
  // A business user may opt in; from then on the code is asked for.
  ASSERT_TRUE(auth_.EnrolTotp({"zhangsan", "r"}, "zhangsan").ok());
  ASSERT_TRUE(auth_.ConfirmTotp({"zhangsan", "r"}, "zhangsan", CurrentTotp("zhangsan")).ok());
  EXPECT_EQ(CodeOf(auth_.SignIn("zhangsan", kPassword, "", "r").status()), "totp_required");
  EXPECT_EQ(CodeOf(auth_.ResetTotp({"zhangsan", "r"}, "zhangsan")), "self_change_refused");
}

TEST_F(AuthServiceTest, AuthAdminInitialAdminsCreatedOnce) {
  Result<std::vector<CreatedUser>> admins = auth_.CreateInitialAdmins();
  ASSERT_TRUE(admins.ok()) << admins.status().ToString();
  ASSERT_EQ(admins->size(), 3u);
  const Role expected[] = {Role::kSysadmin, Role::kSecadmin, Role::kAuditor};
  std::set<std::string> passwords;
  for (std::size_t i = 0; i < 3; ++i) {
    const CreatedUser& admin = (*admins)[i];
    EXPECT_EQ(admin.user.username, RoleToken(expected[i]));
    EXPECT_EQ(admin.user.display_name, RoleLabel(expected[i]));
    EXPECT_EQ(admin.user.roles, std::set<Role>{expected[i]});
    EXPECT_EQ(admin.user.scope.kind, ScopeKind::kNone);
    EXPECT_TRUE(admin.user.must_change_password);
    User stored = Stored(admin.user.username);
    EXPECT_TRUE(stored.must_change_password);
    EXPECT_TRUE(VerifyPassword(stored.password_hash, admin.one_time_password));
    EXPECT_TRUE(CheckPasswordPolicy(policy_, stored, admin.one_time_password, {}).ok());
    passwords.insert(admin.one_time_password);
  }
  EXPECT_EQ(passwords.size(), 3u);
  std::vector<AuditEvent> audit = repository_.audit();
  ASSERT_EQ(audit.size(), 3u);
  for (const AuditEvent& e : audit) {
    EXPECT_EQ(e.actor, "system:bootstrap");
    EXPECT_EQ(e.action, "user_create");
  }

  Result<std::vector<CreatedUser>> again = auth_.CreateInitialAdmins();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(repository_.audit().size(), 3u);
}

// Accounts added before the first start (lianxin user add) do not keep the
// system from its admins; an admin role already held is not created again.
TEST_F(AuthServiceTest, AuthAdminBootstrapCreatesOnlyTheMissingAdmins) {
  ASSERT_TRUE(auth_.CreateUser(operator_, "zhangsan", "张三", {Role::kCadre}, {}).ok());
  ASSERT_TRUE(auth_.CreateUser(operator_, "lisi", "李四", {Role::kAuditor}, {}).ok());
  Result<std::vector<CreatedUser>> admins = auth_.CreateInitialAdmins();
  ASSERT_TRUE(admins.ok());
  ASSERT_EQ(admins->size(), 2u);
  EXPECT_EQ((*admins)[0].user.username, "sysadmin");
  EXPECT_EQ((*admins)[1].user.username, "secadmin");
  EXPECT_FALSE(*repository_.FindByUsername("auditor"));
  EXPECT_TRUE(auth_.CreateInitialAdmins()->empty());
}

TEST_F(AuthServiceTest, AuthAdminCreateUserRefusals) {
  struct Case {
    std::string username;
    std::string display;
    std::set<Role> roles;
    Scope scope;
    const char* code;
  };
  const Case cases[] = {
      {"ab", "张三", {Role::kCadre}, {}, "username_invalid"},
      {"-zhang", "张三", {Role::kCadre}, {}, "username_invalid"},
      {"zhang san", "张三", {Role::kCadre}, {}, "username_invalid"},
      {"张三", "张三", {Role::kCadre}, {}, "username_invalid"},
      {"zhangsan", "", {Role::kCadre}, {}, "display_name_invalid"},
      {"zhangsan", "张三", {}, {}, "roles_invalid"},
      {"zhangsan", "张三", {Role::kPublic}, {}, "roles_invalid"},
      {"zhangsan", "张三", {Role::kSysadmin, Role::kCadre}, {}, "roles_separation"},
      {"zhangsan", "张三", {Role::kSecadmin, Role::kAuditor}, {}, "roles_separation"},
      {"zhangsan", "张三", {Role::kCountyAdmin}, {ScopeKind::kRegion, "1499"}, "scope_invalid"},
  };
  for (const Case& c : cases) {
    Result<CreatedUser> created = auth_.CreateUser(sysadmin_, c.username, c.display, c.roles, c.scope);
    EXPECT_EQ(created.status().code(), Code::kInvalidInput) << c.username;
    EXPECT_EQ(CodeOf(created.status()), c.code) << c.username;
  }
  EXPECT_FALSE(*repository_.HasAnyUser());
  ASSERT_TRUE(
      auth_.CreateUser(sysadmin_, "ZhangSan", "张三", {Role::kCountyAdmin}, {ScopeKind::kRegion, "149901"})
          .ok());
  EXPECT_TRUE(*repository_.FindByUsername("zhangsan")) << "stored lower case";
  Result<CreatedUser> twice = auth_.CreateUser(sysadmin_, "zhangsan", "张三", {Role::kCadre}, {});
  EXPECT_EQ(twice.status().code(), Code::kConflict);
  EXPECT_EQ(CodeOf(twice.status()), "username_taken");
}

TEST_F(AuthServiceTest, AuthAdminSeparationOfDutiesOnRoleChange) {
  MakeUser("zhangsan", {Role::kCadre});
  EXPECT_EQ(CodeOf(auth_.SetRoles(secadmin_, "zhangsan", {Role::kCadre, Role::kAuditor})),
            "roles_separation");
  EXPECT_EQ(CodeOf(auth_.SetRoles(secadmin_, "zhangsan", {})), "roles_invalid");
  EXPECT_EQ(auth_.SetRoles(secadmin_, "nobody", {Role::kCadre}).code(), Code::kNotFound);
  // No one grants itself a role, disables, unlocks or resets itself.
  MakeUser("secadmin", {Role::kSecadmin});
  Status self = auth_.SetRoles(secadmin_, "secadmin", {Role::kSecadmin, Role::kCountyAdmin});
  EXPECT_EQ(self.code(), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(self), "self_change_refused");
  EXPECT_EQ(CodeOf(auth_.Disable(secadmin_, "SecAdmin")), "self_change_refused");
  EXPECT_EQ(CodeOf(auth_.ResetPassword(secadmin_, "secadmin").status()), "self_change_refused");
  EXPECT_EQ(Stored("secadmin").roles, std::set<Role>{Role::kSecadmin});
  EXPECT_EQ(Stored("zhangsan").roles, std::set<Role>{Role::kCadre});
}

TEST_F(AuthServiceTest, AuthAdminResetPasswordAndUnlock) {
  MakeUser("zhangsan", {Role::kCadre});
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(auth_.SignIn("zhangsan", "Wrong-Passw0rd", "", "r").ok());
  ASSERT_FALSE(auth_.SignIn("zhangsan", kPassword, "", "r").ok());
  ASSERT_TRUE(auth_.Unlock(secadmin_, "zhangsan").ok());
  std::string token = auth_.SignIn("zhangsan", kPassword, "", "r")->session_token;

  Result<CreatedUser> reset = auth_.ResetPassword(sysadmin_, "zhangsan");
  ASSERT_TRUE(reset.ok()) << reset.status().ToString();
  EXPECT_TRUE(reset->user.password_hash.empty());
  // The system admin knows the new password: it holds only once approved.
  EXPECT_TRUE(reset->pending_approval);
  EXPECT_TRUE(auth_.Authenticate(token).ok()) << "nothing changes before the approval";
  EXPECT_FALSE(auth_.SignIn("zhangsan", reset->one_time_password, "", "r").ok());
  EXPECT_EQ(CodeOf(auth_.ApproveChanges(sysadmin_, "zhangsan")), "approval_self");
  ASSERT_TRUE(auth_.ApproveChanges(secadmin_, "zhangsan").ok());
  EXPECT_EQ(CodeOf(auth_.ApproveChanges(secadmin_, "zhangsan")), "nothing_pending");
  EXPECT_FALSE(auth_.Authenticate(token).ok()) << "sessions end on reset";
  EXPECT_FALSE(auth_.SignIn("zhangsan", kPassword, "", "r").ok());
  Result<SignedIn> with_otp = auth_.SignIn("zhangsan", reset->one_time_password, "", "r");
  ASSERT_TRUE(with_otp.ok());
  EXPECT_TRUE(with_otp->must_change_password);
  // The old password is in the history.
  EXPECT_EQ(CodeOf(auth_.ChangePassword("zhangsan", reset->one_time_password, kPassword, "r")),
            "password_reused");
}

TEST_F(AuthServiceTest, AuthAdminSetPasswordClearsLockEndsSessionsAndKeepsHistory) {
  MakeUser("zhangsan", {Role::kCadre});
  std::string token = auth_.SignIn("zhangsan", kPassword, "", "r")->session_token;
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(auth_.SignIn("zhangsan", "Wrong-Passw0rd", "", "r").ok());
  ASSERT_TRUE(auth_.Locked("zhangsan"));

  EXPECT_EQ(CodeOf(auth_.SetPassword(sysadmin_, "zhangsan", "Brand-New-Pass9", false)), "local_only");
  ASSERT_TRUE(auth_.SetPassword(operator_, "ZhangSan", "Brand-New-Pass9", false).ok());
  User stored = Stored("zhangsan");
  EXPECT_FALSE(auth_.Locked("zhangsan"));
  EXPECT_FALSE(stored.must_change_password);
  EXPECT_EQ(stored.password_changed_millis, kStart);
  EXPECT_FALSE(auth_.Authenticate(token).ok()) << "sessions end when the password is set";
  Result<SignedIn> signed_in = auth_.SignIn("zhangsan", "Brand-New-Pass9", "", "r");
  ASSERT_TRUE(signed_in.ok()) << signed_in.status().ToString();
  EXPECT_FALSE(signed_in->must_change_password);
  EXPECT_FALSE(auth_.SignIn("zhangsan", kPassword, "", "r").ok());
  // The new hash is in the history, so the holder cannot "change" back to it.
  EXPECT_EQ(CodeOf(auth_.ChangePassword("zhangsan", "Brand-New-Pass9", "Brand-New-Pass9", "r")),
            "password_reused");

  ASSERT_TRUE(auth_.SetPassword(operator_, "zhangsan", "Another-Pass-42", true).ok());
  signed_in = auth_.SignIn("zhangsan", "Another-Pass-42", "", "r");
  ASSERT_TRUE(signed_in.ok());
  EXPECT_TRUE(signed_in->must_change_password);

  std::vector<AuditEvent> set;
  for (const AuditEvent& e : repository_.audit()) {
    if (e.action == "password_set") set.push_back(e);
  }
  ASSERT_EQ(set.size(), 3u);
  EXPECT_EQ(set[0].outcome, "local_only");
  EXPECT_EQ(set[1].actor, "cli:root");
  EXPECT_EQ(set[1].target, "zhangsan");
  EXPECT_EQ(set[1].remote, "local");
  EXPECT_EQ(set[1].outcome, "ok");
  EXPECT_EQ(set[1].detail, "");
  EXPECT_EQ(set[2].detail, "must_change_password");
  for (const AuditEvent& e : repository_.audit()) {
    for (const std::string& field : {e.actor, e.action, e.target, e.remote, e.outcome, e.detail}) {
      EXPECT_EQ(field.find("Brand-New-Pass9"), std::string::npos);
      EXPECT_EQ(field.find("Another-Pass-42"), std::string::npos);
    }
  }
}

TEST_F(AuthServiceTest, AuthAdminSetPasswordRefusals) {
  MakeUser("zhangsan", {Role::kCadre});
  const std::string before = Stored("zhangsan").password_hash;
  EXPECT_EQ(CodeOf(auth_.SetPassword(operator_, "zhangsan", "short", false)), "password_too_short");
  EXPECT_EQ(CodeOf(auth_.SetPassword(operator_, "zhangsan", "zhangsan-Pass-9", false)),
            "password_contains_username");
  EXPECT_EQ(CodeOf(auth_.SetPassword(operator_, "zhangsan", kPassword, false)), "password_reused");
  Status missing = auth_.SetPassword(operator_, "nobody", "Brand-New-Pass9", false);
  EXPECT_EQ(missing.code(), Code::kNotFound);
  Status self = auth_.SetPassword(Actor{"zhangsan", "r"}, "zhangsan", "Brand-New-Pass9", false);
  EXPECT_EQ(self.code(), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(self), "self_change_refused");
  EXPECT_EQ(Stored("zhangsan").password_hash, before);

  std::vector<std::string> refused;
  for (const AuditEvent& e : repository_.audit()) {
    if (e.action == "password_set") refused.push_back(e.outcome);
  }
  EXPECT_EQ(refused, (std::vector<std::string>{"password_too_short", "password_contains_username",
                                               "password_reused", "user_not_found", "self_change_refused"}));

  // An unaudited password change does not happen (fail closed).
  repository_.set_fail_audit(true);
  EXPECT_EQ(auth_.SetPassword(sysadmin_, "zhangsan", "Brand-New-Pass9", false).code(), Code::kInternal);
  repository_.set_fail_audit(false);
  EXPECT_EQ(Stored("zhangsan").password_hash, before);
  EXPECT_TRUE(auth_.SignIn("zhangsan", kPassword, "", "r").ok());
}

TEST_F(AuthServiceTest, AuthAdminListUsersRedactedInOrder) {
  MakeUser("zhangsan", {Role::kCadre}, {ScopeKind::kCadre, "C0001"});
  MakeUser("lisi", {Role::kCountyAdmin}, {ScopeKind::kRegion, "149901"});
  Result<std::vector<User>> users = auth_.ListUsers();
  ASSERT_TRUE(users.ok()) << users.status().ToString();
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].username, "lisi");
  EXPECT_EQ((*users)[0].scope.code, "149901");
  EXPECT_EQ((*users)[1].username, "zhangsan");
  for (const User& user : *users) {
    EXPECT_TRUE(user.password_hash.empty()) << "redacted";
    EXPECT_TRUE(user.totp_secret.empty());
  }
}

TEST_F(AuthServiceTest, AuthAdminChangePasswordRefusals) {
  MakeUser("zhangsan", {Role::kCadre});
  Status wrong_old = auth_.ChangePassword("zhangsan", "Wrong-Passw0rd", "Brand-New-Pass9", "r");
  EXPECT_EQ(wrong_old.code(), Code::kUnauthenticated);
  EXPECT_EQ(CodeOf(wrong_old), "bad_old_password");
  for (int i = 0; i < 4; ++i)
    (void)auth_.ChangePassword("zhangsan", "Wrong-Passw0rd", "Brand-New-Pass9", "r");
  EXPECT_TRUE(auth_.Locked("zhangsan")) << "guessing the old password counts";
  EXPECT_EQ(CodeOf(auth_.ChangePassword("zhangsan", kPassword, "Brand-New-Pass9", "r")), "bad_credentials");
  ASSERT_TRUE(auth_.Unlock(secadmin_, "zhangsan").ok());
  EXPECT_EQ(CodeOf(auth_.ChangePassword("zhangsan", kPassword, "short", "r")), "password_too_short");
  EXPECT_EQ(CodeOf(auth_.ChangePassword("zhangsan", kPassword, kPassword, "r")), "password_reused");
  EXPECT_EQ(CodeOf(auth_.ChangePassword("nobody", kPassword, "Brand-New-Pass9", "r")), "bad_credentials");
  EXPECT_TRUE(VerifyPassword(Stored("zhangsan").password_hash, kPassword));
}

TEST_F(AuthServiceTest, AuthAuditEventForEachAction) {
  MakeUser("zhangsan", {Role::kCadre});  // user_create, password_change
  const std::size_t start = repository_.audit().size();
  ASSERT_EQ(start, 2u);
  (void)auth_.SignIn("zhangsan", "Wrong-Passw0rd", "", "198.51.100.7");
  std::string token = auth_.SignIn("zhangsan", kPassword, "", "198.51.100.7")->session_token;
  ASSERT_TRUE(auth_.SignOut(token, "198.51.100.7").ok());
  ASSERT_TRUE(auth_.ChangePassword("zhangsan", kPassword, "Brand-New-Pass9", "198.51.100.7").ok());
  ASSERT_TRUE(auth_.SetRoles(secadmin_, "zhangsan", {Role::kCadre, Role::kUnitHead}).ok());
  ASSERT_TRUE(auth_.SetScope(secadmin_, "zhangsan", {ScopeKind::kUnit, "U001"}).ok());
  ASSERT_TRUE(auth_.Disable(sysadmin_, "zhangsan").ok());
  ASSERT_TRUE(auth_.Enable(sysadmin_, "zhangsan").ok());
  ASSERT_TRUE(auth_.Unlock(secadmin_, "zhangsan").ok());
  for (int i = 0; i < 5; ++i) (void)auth_.SignIn("zhangsan", "Wrong-Passw0rd", "", "198.51.100.7");
  Result<CreatedUser> reset = auth_.ResetPassword(sysadmin_, "zhangsan");
  ASSERT_TRUE(reset.ok());
  (void)auth_.SetRoles(secadmin_, "zhangsan", {Role::kAuditor, Role::kCadre});

  std::vector<AuditEvent> audit = repository_.audit();
  std::vector<AuditEvent> tail(audit.begin() + static_cast<std::ptrdiff_t>(start), audit.end());
  std::vector<std::string> expected = {
      "sign_in:bad_credentials",
      "sign_in:ok",
      "sign_out:ok",
      "password_change:ok",
      "roles_change:ok",
      "scope_change:ok",
      "user_disable:ok",
      "user_enable:ok",
      "user_unlock:ok",
      "sign_in:bad_credentials",
      "sign_in:bad_credentials",
      "sign_in:bad_credentials",
      "sign_in:bad_credentials",
      "sign_in:bad_credentials",
      "lockout:locked",
      "password_reset:ok",
      "roles_change:roles_separation",
  };
  EXPECT_EQ(Actions(tail), expected);
  EXPECT_EQ(tail[0].actor, "zhangsan");
  EXPECT_EQ(tail[0].remote, "198.51.100.7");
  EXPECT_EQ(tail[0].at_millis, kStart);
  EXPECT_EQ(tail[4].actor, "secadmin");
  EXPECT_EQ(tail[4].target, "zhangsan");
  EXPECT_EQ(tail[4].detail, "cadre → unit_head,cadre");
  EXPECT_EQ(tail[5].detail, "none → unit:U001");
  EXPECT_EQ(tail[6].actor, "sysadmin");

  // No event carries a secret.
  for (const AuditEvent& e : audit) {
    for (const std::string& field : {e.actor, e.action, e.target, e.remote, e.outcome, e.detail}) {
      EXPECT_EQ(field.find(kPassword), std::string::npos);
      EXPECT_EQ(field.find("Wrong-Passw0rd"), std::string::npos);
      EXPECT_EQ(field.find("Brand-New-Pass9"), std::string::npos);
      EXPECT_EQ(field.find(reset->one_time_password), std::string::npos);
      EXPECT_EQ(field.find(token), std::string::npos);
    }
  }
}

TEST_F(AuthServiceTest, AuthAuditLogLineCannotBeForged) {
  (void)auth_.SignIn("nobody", kPassword, "", "1.2.3.4\nsign_in ok admin");
  EXPECT_EQ(repository_.audit().back().remote, "1.2.3.4?sign_in ok admin");
}

TEST_F(AuthServiceTest, AuthAuditFailureFailsClosed) {
  MakeUser("zhangsan", {Role::kCadre});
  repository_.set_fail_audit(true);
  Result<SignedIn> signed_in = auth_.SignIn("zhangsan", kPassword, "", "r");
  EXPECT_EQ(signed_in.status().code(), Code::kInternal);
  EXPECT_TRUE(repository_.sessions().empty()) << "no unaudited session";
  EXPECT_EQ(auth_.SetRoles(secadmin_, "zhangsan", {Role::kUnitHead}).code(), Code::kInternal);
  EXPECT_EQ(Stored("zhangsan").roles, std::set<Role>{Role::kCadre}) << "no unaudited role change";
  EXPECT_FALSE(auth_.CreateUser(sysadmin_, "lisi", "李四", {Role::kCadre}, {}).ok());
  EXPECT_TRUE(Stored("lisi").disabled) << "no usable unaudited account";
  repository_.set_fail_audit(false);
  EXPECT_TRUE(auth_.SignIn("zhangsan", kPassword, "", "r").ok());
}

TEST_F(AuthServiceTest, AuthSignInUpgradesHashToPolicyCost) {
  MakeUser("zhangsan", {Role::kCadre});
  AuthPolicy stronger = policy_;
  stronger.argon2_opslimit = policy_.argon2_opslimit + 1;
  AuthService upgraded(repository_, stronger, clock_);
  const std::string before = Stored("zhangsan").password_hash;
  ASSERT_TRUE(upgraded.SignIn("zhangsan", kPassword, "", "r").ok());
  const std::string after = Stored("zhangsan").password_hash;
  EXPECT_NE(before, after);
  EXPECT_NE(after.find("t=" + std::to_string(stronger.argon2_opslimit)), std::string::npos) << after;
  EXPECT_TRUE(auth_.SignIn("zhangsan", kPassword, "", "r").ok());
}

TEST_F(AuthServiceTest, AuthConcurrentFailuresLockExactlyOnce) {
  MakeUser("zhangsan", {Role::kCadre});
  std::vector<std::thread> threads;
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([this] { (void)auth_.SignIn("zhangsan", "Wrong-Passw0rd", "", "r"); });
  }
  for (std::thread& t : threads) t.join();
  std::map<std::string, int> details;
  for (const AuditEvent& e : repository_.audit()) {
    if (e.action == "sign_in" || e.action == "lockout") ++details[e.action + "/" + e.detail];
  }
  // Attempts admitted before the lock began do not start another.
  EXPECT_EQ(details["lockout/address r after 5 failures, 30 min"], 1);
  EXPECT_GE(details["sign_in/bad_password"], 5);
  EXPECT_LE(details["sign_in/bad_password"] + details["sign_in/locked"], 10);
}

TEST_F(AuthServiceTest, AuthConcurrentTotpCodeSpentOnce) {
  MakeUser("zhangsan", {Role::kCadre});
  ASSERT_TRUE(auth_.EnrolTotp({"zhangsan", "r"}, "zhangsan").ok());
  ASSERT_TRUE(auth_.ConfirmTotp({"zhangsan", "r"}, "zhangsan", CurrentTotp("zhangsan")).ok());
  clock_.Advance(30 * kSecond);
  const std::string code = CurrentTotp("zhangsan");
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      if (auth_.SignIn("zhangsan", kPassword, code, "r").ok()) ++accepted;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1);
}

}  // namespace
}  // namespace lianxin
