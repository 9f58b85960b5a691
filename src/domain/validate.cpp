#include "lianxin/validate.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <system_error>

#include "domain/enum_tables.hpp"
#include "lianxin/sensitive.hpp"

namespace lianxin {

namespace {

using internal::EnumRow;
using internal::EnumTable;
using internal::EqualsIgnoreAsciiCase;

// ---------------------------------------------------------------------------
// Text helpers

using namespace std::string_view_literals;

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether s continues with `lit` at i. Unlike substr() it cannot throw, so it
// inlines in the per-cell paths.
constexpr bool HasAt(std::string_view s, std::size_t i, std::string_view lit) {
  return i <= s.size() && s.size() - i >= lit.size() &&
         std::char_traits<char>::compare(s.data() + i, lit.data(), lit.size()) == 0;
}

// The value of the n ASCII digits at s[pos]; the caller has checked them.
constexpr int DigitsAt(std::string_view s, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t k = pos; k < pos + n && k < s.size(); ++k) v = v * 10 + (s[k] - '0');
  return v;
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// The length of a white-space character at s[i], or 0. Readers already
// normalise cells (table_io.hpp), but callers from the HTTP side do not.
std::size_t SpaceAt(std::string_view s, std::size_t i) {
  char c = s[i];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return 1;
  if (HasAt(s, i, "\u00A0"sv)) return 2;  // no-break space
  if (HasAt(s, i, "\u3000"sv)) return 3;  // ideographic space
  return 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty()) {
    std::size_t n = SpaceAt(s, 0);
    if (n == 0) break;
    s.remove_prefix(n);
  }
  while (!s.empty()) {
    std::size_t n = 0;
    if (SpaceAt(s, s.size() - 1) == 1) {
      n = 1;
    } else if (s.size() >= 2 && SpaceAt(s, s.size() - 2) == 2) {
      n = 2;
    } else if (s.size() >= 3 && SpaceAt(s, s.size() - 3) == 3) {
      n = 3;
    }
    if (n == 0) break;
    s.remove_suffix(n);
  }
  return s;
}

constexpr bool StartsWith(std::string_view s, std::string_view prefix) { return HasAt(s, 0, prefix); }

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && HasAt(s, s.size() - suffix.size(), suffix);
}

