-- Open311 clients' keys (issue "Field work" 7): a client posting requests
-- names itself with its key; `lianxin apikey add NAME --region CODE` prints
-- a key once and keeps only its blind index. A key files into its region
-- (a county, township or village): the requests it posts are appeals there.
CREATE TABLE api_keys (
  name           TEXT PRIMARY KEY,
  key_bidx       BLOB NOT NULL UNIQUE,  -- FieldCipher::BlindIndex("apikey", key)
  region_code    TEXT NOT NULL,
  created_millis INTEGER NOT NULL,
  revoked_millis INTEGER NOT NULL       -- 0: in use
) WITHOUT ROWID;
