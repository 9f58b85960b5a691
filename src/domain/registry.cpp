#include "lianxin/registry.hpp"

#include <algorithm>

#include "domain/enum_tables.hpp"

namespace lianxin {

namespace {

using internal::RowOf;

struct RecordKindRow {
  RecordKind kind;
  std::string_view token;
};
// The import kinds' tokens, as `lianxin import --kind` and `demo --out-dir`
// file names spell them (ARCHITECTURE.md).
constexpr RecordKindRow kRecordKinds[] = {
    {RecordKind::kRegions, "regions"},
    {RecordKind::kUnits, "units"},
    {RecordKind::kOrgs, "orgs"},
    {RecordKind::kCadres, "cadres"},
    {RecordKind::kHouseholds, "households"},
    {RecordKind::kMembers, "members"},
};
static_assert(std::size(kRecordKinds) == std::size(kAllRecordKinds));

}  // namespace

std::string_view Token(RegionLevel v) { return RowOf(v).token; }
std::string_view Token(Rank v) { return RowOf(v).token; }
std::string_view Token(Education v) { return RowOf(v).token; }
std::string_view Token(UnitStrength v) { return RowOf(v).token; }
std::string_view Token(Gender v) { return RowOf(v).token; }
std::string_view Token(Housing v) { return RowOf(v).token; }
std::string_view Token(Tier v) { return RowOf(v).token; }
std::string_view Token(Labour v) { return RowOf(v).token; }
std::string_view Token(Health v) { return RowOf(v).token; }
std::string_view Token(OrgKind v) { return RowOf(v).token; }
std::string_view Token(OrgRating v) { return RowOf(v).token; }

std::string_view Label(RegionLevel v) { return RowOf(v).label; }
std::string_view Label(Rank v) { return RowOf(v).label; }
std::string_view Label(Education v) { return RowOf(v).label; }
std::string_view Label(UnitStrength v) { return RowOf(v).label; }
std::string_view Label(Gender v) { return RowOf(v).label; }
std::string_view Label(Housing v) { return RowOf(v).label; }
std::string_view Label(Tier v) { return RowOf(v).label; }
std::string_view Label(Labour v) { return RowOf(v).label; }
std::string_view Label(Health v) { return RowOf(v).label; }
std::string_view Label(OrgKind v) { return RowOf(v).label; }
std::string_view Label(OrgRating v) { return RowOf(v).label; }

std::string_view Token(RecordKind v) {
  for (const RecordKindRow& row : kRecordKinds) {
    if (row.kind == v) return row.token;
  }
  return {};
}

std::optional<RecordKind> ParseRecordKind(std::string_view token) {
  for (const RecordKindRow& row : kRecordKinds) {
    if (internal::EqualsIgnoreAsciiCase(row.token, token)) return row.kind;
  }
  return std::nullopt;
}

std::string TownshipOfCode(std::string_view code) {
  if (code.size() < 12) return {};
  std::string township(code.substr(0, 9));
  return township.append("000");
}

std::optional<std::string> RegionSubtreePrefix(std::string_view code) {
  if (code.empty() || !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  if (code.size() == 6) return std::string(code);
  if (code.size() != 12) return std::nullopt;
  if (code.substr(6) == "000000") return std::string(code.substr(0, 6));
  if (code.substr(9) == "000") return std::string(code.substr(0, 9));
  return std::string(code);
}

}  // namespace lianxin
