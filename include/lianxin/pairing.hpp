// The pairing engine (PRODUCT.md §2, 双包双联 and 联系点): one call computes
// all four pairings of a registry, each exactly, as min-cost flows.
//
//   1. unit ↔ village (单位包村): every village to exactly one unit of its
//      county; village load in proportion to unit staff; harder villages to
//      stronger units.
//   2. assistance (包扶/联户): needy households ↔ cadres of the unit holding
//      their village, at most the quota of the cadre's rank; tier rule
//      (县级 ↔ 最大, 乡科级/副科级 ↔ 较大, 一般 ↔ 较小) and skills matched to needs.
//   3. contact (联系户, 两个全覆盖): every household ↔ one cadre of the unit
//      holding its village or one party member of its own village, at most
//      `contact_load` each, every cadre with at least one where it can.
//   4. contact points (联系点): every county- and section-level leader ↔ one
//      weak branch (较差支部); every county-level leader also ↔ one
//      non-public and one social organisation party org.
//
// What is hard and what is priced. Hard rules are never broken: quotas,
// loads, "same unit or same village", one unit per village, one contact per
// household, one contact point of each kind per leader, and pins that can be
// kept. Coverage goals come next and are maximised before any price is
// looked at (lexicographically): every village held, every unit given at
// least its proportional share rounded down, every quota filled, every
// household with a contact, every cadre with a contact household, every
// weak branch with a leader. Then the soft rules are priced in points
// (`PairingRules`): tier mismatch, skill match, difficulty, stability, load
// balance. The result is optimal for those prices, stage by stage: the
// unit ↔ village pairing first, then assistance given the villages, then
// contact given villages and assistance (the contact stage rewards making
// a household's assistance cadre its contact too), then contact points
// given the villages. Each stage is solved exactly; within a stage the
// problem splits exactly into independent parts (a county; a unit with its
// villages; a village no unit holds), so a county of 90 k households takes
// well under a second.
//
// Stability: pass the last result as `previous`. A pair that still satisfies
// every hard rule is kept unless a rule or a price outweighing its move cost
// moves it; `PairingResult::moved` counts the previous pairs not kept. Pins
// (`pins`, same shape as a state) are manual overrides: each one that
// breaks no hard rule is kept as a hard rule; each one that cannot be kept
// is reported in `uncovered` with the reason.
//
// Explanations: `ExplainHousehold` says which rule placed a household with
// its unit, contact and assistance cadre, which skills met which needs, and
// what the next-best choices would cost (exact: the cheapest solution with
// that choice forced, compared with the optimum).
//
// Infeasible inputs (a county without units, a village without cadres, more
// households than contact capacity, fewer leaders than weak branches) never
// fail the call: what cannot be covered is in `uncovered`, each with the
// binding reason, Chinese first and English in parentheses, e.g.
//   "村 140527104213 有 212 户,联系能力 180 户 (village 140527104213 has 212
//    households and contact capacity 180)".
// Only malformed input fails: a duplicate code, or a negative quota or load
// (kInvalidInput naming it).
//
//   PairingInput in;
//   in.units = …; in.villages = …; in.cadres = …; in.households = …;
//   in.orgs = …; in.needs = config.needs;
//   in.previous = last_state;                 // optional: keeps pairs stable
//   LX_ASSIGN_OR_RETURN(PairingResult out, ComputePairing(in, PairingRules{}));
//   for (const Uncovered& u : out.uncovered) Print(u.id, u.reason);
//   LX_ASSIGN_OR_RETURN(Explanation why, ExplainHousehold(in, PairingRules{}, out, "140527104213001"));
//
// Ownership and threads: the functions read their arguments (which must
// outlive the call) and return values; they hold no state, so any number of
// threads may call them at once on different or the same inputs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/config.hpp"
#include "lianxin/registry.hpp"
#include "lianxin/status.hpp"

