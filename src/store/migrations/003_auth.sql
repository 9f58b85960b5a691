-- Accounts, password history and sessions for include/lianxin/auth.hpp.
-- Users are journaled (password hash and TOTP secret as digests only);
-- sessions and password history are not registry data and are not.

CREATE TABLE users (
  username                TEXT PRIMARY KEY,
  display_name            TEXT NOT NULL,
  roles                   TEXT NOT NULL,
  scope_kind              TEXT NOT NULL CHECK (scope_kind IN ('none', 'region', 'unit', 'cadre')),
  scope_code              TEXT NOT NULL,
  password_hash           TEXT NOT NULL,
  must_change_password    INTEGER NOT NULL CHECK (must_change_password IN (0, 1)),
  disabled                INTEGER NOT NULL CHECK (disabled IN (0, 1)),
  totp_secret             BLOB,  -- FieldCipher, column users.totp_secret
  totp_confirmed          INTEGER NOT NULL CHECK (totp_confirmed IN (0, 1)),
  totp_last_step          INTEGER NOT NULL,
  failed_attempts         INTEGER NOT NULL,
  locked_until_millis     INTEGER NOT NULL,
  password_changed_millis INTEGER NOT NULL,
  last_login_millis       INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE password_history (
  seq       INTEGER PRIMARY KEY,
  username  TEXT NOT NULL REFERENCES users(username),
  hash      TEXT NOT NULL,
  at_millis INTEGER NOT NULL
);
CREATE INDEX password_history_user ON password_history(username, seq);

CREATE TABLE sessions (
  token_hash       TEXT PRIMARY KEY,
  username         TEXT NOT NULL REFERENCES users(username),
  csrf_token       TEXT NOT NULL,
  created_millis   INTEGER NOT NULL,
  last_seen_millis INTEGER NOT NULL,
  remote           TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(username);
