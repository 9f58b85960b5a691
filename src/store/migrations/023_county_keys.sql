-- Keys that Citus can distribute (docs/scale.md): every primary key, unique
-- index and foreign key of a county-owned table includes county_code, so
-- each county's rows, and every check between them, stay on one server. A
-- row's references are to rows of its own county.
--
-- The key column comes first, then county_code: a look-up by code alone
-- still reads the key's index, and the rows keep their order (codes begin
-- with their county's digits). A key stays one record across counties: the
-- importer and the journal's writer look for it in every county before a
-- new row goes in, and a record does not move to another county.
--
-- SQLite cannot change a table's key in place: each table is made again and
-- its rows copied over (foreign keys are off while a migration runs on
-- SQLite and checked before it commits, SqlStore::Migrate). There the key's
-- two columns are also the table's first two (SQLite 3.40's integrity_check
-- misreads a WITHOUT ROWID table whose key columns are not its leading
-- ones); every statement names its columns, so the order is SQLite's own
-- affair. members keeps its row number on SQLite, where it is no key; on
-- PostgreSQL its key is (seq, county_code). PostgreSQL changes the
-- constraints in place.
-- @sqlite
CREATE TABLE regions_new (
  code        TEXT NOT NULL,
  county_code TEXT NOT NULL,
  name        TEXT NOT NULL CHECK (name <> ''),
  level       TEXT NOT NULL CHECK (level IN ('county', 'township', 'village', 'grid')),
  parent_code TEXT,
  CHECK ((level = 'county') = (parent_code IS NULL)),
  PRIMARY KEY (code, county_code),
  FOREIGN KEY (parent_code, county_code) REFERENCES regions (code, county_code)
) WITHOUT ROWID;
INSERT INTO regions_new (code, county_code, name, level, parent_code)
  SELECT code, county_code, name, level, parent_code FROM regions;
DROP TABLE regions;
ALTER TABLE regions_new RENAME TO regions;
CREATE INDEX regions_parent ON regions(parent_code);

CREATE TABLE units_new (
  code        TEXT NOT NULL,
  county_code TEXT NOT NULL,
  name        TEXT NOT NULL CHECK (name <> ''),
  staff       INTEGER NOT NULL CHECK (staff >= 0),
  strength    TEXT NOT NULL CHECK (strength IN ('strong', 'medium', 'weak')),
  PRIMARY KEY (code, county_code),
  FOREIGN KEY (county_code, county_code) REFERENCES regions (code, county_code)
) WITHOUT ROWID;
INSERT INTO units_new (code, county_code, name, staff, strength)
  SELECT code, county_code, name, staff, strength FROM units;
DROP TABLE units;
ALTER TABLE units_new RENAME TO units;

CREATE TABLE orgs_new (
  code        TEXT NOT NULL,
  county_code TEXT NOT NULL,
  name        TEXT NOT NULL CHECK (name <> ''),
  kind        TEXT NOT NULL CHECK (kind IN ('village_branch', 'non_public', 'social')),
  region_code TEXT NOT NULL,
  rating      TEXT NOT NULL CHECK (rating IN ('good', 'fair', 'average', 'weak')),
  PRIMARY KEY (code, county_code),
  FOREIGN KEY (region_code, county_code) REFERENCES regions (code, county_code)
) WITHOUT ROWID;
INSERT INTO orgs_new (code, county_code, name, kind, region_code, rating)
  SELECT code, county_code, name, kind, region_code, rating FROM orgs;
DROP TABLE orgs;
ALTER TABLE orgs_new RENAME TO orgs;
CREATE INDEX orgs_region ON orgs(region_code);

CREATE TABLE cadres_new (
  code         TEXT NOT NULL,
  county_code  TEXT NOT NULL,
  name         TEXT NOT NULL CHECK (name <> ''),
  gender       TEXT NOT NULL,
  id_enc       BLOB,
  id_bidx      BLOB,
  phone_enc    BLOB,
  phone_bidx   BLOB,
  unit_code    TEXT,
  village_code TEXT,
  rank         TEXT NOT NULL CHECK (rank IN ('county', 'section', 'deputy_section', 'ordinary', 'village_member')),
  education    TEXT NOT NULL,
  skills       TEXT NOT NULL,
  title        TEXT NOT NULL,
  unit_head    INTEGER NOT NULL CHECK (unit_head IN (0, 1)),
  -- A village party member belongs to a village; every other cadre to a unit.
  CHECK ((rank = 'village_member') = (village_code IS NOT NULL)),
  CHECK ((rank = 'village_member') = (unit_code IS NULL)),
  PRIMARY KEY (code, county_code),
  FOREIGN KEY (unit_code, county_code) REFERENCES units (code, county_code),
  FOREIGN KEY (village_code, county_code) REFERENCES regions (code, county_code)
) WITHOUT ROWID;
INSERT INTO cadres_new (code, county_code, name, gender, id_enc, id_bidx, phone_enc, phone_bidx, unit_code, village_code, rank, education, skills, title, unit_head)
  SELECT code, county_code, name, gender, id_enc, id_bidx, phone_enc, phone_bidx, unit_code, village_code, rank, education, skills, title, unit_head FROM cadres;
