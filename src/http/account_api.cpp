// The three admins' consoles (三权分立, api.hpp): accounts for the system
// admin; roles, scopes, locks and second factors for the security admin; the
// audit log for the auditor. Which admin reaches which route is the allow
// table's (access.cpp); what holds whoever calls (no self-promotion,
// separation of duties, every act audited) is AuthService's.
#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/access.hpp"
#include "lianxin/api.hpp"
#include "lianxin/calendar.hpp"
#include "lianxin/table_io.hpp"

namespace lianxin {

namespace {

// One page of the audit log: 100 by default, and never more than 1000, which
// bounds a response's size and the journal rows one request walks.
constexpr int kAuditPageDefault = 100;
constexpr int kAuditPageMax = 1000;

Actor ActorOf(const Caller& caller) { return {caller.user()->username, caller.remote()}; }

// The username in the path as AuthService reads it (trimmed, ASCII lower
// case), so the account can be read back after the service changed it.
std::string PathUsername(const HttpRequest& request) {
  std::string_view id = request.PathParam("id");
  while (!id.empty() && (id.front() == ' ' || id.front() == '\t')) id.remove_prefix(1);
  while (!id.empty() && (id.back() == ' ' || id.back() == '\t')) id.remove_suffix(1);
  std::string username(id);
  for (char& c : username) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return username;
}

// A user as the consoles show it: UserJson and the account's standing.
// `user` is redacted; "locked" when some address is locked out of it.
nlohmann::json AccountJson(AuthService& auth, const User& user) {
  nlohmann::json json = UserJson(user);
  json["disabled"] = user.disabled;
  json["locked"] = auth.Locked(user.username);
  json["must_change_password"] = user.must_change_password;
  json["totp_confirmed"] = user.totp_confirmed;
  json["last_login_millis"] = user.last_login_millis;
  return json;
}

// "roles": an array of role tokens (or labels), field "roles" on any fault.
Result<std::set<Role>> RolesField(const nlohmann::json& body) {
  auto it = body.find("roles");
  if (it == body.end() || it->is_null()) return Status::Invalid("缺少字段 roles (required)", "roles");
  if (!it->is_array()) return Status::Invalid("字段 roles 应为角色数组 (type)", "roles");
  std::set<Role> roles;
  for (const nlohmann::json& token : *it) {
    if (!token.is_string()) return Status::Invalid("字段 roles 应为角色数组 (type)", "roles");
    Result<Role> role = ParseRole(token.get<std::string>());
    if (!role.ok()) return Status::Invalid(role.status().message(), "roles");
    roles.insert(*role);
  }
  return roles;
}

// "scope": {"kind","code"}, validated, field "scope" on any fault; nullopt
// when absent.
Result<std::optional<Scope>> ScopeField(const nlohmann::json& body) {
  auto it = body.find("scope");
  if (it == body.end() || it->is_null()) return std::optional<Scope>();
  if (!it->is_object()) return Status::Invalid("字段 scope 应为 {\"kind\",\"code\"} 对象 (type)", "scope");
  auto kind = it->find("kind");
  if (kind == it->end() || !kind->is_string()) {
    return Status::Invalid("字段 scope 缺少 kind (scope_invalid)", "scope");
  }
  std::optional<ScopeKind> parsed = ParseScopeKind(kind->get<std::string>());
  if (!parsed) return Status::Invalid("未知的数据范围类型 (scope_invalid)", "scope");
  Scope scope{*parsed, {}};
  if (auto code = it->find("code"); code != it->end() && !code->is_null()) {
    if (!code->is_string()) return Status::Invalid("字段 scope.code 应为字符串 (scope_invalid)", "scope");
    scope.code = code->get<std::string>();
  }
  Status valid = ValidateScope(scope);
  if (!valid.ok()) return Status::Invalid(valid.message(), "scope");
  return std::optional<Scope>(std::move(scope));
}

// The query parameter `name` as a decimal integer in [min, max]; `fallback`
// when absent. kInvalidInput naming the parameter otherwise.
Result<std::int64_t> IntParam(const HttpRequest& request, std::string_view name, std::int64_t min,
                              std::int64_t max, std::int64_t fallback, std::string message) {
  std::optional<std::string_view> text = request.QueryParam(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || error != std::errc() || end != text->data() + text->size() || value < min ||
      value > max) {
    return Status::Invalid(std::move(message), std::string(name));
  }
  return value;
}

// The account after a change, as the list shows it.
HttpResponse AccountResponse(AuthService& auth, UserRepository& users, const std::string& username) {
  Result<std::optional<User>> user = users.FindByUsername(username);
  if (!user.ok()) return HttpResponse::Error(user.status());
  if (!*user) return HttpResponse::Error(Status::NotFound("用户不存在 (user_not_found)"));
  return HttpResponse::Json(200, {{"user", AccountJson(auth, Redacted(std::move(**user)))}});
}

HttpResponse ListAccounts(AuthService& auth) {
  Result<std::vector<User>> users = auth.ListUsers();
  if (!users.ok()) return HttpResponse::Error(users.status());
  nlohmann::json items = nlohmann::json::array();
  for (const User& user : *users) items.push_back(AccountJson(auth, user));
  return HttpResponse::Json(200, {{"items", items}});
}

// What waits for the security admin, oldest account name first.
HttpResponse ListApprovals(AuthService& auth) {
  Result<std::vector<PendingChange>> changes = auth.ListPending();
  if (!changes.ok()) return HttpResponse::Error(changes.status());
  nlohmann::json items = nlohmann::json::array();
  for (const PendingChange& change : *changes) {
    nlohmann::json item = {{"username", change.username},
                           {"kind", PendingKindToken(change.kind)},
                           {"requested_by", change.requested_by},
                           {"requested_millis", change.requested_millis}};
    if (change.kind == PendingKind::kGrant) {
      nlohmann::json roles = nlohmann::json::array();
      for (Role role : change.roles) roles.push_back(RoleToken(role));
      item["roles"] = roles;
      item["scope"] = {{"kind", ScopeKindToken(change.scope.kind)}, {"code", change.scope.code}};
    }
    items.push_back(std::move(item));
  }
  return HttpResponse::Json(200, {{"items", items}});
}

HttpResponse CreateAccount(AuthService& auth, HttpRequest& request, const Caller& caller) {
  Result<nlohmann::json> body = JsonObjectBody(request);
  if (!body.ok()) return HttpResponse::Error(body.status());
  Result<std::string> username = StringField(*body, "username");
  if (!username.ok()) return HttpResponse::Error(username.status());
  Result<std::string> display_name = StringField(*body, "display_name");
  if (!display_name.ok()) return HttpResponse::Error(display_name.status());
  Result<std::set<Role>> roles = RolesField(*body);
  if (!roles.ok()) return HttpResponse::Error(roles.status());
  // No scope given is no scope: deny by default (right for the three admins).
  Result<std::optional<Scope>> scope = ScopeField(*body);
  if (!scope.ok()) return HttpResponse::Error(scope.status());
  Result<CreatedUser> created =
      auth.CreateUser(ActorOf(caller), *username, *display_name, *roles, scope->value_or(Scope{}));
  if (!created.ok()) return HttpResponse::Error(created.status());
  // The one-time password leaves the server this once (the server sends
  // /api/ responses with Cache-Control: no-store).
  return HttpResponse::Json(201, {{"user", AccountJson(auth, created->user)},
                                  {"one_time_password", created->one_time_password},
                                  {"pending_approval", created->pending_approval}});
}

HttpResponse ChangeRoles(AuthService& auth, UserRepository& users, HttpRequest& request,
                         const Caller& caller) {
  Result<nlohmann::json> body = JsonObjectBody(request);
  if (!body.ok()) return HttpResponse::Error(body.status());
  Result<std::set<Role>> roles = RolesField(*body);
  if (!roles.ok()) return HttpResponse::Error(roles.status());
  // Both fields are checked before either is applied, so a bad scope does
  // not leave the roles half-changed.
  Result<std::optional<Scope>> scope = ScopeField(*body);
  if (!scope.ok()) return HttpResponse::Error(scope.status());
  const std::string username = PathUsername(request);
  Status changed = auth.SetRoles(ActorOf(caller), username, *roles);
  if (changed.ok() && *scope) changed = auth.SetScope(ActorOf(caller), username, **scope);
  if (!changed.ok()) return HttpResponse::Error(changed);
  return AccountResponse(auth, users, username);
}

HttpResponse ReadAuditLog(UserRepository& users, HttpRequest& request) {
  AuditQuery query;
  Result<std::int64_t> limit =
      IntParam(request, "limit", 1, kAuditPageMax, kAuditPageDefault,
               "limit 应为 1 到 " + std::to_string(kAuditPageMax) + " 的整数 (limit_invalid)");
  if (!limit.ok()) return HttpResponse::Error(limit.status());
  Result<std::int64_t> since =
      IntParam(request, "since", 0, INT64_MAX, 0, "since 应为毫秒时间戳 (since_invalid)");
  if (!since.ok()) return HttpResponse::Error(since.status());
  Result<std::int64_t> cursor = IntParam(request, "cursor", 1, INT64_MAX, 0, "翻页游标无效 (cursor_invalid)");
  if (!cursor.ok()) return HttpResponse::Error(cursor.status());
  query.since_millis = *since;
  query.before_seq = *cursor;
  query.actor = std::string(request.QueryParam("actor").value_or(""));
  query.action = std::string(request.QueryParam("action").value_or(""));
  // One more than the page, to know whether an older page exists.
  query.limit = static_cast<int>(*limit) + 1;
  Result<std::vector<AuditRecord>> records = users.ReadAudit(query);
  if (!records.ok()) return HttpResponse::Error(records.status());
  nlohmann::json next = nullptr;
  if (records->size() > static_cast<size_t>(*limit)) {
    records->resize(static_cast<size_t>(*limit));
    next = std::to_string(records->back().seq);
  }
  nlohmann::json items = nlohmann::json::array();
  for (const AuditRecord& record : *records) {
    const AuditEvent& e = record.event;
    items.push_back({{"seq", record.seq},
                     {"at_millis", e.at_millis},
                     {"actor", e.actor},
                     {"action", e.action},
                     {"target", e.target},
                     {"remote", e.remote},
                     {"outcome", e.outcome},
                     {"detail", e.detail}});
  }
  return HttpResponse::Json(200, {{"items", items}, {"next", next}});
}

// The actions of the login log (登录日志); every other action is of the
// operation log (操作日志).
bool IsLoginAction(std::string_view action) {
  return action == "sign_in" || action == "sign_out" || action == "session_expire" ||
         action == "session_revoke" || action == "lockout";
}

// An action in the auditor's words (as the audit page says them,
// web/src/i18n.ts audit.actions); the token itself for one not listed.
std::string_view ActionLabel(std::string_view action) {
  static const std::map<std::string_view, std::string_view> kLabels{
      {"sign_in", "登录"},
      {"sign_out", "退出"},
      {"session_expire", "会话过期"},
      {"session_revoke", "结束会话"},
      {"lockout", "登录锁定"},
      {"user_create", "新建账号"},
      {"approve", "批准"},
      {"reject", "驳回"},
      {"roles_change", "修改角色"},
      {"scope_change", "修改数据范围"},
      {"user_disable", "停用账号"},
      {"user_enable", "启用账号"},
      {"password_reset", "重置密码"},
      {"password_set", "设置密码"},
      {"password_change", "修改密码"},
      {"user_unlock", "解除锁定"},
      {"totp_enrol", "绑定动态口令"},
      {"totp_confirm", "确认动态口令"},
      {"totp_reset", "重置动态口令"},
      {"reveal", "查看完整号码"},
      {"export", "导出"},
      {"settings_change", "修改参数与字典"},
      {"audit_export", "导出审计日志"},
  };
  auto it = kLabels.find(action);
  return it == kLabels.end() ? action : it->second;
}

// The login or operation log (or both) as a file for the archive:
// ?log=login|operation|all&since=&until=&actor=&action=&format=xlsx|csv,
// oldest first. The export is itself audited (audit_export).
HttpResponse ExportAuditLog(AuthService& auth, UserRepository& users, HttpRequest& request,
                            const Caller& caller) {
  const std::string log(request.QueryParam("log").value_or("all"));
  if (log != "login" && log != "operation" && log != "all") {
    return HttpResponse::Error(Status::Invalid("log 应为 login、operation 或 all (log)", "log"));
  }
  const std::string format(request.QueryParam("format").value_or("xlsx"));
  if (format != "xlsx" && format != "csv") {
    return HttpResponse::Error(Status::Invalid("format 应为 csv 或 xlsx (format)", "format"));
  }
  Result<std::int64_t> since =
      IntParam(request, "since", 0, INT64_MAX, 0, "since 应为毫秒时间戳 (since_invalid)");
  if (!since.ok()) return HttpResponse::Error(since.status());
  Result<std::int64_t> until =
      IntParam(request, "until", 0, INT64_MAX, INT64_MAX, "until 应为毫秒时间戳 (until_invalid)");
  if (!until.ok()) return HttpResponse::Error(until.status());
  AuditQuery query;
  query.since_millis = *since;
  query.actor = std::string(request.QueryParam("actor").value_or(""));
  query.action = std::string(request.QueryParam("action").value_or(""));
  query.limit = kAuditPageMax;
  // Newest first, a page at a time; kept oldest first.
  std::vector<AuditRecord> kept;
  while (true) {
    Result<std::vector<AuditRecord>> page = users.ReadAudit(query);
    if (!page.ok()) return HttpResponse::Error(page.status());
    for (AuditRecord& record : *page) {
      const AuditEvent& e = record.event;
      if (e.at_millis >= *until) continue;
      if (log != "all" && IsLoginAction(e.action) != (log == "login")) continue;
      kept.push_back(std::move(record));
      if (kept.size() >= static_cast<size_t>(kXlsxMaxRows - 1)) {
        return HttpResponse::Error(Status::Invalid(
            "超过 " + std::to_string(kXlsxMaxRows - 1) + " 条,请缩小时间范围分批导出 (too_many_rows)",
            "since"));
      }
    }
    if (page->size() < static_cast<size_t>(kAuditPageMax)) break;
    query.before_seq = page->back().seq;
  }
  std::reverse(kept.begin(), kept.end());
  const std::string sheet = log == "login" ? "登录日志" : log == "operation" ? "操作日志" : "审计日志";
  Result<std::string> bytes = WrittenBytes(request.id, format, [&](const std::string& path) -> Status {
    LX_ASSIGN_OR_RETURN(std::unique_ptr<TableWriter> out, CreateTableWriter(path, sheet));
    LX_RETURN_IF_ERROR(
        out->Write({"序号", "时间", "操作人", "操作", "操作代码", "对象", "结果", "来源地址", "详情"}));
    for (const AuditRecord& record : kept) {
      const AuditEvent& e = record.event;
      LX_RETURN_IF_ERROR(out->Write({std::to_string(record.seq), ChinaIsoTime(e.at_millis), e.actor,
                                     std::string(ActionLabel(e.action)), e.action, e.target,
                                     e.outcome == "ok" ? "成功" : "拒绝 " + e.outcome, e.remote, e.detail}));
    }
    return out->Close();
  });
  if (!bytes.ok()) return HttpResponse::Error(bytes.status());
  Status audited = auth.RecordAct(ActorOf(caller), "audit_export", log,
                                  "format=" + format + " rows=" + std::to_string(kept.size()));
  if (!audited.ok()) return HttpResponse::Error(audited);
  HttpResponse response = HttpResponse::Text(
      200, std::move(*bytes),
      format == "csv" ? "text/csv; charset=utf-8"
                      : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  response.headers.Set("Content-Disposition", "attachment; filename=\"" + log + "-log." + format + "\"");
  return response;
}

// 在线用户: who is signed in now, from where, since when; the caller's own
// session marked. A session's id is its token's hash, which signs no one in.
HttpResponse ListSessions(AuthService& auth, UserRepository& users, const Caller& caller) {
  Result<std::vector<Session>> sessions = auth.OnlineSessions();
  if (!sessions.ok()) return HttpResponse::Error(sessions.status());
  Result<std::vector<User>> accounts = users.ListUsers();
  if (!accounts.ok()) return HttpResponse::Error(accounts.status());
  std::map<std::string, const User*> by_name;
  for (const User& u : *accounts) by_name[u.username] = &u;
  const std::string mine = caller.who() ? caller.who()->session().token_hash : "";
  nlohmann::json items = nlohmann::json::array();
  for (const Session& s : *sessions) {
    nlohmann::json roles = nlohmann::json::array();
    auto it = by_name.find(s.username);
    if (it != by_name.end())
      for (Role role : it->second->roles) roles.push_back(RoleToken(role));
    items.push_back({{"id", s.token_hash},
                     {"username", s.username},
                     {"display_name", it != by_name.end() ? it->second->display_name : ""},
                     {"roles", std::move(roles)},
                     {"remote", s.remote},
                     {"signed_in_at", TimeOrNull(s.created_millis)},
                     {"last_seen_at", TimeOrNull(s.last_seen_millis)},
                     {"current", s.token_hash == mine}});
  }
  return HttpResponse::Json(200, {{"items", std::move(items)}});
}

}  // namespace

void AddAccountRoutes(ApiRouter& api, UserRepository& users) {
  AuthService& auth = api.auth();
  UserRepository* repository = &users;

  api.Add("GET", "/api/v1/users", [&auth](HttpRequest&, const Caller&) { return ListAccounts(auth); });
  api.Add("POST", "/api/v1/users", [&auth](HttpRequest& request, const Caller& caller) {
    return CreateAccount(auth, request, caller);
  });
  api.Add("GET", "/api/v1/approvals", [&auth](HttpRequest&, const Caller&) { return ListApprovals(auth); });
  api.Add("GET", "/api/v1/sessions", [&auth, repository](HttpRequest&, const Caller& caller) {
    return ListSessions(auth, *repository, caller);
  });
  api.Add("POST", "/api/v1/sessions/{id}/revoke",
          [&auth, repository](HttpRequest& request, const Caller& caller) {
            Status revoked = auth.RevokeSession(ActorOf(caller), request.PathParam("id"));
            if (!revoked.ok()) return HttpResponse::Error(revoked);
            return ListSessions(auth, *repository, caller);
          });

  // The acts on one account that take no body: the service does the act and
  // audits it (refusals too); the answer is the account as it now stands.
  using Act = Status (*)(AuthService&, const Actor&, const std::string&);
  const std::pair<const char*, Act> acts[] = {
      {"/api/v1/users/{id}/disable",
       [](AuthService& a, const Actor& by, const std::string& u) { return a.Disable(by, u); }},
      {"/api/v1/users/{id}/enable",
       [](AuthService& a, const Actor& by, const std::string& u) { return a.Enable(by, u); }},
      {"/api/v1/users/{id}/unlock",
       [](AuthService& a, const Actor& by, const std::string& u) { return a.Unlock(by, u); }},
      {"/api/v1/users/{id}/reset-totp",
       [](AuthService& a, const Actor& by, const std::string& u) { return a.ResetTotp(by, u); }},
      {"/api/v1/users/{id}/approve",
       [](AuthService& a, const Actor& by, const std::string& u) { return a.ApproveChanges(by, u); }},
      {"/api/v1/users/{id}/reject",
       [](AuthService& a, const Actor& by, const std::string& u) { return a.RejectChanges(by, u); }},
  };
  for (const auto& [pattern, act] : acts) {
    api.Add("POST", pattern, [&auth, repository, act](HttpRequest& request, const Caller& caller) {
      const std::string username = PathUsername(request);
      Status done = act(auth, ActorOf(caller), username);
      if (!done.ok()) return HttpResponse::Error(done);
      return AccountResponse(auth, *repository, username);
    });
  }
  api.Add("POST", "/api/v1/users/{id}/reset-password", [&auth](HttpRequest& request, const Caller& caller) {
    Result<CreatedUser> reset = auth.ResetPassword(ActorOf(caller), PathUsername(request));
    if (!reset.ok()) return HttpResponse::Error(reset.status());
    // The new password holds once the security admin approves; the slip is
    // handed over then.
    return HttpResponse::Json(200, {{"user", AccountJson(auth, reset->user)},
                                    {"one_time_password", reset->one_time_password},
                                    {"pending_approval", reset->pending_approval}});
  });
  api.Add("PUT", "/api/v1/users/{id}/roles", [&auth, repository](HttpRequest& request, const Caller& caller) {
    return ChangeRoles(auth, *repository, request, caller);
  });

  // Retention: audit events are journal entries, and the journal is
  // append-only (its triggers refuse UPDATE and DELETE) and never pruned, so
  // every event is kept for good — beyond the configured minimum
  // (server.audit_retention_days, 180 by default; 《网络安全法》第二十一条 asks
  // for network logs to be kept at least six months). Anything that ever
  // prunes the journal must keep that many days of entity 'audit'.
  // Reading the log is not itself audited.
  api.Add("GET", "/api/v1/audit",
          [repository](HttpRequest& request, const Caller&) { return ReadAuditLog(*repository, request); });
  api.Add("GET", "/api/v1/audit/export", [&auth, repository](HttpRequest& request, const Caller& caller) {
    return ExportAuditLog(auth, *repository, request, caller);
  });
}

}  // namespace lianxin
