// The accounts' storage (auth.hpp's UserRepository): users,
// sessions, password history, pending approvals and the audit log, every
// change journaled.

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "store/sql_store/internal.hpp"

namespace lianxin::sql_store {

const TableDef& UsersDef() {
  static const TableDef kDef{"users",
                             {{"username"},
                              {"display_name"},
                              {"roles"},
                              {"scope_kind"},
                              {"scope_code"},
                              {"password_hash", -1, true},
                              {"must_change_password"},
                              {"disabled"},
                              {"totp_secret", -1, true, "users.totp_secret"},
                              {"totp_confirmed"},
                              {"totp_last_step"},
                              {"failed_attempts"},
                              {"locked_until_millis"},
                              {"password_changed_millis"},
                              {"last_login_millis"}},
                             "username"};
  return kDef;
}

// Rows that grant access or record a change (migration 005): journaled like
// the registry, with the secrets in them as digests.
const TableDef& SessionsDef() {
  static const TableDef kDef{"sessions",
                             {{"token_hash"},
                              {"username"},
                              {"csrf_token", -1, true},
                              {"created_millis"},
                              {"last_seen_millis"},
                              {"remote"}},
                             "token_hash"};
  return kDef;
}

const TableDef& PasswordHistoryDef() {
  static const TableDef kDef{
      "password_history", {{"seq"}, {"username"}, {"hash", -1, true}, {"at_millis"}}, "seq"};
  return kDef;
}

// Changes awaiting the security admin's approval (migration 009): a planted
// request would look like one an admin made.
const TableDef& PendingDef() {
  static const TableDef kDef{"pending_changes",
                             {{"key"},
                              {"username"},
                              {"kind"},
                              {"requested_by"},
                              {"requested_millis"},
                              {"roles"},
                              {"scope_kind"},
                              {"scope_code"},
                              {"password_hash", -1, true}},
                             "key"};
  return kDef;
}

const TableDef& AuditDef() {
  static const TableDef kDef{"audit", {{"key"}}, ""};
  return kDef;
}

std::string PendingKey(std::string_view username, PendingKind kind) {
  return std::string(username) + "|" + std::string(PendingKindToken(kind));
}

class SqlUserRepository final : public UserRepository {
 public:
  SqlUserRepository(std::unique_ptr<SqlStore> store, GroupCommitWriter* writer)
      : store_(std::move(store)), writer_(writer) {}

 private:
  // The lock of every read, which on the way out ends whatever read the
  // call left open, so the next call sees commits made elsewhere (the
  // writer, `lianxin user` in another process).
  struct Locked {
    explicit Locked(SqlUserRepository& repository) : guard(repository.mu_), store(*repository.store_) {}
    ~Locked() { store.EndRead(); }
    std::lock_guard<std::mutex> guard;
    SqlStore& store;
  };

  // Every write: on the server, a job of the group-commit writer on its
  // connection (writer.hpp: durable when Write returns, and no second
  // connection writes); without a writer (the CLI, tests), on this
  // repository's own connection under its lock.
  Status Apply(const std::function<Status(SqlStore&)>& job) {
    Status written;
    if (writer_ != nullptr) {
      written = writer_->Write([&job](Store& store) { return job(static_cast<SqlStore&>(store)); });
    } else {
      Locked lock(*this);
      written = job(*store_);
    }
    // Counted once committed, so a session read before then is not kept
    // under the new stamp (data_version does not count this connection's
    // own commits, nor the writer's until it is next read).
    ++own_writes_;
    return written;
  }

 public:
  // Every change to users and sessions made in this process goes through
  // Apply, which counts it as it commits; registry writes, the bulk of the
  // writer's work, leave the stamp (and the sessions kept in memory) alone.
  // One made by another process (`lianxin user` beside the server, SQL by
  // hand) shows in SQLite's data_version, which takes a read of the
  // database: it is read at most every kForeignChangeMillis, not on every
  // request, so such a change takes effect within that time. The sum grows
  // whenever either part does.
  static constexpr std::int64_t kForeignChangeMillis = 250;
  Result<std::optional<std::int64_t>> ChangeStamp() override {
    const std::int64_t now = store_->clock().NowMillis();
    const std::int64_t checked = foreign_checked_at_.load();
    if (now - checked >= kForeignChangeMillis || now < checked) {
      Locked lock(*this);
      // SQLite counts the commits of other connections; on PostgreSQL the
      // newest journal entry of a table that grants access stands for them.
      LX_ASSIGN_OR_RETURN(
          Statement * version,
          store_->Prepare(store_->sqlite() ? "PRAGMA data_version"
                                           : "SELECT COALESCE(MAX(seq), 0) FROM journal WHERE entity IN "
                                             "('users', 'sessions', 'pending_changes')"));
      LX_ASSIGN_OR_RETURN(bool row, version->Step());
      if (!row) return Status::Internal("数据版本无结果 (no data_version)");
      foreign_version_.store(version->Int(0));
      version->Reset();
      foreign_checked_at_.store(now);
    }
    return std::optional<std::int64_t>(foreign_version_.load() + own_writes_.load());
  }

