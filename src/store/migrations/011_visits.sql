-- 民情日记 (PRODUCT.md §3): which cadre contacted which household, how and
-- when, what was heard and what was promised. Journaled like the registry; a
-- phone call or a visit by proxy is kept but never counts as direct contact.
CREATE TABLE visits (
  id              TEXT PRIMARY KEY,  -- V + 16 hex digits, random: no personal data
  cadre_code      TEXT NOT NULL REFERENCES cadres(code),
  household_code  TEXT NOT NULL REFERENCES households(code),
  kind            TEXT NOT NULL CHECK (kind IN ('home_visit', 'talk', 'reception', 'stay', 'shared_labour',
                                                'phone', 'by_proxy')),
  visited_on      TEXT NOT NULL,     -- YYYY-MM-DD, in the county's time zone
  heard           TEXT NOT NULL,     -- 听到了什么
  promised        TEXT NOT NULL,     -- 答应了什么
  confirmed       INTEGER NOT NULL CHECK (confirmed IN (0, 1)),  -- by the household, with its card code
  recorded_by     TEXT NOT NULL,     -- the account that logged it
  recorded_millis INTEGER NOT NULL,
  county_code     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX visits_household ON visits(household_code, visited_on);
CREATE INDEX visits_cadre ON visits(cadre_code, visited_on);
