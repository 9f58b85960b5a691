// The registry's enumerations as data: one table per enum holding each
// value's stable English token, the Chinese label offices read, and the other
// spellings they write. `Token` and `Label` (registry.cpp) and the `Parse…`
// functions (validate.cpp) all read these tables, so a label lives here only.
//
// Private to src/domain; the public contract is registry.hpp / validate.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "lianxin/registry.hpp"

namespace lianxin::internal {

template <typename E>
struct EnumRow {
  E value;
  std::string_view token;  // stored and spoken by the API; never changes
  std::string_view label;  // what exports and the UI show
  // Other spellings accepted on import, separated by '|' (none contain one).
  std::string_view synonyms = {};
};

template <typename E>
struct EnumTable {
  std::string_view noun;  // how a message names the field: 职级, 文化程度, …
  std::span<const EnumRow<E>> rows;
};

// Synonyms come from registry.hpp / validate.hpp and the forms offices use in
// the 扶贫/乡村振兴 ledgers (e.g. 弱劳动力或半劳动力, C级/D级危房).
inline constexpr EnumRow<RegionLevel> kRegionLevelRows[] = {
    {RegionLevel::kCounty, "county", "县", "县级|区县|县区"},
    {RegionLevel::kTownship, "township", "乡镇", "乡|镇|街道"},
    {RegionLevel::kVillage, "village", "村", "社区|行政村"},
    {RegionLevel::kGrid, "grid", "网格"},
};

// PRODUCT.md §1: county 县级, section 乡科级/正科, deputy_section 副科级,
// ordinary 一般干部, village_member 农村党员.
inline constexpr EnumRow<Rank> kRankRows[] = {
    {Rank::kCounty, "county", "县级", "县处级|处级|县级领导"},
    {Rank::kSection, "section", "乡科级", "正科|正科级|乡科级领导"},
    {Rank::kDeputySection, "deputy_section", "副科级", "副科"},
    {Rank::kOrdinary, "ordinary", "一般干部", "科员|办事员|一般"},
    {Rank::kVillageMember, "village_member", "农村党员", "村党员"},
};

inline constexpr EnumRow<Education> kEducationRows[] = {
    {Education::kNone, "none", "文盲", "未上学|文盲或半文盲|半文盲|不识字"},
    {Education::kPrimary, "primary", "小学"},
    {Education::kJunior, "junior", "初中"},
    {Education::kSenior, "senior", "高中", "中专|职高|技校"},
    {Education::kCollege, "college", "大专", "专科|大学专科"},
    {Education::kBachelor, "bachelor", "本科", "大学|大学本科"},
    {Education::kPostgraduate, "postgraduate", "研究生", "硕士|博士|硕士研究生|博士研究生"},
};

inline constexpr EnumRow<UnitStrength> kUnitStrengthRows[] = {
    {UnitStrength::kStrong, "strong", "强", "较强"},
    {UnitStrength::kMedium, "medium", "中", "一般|中等"},
    {UnitStrength::kWeak, "weak", "弱", "较弱"},
};

inline constexpr EnumRow<Gender> kGenderRows[] = {
    {Gender::kUnknown, "unknown", "未知", "不详"},
    {Gender::kMale, "male", "男", "男性|M"},
    {Gender::kFemale, "female", "女", "女性|F"},
};

inline constexpr EnumRow<Housing> kHousingRows[] = {
    {Housing::kSafe, "safe", "安全", "安全住房"},
    {Housing::kOrdinary, "ordinary", "一般"},
    {Housing::kDangerous, "dangerous", "危房", "C级危房|D级危房"},
};

// 富裕难度较小 / 较大 / 最大, from the seed's 「县级领导包联富裕难度最大的农户」.
inline constexpr EnumRow<Tier> kTierRows[] = {
    {Tier::kEasier, "easier", "较小", "富裕难度较小"},
    {Tier::kHarder, "harder", "较大", "富裕难度较大"},
    {Tier::kHardest, "hardest", "最大", "富裕难度最大"},
};

inline constexpr EnumRow<Labour> kLabourRows[] = {
    {Labour::kFull, "full", "普通劳动力", "有劳动力|技能劳动力"},
    {Labour::kWeak, "weak", "弱劳动力", "半劳动力|弱劳动力或半劳动力"},
    {Labour::kLost, "lost", "丧失劳动力"},
    {Labour::kNone, "none", "无劳动力"},
};

inline constexpr EnumRow<Health> kHealthRows[] = {
    {Health::kHealthy, "healthy", "健康"},
    {Health::kChronic, "chronic", "长期慢性病", "慢性病"},
    {Health::kSerious, "serious", "大病", "患有大病"},
    {Health::kDisabled, "disabled", "残疾", "残疾人"},
};

inline constexpr EnumRow<OrgKind> kOrgKindRows[] = {
    {OrgKind::kVillageBranch, "village_branch", "村党支部", "村党组织|农村党支部|村党总支"},
    {OrgKind::kNonPublic, "non_public", "非公经济组织党组织", "非公|非公党组织"},
    {OrgKind::kSocial, "social", "社会组织党组织", "社会组织"},
};

// A 较差 branch is the seed's 软弱涣散 (weak) branch.
inline constexpr EnumRow<OrgRating> kOrgRatingRows[] = {
    {OrgRating::kGood, "good", "好"},
    {OrgRating::kFair, "fair", "较好"},
    {OrgRating::kAverage, "average", "一般"},
    {OrgRating::kWeak, "weak", "较差", "软弱涣散|差"},
};

inline constexpr EnumTable<RegionLevel> kRegionLevelTable{"区划级别", kRegionLevelRows};
inline constexpr EnumTable<Rank> kRankTable{"职级", kRankRows};
inline constexpr EnumTable<Education> kEducationTable{"文化程度", kEducationRows};
inline constexpr EnumTable<UnitStrength> kUnitStrengthTable{"单位实力", kUnitStrengthRows};
inline constexpr EnumTable<Gender> kGenderTable{"性别", kGenderRows};
inline constexpr EnumTable<Housing> kHousingTable{"住房情况", kHousingRows};
inline constexpr EnumTable<Tier> kTierTable{"富裕难度", kTierRows};
inline constexpr EnumTable<Labour> kLabourTable{"劳动能力", kLabourRows};
inline constexpr EnumTable<Health> kHealthTable{"健康状况", kHealthRows};
inline constexpr EnumTable<OrgKind> kOrgKindTable{"党组织类型", kOrgKindRows};
inline constexpr EnumTable<OrgRating> kOrgRatingTable{"党组织评定等次", kOrgRatingRows};

// The table of an enum, by overload, so templates can reach it from a value.
constexpr const EnumTable<RegionLevel>& TableOf(RegionLevel) { return kRegionLevelTable; }
constexpr const EnumTable<Rank>& TableOf(Rank) { return kRankTable; }
constexpr const EnumTable<Education>& TableOf(Education) { return kEducationTable; }
constexpr const EnumTable<UnitStrength>& TableOf(UnitStrength) { return kUnitStrengthTable; }
constexpr const EnumTable<Gender>& TableOf(Gender) { return kGenderTable; }
constexpr const EnumTable<Housing>& TableOf(Housing) { return kHousingTable; }
constexpr const EnumTable<Tier>& TableOf(Tier) { return kTierTable; }
constexpr const EnumTable<Labour>& TableOf(Labour) { return kLabourTable; }
constexpr const EnumTable<Health>& TableOf(Health) { return kHealthTable; }
constexpr const EnumTable<OrgKind>& TableOf(OrgKind) { return kOrgKindTable; }
constexpr const EnumTable<OrgRating>& TableOf(OrgRating) { return kOrgRatingTable; }

// ASCII case folding only: tokens and Latin synonyms (M, F, C级危房) are
// matched regardless of case; Chinese text has no case.
constexpr bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Calls f(spelling) for the token, the label and each synonym of a row
// until f returns true; returns whether one did.
template <typename E, typename F>
constexpr bool AnySpelling(const EnumRow<E>& row, F f) {
  if (f(row.token) || f(row.label)) return true;
  const std::string_view all = row.synonyms;
  if (all.empty()) return false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= all.size(); ++i) {
    if (i == all.size() || all[i] == '|') {
      if (f(std::string_view(all.data() + start, i - start))) return true;
      start = i + 1;
    }
  }
  return false;
}