DROP TABLE cadres;
ALTER TABLE cadres_new RENAME TO cadres;
CREATE UNIQUE INDEX cadres_id ON cadres(id_bidx, county_code) WHERE id_bidx IS NOT NULL;
CREATE INDEX cadres_phone ON cadres(phone_bidx) WHERE phone_bidx IS NOT NULL;
CREATE INDEX cadres_unit ON cadres(unit_code);
CREATE INDEX cadres_village ON cadres(village_code);
CREATE UNIQUE INDEX cadres_unit_head ON cadres(unit_code, county_code) WHERE unit_head = 1;

CREATE TABLE households_new (
  code              TEXT NOT NULL,
  county_code       TEXT NOT NULL,
  village_code      TEXT NOT NULL,
  head_name         TEXT NOT NULL CHECK (head_name <> ''),
  head_id_enc       BLOB,
  head_id_bidx      BLOB,
  phone_enc         BLOB,
  phone_bidx        BLOB,
  size              INTEGER NOT NULL CHECK (size >= 1),
  income_per_capita INTEGER NOT NULL,
  housing           TEXT NOT NULL CHECK (housing IN ('safe', 'ordinary', 'dangerous')),
  land_mu           REAL NOT NULL,
  needs             TEXT NOT NULL,
  address           TEXT NOT NULL,
  difficulty        REAL NOT NULL,
  tier              TEXT NOT NULL CHECK (tier IN ('easier', 'harder', 'hardest')),
  PRIMARY KEY (code, county_code),
  FOREIGN KEY (village_code, county_code) REFERENCES regions (code, county_code)
) WITHOUT ROWID;
INSERT INTO households_new (code, county_code, village_code, head_name, head_id_enc, head_id_bidx, phone_enc, phone_bidx, size, income_per_capita, housing, land_mu, needs, address, difficulty, tier)
  SELECT code, county_code, village_code, head_name, head_id_enc, head_id_bidx, phone_enc, phone_bidx, size, income_per_capita, housing, land_mu, needs, address, difficulty, tier FROM households;
DROP TABLE households;
ALTER TABLE households_new RENAME TO households;
CREATE UNIQUE INDEX households_head_id ON households(head_id_bidx, county_code) WHERE head_id_bidx IS NOT NULL;
CREATE INDEX households_phone ON households(phone_bidx) WHERE phone_bidx IS NOT NULL;
CREATE INDEX households_village ON households(village_code);

CREATE TABLE members_new (
  seq            INTEGER PRIMARY KEY,
  id_bidx        BLOB NOT NULL,
  id_enc         BLOB NOT NULL,
  household_code TEXT NOT NULL,
  name           TEXT NOT NULL CHECK (name <> ''),
  relation       TEXT NOT NULL,
  birth_date     TEXT NOT NULL,
  gender         TEXT NOT NULL,
  education      TEXT NOT NULL,
  labour         TEXT NOT NULL,
  health         TEXT NOT NULL,
  disability     TEXT NOT NULL,
  county_code    TEXT NOT NULL,
  UNIQUE (id_bidx, county_code),
  FOREIGN KEY (household_code, county_code) REFERENCES households (code, county_code)
);
INSERT INTO members_new (seq, id_bidx, id_enc, household_code, name, relation, birth_date, gender, education, labour, health, disability, county_code)
  SELECT seq, id_bidx, id_enc, household_code, name, relation, birth_date, gender, education, labour, health, disability, county_code FROM members;
DROP TABLE members;
ALTER TABLE members_new RENAME TO members;
CREATE INDEX members_household ON members(household_code);

CREATE TABLE pairs_new (
  key         TEXT NOT NULL,
  county_code TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('unit_village', 'assistance', 'contact', 'contact_point')),
  holder      TEXT NOT NULL,  -- the unit or cadre
  held        TEXT NOT NULL,  -- the village, household or org
  PRIMARY KEY (key, county_code)
) WITHOUT ROWID;
INSERT INTO pairs_new (key, county_code, kind, holder, held)
  SELECT key, county_code, kind, holder, held FROM pairs;
DROP TABLE pairs;
ALTER TABLE pairs_new RENAME TO pairs;
CREATE INDEX pairs_held ON pairs(kind, held);
CREATE INDEX pairs_holder ON pairs(kind, holder);

CREATE TABLE pins_new (
  key         TEXT NOT NULL,
  county_code TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('unit_village', 'assistance', 'contact', 'contact_point')),
  holder      TEXT NOT NULL,
  held        TEXT NOT NULL,
  reason      TEXT NOT NULL CHECK (reason <> ''),
  PRIMARY KEY (key, county_code)
) WITHOUT ROWID;
INSERT INTO pins_new (key, county_code, kind, holder, held, reason)
  SELECT key, county_code, kind, holder, held, reason FROM pins;
DROP TABLE pins;
ALTER TABLE pins_new RENAME TO pins;

CREATE TABLE pair_history_new (
  seq         INTEGER NOT NULL,
  county_code TEXT NOT NULL,
  kind        TEXT NOT NULL,
  held        TEXT NOT NULL,
  from_holder TEXT NOT NULL,
  to_holder   TEXT NOT NULL,
  reason      TEXT NOT NULL,
  at_millis   INTEGER NOT NULL,
  PRIMARY KEY (seq, county_code)
) WITHOUT ROWID;
INSERT INTO pair_history_new (seq, county_code, kind, held, from_holder, to_holder, reason, at_millis)
  SELECT seq, county_code, kind, held, from_holder, to_holder, reason, at_millis FROM pair_history;
