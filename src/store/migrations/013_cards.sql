-- 连心卡 (PRODUCT.md §3–4): the code on each household's contact card, which
-- the household types (or its QR code carries) with its head's surname to
-- reach the public page. Only the code's blind index is kept, so a copy of
-- the database cannot be used to file in a household's name. A reissued
-- card revokes the one before; one card per household is in force.
CREATE TABLE cards (
  code_bidx      BLOB PRIMARY KEY,   -- FieldCipher::BlindIndex("card", code)
  household_code TEXT NOT NULL REFERENCES households(code),
  issued_millis  INTEGER NOT NULL,
  expires_millis INTEGER NOT NULL,
  revoked_millis INTEGER NOT NULL,   -- 0: in force
  county_code    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX cards_household ON cards(household_code, revoked_millis);