// Checked at compile time for every table: row i holds value i (so Token and
// Label index directly), and no spelling names two values (so a parse is
// never ambiguous and round-trips).
template <typename E>
constexpr bool IsWellFormed(const EnumTable<E>& table) {
  const std::size_t n = table.rows.size();
  for (std::size_t i = 0; i < n; ++i) {
    const EnumRow<E>& row = table.rows[i];
    if (static_cast<std::size_t>(row.value) != i) return false;
    if (AnySpelling(row, [](std::string_view s) { return s.empty(); })) return false;
    for (std::size_t j = i + 1; j < n; ++j) {
      const bool clash = AnySpelling(row, [&](std::string_view a) {
        return AnySpelling(table.rows[j], [&](std::string_view b) { return EqualsIgnoreAsciiCase(a, b); });
      });
      if (clash) return false;
    }
  }
  return true;
}

static_assert(IsWellFormed(kRegionLevelTable));
static_assert(IsWellFormed(kRankTable));
static_assert(IsWellFormed(kEducationTable));
static_assert(IsWellFormed(kUnitStrengthTable));
static_assert(IsWellFormed(kGenderTable));
static_assert(IsWellFormed(kHousingTable));
static_assert(IsWellFormed(kTierTable));
static_assert(IsWellFormed(kLabourTable));
static_assert(IsWellFormed(kHealthTable));
static_assert(IsWellFormed(kOrgKindTable));
static_assert(IsWellFormed(kOrgRatingTable));

// Every spelling of an enum with its value, flattened at compile time so a
// parse (run for every cell of an import) is a scan of lengths, not a walk
// through '|'-separated text.
template <typename E>
struct Spelling {
  std::string_view text;
  E value;
};

template <typename E>
constexpr std::size_t CountSpellings(const EnumTable<E>& table) {
  std::size_t n = 0;
  for (const EnumRow<E>& row : table.rows) {
    AnySpelling(row, [&n](std::string_view) { return ++n, false; });
  }
  return n;
}

template <typename E, std::size_t N>
constexpr std::array<Spelling<E>, N> IndexSpellings(const EnumTable<E>& table) {
  std::array<Spelling<E>, N> index{};
  std::size_t n = 0;
  for (const EnumRow<E>& row : table.rows) {
    AnySpelling(row, [&](std::string_view text) {
      index[n++] = {text, row.value};
      return false;
    });
  }
  return index;
}

template <typename E>
inline constexpr auto kSpellings = IndexSpellings<E, CountSpellings(TableOf(E{}))>(TableOf(E{}));

// The row of a value; an out-of-range value (a cast from a bad integer)
// gets a row with empty token and label rather than undefined behaviour.
template <typename E>
inline constexpr EnumRow<E> kNoRow{E{}, {}, {}};

template <typename E>
constexpr const EnumRow<E>& RowOf(E value) {
  const EnumTable<E>& table = TableOf(value);
  auto i = static_cast<std::size_t>(value);
  return i < table.rows.size() ? table.rows[i] : kNoRow<E>;
}

}  // namespace lianxin::internal
