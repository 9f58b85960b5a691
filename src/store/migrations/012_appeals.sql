-- 诉求 (PRODUCT.md §3): what households ask for, and the 12345 loop that
-- carries each to an answer the household rates. `appeals` holds each
-- appeal as the loop leaves it; `appeal_steps` keeps every step of it (who,
-- when, to whom, why), never changed. Both are journaled like the registry.
CREATE TABLE appeals (
  id                TEXT PRIMARY KEY,  -- A + 16 hex digits, random: no personal data
  household_code    TEXT REFERENCES households(code),  -- NULL: a report with no household (Open311)
  channel           TEXT NOT NULL CHECK (channel IN ('card', 'visit', 'reception', 'operator', 'open311')),
  type              TEXT NOT NULL CHECK (type IN ('inquiry', 'help', 'complaint', 'report', 'suggestion')),
  topic             TEXT NOT NULL,     -- a code of [[appeals.topics]]
  urgency           TEXT NOT NULL CHECK (urgency IN ('emergency', 'urgent', 'general', 'complex')),
  content           TEXT NOT NULL,
  state             TEXT NOT NULL CHECK (state IN ('received', 'dispatched', 'handling', 'replied', 'closed',
                                                   'rated')),
  handler           TEXT NOT NULL,     -- a cadre, unit or region code; '' while 受理
  handler_kind      TEXT NOT NULL CHECK (handler_kind IN ('cadre', 'unit', 'region')),
  cadre_code        TEXT NOT NULL,     -- the household's contact cadre when filed ('' none): rates count for it
  unit_code         TEXT NOT NULL,     -- that cadre's unit ('' none)
  region_code       TEXT NOT NULL,     -- the household's village; the county for a report without one
  received_millis   INTEGER NOT NULL,
  dispatched_millis INTEGER NOT NULL,  -- 0: not yet
  signed_millis     INTEGER NOT NULL,
  replied_millis    INTEGER NOT NULL,
  closed_millis     INTEGER NOT NULL,
  deadline_millis   INTEGER NOT NULL,
  extended          INTEGER NOT NULL CHECK (extended IN (0, 1)),
  returns           INTEGER NOT NULL,
  reminders         INTEGER NOT NULL,
  in_bulletin       INTEGER NOT NULL CHECK (in_bulletin IN (0, 1)),
  reopened          INTEGER NOT NULL,
  solved            INTEGER CHECK (solved IN (0, 1)),  -- NULL: not yet rated
  satisfaction      TEXT CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
  reply             TEXT NOT NULL,
  overdue_noticed   INTEGER NOT NULL CHECK (overdue_noticed IN (0, 1)),
  township_code     TEXT NOT NULL,     -- the village's township (its 9 digits and 000); '' for the county's own
  county_code       TEXT NOT NULL
) WITHOUT ROWID;
-- The queues. A handler's or a cadre's appeals, by deadline (a few hundred
-- a year each). A county's, township's or village's open appeals by
-- deadline (the overdue queue), open ones only, so a year of closed ones
-- costs them nothing: an equality on the level's own column, then the index
-- order is the queue's.
CREATE INDEX appeals_handler ON appeals(handler, deadline_millis);
CREATE INDEX appeals_cadre ON appeals(cadre_code, deadline_millis);
CREATE INDEX appeals_unit ON appeals(unit_code, deadline_millis);
CREATE INDEX appeals_county_open ON appeals(county_code, deadline_millis)
  WHERE state NOT IN ('closed', 'rated');
CREATE INDEX appeals_township_open ON appeals(township_code, deadline_millis)
  WHERE state NOT IN ('closed', 'rated');
CREATE INDEX appeals_region_open ON appeals(region_code, deadline_millis)
  WHERE state NOT IN ('closed', 'rated');
-- Lists newest first, and a month's appeals for the rates.
CREATE INDEX appeals_received ON appeals(received_millis, id);
CREATE INDEX appeals_household ON appeals(household_code, received_millis);

CREATE TABLE appeal_steps (
  id          TEXT PRIMARY KEY,  -- the appeal's id, '-' and the step's number in 4 digits
  appeal_id   TEXT NOT NULL REFERENCES appeals(id),
  seq         INTEGER NOT NULL,
  action      TEXT NOT NULL,     -- file, or an action: dispatch, return, sign, …
  at_millis   INTEGER NOT NULL,
  actor       TEXT NOT NULL,     -- the account, "public" for the household's card, "system"
  handler     TEXT NOT NULL,     -- who holds it after the step
  note        TEXT NOT NULL,     -- the reason, the answer, the rating
  state       TEXT NOT NULL,     -- the state after the step
  county_code TEXT NOT NULL,
  UNIQUE (appeal_id, seq)
) WITHOUT ROWID;