DROP TABLE pair_history;
ALTER TABLE pair_history_new RENAME TO pair_history;
CREATE INDEX pair_history_held ON pair_history(kind, held);

CREATE TABLE pairing_uncovered_new (
  key         TEXT NOT NULL,  -- pairing|kind|id
  county_code TEXT NOT NULL,
  pairing     TEXT NOT NULL CHECK (pairing IN ('unit_village', 'assistance', 'contact', 'contact_point')),
  kind        TEXT NOT NULL CHECK (kind IN ('village', 'household', 'cadre', 'weak_branch', 'pin')),
  id          TEXT NOT NULL,
  reason      TEXT NOT NULL,
  PRIMARY KEY (key, county_code)
) WITHOUT ROWID;
INSERT INTO pairing_uncovered_new (key, county_code, pairing, kind, id, reason)
  SELECT key, county_code, pairing, kind, id, reason FROM pairing_uncovered;
DROP TABLE pairing_uncovered;
ALTER TABLE pairing_uncovered_new RENAME TO pairing_uncovered;
CREATE INDEX pairing_uncovered_county ON pairing_uncovered(county_code);

CREATE TABLE tasks_new (
  key            TEXT NOT NULL,  -- household|cadre|need
  county_code    TEXT NOT NULL,
  household_code TEXT NOT NULL,
  cadre_code     TEXT NOT NULL,
  need           TEXT NOT NULL,
  task           TEXT NOT NULL,
  target         TEXT NOT NULL,
  deadline       TEXT NOT NULL,  -- YYYY-MM-DD, in the county's time zone
  level          TEXT NOT NULL CHECK (level IN ('major', 'normal')),
  status         TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
  progress       INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
  notes          TEXT NOT NULL,
  PRIMARY KEY (key, county_code),
  FOREIGN KEY (household_code, county_code) REFERENCES households (code, county_code),
  FOREIGN KEY (cadre_code, county_code) REFERENCES cadres (code, county_code)
) WITHOUT ROWID;
INSERT INTO tasks_new (key, county_code, household_code, cadre_code, need, task, target, deadline, level, status, progress, notes)
  SELECT key, county_code, household_code, cadre_code, need, task, target, deadline, level, status, progress, notes FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_new RENAME TO tasks;
CREATE INDEX tasks_household ON tasks(household_code);
CREATE INDEX tasks_cadre ON tasks(cadre_code);

CREATE TABLE visits_new (
  id              TEXT NOT NULL,  -- V + 16 hex digits, random: no personal data
  county_code     TEXT NOT NULL,
  cadre_code      TEXT NOT NULL,
  household_code  TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('home_visit', 'talk', 'reception', 'stay', 'shared_labour', 'phone', 'by_proxy')),
  visited_on      TEXT NOT NULL,  -- YYYY-MM-DD, in the county's time zone
  heard           TEXT NOT NULL,  -- 听到了什么
  promised        TEXT NOT NULL,  -- 答应了什么
  confirmed       INTEGER NOT NULL CHECK (confirmed IN (0, 1)),  -- by the household, with its card code
  recorded_by     TEXT NOT NULL,  -- the account that logged it
  recorded_millis INTEGER NOT NULL,
  PRIMARY KEY (id, county_code),
  FOREIGN KEY (cadre_code, county_code) REFERENCES cadres (code, county_code),
  FOREIGN KEY (household_code, county_code) REFERENCES households (code, county_code)
) WITHOUT ROWID;
INSERT INTO visits_new (id, county_code, cadre_code, household_code, kind, visited_on, heard, promised, confirmed, recorded_by, recorded_millis)
  SELECT id, county_code, cadre_code, household_code, kind, visited_on, heard, promised, confirmed, recorded_by, recorded_millis FROM visits;
DROP TABLE visits;
ALTER TABLE visits_new RENAME TO visits;
CREATE INDEX visits_household ON visits(household_code, visited_on);
CREATE INDEX visits_cadre ON visits(cadre_code, visited_on);

CREATE TABLE appeals_new (
  id                TEXT NOT NULL,  -- A + 16 hex digits, random: no personal data
  county_code       TEXT NOT NULL,
  household_code    TEXT,  -- NULL: a report with no household (Open311)
  channel           TEXT NOT NULL CHECK (channel IN ('card', 'visit', 'reception', 'operator', 'open311')),
  type              TEXT NOT NULL CHECK (type IN ('inquiry', 'help', 'complaint', 'report', 'suggestion')),
  topic             TEXT NOT NULL,  -- a code of [[appeals.topics]]
  urgency           TEXT NOT NULL CHECK (urgency IN ('emergency', 'urgent', 'general', 'complex')),
  content           TEXT NOT NULL,
  state             TEXT NOT NULL CHECK (state IN ('received', 'dispatched', 'handling', 'replied', 'closed', 'rated')),
  handler           TEXT NOT NULL,  -- a cadre, unit or region code; '' while 受理
  handler_kind      TEXT NOT NULL CHECK (handler_kind IN ('cadre', 'unit', 'region')),
  cadre_code        TEXT NOT NULL,  -- the household's contact cadre when filed ('' none): rates count for it
  unit_code         TEXT NOT NULL,  -- that cadre's unit ('' none)
  region_code       TEXT NOT NULL,  -- the household's village; the county for a report without one
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
  township_code     TEXT NOT NULL,  -- the village's township (its 9 digits and 000); '' for the county's own
  PRIMARY KEY (id, county_code),
  FOREIGN KEY (household_code, county_code) REFERENCES households (code, county_code)
) WITHOUT ROWID;
INSERT INTO appeals_new (id, county_code, household_code, channel, type, topic, urgency, content, state, handler, handler_kind, cadre_code, unit_code, region_code, received_millis, dispatched_millis, signed_millis, replied_millis, closed_millis, deadline_millis, extended, returns, reminders, in_bulletin, reopened, solved, satisfaction, reply, overdue_noticed, township_code)
  SELECT id, county_code, household_code, channel, type, topic, urgency, content, state, handler, handler_kind, cadre_code, unit_code, region_code, received_millis, dispatched_millis, signed_millis, replied_millis, closed_millis, deadline_millis, extended, returns, reminders, in_bulletin, reopened, solved, satisfaction, reply, overdue_noticed, township_code FROM appeals;
