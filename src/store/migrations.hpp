// The schema's numbered migrations, compiled in from src/store/migrations/.
//
// A migration is written once in the SQL seam's dialect (store/sql/sql.hpp).
// What one database needs and the other cannot take sits in a block of its
// own, kept for that database and dropped for the other:
//
//   -- @sqlite
//   CREATE TRIGGER … BEGIN SELECT RAISE(ABORT, '…'); END;
//   -- @postgres
//   CREATE FUNCTION … LANGUAGE plpgsql …;
//   -- @end
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/sql/sql.hpp"

namespace lianxin {

struct Migration {
  int number;
  const char* name;
  const char* sql;
};

// In ascending order of number.
const std::vector<Migration>& Migrations();

// The migration's text for `dialect`: its dialect blocks resolved.
std::string MigrationSql(const Migration& migration, sql::Dialect dialect);

// A table's CREATE statement with each `CHECK (x IN ('a', 'b', …))` written
// as `CHECK (x = 'a' OR x = 'b' OR …)`, the same rule (a NULL passes both).
// SQLite (3.40) checks an IN list of three or more by building a temporary
// table each time a statement writes a row: 1 µs a list, the better part of
// an import's row. Anything else is left as it is.
std::string CheckListsAsOr(std::string_view create_sql);

}  // namespace lianxin
