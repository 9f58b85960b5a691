// The two drivers behind sql::Connect, for the seam's own files.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/sql/sql.hpp"

namespace lianxin::sql {

Result<std::unique_ptr<Connection>> ConnectSqlite(const std::string& path, const ConnectOptions& options);
Result<std::unique_ptr<Connection>> ConnectPostgres(const std::string& conninfo);

// The seam's SQL as PostgreSQL takes it: `$N` parameters, BIGINT, DOUBLE
// PRECISION and BYTEA for INTEGER, REAL and BLOB, no WITHOUT ROWID.
std::string PostgresText(std::string_view sql);

}  // namespace lianxin::sql
