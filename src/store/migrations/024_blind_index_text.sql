-- SQLite sorts and compares a blind index (a keyed hash, stored as a BLOB)
-- by its general record comparison, and text by memcmp alone: an index
-- made on CAST(x AS TEXT) holds the same bytes in the same order, and a
-- city's households are indexed a quarter faster for it (bench/NOTES.md,
-- B1). Look-ups name the same expression (Connection::BlindIndexEquals); the
-- partial index's condition names it too, so that SQLite sees that the
-- look-up implies it. A text that holds any byte, NUL included, compares
-- by all of its bytes, as the BLOB did. PostgreSQL compares bytea by
-- memcmp already and keeps its indexes on the columns.
-- @sqlite
DROP INDEX households_head_id;
DROP INDEX households_phone;
DROP INDEX cadres_id;
DROP INDEX cadres_phone;
CREATE UNIQUE INDEX households_head_id ON households(CAST(head_id_bidx AS TEXT), county_code)
  WHERE CAST(head_id_bidx AS TEXT) IS NOT NULL;
CREATE INDEX households_phone ON households(CAST(phone_bidx AS TEXT)) WHERE CAST(phone_bidx AS TEXT) IS NOT NULL;
CREATE UNIQUE INDEX cadres_id ON cadres(CAST(id_bidx AS TEXT), county_code) WHERE CAST(id_bidx AS TEXT) IS NOT NULL;
CREATE INDEX cadres_phone ON cadres(CAST(phone_bidx AS TEXT)) WHERE CAST(phone_bidx AS TEXT) IS NOT NULL;
-- @end