  Result<std::optional<User>> FindByUsername(std::string_view username) override {
    Locked lock(*this);
    return Find(*store_, username, nullptr);
  }

  Status Insert(const User& user) override {
    return Apply([&](SqlStore& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::optional<User> existing, Find(store, user.username, nullptr));
      if (existing) return Status::Conflict("用户名已存在: " + user.username + " (username_taken)");
      return Write(store, user, "");
    });
  }

  Status Update(const User& user) override {
    return Apply([&](SqlStore& store) -> Status {
      std::string sealed;
      LX_ASSIGN_OR_RETURN(std::optional<User> existing, Find(store, user.username, &sealed));
      if (!existing) return Status::NotFound("用户不存在: " + user.username);
      return Write(store, user, existing->totp_secret == user.totp_secret ? sealed : "");
    });
  }

  Result<bool> HasAnyUser() override {
    Locked lock(*this);
    LX_ASSIGN_OR_RETURN(Statement * select, store_->Prepare("SELECT 1 FROM users LIMIT 1"));
    return select->Step();
  }

  Result<std::vector<User>> ListUsers() override {
    Locked lock(*this);
    // The names first: Find reuses a cached statement of its own.
    LX_ASSIGN_OR_RETURN(Statement * select, store_->Prepare("SELECT username FROM users ORDER BY username"));
    std::vector<std::string> names;
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, select->Step());
      if (!row) break;
      names.emplace_back(select->Text(0));
    }
    std::vector<User> users;
    for (const std::string& name : names) {
      LX_ASSIGN_OR_RETURN(std::optional<User> user, Find(*store_, name, nullptr));
      if (user) users.push_back(std::move(*user));
    }
    return users;
  }

  Result<std::vector<std::string>> PreviousPasswordHashes(std::string_view username, int n) override {
    Locked lock(*this);
    LX_ASSIGN_OR_RETURN(Statement * select,
                        store_->Prepare("SELECT hash FROM password_history WHERE username = ?1 "
                                        "ORDER BY seq DESC LIMIT ?2"));
    select->Bind(1, username).Bind(2, n);
    std::vector<std::string> hashes;
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, select->Step());
      if (!row) return hashes;
      hashes.emplace_back(select->Text(0));
    }
  }

  // Journaled (the hash as a digest): a deleted entry would let an old
  // password back in, and verify must see that.
  Status AddPasswordHash(std::string_view username, std::string_view hash, std::int64_t at_millis) override {
    return Apply([&](SqlStore& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("auth"));
      LX_ASSIGN_OR_RETURN(Statement * max,
                          store.Prepare("SELECT COALESCE(MAX(seq), 0) FROM password_history"));
      LX_ASSIGN_OR_RETURN(bool found, max->Step());
      Image image{Cell::Int((found ? max->Int(0) : 0) + 1), Cell::Text(username), Cell::Text(hash),
                  Cell::Int(at_millis)};
      max->Reset();
      LX_RETURN_IF_ERROR(
          static_cast<SqlTxn&>(*txn).UpsertImage(PasswordHistoryDef(), std::move(image)).status());
      return txn->Commit();
    });
  }

  // Journaled (the CSRF token as a digest): a session row grants access, so
  // one planted behind the program's back must fail verify.
  Status SaveSession(const Session& session) override {
    return Apply([&](SqlStore& store) -> Status {
      Image image{Cell::Text(session.token_hash),      Cell::Text(session.username),
                  Cell::Text(session.csrf_token),      Cell::Int(session.created_millis),
                  Cell::Int(session.last_seen_millis), Cell::Text(session.remote)};
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("auth"));
      LX_RETURN_IF_ERROR(static_cast<SqlTxn&>(*txn).UpsertImage(SessionsDef(), std::move(image)).status());
      return txn->Commit();
    });
  }

  Result<std::optional<Session>> FindSession(std::string_view token_hash) override {
    Locked lock(*this);
    LX_ASSIGN_OR_RETURN(
        Statement * select,
        store_->Prepare("SELECT token_hash, username, csrf_token, created_millis, last_seen_millis, "
                        "remote FROM sessions WHERE token_hash = ?1"));
    select->Bind(1, token_hash);
    LX_ASSIGN_OR_RETURN(bool found, select->Step());
    if (!found) return std::optional<Session>();
    return std::optional<Session>(Session{std::string(select->Text(0)), std::string(select->Text(1)),
                                          std::string(select->Text(2)), select->Int(3), select->Int(4),
                                          std::string(select->Text(5))});
  }

  Result<std::vector<Session>> ListSessions() override {
    Locked lock(*this);
    LX_ASSIGN_OR_RETURN(
        Statement * select,
        store_->Prepare("SELECT token_hash, username, csrf_token, created_millis, last_seen_millis, remote "
                        "FROM sessions ORDER BY last_seen_millis DESC, token_hash"));
    std::vector<Session> out;
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, select->Step());
      if (!row) break;
      out.push_back(Session{std::string(select->Text(0)), std::string(select->Text(1)),
                            std::string(select->Text(2)), select->Int(3), select->Int(4),
                            std::string(select->Text(5))});
    }
    return out;
  }

  Status DeleteSession(std::string_view token_hash) override {
    return Apply([&](SqlStore& store) { return DeleteSessionsWhere(store, "token_hash", token_hash); });
  }

  Status DeleteUserSessions(std::string_view username) override {
    return Apply([&](SqlStore& store) { return DeleteSessionsWhere(store, "username", username); });
  }

  // Down the indexes of migration 006.
  Result<int> DeleteExpiredSessions(std::int64_t seen_before_millis,
                                    std::int64_t created_before_millis) override {
    int removed = 0;
    LX_RETURN_IF_ERROR(Apply([&](SqlStore& store) -> Status {
      LX_ASSIGN_OR_RETURN(
          Statement * select,
          store.Prepare(
              "SELECT token_hash FROM sessions WHERE last_seen_millis < ?1 OR created_millis < ?2"));
      select->Bind(1, seen_before_millis).Bind(2, created_before_millis);
      LX_ASSIGN_OR_RETURN(removed, DeleteSelectedSessions(store, *select));
      return Status::Ok();
    }));
    return removed;
  }

  // Journaled (the reset password's hash as a digest).
  Status SavePending(const PendingChange& change) override {
    return Apply([&](SqlStore& store) -> Status {
      Image image{Cell::Text(PendingKey(change.username, change.kind)),
                  Cell::Text(change.username),
                  Cell::Text(PendingKindToken(change.kind)),
                  Cell::Text(change.requested_by),
                  Cell::Int(change.requested_millis),
                  Cell::Text(JoinRoleTokens(change.roles)),
                  Cell::Text(ScopeKindToken(change.scope.kind)),
                  Cell::Text(change.scope.code),
                  Cell::Text(change.password_hash)};
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(change.requested_by));
      LX_RETURN_IF_ERROR(static_cast<SqlTxn&>(*txn).UpsertImage(PendingDef(), std::move(image)).status());
      return txn->Commit();
    });
  }

  Result<std::vector<PendingChange>> ListPending(std::string_view username) override {
    Locked lock(*this);
    LX_ASSIGN_OR_RETURN(Statement * select,
                        store_->Prepare("SELECT username, kind, requested_by, requested_millis, roles, "
                                        "scope_kind, scope_code, password_hash FROM pending_changes "
                                        "WHERE ?1 = '' OR username = ?1 ORDER BY username, kind"));
    select->Bind(1, username);
    std::vector<PendingChange> changes;
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, select->Step());
      if (!row) return changes;
      PendingChange change;
      change.username = select->Text(0);
      std::optional<PendingKind> kind = ParsePendingKind(select->Text(1));
      std::optional<ScopeKind> scope_kind = ParseScopeKind(select->Text(5));
      if (!kind || !scope_kind) return Status::Internal("数据库中 pending_changes 的值无效");
      change.kind = *kind;
      change.requested_by = select->Text(2);
      change.requested_millis = select->Int(3);
      LX_ASSIGN_OR_RETURN(change.roles, ParseRoleTokens(select->Text(4)));
      change.scope = {*scope_kind, std::string(select->Text(6))};
      change.password_hash = select->Text(7);
      changes.push_back(std::move(change));
    }
  }

  Status DeletePending(std::string_view username, PendingKind kind) override {
    return Apply([&](SqlStore& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("auth"));
      Status removed = static_cast<SqlTxn&>(*txn).DeleteImage(PendingDef(), PendingKey(username, kind));
      if (removed.code() == Code::kNotFound) return Status::Ok();  // none is fine
      LX_RETURN_IF_ERROR(removed);
      return txn->Commit();
    });
  }

  // An event in the journal, durable (synchronous=FULL) before returning.
  Status Audit(const AuditEvent& e) override {
    nlohmann::json json = {{"at_millis", e.at_millis}, {"actor", e.actor},   {"action", e.action},
                           {"target", e.target},       {"remote", e.remote}, {"outcome", e.outcome},
                           {"detail", e.detail}};
    return Apply([&](SqlStore& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(e.actor.empty() ? "system" : e.actor));
      auto& sqlite_txn = static_cast<SqlTxn&>(*txn);
      LX_RETURN_IF_ERROR(sqlite_txn.AppendJournal(e.action, AuditDef(), e.target, "", json.dump()));
      return txn->Commit();
    });
  }

  // Newest first down the journal_entity_seq index (migration 005). The
  // event's own fields decide the filters (the journal's actor and time are
  // the transaction's, which may differ).
  Result<std::vector<AuditRecord>> ReadAudit(const AuditQuery& q) override {
    Locked lock(*this);
    std::vector<AuditRecord> records;
    if (q.limit < 1) return records;
    LX_ASSIGN_OR_RETURN(
        Statement * select,
        store_->Prepare(
            "SELECT seq, after FROM journal WHERE entity = 'audit' AND seq < ?1 "
            "AND (CAST(?2 AS INTEGER) = 0 OR CAST(json_extract(after, '$.at_millis') AS INTEGER) >= ?2) "
            "AND (?3 = '' OR action = ?3) AND (?4 = '' OR json_extract(after, '$.actor') = ?4) "
            "ORDER BY seq DESC LIMIT ?5"));
    select->Bind(1, q.before_seq > 0 ? q.before_seq : INT64_MAX)
        .Bind(2, q.since_millis)
        .Bind(3, q.action)
        .Bind(4, q.actor)
        .Bind(5, q.limit);
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, select->Step());
      if (!row) return records;
      nlohmann::json json = nlohmann::json::parse(select->Text(1), nullptr, false);
      if (!json.is_object()) {
        return Status::Internal("审计记录 " + std::to_string(select->Int(0)) + " 无法解析 (audit_corrupt)");
      }
      AuditRecord record;
      record.seq = select->Int(0);
      record.event.at_millis = json.value("at_millis", std::int64_t{0});
      record.event.actor = json.value("actor", "");
      record.event.action = json.value("action", "");
      record.event.target = json.value("target", "");
      record.event.remote = json.value("remote", "");
      record.event.outcome = json.value("outcome", "");
      record.event.detail = json.value("detail", "");
      records.push_back(std::move(record));
    }
  }

 private:
  // `sealed_secret`, when given, receives the stored ciphertext of the TOTP secret.
  static Result<std::optional<User>> Find(SqlStore& store, std::string_view username,
                                          std::string* sealed_secret) {
    LX_ASSIGN_OR_RETURN(Statement * select, store.Prepare(SelectSql(UsersDef()) + " WHERE username = ?1"));
    select->Bind(1, username);
    LX_ASSIGN_OR_RETURN(bool found, select->Step());
    if (!found) return std::optional<User>();
    User u;
    u.username = select->Text(0);
    u.display_name = select->Text(1);
    LX_ASSIGN_OR_RETURN(u.roles, ParseRoleTokens(select->Text(2)));
    std::optional<ScopeKind> kind = ParseScopeKind(select->Text(3));
    if (!kind) return Status::Internal("数据库中 users.scope_kind 的值无效");
    u.scope = {*kind, std::string(select->Text(4))};
    u.password_hash = select->Text(5);
    u.must_change_password = select->Int(6) != 0;
    u.disabled = select->Int(7) != 0;
    std::string sealed(select->Blob(8));
    if (!sealed.empty()) {
      LX_ASSIGN_OR_RETURN(u.totp_secret, store.cipher().Decrypt(sealed, TotpBinding(u.username)));
    }
    if (sealed_secret != nullptr) *sealed_secret = std::move(sealed);
    u.totp_confirmed = select->Int(9) != 0;
    u.totp_last_step = select->Int(10);
    u.failed_attempts = static_cast<int>(select->Int(11));
    u.locked_until_millis = select->Int(12);
    u.password_changed_millis = select->Int(13);
    u.last_login_millis = select->Int(14);
    return std::optional<User>(std::move(u));
  }

  // Deletes (journaled) the sessions whose `column` is `value`; none is fine.
  static Status DeleteSessionsWhere(SqlStore& store, std::string_view column, std::string_view value) {
    LX_ASSIGN_OR_RETURN(Statement * select, store.Prepare("SELECT token_hash FROM sessions WHERE " +
                                                          std::string(column) + " = ?1"));
    select->Bind(1, value);
    return DeleteSelectedSessions(store, *select).status();
  }

  // Deletes the sessions whose token hashes `select` (bound) yields, each
  // removal journaled like any session change: a session row grants access,
  // so verify must see every one come and go. Returns how many went.
  static Result<int> DeleteSelectedSessions(SqlStore& store, Statement& select) {
    std::vector<std::string> tokens;
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      tokens.emplace_back(select.Text(0));
    }
    select.Reset();
    if (tokens.empty()) return 0;
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("auth"));
    for (const std::string& token : tokens) {
      LX_RETURN_IF_ERROR(static_cast<SqlTxn&>(*txn).DeleteImage(SessionsDef(), token));
    }
    LX_RETURN_IF_ERROR(txn->Commit());
    return static_cast<int>(tokens.size());
  }

  // `sealed_secret`: the stored ciphertext to keep when the secret did not
  // change, so an unchanged user is not re-encrypted into a spurious change.
  static Status Write(SqlStore& store, const User& u, const std::string& sealed_secret) {
    std::string secret = u.totp_secret.empty() ? std::string()
                         : sealed_secret.empty()
                             ? store.cipher().Encrypt(u.totp_secret, TotpBinding(u.username))
                             : sealed_secret;
    Image image{Cell::Text(u.username),
                Cell::Text(u.display_name),
                Cell::Text(JoinRoleTokens(u.roles)),
                Cell::Text(ScopeKindToken(u.scope.kind)),
                Cell::Text(u.scope.code),
                Cell::Text(u.password_hash),
                Cell::Int(u.must_change_password ? 1 : 0),
                Cell::Int(u.disabled ? 1 : 0),
                Cell::BlobOrNull(std::move(secret)),
                Cell::Int(u.totp_confirmed ? 1 : 0),
                Cell::Int(u.totp_last_step),
                Cell::Int(u.failed_attempts),
                Cell::Int(u.locked_until_millis),
                Cell::Int(u.password_changed_millis),
                Cell::Int(u.last_login_millis)};
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("auth"));
    LX_RETURN_IF_ERROR(static_cast<SqlTxn&>(*txn).UpsertImage(UsersDef(), std::move(image)).status());
    return txn->Commit();
  }

  static std::string TotpBinding(std::string_view username) {
    return FieldCipher::Binding("users.totp_secret", username);
  }

  std::mutex mu_;
  std::unique_ptr<SqlStore> store_;  // reads; and writes when there is no writer
  GroupCommitWriter* writer_;
  std::atomic<std::int64_t> own_writes_{0};
  std::atomic<std::int64_t> foreign_version_{0};
  // When data_version was last read; far in the past, so the first call reads it.
  std::atomic<std::int64_t> foreign_checked_at_{std::numeric_limits<std::int64_t>::min() / 2};
};

}  // namespace lianxin::sql_store

namespace lianxin {

using sql_store::DbHandle;
using sql_store::SqlStore;
using sql_store::SqlUserRepository;

Result<std::unique_ptr<UserRepository>> Store::OpenUserRepository(const std::string& path,
                                                                  const StoreOptions& options,
                                                                  GroupCommitWriter* writer) {
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(path, options));
  return std::unique_ptr<UserRepository>(std::make_unique<SqlUserRepository>(
      std::unique_ptr<SqlStore>(static_cast<SqlStore*>(store.release())), writer));
}

}  // namespace lianxin
