-- 每月公示 (issue "Oversight" 1): each published monthly notice, kept as it
-- was published — its figures as JSON, a digest of them, and the journal's
-- head (seq and hash) at the read they were counted from. Nothing updates or
-- deletes a notice; the row is journaled, so an edit behind the program's
-- back fails `journal verify` like any other.
CREATE TABLE notices (
  id               TEXT PRIMARY KEY,  -- region code ":" month
  region_code      TEXT NOT NULL REFERENCES regions(code),
  month            TEXT NOT NULL,     -- YYYY-MM
  title            TEXT NOT NULL,
  journal_seq      INTEGER NOT NULL,
  journal_hash     TEXT NOT NULL,     -- hex
  figures          TEXT NOT NULL,     -- JSON (oversight/notice.hpp)
  digest           TEXT NOT NULL,     -- BLAKE2b-256 of figures, hex
  published_millis INTEGER NOT NULL,
  published_by     TEXT NOT NULL,
  county_code      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX notices_region ON notices(region_code, month);
