-- The registry of PRODUCT.md §1 and the write journal.
-- Every table carries county_code so a Citus cluster can distribute by it.
-- Sensitive columns hold ciphertext (*_enc) and a keyed blind index (*_bidx).

CREATE TABLE regions (
  code        TEXT PRIMARY KEY,
  name        TEXT NOT NULL CHECK (name <> ''),
  level       TEXT NOT NULL CHECK (level IN ('county', 'township', 'village', 'grid')),
  parent_code TEXT REFERENCES regions(code),
  county_code TEXT NOT NULL,
  CHECK ((level = 'county') = (parent_code IS NULL))
) WITHOUT ROWID;
CREATE INDEX regions_parent ON regions(parent_code);

CREATE TABLE units (
  code        TEXT PRIMARY KEY,
  name        TEXT NOT NULL CHECK (name <> ''),
  county_code TEXT NOT NULL REFERENCES regions(code),
  staff       INTEGER NOT NULL CHECK (staff >= 0),
  strength    TEXT NOT NULL CHECK (strength IN ('strong', 'medium', 'weak'))
) WITHOUT ROWID;

CREATE TABLE orgs (
  code        TEXT PRIMARY KEY,
  name        TEXT NOT NULL CHECK (name <> ''),
  kind        TEXT NOT NULL CHECK (kind IN ('village_branch', 'non_public', 'social')),
  region_code TEXT NOT NULL REFERENCES regions(code),
  rating      TEXT NOT NULL CHECK (rating IN ('good', 'fair', 'average', 'weak')),
  county_code TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX orgs_region ON orgs(region_code);

CREATE TABLE cadres (
  code         TEXT PRIMARY KEY,
  name         TEXT NOT NULL CHECK (name <> ''),
  gender       TEXT NOT NULL,
  id_enc       BLOB,
  id_bidx      BLOB,
  phone_enc    BLOB,
  phone_bidx   BLOB,
  unit_code    TEXT REFERENCES units(code),
  village_code TEXT REFERENCES regions(code),
  rank         TEXT NOT NULL CHECK (rank IN ('county', 'section', 'deputy_section', 'ordinary', 'village_member')),
  education    TEXT NOT NULL,
  skills       TEXT NOT NULL,
  title        TEXT NOT NULL,
  unit_head    INTEGER NOT NULL CHECK (unit_head IN (0, 1)),
  county_code  TEXT NOT NULL,
  -- A village party member belongs to a village; every other cadre to a unit.
  CHECK ((rank = 'village_member') = (village_code IS NOT NULL)),
  CHECK ((rank = 'village_member') = (unit_code IS NULL))
) WITHOUT ROWID;
CREATE UNIQUE INDEX cadres_id ON cadres(id_bidx) WHERE id_bidx IS NOT NULL;
CREATE INDEX cadres_phone ON cadres(phone_bidx) WHERE phone_bidx IS NOT NULL;
CREATE INDEX cadres_unit ON cadres(unit_code);
CREATE INDEX cadres_village ON cadres(village_code);
-- 由单位一把手任组长: one head per unit.
CREATE UNIQUE INDEX cadres_unit_head ON cadres(unit_code) WHERE unit_head = 1;

CREATE TABLE households (
  code              TEXT PRIMARY KEY,
  village_code      TEXT NOT NULL REFERENCES regions(code),
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
  county_code       TEXT NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX households_head_id ON households(head_id_bidx) WHERE head_id_bidx IS NOT NULL;
CREATE INDEX households_phone ON households(phone_bidx) WHERE phone_bidx IS NOT NULL;
CREATE INDEX households_village ON households(village_code);

CREATE TABLE members (
  seq            INTEGER PRIMARY KEY,
  id_bidx        BLOB NOT NULL UNIQUE,
  id_enc         BLOB NOT NULL,
  household_code TEXT NOT NULL REFERENCES households(code),
  name           TEXT NOT NULL CHECK (name <> ''),
  relation       TEXT NOT NULL,
  birth_date     TEXT NOT NULL,
  gender         TEXT NOT NULL,
  education      TEXT NOT NULL,
  labour         TEXT NOT NULL,
  health         TEXT NOT NULL,
  disability     TEXT NOT NULL,
  county_code    TEXT NOT NULL
);
CREATE INDEX members_household ON members(household_code);

-- The append-only, hash-chained journal: hash = BLAKE2b(prev_hash ‖ fields).
CREATE TABLE journal (
  seq        INTEGER PRIMARY KEY,
  at_millis  INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  entity     TEXT NOT NULL,
  entity_key TEXT NOT NULL,
  before     TEXT NOT NULL,
  after      TEXT NOT NULL,
  prev_hash  BLOB NOT NULL,
  hash       BLOB NOT NULL
);
-- @sqlite
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
  BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
  BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
-- @postgres
CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS
  'BEGIN RAISE EXCEPTION ''the journal is append-only''; END';
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
  FOR EACH ROW EXECUTE PROCEDURE journal_append_only();
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
  FOR EACH ROW EXECUTE PROCEDURE journal_append_only();
CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal
  FOR EACH STATEMENT EXECUTE PROCEDURE journal_append_only();
-- @end