DROP TABLE appeals;
ALTER TABLE appeals_new RENAME TO appeals;
CREATE INDEX appeals_handler ON appeals(handler, deadline_millis);
CREATE INDEX appeals_cadre ON appeals(cadre_code, deadline_millis);
CREATE INDEX appeals_unit ON appeals(unit_code, deadline_millis);
CREATE INDEX appeals_county_open ON appeals(county_code, deadline_millis)
  WHERE state NOT IN ('closed', 'rated');
CREATE INDEX appeals_township_open ON appeals(township_code, deadline_millis)
  WHERE state NOT IN ('closed', 'rated');
CREATE INDEX appeals_region_open ON appeals(region_code, deadline_millis)
  WHERE state NOT IN ('closed', 'rated');
CREATE INDEX appeals_received ON appeals(received_millis, id);
CREATE INDEX appeals_household ON appeals(household_code, received_millis);

CREATE TABLE appeal_steps_new (
  id          TEXT NOT NULL,  -- the appeal's id, '-' and the step's number in 4 digits
  county_code TEXT NOT NULL,
  appeal_id   TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  action      TEXT NOT NULL,  -- file, or an action: dispatch, return, sign, …
  at_millis   INTEGER NOT NULL,
  actor       TEXT NOT NULL,  -- the account, "public" for the household's card, "system"
  handler     TEXT NOT NULL,  -- who holds it after the step
  note        TEXT NOT NULL,  -- the reason, the answer, the rating
  state       TEXT NOT NULL,  -- the state after the step
  UNIQUE (appeal_id, seq, county_code),
  PRIMARY KEY (id, county_code),
  FOREIGN KEY (appeal_id, county_code) REFERENCES appeals (id, county_code)
) WITHOUT ROWID;
INSERT INTO appeal_steps_new (id, county_code, appeal_id, seq, action, at_millis, actor, handler, note, state)
  SELECT id, county_code, appeal_id, seq, action, at_millis, actor, handler, note, state FROM appeal_steps;
DROP TABLE appeal_steps;
ALTER TABLE appeal_steps_new RENAME TO appeal_steps;

CREATE TABLE cards_new (
  code_bidx      BLOB NOT NULL,  -- FieldCipher::BlindIndex("card", code)
  county_code    TEXT NOT NULL,
  household_code TEXT NOT NULL,
  issued_millis  INTEGER NOT NULL,
  expires_millis INTEGER NOT NULL,
  revoked_millis INTEGER NOT NULL,  -- 0: in force
  PRIMARY KEY (code_bidx, county_code),
  FOREIGN KEY (household_code, county_code) REFERENCES households (code, county_code)
) WITHOUT ROWID;
INSERT INTO cards_new (code_bidx, county_code, household_code, issued_millis, expires_millis, revoked_millis)
  SELECT code_bidx, county_code, household_code, issued_millis, expires_millis, revoked_millis FROM cards;
DROP TABLE cards;
ALTER TABLE cards_new RENAME TO cards;
CREATE INDEX cards_household ON cards(household_code, revoked_millis);

CREATE TABLE decisions_new (
  id           TEXT NOT NULL,  -- D + 16 hex digits
  county_code  TEXT NOT NULL,
  meeting      TEXT NOT NULL,  -- 会议名称
  meeting_date TEXT NOT NULL,  -- YYYY-MM-DD
  decision     TEXT NOT NULL,  -- 决定事项
  handler      TEXT NOT NULL,
  supervisor   TEXT NOT NULL,
  deadline     TEXT NOT NULL,  -- YYYY-MM-DD
  level        TEXT NOT NULL CHECK (level IN ('major', 'normal')),
  status       TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
  progress     INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
  notes        TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  PRIMARY KEY (id, county_code),
  FOREIGN KEY (handler, county_code) REFERENCES cadres (code, county_code),
  FOREIGN KEY (supervisor, county_code) REFERENCES units (code, county_code)
) WITHOUT ROWID;
INSERT INTO decisions_new (id, county_code, meeting, meeting_date, decision, handler, supervisor, deadline, level, status, progress, notes, created_by)
  SELECT id, county_code, meeting, meeting_date, decision, handler, supervisor, deadline, level, status, progress, notes, created_by FROM decisions;
