// Authentication and the account rules of PRODUCT.md §5 Trust and §7: roles,
// scopes, the three separated admins (三权分立), passwords, TOTP, sessions,
// lock-out and the audit events of every security-relevant act.
//
// The service is pure logic over a `UserRepository` (the only way it touches
// storage) and an injected `Clock`, so lock-outs, rotations and session
// timeouts are tested on a ManualClock.
//
//   AuthService auth(repository, policy, clock);
//   LX_ASSIGN_OR_RETURN(SignedIn s, auth.SignIn("zhangsan", password, totp_code, "203.0.113.5"));
//   // Set-Cookie: s.session_token (HttpOnly, Secure, SameSite=Strict); send s.csrf_token to the app.
//   LX_ASSIGN_OR_RETURN(AuthenticatedUser who, auth.Authenticate(cookie));
//   LX_RETURN_IF_ERROR(auth.CheckCsrf(who.session(), header, origin, "https://lianxin.example"));
//
// Which role may call which operation (who may create users, change roles,
// read the audit log) is the route allow table's business, not this file's;
// what this file enforces on every path is what must hold whoever calls:
// separation of duties, the password policy, no self-promotion, and that a
// secret never leaves the service except where it is handed out once.
//
// Standards behind the numbers: GB/T 22239-2019 level 3 (等保三级) 8.1.4.1
// 身份鉴别 (complexity, periodic change, failed-login handling, session timeout,
// two factors), 8.1.4.2 访问控制 (default passwords changed, 三权分立, least
// privilege) and 8.1.4.3 安全审计 (who, when, what, whether it succeeded);
// OWASP ASVS 4.0.3 level 2 chapters V2 (authentication) and V3 (sessions).
//
// Threads: AuthService may be called from many threads; it serialises its own
// read-modify-write of a user (failure counters, TOTP steps). The repository
// must be thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/accounts.hpp"
#include "lianxin/clock.hpp"
#include "lianxin/status.hpp"

namespace lianxin {

// ---------------------------------------------------------------------------
// Policy

// Every rule as a named value. The defaults are the production values and sit
// at or above 等保三级 and ASVS L2; the config loader fills this from
// lianxin.toml and must pass it through ValidateAuthPolicy. Tests may lower
// the argon2 cost without validating.
struct AuthPolicy {
  // Passwords. 等保 8.1.4.1 a (复杂度要求) is read by assessors as length and
  // character classes; 10 to 128 characters and 3 of 4 classes is the OWASP
  // Authentication Cheat Sheet's complexity rule. ASVS 4.0.3 2.1.1 asks for
  // 12 and 2.1.9 for no composition rule: raise the length and set
  // min_classes = 0 where the assessor allows.
  int password_min_length = 10;   // Unicode code points
  int password_max_length = 128;  // ASVS 2.1.2: at least 64 allowed; bounds argon2 input
  int password_min_classes = 3;   // of lower case, upper case, digit, other (symbol, space, CJK)
  bool password_forbid_username = true;
  bool password_deny_common = true;  // ASVS 2.1.7: a built-in list of common/breached passwords
  int password_history = 5;          // a new password may not equal any of the last 5
  // 等保 8.1.4.1 a (定期更换): a password older than this signs in with
  // must_change_password. 0 = off (ASVS 2.1.10 discourages rotation).
  int password_max_age_days = 90;
  int one_time_password_length = 16;  // ~90 bits from a 55-symbol alphabet

  // 等保 8.1.4.1 b (登录失败处理) and ASVS 2.2.1: after this many consecutive
  // failures of one account from one client address, that address is locked
  // out of that account for lockout_minutes, doubled at each further lock
  // (back-off) up to lockout_max_minutes. The lock is per account *and*
  // address, so an outsider's guesses lock the outsider out, never the
  // account's holder elsewhere (the three admins included). 0 = never lock.
  int lockout_attempts = 5;
  int lockout_minutes = 30;
  int lockout_max_minutes = 24 * 60;

  // Rate limits checked before any argon2 work (ASVS 2.2.1, OWASP
  // Credential Stuffing Prevention): sign-in attempts per client address,
  // and per account name from addresses that have not signed in to that
  // account within known_address_days (so a flood at an admin's name from
  // many addresses does not keep the admin out from the usual place).
  // Refused attempts answer 429 with Retry-After. 0 = no limit (tests only:
  // ValidateAuthPolicy refuses it). The address is the TCP peer's, or the
  // client a trusted proxy names (access.hpp).
  int signin_per_address_per_minute = 30;
  int signin_per_account_per_minute = 10;
  int known_address_days = 30;
  // Expired sessions are deleted at most this often (at a sign-in).
  int session_purge_minutes = 10;

