// What both drivers share: binding a Value, running to the end, telling the
// targets apart, and the text rewriting PostgreSQL needs.
#include "store/sql/sql.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <optional>
#include <regex>

#include "store/sql/drivers.hpp"

namespace lianxin::sql {

Statement& Statement::Bind(int index, const Value& value) {
  switch (value.type) {
    case Value::kNull:
      return BindNull(index);
    case Value::kText:
      return Bind(index, std::string_view(value.bytes));
    case Value::kInt:
      return Bind(index, value.integer);
    case Value::kReal:
      return Bind(index, value.real);
    case Value::kBlob:
      return BindBlob(index, value.bytes);
  }
  return *this;
}

Result<std::optional<std::string>> CountyOf(Connection& db, std::string_view table,
                                            std::string_view key_column, std::string_view key) {
  std::string sql = "SELECT county_code FROM ";
  sql.append(table).append(" WHERE ").append(key_column).append(" = ?1");
  LX_ASSIGN_OR_RETURN(Statement * select, db.Prepare(sql));
  select->Reset();
  select->Bind(1, key);
  Result<bool> found = select->Step();
  std::optional<std::string> county;
  if (found.ok() && *found) county = std::string(select->Text(0));
  select->Reset();
  if (!found.ok()) return found.status();
  return county;
}

Status Statement::Run() {
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

Result<std::vector<std::string>> Connection::ReadNames(Statement& select) {
  std::vector<std::string> names;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return names;
    names.emplace_back(select.Text(0));
  }
}

Status CopyIn::AddRows(std::span<const std::vector<Value>> rows, size_t& failed) {
  for (failed = 0; failed < rows.size(); ++failed) LX_RETURN_IF_ERROR(Add(rows[failed]));
  return Status::Ok();
}

Status Connection::MakeIndexes(const std::vector<std::string>& creates) {
  for (const std::string& create : creates) LX_RETURN_IF_ERROR(Exec(create));
  return Status::Ok();
}

Status Connection::DeferForeignKeys(std::string_view) { return Status::Ok(); }

Status Connection::CheckDeferredKeys() { return Status::Ok(); }

Result<std::vector<Connection::Index>> Connection::ReadIndexes(Statement& select) {
  std::vector<Index> indexes;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return indexes;
    indexes.push_back({std::string(select.Text(0)), std::string(select.Text(1))});
  }
}

Status ForEachInChunks(Connection& db, const std::string& select, const std::string& key, int key_index,
                       const std::function<Status(const Statement&)>& row, std::int64_t chunk) {
  const std::string order = " ORDER BY " + key + " LIMIT " + std::to_string(chunk);
  std::optional<Value> after;
  while (true) {
    LX_ASSIGN_OR_RETURN(Statement * rows,
                        db.Prepare(select + (after ? " WHERE " + key + " > ?1" : "") + order));
    rows->Reset();
    if (after) rows->Bind(1, *after);
    std::int64_t n = 0;
    while (true) {
      LX_ASSIGN_OR_RETURN(bool more, rows->Step());
      if (!more) break;
      ++n;
      after = rows->Get(key_index);
      LX_RETURN_IF_ERROR(row(*rows));
    }
    if (n < chunk) return Status::Ok();
  }
}

bool IsPostgres(std::string_view target) {
  return target.starts_with("postgresql://") || target.starts_with("postgres://") ||
         target.find("dbname=") != std::string_view::npos || target.starts_with("host=");
}

