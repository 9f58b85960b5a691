// AuthService: sign-in, sessions, lock-out, account administration, and the
// audit event each of them leaves.
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <unordered_map>

#include "auth/internal.hpp"
#include "auth/throttle.hpp"
#include "lianxin/auth.hpp"

namespace lianxin {

using auth_internal::AsciiLower;
using auth_internal::UsernameWellFormed;
using auth_internal::Wipe;

struct AuthService::Impl {
  explicit Impl(const AuthPolicy& policy) : throttle(policy) {}
  // Serialises every read-modify-write of a user (failure counts, lock-out,
  // TOTP steps) so two concurrent requests cannot both pass on a stale count
  // or both spend one TOTP code. One lock for all users is plenty at a
  // county's sign-in rate; the argon2 work of sign-in and password change
  // runs outside it.
  std::mutex mu;
  std::once_flag dummy_once;
  std::string dummy_hash;
  // Rate limits and lock-outs, in memory (throttle.hpp).
  auth_internal::SignInThrottle throttle;
  std::atomic<std::int64_t> last_purge_millis{0};

  // Sessions read by Authenticate, with their users, valid while the
  // repository's change stamp is `stamp` (any write to users or sessions,
  // here or in another process, empties it). Saves the two look-ups of
  // every signed-in request.
  struct Known {
    Session session;
    User user;
  };
  std::mutex known_mu;
  std::optional<std::int64_t> known_stamp;
  std::unordered_map<std::string, Known> known;  // by token hash
  static constexpr std::size_t kMostKnown = 20000;
};

namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::size_t kTokenBytes = 32;  // 256 bits: ASVS 3.2.2 asks for at least 64
constexpr std::string_view kBootstrapActor = "system:bootstrap";

Status Unauthenticated(std::string message) { return {Code::kUnauthenticated, std::move(message)}; }
Status Denied(std::string message) { return {Code::kPermissionDenied, std::move(message)}; }

// One message for every way a password sign-in can fail, so the answer does
// not tell whether the account exists, is locked or is disabled (ASVS 2.2,
// OWASP Authentication Cheat Sheet "Authentication and Error Messages").
Status BadCredentials() { return Unauthenticated("用户名或密码错误 (bad_credentials)"); }
Status TotpRequired() { return Unauthenticated("需要动态口令 (totp_required)"); }
Status BadTotp() { return Unauthenticated("动态口令错误 (bad_totp)"); }
Status SessionInvalid() { return Unauthenticated("未登录或会话已失效 (session_invalid)"); }
Status SessionExpired() { return Unauthenticated("会话已超时,请重新登录 (session_expired)"); }
Status UserNotFound() { return Status::NotFound("用户不存在 (user_not_found)"); }
Status SelfChangeRefused() { return Denied("不能对自己的账号执行此操作 (self_change_refused)"); }
Status AdminProtected() { return Denied("不能更改三员账号,请由本机操作员处理 (admin_protected)"); }
Status RateLimited() { return {Code::kUnavailable, "登录尝试过于频繁,请稍后再试 (rate_limited)"}; }
Status NothingPending() { return Status::NotFound("没有待审批的变更 (nothing_pending)"); }

bool HoldsAdminRole(const std::set<Role>& roles) {
  return std::any_of(roles.begin(), roles.end(), IsSeparatedAdmin);
}

// The English code a message ends with, "(bad_credentials)", as the audit
// outcome; the Status code's name when there is none.
std::string OutcomeOf(const Status& status) {
  if (status.ok()) return "ok";
  const std::string& message = status.message();
  std::size_t open = message.rfind('(');
  if (!message.empty() && message.back() == ')' && open != std::string::npos) {
    return message.substr(open + 1, message.size() - open - 2);
  }
  return std::string(CodeName(status.code()));
}

// What the caller supplies for the log (the remote address, a typed
// username) is bounded and stripped of control characters, so a log line
// cannot be forged or bloated (ASVS 7.3.1).
std::string ForLog(std::string_view text) {
  std::string out;
  for (char ch : text.substr(0, 128)) {
    auto c = static_cast<unsigned char>(ch);
    out += (c < 0x20 || c == 0x7F) ? '?' : ch;
  }
  return out;
}

std::string NormalizeUsername(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return AsciiLower(text);
}

std::string ScopeText(const Scope& scope) {
  std::string text(ScopeKindToken(scope.kind));
  if (!scope.code.empty()) text += ":" + scope.code;
  return text;
}

Status CheckRoles(const std::set<Role>& roles) {
  if (roles.empty() || roles.count(Role::kPublic)) {
    return Status::Invalid("账号至少要有一个角色,且不能是公众 (roles_invalid)", "roles");
  }
  if (!SeparationOfDutiesOk(roles)) {
    return Status::Invalid(
        "系统管理员、安全管理员、审计管理员不能相互兼任,也不能兼任业务角色 (roles_separation)", "roles");
  }
  return Status::Ok();
}

bool TotpConfirmed(const User& user) { return user.totp_confirmed && !user.totp_secret.empty(); }

}  // namespace

