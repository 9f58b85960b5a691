-- 会议决定事项 (issue "Field work" 1): what a meeting decided, the cadre named
-- to carry it out, the office that supervises it (督办单位), its deadline
-- and level, and the progress reported up the line. Journaled.
CREATE TABLE decisions (
  id           TEXT PRIMARY KEY,   -- D + 16 hex digits
  meeting      TEXT NOT NULL,      -- 会议名称
  meeting_date TEXT NOT NULL,      -- YYYY-MM-DD
  decision     TEXT NOT NULL,      -- 决定事项
  handler      TEXT NOT NULL REFERENCES cadres(code),
  supervisor   TEXT NOT NULL REFERENCES units(code),
  deadline     TEXT NOT NULL,      -- YYYY-MM-DD
  level        TEXT NOT NULL CHECK (level IN ('major', 'normal')),
  status       TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
  progress     INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
  notes        TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  county_code  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX decisions_handler ON decisions(handler, deadline);
CREATE INDEX decisions_supervisor ON decisions(supervisor, deadline);
