// Makes the peer's own SQLite file from the demo county (bench/http runs it):
//   node load.js LIANXIN_DB HOUSEHOLDS_CSV MEMBERS_CSV OUT_DB
// The regions come straight from the Lianxin database (ATTACH); households and
// members from `lianxin export --reveal` CSVs, since the peer keeps ID numbers
// and phones in plain text and masks them when it answers (it has no key).
'use strict';

const fs = require('node:fs');
const Database = require('better-sqlite3');

const [lianxinDb, householdsCsv, membersCsv, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node load.js LIANXIN_DB HOUSEHOLDS_CSV MEMBERS_CSV OUT_DB');
  process.exit(2);
}
for (const suffix of ['', '-wal', '-shm']) fs.rmSync(out + suffix, { force: true });

// RFC 4180, enough for the export's files (UTF-8 with a BOM).
function* csvRows(path) {
  const text = fs.readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      yield row; row = [];
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); yield row; }
}

const db = new Database(out);
db.pragma('journal_mode = WAL');
db.exec(`
CREATE TABLE regions (
  code        TEXT PRIMARY KEY,
  name        TEXT NOT NULL CHECK (name <> ''),
  level       TEXT NOT NULL CHECK (level IN ('county', 'township', 'village', 'grid')),
  parent_code TEXT REFERENCES regions(code),
  county_code TEXT NOT NULL,
  CHECK ((level = 'county') = (parent_code IS NULL))
) WITHOUT ROWID;
CREATE INDEX regions_parent ON regions(parent_code);
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
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
  BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
  BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE INDEX journal_entity_seq ON journal(entity, seq);
CREATE TABLE households (
  code TEXT PRIMARY KEY, village_code TEXT NOT NULL REFERENCES regions(code), head_name TEXT NOT NULL,
  head_id_number TEXT, phone TEXT, size INTEGER NOT NULL, income_per_capita INTEGER NOT NULL,
  housing TEXT NOT NULL, land_mu REAL NOT NULL, needs TEXT NOT NULL, address TEXT NOT NULL,
  difficulty REAL NOT NULL, tier TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX households_village ON households(village_code);
CREATE TABLE members (
  id_number TEXT NOT NULL, household_code TEXT NOT NULL REFERENCES households(code), name TEXT NOT NULL,
  relation TEXT NOT NULL, birth_date TEXT, gender TEXT, education TEXT, labour TEXT, health TEXT, disability TEXT
);
CREATE INDEX members_household ON members(household_code);
`);

db.prepare('ATTACH DATABASE ? AS src').run(lianxinDb);
const regions = db.prepare(
  'INSERT INTO regions SELECT code, name, level, parent_code, county_code FROM src.regions').run().changes;
db.exec('DETACH DATABASE src');

function load(path, table, columns) {
  const insert = db.prepare(`INSERT INTO ${table} VALUES (${columns.map(() => '?').join(', ')})`);
  let n = 0;
  db.transaction(() => {
    let header = true;
    for (const row of csvRows(path)) {
      if (header) { header = false; continue; }
      if (row.length < columns.length) continue;
      insert.run(row.slice(0, columns.length));
      n++;
    }
  })();
  return n;
}
const households = load(householdsCsv, 'households', Array(13).fill(0));
const members = load(membersCsv, 'members', Array(10).fill(0));
db.pragma('wal_checkpoint(TRUNCATE)');
db.close();
console.log(`peer database ${out}: ${regions} regions, ${households} households, ${members} members`);
