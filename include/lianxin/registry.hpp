// The registry (一户一档) of PRODUCT.md §1: regions, units, cadres, households,
// members and party organisations, as plain values.
//
// Every record has a stable natural key (region code, unit code, cadre code,
// household code 户编号, member ID number) that is its id in the API and the
// first column of every export. Enumerations are stored and exchanged by
// their English token (`RankToken`) and read from the Chinese labels offices
// write (see validate.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/sensitive.hpp"
#include "lianxin/status.hpp"

namespace lianxin {

// GB/T 2260 county (6 digits); 统计用区划代码 township and village (12 digits);
// an optional grid under a village (15 digits: the village code and 3 more).
enum class RegionLevel { kCounty, kTownship, kVillage, kGrid };

struct Region {
  std::string code;
  std::string name;
  RegionLevel level = RegionLevel::kVillage;
  std::string parent_code;  // empty for a county
  bool operator==(const Region&) const = default;
};

// Cadre ranks from the seed: 县级, 乡科级/正科, 副科级, 一般干部, 农村党员.
enum class Rank { kCounty, kSection, kDeputySection, kOrdinary, kVillageMember };

enum class Education { kNone, kPrimary, kJunior, kSenior, kCollege, kBachelor, kPostgraduate };

// 单位实力: how much a unit can carry; harder villages go to stronger units.
enum class UnitStrength { kStrong, kMedium, kWeak };

struct Unit {
  std::string code;
  std::string name;
  std::string county_code;  // the county the unit belongs to
  int staff = 0;            // 编制人数; pairing loads villages in proportion to it
  UnitStrength strength = UnitStrength::kMedium;
  bool operator==(const Unit&) const = default;
};

enum class Gender { kUnknown, kMale, kFemale };

struct Cadre {
  std::string code;
  std::string name;
  Gender gender = Gender::kUnknown;
  IdNumber id_number;        // may be empty
  Phone phone;               // may be empty
  std::string unit_code;     // set for unit cadres
  std::string village_code;  // set for village party members (rank kVillageMember)
  Rank rank = Rank::kOrdinary;
  Education education = Education::kSenior;
  std::vector<std::string> skills;  // canonical labels: 政策, 宣讲, …, or 技能:电焊
  std::string title;                // 职务, free text
  bool unit_head = false;           // 单位一把手: leads the unit's village team
  bool operator==(const Cadre&) const = default;
};

enum class Housing { kSafe, kOrdinary, kDangerous };  // 安全, 一般, 危房
enum class Tier { kEasier, kHarder, kHardest };       // 富裕难度 较小, 较大, 最大

struct Household {
  std::string code;  // 户编号
  std::string village_code;
  std::string head_name;
  IdNumber head_id_number;
  Phone phone;
  int size = 1;                        // 家庭人口
  std::int64_t income_per_capita = 0;  // 人均纯收入, yuan per year
  Housing housing = Housing::kSafe;
  double land_mu = 0;              // 耕地面积, 亩
  std::vector<std::string> needs;  // canonical need tags, in dictionary order
  std::string address;
  // Derived at import from configurable weights (see difficulty.hpp).
  double difficulty = 0;
  Tier tier = Tier::kEasier;
  bool operator==(const Household&) const = default;
};

enum class Labour { kFull, kWeak, kLost, kNone };               // 普通, 弱, 丧失, 无劳动力
enum class Health { kHealthy, kChronic, kSerious, kDisabled };  // 健康, 长期慢性病, 大病, 残疾

struct Member {
  IdNumber id_number;  // natural key
  std::string household_code;
  std::string name;
  std::string relation;    // 与户主关系: 户主, 配偶, 子女, 父母, …
  std::string birth_date;  // YYYY-MM-DD, equal to the ID number's
  Gender gender = Gender::kUnknown;
  Education education = Education::kNone;
  Labour labour = Labour::kFull;
  Health health = Health::kHealthy;
  std::string disability;  // free text, e.g. 肢体二级; empty when none
  bool operator==(const Member&) const = default;
};

enum class OrgKind { kVillageBranch, kNonPublic, kSocial };
// 好, 较好, 一般, 较差; a 较差 (软弱涣散) branch is weak.
enum class OrgRating { kGood, kFair, kAverage, kWeak };

struct Org {
  std::string code;
  std::string name;
  OrgKind kind = OrgKind::kVillageBranch;
  std::string region_code;  // the village of a branch; the county or township otherwise
  OrgRating rating = OrgRating::kAverage;
  bool operator==(const Org&) const = default;
};

// Stable English tokens, as stored and as the API speaks them.
// The code prefix every record under region `code` shares (统计用区划代码 is
// hierarchical): a county "149901" or "149901000000" → "149901", a township
// "149901001000" → "149901001", a village → its 12 digits. nullopt for what
// is not a 6- or 12-digit code.
std::optional<std::string> RegionSubtreePrefix(std::string_view code);
// The township a village (or grid, or household) code lies in: its first 9
// digits and "000"; empty for a code shorter than a village's 12 digits.
std::string TownshipOfCode(std::string_view code);

std::string_view Token(RegionLevel v);
std::string_view Token(Rank v);
std::string_view Token(Education v);
std::string_view Token(UnitStrength v);
std::string_view Token(Gender v);
std::string_view Token(Housing v);
std::string_view Token(Tier v);
std::string_view Token(Labour v);
std::string_view Token(Health v);
std::string_view Token(OrgKind v);
std::string_view Token(OrgRating v);

// The Chinese label used in exports and the UI (县级, 乡科级, …).
std::string_view Label(RegionLevel v);
std::string_view Label(Rank v);
std::string_view Label(Education v);
std::string_view Label(UnitStrength v);
std::string_view Label(Gender v);
std::string_view Label(Housing v);
std::string_view Label(Tier v);
std::string_view Label(Labour v);
std::string_view Label(Health v);
std::string_view Label(OrgKind v);
std::string_view Label(OrgRating v);

// The import kinds, in the order they import.
enum class RecordKind { kRegions, kUnits, kOrgs, kCadres, kHouseholds, kMembers };
inline constexpr RecordKind kAllRecordKinds[] = {RecordKind::kRegions,    RecordKind::kUnits,
                                                 RecordKind::kOrgs,       RecordKind::kCadres,
                                                 RecordKind::kHouseholds, RecordKind::kMembers};
std::string_view Token(RecordKind v);  // regions, units, …
std::optional<RecordKind> ParseRecordKind(std::string_view token);

// Receives registry records one at a time: the demo generator writes into
// one, the store's scans read out through one, the importer and files take
// them in. Returning an error stops the producer.
class RegistrySink {
 public:
  virtual ~RegistrySink() = default;
  virtual Status Add(const Region& region) = 0;
  virtual Status Add(const Unit& unit) = 0;
  virtual Status Add(const Org& org) = 0;
  virtual Status Add(const Cadre& cadre) = 0;
  virtual Status Add(const Household& household) = 0;
  virtual Status Add(const Member& member) = 0;
};

}  // namespace lianxin