DROP TABLE decisions;
ALTER TABLE decisions_new RENAME TO decisions;
CREATE INDEX decisions_handler ON decisions(handler, deadline);
CREATE INDEX decisions_supervisor ON decisions(supervisor, deadline);

CREATE TABLE notices_new (
  id               TEXT NOT NULL,  -- region code ":" month
  county_code      TEXT NOT NULL,
  region_code      TEXT NOT NULL,
  month            TEXT NOT NULL,  -- YYYY-MM
  title            TEXT NOT NULL,
  journal_seq      INTEGER NOT NULL,
  journal_hash     TEXT NOT NULL,  -- hex
  figures          TEXT NOT NULL,  -- JSON (oversight/notice.hpp)
  digest           TEXT NOT NULL,  -- BLAKE2b-256 of figures, hex
  published_millis INTEGER NOT NULL,
  published_by     TEXT NOT NULL,
  PRIMARY KEY (id, county_code),
  FOREIGN KEY (region_code, county_code) REFERENCES regions (code, county_code)
) WITHOUT ROWID;
INSERT INTO notices_new (id, county_code, region_code, month, title, journal_seq, journal_hash, figures, digest, published_millis, published_by)
  SELECT id, county_code, region_code, month, title, journal_seq, journal_hash, figures, digest, published_millis, published_by FROM notices;
DROP TABLE notices;
ALTER TABLE notices_new RENAME TO notices;
CREATE INDEX notices_region ON notices(region_code, month);

CREATE TABLE inspections_new (
  id                     TEXT NOT NULL,  -- I + 16 hex digits
  county_code            TEXT NOT NULL,
  region_code            TEXT NOT NULL,
  month                  TEXT NOT NULL,  -- YYYY-MM
  seed                   TEXT NOT NULL,  -- published before the draw
  villages_per_township  INTEGER NOT NULL,
  households_per_village INTEGER NOT NULL,
  state                  TEXT NOT NULL CHECK (state IN ('open', 'closed')),
  opened_by              TEXT NOT NULL,
  opened_millis          INTEGER NOT NULL,
  closed_millis          INTEGER NOT NULL,  -- 0 while open
  PRIMARY KEY (id, county_code),
  FOREIGN KEY (region_code, county_code) REFERENCES regions (code, county_code)
) WITHOUT ROWID;
INSERT INTO inspections_new (id, county_code, region_code, month, seed, villages_per_township, households_per_village, state, opened_by, opened_millis, closed_millis)
  SELECT id, county_code, region_code, month, seed, villages_per_township, households_per_village, state, opened_by, opened_millis, closed_millis FROM inspections;
DROP TABLE inspections;
ALTER TABLE inspections_new RENAME TO inspections;
CREATE INDEX inspections_region ON inspections(region_code, month);

CREATE TABLE inspection_checks_new (
  key             TEXT NOT NULL,  -- inspection id "|" household code
  county_code     TEXT NOT NULL,
  inspection_id   TEXT NOT NULL,
  household_code  TEXT NOT NULL,
  village_code    TEXT NOT NULL,
  cadre_code      TEXT NOT NULL,  -- the household's contact cadre when drawn ('' none)
  checked         INTEGER NOT NULL CHECK (checked IN (0, 1)),
  knows_cadre     INTEGER NOT NULL CHECK (knows_cadre IN (0, 1)),
  visits          TEXT NOT NULL,  -- '' | yes | partly | no | none_logged
  satisfaction    TEXT NOT NULL,  -- '' | satisfied | basically_satisfied | unsatisfied
  findings        TEXT NOT NULL,
  task_key        TEXT NOT NULL,  -- the task a finding became ('' none)
  checked_by      TEXT NOT NULL,
  checked_millis  INTEGER NOT NULL,
  PRIMARY KEY (key, county_code),
  FOREIGN KEY (inspection_id, county_code) REFERENCES inspections (id, county_code),
  FOREIGN KEY (household_code, county_code) REFERENCES households (code, county_code)
) WITHOUT ROWID;
INSERT INTO inspection_checks_new (key, county_code, inspection_id, household_code, village_code, cadre_code, checked, knows_cadre, visits, satisfaction, findings, task_key, checked_by, checked_millis)
  SELECT key, county_code, inspection_id, household_code, village_code, cadre_code, checked, knows_cadre, visits, satisfaction, findings, task_key, checked_by, checked_millis FROM inspection_checks;
DROP TABLE inspection_checks;
ALTER TABLE inspection_checks_new RENAME TO inspection_checks;
CREATE INDEX inspection_checks_inspection ON inspection_checks(inspection_id);

CREATE TABLE callbacks_new (
  visit_id       TEXT NOT NULL,
  county_code    TEXT NOT NULL,
  month          TEXT NOT NULL,  -- YYYY-MM the draw was for
  seed           TEXT NOT NULL,
  cadre_code     TEXT NOT NULL,
  household_code TEXT NOT NULL,
  visited_on     TEXT NOT NULL,
  kind           TEXT NOT NULL,
  outcome        TEXT NOT NULL CHECK (outcome IN ('pending', 'confirmed', 'denied', 'unreachable')),
  note           TEXT NOT NULL,
  checked_by     TEXT NOT NULL,
  drawn_millis   INTEGER NOT NULL,
  checked_millis INTEGER NOT NULL,
  PRIMARY KEY (visit_id, county_code),
  FOREIGN KEY (visit_id, county_code) REFERENCES visits (id, county_code)
) WITHOUT ROWID;
INSERT INTO callbacks_new (visit_id, county_code, month, seed, cadre_code, household_code, visited_on, kind, outcome, note, checked_by, drawn_millis, checked_millis)
  SELECT visit_id, county_code, month, seed, cadre_code, household_code, visited_on, kind, outcome, note, checked_by, drawn_millis, checked_millis FROM callbacks;
