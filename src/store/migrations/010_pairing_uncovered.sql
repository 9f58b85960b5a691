-- What the last pairing run could not cover, and why (PRODUCT.md §2, 两个全覆盖):
-- `pairing explain` gives an uncovered household's recorded reason instead of
-- solving its county again, and the list outlives the run's answer. Replaced
-- per county by each run that writes; journaled like the pairs it explains.
CREATE TABLE pairing_uncovered (
  key         TEXT PRIMARY KEY,  -- pairing|kind|id
  pairing     TEXT NOT NULL CHECK (pairing IN ('unit_village', 'assistance', 'contact', 'contact_point')),
  kind        TEXT NOT NULL CHECK (kind IN ('village', 'household', 'cadre', 'weak_branch', 'pin')),
  id          TEXT NOT NULL,
  reason      TEXT NOT NULL,
  county_code TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX pairing_uncovered_county ON pairing_uncovered(county_code);
