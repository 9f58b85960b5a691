// The accounts' records (PRODUCT.md §5 Trust and §7): roles, scopes, users,
// sessions, the audit log, the changes awaiting approval, and the
// repository that stores them. Domain types and the storage interface only:
// the rules that act on them (passwords, TOTP, lock-out, 三权分立 on every
// path) are the auth service's (auth.hpp), and the stores implement
// UserRepository without depending on that service.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/status.hpp"

namespace lianxin {

// ---------------------------------------------------------------------------
// Roles and scopes

// The roles of PRODUCT.md's table. The first three are the separated admins:
// each has only its own console (users; roles and policy; audit log).
enum class Role {
  kSysadmin,       // 系统管理员: users, dictionaries, parameters, server health
  kSecadmin,       // 安全管理员: roles, scopes, security policy, unlock, TOTP reset
  kAuditor,        // 审计管理员: the operation and login logs, nothing else
  kCountyAdmin,    // 县级管理员
  kTownshipAdmin,  // 乡镇管理员
  kUnitHead,       // 单位负责人
  kCadre,          // 干部
  kOperator,       // 接线员 (12345 / 接访)
  kInspector,      // 督查员
  kDiscipline,     // 纪检员
  kHousehold,      // 群众
  kPublic,         // 公众: anyone, signed in or not; never granted to an account
};

// Stable English token ("sysadmin", "county_admin", …) as stored and spoken by
// the API, and the Chinese label the console shows.
std::string_view RoleToken(Role role);
std::string_view RoleLabel(Role role);
// Accepts a token or a label; kInvalidInput "未知角色 … (unknown_role)" otherwise.
Result<Role> ParseRole(std::string_view text);
// Every role, in enum order.
const std::vector<Role>& AllRoles();
// "cadre,unit_head": tokens in enum order joined by ','; the stored form.
std::string JoinRoleTokens(const std::set<Role>& roles);
// The inverse of JoinRoleTokens; "" gives an empty set.
Result<std::set<Role>> ParseRoleTokens(std::string_view joined);

// True for sysadmin, secadmin and auditor.
bool IsSeparatedAdmin(Role role);

// 三权分立 (GB/T 22239 8.1.4.2 d, "应授予管理用户所需的最小权限,实现管理用户的权限分离"):
// false when the set holds two of sysadmin/secadmin/auditor, or one of them
// together with any other role. Every other combination (including empty) is
// allowed here; CreateUser and SetRoles also refuse an empty set and kPublic.
bool SeparationOfDutiesOk(const std::set<Role>& roles);

// What data an account reaches. Deny by default: kNone reaches no business
// data (right for the three admins, whose consoles hold none).
enum class ScopeKind {
  kNone,
  kRegion,  // a region subtree: a county (6-digit GB/T 2260 code), a township or a village
  kUnit,    // one unit (党政单位) by unit code
  kCadre,   // one cadre's own pairs, by cadre code
};

struct Scope {
  ScopeKind kind = ScopeKind::kNone;
  std::string code;  // empty for kNone
  bool operator==(const Scope&) const = default;
};

// "none", "region", "unit", "cadre".
std::string_view ScopeKindToken(ScopeKind kind);
std::optional<ScopeKind> ParseScopeKind(std::string_view token);
// kInvalidInput (field "scope") when the code does not fit the kind: a region
// scope needs a 6-digit county code or a 12-digit 统计用区划代码; unit and cadre
// scopes need a code; kNone needs none.
Status ValidateScope(const Scope& scope);

// Whether a region scope covers `region_code` (统计用区划代码 hierarchy: the
// county is the first 6 digits, a township the first 9 and "000", a village
// all 12, a grid the village and 3 more). A county scope "149901" (or
// "149901000000") covers itself, its townships "149901001000" and villages
// "149901001001"; a township scope "149901001000" covers its villages
// "149901001xxx" but not the county; a village scope covers itself and its
// grids. False for any other kind of scope, a malformed code on either side,
// or a region above the scope: unit and cadre scopes are resolved against the
// registry by the caller.
bool ScopeContains(const Scope& scope, std::string_view region_code);

// ---------------------------------------------------------------------------
// Accounts

struct User {
  std::string username;  // the natural key: lower-case [a-z0-9._-], 3 to 64 characters
  std::string display_name;
  std::set<Role> roles;
  Scope scope;
  std::string password_hash;          // argon2id, libsodium's encoded form ($argon2id$v=19$m=…)
  bool must_change_password = false;  // set for one-time passwords and by an admin reset
  bool disabled = false;
  // TOTP secret, raw bytes (20 from NewTotpSecret); the repository stores it
  // encrypted (FieldCipher). Usable for sign-in only once confirmed.
  std::string totp_secret;
  bool totp_confirmed = false;
  std::int64_t totp_last_step = -1;  // the last accepted TOTP step; older and equal ones are replays
  int failed_attempts = 0;           // consecutive failures since the last success or lock
  std::int64_t locked_until_millis = 0;
  std::int64_t password_changed_millis = 0;
  std::int64_t last_login_millis = 0;
  bool operator==(const User&) const = default;
};

// ---------------------------------------------------------------------------
// Sessions and audit

struct Session {
  // Lower-case hex BLAKE2b-256 of the raw token. The raw token is never
  // stored, so a copy of the store (a backup, a leak) yields no live session.
  std::string token_hash;
  std::string username;
  std::string csrf_token;  // sent by the app in a header on every unsafe request
  std::int64_t created_millis = 0;
  std::int64_t last_seen_millis = 0;
  std::string remote;  // the client address at sign-in
  bool operator==(const Session&) const = default;
};

// The hash a Session is stored and found under.
std::string SessionTokenHash(std::string_view session_token);

// One security-relevant act, for the login log (登录日志) and operation log
// (操作日志); the repository journals it. The fields are those 等保 8.1.4.3 b
// asks of an audit record (time, user, event type, outcome, more). Never holds
// a password, token, TOTP secret or code.
struct AuditEvent {
  std::int64_t at_millis = 0;
  std::string actor;   // who acted: a username, or "system:bootstrap"
  std::string action;  // sign_in, sign_out, lockout, session_expire, session_revoke,
                       // password_change, password_reset, password_set, user_create, user_disable,
                       // user_enable, user_unlock, roles_change, scope_change,
                       // totp_enrol, totp_confirm, totp_reset
  std::string target;  // the account acted on
  std::string remote;
  std::string outcome;  // "ok", or the English code of the refusal (bad_credentials, …)
  std::string detail;   // e.g. "cadre → unit_head,cadre"; never a secret
  bool operator==(const AuditEvent&) const = default;
};

// An AuditEvent as stored, with its place in the log: `seq` grows with every
// event (it is the journal's sequence number in the SQLite repository, so it
// has gaps where other entries sit between audit events).
struct AuditRecord {
  std::int64_t seq = 0;
  AuditEvent event;
};

// Which audit events to read, newest first. Empty strings and zeros filter
// nothing.
struct AuditQuery {
  std::int64_t before_seq = 0;    // only seq < before_seq (a page's cursor); 0 = from the newest
  std::int64_t since_millis = 0;  // only event.at_millis >= since_millis
  std::string actor, action;      // exact matches on event.actor and event.action
  int limit = 100;                // at most this many; < 1 gives none
};

// Who performs an administrative act, for the audit trail and for the rules
// against acting on oneself.
struct Actor {
  std::string username;
  std::string remote;
  // The local operator: `lianxin user` run on the machine by the account that
  // owns the database file ("cli:<os user>"), or the first start
  // ("system:bootstrap"). It holds the database and its key already, so it is
  // trusted as such: its changes need no approval and it alone manages the
  // three admins' accounts. No username contains ':', so no API caller is one.
  bool local() const { return username.find(':') != std::string::npos; }
};

// A change one admin asked for that takes effect only when the security
// admin approves it (三权分立, GB/T 22239 8.1.4.2 d): the business roles and
// scope of a new account, or a password reset.
enum class PendingKind { kGrant, kPasswordReset };
std::string_view PendingKindToken(PendingKind kind);  // "grant", "password_reset"
std::optional<PendingKind> ParsePendingKind(std::string_view token);

struct PendingChange {
  std::string username;  // the account it changes
  PendingKind kind = PendingKind::kGrant;
  std::string requested_by;
  std::int64_t requested_millis = 0;
  std::set<Role> roles;       // kGrant: the roles asked for
  Scope scope;                // kGrant: the scope asked for
  std::string password_hash;  // kPasswordReset: argon2id of the one-time password
  bool operator==(const PendingChange&) const = default;
};

// Everything the auth service stores, and nothing else. Implementations must
// be thread-safe. Errors are returned as they are (kInternal, kUnavailable);
// the service passes them on.
class UserRepository {
 public:
  virtual ~UserRepository() = default;
  // A number that changes whenever any user, session or password row may
  // have changed, from this process or another (`lianxin user` beside a
  // running server). Authenticate keeps the sessions it read in memory
  // while it stays the same; nullopt (the default) keeps nothing.
  virtual Result<std::optional<std::int64_t>> ChangeStamp() { return std::optional<std::int64_t>(); }
  // nullopt when no such user.
  virtual Result<std::optional<User>> FindByUsername(std::string_view username) = 0;
  // kConflict when the username is taken.
  virtual Status Insert(const User& user) = 0;
  // Replaces the stored user; kNotFound when missing.
  virtual Status Update(const User& user) = 0;
  virtual Result<bool> HasAnyUser() = 0;
  // Every user, ordered by username, secrets included (the service redacts).
  virtual Result<std::vector<User>> ListUsers() = 0;
  // The `n` most recent password hashes of the user, newest first (the
  // current one included, as AddPasswordHash is called for every password set).
  virtual Result<std::vector<std::string>> PreviousPasswordHashes(std::string_view username, int n) = 0;
  virtual Status AddPasswordHash(std::string_view username, std::string_view hash,
                                 std::int64_t at_millis) = 0;
  // Inserts or replaces by token_hash.
  virtual Status SaveSession(const Session& session) = 0;
  virtual Result<std::optional<Session>> FindSession(std::string_view token_hash) = 0;
  // Every session kept, most recently seen first (在线用户).
  virtual Result<std::vector<Session>> ListSessions() = 0;
  // Ok when there was none.
  virtual Status DeleteSession(std::string_view token_hash) = 0;
  virtual Status DeleteUserSessions(std::string_view username) = 0;
  // Deletes the sessions last seen before `seen_before_millis` or created
  // before `created_before_millis`; how many.
  virtual Result<int> DeleteExpiredSessions(std::int64_t seen_before_millis,
                                            std::int64_t created_before_millis) = 0;
  // Inserts or replaces by (username, kind).
  virtual Status SavePending(const PendingChange& change) = 0;
  // The pending changes of one account, or of every account for "", by
  // username then kind.
  virtual Result<std::vector<PendingChange>> ListPending(std::string_view username) = 0;
  // Ok when there was none.
  virtual Status DeletePending(std::string_view username, PendingKind kind) = 0;
  // Must be durable before it returns. The service fails closed when it errs:
  // the act is undone where it can be (a new session deleted, a changed user
  // restored, a new user disabled) and the error returned.
  virtual Status Audit(const AuditEvent& event) = 0;
  // The audit events matching `query`, newest (highest seq) first. Reads
  // only; the log is never pruned here.
  virtual Result<std::vector<AuditRecord>> ReadAudit(const AuditQuery& query) = 0;
};

}  // namespace lianxin
