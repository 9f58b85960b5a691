// Validation of the registry's fields, as offices actually write them.
//
// Each parser takes one cell's text (already normalised by the readers: see
// table_io.hpp) and returns the canonical value or kInvalidInput whose
// message is Chinese first, then the English problem code in parentheses, e.g.
//   "身份证号校验位错误,应为 X (id_checksum)".
// Callers put the file, row and column in front; these functions know none.
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/registry.hpp"
#include "lianxin/status.hpp"

namespace lianxin {

// A calendar date. Valid dates only (leap years checked).
struct Date {
  int year = 0, month = 0, day = 0;
  std::string ToString() const;  // YYYY-MM-DD
  bool operator==(const Date&) const = default;
  auto operator<=>(const Date&) const = default;
};

// Day arithmetic on the proleptic Gregorian calendar: days since 1970-01-01
// (Howard Hinnant's days-from-civil and civil-from-days algorithms).
constexpr std::int64_t DaysFromDate(const Date& date) {
  const std::int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (date.month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}
constexpr Date DateFromDays(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}
// The calendar date at `millis` (Unix epoch, UTC) in China (UTC+8, no
// daylight saving since 1991), where months, days and deadlines are reckoned.
Date ChinaDateOf(std::int64_t millis);

// GB 11643-1999 citizen ID number: 18 characters, the last a digit or X
// (a lower-case x is accepted and upper-cased); the first 6 digits a region
// (province part one of the real province codes 11–15, 21–23, 31–37, 41–46,
// 50–54, 61–65, 71, 81, 82, 83 and the rest not 0000); digits 7–14 a real
// birth date not after `today` and not before 1900; the ISO 7064 MOD 11-2
// check digit. Problem codes: id_length, id_chars, id_region, id_birth_date,
// id_checksum.
struct IdInfo {
  std::string normalized;  // upper-case X
  Date birth_date;
  Gender gender = Gender::kUnknown;  // from the 17th digit: odd male, even female
};
Result<IdInfo> ParseIdNumber(std::string_view text, const Date& today);

// The check character for the first 17 digits of an ID number ('0'–'9' or 'X').
char IdCheckCharacter(std::string_view first17);

// Mobile (11 digits starting 13–19, an optional +86 / 86 prefix and spaces or
// hyphens dropped) or landline (area code 0 + 2–3 digits, then 7–8 digits,
// with or without a hyphen, an optional -extension). Returns the canonical
// form: 13812345678 or 0355-1234567. Problem code: phone_format.
Result<std::string> ParsePhone(std::string_view text);

// A region code of the given level: 6 digits for a county, 12 for a township
// (last 3 digits 000) and a village (last 3 not 000), 15 for a grid.
// Problem codes: region_code_format, region_code_level.
Result<std::string> ParseRegionCode(std::string_view text, RegionLevel level);
// The level a code's shape implies (6 → county, 12 ending 000 → township
// … ); kInvalidInput when it fits none.
Result<RegionLevel> RegionLevelOfCode(std::string_view code);
// Whether `child` lies directly under `parent` by its digits: a township's
// first 6 digits are its county's, a village's first 9 its township's, a
// grid's first 12 its village's. Problem code: region_parent.
Status CheckRegionParent(std::string_view child, RegionLevel child_level, std::string_view parent);

// Dates as offices write them: 2024-03-07, 2024/3/7, 2024.3.7, 2024年3月7日,
// 20240307, or an Excel date serial (1900 system; 45358 → 2024-03-07).
// Problem code: date_format.
Result<Date> ParseDate(std::string_view text);

// Enumerations from their Chinese labels (with the synonyms offices use) or
// their English tokens. Problem code: enum_value; the message lists the
// accepted labels.
Result<RegionLevel> ParseRegionLevel(
    std::string_view text);  // 县/县级, 乡镇/乡/镇/街道, 村/社区/行政村, 网格
Result<Rank> ParseRank(std::string_view text);  // 县级/县处级, 乡科级/正科/正科级, 副科/副科级,
                                                // 一般干部/科员/办事员, 农村党员/村党员
Result<Education> ParseEducation(std::string_view text);  // 文盲/未上学, 小学, 初中, 高中/中专/职高/技校,
                                                          // 大专/专科, 本科/大学, 研究生/硕士/博士
Result<UnitStrength> ParseUnitStrength(std::string_view text);  // 强, 中/一般, 弱
Result<Gender> ParseGender(std::string_view text);              // 男, 女 (empty → unknown)
Result<Housing> ParseHousing(std::string_view text);  // 安全/安全住房, 一般, 危房/C级危房/D级危房
Result<Labour> ParseLabour(
    std::string_view text);  // 普通劳动力/有劳动力, 弱劳动力/半劳动力, 丧失劳动力, 无劳动力
Result<Health> ParseHealth(std::string_view text);  // 健康, 长期慢性病/慢性病, 大病/患有大病, 残疾
Result<OrgKind> ParseOrgKind(
    std::string_view text);  // 村党支部/村党组织/农村党支部, 非公经济组织党组织/非公, 社会组织党组织/社会组织
Result<OrgRating> ParseOrgRating(std::string_view text);  // 好, 较好, 一般, 较差/软弱涣散/差
Result<bool> ParseYesNo(std::string_view text);           // 是/否, Y/N, 1/0, true/false (empty → false)

// Joins a list the way offices write it and exports show it: 低收入、危房.
std::string JoinList(const std::vector<std::string>& items);

// Splits a list cell on 、，,；; / and spaces, trims, and drops empties.
std::vector<std::string> SplitList(std::string_view text);

// Needs and skills against the dictionaries in config. Each item must be a
// dictionary label (or a synonym listed beside it); skills also take
// "技能:X" / "技能：X" for a named trade. The result is in dictionary order,
// without repeats. Problem codes: need_unknown, skill_unknown.
struct Dictionary {
  struct Entry {
    std::string label;
    std::vector<std::string> synonyms;
  };
  std::vector<Entry> entries;
};
Result<std::vector<std::string>> ParseNeeds(std::string_view text, const Dictionary& needs);
Result<std::vector<std::string>> ParseSkills(std::string_view text, const Dictionary& skills);

// Whole numbers and decimals as offices write them: "3", "3.0", "1,234",
// "1234元", "2.5亩". Problem code: number_format, number_range.
Result<long long> ParseInteger(std::string_view text, long long min, long long max);
Result<double> ParseDecimal(std::string_view text, double min, double max);

}  // namespace lianxin