std::string Redacted(std::string_view target) {
  std::string out(target);
  if (size_t scheme = out.find("://"); scheme != std::string::npos) {
    size_t at = out.find('@', scheme + 3);
    size_t colon = out.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (size_t at = out.find("password="); at != std::string::npos; at = out.find("password=", at + 1)) {
    size_t end = out.find_first_of(" &", at);
    out.replace(at + 9, (end == std::string::npos ? out.size() : end) - at - 9, "***");
  }
  return out;
}

Result<std::unique_ptr<Connection>> Connect(const std::string& target, const ConnectOptions& options) {
  if (IsPostgres(target)) return ConnectPostgres(target);
  return ConnectSqlite(target, options);
}

namespace {

// Calls `plain(piece)` for each stretch of SQL outside quotes and comments,
// and copies the rest through untouched.
template <typename Plain>
std::string OutsideQuotes(std::string_view sql, Plain plain) {
  std::string out;
  out.reserve(sql.size() + 16);
  size_t i = 0;
  while (i < sql.size()) {
    size_t start = i;
    while (i < sql.size() && sql[i] != '\'' && sql[i] != '"' && !(sql.substr(i, 2) == "--")) ++i;
    plain(sql.substr(start, i - start), out);
    if (i >= sql.size()) break;
    if (sql[i] == '-') {  // a comment to the end of the line
      size_t end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size();
      out.append(sql.substr(i, end - i));
      i = end;
      continue;
    }
    char quote = sql[i];
    size_t end = i + 1;
    while (end < sql.size()) {
      if (sql[end] == quote) {
        if (end + 1 < sql.size() && sql[end + 1] == quote) {
          end += 2;  // a doubled quote stays inside
          continue;
        }
        break;
      }
      ++end;
    }
    end = std::min(end + 1, sql.size());
    out.append(sql.substr(i, end - i));
    i = end;
  }
  return out;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// Whether the words after `at` in `text` are `words`, case aside.
bool FollowedBy(std::string_view text, size_t at, std::initializer_list<std::string_view> words) {
  for (std::string_view word : words) {
    while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    size_t end = at;
    while (end < text.size() && IsWordChar(text[end])) ++end;
    if (!EqualsIgnoreCase(text.substr(at, end - at), word)) return false;
    at = end;
  }
  return true;
}

}  // namespace

std::string DollarParameters(std::string_view sql) {
  // A bare `?` is numbered as SQLite numbers it: one past the highest so far.
  int highest = 0;
  return OutsideQuotes(sql, [&highest](std::string_view piece, std::string& out) {
    for (size_t i = 0; i < piece.size(); ++i) {
      if (piece[i] != '?') {
        out += piece[i];
        continue;
      }
      int n = 0;
      size_t j = i + 1;
      while (j < piece.size() && std::isdigit(static_cast<unsigned char>(piece[j])))
        n = n * 10 + (piece[j++] - '0');
      if (j == i + 1) n = highest + 1;
      highest = std::max(highest, n);
      out += '$';
      out += std::to_string(n);
      i = j - 1;
    }
  });
}

std::string PostgresText(std::string_view sql) {
  // SQLite's json_extract(column, '$.field'): the field as text.
  static const std::regex kJsonField(R"(json_extract\((\w+), '\$\.(\w+)'\))");
  std::string json = std::regex_replace(std::string(sql), kJsonField, "(($1)::jsonb ->> '$2')");
  std::string dollars = DollarParameters(json);
  return OutsideQuotes(dollars, [](std::string_view piece, std::string& out) {
    size_t i = 0;
    while (i < piece.size()) {
      // "+column": SQLite's "not through an index"; PostgreSQL's planner
      // needs no such hint (and has no unary plus on text).
      if (piece[i] == '+' && i + 1 < piece.size() &&
          (std::isalpha(static_cast<unsigned char>(piece[i + 1])) || piece[i + 1] == '_') &&
          (out.empty() || out.back() == ' ' || out.back() == '(')) {
        ++i;
        continue;
      }
      if (!IsWordChar(piece[i])) {
        out += piece[i++];
        continue;
      }
      size_t end = i;
      while (end < piece.size() && IsWordChar(piece[end])) ++end;
      std::string_view word = piece.substr(i, end - i);
      if (EqualsIgnoreCase(word, "INTEGER") && FollowedBy(piece, end, {"PRIMARY", "KEY"})) {
        // SQLite's row number: numbered when the insert gives none.
        out += "BIGINT GENERATED BY DEFAULT AS IDENTITY";
      } else if (EqualsIgnoreCase(word, "INTEGER")) {
        out += "BIGINT";
      } else if (EqualsIgnoreCase(word, "REAL")) {
        out += "DOUBLE PRECISION";
      } else if (EqualsIgnoreCase(word, "BLOB")) {
        out += "BYTEA";
      } else if (EqualsIgnoreCase(word, "WITHOUT")) {
        // "WITHOUT ROWID" (SQLite's clustered table) has no counterpart.
        size_t next = end;
        while (next < piece.size() && std::isspace(static_cast<unsigned char>(piece[next]))) ++next;
        size_t next_end = next;
        while (next_end < piece.size() && IsWordChar(piece[next_end])) ++next_end;
        if (EqualsIgnoreCase(piece.substr(next, next_end - next), "ROWID")) {
          end = next_end;
        } else {
          out += word;
        }
      } else {
        out += word;
      }
      i = end;
    }
  });
}

}  // namespace lianxin::sql