DROP TABLE callbacks;
ALTER TABLE callbacks_new RENAME TO callbacks;
CREATE INDEX callbacks_month ON callbacks(month, cadre_code);

CREATE TABLE ratings_new (
  key            TEXT NOT NULL,  -- household "|" cadre "|" year
  county_code    TEXT NOT NULL,
  household_code TEXT NOT NULL,
  cadre_code     TEXT NOT NULL,
  year           INTEGER NOT NULL,
  satisfaction   TEXT NOT NULL CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
  rated_millis   INTEGER NOT NULL,
  PRIMARY KEY (key, county_code),
  FOREIGN KEY (household_code, county_code) REFERENCES households (code, county_code),
  FOREIGN KEY (cadre_code, county_code) REFERENCES cadres (code, county_code)
) WITHOUT ROWID;
INSERT INTO ratings_new (key, county_code, household_code, cadre_code, year, satisfaction, rated_millis)
  SELECT key, county_code, household_code, cadre_code, year, satisfaction, rated_millis FROM ratings;
DROP TABLE ratings;
ALTER TABLE ratings_new RENAME TO ratings;
CREATE INDEX ratings_cadre ON ratings(cadre_code, year);
CREATE INDEX ratings_household ON ratings(household_code, year);

CREATE TABLE ledger_calendar_new (
  key          TEXT NOT NULL,  -- county code "|" YYYY-MM
  county_code  TEXT NOT NULL,
  month        TEXT NOT NULL,
  no_meeting   INTEGER NOT NULL CHECK (no_meeting IN (0, 1)),  -- 0: the mark was taken back
  note         TEXT NOT NULL,
  set_by       TEXT NOT NULL,
  set_millis   INTEGER NOT NULL,
  PRIMARY KEY (key, county_code),
  FOREIGN KEY (county_code, county_code) REFERENCES regions (code, county_code)
) WITHOUT ROWID;
INSERT INTO ledger_calendar_new (key, county_code, month, no_meeting, note, set_by, set_millis)
  SELECT key, county_code, month, no_meeting, note, set_by, set_millis FROM ledger_calendar;
DROP TABLE ledger_calendar;
ALTER TABLE ledger_calendar_new RENAME TO ledger_calendar;

CREATE TABLE ledger_meetings_new (
  id              TEXT NOT NULL,  -- M + 16 hex digits
  county_code     TEXT NOT NULL,
  region_code     TEXT NOT NULL,
  unit_code       TEXT NOT NULL,  -- '' for a township's own
  held_on         TEXT NOT NULL,  -- YYYY-MM-DD
  title           TEXT NOT NULL,
  minutes         INTEGER NOT NULL CHECK (minutes >= 0),
  attendees       INTEGER NOT NULL CHECK (attendees >= 0),
  cost_fen        INTEGER NOT NULL CHECK (cost_fen >= 0),
  approved_by     TEXT NOT NULL,
  exempt          INTEGER NOT NULL CHECK (exempt IN (0, 1)),
  exempt_reason   TEXT NOT NULL,
  corrects        TEXT NOT NULL,  -- '' none
  recorded_by     TEXT NOT NULL,
  recorded_millis INTEGER NOT NULL,
  PRIMARY KEY (id, county_code),
  FOREIGN KEY (region_code, county_code) REFERENCES regions (code, county_code)
) WITHOUT ROWID;
INSERT INTO ledger_meetings_new (id, county_code, region_code, unit_code, held_on, title, minutes, attendees, cost_fen, approved_by, exempt, exempt_reason, corrects, recorded_by, recorded_millis)
  SELECT id, county_code, region_code, unit_code, held_on, title, minutes, attendees, cost_fen, approved_by, exempt, exempt_reason, corrects, recorded_by, recorded_millis FROM ledger_meetings;
DROP TABLE ledger_meetings;
ALTER TABLE ledger_meetings_new RENAME TO ledger_meetings;
CREATE INDEX ledger_meetings_region ON ledger_meetings(region_code, held_on);
CREATE INDEX ledger_meetings_corrects ON ledger_meetings(corrects);

CREATE TABLE ledger_receptions_new (
  id              TEXT NOT NULL,  -- R + 16 hex digits
  county_code     TEXT NOT NULL,
  region_code     TEXT NOT NULL,
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
  breaches        TEXT NOT NULL,  -- JSON: [{item, what, rule}] as found when kept
  corrects        TEXT NOT NULL,
  recorded_by     TEXT NOT NULL,
  recorded_millis INTEGER NOT NULL,
  PRIMARY KEY (id, county_code),
  FOREIGN KEY (region_code, county_code) REFERENCES regions (code, county_code)
) WITHOUT ROWID;
INSERT INTO ledger_receptions_new (id, county_code, region_code, unit_code, received_on, visitors, purpose, reported_to, companions, meal_people, meal_fen, banquet, banners, welcome_crowds, carpets, flowers, breaches, corrects, recorded_by, recorded_millis)
  SELECT id, county_code, region_code, unit_code, received_on, visitors, purpose, reported_to, companions, meal_people, meal_fen, banquet, banners, welcome_crowds, carpets, flowers, breaches, corrects, recorded_by, recorded_millis FROM ledger_receptions;
