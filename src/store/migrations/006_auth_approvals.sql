-- Changes one admin asked for and the security admin has yet to approve
-- (三权分立, include/lianxin/auth.hpp "PendingChange"): a business role
-- and scope for a new account, or a reset password. At most one of each kind
-- per account; a newer request replaces the older.
CREATE TABLE pending_changes (
  username         TEXT NOT NULL REFERENCES users(username),
  kind             TEXT NOT NULL CHECK (kind IN ('grant', 'password_reset')),
  requested_by     TEXT NOT NULL,
  requested_millis INTEGER NOT NULL,
  roles            TEXT NOT NULL,
  scope_kind       TEXT NOT NULL CHECK (scope_kind IN ('none', 'region', 'unit', 'cadre')),
  scope_code       TEXT NOT NULL,
  password_hash    TEXT NOT NULL,  -- argon2id of the reset password; '' for a grant
  PRIMARY KEY (username, kind)
) WITHOUT ROWID;

-- Expired sessions are purged (AuthService::PurgeExpiredSessions) by range.
CREATE INDEX sessions_last_seen ON sessions(last_seen_millis);
CREATE INDEX sessions_created ON sessions(created_millis);
