// Resolving a migration's dialect blocks (migrations.hpp).
#include "store/migrations.hpp"

#include <string_view>

namespace lianxin {

std::string MigrationSql(const Migration& migration, sql::Dialect dialect) {
  enum class Block { kBoth, kSqlite, kPostgres } block = Block::kBoth;
  std::string out;
  std::string_view text = migration.sql;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end == std::string_view::npos ? text.size() : end + 1);
    text.remove_prefix(line.size());
    std::string_view bare = line;
    while (!bare.empty() && (bare.back() == '\n' || bare.back() == '\r' || bare.back() == ' '))
      bare.remove_suffix(1);
    if (bare == "-- @sqlite") {
      block = Block::kSqlite;
    } else if (bare == "-- @postgres") {
      block = Block::kPostgres;
    } else if (bare == "-- @end") {
      block = Block::kBoth;
    } else if (block == Block::kBoth || (block == Block::kSqlite) == (dialect == sql::Dialect::kSqlite)) {
      out += line;
    }
  }
  return out;
}

}  // namespace lianxin
