#include "lianxin/registry.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/validate.hpp"

namespace lianxin {
namespace {

// Each enum's values with the token and label the contract fixes (PRODUCT.md
// §1 and the brief), written out here rather than read from the table under
// test, so a changed spelling fails loudly.
template <typename E>
struct Spelled {
  E value;
  std::string_view token;
  std::string_view label;
};

constexpr Spelled<RegionLevel> kRegionLevels[] = {
    {RegionLevel::kCounty, "county", "县"},
    {RegionLevel::kTownship, "township", "乡镇"},
    {RegionLevel::kVillage, "village", "村"},
    {RegionLevel::kGrid, "grid", "网格"},
};
constexpr Spelled<Rank> kRanks[] = {
    {Rank::kCounty, "county", "县级"},
    {Rank::kSection, "section", "乡科级"},
    {Rank::kDeputySection, "deputy_section", "副科级"},
    {Rank::kOrdinary, "ordinary", "一般干部"},
    {Rank::kVillageMember, "village_member", "农村党员"},
};
constexpr Spelled<Education> kEducations[] = {
    {Education::kNone, "none", "文盲"},
    {Education::kPrimary, "primary", "小学"},
    {Education::kJunior, "junior", "初中"},
    {Education::kSenior, "senior", "高中"},
    {Education::kCollege, "college", "大专"},
    {Education::kBachelor, "bachelor", "本科"},
    {Education::kPostgraduate, "postgraduate", "研究生"},
};
constexpr Spelled<UnitStrength> kStrengths[] = {
    {UnitStrength::kStrong, "strong", "强"},
    {UnitStrength::kMedium, "medium", "中"},
    {UnitStrength::kWeak, "weak", "弱"},
};
constexpr Spelled<Gender> kGenders[] = {
    {Gender::kUnknown, "unknown", "未知"},
    {Gender::kMale, "male", "男"},
    {Gender::kFemale, "female", "女"},
};
constexpr Spelled<Housing> kHousings[] = {
    {Housing::kSafe, "safe", "安全"},
    {Housing::kOrdinary, "ordinary", "一般"},
    {Housing::kDangerous, "dangerous", "危房"},
};
constexpr Spelled<Tier> kTiers[] = {
    {Tier::kEasier, "easier", "较小"},
    {Tier::kHarder, "harder", "较大"},
    {Tier::kHardest, "hardest", "最大"},
};
constexpr Spelled<Labour> kLabours[] = {
    {Labour::kFull, "full", "普通劳动力"},
    {Labour::kWeak, "weak", "弱劳动力"},
    {Labour::kLost, "lost", "丧失劳动力"},
    {Labour::kNone, "none", "无劳动力"},
};
constexpr Spelled<Health> kHealths[] = {
    {Health::kHealthy, "healthy", "健康"},
    {Health::kChronic, "chronic", "长期慢性病"},
    {Health::kSerious, "serious", "大病"},
    {Health::kDisabled, "disabled", "残疾"},
};
constexpr Spelled<OrgKind> kOrgKinds[] = {
    {OrgKind::kVillageBranch, "village_branch", "村党支部"},
    {OrgKind::kNonPublic, "non_public", "非公经济组织党组织"},
    {OrgKind::kSocial, "social", "社会组织党组织"},
};
constexpr Spelled<OrgRating> kOrgRatings[] = {
    {OrgRating::kGood, "good", "好"},
    {OrgRating::kFair, "fair", "较好"},
    {OrgRating::kAverage, "average", "一般"},
    {OrgRating::kWeak, "weak", "较差"},
};

template <typename E, std::size_t N>
void ExpectSpellings(const Spelled<E> (&rows)[N]) {
  std::set<std::string_view> tokens, labels;
  for (const Spelled<E>& row : rows) {
    EXPECT_EQ(Token(row.value), row.token);
    EXPECT_EQ(Label(row.value), row.label);
    tokens.insert(Token(row.value));
    labels.insert(Label(row.value));
  }
  // Distinct spellings, or an export would not read back.
  EXPECT_EQ(tokens.size(), N);
  EXPECT_EQ(labels.size(), N);
}

TEST(RegistryEnumTest, TokensAndLabels) {
  ExpectSpellings(kRegionLevels);
  ExpectSpellings(kRanks);
  ExpectSpellings(kEducations);
  ExpectSpellings(kStrengths);
  ExpectSpellings(kGenders);
  ExpectSpellings(kHousings);
  ExpectSpellings(kTiers);
  ExpectSpellings(kLabours);
  ExpectSpellings(kHealths);
  ExpectSpellings(kOrgKinds);
  ExpectSpellings(kOrgRatings);
}

// Parse(Label(x)) == x and Parse(Token(x)) == x for every value, and the
// token in upper case too.
template <typename E, std::size_t N, typename Parse>
void ExpectRoundTrips(const Spelled<E> (&rows)[N], Parse parse) {
  for (const Spelled<E>& row : rows) {
    SCOPED_TRACE(std::string(row.token));
    Result<E> by_label = parse(Label(row.value));
    ASSERT_TRUE(by_label.ok()) << by_label.status().ToString();
    EXPECT_EQ(*by_label, row.value);
    Result<E> by_token = parse(Token(row.value));
    ASSERT_TRUE(by_token.ok()) << by_token.status().ToString();
    EXPECT_EQ(*by_token, row.value);
    std::string upper(Token(row.value));
    for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    Result<E> by_upper = parse(upper);
    ASSERT_TRUE(by_upper.ok()) << by_upper.status().ToString();
    EXPECT_EQ(*by_upper, row.value);
    Result<E> padded = parse("  " + std::string(Label(row.value)) + "\u3000");
    ASSERT_TRUE(padded.ok()) << padded.status().ToString();
    EXPECT_EQ(*padded, row.value);
  }
}

TEST(RegistryEnumTest, ParseRoundTripsEveryValue) {
  ExpectRoundTrips(kRegionLevels, ParseRegionLevel);
  ExpectRoundTrips(kRanks, ParseRank);
  ExpectRoundTrips(kEducations, ParseEducation);
  ExpectRoundTrips(kStrengths, ParseUnitStrength);
  ExpectRoundTrips(kGenders, ParseGender);
  ExpectRoundTrips(kHousings, ParseHousing);
  ExpectRoundTrips(kLabours, ParseLabour);
  ExpectRoundTrips(kHealths, ParseHealth);
  ExpectRoundTrips(kOrgKinds, ParseOrgKind);
  ExpectRoundTrips(kOrgRatings, ParseOrgRating);
}

template <typename E>
struct SynonymCase {
  std::string_view text;
  E expected;
};

template <typename E, std::size_t N, typename Parse>
void ExpectSynonyms(const SynonymCase<E> (&cases)[N], Parse parse) {
  for (const SynonymCase<E>& c : cases) {
    Result<E> r = parse(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.expected) << c.text;
  }
}

// The synonyms the header comments in validate.hpp promise.
TEST(RegistryEnumTest, SynonymsFromTheContract) {
  constexpr SynonymCase<RegionLevel> kLevels[] = {
      {"县级", RegionLevel::kCounty},   {"乡", RegionLevel::kTownship},  {"镇", RegionLevel::kTownship},
      {"街道", RegionLevel::kTownship}, {"社区", RegionLevel::kVillage}, {"行政村", RegionLevel::kVillage},
  };
  constexpr SynonymCase<Rank> kRankCases[] = {
      {"县处级", Rank::kCounty},        {"正科", Rank::kSection},  {"正科级", Rank::kSection},
      {"副科", Rank::kDeputySection},   {"科员", Rank::kOrdinary}, {"办事员", Rank::kOrdinary},
      {"村党员", Rank::kVillageMember},
  };
  constexpr SynonymCase<Education> kEducationCases[] = {
      {"未上学", Education::kNone},       {"中专", Education::kSenior},       {"职高", Education::kSenior},
      {"技校", Education::kSenior},       {"专科", Education::kCollege},      {"大学", Education::kBachelor},
      {"硕士", Education::kPostgraduate}, {"博士", Education::kPostgraduate},
  };
  constexpr SynonymCase<UnitStrength> kStrengthCases[] = {{"一般", UnitStrength::kMedium}};
  constexpr SynonymCase<Gender> kGenderCases[] = {
      {"", Gender::kUnknown},    {"  ", Gender::kUnknown}, {"男性", Gender::kMale},
      {"女性", Gender::kFemale}, {"m", Gender::kMale},     {"F", Gender::kFemale},
  };
  constexpr SynonymCase<Housing> kHousingCases[] = {
      {"安全住房", Housing::kSafe}, {"C级危房", Housing::kDangerous}, {"d级危房", Housing::kDangerous}};
  constexpr SynonymCase<Labour> kLabourCases[] = {
      {"有劳动力", Labour::kFull}, {"半劳动力", Labour::kWeak}, {"弱劳动力或半劳动力", Labour::kWeak}};
  constexpr SynonymCase<Health> kHealthCases[] = {{"慢性病", Health::kChronic},
                                                  {"患有大病", Health::kSerious}};
  constexpr SynonymCase<OrgKind> kOrgKindCases[] = {
      {"村党组织", OrgKind::kVillageBranch},
      {"农村党支部", OrgKind::kVillageBranch},
      {"非公", OrgKind::kNonPublic},
      {"社会组织", OrgKind::kSocial},
  };
  constexpr SynonymCase<OrgRating> kRatingCases[] = {{"软弱涣散", OrgRating::kWeak},
                                                     {"差", OrgRating::kWeak}};
  ExpectSynonyms(kLevels, ParseRegionLevel);
  ExpectSynonyms(kRankCases, ParseRank);
  ExpectSynonyms(kEducationCases, ParseEducation);
  ExpectSynonyms(kStrengthCases, ParseUnitStrength);
  ExpectSynonyms(kGenderCases, ParseGender);
  ExpectSynonyms(kHousingCases, ParseHousing);
  ExpectSynonyms(kLabourCases, ParseLabour);
  ExpectSynonyms(kHealthCases, ParseHealth);
  ExpectSynonyms(kOrgKindCases, ParseOrgKind);
  ExpectSynonyms(kRatingCases, ParseOrgRating);
}

TEST(RegistryEnumTest, UnknownEnumValueListsTheLabels) {
  Result<Rank> r = ParseRank("处长");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidInput);
  EXPECT_EQ(r.status().message(),
            "无法识别的职级“处长”,可填:县级、乡科级、副科级、一般干部、农村党员 (enum_value)");