namespace lianxin {

// Every rule and price of pairing, flat, so lianxin.toml can set each one.
// Prices are in points; the engine works in hundredths of a point
// (integers, each price rounded once to the nearest 0.01), so a price or a
// difficulty score finer than 0.01 point is rounded away.
struct PairingRules {
  // --- hard rules ---
  // 「副科级以上干部每人联2户,一般干部每人联1户」: assistance households per cadre
  // by rank. Village party members do no assistance (「单位干部联户」).
  int quota_county = 2;
  int quota_section = 2;
  int quota_deputy_section = 2;
  int quota_ordinary = 1;
  // Assistance cadres per needy household.
  int assistance_per_household = 1;
  // 「让每一户群众都有党员干部联系」: contact households per cadre, at most.
  int contact_load = 15;

  // --- unit ↔ village ---
  // Points per (strength point × difficulty point): the pair (u, v) costs
  // −village_difficulty_weight × strength(u) × mean difficulty of v's
  // households, so harder villages go to stronger units.
  double village_difficulty_weight = 10;
  double strength_strong = 2;
  double strength_medium = 1;
  double strength_weak = 0;
  // A village moved away from its previous unit (a whole team leaves).
  double village_move_cost = 2000;

  // --- assistance ---
  // 「县级领导包联富裕难度最大的农户,乡科级领导包联富裕难度较大的农户,一般党员干部包联富裕难度较小的农户」:
  // per tier step between the cadre's rank tier and the household's tier.
  double tier_mismatch_cost = 1000;
  // 「政策精通的去培训……从事法律工作的为群众普法」: per need of the household
  // that one of the cadre's skills matches (NeedRule::skills).
  double skill_match_reward = 40;
  // Per difficulty point of the household: when needy households outnumber
  // quotas, the harder ones are paired first.
  double difficulty_priority = 1;
  // An assistance or contact pair of the previous run not kept.
  double move_cost = 500;

  // --- contact ---
  // The household's assistance cadre is also its contact: one person to find.
  double contact_assistance_reward = 100;
  // The k-th contact household of a cadre costs (k − 1) × this, so loads even out.
  double contact_balance_cost = 2;

  // --- contact points ---
  // The leader's weak branch lies in a village the leader's unit holds.
  double contact_point_own_unit_reward = 50;
  // The k-th leader on the same weak branch, or the k-th county-level leader
  // on the same non-public or social org, costs (k − 1) × this.
  double contact_point_balance_cost = 20;
  // A contact point of the previous run not kept.
  double contact_point_move_cost = 500;
};

// One pair of each kind, by natural keys.
struct UnitVillage {
  std::string unit_code;
  std::string village_code;
  bool operator==(const UnitVillage&) const = default;
};
struct CadreHousehold {
  std::string cadre_code;
  std::string household_code;
  bool operator==(const CadreHousehold&) const = default;
};
struct CadreOrg {
  std::string cadre_code;
  std::string org_code;  // a weak branch, a non-public or a social org
  bool operator==(const CadreOrg&) const = default;
};

// The four pairings. As a result: sorted by village, by household then
// cadre, by household, and by cadre then org code.
struct PairingState {
  std::vector<UnitVillage> unit_villages;
  std::vector<CadreHousehold> assistance;
  std::vector<CadreHousehold> contacts;
  std::vector<CadreOrg> contact_points;
  bool operator==(const PairingState&) const = default;
};

struct PairingInput {
  std::vector<Unit> units;
  // Villages (other levels are ignored). A village's county is the first 6
  // digits of its code (统计用区划代码 begins with the GB/T 2260 county code);
  // units are matched to it by Unit::county_code.
  std::vector<Region> villages;
  // Unit cadres (unit_code set) and village party members (rank
  // kVillageMember, village_code set).
  std::vector<Cadre> cadres;
  // Needs are labels or synonyms of `needs`; `difficulty` and `tier` are read
  // as stored (ScoreDifficulty computes them).
  std::vector<Household> households;
  // Village branches (region_code = the village), non-public and social orgs
  // (region_code in the county: the county or a township).
  std::vector<Org> orgs;
  std::vector<NeedRule> needs;  // need → matching skills (Config::needs)
  PairingState previous;        // the last result, for stability; may be empty
  PairingState pins;            // manual overrides, kept when they break no hard rule
};

enum class PairingKind { kUnitVillage, kAssistance, kContact, kContactPoint };
std::string_view Token(PairingKind v);  // unit_village, assistance, contact, contact_point

enum class UncoveredKind { kVillage, kHousehold, kCadre, kWeakBranch, kPin };
std::string_view Token(UncoveredKind v);  // village, household, cadre, weak_branch, pin

// Something a rule wanted covered and could not be, and why.
//   kVillage      kUnitVillage   no unit can hold the village
//   kHousehold    kContact       the household has no contact
//   kCadre        kContact       the cadre has no contact household
//   kCadre        kAssistance    the cadre's quota is not filled
//   kCadre        kContactPoint  the leader lacks a weak branch, or (county
//                                level) a non-public or social org
//   kWeakBranch   kContactPoint  the weak branch has no leader
//   kPin          any            the pin was not kept; id is "holder→held"
// Needy households left without an assistance cadre are counted
// (needy_total − needy_assisted), not listed: quotas are far fewer than needs.
struct Uncovered {
  PairingKind pairing = PairingKind::kContact;
  UncoveredKind kind = UncoveredKind::kHousehold;
  std::string id;      // the village, household, cadre or org code
  std::string reason;  // Chinese first, English in parentheses
};

struct PairingResult {
  PairingState pairs;
  std::vector<Uncovered> uncovered;  // in pairing order, then by kind and id

