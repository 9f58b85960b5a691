-- 回访核验 (issue "Oversight" 4): each month a share of the logged direct
-- visits, drawn from a published seed, is called back; the household says
-- whether the visit happened. One row a visit drawn; journaled.
CREATE TABLE callbacks (
  visit_id       TEXT PRIMARY KEY REFERENCES visits(id),
  month          TEXT NOT NULL,     -- YYYY-MM the draw was for
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
  county_code    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX callbacks_month ON callbacks(month, cadre_code);