  // 等保 8.1.4.1 b (登录连接超时自动退出) and ASVS 3.3.2 (L2): re-authenticate
  // after 30 minutes idle or 12 hours.
  int session_idle_minutes = 30;
  int session_absolute_hours = 12;
  // last_seen is written at most this often, so a busy session costs no write
  // per request; a session can thus expire up to this much early, never late.
  int session_touch_seconds = 60;

  // argon2id cost. libsodium's INTERACTIVE: t=2, m=64 MiB, above the OWASP
  // Password Storage minimum (m=19 MiB, t=2, p=1; libsodium always uses p=1).
  static constexpr std::uint64_t kInteractiveOpslimit = 2;
  static constexpr std::uint64_t kInteractiveMemlimit = 64ull << 20;
  std::uint64_t argon2_opslimit = kInteractiveOpslimit;
  std::uint64_t argon2_memlimit = kInteractiveMemlimit;

  // TOTP (RFC 6238, ASVS 2.8): 等保 8.1.4.1 d asks for 两种或两种以上组合的鉴别技术;
  // required here of the three admins, whose accounts reach everything, and
  // open to anyone else who enrols. Once an account has confirmed TOTP it is
  // always asked for. Add roles to extend it.
  std::set<Role> totp_required_roles = {Role::kSysadmin, Role::kSecadmin, Role::kAuditor};
  // Every other role that may reveal personal data in full (the routes the
  // allow table marks second_factor, POST /api/v1/reveal) reaches them only
  // once the account has confirmed TOTP; until then those routes answer 403
  // totp_required_for_reveal and the rest works. false only for tests.
  bool totp_for_personal_data = true;
  int totp_period_seconds = 30;
  int totp_digits = 6;
  int totp_skew_steps = 1;  // accept the previous and next step (RFC 6238 §5.2)
  std::string totp_issuer = "连心";
};

// kInvalidInput "… (auth_policy_range)" (field: the member's name) when a value
// is outside its sane range or below the floor of the standards above:
// min length < 8, classes outside 0..4, history < 0, lockout attempts outside
// 1..10, lockout_max_minutes below lockout_minutes, a sign-in rate limit of 0
// (off: for tests only), idle > 30 min, absolute > 12 h, argon2 below
// m=19 MiB t=2, TOTP digits outside 6..8.
Status ValidateAuthPolicy(const AuthPolicy& policy);

// ---------------------------------------------------------------------------
// Passwords

// argon2id with the policy's cost, in libsodium's self-describing encoded
// form (salt and parameters included). kInternal when memory runs out.
Result<std::string> HashPassword(std::string_view password, const AuthPolicy& policy);
// Whether `password` matches an argon2id `hash`; false for a malformed hash.
// libsodium compares in constant time.
bool VerifyPassword(std::string_view hash, std::string_view password);

// The policy's rules, first failure wins, each kInvalidInput with field
// "password" and a Chinese-first message:
//   密码含有无效字符 (password_invalid_character)  — not UTF-8, or a control character
//   密码至少 10 位 (password_too_short)
//   密码不能超过 128 位 (password_too_long)
//   密码须包含大写字母、小写字母、数字、符号中的至少 3 类 (password_too_simple)
//   密码不能包含用户名 (password_contains_username) — case-insensitive, usernames of 3+ characters
//   密码过于常见 (password_common)
//   不能使用最近 5 次用过的密码 (password_reused) — `previous_hashes` are argon2id hashes
Status CheckPasswordPolicy(const AuthPolicy& policy, const User& user, std::string_view candidate,
                           const std::vector<std::string>& previous_hashes);

// A random password that passes the policy for `user` (every class present,
// no look-alike characters such as 0/O and 1/l/I, so a printed slip reads
// unambiguously).
std::string GenerateOneTimePassword(const AuthPolicy& policy, const User& user);

// ---------------------------------------------------------------------------
// TOTP (RFC 6238 over RFC 4226 HOTP, HMAC-SHA1 as authenticator apps use it)

// 20 random bytes (RFC 4226 §4: a shared secret of 160 bits).
std::string NewTotpSecret();
// RFC 4648 §6 base32, upper case; `padding` adds the '=' RFC 4648 prescribes
// (otpauth URIs leave it off).
std::string Base32Encode(std::string_view bytes, bool padding = true);
// otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30,
// issuer and account percent-encoded (Key URI Format of Google Authenticator).
std::string TotpUri(std::string_view issuer, std::string_view account, std::string_view secret,
                    int digits = 6, int period_seconds = 30);
// The code for the step holding `unix_seconds` (T0 = 0), zero-padded to
// `digits` (6 to 8). Empty for an empty secret, bad digits or period, or a
// negative time.
std::string TotpCode(std::string_view secret, std::int64_t unix_seconds, int digits = 6,
                     int period_seconds = 30);
// Whether `code` is the code of a step within ±skew_steps of now's step. Each
// candidate is compared in constant time. With `last_used_step` set, a step
// at or before *last_used_step is refused (RFC 6238 §5.2: an OTP is accepted
// once) and on success *last_used_step becomes the matched step; pass null
// only where no replay can matter.
bool VerifyTotp(std::string_view secret, std::string_view code, std::int64_t unix_seconds, int skew_steps,
                std::int64_t* last_used_step, int digits = 6, int period_seconds = 30);

// ---------------------------------------------------------------------------
// The service

// A User as it may leave the service: password_hash and totp_secret cleared.
User Redacted(User user);

struct SignedIn {
  std::string session_token;  // 32 random bytes, base64url: the cookie; shown to no one else
  std::string csrf_token;     // 32 random bytes, base64url
  User user;                  // redacted
  // Either flag restricts the session to changing the password, enrolling
  // TOTP and signing out, until resolved.
  bool must_change_password = false;  // one-time password, admin reset, or older than the rotation age
  bool must_enrol_totp = false;       // a role requires TOTP and none is confirmed yet
};

// A valid session and its user, as of this request. Only AuthService makes
// one, so holding it proves Authenticate passed.
class AuthenticatedUser {
 public:
  const User& user() const { return user_; }  // redacted, roles and scope current
  const Session& session() const { return session_; }
  bool must_change_password() const { return must_change_password_; }
  bool must_enrol_totp() const { return must_enrol_totp_; }
  // True while the session may only change the password, enrol TOTP or sign out.
  bool restricted() const { return must_change_password_ || must_enrol_totp_; }

