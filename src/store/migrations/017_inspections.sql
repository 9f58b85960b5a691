-- 不打招呼督查 (issue "Oversight" 3): an unannounced inspection drawn from a
-- published seed (oversight/draw.cpp), and a checklist row per household
-- drawn — does the household know its cadre's name, did the logged visits
-- happen, how satisfied is it, what was found. Both journaled.
CREATE TABLE inspections (
  id                     TEXT PRIMARY KEY,  -- I + 16 hex digits
  region_code            TEXT NOT NULL REFERENCES regions(code),
  month                  TEXT NOT NULL,     -- YYYY-MM
  seed                   TEXT NOT NULL,     -- published before the draw
  villages_per_township  INTEGER NOT NULL,
  households_per_village INTEGER NOT NULL,
  state                  TEXT NOT NULL CHECK (state IN ('open', 'closed')),
  opened_by              TEXT NOT NULL,
  opened_millis          INTEGER NOT NULL,
  closed_millis          INTEGER NOT NULL,  -- 0 while open
  county_code            TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX inspections_region ON inspections(region_code, month);

CREATE TABLE inspection_checks (
  key             TEXT PRIMARY KEY,  -- inspection id "|" household code
  inspection_id   TEXT NOT NULL REFERENCES inspections(id),
  household_code  TEXT NOT NULL REFERENCES households(code),
  village_code    TEXT NOT NULL,
  cadre_code      TEXT NOT NULL,     -- the household's contact cadre when drawn ('' none)
  checked         INTEGER NOT NULL CHECK (checked IN (0, 1)),
  knows_cadre     INTEGER NOT NULL CHECK (knows_cadre IN (0, 1)),
  visits          TEXT NOT NULL,     -- '' | yes | partly | no | none_logged
  satisfaction    TEXT NOT NULL,     -- '' | satisfied | basically_satisfied | unsatisfied
  findings        TEXT NOT NULL,
  task_key        TEXT NOT NULL,     -- the task a finding became ('' none)
  checked_by      TEXT NOT NULL,
  checked_millis  INTEGER NOT NULL,
  county_code     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX inspection_checks_inspection ON inspection_checks(inspection_id);