DROP TABLE ledger_receptions;
ALTER TABLE ledger_receptions_new RENAME TO ledger_receptions;
CREATE INDEX ledger_receptions_region ON ledger_receptions(region_code, received_on);
CREATE INDEX ledger_receptions_corrects ON ledger_receptions(corrects);

CREATE TABLE ledger_expenses_new (
  id              TEXT NOT NULL,  -- E + 16 hex digits
  county_code     TEXT NOT NULL,
  region_code     TEXT NOT NULL,
  unit_code       TEXT NOT NULL,
  spent_on        TEXT NOT NULL,
  budget_line     TEXT NOT NULL CHECK (budget_line IN
                    ('meeting', 'reception', 'vehicle', 'travel', 'training', 'overseas', 'other')),
  item            TEXT NOT NULL,
  amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
  meeting_id      TEXT NOT NULL,  -- '' none
  reception_id    TEXT NOT NULL,  -- '' none
  corrects        TEXT NOT NULL,
  recorded_by     TEXT NOT NULL,
  recorded_millis INTEGER NOT NULL,
  PRIMARY KEY (id, county_code),
  FOREIGN KEY (region_code, county_code) REFERENCES regions (code, county_code)
) WITHOUT ROWID;
INSERT INTO ledger_expenses_new (id, county_code, region_code, unit_code, spent_on, budget_line, item, amount_fen, meeting_id, reception_id, corrects, recorded_by, recorded_millis)
  SELECT id, county_code, region_code, unit_code, spent_on, budget_line, item, amount_fen, meeting_id, reception_id, corrects, recorded_by, recorded_millis FROM ledger_expenses;
DROP TABLE ledger_expenses;
ALTER TABLE ledger_expenses_new RENAME TO ledger_expenses;
CREATE INDEX ledger_expenses_region ON ledger_expenses(region_code, spent_on);
CREATE INDEX ledger_expenses_corrects ON ledger_expenses(corrects);

