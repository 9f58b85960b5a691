-- 民主评议 (issue "Oversight" 5): a household's rating of its contact or
-- assistance cadre for a year, given with its card; the last one of the
-- year stands. Journaled.
CREATE TABLE ratings (
  key            TEXT PRIMARY KEY,  -- household "|" cadre "|" year
  household_code TEXT NOT NULL REFERENCES households(code),
  cadre_code     TEXT NOT NULL REFERENCES cadres(code),
  year           INTEGER NOT NULL,
  satisfaction   TEXT NOT NULL CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
  rated_millis   INTEGER NOT NULL,
  county_code    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX ratings_cadre ON ratings(cadre_code, year);
CREATE INDEX ratings_household ON ratings(household_code, year);
