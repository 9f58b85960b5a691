-- The 八项规定 ledger (issue "Oversight" 7): a county's no-meeting months,
-- the meetings held, the reception reports after higher-level visits and
-- the expenses by budget line. Entries are never changed: a correction is a
-- new entry naming the one it corrects. Money in fen (0.01 yuan). Journaled.
CREATE TABLE ledger_calendar (
  key          TEXT PRIMARY KEY,  -- county code "|" YYYY-MM
  county_code  TEXT NOT NULL REFERENCES regions(code),
  month        TEXT NOT NULL,
  no_meeting   INTEGER NOT NULL CHECK (no_meeting IN (0, 1)),  -- 0: the mark was taken back
  note         TEXT NOT NULL,
  set_by       TEXT NOT NULL,
  set_millis   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE ledger_meetings (
  id              TEXT PRIMARY KEY,  -- M + 16 hex digits
  region_code     TEXT NOT NULL REFERENCES regions(code),
  unit_code       TEXT NOT NULL,     -- '' for a township's own
  held_on         TEXT NOT NULL,     -- YYYY-MM-DD
  title           TEXT NOT NULL,
  minutes         INTEGER NOT NULL CHECK (minutes >= 0),
  attendees       INTEGER NOT NULL CHECK (attendees >= 0),
  cost_fen        INTEGER NOT NULL CHECK (cost_fen >= 0),
  approved_by     TEXT NOT NULL,
  exempt          INTEGER NOT NULL CHECK (exempt IN (0, 1)),
  exempt_reason   TEXT NOT NULL,
  corrects        TEXT NOT NULL,     -- '' none
  recorded_by     TEXT NOT NULL,
  recorded_millis INTEGER NOT NULL,
  county_code     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX ledger_meetings_region ON ledger_meetings(region_code, held_on);
CREATE INDEX ledger_meetings_corrects ON ledger_meetings(corrects);

CREATE TABLE ledger_receptions (
  id              TEXT PRIMARY KEY,  -- R + 16 hex digits
  region_code     TEXT NOT NULL REFERENCES regions(code),
  unit_code       TEXT NOT NULL,
  received_on     TEXT NOT NULL,
  visitors        TEXT NOT NULL,
  purpose         TEXT NOT NULL,
  reported_to     TEXT NOT NULL,
  companions      INTEGER NOT NULL CHECK (companions >= 0),
  meal_people     INTEGER NOT NULL CHECK (meal_people >= 0),
  meal_fen        INTEGER NOT NULL CHECK (meal_fen >= 0),
  banquet         INTEGER NOT NULL CHECK (banquet IN (0, 1)),
  banners         INTEGER NOT NULL CHECK (banners IN (0, 1)),
  welcome_crowds  INTEGER NOT NULL CHECK (welcome_crowds IN (0, 1)),
  carpets         INTEGER NOT NULL CHECK (carpets IN (0, 1)),
  flowers         INTEGER NOT NULL CHECK (flowers IN (0, 1)),
  breaches        TEXT NOT NULL,     -- JSON: [{item, what, rule}] as found when kept
  corrects        TEXT NOT NULL,
  recorded_by     TEXT NOT NULL,
  recorded_millis INTEGER NOT NULL,
  county_code     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX ledger_receptions_region ON ledger_receptions(region_code, received_on);
CREATE INDEX ledger_receptions_corrects ON ledger_receptions(corrects);

CREATE TABLE ledger_expenses (
  id              TEXT PRIMARY KEY,  -- E + 16 hex digits
  region_code     TEXT NOT NULL REFERENCES regions(code),
  unit_code       TEXT NOT NULL,
  spent_on        TEXT NOT NULL,
  budget_line     TEXT NOT NULL CHECK (budget_line IN
                    ('meeting', 'reception', 'vehicle', 'travel', 'training', 'overseas', 'other')),
  item            TEXT NOT NULL,
  amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
  meeting_id      TEXT NOT NULL,     -- '' none
  reception_id    TEXT NOT NULL,     -- '' none
  corrects        TEXT NOT NULL,
  recorded_by     TEXT NOT NULL,
  recorded_millis INTEGER NOT NULL,
  county_code     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX ledger_expenses_region ON ledger_expenses(region_code, spent_on);
CREATE INDEX ledger_expenses_corrects ON ledger_expenses(corrects);
