// Resolving a migration's dialect blocks (migrations.hpp).
#include "store/migrations.hpp"

#include <string_view>
#include <vector>

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

namespace {

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

void SkipSpace(std::string_view text, size_t& at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\n' || text[at] == '\r' || text[at] == '\t'))
    ++at;
}

// At `at`, just inside "CHECK (": `x IN ('a', …))`, its column and quoted
// items (quotes kept), `at` moved past the CHECK's closing parenthesis.
bool ReadCheckList(std::string_view text, size_t& at, std::string_view& column,
                   std::vector<std::string_view>& items) {
  size_t start = at;
  while (at < text.size() && IsIdentChar(text[at])) ++at;
  column = text.substr(start, at - start);
  if (column.empty()) return false;
  SkipSpace(text, at);
  if (text.substr(at, 2) != "IN") return false;
  at += 2;
  SkipSpace(text, at);
  if (at >= text.size() || text[at] != '(') return false;
  ++at;
  items.clear();
  while (true) {
    SkipSpace(text, at);
    if (at >= text.size() || text[at] != '\'') return false;
    size_t open = at++;
    while (at < text.size()) {
      if (text[at] == '\'') {
        if (at + 1 < text.size() && text[at + 1] == '\'') {
          at += 2;  // '' inside a literal
          continue;
        }
        break;
      }
      ++at;
    }
    if (at >= text.size()) return false;
    ++at;
    items.push_back(text.substr(open, at - open));
    SkipSpace(text, at);
    if (at < text.size() && text[at] == ',') {
      ++at;
      continue;
    }
    if (at < text.size() && text[at] == ')') break;
    return false;
  }
  ++at;  // the list's ')'
  SkipSpace(text, at);
  if (at >= text.size() || text[at] != ')') return false;
  ++at;  // the CHECK's ')'
  return true;
}

}  // namespace

std::string CheckListsAsOr(std::string_view create_sql) {
  static constexpr std::string_view kCheck = "CHECK (";
  std::string out;
  std::vector<std::string_view> items;
  size_t copied = 0;
  for (size_t found = create_sql.find(kCheck); found != std::string_view::npos;
       found = create_sql.find(kCheck, found + 1)) {
    size_t at = found + kCheck.size();
    std::string_view column;
    if (!ReadCheckList(create_sql, at, column, items)) continue;
    out.append(create_sql.substr(copied, found + kCheck.size() - copied));
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out += " OR ";
      out.append(column).append(" = ").append(items[i]);
    }
    out += ')';
    copied = at;
  }
  out.append(create_sql.substr(copied));
  return out;
}

}  // namespace lianxin