// The number of UTF-8 characters (a stray byte counts as one).
std::size_t CharCount(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// The offending value cut to a length a message can carry (a megabyte cell
// must not become a megabyte log line) without splitting a UTF-8 character.
std::string_view Clip(std::string_view value) {
  constexpr std::size_t kMaxBytes = 60;
  if (value.size() <= kMaxBytes) return value;
  std::size_t cut = kMaxBytes;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  return value.substr(0, cut);
}

// The offending value in Chinese quotes, clipped, with … when cut.
std::string Quote(std::string_view value) {
  std::string_view clipped = Clip(value);
  std::string out = "“";
  out.append(clipped);
  if (clipped.size() < value.size()) out.append("…");
  out.append("”");
  return out;
}

template <typename Int>
std::string IntText(Int value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

// Decimal bounds as offices read them: 0.5 and 1000000, never 1e+06.
std::string DoubleText(double value) {
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

// ---------------------------------------------------------------------------
// Calendar (proleptic Gregorian, as GB/T 7408 dates are)

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2100;

constexpr bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int DaysInMonth(int y, int m) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

constexpr bool IsRealDate(int y, int m, int d) {
  return m >= 1 && m <= 12 && d >= 1 && d <= DaysInMonth(y, m);
}

// ---------------------------------------------------------------------------
// ID numbers (GB 11643-1999)

// The province-level codes of GB/T 2260 (11 北京 … 65 新疆, 71 台湾, 81 香港,
// 82 澳门) and 83, which the 港澳台居民居住证 numbers use.
constexpr std::array<bool, 100> MakeProvinceTable() {
  std::array<bool, 100> ok{};
  constexpr int kRanges[][2] = {{11, 15}, {21, 23}, {31, 37}, {41, 46},
                                {50, 54}, {61, 65}, {71, 71}, {81, 83}};
  for (const auto& r : kRanges) {
    for (int p = r[0]; p <= r[1]; ++p) ok[p] = true;
  }
  return ok;
}
constexpr std::array<bool, 100> kProvinces = MakeProvinceTable();

// ISO 7064 MOD 11-2 as GB 11643-1999 §5.1 gives it: weight W_i = 2^(i-1) mod 11
// for positions counted from the right (check position 1), so positions 18…2
// weigh 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; the check character is the one
// that makes the weighted sum ≡ 1 (mod 11).
constexpr int kIdWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr char kIdCheckCharacters[] = "10X98765432";

Status IdError(std::string_view id, std::string_view problem, std::string_view code) {
  // Only the masked form: error text lands in logs and import reports.
  std::string msg = "身份证号 " + MaskIdNumber(std::string(Clip(id)));
  msg.append(problem);
  msg.append(" (");
  msg.append(code);
  msg.append(")");
  return Status::Invalid(std::move(msg));
}

// ---------------------------------------------------------------------------
// Phones

// The Chinese numbering plan: 3-digit area codes are 010 and 02x (the large
// cities); every other area code is 4 digits (0 + 3).
constexpr std::size_t AreaCodeLength(const char* digits) {
  return digits[1] == '1' || digits[1] == '2' ? 3 : 4;
}

Status PhoneError(std::string_view text) {
  // Phones are personal data like ID numbers (sensitive.hpp): masked here too.
  return Status::Invalid("无法识别的电话号码“" + MaskPhone(std::string(Clip(Trim(text)))) +
                         "”,应为11位手机号或带区号的固定电话,如 13812345678、0355-1234567 (phone_format)");
}

// ---------------------------------------------------------------------------
// Region codes

constexpr std::size_t CodeLength(RegionLevel level) {
  switch (level) {
    case RegionLevel::kCounty:
      return 6;
    case RegionLevel::kTownship:
    case RegionLevel::kVillage:
      return 12;
    case RegionLevel::kGrid:
      return 15;
  }
  return 0;
}

// 统计用区划代码: 6 county digits, 3 township (000 for the county itself),
// 3 village (000 for the township itself); a grid adds 3 after a village.
std::optional<RegionLevel> LevelOfDigits(std::string_view code) {
  if (!AllDigits(code)) return std::nullopt;
  switch (code.size()) {
    case 6:
      return RegionLevel::kCounty;
    case 12:
      if (HasAt(code, 6, "000"sv)) return std::nullopt;  // the county, written in 12 digits
      return HasAt(code, 9, "000"sv) ? RegionLevel::kTownship : RegionLevel::kVillage;
    case 15:
      if (LevelOfDigits(code.substr(0, 12)) != RegionLevel::kVillage) return std::nullopt;
      return RegionLevel::kGrid;
    default:
      return std::nullopt;
  }
}

Status RegionFormatError(std::string_view text) {
  return Status::Invalid("区划代码" + Quote(text) +
                         "格式不对,应为6位县级代码、12位乡镇或村代码、15位网格代码 (region_code_format)");
}

// ---------------------------------------------------------------------------
// Dates

Status DateError(std::string_view text) {
  return Status::Invalid("无法识别的日期" + Quote(text) +
                         ",可写作 2024-03-07、2024/3/7、2024.3.7、2024年3月7日、20240307 (date_format)");
}

Result<Date> CheckedDate(std::string_view text, int y, int m, int d) {
  if (y < kMinYear || y > kMaxYear) {
    return Status::Invalid("日期" + Quote(text) + "的年份应在 1900–2100 之间 (date_format)");
  }
  if (!IsRealDate(y, m, d)) return Status::Invalid("日期" + Quote(text) + "不存在 (date_format)");
  return Date{y, m, d};
}

// A cursor over the date text, reading the pieces in order.
struct Scanner {
  std::string_view s;
  std::size_t i = 0;

  bool Done() const { return i == s.size(); }
  bool Eat(std::string_view lit) {
    if (!HasAt(s, i, lit)) return false;
    i += lit.size();
    return true;
  }
  // min_len to max_len digits.
  bool Digits(std::size_t min_len, std::size_t max_len, int& out) {
    std::size_t start = i;
    int v = 0;
    while (i < s.size() && i - start < max_len && IsDigit(s[i])) v = v * 10 + (s[i++] - '0');
    if (i - start < min_len) return false;
    out = v;
    return true;
  }
  // An optional time of day after a date: " 10:30", " 10:30:00", "T10:30:00",
  // as Excel and ISO 8601 write datetimes. The date part is what we keep.
  bool OptionalTime() {
    if (Done()) return true;
    if (!Eat(" "sv) && !Eat("T"sv)) return false;
    int h = 0, min = 0, sec = 0;
    if (!Digits(1, 2, h) || !Eat(":"sv) || !Digits(2, 2, min)) return false;
    if (Eat(":"sv) && !Digits(2, 2, sec)) return false;
    return Done() && h < 24 && min < 60 && sec < 60;
  }
};

// Excel's 1900 date system: serial 1 is 1900-01-01, and serial 60 is the
// 1900-02-29 Lotus 1-2-3 invented and Excel kept for compatibility, so every
// serial after it is one day ahead of the calendar. 2958465 is 9999-12-31.
constexpr long kMaxExcelSerial = 2958465;
constexpr long kExcelLeapBug = 60;

Result<Date> DateFromSerial(std::string_view text, long serial) {
  if (serial < 1 || serial > kMaxExcelSerial) return DateError(text);
  if (serial == kExcelLeapBug) {
    return Status::Invalid("Excel 日期序号" + Quote(text) + "对应不存在的 1900-02-29 (date_format)");
  }
  const long base = serial < kExcelLeapBug ? DaysFromDate({1899, 12, 31}) : DaysFromDate({1899, 12, 30});
  Date d = DateFromDays(base + serial);
  return CheckedDate(text, d.year, d.month, d.day);
}

// ---------------------------------------------------------------------------
// Enumerations

template <typename E>
Status EnumError(const EnumTable<E>& table, std::string_view text) {
  std::string msg(table.noun);
  if (text.empty()) {
    msg.append("为空");
  } else {
    msg.insert(0, "无法识别的");
    msg.append(Quote(text));
  }
  msg.append(",可填:");
  bool first = true;
  for (const EnumRow<E>& row : table.rows) {
    if (!first) msg.append("、");
    first = false;
    msg.append(row.label);
  }
  msg.append(" (enum_value)");
  return Status::Invalid(std::move(msg));
}

// The token, the label or a synonym, compared whole after trimming. Does not
// allocate unless it fails.
template <typename E>
Result<E> ParseEnum(std::string_view text) {
  const EnumTable<E>& table = internal::TableOf(E{});
  std::string_view t = Trim(text);
  if (!t.empty()) {
    for (const internal::Spelling<E>& s : internal::kSpellings<E>) {
      if (EqualsIgnoreAsciiCase(t, s.text)) return s.value;
    }
  }
  return EnumError(table, t);
}

struct YesNoRow {
  std::string_view text;
  bool value;
};
// How offices tick a box: 是/否, 有/无, Y/N, yes/no, 1/0, true/false, and
// the marks √/× and ✓/✗.
constexpr YesNoRow kYesNo[] = {
    {"是", true}, {"否", false}, {"y", true},    {"n", false},     {"yes", true}, {"no", false},
    {"1", true},  {"0", false},  {"true", true}, {"false", false}, {"有", true},  {"无", false},
    {"√", true},  {"×", false},  {"✓", true},    {"✗", false},
};

// ---------------------------------------------------------------------------
// Lists

// The length of a list separator at s[i], or 0: 、，,；;/|／｜ and spaces.
std::size_t SeparatorAt(std::string_view s, std::size_t i) {
  switch (s[i]) {
    case ',':
    case ';':
    case '/':
    case '|':
      return 1;
    default:
      break;
  }
  if (std::size_t n = SpaceAt(s, i); n != 0) return n;
  if (static_cast<unsigned char>(s[i]) < 0x80) return 0;
  for (std::string_view sep : {"、"sv, "，"sv, "；"sv, "／"sv, "｜"sv}) {
    if (HasAt(s, i, sep)) return sep.size();
  }
  return 0;
}

// Calls f(item) for each non-empty item between separators, without copying.
template <typename F>
void ForEachItem(std::string_view s, F&& f) {
  std::size_t start = 0, i = 0;
  while (i < s.size()) {
    std::size_t n = SeparatorAt(s, i);
    if (n == 0) {
      ++i;
      continue;
    }
    if (i > start) f(std::string_view(s.data() + start, i - start));
    i += n;
    start = i;
  }
  if (i > start) f(std::string_view(s.data() + start, i - start));
}

constexpr std::string_view kTradeLabel = "技能";

// Needs and skills: each item a dictionary label or synonym; with `trades`,
// "技能:X" (or "技能：X") names a trade when the dictionary has 技能.
Result<std::vector<std::string>> ParseTags(std::string_view text, const Dictionary& dict, bool trades,
                                           std::string_view noun, std::string_view code) {
  std::vector<std::string_view> items;
  ForEachItem(text, [&](std::string_view item) { items.push_back(item); });

  bool trade_allowed = false;
  if (trades) {
    for (const Dictionary::Entry& e : dict.entries) trade_allowed = trade_allowed || e.label == kTradeLabel;
  }
  std::vector<char> hit(dict.entries.size(), 0);
  std::vector<std::string> named_trades;
  std::vector<std::string_view> unknown;
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string_view item = items[i];
    if (trades && (StartsWith(item, "技能:"sv) || StartsWith(item, "技能："sv))) {
      std::string_view trade = item.substr(item[6] == ':' ? 7 : 9);
      // "技能: 电焊" splits at the space; the trade is the next item.
      if (trade.empty() && i + 1 < items.size()) trade = items[++i];
      if (trade.empty() || !trade_allowed) {
        unknown.push_back(item);
        continue;
      }
      std::string canonical = "技能:" + std::string(trade);
      bool seen = false;
      for (const std::string& t : named_trades) seen = seen || t == canonical;
      if (!seen) named_trades.push_back(std::move(canonical));
      continue;
    }
    bool found = false;
    for (std::size_t k = 0; k < dict.entries.size() && !found; ++k) {
      const Dictionary::Entry& e = dict.entries[k];
      found = e.label == item;
      for (const std::string& synonym : e.synonyms) found = found || synonym == item;
      if (found) hit[k] = 1;
    }
    if (!found) unknown.push_back(item);
  }

  if (!unknown.empty()) {
    std::string msg = "无法识别的";
    msg.append(noun);
    for (std::size_t i = 0; i < unknown.size(); ++i) {
      if (i > 0) msg.append("、");
      msg.append(Quote(unknown[i]));
    }
    msg.append(",可填:");
    for (std::size_t k = 0; k < dict.entries.size(); ++k) {
      if (k > 0) msg.append("、");
      msg.append(dict.entries[k].label);
      if (trade_allowed && dict.entries[k].label == kTradeLabel) msg.append(" 或 技能:工种");
    }
    msg.append(" (");
    msg.append(code);
    msg.append(")");
    return Status::Invalid(std::move(msg));
  }

  std::vector<std::string> out;
  for (std::size_t k = 0; k < dict.entries.size(); ++k) {
    if (hit[k]) out.push_back(dict.entries[k].label);
  }
  for (std::string& t : named_trades) out.push_back(std::move(t));
  return out;
}

// ---------------------------------------------------------------------------
// Numbers

struct Unit {
  std::string_view suffix;
  int scale;  // a power of ten: 万 is 10^4
};
// Longer suffixes first, so 万元 is not read as 元.
constexpr Unit kUnits[] = {{"万元", 4}, {"万", 4}, {"元", 0}, {"亩", 0}, {"人", 0}, {"口", 0}, {"户", 0}};

// A number's digits as parsed: sign, significant integer digits (none for
// zero) and fraction digits, with a unit's power of ten already applied by
// moving the decimal point, so 1.5万元 is exactly 15000. Fixed buffers: an
// import parses millions of these and should not allocate.
struct Digits {
  bool negative = false;
  char integer[80];
  std::size_t integer_len = 0;
  char fraction[80];
  std::size_t fraction_len = 0;

  // Appends an integer digit, dropping leading zeros; false when full.
  bool PushInteger(char c) {
    if (integer_len == 0 && c == '0') return true;
    if (integer_len == sizeof integer) return false;
    integer[integer_len++] = c;
    return true;
  }
};

enum class Scan { kOk, kFormat, kTooBig };

Status NumberFormatError(std::string_view text) {
  return Status::Invalid("无法识别的数值" + Quote(text) +
                         ",应为数字,可带单位 元、万元、亩、人、口、户 (number_format)");
}

// Grammar: [+-] digits [(,|，) 3 digits]… [. digits] [unit]. Thousands
// separators must group by three, so a European decimal comma (1,5) is an
// error rather than fifteen. Nothing else (no exponent, nan or inf) passes.
Scan ScanNumber(std::string_view t, Digits& out) {
  int scale = 0;
  for (const Unit& u : kUnits) {
    if (EndsWith(t, u.suffix)) {
      t = Trim(t.substr(0, t.size() - u.suffix.size()));
      scale = u.scale;
      break;
    }
  }
  std::size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) out.negative = t[i++] == '-';

  std::size_t seen = 0;         // digits read, leading zeros included
  std::size_t group = 0;        // digits in the current group
  std::size_t first_group = 0;  // digits before the first separator
  bool grouped = false;
  while (i < t.size()) {
    if (IsDigit(t[i])) {
      if (!out.PushInteger(t[i++])) return Scan::kTooBig;
      ++seen;
      ++group;
    } else if (t[i] == ',' || HasAt(t, i, "，"sv)) {
      if (group == 0 || (grouped && group != 3)) return Scan::kFormat;
      if (!grouped) first_group = group;
      grouped = true;
      group = 0;
      i += t[i] == ',' ? 1 : 3;
    } else {
      break;
    }
  }
  if (grouped && (first_group > 3 || group != 3)) return Scan::kFormat;

  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && IsDigit(t[i])) {
      if (out.fraction_len == sizeof out.fraction) return Scan::kFormat;
      out.fraction[out.fraction_len++] = t[i++];
      ++seen;
    }
  }
  if (i != t.size() || seen == 0) return Scan::kFormat;

  // Move the decimal point right by `scale`.
  const std::size_t moved = std::min<std::size_t>(scale, out.fraction_len);
  for (int k = 0; k < scale; ++k) {
    if (!out.PushInteger(static_cast<std::size_t>(k) < moved ? out.fraction[k] : '0')) return Scan::kTooBig;
  }
  std::memmove(out.fraction, out.fraction + moved, out.fraction_len - moved);
  out.fraction_len -= moved;
  if (out.integer_len == 0) out.integer[out.integer_len++] = '0';
  return Scan::kOk;
}

