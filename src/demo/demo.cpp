#include "lianxin/demo.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "demo/names.hpp"
#include "lianxin/config.hpp"
#include "lianxin/validate.hpp"

namespace lianxin {
namespace {

// ---------------------------------------------------------------------------
// The demo's shape: every count and distribution parameter in one place.
// The county preset follows the seed's 壶关县 (「把全县390个村分包到全县各党政单位名下」).
// ---------------------------------------------------------------------------

// Codes. 14 is a real province part (Shanxi, 壶关县's own), so ID numbers
// pass the region check; cities 90–99 under it do not exist, so no code, and
// hence no ID number, can be a real one.
constexpr std::string_view kProvincePart = "14";
constexpr int kDemoCity = 99;           // the city and county presets
constexpr int kFirstProvinceCity = 90;  // province preset: cities 90–99
constexpr int kCitiesPerProvince = 10;
constexpr int kCountiesPerCity = 11;  // counties 01–11 in each city
constexpr int kDemoCountyNumber = 1;  // 149901, named kDemoCountyName

// Regions of one county.
constexpr int kTownshipsPerCounty = 13;
constexpr int kVillagesPerCounty = 390;
constexpr int kVillagesPerTownshipMin = 24;
constexpr int kVillagesPerTownshipMax = 36;
constexpr int kTownshipShuffleSteps = 400;    // random one-village moves that make townships uneven
constexpr double kTownshipIsZhenShare = 0.6;  // 镇 rather than 乡

// Units (党政单位) and their cadres.
constexpr int kUnitsPerCounty = 100;
constexpr int kUnitStaffMin = 8;
constexpr int kUnitStaffMax = 120;
constexpr double kUnitStaffSkew = 2.0;  // staff = min + span·u^skew: many small units, a few large
constexpr int kUnitCadresPerCounty = 4500;
constexpr int kUnitCadresJitter = 150;              // the total moves by up to this much between counties
constexpr int kSectionCadresPerCounty = 300;        // 乡科级, unit heads included
constexpr int kDeputySectionCadresPerCounty = 700;  // 副科级
constexpr int kStrengthNoise = 15;                  // staff ± this decides 单位实力
constexpr int kStrongFromStaff = 60;
constexpr int kWeakBelowStaff = 25;
constexpr int kNamedDeputiesPerUnit = 2;  // the first deputies are titled 副局长 etc.
constexpr int kCadreBirthYearMin = 1962;
constexpr int kCadreBirthYearMax = 2000;
constexpr int kLeaderBirthYearMin = 1965;
constexpr int kLeaderBirthYearMax = 1980;
constexpr double kUnitCadreMaleShare = 0.65;
// 大专/本科 mostly: none, primary, junior, senior, college, bachelor, postgraduate.
constexpr int kUnitCadreEducation[] = {0, 0, 2, 11, 32, 50, 5};
constexpr int kLeaderEducation[] = {0, 0, 0, 0, 10, 70, 20};

// Village party members (农村党员).
constexpr int kVillageMembersMin = 5;  // per village; mean 8
constexpr int kVillageMembersMax = 11;
constexpr int kVillageMemberBirthYearMin = 1950;
constexpr int kVillageMemberBirthYearMax = 1998;
constexpr double kVillageMemberMaleShare = 0.75;
constexpr int kVillageMemberEducation[] = {0, 8, 47, 30, 12, 3, 0};

// Skills: 1–3 dictionary labels, sometimes a named trade (技能:电焊).
constexpr int kSkillsMin = 1;
constexpr int kSkillsMax = 3;
constexpr double kTradeSkillShare = 0.08;
constexpr double kVillageMemberTradeSkillShare = 0.25;
constexpr std::string_view kTradeLabel = "技能";  // a dictionary that lists it admits 技能:X
constexpr std::string_view kTradePrefix = "技能:";

// Party organisations. Ratings: good, fair, average, weak (较差 = 软弱涣散).
constexpr int kBranchRatingWeights[] = {30, 35, 20, 15};
constexpr int kOtherOrgRatingWeights[] = {30, 35, 25, 10};
constexpr int kNonPublicOrgsMin = 36;  // mean 40
constexpr int kNonPublicOrgsMax = 44;
constexpr int kSocialOrgsMin = 26;  // mean 30
constexpr int kSocialOrgsMax = 34;
constexpr double kSocialOrgInTownshipShare = 0.3;  // the rest are county-wide
constexpr std::string_view kBranchSuffix = "党支部";

// Households (一户一档).
constexpr int kHouseholdsPerVillageMin = 120;
constexpr int kHouseholdsPerVillageMax = 400;
constexpr double kHouseholdsPerVillageSkew = 1.52;  // mean 120 + 280/2.52 ≈ 231 → ~90 k per county
constexpr int kHouseholdSizeWeights[] = {12, 20, 22, 24, 13, 6, 3};  // sizes 1–7, mean ≈ 3.36
constexpr double kHouseholdPhoneShare = 0.85;
constexpr double kMedianIncome = 9000;  // 人均纯收入, yuan
constexpr double kIncomeSpread = 0.55;  // σ of log income: ~5 % of households under 4,000
constexpr double kNoFullLabourIncomeFactor = 0.6;
constexpr double kSeriousIllnessIncomeFactor = 0.7;
constexpr std::int64_t kIncomeFloor = 800;
constexpr std::int64_t kIncomeRounding = 10;
constexpr int kHousingWeights[] = {60, 37, 3};  // safe, ordinary, dangerous (危房)
constexpr double kLandMaxMu = 15;
constexpr double kLandSkew = 1.4;
constexpr double kLandlessShare = 0.08;

// People in a household.
constexpr int kReferenceYear = 2024;  // ages count to this year; no one is born after it
constexpr int kEarliestBirthYear = 1920;
constexpr int kHeadAgeMin = 25;
constexpr int kHeadAgeMax = 85;
constexpr int kMaxAge = 95;
constexpr double kHeadMaleShare = 0.85;
constexpr double kChildMaleShare = 0.52;
constexpr double kSpouseShareOfPairs = 0.75;  // a two-person household is a couple
constexpr double kSpouseShareOfLarger = 0.9;
constexpr int kGrandparentHeadAge = 55;  // an older head lives with a grown child and grandchildren
constexpr double kThreeGenerationShare = 0.5;
constexpr int kYoungHeadAge = 50;  // a younger head may keep his parents
constexpr double kParentShare = 0.35;
constexpr double kSecondParentShare = 0.4;
constexpr int kGenerationGapMin = 20;
constexpr int kGenerationGapMax = 38;
constexpr double kTwoCharGivenNameShare = 0.65;
constexpr double kSurnameSkew = 1.8;  // the common surnames come first in the table
constexpr double kDisabledShare = 0.03;
constexpr double kSeriousShare = 0.02;
constexpr double kChronicShare = 0.05;
constexpr int kSchoolAge = 6;
constexpr int kWorkingAge = 16;
constexpr int kAdultAge = 18;
constexpr int kOldAge = 60;
constexpr int kVeryOldAge = 70;
constexpr double kOldWeakLabourShare = 0.5;
constexpr double kVeryOldLostLabourShare = 0.5;
// Adults' education by age band (younger cohorts went to school longer).
struct EducationBand {
  int max_age;
  int weights[7];
};
constexpr EducationBand kAdultEducation[] = {
    {35, {1, 4, 35, 30, 17, 12, 1}},
    {55, {3, 17, 50, 22, 6, 2, 0}},
    {70, {12, 40, 38, 9, 1, 0, 0}},
    {kMaxAge + 1, {35, 45, 17, 3, 0, 0, 0}},
};
constexpr double kSeniorDropoutShare = 0.15;  // 15–17 year-olds still at junior level

// Needs, as shares of the households a rule applies to. Labels are looked up
// in config.needs; a rule whose label the configuration lacks is skipped.
constexpr double kLowIncomeNeedShare = 0.9;  // of households under config.difficulty.income_line
constexpr double kSeriousIllnessNeedShare = 0.8;
constexpr double kWubaoNeedShare = 0.4;  // of elderly people living alone
constexpr double kOutOfSchoolNeedShare = 0.03;
constexpr int kCompulsorySchoolFrom = 7;
constexpr int kCompulsorySchoolTo = 15;
constexpr double kLeftBehindChildNeedShare = 0.05;
constexpr double kJoblessNeedShare = 0.06;
constexpr int kJoblessAgeMax = 50;
constexpr double kLargeFarmNeedShare = 0.4;
constexpr double kLargeFarmFromMu = 12;
constexpr double kRandomNeedShare = 0.05;  // any dictionary need, e.g. 创业意愿
constexpr int kMaxNeeds = 3;

// Mobile prefixes (13x, 15x, 18x, 19x). The last 8 digits come from a
// bijection of [0, 10^8) (a Feistel network on two 4-digit halves), fed a
// distinct number per phone, so no two phones in a run — even a province —
// are equal, yet neighbours do not look alike.
constexpr int kMobilePrefixes[] = {130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151,
                                   152, 153, 155, 156, 157, 158, 159, 180, 181, 182, 183, 184,
                                   185, 186, 187, 188, 189, 191, 193, 195, 196, 197, 198, 199};
constexpr std::uint64_t kPhoneTailHalf = 10'000;
constexpr std::uint64_t kPhoneTailSpace = kPhoneTailHalf * kPhoneTailHalf;
constexpr int kPhoneTailRounds = 4;
constexpr std::uint64_t kPhonesPerCounty = 900'000;  // 110 counties × this < 10^8

// ID sequence numbers (顺序码): the last of the 3 digits is odd for men and
// even for women, so each (county, birth date, gender) has this many numbers.
constexpr int kIdSequencesPerGender = 499;

// County-level leaders (县级领导, 15 in all) and the unit each sits in; a
// leader marked head also leads that unit (单位一把手).
struct LeaderSeat {
  std::string_view unit;
  std::string_view title;
  bool unit_head;
};
constexpr LeaderSeat kLeaderSeats[] = {
    {"县委办公室", "县委书记", false},
    {"县委办公室", "县委副书记", false},
    {"县委办公室", "县委常委、县委办公室主任", true},
    {"县人大常委会办公室", "县人大常委会主任", true},
    {"县人大常委会办公室", "县人大常委会副主任", false},
    {"县政府办公室", "县长", false},
    {"县政府办公室", "常务副县长", false},
    {"县政府办公室", "副县长", false},
    {"县政府办公室", "副县长", false},
    {"县政协办公室", "县政协主席", true},
    {"县政协办公室", "县政协副主席", false},
    {"县纪委监委", "县委常委、县纪委书记、县监委主任", true},
    {"县委组织部", "县委常委、组织部部长", true},
    {"县委宣传部", "县委常委、宣传部部长", true},
    {"县委政法委", "县委常委、政法委书记", true},
};

// The head's title by the ending of the unit's name; first match wins.
struct RoleRule {
  std::string_view suffix;
  std::string_view role;
};
constexpr RoleRule kRoles[] = {
    {"检察院", "检察长"},   {"法院", "院长"},   {"医院", "院长"},   {"保健院", "院长"},
    {"党校", "常务副校长"}, {"学校", "校长"},   {"中学", "校长"},   {"小学", "校长"},
    {"支行", "行长"},       {"银行", "行长"},   {"书店", "经理"},   {"公司", "经理"},
    {"纪委监委", "书记"},   {"政法委", "书记"}, {"团县委", "书记"}, {"部", "部长"},
    {"局", "局长"},         {"馆", "馆长"},     {"段", "段长"},     {"大队", "大队长"},
    {"委员会", "主任"},     {"管委会", "主任"}, {"工会", "主席"},   {"联", "主席"},
    {"协", "主席"},         {"会", "会长"},
};
constexpr std::string_view kDefaultRole = "主任";
constexpr std::string_view kSectionTitle = "一级主任科员";
constexpr std::string_view kDeputySectionTitle = "四级主任科员";
constexpr std::string_view kOrdinaryTitle = "科员";
constexpr std::string_view kBranchSecretaryTitle = "村党支部书记";
constexpr std::string_view kVillageMemberTitle = "党员";

// Need labels the generator correlates with a household's circumstances.
constexpr std::string_view kNeedLowIncome = "低收入";
constexpr std::string_view kNeedDangerousHousing = "危房";
constexpr std::string_view kNeedSeriousIllness = "大病";
constexpr std::string_view kNeedWubao = "五保户";
constexpr std::string_view kNeedOutOfSchool = "失学";
constexpr std::string_view kNeedLeftBehindChild = "留守儿童";
constexpr std::string_view kNeedJobless = "无业劳动力";
constexpr std::string_view kNeedLargeFarm = "种养大户";

constexpr std::string_view kRelationHead = "户主";
constexpr std::string_view kRelationSpouse = "配偶";
constexpr std::string_view kRelationChild = "子女";
constexpr std::string_view kRelationParent = "父母";
constexpr std::string_view kRelationGrandchild = "孙子女";

constexpr int kMaxHouseholdSize = static_cast<int>(std::size(kHouseholdSizeWeights));

// The fixed-width parts of the codes have room for the largest county.
constexpr int kMostCadresPerCounty = kUnitCadresPerCounty + kUnitCadresJitter +
                                     kUnitsPerCounty * static_cast<int>(std::size(kLeaderSeats)) +
                                     kVillagesPerCounty * kVillageMembersMax;
static_assert(kMostCadresPerCounty <= 99'999, "cadre codes have 5 digits");
static_assert(kHouseholdsPerVillageMax <= 9'999, "household codes have 4 digits after the village");
static_assert(kVillagesPerTownshipMax <= 999 && kTownshipsPerCounty <= 999,
              "region codes have 3 digits a level");
static_assert(static_cast<std::uint64_t>(kVillagesPerCounty) * kHouseholdsPerVillageMax +
                      kMostCadresPerCounty <=
                  kPhonesPerCounty,
              "a county's phones fit its share of the tail space");
static_assert(kPhonesPerCounty * kCitiesPerProvince * kCountiesPerCity <= kPhoneTailSpace,
              "a province's phones never share a tail");

// ---------------------------------------------------------------------------
// Randomness: splitmix64 seeds xoshiro256**; ranges are mapped here rather
// than by <random>'s distributions, whose output differs between libraries.
// ---------------------------------------------------------------------------

std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (std::uint64_t& word : state_) word = SplitMix64(seed);
  }

  std::uint64_t Next() {
    const std::uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, n) by multiply-shift; the bias (n / 2^64) is immaterial here.
  std::uint64_t Below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  int Between(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  // Approximately standard normal (Irwin–Hall of four uniforms): bounded
  // tails, no transcendental functions.
  double Normal() { return (Unit() + Unit() + Unit() + Unit() - 2.0) * 1.7320508075688772; }
  template <std::size_t N>
  int Weighted(const int (&weights)[N]) {
    int total = 0;
    for (int w : weights) total += w;
    int draw = static_cast<int>(Below(static_cast<std::uint64_t>(total)));
    for (std::size_t i = 0; i < N; ++i) {
      if (draw < weights[i]) return static_cast<int>(i);
      draw -= weights[i];
    }
    return static_cast<int>(N) - 1;
  }
  template <typename T, std::size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

std::uint64_t PhoneTail(std::uint64_t n, std::uint64_t key) {
  std::uint64_t left = n / kPhoneTailHalf % kPhoneTailHalf;
  std::uint64_t right = n % kPhoneTailHalf;
  for (int round = 0; round < kPhoneTailRounds; ++round) {
    std::uint64_t state = key ^ (right << 8) ^ static_cast<std::uint64_t>(round);
    const std::uint64_t mixed = (left + SplitMix64(state) % kPhoneTailHalf) % kPhoneTailHalf;
    left = right;
    right = mixed;
  }
  return left * kPhoneTailHalf + right;
}

// The first `count` entries of a random permutation of 0..n-1 (distinct picks).
std::vector<int> DistinctPicks(Rng& rng, int n, int count) {
  std::vector<int> order(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  for (int i = 0; i < count && i < n; ++i) {
    const int j = i + static_cast<int>(rng.Below(static_cast<std::uint64_t>(n - i)));
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
  }
  order.resize(static_cast<std::size_t>(std::min(count, n)));
  return order;
}

// ---------------------------------------------------------------------------
// Dates and digits.
// ---------------------------------------------------------------------------

// Days since 1970-01-01, as int: the demo's dates all lie within 1900–2100.
constexpr int DaysFromCivil(int y, int m, int d) { return static_cast<int>(DaysFromDate({y, m, d})); }

constexpr int kFirstBirthDay = DaysFromCivil(kEarliestBirthYear, 1, 1);
constexpr int kLastBirthDay = DaysFromCivil(kReferenceYear, 12, 31);

int RandomDayIn(Rng& rng, int year) {
  const int first = DaysFromCivil(year, 1, 1);
  return first +
         static_cast<int>(rng.Below(static_cast<std::uint64_t>(DaysFromCivil(year + 1, 1, 1) - first)));
}

void AppendDigits(std::string& out, std::uint64_t value, int width) {
  char buffer[20];
  for (int i = width - 1; i >= 0; --i) {
    buffer[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buffer, static_cast<std::size_t>(width));
}

void AppendDate(std::string& out, const Date& date) {
  AppendDigits(out, static_cast<std::uint64_t>(date.year), 4);
  out += '-';
  AppendDigits(out, static_cast<std::uint64_t>(date.month), 2);
  out += '-';
  AppendDigits(out, static_cast<std::uint64_t>(date.day), 2);
}

// Replaces the leading 县 of a unit template with the county's name
// (县委办公室 → 连心县委办公室, 团县委 → 团连心县委).
std::string CountyUnitName(std::string_view county_name, std::string_view unit) {
  constexpr std::string_view kXian = "县";
  const std::size_t at = unit.find(kXian);
  if (at == std::string_view::npos) return std::string(unit);
  std::string out(unit.substr(0, at));
  out += county_name;
  out += unit.substr(at + kXian.size());
  return out;
}

std::string_view HeadRole(std::string_view unit_name) {
  for (const RoleRule& rule : kRoles) {
    if (unit_name.ends_with(rule.suffix)) return rule.role;
  }
  return kDefaultRole;
}

// ---------------------------------------------------------------------------
// ID numbers: county code, birth date, 3-digit sequence, check character.
// Sequences are handed out per (birth date, gender) within the county, so no
// two people of a county share an ID; counties differ in the first 6 digits.
// ---------------------------------------------------------------------------
class IdAllocator {
 public:
  IdAllocator() : used_{std::vector<std::uint16_t>(kDays), std::vector<std::uint16_t>(kDays)} {}

  void Reset(std::string_view county_code) {
    county_code_ = county_code;
    for (std::vector<std::uint16_t>& used : used_) std::fill(used.begin(), used.end(), 0);
  }

  // Writes the ID for someone of `gender` born on `day` into `id` and returns
  // the birth date it encodes. When a date's sequences are spent the person is
  // moved to the nearest later free date (earlier at the end of the range); a
  // county holds at most 390 × 400 × 7 + 10^4 people and the range has
  // ~38,000 dates × 499 sequences per gender, so a free date always exists.
  Date Allocate(int day, Gender gender, std::string& id) {
    std::vector<std::uint16_t>& used = used_[gender == Gender::kFemale ? 1 : 0];
    int index = std::clamp(day, kFirstBirthDay, kLastBirthDay) - kFirstBirthDay;
    int step = 1;
    while (used[static_cast<std::size_t>(index)] >= kIdSequencesPerGender) {
      if (index + step >= kDays) step = -1;
      index += step;
    }
    const int k = used[static_cast<std::size_t>(index)]++;
    const int sequence = gender == Gender::kFemale ? 2 * k + 2 : 2 * k + 1;
    const Date birth = DateFromDays(kFirstBirthDay + index);
    id.clear();
    id += county_code_;
    AppendDigits(id, static_cast<std::uint64_t>(birth.year), 4);
    AppendDigits(id, static_cast<std::uint64_t>(birth.month), 2);
    AppendDigits(id, static_cast<std::uint64_t>(birth.day), 2);
    AppendDigits(id, static_cast<std::uint64_t>(sequence), 3);
    id += IdCheckCharacter(id);
    return birth;
  }

 private:
  static constexpr int kDays = kLastBirthDay - kFirstBirthDay + 1;
  std::string county_code_;
  std::vector<std::uint16_t> used_[2];
};

// ---------------------------------------------------------------------------
// The generator.
// ---------------------------------------------------------------------------

struct CountySpec {
  int city;    // 90–99
  int county;  // 1–11
};

std::vector<CountySpec> CountiesOf(DemoScale scale) {
  std::vector<CountySpec> out;
  switch (scale) {
    case DemoScale::kCounty:
      out.push_back({kDemoCity, kDemoCountyNumber});
      break;
    case DemoScale::kCity:
      for (int d = 1; d <= kCountiesPerCity; ++d) out.push_back({kDemoCity, d});
      break;
    case DemoScale::kProvince:
      for (int c = kFirstProvinceCity; c < kFirstProvinceCity + kCitiesPerProvince; ++c) {
        for (int d = 1; d <= kCountiesPerCity; ++d) out.push_back({c, d});
      }
      break;
  }
  return out;
}

struct Township {
  std::string code;
  std::string name;
};
struct Village {
  std::string code;
  std::string name;
};
struct UnitPlan {
  Unit unit;
  int cadres = 0;
  std::vector<int> seats;  // indexes into kLeaderSeats
};
struct Person {
  std::string_view relation;
  std::string_view surname;
  int age = 0;
  Gender gender = Gender::kMale;
};

int FindNeed(const Config& config, std::string_view label) {
  for (std::size_t i = 0; i < config.needs.size(); ++i) {
    const NeedRule& rule = config.needs[i];
    if (rule.label == label) return static_cast<int>(i);
    for (const std::string& synonym : rule.synonyms) {
      if (synonym == label) return static_cast<int>(i);
    }
  }
  return -1;
}

class Generator {
 public:
  void LimitHouseholdVillages(int villages) { household_villages_ = villages; }
  Generator(std::uint64_t seed, const Config& config, RegistrySink& sink)
      : seed_(seed), config_(config), sink_(sink), rng_(seed) {
    need_low_income_ = FindNeed(config, kNeedLowIncome);
    need_dangerous_housing_ = FindNeed(config, kNeedDangerousHousing);
    need_serious_illness_ = FindNeed(config, kNeedSeriousIllness);
    need_wubao_ = FindNeed(config, kNeedWubao);
    need_out_of_school_ = FindNeed(config, kNeedOutOfSchool);
    need_left_behind_child_ = FindNeed(config, kNeedLeftBehindChild);
    need_jobless_ = FindNeed(config, kNeedJobless);
    need_large_farm_ = FindNeed(config, kNeedLargeFarm);
    for (const Dictionary::Entry& entry : config.skills.entries)
      trades_allowed_ = trades_allowed_ || entry.label == kTradeLabel;
    members_.resize(kMaxHouseholdSize);
  }

  Status County(const CountySpec& spec) {
    county_code_.assign(kProvincePart);
    AppendDigits(county_code_, static_cast<std::uint64_t>(spec.city), 2);
    AppendDigits(county_code_, static_cast<std::uint64_t>(spec.county), 2);
    // Each county draws from its own stream, keyed by its code, so 149901 is
    // the same county in every preset.
    std::uint64_t mix = seed_ ^ (static_cast<std::uint64_t>(spec.city * 100 + spec.county) << 32);
    rng_ = Rng(SplitMix64(mix));
    phone_base_ =
        static_cast<std::uint64_t>((spec.city - kFirstProvinceCity) * kCountiesPerCity + spec.county - 1) *
        kPhonesPerCounty;
    phones_used_ = 0;
    cadres_used_ = 0;
    ids_.Reset(county_code_);
    county_name_ = CountyName(spec);

    LX_RETURN_IF_ERROR(Regions());
    LX_RETURN_IF_ERROR(Units());
    LX_RETURN_IF_ERROR(Orgs());
    LX_RETURN_IF_ERROR(UnitCadres());
    LX_RETURN_IF_ERROR(VillageMembers());
    return Households();
  }

 private:
  static std::string CountyName(const CountySpec& spec) {
    if (spec.city == kDemoCity && spec.county == kDemoCountyNumber) return std::string(demo::kDemoCountyName);
    // Distinct for every county of the province: (i mod A, i div A) is
    // one-to-one and the second index only shifts within its row.
    constexpr int kA = static_cast<int>(std::size(demo::kCountyFirstChars));
    constexpr int kB = static_cast<int>(std::size(demo::kCountySecondChars));
    const int i = (spec.city - kFirstProvinceCity) * kCountiesPerCity + spec.county - 1;
    std::string name(demo::kCountyFirstChars[i % kA]);
    name += demo::kCountySecondChars[(i / kA + 7 * (i % kA)) % kB];
    name += "县";
    return name;
  }

  Status Regions() {
    LX_RETURN_IF_ERROR(sink_.Add(Region{county_code_, county_name_, RegionLevel::kCounty, ""}));

    // 390 villages over 13 townships, unevenly but within [24, 36] each.
    std::array<int, kTownshipsPerCounty> sizes;
    sizes.fill(kVillagesPerCounty / kTownshipsPerCounty);
    for (int i = 0; i < kVillagesPerCounty % kTownshipsPerCounty; ++i) ++sizes[static_cast<std::size_t>(i)];
    for (int step = 0; step < kTownshipShuffleSteps; ++step) {
      int& to = sizes[rng_.Below(kTownshipsPerCounty)];
      int& from = sizes[rng_.Below(kTownshipsPerCounty)];
      if (&to != &from && to < kVillagesPerTownshipMax && from > kVillagesPerTownshipMin) {
        ++to;
        --from;
      }
    }

    townships_.clear();
    const std::vector<int> township_names =
        DistinctPicks(rng_, static_cast<int>(std::size(demo::kTownshipNames)), kTownshipsPerCounty);
    for (int t = 0; t < kTownshipsPerCounty; ++t) {
      Township township;
      township.code = county_code_;
      AppendDigits(township.code, static_cast<std::uint64_t>(t + 1), 3);
      township.code += "000";
      township.name = demo::kTownshipNames[township_names[static_cast<std::size_t>(t)]];
      township.name += rng_.Chance(kTownshipIsZhenShare) ? "镇" : "乡";
      LX_RETURN_IF_ERROR(
          sink_.Add(Region{township.code, township.name, RegionLevel::kTownship, county_code_}));
      townships_.push_back(std::move(township));
    }

    villages_.clear();
    constexpr int kSecond = static_cast<int>(std::size(demo::kVillageSecondChars));
    const std::vector<int> village_names = DistinctPicks(
        rng_, static_cast<int>(std::size(demo::kVillageFirstChars)) * kSecond, kVillagesPerCounty);
    for (int t = 0; t < kTownshipsPerCounty; ++t) {
      const Township& township = townships_[static_cast<std::size_t>(t)];
      for (int v = 0; v < sizes[static_cast<std::size_t>(t)]; ++v) {
        const int name_index = village_names[villages_.size()];
        Village village;
        village.code = township.code.substr(0, 9);
        AppendDigits(village.code, static_cast<std::uint64_t>(v + 1), 3);
        village.name = demo::kVillageFirstChars[name_index / kSecond];
        village.name += demo::kVillageSecondChars[name_index % kSecond];
        village.name += "村";
        LX_RETURN_IF_ERROR(
            sink_.Add(Region{village.code, village.name, RegionLevel::kVillage, township.code}));
        villages_.push_back(std::move(village));
      }
    }
    return Status::Ok();
  }

  Status Units() {
    units_.clear();
    int total_staff = 0;
    for (int u = 0; u < kUnitsPerCounty; ++u) {
      UnitPlan plan;
      plan.unit.code = county_code_ + "U";
      AppendDigits(plan.unit.code, static_cast<std::uint64_t>(u + 1), 3);
      plan.unit.name = CountyUnitName(county_name_, UnitTemplate(u));
      plan.unit.county_code = county_code_;
      plan.unit.staff = kUnitStaffMin + static_cast<int>(std::lround((kUnitStaffMax - kUnitStaffMin) *
                                                                     std::pow(rng_.Unit(), kUnitStaffSkew)));
      const int judged = plan.unit.staff + rng_.Between(-kStrengthNoise, kStrengthNoise);
      plan.unit.strength = judged >= kStrongFromStaff ? UnitStrength::kStrong
                           : judged < kWeakBelowStaff ? UnitStrength::kWeak
                                                      : UnitStrength::kMedium;
      if (u < static_cast<int>(std::size(demo::kUnitNames))) {
        for (int s = 0; s < static_cast<int>(std::size(kLeaderSeats)); ++s) {
          if (kLeaderSeats[s].unit == demo::kUnitNames[u]) plan.seats.push_back(s);
        }
      }
      total_staff += plan.unit.staff;
      units_.push_back(std::move(plan));
    }
    // Cadres in proportion to staff, by cumulative rounding so they sum to the target.
    const int target = kUnitCadresPerCounty + rng_.Between(-kUnitCadresJitter, kUnitCadresJitter);
    std::int64_t cumulative = 0;
    int assigned = 0;
    for (UnitPlan& plan : units_) {
      cumulative += plan.unit.staff;
      const int upto = static_cast<int>(cumulative * target / total_staff);
      // Every leader seat and the head need a cadre.
      plan.cadres = std::max(upto - assigned, static_cast<int>(plan.seats.size()) + 1);
      assigned += plan.cadres;
      LX_RETURN_IF_ERROR(sink_.Add(plan.unit));
    }
    return Status::Ok();
  }

  static std::string UnitTemplate(int u) {
    constexpr int kNamed = static_cast<int>(std::size(demo::kUnitNames));
    if (u < kNamed) return std::string(demo::kUnitNames[u]);
    // 县第一中学, 县第一小学, 县第二中学, …
    const int n = u - kNamed;
    constexpr int kKinds = static_cast<int>(std::size(demo::kNumberedSchools));
    std::string name = "县第";
    name += demo::kNumerals[static_cast<std::size_t>(n / kKinds) % std::size(demo::kNumerals)];
    name += demo::kNumberedSchools[n % kKinds];
    return name;
  }

  OrgRating Rating(const int (&weights)[4]) { return static_cast<OrgRating>(rng_.Weighted(weights)); }

  Status Orgs() {
    Org org;
    org.kind = OrgKind::kVillageBranch;
    for (const Village& village : villages_) {
      org.code = village.code + "B";
      org.name = village.name + std::string(kBranchSuffix);
      org.region_code = village.code;
      org.rating = Rating(kBranchRatingWeights);
      LX_RETURN_IF_ERROR(sink_.Add(org));
    }

    org.kind = OrgKind::kNonPublic;
    constexpr int kIndustries = static_cast<int>(std::size(demo::kCompanyIndustries));
    const int non_public = rng_.Between(kNonPublicOrgsMin, kNonPublicOrgsMax);
    const std::vector<int> companies =
        DistinctPicks(rng_, static_cast<int>(std::size(demo::kCompanyBrands)) * kIndustries, non_public);
    for (std::size_t i = 0; i < companies.size(); ++i) {
      org.code = county_code_ + "N";
      AppendDigits(org.code, i + 1, 3);
      org.name = demo::kCompanyBrands[companies[i] / kIndustries];
      org.name += demo::kCompanyIndustries[companies[i] % kIndustries];
      org.name += demo::kCompanySuffix;
      org.name += kBranchSuffix;
      org.region_code = townships_[rng_.Below(townships_.size())].code;
      org.rating = Rating(kOtherOrgRatingWeights);
      LX_RETURN_IF_ERROR(sink_.Add(org));
    }

    org.kind = OrgKind::kSocial;
    const int social = rng_.Between(kSocialOrgsMin, kSocialOrgsMax);
    const std::vector<int> associations =
        DistinctPicks(rng_, static_cast<int>(std::size(demo::kSocialOrgNames)), social);
    for (std::size_t i = 0; i < associations.size(); ++i) {
      org.code = county_code_ + "S";
      AppendDigits(org.code, i + 1, 3);
      if (rng_.Chance(kSocialOrgInTownshipShare)) {
        const Township& township = townships_[rng_.Below(townships_.size())];
        org.name = township.name;
        org.region_code = township.code;
      } else {
        org.name = county_name_;
        org.region_code = county_code_;
      }
      org.name += demo::kSocialOrgNames[associations[i]];
      org.name += kBranchSuffix;
      org.rating = Rating(kOtherOrgRatingWeights);
      LX_RETURN_IF_ERROR(sink_.Add(org));
    }
    return Status::Ok();
  }

  // ---- people ----

  std::string_view Surname() {
    constexpr double kCount = static_cast<double>(std::size(demo::kSurnames));
    return demo::kSurnames[static_cast<std::size_t>(kCount * std::pow(rng_.Unit(), kSurnameSkew))];
  }

  std::string_view OtherSurname(std::string_view avoid) {
    std::string_view surname = Surname();
    return surname == avoid ? Surname() : surname;
  }

  void Name(std::string& out, std::string_view surname, Gender gender) {
    out.assign(surname);
    const int chars = rng_.Chance(kTwoCharGivenNameShare) ? 2 : 1;
    for (int i = 0; i < chars; ++i) {
      out +=
          gender == Gender::kFemale ? rng_.Pick(demo::kFemaleGivenChars) : rng_.Pick(demo::kMaleGivenChars);
    }
  }

  void NextPhone(Phone& phone) {
    // The counter is per county and capped, so the tails of a province never meet.
    const std::uint64_t n = phone_base_ + phones_used_++;
    const std::uint64_t tail = PhoneTail(n, seed_);
    std::string text;
    text.reserve(11);
    AppendDigits(text, static_cast<std::uint64_t>(rng_.Pick(kMobilePrefixes)), 3);
    AppendDigits(text, tail, 8);
    phone = Phone(std::move(text));
  }

  // Fills skills with 1–3 dictionary labels in dictionary order, sometimes a trade.
  void Skills(std::vector<std::string>& skills, double trade_share) {
    skills.clear();
    const int labels = static_cast<int>(config_.skills.entries.size());
    if (labels > 0) {
      std::vector<int> picks = DistinctPicks(rng_, labels, rng_.Between(kSkillsMin, kSkillsMax));
      std::sort(picks.begin(), picks.end());
      for (int pick : picks) skills.push_back(config_.skills.entries[static_cast<std::size_t>(pick)].label);
    }
    if (trades_allowed_ && rng_.Chance(trade_share))
      skills.push_back(std::string(kTradePrefix) + std::string(rng_.Pick(demo::kTrades)));
  }

  Status EmitCadre(Cadre& cadre, int birth_year_min, int birth_year_max, double male_share,
                   double trade_share) {
    cadre.code = county_code_ + "C";
    AppendDigits(cadre.code, static_cast<std::uint64_t>(++cadres_used_), 5);
    cadre.gender = rng_.Chance(male_share) ? Gender::kMale : Gender::kFemale;
    Name(cadre.name, Surname(), cadre.gender);
    std::string id;
    ids_.Allocate(RandomDayIn(rng_, rng_.Between(birth_year_min, birth_year_max)), cadre.gender, id);
    cadre.id_number = IdNumber(std::move(id));
    NextPhone(cadre.phone);
    Skills(cadre.skills, trade_share);
    return sink_.Add(cadre);
  }

  Status UnitCadres() {
    // Shares of the non-leader, non-head cadres that are 乡科级 and 副科级.
    int heads_from_pool = 0;
    int pool = 0;
    for (const UnitPlan& plan : units_) {
      const bool leader_heads =
          std::any_of(plan.seats.begin(), plan.seats.end(), [](int s) { return kLeaderSeats[s].unit_head; });
      if (!leader_heads) ++heads_from_pool;
      pool += plan.cadres - static_cast<int>(plan.seats.size()) - (leader_heads ? 0 : 1);
    }
    const double section_share =
        static_cast<double>(std::max(0, kSectionCadresPerCounty - heads_from_pool)) / std::max(1, pool);
    const double deputy_share = static_cast<double>(kDeputySectionCadresPerCounty) / std::max(1, pool);

    Cadre cadre;
    cadre.village_code.clear();
    for (const UnitPlan& plan : units_) {
      cadre.unit_code = plan.unit.code;
      const std::string_view role = HeadRole(plan.unit.name);
      bool head_given = false;
      for (int s : plan.seats) {
        cadre.rank = Rank::kCounty;
        cadre.education = static_cast<Education>(rng_.Weighted(kLeaderEducation));
        cadre.title = kLeaderSeats[s].title;
        cadre.unit_head = kLeaderSeats[s].unit_head;
        head_given = head_given || cadre.unit_head;
        LX_RETURN_IF_ERROR(EmitCadre(cadre, kLeaderBirthYearMin, kLeaderBirthYearMax, kUnitCadreMaleShare,
                                     kTradeSkillShare));
      }
      int deputies = 0;
      for (int c = static_cast<int>(plan.seats.size()); c < plan.cadres; ++c) {
        cadre.education = static_cast<Education>(rng_.Weighted(kUnitCadreEducation));
        cadre.unit_head = false;
        if (!head_given) {
          cadre.rank = Rank::kSection;
          cadre.title = role;
          cadre.unit_head = true;
          head_given = true;
        } else {
          const double draw = rng_.Unit();
          if (draw < section_share) {
            cadre.rank = Rank::kSection;
            cadre.title = kSectionTitle;
          } else if (draw < section_share + deputy_share) {
            cadre.rank = Rank::kDeputySection;
            cadre.title = deputies++ < kNamedDeputiesPerUnit ? "副" + std::string(role)
                                                             : std::string(kDeputySectionTitle);
          } else {
            cadre.rank = Rank::kOrdinary;
            cadre.title = kOrdinaryTitle;
          }
        }
        LX_RETURN_IF_ERROR(
            EmitCadre(cadre, kCadreBirthYearMin, kCadreBirthYearMax, kUnitCadreMaleShare, kTradeSkillShare));
      }
    }
    return Status::Ok();
  }

  Status VillageMembers() {
    Cadre cadre;
    cadre.unit_code.clear();
    cadre.rank = Rank::kVillageMember;
    cadre.unit_head = false;
    for (const Village& village : villages_) {
      cadre.village_code = village.code;
      const int count = rng_.Between(kVillageMembersMin, kVillageMembersMax);
      for (int i = 0; i < count; ++i) {
        cadre.title = i == 0 ? kBranchSecretaryTitle : kVillageMemberTitle;
        cadre.education = static_cast<Education>(rng_.Weighted(kVillageMemberEducation));
        LX_RETURN_IF_ERROR(EmitCadre(cadre, kVillageMemberBirthYearMin, kVillageMemberBirthYearMax,
                                     kVillageMemberMaleShare, kVillageMemberTradeSkillShare));
      }
    }
    return Status::Ok();
  }

  // ---- households ----

  int ChildAge(int parent_age) {
    const int age = parent_age - rng_.Between(kGenerationGapMin, kGenerationGapMax);
    return age >= 0 ? age : rng_.Between(0, std::max(0, parent_age - kGenerationGapMin));
  }

  Gender ChildGender() { return rng_.Chance(kChildMaleShare) ? Gender::kMale : Gender::kFemale; }

  // Who lives in a household of `size`: the head first, then a spouse,
  // then either a grown child with grandchildren (older heads) or parents
  // and children (younger heads).
  int Compose(int size) {
    int n = 0;
    const int head_age =
        kHeadAgeMin + static_cast<int>((rng_.Unit() + rng_.Unit()) / 2 * (kHeadAgeMax - kHeadAgeMin));
    const Gender head_gender = rng_.Chance(kHeadMaleShare) ? Gender::kMale : Gender::kFemale;
    const Gender other_gender = head_gender == Gender::kMale ? Gender::kFemale : Gender::kMale;
    const std::string_view surname = Surname();
    people_[n++] = {kRelationHead, surname, head_age, head_gender};
    if (n < size && rng_.Chance(size == 2 ? kSpouseShareOfPairs : kSpouseShareOfLarger)) {
      const int age = std::clamp(head_age + rng_.Between(-4, 4), kAdultAge + 2, kMaxAge);
      people_[n++] = {kRelationSpouse, OtherSurname(surname), age, other_gender};
    }
    if (n < size && head_age >= kGrandparentHeadAge && rng_.Chance(kThreeGenerationShare)) {
      const int child_age = ChildAge(head_age);
      people_[n++] = {kRelationChild, surname, child_age, ChildGender()};
      while (n < size) people_[n++] = {kRelationGrandchild, surname, ChildAge(child_age), ChildGender()};
      return n;
    }
    if (size - n >= 2 && head_age <= kYoungHeadAge && rng_.Chance(kParentShare)) {
      const Gender first = ChildGender();
      const int age =
          std::min(kMaxAge, head_age + rng_.Between(kGenerationGapMin + 2, kGenerationGapMax - 4));
      people_[n++] = {kRelationParent, first == Gender::kMale ? surname : OtherSurname(surname), age, first};
      if (size - n >= 2 && rng_.Chance(kSecondParentShare)) {
        const Gender second = first == Gender::kMale ? Gender::kFemale : Gender::kMale;
        people_[n++] = {kRelationParent, second == Gender::kMale ? surname : OtherSurname(surname),
                        std::clamp(age + rng_.Between(-4, 4), 0, kMaxAge), second};
      }
    }
    while (n < size) people_[n++] = {kRelationChild, surname, ChildAge(head_age), ChildGender()};
    return n;
  }

  Education EducationAt(int age) {
    if (age < kSchoolAge) return Education::kNone;
    if (age < 12) return Education::kPrimary;
    if (age < 15) return Education::kJunior;
    if (age < kAdultAge) return rng_.Chance(kSeniorDropoutShare) ? Education::kJunior : Education::kSenior;
    for (const EducationBand& band : kAdultEducation) {
      if (age <= band.max_age) return static_cast<Education>(rng_.Weighted(band.weights));
    }
    return Education::kNone;
  }

  void MemberHealth(Member& member, int age) {
    const double draw = rng_.Unit();
    member.disability.clear();
    if (draw < kDisabledShare) {
      member.health = Health::kDisabled;
      const int grade = static_cast<int>(rng_.Below(std::size(demo::kDisabilityGrades)));
      member.disability.assign(rng_.Pick(demo::kDisabilityKinds));
      member.disability += demo::kDisabilityGrades[grade];
      member.labour = grade < 2 ? Labour::kLost : Labour::kWeak;  // 一级、二级 are severe
    } else if (draw < kDisabledShare + kSeriousShare) {
      member.health = Health::kSerious;
      member.labour = Labour::kLost;
    } else if (draw < kDisabledShare + kSeriousShare + kChronicShare) {
      member.health = Health::kChronic;
      member.labour = Labour::kWeak;
    } else {
      member.health = Health::kHealthy;
      member.labour = Labour::kFull;
    }
    if (age < kWorkingAge || (age < kAdultAge && member.labour == Labour::kFull)) {
      member.labour = Labour::kNone;  // children and pupils
    } else if (age >= kVeryOldAge && member.labour != Labour::kLost) {
      member.labour = rng_.Chance(kVeryOldLostLabourShare) ? Labour::kLost : Labour::kWeak;
    } else if (age >= kOldAge && member.labour == Labour::kFull && rng_.Chance(kOldWeakLabourShare)) {
      member.labour = Labour::kWeak;
    }
  }

  Status Households() {
    int remaining = household_villages_ > 0 ? household_villages_ : static_cast<int>(villages_.size());
    for (const Village& village : villages_) {
      if (remaining-- == 0) break;
      const int count = kHouseholdsPerVillageMin +
                        static_cast<int>(std::lround((kHouseholdsPerVillageMax - kHouseholdsPerVillageMin) *
                                                     std::pow(rng_.Unit(), kHouseholdsPerVillageSkew)));
      for (int number = 1; number <= count; ++number) LX_RETURN_IF_ERROR(EmitHousehold(village, number));
    }
    return Status::Ok();
  }

  Status EmitHousehold(const Village& village, int number) {
    lianxin::Household& h = household_;
    const int size = Compose(rng_.Weighted(kHouseholdSizeWeights) + 1);

    bool any_full_labour = false, any_serious = false, any_pupil = false, any_child = false,
         any_jobless = false;
    std::string id;
    for (int i = 0; i < size; ++i) {
      const Person& person = people_[static_cast<std::size_t>(i)];
      Member& m = members_[static_cast<std::size_t>(i)];
      const Date birth = ids_.Allocate(RandomDayIn(rng_, kReferenceYear - person.age), person.gender, id);
      const int age = kReferenceYear - birth.year;
      m.id_number = IdNumber(id);
      m.birth_date.clear();
      AppendDate(m.birth_date, birth);
      m.relation.assign(person.relation);
      m.gender = person.gender;
      Name(m.name, person.surname, person.gender);
      m.education = EducationAt(age);
      MemberHealth(m, age);
      any_full_labour = any_full_labour || m.labour == Labour::kFull;
      any_serious = any_serious || m.health == Health::kSerious;
      any_pupil = any_pupil || (age >= kCompulsorySchoolFrom && age <= kCompulsorySchoolTo);
      any_child = any_child || age < kWorkingAge;
      any_jobless = any_jobless || (m.labour == Labour::kFull && age >= kAdultAge && age <= kJoblessAgeMax);
    }

    h.code = village.code;
    AppendDigits(h.code, static_cast<std::uint64_t>(number), 4);
    h.village_code = village.code;
    h.head_name = members_[0].name;
    h.head_id_number = members_[0].id_number;
    if (rng_.Chance(kHouseholdPhoneShare)) {
      NextPhone(h.phone);
    } else {
      h.phone = Phone();
    }
    h.size = size;
    double income = kMedianIncome * std::exp(kIncomeSpread * rng_.Normal());
    if (!any_full_labour) income *= kNoFullLabourIncomeFactor;
    if (any_serious) income *= kSeriousIllnessIncomeFactor;
    h.income_per_capita = std::max<std::int64_t>(
        kIncomeFloor, static_cast<std::int64_t>(std::llround(income / kIncomeRounding)) * kIncomeRounding);
    h.housing = static_cast<Housing>(rng_.Weighted(kHousingWeights));
    h.land_mu = rng_.Chance(kLandlessShare)
                    ? 0.0
                    : std::round(kLandMaxMu * std::pow(rng_.Unit(), kLandSkew) * 10) / 10;
    h.address = village.name;
    h.address += std::to_string(number);
    h.address += "号";

    // Needs follow circumstances first; a random one may join; at most three.
    int needs[kMaxNeeds];
    int count = 0;
    auto add = [&](int need, bool applies, double share) {
      if (need < 0 || !applies || count == kMaxNeeds) return;
      if (!rng_.Chance(share)) return;
      for (int i = 0; i < count; ++i) {
        if (needs[i] == need) return;
      }
      needs[count++] = need;
    };
    const bool elderly_alone = size == 1 && people_[0].age >= kOldAge;
    add(need_dangerous_housing_, h.housing == Housing::kDangerous, 1.0);
    add(need_low_income_, h.income_per_capita < config_.difficulty.income_line, kLowIncomeNeedShare);
    add(need_serious_illness_, any_serious, kSeriousIllnessNeedShare);
    add(need_wubao_, elderly_alone, kWubaoNeedShare);
    add(need_out_of_school_, any_pupil, kOutOfSchoolNeedShare);
    add(need_left_behind_child_, any_child, kLeftBehindChildNeedShare);
    add(need_jobless_, any_jobless, kJoblessNeedShare);
    add(need_large_farm_, h.land_mu >= kLargeFarmFromMu, kLargeFarmNeedShare);
    if (!config_.needs.empty()) {
      add(static_cast<int>(rng_.Below(config_.needs.size())), true, kRandomNeedShare);
    }
    // Dictionary order; an insertion sort of at most three (std::sort here trips GCC 12's -Warray-bounds).
    for (int i = 1; i < count; ++i) {
      for (int j = i; j > 0 && needs[j - 1] > needs[j]; --j) std::swap(needs[j - 1], needs[j]);
    }
    h.needs.clear();
    for (int i = 0; i < count; ++i)
      h.needs.push_back(config_.needs[static_cast<std::size_t>(needs[i])].label);

    ScoreDifficulty(config_, h);
    LX_RETURN_IF_ERROR(sink_.Add(h));
    for (int i = 0; i < size; ++i) {
      Member& m = members_[static_cast<std::size_t>(i)];
      m.household_code = h.code;
      LX_RETURN_IF_ERROR(sink_.Add(m));
    }
    return Status::Ok();
  }

  const std::uint64_t seed_;
  const Config& config_;
  RegistrySink& sink_;
  Rng rng_;
  int need_low_income_, need_dangerous_housing_, need_serious_illness_, need_wubao_, need_out_of_school_,
      need_left_behind_child_, need_jobless_, need_large_farm_;
  bool trades_allowed_ = false;

  // Per-county state: bounded by one county's regions and units, never its households.
  int household_villages_ = 0;
  std::string county_code_;
  std::string county_name_;
  std::vector<Township> townships_;
  std::vector<Village> villages_;
  std::vector<UnitPlan> units_;
  IdAllocator ids_;
  std::uint64_t phone_base_ = 0;
  std::uint64_t phones_used_ = 0;
  int cadres_used_ = 0;
  // Reused for every household, so a household and its members cost no
  // allocations beyond their ID numbers and phone.
  std::array<Person, kMaxHouseholdSize> people_;
  lianxin::Household household_;
  std::vector<Member> members_;
};

}  // namespace

Result<DemoScale> ParseDemoScale(std::string_view text) {
  if (text == "county") return DemoScale::kCounty;
  if (text == "city") return DemoScale::kCity;
  if (text == "province") return DemoScale::kProvince;
  return Status::Usage("演示规模应为 county、city 或 province,而不是 \"" + std::string(text) +
                       "\" (unknown demo scale; expected county, city or province)");
}

Status GenerateDemo(const DemoOptions& options, const Config& config, RegistrySink& sink) {
  Generator generator(options.seed, config, sink);
  generator.LimitHouseholdVillages(options.household_villages);
  for (const CountySpec& county : CountiesOf(options.scale)) LX_RETURN_IF_ERROR(generator.County(county));
  return Status::Ok();
}

}  // namespace lianxin
