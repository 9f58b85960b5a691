-- Pairing (PRODUCT.md §2): the current pairs, pins (manual overrides), the
-- history of every pair, and the tasks an assistance pair gives.
-- Composite natural keys are one text column, kind|held|holder, so every
-- table journals and verifies the same way.

CREATE TABLE pairs (
  key         TEXT PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('unit_village', 'assistance', 'contact', 'contact_point')),
  holder      TEXT NOT NULL,  -- the unit or cadre
  held        TEXT NOT NULL,  -- the village, household or org
  county_code TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX pairs_holder ON pairs(kind, holder);
CREATE INDEX pairs_held ON pairs(kind, held);

CREATE TABLE pins (
  key         TEXT PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('unit_village', 'assistance', 'contact', 'contact_point')),
  holder      TEXT NOT NULL,
  held        TEXT NOT NULL,
  reason      TEXT NOT NULL CHECK (reason <> ''),
  county_code TEXT NOT NULL
) WITHOUT ROWID;

-- From whom to whom and why; "" for none. Append-only, like the journal.
CREATE TABLE pair_history (
  seq         INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  held        TEXT NOT NULL,
  from_holder TEXT NOT NULL,
  to_holder   TEXT NOT NULL,
  reason      TEXT NOT NULL,
  at_millis   INTEGER NOT NULL,
  county_code TEXT NOT NULL
);
CREATE INDEX pair_history_held ON pair_history(kind, held);

CREATE TABLE tasks (
  key            TEXT PRIMARY KEY,  -- household|cadre|need
  household_code TEXT NOT NULL REFERENCES households(code),
  cadre_code     TEXT NOT NULL REFERENCES cadres(code),
  need           TEXT NOT NULL,
  task           TEXT NOT NULL,
  target         TEXT NOT NULL,
  deadline       TEXT NOT NULL,  -- YYYY-MM-DD, in the county's time zone
  level          TEXT NOT NULL CHECK (level IN ('major', 'normal')),
  status         TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
  progress       INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
  notes          TEXT NOT NULL,
  county_code    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX tasks_household ON tasks(household_code);
CREATE INDEX tasks_cadre ON tasks(cadre_code);
