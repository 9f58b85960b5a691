// libFuzzer target for the field parsers of validate.hpp: ID numbers, phones,
// dates, numbers, lists, region codes and enumerations. Each parser gets the
// raw bytes (no UTF-8 promised), and what it accepts must keep the contract:
// a valid ID's check character matches, a date is real and reads back, a
// canonical phone reads back as itself, a number lies in its range.
//
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
//     fuzz/id_number_fuzz.cpp src/domain/{status,registry,sensitive,validate}.cpp -o id_number_fuzz
//   ./id_number_fuzz -max_total_time=60 fuzz/corpus/id_number
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lianxin/registry.hpp"
#include "lianxin/sensitive.hpp"
#include "lianxin/validate.hpp"

namespace {

using namespace lianxin;

#define FUZZ_CHECK(cond)                                                            \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (0)

constexpr Date kToday{2025, 6, 30};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

bool IsRealDate(const Date& d) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d.month < 1 || d.month > 12 || d.day < 1) return false;
  bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
  return d.day <= kDays[d.month - 1] + (d.month == 2 && leap ? 1 : 0);
}

// The longest run of ASCII digits: an error message may show a masked ID
// (6 digits, stars, 4) but never 7 digits of one in a row.
std::size_t LongestDigitRun(std::string_view s) {
  std::size_t best = 0, run = 0;
  for (char c : s) {
    run = IsDigit(c) ? run + 1 : 0;
    best = run > best ? run : best;
  }
  return best;
}

// Every error says what it is: kInvalidInput and a "(problem_code)" ending.
void CheckError(const Status& s) {
  FUZZ_CHECK(s.code() == Code::kInvalidInput);
  FUZZ_CHECK(!s.message().empty() && s.message().back() == ')');
}

void FuzzIdNumber(std::string_view text) {
  Result<IdInfo> r = ParseIdNumber(text, kToday);
  if (!r.ok()) {
    CheckError(r.status());
    FUZZ_CHECK(LongestDigitRun(r.status().message()) <= 6);
    return;
  }
  const std::string& id = r->normalized;
  FUZZ_CHECK(id.size() == 18);
  FUZZ_CHECK(AllDigits(std::string_view(id).substr(0, 17)));
  FUZZ_CHECK(IdCheckCharacter(std::string_view(id).substr(0, 17)) == id[17]);
  FUZZ_CHECK(IsRealDate(r->birth_date) && r->birth_date.year >= 1900 && r->birth_date <= kToday);
  std::string digits = r->birth_date.ToString();
  digits.erase(7, 1).erase(4, 1);
  FUZZ_CHECK(id.compare(6, 8, digits) == 0);
  FUZZ_CHECK(r->gender == ((id[16] - '0') % 2 == 1 ? Gender::kMale : Gender::kFemale));
  Result<IdInfo> again = ParseIdNumber(id, kToday);
  FUZZ_CHECK(again.ok() && again->normalized == id && again->birth_date == r->birth_date);
}

void FuzzPhone(std::string_view text) {
  Result<std::string> r = ParsePhone(text);
  if (!r.ok()) {
    CheckError(r.status());
    return;
  }
  const std::string& p = *r;
  if (p.size() == 11 && p[0] == '1') {
    FUZZ_CHECK(AllDigits(p) && p[1] >= '3');
  } else {
    // 0AA-LLLLLLL[L][-E…]: area code, a hyphen, 7–8 digits, optional extension.
    FUZZ_CHECK(p.size() >= 11 && p[0] == '0' && p[1] != '0');
    std::size_t hyphen = p.find('-');
    FUZZ_CHECK(hyphen == 3 || hyphen == 4);
  }
  Result<std::string> again = ParsePhone(p);
  FUZZ_CHECK(again.ok() && *again == p);
}

void FuzzDate(std::string_view text) {
  Result<Date> r = ParseDate(text);
  if (!r.ok()) {
    CheckError(r.status());
    return;
  }
  FUZZ_CHECK(IsRealDate(*r) && r->year >= 1900 && r->year <= 2100);
  std::string iso = r->ToString();
  FUZZ_CHECK(iso.size() == 10);
  Result<Date> again = ParseDate(iso);
  FUZZ_CHECK(again.ok() && *again == *r);
}

void FuzzNumbers(std::string_view text) {
  constexpr long long kBounds[][2] = {{LLONG_MIN, LLONG_MAX}, {-1000000, 1000000}, {0, 100}};
  for (const auto& b : kBounds) {
    Result<long long> r = ParseInteger(text, b[0], b[1]);
    if (!r.ok()) {
      CheckError(r.status());
      continue;
    }
    FUZZ_CHECK(*r >= b[0] && *r <= b[1]);
    // An integer is a decimal too, with the same value.
    Result<double> d = ParseDecimal(text, -1e300, 1e300);
    FUZZ_CHECK(d.ok());
    if (*r > -(1LL << 53) && *r < (1LL << 53)) FUZZ_CHECK(*d == static_cast<double>(*r));
  }
  constexpr double kRanges[][2] = {{-1e300, 1e300}, {0, 100}, {0, 0.5}};
  for (const auto& b : kRanges) {
    Result<double> r = ParseDecimal(text, b[0], b[1]);
    if (!r.ok()) {
      CheckError(r.status());
      continue;
    }
    FUZZ_CHECK(std::isfinite(*r) && *r >= b[0] && *r <= b[1]);
  }
}