 private:
  friend class AuthService;
  AuthenticatedUser() = default;
  User user_;
  Session session_;
  bool must_change_password_ = false;
  bool must_enrol_totp_ = false;
};

struct CreatedUser {
  User user;                      // redacted
  std::string one_time_password;  // shown once (or printed on the slip), never stored in clear
  // The roles (CreateUser) or the password (ResetPassword) wait for the
  // security admin's approval; until then the account has no role, or its
  // old password still holds.
  bool pending_approval = false;
};

class AuthService {
 public:
  // Holds references to `repository` and `clock`, which must outlive it; the
  // policy is copied.
  AuthService(UserRepository& repository, const AuthPolicy& policy, const Clock& clock);
  ~AuthService();
  AuthService(const AuthService&) = delete;
  AuthService& operator=(const AuthService&) = delete;

  // Signs in and opens a session. `totp_code` is empty when the form had none.
  // Failures (each audited as sign_in with the code as outcome):
  //   kUnauthenticated "用户名或密码错误 (bad_credentials)" — unknown user,
  //     wrong password or disabled account alike, with a password hash
  //     verified on every path, so neither message nor timing tells an
  //     account exists (an unknown name counts towards the lock-out too) (ASVS 2.2, OWASP Authentication
  //     Cheat Sheet);
  //   kUnauthenticated "需要动态口令 (totp_required)" — right password, TOTP
  //     confirmed, no code given (not counted as a failure);
  //   kUnauthenticated "动态口令错误 (bad_totp)" — a wrong or replayed code.
  //   kUnavailable "登录尝试过于频繁,请稍后再试 (rate_limited)" — before any
  //     argon2 work, when the address or the account name is over its rate
  //     limit or the address is locked out of the account; *retry_after_seconds
  //     (when given) is then set to the seconds to wait (else left at 0). Only
  //     the first refusal of a window is audited, so a flood writes nothing.
  // Wrong passwords and codes count towards the lock-out of this account from
  // this address; the failure that reaches policy.lockout_attempts locks it
  // (a "lockout" event), longer at each further lock. Success clears the
  // count and remembers the address as known to the account. A failure
  // writes no account row: it costs one audit event.
  Result<SignedIn> SignIn(std::string_view username, std::string_view password, std::string_view totp_code,
                          std::string_view remote, std::int64_t* retry_after_seconds = nullptr);