Status RangeError(std::string_view text, const std::string& min, const std::string& max) {
  return Status::Invalid("数值 " + std::string(Clip(text)) + " 超出范围 [" + min + ", " + max +
                         "] (number_range)");
}

}  // namespace

// ---------------------------------------------------------------------------

std::string Date::ToString() const {
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

// Only the first 17 characters count and a non-digit counts as 0, so any
// input gives a character; ParseIdNumber checks the digits first.
char IdCheckCharacter(std::string_view first17) {
  int sum = 0;
  for (std::size_t i = 0; i < 17 && i < first17.size(); ++i) {
    if (IsDigit(first17[i])) sum += (first17[i] - '0') * kIdWeights[i];
  }
  return kIdCheckCharacters[sum % 11];
}

Result<IdInfo> ParseIdNumber(std::string_view text, const Date& today) {
  std::string_view id = Trim(text);
  // The check character as typed: a digit, X or x, or the full-width Ｘ/ｘ a
  // Chinese input method gives.
  char check = 0;
  if (id.size() == 18) {
    check = id[17] == 'x' ? 'X' : id[17];
  } else if (id.size() == 20 && (EndsWith(id, "Ｘ"sv) || EndsWith(id, "ｘ"sv))) {
    check = 'X';
  } else {
    if (id.size() == 15 && AllDigits(id)) {
      // The pre-1999 15-digit numbers have no check digit and a 2-digit year.
      return IdError(id, " 是15位旧号码,请填写18位身份证号", "id_length");
    }
    return IdError(id, " 应为18位,实为 " + IntText(CharCount(id)) + " 位", "id_length");
  }
  std::string_view first17 = id.substr(0, 17);
  if (!AllDigits(first17) || !(IsDigit(check) || check == 'X')) {
    return IdError(id, " 含有非法字符,应为17位数字加末位数字或X", "id_chars");
  }
  if (!kProvinces[DigitsAt(id, 0, 2)] || HasAt(id, 2, "0000"sv)) {
    return IdError(id, " 的地区码 " + std::string(id.substr(0, 6)) + " 无效", "id_region");
  }
  const Date birth{DigitsAt(id, 6, 4), DigitsAt(id, 10, 2), DigitsAt(id, 12, 2)};
  if (!IsRealDate(birth.year, birth.month, birth.day)) {
    return IdError(id, " 的出生日期不是有效日期", "id_birth_date");
  }
  if (birth.year < kMinYear) return IdError(id, " 的出生日期早于1900年", "id_birth_date");
  if (birth > today) return IdError(id, " 的出生日期晚于今天", "id_birth_date");
  const char expected = IdCheckCharacter(first17);
  if (check != expected) {
    return IdError(id, std::string(" 校验位错误,应为 ") + expected, "id_checksum");
  }

  IdInfo info;
  info.normalized.reserve(18);
  info.normalized.append(first17);
  info.normalized.push_back(check);
  info.birth_date = birth;
  // GB 11643 §4.2.3: the sequence code's last digit is odd for men, even for women.
  info.gender = (id[16] - '0') % 2 == 1 ? Gender::kMale : Gender::kFemale;
  return info;
}

Result<std::string> ParsePhone(std::string_view text) {
  std::string_view s = Trim(text);
  // Digits and where the groups (runs between spaces and hyphens) end, on
  // the stack: this runs for every row of a million-row import.
  constexpr std::size_t kMaxDigits = 24;
  char d[kMaxDigits];
  std::size_t n = 0;
  std::size_t group_ends[6];
  std::size_t groups = 0;
  bool plus = false;
  std::size_t i = 0;
  if (!s.empty() && s[0] == '+') {
    plus = true;
    i = 1;
  }
  while (i < s.size()) {
    std::size_t sep = s[i] == ' ' || s[i] == '-' || s[i] == '\t' ? 1 : HasAt(s, i, "－"sv) ? 3 : 0;
    if (sep != 0) {
      if (groups == 0 ? n > 0 : n > group_ends[groups - 1]) {
        if (groups == std::size(group_ends)) return PhoneError(text);
        group_ends[groups++] = n;
      }
      i += sep;
    } else if (IsDigit(s[i])) {
      if (n == kMaxDigits) return PhoneError(text);
      d[n++] = s[i++];
    } else {
      return PhoneError(text);
    }
  }
  if (n == 0) return PhoneError(text);
  if (groups == 0 || group_ends[groups - 1] != n) {
    if (groups == std::size(group_ends)) return PhoneError(text);
    group_ends[groups++] = n;
  }

  // Mobile: 11 digits 13…–19…, after an optional country code 86.
  const bool country_code = n >= 2 && d[0] == '8' && d[1] == '6';
  if (plus && !country_code) return PhoneError(text);
  const std::size_t start = country_code && (plus || n == 13) ? 2 : 0;
  if (n - start == 11 && d[start] == '1' && d[start + 1] >= '3' && d[start + 1] <= '9') {
    return std::string(d + start, 11);
  }
  if (plus) return PhoneError(text);

  // Landline: area code, 7–8 digit local number, optional extension.
  if (n < 10 || d[0] != '0' || d[1] == '0') return PhoneError(text);
  const std::size_t area = AreaCodeLength(d);
  std::size_t local_end = 0;
  std::size_t next_group = 0;
  if (group_ends[0] == area) {
    // 0355-1234567: the local number is the next group, whole.
    if (groups < 2) return PhoneError(text);
    local_end = group_ends[1];
    next_group = 2;
  } else if (group_ends[0] > area) {
    // 03551234567 (area code run in), possibly then -extension.
    local_end = group_ends[0];
    next_group = 1;
  } else {
    return PhoneError(text);
  }
  const std::size_t local = local_end - area;
  if (local < 7 || local > 8) return PhoneError(text);
  std::size_t ext = 0;
  if (next_group < groups) {
    if (next_group + 1 != groups) return PhoneError(text);
    ext = n - local_end;
    if (ext > 6) return PhoneError(text);
  }
  std::string out;
  out.reserve(area + 1 + local + (ext > 0 ? ext + 1 : 0));
  out.append(d, area);
  out.push_back('-');
  out.append(d + area, local);
  if (ext > 0) {
    out.push_back('-');
    out.append(d + local_end, ext);
  }
  return out;
}

Result<std::string> ParseRegionCode(std::string_view text, RegionLevel level) {
  std::string_view code = Trim(text);
  std::optional<RegionLevel> shape = LevelOfDigits(code);
  if (!shape) {
    if (AllDigits(code) && code.size() == CodeLength(level)) {
      const char* why = code.size() == 12 ? "第7–9位(乡镇)不能为000" : "前12位应为村代码";
      return Status::Invalid("区划代码" + Quote(code) + "不是" + std::string(Label(level)) + "级代码:" + why +
                             " (region_code_level)");
    }
    return RegionFormatError(code);
  }
  if (*shape != level) {
    return Status::Invalid("区划代码" + Quote(code) + "是" + std::string(Label(*shape)) + "级代码,此处应为" +
                           std::string(Label(level)) + "级 (region_code_level)");
  }
  return std::string(code);
}

Result<RegionLevel> RegionLevelOfCode(std::string_view code) {
  code = Trim(code);
  std::optional<RegionLevel> level = LevelOfDigits(code);
  if (!level) return RegionFormatError(code);
  return *level;
}

Status CheckRegionParent(std::string_view child, RegionLevel child_level, std::string_view parent) {
  if (child_level == RegionLevel::kCounty) {
    return Status::Invalid("县级区划" + Quote(child) + "没有上级区划 (region_parent)");
  }
  // Levels are declared top-down, so the parent's is the one before.
  const RegionLevel parent_level = static_cast<RegionLevel>(static_cast<int>(child_level) - 1);
  LX_ASSIGN_OR_RETURN(std::string c, ParseRegionCode(child, child_level));
  LX_ASSIGN_OR_RETURN(std::string p, ParseRegionCode(parent, parent_level));
  // The digits a child shares with its parent: county 6, township 9, village 12.
  const std::size_t shared = child_level == RegionLevel::kTownship  ? 6
                             : child_level == RegionLevel::kVillage ? 9
                                                                    : 12;
  if (c.compare(0, shared, p, 0, shared) != 0) {
    return Status::Invalid("区划代码 " + c + " 不在上级" + std::string(Label(parent_level)) + " " + p +
                           " 之下:前" + IntText(shared) + "位应相同 (region_parent)");
  }
  return Status::Ok();
}

Result<Date> ParseDate(std::string_view text) {
  std::string_view t = Trim(text);
  if (t.empty()) return DateError(t);

  // All digits: 8 are YYYYMMDD, fewer an Excel serial; a fraction after a
  // serial is the time of day, which a date drops.
  std::size_t int_len = 0;
  while (int_len < t.size() && IsDigit(t[int_len])) ++int_len;
  bool numeric = int_len == t.size();
  if (!numeric && int_len > 0 && int_len < 8 && t[int_len] == '.' && int_len + 1 < t.size()) {
    numeric = AllDigits(t.substr(int_len + 1));
  }
  if (numeric) {
    if (int_len == 8 && int_len == t.size()) {
      return CheckedDate(t, DigitsAt(t, 0, 4), DigitsAt(t, 4, 2), DigitsAt(t, 6, 2));
    }
    if (int_len >= 8) return DateError(t);
    long serial = DigitsAt(t, 0, int_len);
    // "2024" or "2024.3" is a year (and month) someone typed, not the serial
    // of a day in 1905: refuse it rather than misread it.
    if (int_len == 4 && serial >= kMinYear && serial <= kMaxYear) return DateError(t);
    return DateFromSerial(t, serial);
  }

  Scanner sc{t};
  int y = 0, m = 0, d = 0;
  if (!sc.Digits(4, 4, y)) return DateError(t);
  if (sc.Eat("年"sv)) {
    // 2024年3月7日 (the 日 is often left off, or written 号).
    if (!sc.Digits(1, 2, m) || !sc.Eat("月"sv) || !sc.Digits(1, 2, d)) return DateError(t);
    if (!sc.Eat("日"sv)) sc.Eat("号"sv);
  } else {
    // 2024-03-07, 2024/3/7, 2024.3.7: the same separator twice.
    if (sc.Done() || (t[sc.i] != '-' && t[sc.i] != '/' && t[sc.i] != '.')) return DateError(t);
    const std::string_view sep(t.data() + sc.i, 1);
    sc.i += 1;
    if (!sc.Digits(1, 2, m) || !sc.Eat(sep) || !sc.Digits(1, 2, d)) return DateError(t);
  }
  if (!sc.OptionalTime()) return DateError(t);
  return CheckedDate(t, y, m, d);
}

Result<RegionLevel> ParseRegionLevel(std::string_view text) { return ParseEnum<RegionLevel>(text); }
Result<Rank> ParseRank(std::string_view text) { return ParseEnum<Rank>(text); }
Result<Education> ParseEducation(std::string_view text) { return ParseEnum<Education>(text); }
Result<UnitStrength> ParseUnitStrength(std::string_view text) { return ParseEnum<UnitStrength>(text); }
Result<Gender> ParseGender(std::string_view text) {
  // A blank gender cell is common in old ledgers; it means not recorded.
  if (Trim(text).empty()) return Gender::kUnknown;
  return ParseEnum<Gender>(text);
}
Result<Housing> ParseHousing(std::string_view text) { return ParseEnum<Housing>(text); }
Result<Labour> ParseLabour(std::string_view text) { return ParseEnum<Labour>(text); }
Result<Health> ParseHealth(std::string_view text) { return ParseEnum<Health>(text); }
Result<OrgKind> ParseOrgKind(std::string_view text) { return ParseEnum<OrgKind>(text); }
Result<OrgRating> ParseOrgRating(std::string_view text) { return ParseEnum<OrgRating>(text); }

Result<bool> ParseYesNo(std::string_view text) {
  std::string_view t = Trim(text);
  if (t.empty()) return false;
  for (const YesNoRow& row : kYesNo) {
    if (EqualsIgnoreAsciiCase(t, row.text)) return row.value;
  }
  return Status::Invalid("无法识别的是否值" + Quote(t) + ",可填:是、否 (enum_value)");
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  ForEachItem(text, [&](std::string_view item) { out.emplace_back(item); });
  return out;
}

Result<std::vector<std::string>> ParseNeeds(std::string_view text, const Dictionary& needs) {
  return ParseTags(text, needs, /*trades=*/false, "需求", "need_unknown");
}

Result<std::vector<std::string>> ParseSkills(std::string_view text, const Dictionary& skills) {
  return ParseTags(text, skills, /*trades=*/true, "技能", "skill_unknown");
}

Result<long long> ParseInteger(std::string_view text, long long min, long long max) {
  std::string_view t = Trim(text);
  Digits digits;
  const Scan scan = ScanNumber(t, digits);
  if (scan == Scan::kFormat) return NumberFormatError(t);
  if (scan == Scan::kTooBig) return RangeError(t, IntText(min), IntText(max));
  for (std::size_t k = 0; k < digits.fraction_len; ++k) {
    if (digits.fraction[k] != '0') return Status::Invalid("数值" + Quote(t) + "应为整数 (number_format)");
  }
  // Read as unsigned so the most negative value parses; then apply the sign.
  unsigned long long magnitude = 0;
  auto [end, ec] = std::from_chars(digits.integer, digits.integer + digits.integer_len, magnitude);
  bool fits = ec == std::errc() && end == digits.integer + digits.integer_len;
  long long value = 0;
  if (fits) {
    constexpr unsigned long long kMaxPositive = static_cast<unsigned long long>(LLONG_MAX);
    if (digits.negative) {
      fits = magnitude <= kMaxPositive + 1;
      value = fits ? static_cast<long long>(0 - magnitude) : 0;
    } else {
      fits = magnitude <= kMaxPositive;
      value = fits ? static_cast<long long>(magnitude) : 0;
    }
  }
  if (!fits || value < min || value > max) return RangeError(t, IntText(min), IntText(max));
  return value;
}

Result<double> ParseDecimal(std::string_view text, double min, double max) {
  std::string_view t = Trim(text);
  Digits digits;
  const Scan scan = ScanNumber(t, digits);
  if (scan == Scan::kFormat) return NumberFormatError(t);
  if (scan == Scan::kTooBig) return RangeError(t, DoubleText(min), DoubleText(max));
  char buf[sizeof digits.integer + sizeof digits.fraction + 2];
  std::size_t n = 0;
  if (digits.negative) buf[n++] = '-';
  std::memcpy(buf + n, digits.integer, digits.integer_len);
  n += digits.integer_len;
  if (digits.fraction_len > 0) {
    buf[n++] = '.';
    std::memcpy(buf + n, digits.fraction, digits.fraction_len);
    n += digits.fraction_len;
  }
  double value = 0;
  auto [end, ec] = std::from_chars(buf, buf + n, value, std::chars_format::fixed);
  bool fits = ec == std::errc() && end == buf + n && std::isfinite(value);
  if (!fits || !(value >= min && value <= max)) return RangeError(t, DoubleText(min), DoubleText(max));
  return value;
}

}  // namespace lianxin