void FuzzList(std::string_view text) {
  std::size_t bytes = 0;
  for (const std::string& item : SplitList(text)) {
    FUZZ_CHECK(!item.empty());
    FUZZ_CHECK(text.find(item) != std::string_view::npos);
    FUZZ_CHECK(item.find_first_of(",;/| \t\r\n") == std::string::npos);
    for (std::string_view sep : {"、", "，", "；", "\u3000"}) FUZZ_CHECK(item.find(sep) == std::string::npos);
    bytes += item.size();
  }
  FUZZ_CHECK(bytes <= text.size());

  static const Dictionary kNeeds{{{"低收入", {"贫困户"}}, {"失学", {"辍学"}}}};
  static const Dictionary kSkills{{{"政策", {}}, {"技能", {"手艺"}}}};
  for (bool skills : {false, true}) {
    Result<std::vector<std::string>> r = skills ? ParseSkills(text, kSkills) : ParseNeeds(text, kNeeds);
    if (!r.ok()) {
      CheckError(r.status());
      continue;
    }
    const Dictionary& dict = skills ? kSkills : kNeeds;
    for (std::size_t i = 0; i < r->size(); ++i) {
      const std::string& tag = (*r)[i];
      bool known = skills && tag.rfind("技能:", 0) == 0 && tag.size() > std::string("技能:").size();
      for (const Dictionary::Entry& e : dict.entries) known = known || tag == e.label;
      FUZZ_CHECK(known);
      for (std::size_t j = 0; j < i; ++j) FUZZ_CHECK((*r)[j] != tag);
    }
  }
}

void FuzzRegions(std::string_view text) {
  for (RegionLevel level :
       {RegionLevel::kCounty, RegionLevel::kTownship, RegionLevel::kVillage, RegionLevel::kGrid}) {
    Result<std::string> r = ParseRegionCode(text, level);
    if (!r.ok()) {
      CheckError(r.status());
      continue;
    }
    FUZZ_CHECK(AllDigits(*r));
    Result<RegionLevel> shape = RegionLevelOfCode(*r);
    FUZZ_CHECK(shape.ok() && *shape == level);
  }
  // A code split anywhere: a parent check must never read past either string.
  for (std::size_t cut : {std::size_t{6}, std::size_t{12}}) {
    if (text.size() <= cut) break;
    for (RegionLevel level : {RegionLevel::kTownship, RegionLevel::kVillage, RegionLevel::kGrid}) {
      Status s = CheckRegionParent(text.substr(0, cut), level, text.substr(cut));
      if (!s.ok()) CheckError(s);
    }
  }
}

template <typename E>
void CheckEnum(Result<E> (*parse)(std::string_view), std::string_view text) {
  Result<E> r = parse(text);
  if (!r.ok()) {
    CheckError(r.status());
    return;
  }
  Result<E> by_label = parse(Label(*r));
  Result<E> by_token = parse(Token(*r));
  FUZZ_CHECK(by_label.ok() && *by_label == *r);
  FUZZ_CHECK(by_token.ok() && *by_token == *r);
}

void FuzzEnums(std::string_view text) {
  CheckEnum(ParseRegionLevel, text);
  CheckEnum(ParseRank, text);
  CheckEnum(ParseEducation, text);
  CheckEnum(ParseUnitStrength, text);
  CheckEnum(ParseGender, text);
  CheckEnum(ParseHousing, text);
  CheckEnum(ParseLabour, text);
  CheckEnum(ParseHealth, text);
  CheckEnum(ParseOrgKind, text);
  CheckEnum(ParseOrgRating, text);
  Result<bool> yes = ParseYesNo(text);
  if (!yes.ok()) CheckError(yes.status());
}

void FuzzMasks(std::string_view text) {
  const std::string plain(text);
  if (!IsValidUtf8(text)) {
    (void)MaskIdNumber(plain);
    (void)MaskPhone(plain);
    return;
  }
  std::size_t chars = 0;
  for (char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  for (const std::string& masked : {MaskIdNumber(plain), MaskPhone(plain)}) {
    FUZZ_CHECK(IsValidUtf8(masked));
    // One character per character, and something hidden once there are two.
    std::size_t masked_chars = 0;
    for (char c : masked) masked_chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    FUZZ_CHECK(masked_chars == chars);
    if (chars > 1) FUZZ_CHECK(masked.find('*') != std::string::npos);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  FuzzIdNumber(text);
  const char check = IdCheckCharacter(text);
  FUZZ_CHECK(IsDigit(check) || check == 'X');
  FuzzPhone(text);
  FuzzDate(text);
  FuzzNumbers(text);
  FuzzList(text);
  FuzzRegions(text);
  FuzzEnums(text);
  FuzzMasks(text);
  return 0;
}