  // Whether some address is locked out of the account now (for the consoles).
  bool Locked(std::string_view username) const;

  // Deletes the sessions past the idle or absolute timeout; SignIn calls it
  // at most every policy.session_purge_minutes. The number deleted.
  Result<int> PurgeExpiredSessions();

  // The session behind a raw token, touched. kUnauthenticated
  // "未登录或会话已失效 (session_invalid)" for an unknown token or a disabled or
  // deleted user; "会话已超时,请重新登录 (session_expired)" past the idle or the
  // absolute timeout (the session is deleted and a session_expire audited).
  Result<AuthenticatedUser> Authenticate(std::string_view session_token);

  // For every state-changing request: the header token must equal the
  // session's (constant-time compare), else kPermissionDenied
  // "请求校验失败 (csrf_mismatch)"; and an Origin header, when present, must
  // equal `expected_origin` exactly, else "请求来源不符 (origin_mismatch)".
  static Status CheckCsrf(const Session& session, std::string_view header_token, std::string_view origin,
                          std::string_view expected_origin);

  // Ends the session (idempotent: Ok for an unknown token).
  Status SignOut(std::string_view session_token, std::string_view remote);
  // 在线用户: the sessions alive now (past neither timeout), most recently
  // seen first; and force sign-out by token hash (kNotFound when no such
  // session), audited as session_revoke.
  Result<std::vector<Session>> OnlineSessions();
  Status RevokeSession(const Actor& by, std::string_view token_hash);
  // Records an admin's act that changes no account (the auditor exporting
  // the log: audit_export), at this service's clock, outcome ok.
  Status RecordAct(const Actor& by, std::string_view action, std::string_view target, std::string detail);

  // The signed-in user changes its own password. kUnauthenticated
  // "原密码错误 (bad_old_password)" (counted towards the lock-out) or
  // "用户名或密码错误 (bad_credentials)" for a locked or disabled account;
  // CheckPasswordPolicy's refusals. On success every session of the user ends
  // (ASVS 3.3.3), so the app signs in again with the new password.
  Status ChangePassword(std::string_view username, std::string_view old_password,
                        std::string_view new_password, std::string_view remote);

  // A new account with a one-time password and must_change_password.
  // From an admin (not the local operator, Actor::local) the account gets no
  // role yet: the roles and scope wait as a PendingChange for the security
  // admin's ApproveChanges (pending_approval is set), and an admin role is
  // refused, kPermissionDenied "三员账号只能由本机操作员管理 (admin_protected)".
  // kInvalidInput: username not [a-z0-9._-]{3,64} starting with a letter or
  // digit (username_invalid), display name empty or over 64 characters
  // (display_name_invalid), roles empty or holding kPublic (roles_invalid),
  // separation of duties broken (roles_separation), ValidateScope's refusals;
  // kConflict "用户名已存在 (username_taken)".
  Result<CreatedUser> CreateUser(const Actor& by, std::string_view username, std::string_view display_name,
                                 const std::set<Role>& roles, const Scope& scope);
  // A fresh one-time password with must_change_password; clears the lock and
  // ends the user's sessions. From an admin it waits for the security
  // admin's approval (pending_approval; the old password holds meanwhile and
  // the requester hands the slip over once approved). kNotFound;
  // kPermissionDenied on oneself (self_change_refused: use ChangePassword)
  // and, from an admin, on one of the three admins (admin_protected).
  Result<CreatedUser> ResetPassword(const Actor& by, std::string_view username);
  // Applies every pending change of the account (roles and scope; the reset
  // password, ending its sessions), audited as "approve". kNotFound
  // "没有待审批的变更 (nothing_pending)"; kPermissionDenied when `by` asked
  // for one of them itself (approval_self), and admin_protected as below.
  Status ApproveChanges(const Actor& by, std::string_view username);
  // Drops every pending change of the account, audited as "reject". kNotFound
  // as for ApproveChanges.
  Status RejectChanges(const Actor& by, std::string_view username);
  // The pending changes, of one account or of all for "" (password hashes
  // cleared).
  Result<std::vector<PendingChange>> ListPending(std::string_view username = {});
  // Sets a password an administrator chose (the `lianxin user` console: a
  // service account, or a slip handed over in person), audited as
  // password_set. CheckPasswordPolicy's refusals, the history included;
  // kNotFound; kPermissionDenied on oneself (self_change_refused: use
  // ChangePassword, which asks for the old password). Records the hash in the
  // history, clears the lock-out and the failure count, sets
  // must_change_password to `must_change` and ends the user's sessions.
  Status SetPassword(const Actor& by, std::string_view username, std::string_view new_password,
                     bool must_change);
  // Every act below and above on another account is refused to an admin
  // when that account is one of the three admins' (kPermissionDenied
  // "不能更改三员账号,请由本机操作员处理 (admin_protected)"): no admin
  // disables, resets, unlocks or changes another; the local operator can.
  // Disabling ends every session. kNotFound; kPermissionDenied on oneself.
  Status Disable(const Actor& by, std::string_view username);
  Status Enable(const Actor& by, std::string_view username);
  // Clears the lock-outs of every address and the failure counts. kNotFound.
  Status Unlock(const Actor& by, std::string_view username);
  // Replaces the roles; takes effect on the user's next request, and
  // settles a pending grant (it is dropped). kInvalidInput as for
  // CreateUser; kNotFound; kPermissionDenied on oneself (no one grants
  // itself a role) and, from an admin, admin_protected for an admin role.
  Status SetRoles(const Actor& by, std::string_view username, const std::set<Role>& roles);
  Status SetScope(const Actor& by, std::string_view username, const Scope& scope);

