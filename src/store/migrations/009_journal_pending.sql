-- Pending approvals (migration 006) are journaled from now on: a request
-- planted behind the program's back would otherwise wait for the security
-- admin's approval looking like one an admin made. The row gets a single key
-- ("username|kind") as every journaled table has. Requests made before
-- cannot be told from planted ones, so they are dropped: the admin asks again.
DROP TABLE pending_changes;
CREATE TABLE pending_changes (
  key              TEXT PRIMARY KEY,  -- username || '|' || kind
  username         TEXT NOT NULL REFERENCES users(username),
  kind             TEXT NOT NULL CHECK (kind IN ('grant', 'password_reset')),
  requested_by     TEXT NOT NULL,
  requested_millis INTEGER NOT NULL,
  roles            TEXT NOT NULL,
  scope_kind       TEXT NOT NULL CHECK (scope_kind IN ('none', 'region', 'unit', 'cadre')),
  scope_code       TEXT NOT NULL,
  password_hash    TEXT NOT NULL,  -- argon2id of the reset password; '' for a grant
  UNIQUE (username, kind)
) WITHOUT ROWID;