User Redacted(User user) {
  Wipe(user.password_hash);
  Wipe(user.totp_secret);
  return user;
}

std::string SessionTokenHash(std::string_view session_token) {
  if (!auth_internal::SodiumReady().ok()) return {};
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(session_token.data()),
                     session_token.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

AuthService::AuthService(UserRepository& repository, const AuthPolicy& policy, const Clock& clock)
    : repository_(repository), policy_(policy), clock_(clock), impl_(std::make_unique<Impl>(policy_)) {}

AuthService::~AuthService() = default;

std::int64_t AuthService::Now() const { return clock_.NowMillis(); }

bool AuthService::MustChangePassword(const User& user, std::int64_t now) const {
  if (user.must_change_password) return true;
  return policy_.password_max_age_days > 0 &&
         now - user.password_changed_millis > policy_.password_max_age_days * kDay;
}

bool AuthService::MustEnrolTotp(const User& user) const {
  if (TotpConfirmed(user)) return false;
  for (Role role : user.roles) {
    if (policy_.totp_required_roles.count(role)) return true;
  }
  return false;
}

bool AuthService::VerifyOrDummy(std::string_view hash, std::string_view password) {
  // An account without a usable hash, like a missing account, still costs
  // one argon2 verification, so timing says nothing about which it was.
  if (!hash.empty() && VerifyPassword(hash, password)) return true;
  if (hash.empty()) {
    std::call_once(impl_->dummy_once, [this] {
      std::string filler = auth_internal::RandomBase64Url(kTokenBytes);
      Result<std::string> dummy = HashPassword(filler, policy_);
      if (dummy.ok()) impl_->dummy_hash = *dummy;
    });
    (void)VerifyPassword(impl_->dummy_hash, password);
  }
  return false;
}

Status AuthService::Record(std::string_view actor, std::string_view action, std::string_view target,
                           std::string_view remote, const Status& outcome, std::string detail) {
  AuditEvent event;
  event.at_millis = Now();
  event.actor = ForLog(actor);
  event.action = std::string(action);
  event.target = ForLog(target);
  event.remote = ForLog(remote);
  event.outcome = OutcomeOf(outcome);
  event.detail = std::move(detail);
  return repository_.Audit(event);
}

Result<User> AuthService::LoadUser(std::string_view username) {
  LX_ASSIGN_OR_RETURN(std::optional<User> user, repository_.FindByUsername(username));
  if (!user) return UserNotFound();
  return std::move(*user);
}

Status AuthService::CountFailure(const std::string& username, std::string_view action,
                                 std::string_view remote, const Status& refusal, std::string detail) {
  // No account row is written: a flood of wrong guesses costs one audit
  // event each, and the rate limits bound how many.
  int minutes = 0;
  const bool locked = impl_->throttle.Failed(username, std::string(remote), Now(), &minutes);
  LX_RETURN_IF_ERROR(Record(username, action, username, remote, refusal, std::move(detail)));
  if (locked) {
    LX_RETURN_IF_ERROR(
        Record(username, "lockout", username, remote, Unauthenticated("账号已临时锁定 (locked)"),
               "address " + ForLog(remote) + " after " + std::to_string(policy_.lockout_attempts) +
                   " failures, " + std::to_string(minutes) + " min"));
  }
  return refusal;
}

bool AuthService::Locked(std::string_view username) const {
  return impl_->throttle.Locked(NormalizeUsername(username), Now());
}

Result<int> AuthService::PurgeExpiredSessions() {
  const std::int64_t now = Now();
  impl_->last_purge_millis = now;
  return repository_.DeleteExpiredSessions(now - policy_.session_idle_minutes * kMinute,
                                           now - policy_.session_absolute_hours * kHour);
}

Result<SignedIn> AuthService::SignIn(std::string_view username_in, std::string_view password,
                                     std::string_view totp_code, std::string_view remote,
                                     std::int64_t* retry_after_seconds) {
  const std::string username = NormalizeUsername(username_in);
  // A typed "username" that is no username may be a password typed in the
  // wrong box: it is not written to the log.
  const bool well_formed = UsernameWellFormed(username);
  const std::string log_name = well_formed ? username : "(malformed)";
  if (retry_after_seconds != nullptr) *retry_after_seconds = 0;
  // The limits come before any lookup or argon2 work, known account or not.
  auth_internal::SignInThrottle::Admission admission =
      impl_->throttle.Admit(log_name, std::string(remote), Now());
  if (admission.wait_seconds > 0) {
    if (retry_after_seconds != nullptr) *retry_after_seconds = admission.wait_seconds;
    if (admission.first_refusal) {
      LX_RETURN_IF_ERROR(Record(log_name, "sign_in", log_name, remote, RateLimited(), admission.reason));
    }
    return RateLimited();
  }
  if (policy_.session_purge_minutes > 0 &&
      Now() - impl_->last_purge_millis.load() >= policy_.session_purge_minutes * kMinute) {
    LX_RETURN_IF_ERROR(PurgeExpiredSessions().status());
  }
  std::optional<User> found;
  if (well_formed) {
    LX_ASSIGN_OR_RETURN(found, repository_.FindByUsername(username));
  }
  const bool password_ok = VerifyOrDummy(found ? found->password_hash : "", password);
  if (!found) {
    // Counted like a wrong password, so the answer and the lock-out say
    // nothing about whether the account exists.
    return CountFailure(log_name, "sign_in", remote, BadCredentials(), "unknown_user");
  }
  // A stronger argon2 cost in the policy upgrades the stored hash at the next
  // successful sign-in; hashed here, outside the lock.
  std::string rehash;
  if (password_ok &&
      crypto_pwhash_argon2id_str_needs_rehash(found->password_hash.c_str(), policy_.argon2_opslimit,
                                              policy_.argon2_memlimit) != 0) {
    Result<std::string> upgraded = HashPassword(password, policy_);
    if (upgraded.ok()) rehash = *upgraded;
  }

  std::lock_guard<std::mutex> lock(impl_->mu);
  const std::int64_t now = Now();
  Result<User> loaded = LoadUser(username);
  if (!loaded.ok()) {  // deleted meanwhile: still no word on whether it existed
    return loaded.status().code() == Code::kNotFound ? BadCredentials() : loaded.status();
  }
  User user = std::move(*loaded);
  if (user.disabled) {
    LX_RETURN_IF_ERROR(Record(username, "sign_in", username, remote, BadCredentials(), "account_disabled"));
    return BadCredentials();
  }
  bool ok = password_ok;
  if (user.password_hash != found->password_hash) {  // changed while we hashed
    ok = VerifyPassword(user.password_hash, password);
    rehash.clear();
  }
  if (!ok) return CountFailure(username, "sign_in", remote, BadCredentials(), "bad_password");
  if (TotpConfirmed(user)) {
    if (totp_code.empty()) {
      // Not a guess, so not counted: the form asks for the code next.
      LX_RETURN_IF_ERROR(Record(username, "sign_in", username, remote, TotpRequired()));
      return TotpRequired();
    }
    if (!VerifyTotp(user.totp_secret, totp_code, now / kSecond, policy_.totp_skew_steps, &user.totp_last_step,
                    policy_.totp_digits, policy_.totp_period_seconds)) {
      return CountFailure(username, "sign_in", remote, BadTotp());
    }
  }
  impl_->throttle.Succeeded(username, std::string(remote), now);
  user.failed_attempts = 0;
  user.locked_until_millis = 0;
  user.last_login_millis = now;
  if (!rehash.empty()) user.password_hash = std::move(rehash);
  LX_RETURN_IF_ERROR(repository_.Update(user));

  SignedIn out;
  out.session_token = auth_internal::RandomBase64Url(kTokenBytes);
  out.csrf_token = auth_internal::RandomBase64Url(kTokenBytes);
  if (out.session_token.empty() || out.csrf_token.empty()) {
    return Status::Internal("无法生成会话令牌 (session_token_failed)");
  }
  // A fresh token on every sign-in: nothing an attacker planted before can
  // become the signed-in session (ASVS 3.2.1, session fixation).
  Session session;
  session.token_hash = SessionTokenHash(out.session_token);
  session.username = username;
  session.csrf_token = out.csrf_token;
  session.created_millis = now;
  session.last_seen_millis = now;
  session.remote = ForLog(remote);
  LX_RETURN_IF_ERROR(repository_.SaveSession(session));
  out.must_change_password = MustChangePassword(user, now);
  out.must_enrol_totp = MustEnrolTotp(user);
  std::string detail;
  if (out.must_change_password) detail = "must_change_password";
  if (out.must_enrol_totp) detail += detail.empty() ? "must_enrol_totp" : ",must_enrol_totp";
  Status audited = Record(username, "sign_in", username, remote, Status::Ok(), std::move(detail));
  if (!audited.ok()) {
    // No unaudited session (fail closed).
    (void)repository_.DeleteSession(session.token_hash);
    Wipe(out.session_token);
    return audited;
  }
  out.user = Redacted(std::move(user));
  return out;
}

Result<AuthenticatedUser> AuthService::Authenticate(std::string_view session_token) {
  if (session_token.empty() || session_token.size() > 256) return SessionInvalid();
  const std::string token_hash = SessionTokenHash(session_token);
  const std::int64_t now = Now();
  LX_ASSIGN_OR_RETURN(const std::optional<std::int64_t> stamp, repository_.ChangeStamp());
  if (stamp) {
    std::lock_guard lock(impl_->known_mu);
    if (impl_->known_stamp != stamp) {
      impl_->known.clear();
      impl_->known_stamp = stamp;
    }
    const auto it = impl_->known.find(token_hash);
    // Still within both limits and not due a touch: nothing to write.
    if (it != impl_->known.end() &&
        now - it->second.session.created_millis <= policy_.session_absolute_hours * kHour &&
        now - it->second.session.last_seen_millis < policy_.session_touch_seconds * kSecond) {
      AuthenticatedUser who;
      who.must_change_password_ = MustChangePassword(it->second.user, now);
      who.must_enrol_totp_ = MustEnrolTotp(it->second.user);
      who.user_ = Redacted(it->second.user);
      who.session_ = it->second.session;
      return who;
    }
  }
  LX_ASSIGN_OR_RETURN(std::optional<Session> found, repository_.FindSession(token_hash));
  if (!found) return SessionInvalid();
  Session session = std::move(*found);
  const char* expired = nullptr;
  if (now - session.created_millis > policy_.session_absolute_hours * kHour) {
    expired = "absolute";
  } else if (now - session.last_seen_millis > policy_.session_idle_minutes * kMinute) {
    expired = "idle";
  }
  if (expired != nullptr) {
    LX_RETURN_IF_ERROR(repository_.DeleteSession(token_hash));
    LX_RETURN_IF_ERROR(Record(session.username, "session_expire", session.username, session.remote,
                              SessionExpired(), expired));
    return SessionExpired();
  }
  LX_ASSIGN_OR_RETURN(std::optional<User> user, repository_.FindByUsername(session.username));
  if (!user || user->disabled) {
    LX_RETURN_IF_ERROR(repository_.DeleteSession(token_hash));
    return SessionInvalid();
  }
  if (now - session.last_seen_millis >= policy_.session_touch_seconds * kSecond) {
    session.last_seen_millis = now;
    LX_RETURN_IF_ERROR(repository_.SaveSession(session));
  } else if (stamp) {
    // Known only as read under `stamp`: a write since then has emptied it.
    std::lock_guard lock(impl_->known_mu);
    if (impl_->known_stamp == stamp && impl_->known.size() < Impl::kMostKnown) {
      impl_->known.insert_or_assign(token_hash, Impl::Known{session, *user});
    }
  }
  AuthenticatedUser who;
  who.must_change_password_ = MustChangePassword(*user, now);
  who.must_enrol_totp_ = MustEnrolTotp(*user);
  who.user_ = Redacted(std::move(*user));
  who.session_ = std::move(session);
  return who;
}

Status AuthService::CheckCsrf(const Session& session, std::string_view header_token, std::string_view origin,
                              std::string_view expected_origin) {
  // The token is compared in constant time; its length is public (43).
  bool token_ok = !session.csrf_token.empty() && header_token.size() == session.csrf_token.size() &&
                  sodium_memcmp(header_token.data(), session.csrf_token.data(), header_token.size()) == 0;
  if (!token_ok) return Denied("请求校验失败 (csrf_mismatch)");
  // Browsers send Origin on cross-site unsafe requests; a present one that is
  // not ours ("null" included) is refused (ASVS 4.2.2; OWASP CSRF Prevention
  // Cheat Sheet, "Verifying Origin With Standard Headers").
  if (!origin.empty() && origin != expected_origin) return Denied("请求来源不符 (origin_mismatch)");
  return Status::Ok();
}

Status AuthService::SignOut(std::string_view session_token, std::string_view remote) {
  if (session_token.empty() || session_token.size() > 256) return Status::Ok();
  const std::string token_hash = SessionTokenHash(session_token);
  LX_ASSIGN_OR_RETURN(std::optional<Session> session, repository_.FindSession(token_hash));
  if (!session) return Status::Ok();
  LX_RETURN_IF_ERROR(repository_.DeleteSession(token_hash));
  return Record(session->username, "sign_out", session->username, remote, Status::Ok());
}

Result<std::vector<Session>> AuthService::OnlineSessions() {
  LX_ASSIGN_OR_RETURN(std::vector<Session> sessions, repository_.ListSessions());
  const std::int64_t now = clock_.NowMillis();
  std::erase_if(sessions, [&](const Session& s) {
    return now - s.last_seen_millis > policy_.session_idle_minutes * 60'000LL ||
           now - s.created_millis > policy_.session_absolute_hours * 3'600'000LL;
  });
  return sessions;
}

Status AuthService::RevokeSession(const Actor& by, std::string_view token_hash) {
  LX_ASSIGN_OR_RETURN(std::optional<Session> session, repository_.FindSession(token_hash));
  if (!session) return Status::NotFound("会话不存在 (session_not_found)");
  LX_RETURN_IF_ERROR(repository_.DeleteSession(token_hash));
  return Record(by.username, "session_revoke", session->username, by.remote, Status::Ok());
}

Status AuthService::RecordAct(const Actor& by, std::string_view action, std::string_view target,
                              std::string detail) {
  return Record(by.username, action, target, by.remote, Status::Ok(), std::move(detail));
}

Status AuthService::ChangePassword(std::string_view username_in, std::string_view old_password,
                                   std::string_view new_password, std::string_view remote) {
  const std::string username = NormalizeUsername(username_in);
  auto refuse = [&](const Status& refusal, std::string detail = {}) -> Status {
    LX_RETURN_IF_ERROR(Record(username, "password_change", username, remote, refusal, std::move(detail)));
    return refusal;
  };
  std::optional<User> found;
  if (UsernameWellFormed(username)) {
    LX_ASSIGN_OR_RETURN(found, repository_.FindByUsername(username));
  }
  if (!found) return refuse(BadCredentials(), "unknown_user");
  // The argon2 work (old password, history, new hash) happens before the lock.
  const bool old_ok = VerifyOrDummy(found->password_hash, old_password);
  std::string new_hash;
  if (old_ok) {
    LX_ASSIGN_OR_RETURN(std::vector<std::string> history,
                        repository_.PreviousPasswordHashes(username, policy_.password_history));
    if (std::find(history.begin(), history.end(), found->password_hash) == history.end()) {
      history.insert(history.begin(), found->password_hash);
    }
    Status policy = CheckPasswordPolicy(policy_, *found, new_password, history);
    if (!policy.ok()) return refuse(policy);
    LX_ASSIGN_OR_RETURN(new_hash, HashPassword(new_password, policy_));
  }

  std::lock_guard<std::mutex> lock(impl_->mu);
  const std::int64_t now = Now();
  LX_ASSIGN_OR_RETURN(User user, LoadUser(username));
  if (user.disabled) return refuse(BadCredentials(), "account_disabled");
  if (impl_->throttle.Admit(username, std::string(remote), now).wait_seconds > 0) {
    return refuse(BadCredentials(), "account_locked");
  }
  if (!old_ok) {
    return CountFailure(username, "password_change", remote,
                        Unauthenticated("原密码错误 (bad_old_password)"));
  }
  if (user.password_hash != found->password_hash) {
    return refuse(Status::Conflict("密码刚被修改过,请重新登录后再试 (concurrent_change)"));
  }
  const User before = user;
  user.password_hash = new_hash;
  user.must_change_password = false;
  user.password_changed_millis = now;
  user.failed_attempts = 0;
  LX_RETURN_IF_ERROR(repository_.Update(user));
  LX_RETURN_IF_ERROR(repository_.AddPasswordHash(username, new_hash, now));
  // Every session of the account ends, this one too (ASVS 3.3.3).
  LX_RETURN_IF_ERROR(repository_.DeleteUserSessions(username));
  Status audited = Record(username, "password_change", username, remote, Status::Ok());
  if (!audited.ok()) (void)repository_.Update(before);
  return audited;
}

Result<CreatedUser> AuthService::CreateUserUnlocked(const Actor& by, std::string_view username_in,
                                                    std::string_view display_name,
                                                    const std::set<Role>& roles, const Scope& scope) {
  const std::string username = NormalizeUsername(username_in);
  const std::string& actor = by.username;
  const std::string& remote = by.remote;
  auto refuse = [&](const Status& refusal) -> Status {
    LX_RETURN_IF_ERROR(Record(actor, "user_create", ForLog(username), remote, refusal));
    return refusal;
  };
  if (!UsernameWellFormed(username)) {
    return refuse(Status::Invalid(
        "用户名应为 3 到 64 位小写字母、数字或 . _ -,以字母或数字开头 (username_invalid)", "username"));
  }
  bool control = false;
  for (char ch : display_name) control |= static_cast<unsigned char>(ch) < 0x20;
  if (display_name.empty() || display_name.size() > 192 || control) {
    return refuse(Status::Invalid("姓名不能为空,且不超过 64 个字 (display_name_invalid)", "display_name"));
  }
  if (Status roles_ok = CheckRoles(roles); !roles_ok.ok()) return refuse(roles_ok);
  if (Status scope_ok = ValidateScope(scope); !scope_ok.ok()) return refuse(scope_ok);
  // The three admins' accounts are the local operator's alone (三权分立):
  // an admin who could make one could approve its own requests with it.
  if (!by.local() && HoldsAdminRole(roles)) return refuse(AdminProtected());
  LX_ASSIGN_OR_RETURN(std::optional<User> existing, repository_.FindByUsername(username));
  if (existing) return refuse(Status::Conflict("用户名已存在 (username_taken)"));

  const std::int64_t now = Now();
  User user;
  user.username = username;
  user.display_name = std::string(display_name);
  // From an admin the account starts with no role: whoever made it knows its
  // one-time password, so its roles wait for the security admin.
  const bool pending = !by.local();
  if (!pending) {
    user.roles = roles;
    user.scope = scope;
  }
  user.must_change_password = true;
  user.password_changed_millis = now;
  CreatedUser created;
  created.one_time_password = GenerateOneTimePassword(policy_, user);
  if (created.one_time_password.empty())
    return Status::Internal("无法生成一次性密码 (one_time_password_failed)");
  LX_ASSIGN_OR_RETURN(user.password_hash, HashPassword(created.one_time_password, policy_));
  LX_RETURN_IF_ERROR(repository_.Insert(user));
  LX_RETURN_IF_ERROR(repository_.AddPasswordHash(username, user.password_hash, now));
  if (pending) {
    PendingChange grant;
    grant.username = username;
    grant.kind = PendingKind::kGrant;
    grant.requested_by = actor;
    grant.requested_millis = now;
    grant.roles = roles;
    grant.scope = scope;
    LX_RETURN_IF_ERROR(repository_.SavePending(grant));
    created.pending_approval = true;
  }
  Status audited = Record(
      actor, "user_create", username, remote, Status::Ok(),
      "roles=" + JoinRoleTokens(roles) + " scope=" + ScopeText(scope) + (pending ? " pending_approval" : ""));
  if (!audited.ok()) {
    // The repository cannot delete; an unaudited account at least cannot sign in.
    user.disabled = true;
    (void)repository_.Update(user);
    Wipe(created.one_time_password);
    return audited;
  }
  created.user = Redacted(std::move(user));
  return created;
}

Result<CreatedUser> AuthService::CreateUser(const Actor& by, std::string_view username,
                                            std::string_view display_name, const std::set<Role>& roles,
                                            const Scope& scope) {
  return CreateUserUnlocked(by, username, display_name, roles, scope);
}

Status AuthService::Mutate(const Actor& by, std::string_view username_in, std::string_view action,
                           bool refuse_self, const std::function<Status(User&, std::string&)>& change) {
  const std::string username = NormalizeUsername(username_in);
  auto refuse = [&](const Status& refusal) -> Status {
    LX_RETURN_IF_ERROR(Record(by.username, action, username, by.remote, refusal));
    return refusal;
  };
  // No one changes its own standing: a secadmin does not grant itself a
  // role, a sysadmin does not re-enable itself (三权分立).
  const bool self = NormalizeUsername(by.username) == username;
  if (refuse_self && self) return refuse(SelfChangeRefused());
  std::lock_guard<std::mutex> lock(impl_->mu);
  Result<User> loaded = LoadUser(username);
  if (!loaded.ok())
    return loaded.status().code() == Code::kNotFound ? refuse(loaded.status()) : loaded.status();
  User user = std::move(*loaded);
  // No admin disables, resets, unlocks or changes another of the three.
  if (!self && !by.local() && HoldsAdminRole(user.roles)) return refuse(AdminProtected());
  const User before = user;
  std::string detail;
  if (Status changed = change(user, detail); !changed.ok()) return refuse(changed);
  LX_RETURN_IF_ERROR(repository_.Update(user));
  Status audited = Record(by.username, action, username, by.remote, Status::Ok(), std::move(detail));
  if (!audited.ok()) (void)repository_.Update(before);
  return audited;
}

Result<CreatedUser> AuthService::ResetPassword(const Actor& by, std::string_view username) {
  CreatedUser created;
  std::string new_hash;
  const bool pending = !by.local();
  Status status =
      Mutate(by, username, "password_reset", true, [&](User& user, std::string& detail) -> Status {
        created.one_time_password = GenerateOneTimePassword(policy_, user);
        if (created.one_time_password.empty())
          return Status::Internal("无法生成一次性密码 (one_time_password_failed)");
        LX_ASSIGN_OR_RETURN(new_hash, HashPassword(created.one_time_password, policy_));
        if (pending) {
          // Whoever resets knows the new password, so it holds only once the
          // security admin approves; until then nothing about the account changes.
          PendingChange reset;
          reset.username = user.username;
          reset.kind = PendingKind::kPasswordReset;
          reset.requested_by = by.username;
          reset.requested_millis = Now();
          reset.password_hash = new_hash;
          LX_RETURN_IF_ERROR(repository_.SavePending(reset));
          detail = "pending_approval";
          created.user = user;
          created.pending_approval = true;
          return Status::Ok();
        }
        user.password_hash = new_hash;
        user.must_change_password = true;
        user.password_changed_millis = Now();
        user.failed_attempts = 0;
        user.locked_until_millis = 0;
        created.user = user;
        return Status::Ok();
      });
  if (!status.ok()) {
    Wipe(created.one_time_password);
    return status;
  }
  if (pending) {
    created.user = Redacted(std::move(created.user));
    return created;
  }
  LX_RETURN_IF_ERROR(repository_.AddPasswordHash(created.user.username, new_hash, Now()));
  LX_RETURN_IF_ERROR(repository_.DeleteUserSessions(created.user.username));
  created.user = Redacted(std::move(created.user));
  return created;
}

Status AuthService::SetPassword(const Actor& by, std::string_view username_in, std::string_view new_password,
                                bool must_change) {
  const std::string username = NormalizeUsername(username_in);
  auto refuse = [&](const Status& refusal) -> Status {
    LX_RETURN_IF_ERROR(Record(by.username, "password_set", ForLog(username), by.remote, refusal));
    return refusal;
  };
  if (NormalizeUsername(by.username) == username) return refuse(SelfChangeRefused());
  // A password an admin chose would be an admin's to use: only the local
  // operator sets one (an admin resets, with approval).
  if (!by.local()) return refuse(Denied("只有本机操作员可以直接设置密码 (local_only)"));
  // The argon2 work (history, new hash) happens before the lock, as in ChangePassword.
  Result<User> found = LoadUser(username);
  if (!found.ok()) return found.status().code() == Code::kNotFound ? refuse(found.status()) : found.status();
  LX_ASSIGN_OR_RETURN(std::vector<std::string> history,
                      repository_.PreviousPasswordHashes(username, policy_.password_history));
  if (std::find(history.begin(), history.end(), found->password_hash) == history.end()) {
    history.insert(history.begin(), found->password_hash);
  }
  if (Status policy = CheckPasswordPolicy(policy_, *found, new_password, history); !policy.ok()) {
    return refuse(policy);
  }
  LX_ASSIGN_OR_RETURN(std::string new_hash, HashPassword(new_password, policy_));
  LX_RETURN_IF_ERROR(
      Mutate(by, username, "password_set", true, [&](User& user, std::string& detail) -> Status {
        if (user.password_hash != found->password_hash) {
          return Status::Conflict("密码刚被修改过,请重试 (concurrent_change)");
        }
        user.password_hash = new_hash;
        user.must_change_password = must_change;
        user.password_changed_millis = Now();
        user.failed_attempts = 0;
        user.locked_until_millis = 0;
        if (must_change) detail = "must_change_password";
        return Status::Ok();
      }));
  impl_->throttle.Clear(username);
  LX_RETURN_IF_ERROR(repository_.AddPasswordHash(username, new_hash, Now()));
  return repository_.DeleteUserSessions(username);
}

Status AuthService::Disable(const Actor& by, std::string_view username) {
  LX_RETURN_IF_ERROR(Mutate(by, username, "user_disable", true, [](User& user, std::string&) {
    user.disabled = true;
    return Status::Ok();
  }));
  // Authenticate refuses a disabled user anyway; this also empties 在线用户.
  return repository_.DeleteUserSessions(NormalizeUsername(username));
}

Status AuthService::Enable(const Actor& by, std::string_view username) {
  return Mutate(by, username, "user_enable", true, [](User& user, std::string&) {
    user.disabled = false;
    return Status::Ok();
  });
}

Status AuthService::Unlock(const Actor& by, std::string_view username) {
  return Mutate(by, username, "user_unlock", true, [this](User& user, std::string&) {
    impl_->throttle.Clear(user.username);
    user.failed_attempts = 0;
    user.locked_until_millis = 0;
    return Status::Ok();
  });
}

Status AuthService::SetRoles(const Actor& by, std::string_view username, const std::set<Role>& roles) {
  return Mutate(by, username, "roles_change", true, [&](User& user, std::string& detail) -> Status {
    LX_RETURN_IF_ERROR(CheckRoles(roles));
    if (!by.local() && HoldsAdminRole(roles)) return AdminProtected();
    // The security admin's own choice settles whatever grant was asked for.
    LX_RETURN_IF_ERROR(repository_.DeletePending(user.username, PendingKind::kGrant));
    detail = JoinRoleTokens(user.roles) + " → " + JoinRoleTokens(roles);
    user.roles = roles;
    return Status::Ok();
  });
}

Status AuthService::SetScope(const Actor& by, std::string_view username, const Scope& scope) {
  return Mutate(by, username, "scope_change", true, [&](User& user, std::string& detail) {
    LX_RETURN_IF_ERROR(ValidateScope(scope));
    detail = ScopeText(user.scope) + " → " + ScopeText(scope);
    user.scope = scope;
    return Status::Ok();
  });
}

Result<std::string> AuthService::EnrolTotp(const Actor& by, std::string_view username_in) {
  const std::string username = NormalizeUsername(username_in);
  if (NormalizeUsername(by.username) != username) {
    Status refusal = Denied("只能为自己的账号绑定动态口令 (totp_self_only)");
    LX_RETURN_IF_ERROR(Record(by.username, "totp_enrol", username, by.remote, refusal));
    return refusal;
  }
  std::string uri;
  LX_RETURN_IF_ERROR(Mutate(by, username, "totp_enrol", false, [&](User& user, std::string&) -> Status {
    if (TotpConfirmed(user))
      return Status::Conflict("已绑定动态口令,如需更换请联系安全管理员 (totp_already_enrolled)");
    Wipe(user.totp_secret);
    user.totp_secret = NewTotpSecret();
    if (user.totp_secret.empty()) return Status::Internal("无法生成动态口令密钥 (totp_secret_failed)");
    user.totp_confirmed = false;
    user.totp_last_step = -1;
    uri = TotpUri(policy_.totp_issuer, username, user.totp_secret, policy_.totp_digits,
                  policy_.totp_period_seconds);
    return Status::Ok();
  }));
  return uri;
}

Status AuthService::ConfirmTotp(const Actor& by, std::string_view username_in, std::string_view code) {
  const std::string username = NormalizeUsername(username_in);
  if (NormalizeUsername(by.username) != username) {
    Status refusal = Denied("只能为自己的账号绑定动态口令 (totp_self_only)");
    LX_RETURN_IF_ERROR(Record(by.username, "totp_confirm", username, by.remote, refusal));
    return refusal;
  }
  return Mutate(by, username, "totp_confirm", false, [&](User& user, std::string&) -> Status {
    if (user.totp_secret.empty() || user.totp_confirmed) {
      return Status::Conflict("没有待确认的动态口令 (totp_not_pending)");
    }
    if (!VerifyTotp(user.totp_secret, code, Now() / kSecond, policy_.totp_skew_steps, &user.totp_last_step,
                    policy_.totp_digits, policy_.totp_period_seconds)) {
      return Status::Invalid("动态口令错误 (bad_totp)", "code");
    }
    user.totp_confirmed = true;
    return Status::Ok();
  });
}

Status AuthService::ResetTotp(const Actor& by, std::string_view username) {
  return Mutate(by, username, "totp_reset", true, [](User& user, std::string&) {
    Wipe(user.totp_secret);
    user.totp_confirmed = false;
    user.totp_last_step = -1;
    return Status::Ok();
  });
}

Status AuthService::SettlePending(const Actor& by, std::string_view username_in, bool approve) {
  const std::string username = NormalizeUsername(username_in);
  LX_ASSIGN_OR_RETURN(std::vector<PendingChange> changes, repository_.ListPending(username));
  const char* action = approve ? "approve" : "reject";
  for (const PendingChange& change : changes) {
    // The approval is a second person's: never the requester's own.
    if (NormalizeUsername(change.requested_by) == NormalizeUsername(by.username)) {
      Status refusal = Denied("不能审批自己提出的变更 (approval_self)");
      LX_RETURN_IF_ERROR(Record(by.username, action, username, by.remote, refusal));
      return refusal;
    }
  }
  bool reset = false;
  std::string new_hash;
  LX_RETURN_IF_ERROR(Mutate(by, username, action, true, [&](User& user, std::string& detail) -> Status {
    if (changes.empty()) return NothingPending();
    for (const PendingChange& change : changes) {
      std::string what = std::string(PendingKindToken(change.kind)) + " by " + change.requested_by;
      if (change.kind == PendingKind::kGrant) {
        what += " roles=" + JoinRoleTokens(change.roles) + " scope=" + ScopeText(change.scope);
        if (approve) {
          LX_RETURN_IF_ERROR(CheckRoles(change.roles));
          if (!by.local() && HoldsAdminRole(change.roles)) return AdminProtected();
          user.roles = change.roles;
          user.scope = change.scope;
        }
      } else if (approve) {
        reset = true;
        new_hash = change.password_hash;
        user.password_hash = change.password_hash;
        user.must_change_password = true;
        user.password_changed_millis = Now();
        user.failed_attempts = 0;
        user.locked_until_millis = 0;
      }
      detail += (detail.empty() ? "" : "; ") + what;
      LX_RETURN_IF_ERROR(repository_.DeletePending(user.username, change.kind));
    }
    return Status::Ok();
  }));
  if (reset) {
    impl_->throttle.Clear(username);
    LX_RETURN_IF_ERROR(repository_.AddPasswordHash(username, new_hash, Now()));
    LX_RETURN_IF_ERROR(repository_.DeleteUserSessions(username));
  }
  return Status::Ok();
}

Status AuthService::ApproveChanges(const Actor& by, std::string_view username) {
  return SettlePending(by, username, true);
}

Status AuthService::RejectChanges(const Actor& by, std::string_view username) {
  return SettlePending(by, username, false);
}

Result<std::vector<PendingChange>> AuthService::ListPending(std::string_view username) {
  LX_ASSIGN_OR_RETURN(std::vector<PendingChange> changes,
                      repository_.ListPending(NormalizeUsername(username)));
  for (PendingChange& change : changes) Wipe(change.password_hash);
  return changes;
}

std::string_view PendingKindToken(PendingKind kind) {
  return kind == PendingKind::kGrant ? "grant" : "password_reset";
}

std::optional<PendingKind> ParsePendingKind(std::string_view token) {
  if (token == "grant") return PendingKind::kGrant;
  if (token == "password_reset") return PendingKind::kPasswordReset;
  return std::nullopt;
}

Result<std::vector<User>> AuthService::ListUsers() {
  LX_ASSIGN_OR_RETURN(std::vector<User> users, repository_.ListUsers());
  for (User& user : users) user = Redacted(std::move(user));
  std::sort(users.begin(), users.end(), [](const User& a, const User& b) { return a.username < b.username; });
  return users;
}

Result<std::vector<CreatedUser>> AuthService::CreateInitialAdmins() {
  // Held across the check and the inserts, so two callers in one process
  // cannot both bootstrap.
  std::lock_guard<std::mutex> lock(impl_->mu);
  LX_ASSIGN_OR_RETURN(std::vector<User> users, repository_.ListUsers());
  std::vector<CreatedUser> created;
  for (Role role : {Role::kSysadmin, Role::kSecadmin, Role::kAuditor}) {
    bool held = false;
    for (const User& user : users)
      held = held || user.roles.count(role) > 0 || user.username == RoleToken(role);
    if (held) continue;
    LX_ASSIGN_OR_RETURN(CreatedUser admin,
                        CreateUserUnlocked({std::string(kBootstrapActor), ""}, RoleToken(role),
                                           RoleLabel(role), {role}, Scope{}));
    created.push_back(std::move(admin));
  }
  return created;
}

}  // namespace lianxin
