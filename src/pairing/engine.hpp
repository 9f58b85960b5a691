// The pairing engine's insides: the input indexed by position, the prices,
// and the four stages (each builds its flow problem, solves it, reads the
// pairs back, and can explain one household's choice). No LEMON here.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/pairing.hpp"
#include "pairing/flow.hpp"

namespace lianxin::pairing_internal {

inline constexpr int kNone = -1;
// 统计用区划代码 (and an org's region code) begins with the GB/T 2260 county code.
inline constexpr std::size_t kCountyCodeLength = 6;
// A village's code has 12 digits; a grid (网格) under it adds 3 more.
inline constexpr std::size_t kVillageCodeLength = 12;
// The village of a household's region: the region itself, or the village of
// its grid. Households registered in a grid are paired through that village.
inline std::string_view VillageCodeOf(std::string_view region_code) {
  return region_code.substr(0, kVillageCodeLength);
}
// Skills that some need asks for (one bit each); a rule set naming more is refused.
inline constexpr int kMaxSkills = 64;
using SkillMask = std::bitset<kMaxSkills>;

// Codes to positions: an open-addressing table over views into the input
// (which outlives it). A county's 90 k household codes go in and are looked
// up again for the previous state several times faster than through
// std::unordered_map's nodes.
class CodeMap {
 public:
  void Reserve(std::size_t n);
  // Adds code → position; returns the position already there, or kNone if new.
  int Insert(std::string_view code, int position);
  int Find(std::string_view code) const;  // kNone when absent

 private:
  std::size_t Slot(std::string_view code) const;
  std::vector<std::string_view> keys_;
  std::vector<int> values_;  // kNone: empty slot
  std::size_t size_ = 0;
};

// Contact-point kinds, each a separate pairing of leaders with orgs.
enum PointKind : int { kWeakBranch = 0, kNonPublic = 1, kSocial = 2 };
inline constexpr int kPointKinds = 3;

struct CountyInfo {
  std::string code;
  std::vector<int> villages, units;
  std::vector<int> leaders;         // rank county or section, unit cadres of the county's units
  std::vector<int> county_leaders;  // rank county
  std::array<std::vector<int>, kPointKinds> orgs;  // weak branches, non-public, social
};

struct VillageInfo {
  const Region* region = nullptr;
  int county = kNone;
  std::vector<int> households;
  std::vector<int> members;  // village party members
  double difficulty = 0;     // mean household difficulty
};

struct UnitInfo {
  const Unit* unit = nullptr;
  int county = kNone;
  std::vector<int> cadres;  // unit cadres (not village members)
  double size = 0;          // staff, or the cadre count when staff is not given
};

struct CadreInfo {
  const Cadre* cadre = nullptr;
  int unit = kNone;     // unit cadres
  int village = kNone;  // village party members
  int quota = 0;        // assistance households
  int tier = 0;         // the household tier its rank is meant for (0 easier … 2 hardest)
  bool leader = false;  // rank county or section: a weak branch
  bool county_leader = false;
  SkillMask skills;
};

struct HouseholdInfo {
  const Household* household = nullptr;
  int village = kNone;
  int tier = 0;
  int need_begin = 0, need_end = 0;  // into Index::household_needs
  bool needy = false;
  std::int64_t priority = 0;  // difficulty_priority × difficulty, scaled
};

struct OrgInfo {
  const Org* org = nullptr;
  int county = kNone;
  int village = kNone;  // a branch's village
  int kind = kNone;     // PointKind, or kNone for a branch that is not weak
};

struct Index {
  const PairingInput* input = nullptr;
  const PairingRules* rules = nullptr;
  std::vector<CountyInfo> counties;
  std::vector<VillageInfo> villages;
  std::vector<UnitInfo> units;
  std::vector<CadreInfo> cadres;
  std::vector<HouseholdInfo> households;
  std::vector<OrgInfo> orgs;
  CodeMap county_by_code, village_by_code, unit_by_code, cadre_by_code, household_by_code, org_by_code;

  std::vector<std::string> skill_labels;  // id → label
  std::vector<SkillMask> need_skills;     // per NeedRule
  std::vector<int> household_needs;       // need-rule ids, −1 for a tag no rule knows

