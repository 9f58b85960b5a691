// The WHERE clause of a page of visits or tasks (store.hpp's FieldworkQuery),
// shared by both lists: the caller's scope, the filters, and the keyset
// cursor, as conditions with bare-? parameters in order. The table is
// joined to households as `h`; `cadre` names its cadre column.
//
//   std::optional<ListSql> where = FieldworkWhere(query, "v.cadre_code", "v.household_code");
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lianxin/store.hpp"
#include "store/sql/sql.hpp"

namespace lianxin {

struct ListSql {
  std::string where;  // " WHERE …", or "" for none
  std::vector<sql::Value> values;
  void Add(const std::string& condition, std::vector<sql::Value> more = {}) {
    where += (where.empty() ? " WHERE " : " AND ") + condition;
    values.insert(values.end(), more.begin(), more.end());
  }
};

// nullopt when the query can reach nothing (no scope, a malformed region).
inline std::optional<ListSql> FieldworkWhere(const FieldworkQuery& q, const std::string& cadre,
                                             const std::string& household) {
  ListSql sql;
  auto subtree = [&](const std::string& code) {
    std::optional<std::string> lo = RegionSubtreePrefix(code);
    if (!lo) return false;
    std::string hi = *lo;
    hi.back() = static_cast<char>(hi.back() + 1);
    sql.Add("h.village_code >= ? AND h.village_code < ?", {sql::Value::Text(*lo), sql::Value::Text(hi)});
    return true;
  };
  switch (q.scope.kind) {
    case ScopeKind::kNone:
      return std::nullopt;
    case ScopeKind::kRegion:
      if (!subtree(q.scope.code)) return std::nullopt;
      break;
    case ScopeKind::kUnit:
      if (q.scope.code.empty()) return std::nullopt;
      sql.Add(cadre + " IN (SELECT code FROM cadres WHERE unit_code = ?)", {sql::Value::Text(q.scope.code)});
      break;
    case ScopeKind::kCadre:
      if (q.scope.code.empty()) return std::nullopt;
      sql.Add(cadre + " = ?", {sql::Value::Text(q.scope.code)});
      break;
  }
  if (!q.region.empty() && !subtree(q.region)) return std::nullopt;
  if (!q.cadre.empty()) sql.Add(cadre + " = ?", {sql::Value::Text(q.cadre)});
  if (!q.household.empty()) sql.Add(household + " = ?", {sql::Value::Text(q.household)});
  return sql;
}

}  // namespace lianxin