  // The account holder draws a new TOTP secret and gets its otpauth URI (to
  // show as a QR code once); it takes effect after ConfirmTotp. Only for
  // oneself (kPermissionDenied otherwise: the secret must reach no one but its
  // holder); kConflict "已绑定动态口令 (totp_already_enrolled)" once confirmed —
  // a secadmin's ResetTotp comes first.
  Result<std::string> EnrolTotp(const Actor& by, std::string_view username);
  // Proves the authenticator holds the enrolled secret. kInvalidInput
  // "动态口令错误 (bad_totp)"; kConflict when nothing is pending.
  Status ConfirmTotp(const Actor& by, std::string_view username, std::string_view code);
  // Removes the secret (lost phone). kNotFound; kPermissionDenied on oneself.
  Status ResetTotp(const Actor& by, std::string_view username);

  // First start: creates "sysadmin", "secadmin" and "auditor" (scope none)
  // with one-time passwords, each only while no account holds its role (or
  // its name), so accounts added first with `lianxin user add` do not keep
  // the system from its three admins; each signs in, then must set a
  // password (等保 8.1.4.2 b: no default password survives) and enrol TOTP.
  // Does nothing (an empty vector) once they exist, so it is safe on every start.
  Result<std::vector<CreatedUser>> CreateInitialAdmins();

  // Every account, redacted, ordered by username. Reads only: not audited.
  Result<std::vector<User>> ListUsers();

  const AuthPolicy& policy() const { return policy_; }

 private:
  struct Impl;
  std::int64_t Now() const;
  bool MustChangePassword(const User& user, std::int64_t now) const;
  bool MustEnrolTotp(const User& user) const;
  // Verifies against `hash`, or against a dummy hash when it is empty, so an
  // unknown account costs the same argon2 work as a known one.
  bool VerifyOrDummy(std::string_view hash, std::string_view password);
  Status Record(std::string_view actor, std::string_view action, std::string_view target,
                std::string_view remote, const Status& outcome, std::string detail = {});
  Result<User> LoadUser(std::string_view username);  // kNotFound when missing
  // Counts a failed attempt at `username` from `remote` (locking the pair at
  // the threshold), audits it, and returns `refusal`.
  Status CountFailure(const std::string& username, std::string_view action, std::string_view remote,
                      const Status& refusal, std::string detail = {});
  Result<CreatedUser> CreateUserUnlocked(const Actor& by, std::string_view username,
                                         std::string_view display_name, const std::set<Role>& roles,
                                         const Scope& scope);
  // Applies or drops (`approve`) every pending change of `username`.
  Status SettlePending(const Actor& by, std::string_view username, bool approve);
  // Loads the user under the lock, applies `change` (which may set an audit
  // detail), saves and audits; refusals are audited too. From an admin, an
  // account of the three admins other than the caller's is refused.
  Status Mutate(const Actor& by, std::string_view username, std::string_view action, bool refuse_self,
                const std::function<Status(User&, std::string&)>& change);

  UserRepository& repository_;
  AuthPolicy policy_;
  const Clock& clock_;
  std::unique_ptr<Impl> impl_;  // the lock and the dummy hash
};

}  // namespace lianxin
