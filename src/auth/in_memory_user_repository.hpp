// A UserRepository in memory, for tests of the auth service and of anything
// built on it (HTTP handlers). Not part of the public contract.
//
//   InMemoryUserRepository repository;
//   AuthService auth(repository, policy, clock);
//   ... repository.audit() holds every AuditEvent, in order.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "lianxin/auth.hpp"

namespace lianxin {

class InMemoryUserRepository : public UserRepository {
 public:
  Result<std::optional<User>> FindByUsername(std::string_view username) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = users_.find(std::string(username));
    if (it == users_.end()) return std::optional<User>();
    return std::optional<User>(it->second);
  }
  Status Insert(const User& user) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!users_.emplace(user.username, user).second) return Status::Conflict("用户名已存在 (username_taken)");
    return Status::Ok();
  }
  Status Update(const User& user) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = users_.find(user.username);
    if (it == users_.end()) return Status::NotFound("用户不存在 (user_not_found)");
    it->second = user;
    return Status::Ok();
  }
  Result<bool> HasAnyUser() override {
    std::lock_guard<std::mutex> lock(mu_);
    return !users_.empty();
  }
  Result<std::vector<User>> ListUsers() override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<User> out;
    for (const auto& [name, user] : users_) out.push_back(user);
    return out;
  }
  Result<std::vector<std::string>> PreviousPasswordHashes(std::string_view username, int n) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    auto it = history_.find(std::string(username));
    if (it == history_.end()) return out;
    for (auto h = it->second.rbegin(); h != it->second.rend() && static_cast<int>(out.size()) < n; ++h) {
      out.push_back(*h);
    }
    return out;
  }
  Status AddPasswordHash(std::string_view username, std::string_view hash, std::int64_t) override {
    std::lock_guard<std::mutex> lock(mu_);
    history_[std::string(username)].emplace_back(hash);
    return Status::Ok();
  }
  Status SaveSession(const Session& session) override {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_[session.token_hash] = session;
    return Status::Ok();
  }
  Result<std::optional<Session>> FindSession(std::string_view token_hash) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(std::string(token_hash));
    if (it == sessions_.end()) return std::optional<Session>();
    return std::optional<Session>(it->second);
  }
  Result<std::vector<Session>> ListSessions() override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Session> out;
    for (const auto& [hash, session] : sessions_) out.push_back(session);
    std::sort(out.begin(), out.end(),
              [](const Session& a, const Session& b) { return a.last_seen_millis > b.last_seen_millis; });
    return out;
  }
  Status DeleteSession(std::string_view token_hash) override {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.erase(std::string(token_hash));
    return Status::Ok();
  }
  Status DeleteUserSessions(std::string_view username) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::erase_if(sessions_, [&](const auto& entry) { return entry.second.username == username; });
    return Status::Ok();
  }
  Result<int> DeleteExpiredSessions(std::int64_t seen_before, std::int64_t created_before) override {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(std::erase_if(sessions_, [&](const auto& entry) {
      return entry.second.last_seen_millis < seen_before || entry.second.created_millis < created_before;
    }));
  }
  Status SavePending(const PendingChange& change) override {
    std::lock_guard<std::mutex> lock(mu_);
    pending_[{change.username, change.kind}] = change;
    return Status::Ok();
  }
  Result<std::vector<PendingChange>> ListPending(std::string_view username) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<PendingChange> out;
    for (const auto& [key, change] : pending_) {
      if (username.empty() || key.first == username) out.push_back(change);
    }
    return out;
  }
  Status DeletePending(std::string_view username, PendingKind kind) override {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.erase({std::string(username), kind});
    return Status::Ok();
  }
  Status Audit(const AuditEvent& event) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (fail_audit_) return Status::Internal("审计日志写入失败 (audit_failed)");
    audit_.push_back(event);
    return Status::Ok();
  }

  // seq is the event's position in audit(), from 1.
  Result<std::vector<AuditRecord>> ReadAudit(const AuditQuery& query) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<AuditRecord> out;
    for (std::int64_t seq = static_cast<std::int64_t>(audit_.size()); seq >= 1; --seq) {
      if (static_cast<int>(out.size()) >= query.limit) break;
      const AuditEvent& event = audit_[seq - 1];
      if (query.before_seq > 0 && seq >= query.before_seq) continue;
      if (event.at_millis < query.since_millis) continue;
      if (!query.actor.empty() && event.actor != query.actor) continue;
      if (!query.action.empty() && event.action != query.action) continue;
      out.push_back({seq, event});
    }
    return out;
  }

  // For assertions and fault injection.
  std::vector<AuditEvent> audit() const {
    std::lock_guard<std::mutex> lock(mu_);
    return audit_;
  }
  std::vector<Session> sessions() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Session> out;
    for (const auto& [hash, session] : sessions_) out.push_back(session);
    return out;
  }
  void set_fail_audit(bool fail) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_audit_ = fail;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, User> users_;
  std::map<std::string, std::vector<std::string>> history_;  // oldest first
  std::map<std::string, Session> sessions_;
  std::map<std::pair<std::string, PendingKind>, PendingChange> pending_;
  std::vector<AuditEvent> audit_;
  bool fail_audit_ = false;
};

}  // namespace lianxin