  // The previous state and the pins, resolved to positions (kNone when absent).
  std::vector<int> prev_unit, prev_assist, prev_contact;  // per village, household, household
  std::array<std::vector<int>, kPointKinds> prev_point;   // per cadre
  std::vector<int> pin_unit, pin_assist, pin_contact;
  std::array<std::vector<int>, kPointKinds> pin_point;
  int pins_total = 0;

  // Prices, scaled once.
  std::int64_t tier_cost = 0, skill_reward = 0, contact_reward = 0, own_unit_reward = 0;

  // Priced terms, scaled (flow.hpp), without the stability part.
  std::int64_t UnitVillageSoft(int unit, int village) const;
  std::int64_t AssistanceSoft(int cadre, int household) const;
  std::int64_t ContactSoft(int cadre, int household, int assistance_cadre) const;
  std::int64_t PointSoft(int cadre, int org, const std::vector<int>& unit_of_village) const;
  int MatchedNeeds(int cadre, int household) const;
  bool ContactEligible(int cadre, int household, const std::vector<int>& unit_of_village) const;
};

// Indexes the input; kInvalidInput on a duplicate code or a negative rule.
// Pins that name unknown records or break a rule visible without solving
// (a second pin for the same village, a branch that is not weak) are
// dropped here and reported in `uncovered`.
Result<Index> BuildIndex(const PairingInput& input, const PairingRules& rules,
                         std::vector<Uncovered>& uncovered);

// The pairs, by position.
struct Assignment {
  std::vector<int> unit_of_village;                    // per village
  std::vector<int> assist_of;                          // per household
  std::vector<int> contact_of;                         // per household
  std::array<std::vector<int>, kPointKinds> point_of;  // per cadre
  std::vector<UnitVillageSolve> solves;                // per county, by stage 1 (empty when read back)
  explicit Assignment(const Index& index);
  Assignment() = default;
};

// A unit's share of its county's villages (「单位联村」 in proportion to size):
// it is given at least `least` (the share rounded down, and at least
// min_villages_per_unit) and may hold at most `most` (rounded up; hard).
struct Share {
  int least = 0, most = 0;
};
// Per unit of the county, in CountyInfo::units order.
std::vector<Share> SharesOf(const Index& index, int county);

// The stages, in order; each reads the earlier stages' pairs.
Status SolveUnitVillages(const Index& index, Assignment& out, std::vector<Uncovered>& uncovered);
Status SolveAssistance(const Index& index, Assignment& out, std::vector<Uncovered>& uncovered);
Status SolveContacts(const Index& index, Assignment& out, std::vector<Uncovered>& uncovered);
Status SolveContactPoints(const Index& index, Assignment& out, std::vector<Uncovered>& uncovered);

// The cheapest forced alternatives for one household's village, assistance
// and contact, against the optimum of the same stage given `current`'s
// earlier stages. Appends at most `limit` of each, cheapest first.
Status ExplainUnitVillage(const Index& index, const Assignment& current, int village, int limit,
                          std::vector<Alternative>& out);
Status ExplainAssistance(const Index& index, const Assignment& current, int household, int limit,
                         std::vector<Alternative>& out);
Status ExplainContact(const Index& index, const Assignment& current, int household, int limit,
                      std::vector<Alternative>& out);

// Fills `alternatives` from candidates (code, forced cost, forced misses),
// dropping unreachable ones, cheapest first (misses, then cost, then code).
struct Candidate {
  std::string_view code;
  ResidualPath forced;  // the cycle through the forced choice: its cost, soft part and misses
};
void KeepCheapest(PairingKind pairing, std::vector<Candidate>& candidates, int limit,
                  std::vector<Alternative>& out);

// Chinese-first reason text helpers.
std::string Reason(std::string_view chinese, std::string_view english);
// The reason for a pin that is not kept: what it breaks, and that its record
// is paired as usual instead (a valid existing pair stays).
std::string PinNotKept(std::string_view chinese, std::string_view english);

}  // namespace lianxin::pairing_internal