  Result<Education> empty = ParseEducation(" ");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(),
            "文化程度为空,可填:文盲、小学、初中、高中、大专、本科、研究生 (enum_value)");

  // A label is matched whole, never as a part.
  constexpr std::string_view kRejected[] = {"县级干部", "乡科", "男女", "好好", "2", "county_"};
  for (std::string_view text : kRejected) {
    EXPECT_FALSE(ParseRank(text).ok()) << text;
    EXPECT_FALSE(ParseGender(text).ok()) << text;
    EXPECT_FALSE(ParseOrgRating(text).ok()) << text;
  }
}

TEST(RegistryEnumTest, OutOfRangeValueHasEmptySpelling) {
  EXPECT_EQ(Token(static_cast<Rank>(99)), "");
  EXPECT_EQ(Label(static_cast<Housing>(-1)), "");
}

TEST(RegistryEnumTest, RecordKinds) {
  struct Row {
    RecordKind kind;
    std::string_view token;
  };
  constexpr Row kRows[] = {
      {RecordKind::kRegions, "regions"},
      {RecordKind::kUnits, "units"},
      {RecordKind::kOrgs, "orgs"},
      {RecordKind::kCadres, "cadres"},
      {RecordKind::kHouseholds, "households"},
      {RecordKind::kMembers, "members"},
  };
  ASSERT_EQ(std::size(kRows), std::size(kAllRecordKinds));
  for (std::size_t i = 0; i < std::size(kRows); ++i) {
    EXPECT_EQ(kAllRecordKinds[i], kRows[i].kind);  // the import order
    EXPECT_EQ(Token(kRows[i].kind), kRows[i].token);
    EXPECT_EQ(ParseRecordKind(kRows[i].token), kRows[i].kind);
  }
  EXPECT_EQ(ParseRecordKind("Households"), RecordKind::kHouseholds);
  EXPECT_EQ(ParseRecordKind("household"), std::nullopt);
  EXPECT_EQ(ParseRecordKind(""), std::nullopt);
}

}  // namespace
}  // namespace lianxin