  int villages_total = 0, villages_paired = 0;
  int households_total = 0, households_covered = 0;  // with a contact
  int needy_total = 0, needy_assisted = 0;
  int assistance_pairs = 0, assistance_quota = 0;  // pairs made; Σ quota of unit cadres
  int tier_mismatches = 0;                         // assistance pairs off the tier rule
  int skill_matched_pairs = 0;                     // assistance pairs with ≥ 1 need matched
  int cadres_total = 0, cadres_with_contact = 0;   // unit cadres and village members
  int leaders_total = 0, leaders_with_branch = 0;  // rank county or section
  int county_leaders_total = 0, county_leaders_with_non_public = 0, county_leaders_with_social = 0;
  int weak_branches_total = 0, weak_branches_covered = 0;
  int pins_total = 0, pins_kept = 0;
  // Checked after solving, not assumed: pairs over a quota or load, and
  // pairs breaking a placement rule (wrong unit or village, second unit of
  // a village, second contact). Always 0 unless the engine has a bug.
  int quota_violations = 0;
  int rule_violations = 0;
  // Σ of the priced terms of the chosen pairs, in points, where a moved
  // previous pair costs its move cost (coverage goals are not included).
  double objective = 0;
  // Previous pairs (whose two ends still exist) that the result does not keep.
  int moved = 0;
};

// One next-best choice for a household, with what forcing it would cost
// against the optimum (both ≥ 0 when the result is optimal).
struct Alternative {
  PairingKind pairing = PairingKind::kContact;
  std::string code;  // the unit (for kUnitVillage) or cadre; empty: none at all
  double cost_delta = 0;  // points
  // How many more coverage goals the forced choice would miss (e.g. 1: one
  // more household without a contact, or one quota not filled).
  int coverage_delta = 0;
  std::string note;  // Chinese first, English in parentheses
};

struct Explanation {
  std::string household_code;
  std::string village_code;
  std::string unit_code;             // empty when no unit holds the village
  std::string contact_cadre_code;    // empty when uncovered
  std::string assistance_cadre_code; // empty when none
  Tier tier = Tier::kEasier;
  bool tier_matches = false;                // the assistance cadre's rank fits the tier
  std::vector<std::string> matched_skills;  // "需求→技能", e.g. "低收入→农技"
  // Why, one sentence per rule that placed it, in stage order.
  std::vector<std::string> rules;
  // The next-best units for its village, and cadres for its contact and
  // assistance, cheapest first (at most 3 of each).
  std::vector<Alternative> alternatives;
};

// Computes all four pairings. Fails only on malformed input (duplicate
// codes, negative rules); infeasibility is reported in `uncovered`.
Result<PairingResult> ComputePairing(const PairingInput& input, const PairingRules& rules);

// Explains `household_code` in `result`, which must have come from
// ComputePairing(input, rules). kNotFound when the household is not in input.
Result<Explanation> ExplainHousehold(const PairingInput& input, const PairingRules& rules,
                                     const PairingResult& result, std::string_view household_code);

}  // namespace lianxin