-- @postgres
ALTER TABLE regions DROP CONSTRAINT regions_pkey CASCADE;
ALTER TABLE units DROP CONSTRAINT units_pkey CASCADE;
ALTER TABLE orgs DROP CONSTRAINT orgs_pkey CASCADE;
ALTER TABLE cadres DROP CONSTRAINT cadres_pkey CASCADE;
ALTER TABLE households DROP CONSTRAINT households_pkey CASCADE;
ALTER TABLE members DROP CONSTRAINT members_pkey CASCADE;
ALTER TABLE pairs DROP CONSTRAINT pairs_pkey CASCADE;
ALTER TABLE pins DROP CONSTRAINT pins_pkey CASCADE;
ALTER TABLE pair_history DROP CONSTRAINT pair_history_pkey CASCADE;
ALTER TABLE pairing_uncovered DROP CONSTRAINT pairing_uncovered_pkey CASCADE;
ALTER TABLE tasks DROP CONSTRAINT tasks_pkey CASCADE;
ALTER TABLE visits DROP CONSTRAINT visits_pkey CASCADE;
ALTER TABLE appeals DROP CONSTRAINT appeals_pkey CASCADE;
ALTER TABLE appeal_steps DROP CONSTRAINT appeal_steps_pkey CASCADE;
ALTER TABLE cards DROP CONSTRAINT cards_pkey CASCADE;
ALTER TABLE decisions DROP CONSTRAINT decisions_pkey CASCADE;
ALTER TABLE notices DROP CONSTRAINT notices_pkey CASCADE;
ALTER TABLE inspections DROP CONSTRAINT inspections_pkey CASCADE;
ALTER TABLE inspection_checks DROP CONSTRAINT inspection_checks_pkey CASCADE;
ALTER TABLE callbacks DROP CONSTRAINT callbacks_pkey CASCADE;
ALTER TABLE ratings DROP CONSTRAINT ratings_pkey CASCADE;
ALTER TABLE ledger_calendar DROP CONSTRAINT ledger_calendar_pkey CASCADE;
ALTER TABLE ledger_meetings DROP CONSTRAINT ledger_meetings_pkey CASCADE;
ALTER TABLE ledger_receptions DROP CONSTRAINT ledger_receptions_pkey CASCADE;
ALTER TABLE ledger_expenses DROP CONSTRAINT ledger_expenses_pkey CASCADE;
ALTER TABLE members DROP CONSTRAINT members_id_bidx_key;
ALTER TABLE appeal_steps DROP CONSTRAINT appeal_steps_appeal_id_seq_key;
DROP INDEX cadres_id, cadres_unit_head, households_head_id;
ALTER TABLE regions ADD PRIMARY KEY (code, county_code);
ALTER TABLE units ADD PRIMARY KEY (code, county_code);
ALTER TABLE orgs ADD PRIMARY KEY (code, county_code);
ALTER TABLE cadres ADD PRIMARY KEY (code, county_code);
ALTER TABLE households ADD PRIMARY KEY (code, county_code);
ALTER TABLE members ADD PRIMARY KEY (seq, county_code);
ALTER TABLE pairs ADD PRIMARY KEY (key, county_code);
ALTER TABLE pins ADD PRIMARY KEY (key, county_code);
ALTER TABLE pair_history ADD PRIMARY KEY (seq, county_code);
ALTER TABLE pairing_uncovered ADD PRIMARY KEY (key, county_code);
ALTER TABLE tasks ADD PRIMARY KEY (key, county_code);
ALTER TABLE visits ADD PRIMARY KEY (id, county_code);
ALTER TABLE appeals ADD PRIMARY KEY (id, county_code);
ALTER TABLE appeal_steps ADD PRIMARY KEY (id, county_code);
ALTER TABLE cards ADD PRIMARY KEY (code_bidx, county_code);
ALTER TABLE decisions ADD PRIMARY KEY (id, county_code);
ALTER TABLE notices ADD PRIMARY KEY (id, county_code);
ALTER TABLE inspections ADD PRIMARY KEY (id, county_code);
ALTER TABLE inspection_checks ADD PRIMARY KEY (key, county_code);
ALTER TABLE callbacks ADD PRIMARY KEY (visit_id, county_code);
ALTER TABLE ratings ADD PRIMARY KEY (key, county_code);
ALTER TABLE ledger_calendar ADD PRIMARY KEY (key, county_code);
ALTER TABLE ledger_meetings ADD PRIMARY KEY (id, county_code);
ALTER TABLE ledger_receptions ADD PRIMARY KEY (id, county_code);
ALTER TABLE ledger_expenses ADD PRIMARY KEY (id, county_code);
ALTER TABLE members ADD UNIQUE (id_bidx, county_code);
ALTER TABLE appeal_steps ADD UNIQUE (appeal_id, seq, county_code);
CREATE UNIQUE INDEX cadres_id ON cadres(id_bidx, county_code) WHERE id_bidx IS NOT NULL;
CREATE UNIQUE INDEX cadres_unit_head ON cadres(unit_code, county_code) WHERE unit_head = 1;
CREATE UNIQUE INDEX households_head_id ON households(head_id_bidx, county_code) WHERE head_id_bidx IS NOT NULL;
ALTER TABLE regions ADD FOREIGN KEY (parent_code, county_code) REFERENCES regions (code, county_code);
ALTER TABLE units ADD FOREIGN KEY (county_code, county_code) REFERENCES regions (code, county_code);
ALTER TABLE orgs ADD FOREIGN KEY (region_code, county_code) REFERENCES regions (code, county_code);
ALTER TABLE cadres ADD FOREIGN KEY (unit_code, county_code) REFERENCES units (code, county_code);
ALTER TABLE cadres ADD FOREIGN KEY (village_code, county_code) REFERENCES regions (code, county_code);
ALTER TABLE households ADD FOREIGN KEY (village_code, county_code) REFERENCES regions (code, county_code);
ALTER TABLE members ADD FOREIGN KEY (household_code, county_code) REFERENCES households (code, county_code);
ALTER TABLE tasks ADD FOREIGN KEY (household_code, county_code) REFERENCES households (code, county_code);
ALTER TABLE tasks ADD FOREIGN KEY (cadre_code, county_code) REFERENCES cadres (code, county_code);
ALTER TABLE visits ADD FOREIGN KEY (cadre_code, county_code) REFERENCES cadres (code, county_code);
ALTER TABLE visits ADD FOREIGN KEY (household_code, county_code) REFERENCES households (code, county_code);
ALTER TABLE appeals ADD FOREIGN KEY (household_code, county_code) REFERENCES households (code, county_code);
ALTER TABLE appeal_steps ADD FOREIGN KEY (appeal_id, county_code) REFERENCES appeals (id, county_code);
ALTER TABLE cards ADD FOREIGN KEY (household_code, county_code) REFERENCES households (code, county_code);
ALTER TABLE decisions ADD FOREIGN KEY (handler, county_code) REFERENCES cadres (code, county_code);
ALTER TABLE decisions ADD FOREIGN KEY (supervisor, county_code) REFERENCES units (code, county_code);
ALTER TABLE notices ADD FOREIGN KEY (region_code, county_code) REFERENCES regions (code, county_code);
ALTER TABLE inspections ADD FOREIGN KEY (region_code, county_code) REFERENCES regions (code, county_code);
ALTER TABLE inspection_checks ADD FOREIGN KEY (inspection_id, county_code) REFERENCES inspections (id, county_code);
ALTER TABLE inspection_checks ADD FOREIGN KEY (household_code, county_code) REFERENCES households (code, county_code);
ALTER TABLE callbacks ADD FOREIGN KEY (visit_id, county_code) REFERENCES visits (id, county_code);
ALTER TABLE ratings ADD FOREIGN KEY (household_code, county_code) REFERENCES households (code, county_code);
ALTER TABLE ratings ADD FOREIGN KEY (cadre_code, county_code) REFERENCES cadres (code, county_code);
ALTER TABLE ledger_calendar ADD FOREIGN KEY (county_code, county_code) REFERENCES regions (code, county_code);
ALTER TABLE ledger_meetings ADD FOREIGN KEY (region_code, county_code) REFERENCES regions (code, county_code);
ALTER TABLE ledger_receptions ADD FOREIGN KEY (region_code, county_code) REFERENCES regions (code, county_code);
ALTER TABLE ledger_expenses ADD FOREIGN KEY (region_code, county_code) REFERENCES regions (code, county_code);
-- @end
