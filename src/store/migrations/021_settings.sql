-- 参数与字典 (settings.hpp): per section of the configuration, what the
-- console keeps over the file — a TOML document holding that section alone,
-- only the keys that differ from the file ('' hands the section back to the
-- file). One row per section of the installation, not of a county.
-- Journaled.
CREATE TABLE settings (
  section        TEXT PRIMARY KEY,
  toml           TEXT NOT NULL,
  version        INTEGER NOT NULL CHECK (version >= 1),
  updated_by     TEXT NOT NULL,
  updated_millis INTEGER NOT NULL
) WITHOUT ROWID;
