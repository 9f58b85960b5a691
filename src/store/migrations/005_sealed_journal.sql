-- The journal's head, sealed with a key outside the database, and the
-- tables that grant access or record history journaled like the registry.
-- The rest of this step runs in C++ in the same transaction (UpgradeToSchema5
-- in store/sql_store/journal.cpp): it verifies the old journal, re-seals every encrypted
-- field bound to its row, journals the password history and seals the head.

-- One row: the newest entry's seq and hash, and a MAC over them keyed from
-- the key file. Removing the journal's tail or rebuilding the chain with
-- fresh hashes leaves a head that no longer matches, and only the key holder
-- can make a new one.
CREATE TABLE journal_head (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL,
  hash BLOB NOT NULL,
  mac  BLOB NOT NULL
);

-- Sessions are journaled from now on; those made before cannot be told from
-- one planted behind the program's back, so everyone signs in again.
DELETE FROM sessions;
