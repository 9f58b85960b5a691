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
// loads, "same unit or same village", one unit per village, a unit's share
// of villages rounded up, one contact and one assistance cadre per
// household, one contact point of each kind per leader, and pins that can
// be kept. Coverage goals come next and are maximised before any price is
// looked at (lexicographically): every village held; every unit given at
// least its share rounded down and at least `min_villages_per_unit`; every
// quota filled; every household with a contact; every cadre with a contact
// household; every leader with a contact point; every weak branch with a
// leader. Then the soft rules are priced in points (`PairingRules`): tier
// mismatch, skill match, difficulty, stability, load balance.
//
// Optimal, stage by stage: the unit ↔ village pairing first, then
// assistance given the villages, then contact given villages and
// assistance (rewarding a household's assistance cadre as its contact too),
// then contact points given the villages. Each stage is solved exactly by
// NetworkSimplex; within a stage the problem splits exactly into
// independent parts (a county; a unit with the villages it holds; a village
// no unit holds), so a county of 90 k households takes a fraction of a
// second. One thing is not a flow: whether a unit's cadres can contact all
// households of the villages it takes (villages are indivisible: a
// knapsack). Stage 1 therefore solves its county as an integer program
// where it must: the price flow's answer is kept when it already lets the
// contact stage cover every household the county's capacity could (a bound,
// no search); otherwise GLPK's branch and bound, seeded with the flow's
// answers, maximises the households coverable and then minimises the price
// among the choices that cover that many (`UnitVillageSolve` says which
// proof each county got). Stage 3 then covers exactly that many.
//
// Stability: pass the last result as `previous`. A pair that still satisfies
// every hard rule is kept unless a rule or a price outweighing its move cost
// moves it; `PairingResult::moved` counts the previous pairs not kept. Pins
// (`pins`, same shape as a state) are manual overrides: each one that
// breaks no hard rule is kept as a hard rule; each one that cannot be kept
// is reported in `uncovered` with the reason, and its record is paired as if
// unpinned (a valid previous pair stays). Unit ↔ village pins count towards
// the unit's share: those beyond it (after the first ones, in order) are not
// kept.
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
// Only malformed input fails (kInvalidInput naming it): a duplicate code, a
// negative quota or load, or needs naming more than 64 distinct skills.
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
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/config.hpp"
#include "lianxin/pairs.hpp"
#include "lianxin/registry.hpp"
#include "lianxin/status.hpp"

namespace lianxin {

// PairingRules, every rule and price of pairing, lives in config.hpp with the
// rest of the configuration ([pairing] in lianxin.toml).

struct PairingInput {
  // Units; a unit's size is its staff, or its cadre count when staff is 0.
  std::vector<Unit> units;
  // Villages (other levels are ignored). A village's county is the first 6
  // digits of its code (统计用区划代码 begins with the GB/T 2260 county code);
  // units are matched to it by Unit::county_code.
  std::vector<Region> villages;
  // Unit cadres (unit_code set) and village party members (rank
  // kVillageMember, village_code set).
  std::vector<Cadre> cadres;
  // A household's village_code is its village, or a grid (15 digits) under
  // it: it is paired through that village. Needs are labels or synonyms of
  // `needs`; `difficulty` and `tier` are read as stored (ScoreDifficulty
  // computes them).
  std::vector<Household> households;
  // Village branches (region_code = the village), non-public and social orgs
  // (region_code in the county: the county or a township).
  std::vector<Org> orgs;
  std::vector<NeedRule> needs;  // need → matching skills (Config::needs)
  PairingState previous;        // the last result, for stability; may be empty
  PairingState pins;            // manual overrides, kept when they break no hard rule
};

// Collects a registry as the engine needs it: villages (other region levels
// are skipped), units, orgs, cadres and households; members are not needed.
// Collects what pairing needs from a registry scan: all of it, or one
// county's (`county`, a 6-digit code: its villages, units, their cadres and
// the village party members, its households and party organisations).
class PairingInputSink final : public RegistrySink {
 public:
  explicit PairingInputSink(PairingInput& input, std::string county = {})
      : input_(input), county_(std::move(county)) {}
  Status Add(const Region& region) override;
  Status Add(const Unit& unit) override;
  Status Add(const Org& org) override;
  Status Add(const Cadre& cadre) override;
  Status Add(const Household& household) override;
  Status Add(const Member& member) override;

 private:
  bool InCounty(std::string_view code) const { return county_.empty() || code.starts_with(county_); }

  PairingInput& input_;
  std::string county_;
  std::set<std::string, std::less<>> units_;  // the county's units, for their cadres
};

// How stage 1 settled one county: which households its choice of units for
// villages lets the contact stage cover, against the most any valid choice
// (every village held that can be, every unit its share) could.
enum class CoverageProof {
  kBound,      // the choice reaches a bound from capacity alone: no search needed
  kSearch,     // branch and bound proved no choice covers more
  kTimeLimit,  // stopped at PairingRules::solver_time_limit: `bound` is what was proved
};
std::string_view Token(CoverageProof v);  // "bound", "search", "time_limit"
struct UnitVillageSolve {
  std::string county_code;
  int households = 0;
  int coverable = 0;  // the households the chosen pairs let the contact stage cover
  int bound = 0;      // no valid choice lets it cover more (= coverable unless kTimeLimit)
  CoverageProof proof = CoverageProof::kBound;
  // The lower goals (needy households served, cadres given a contact) and
  // then the price are proved the best among choices covering `coverable`;
  // false when a search for them stopped at refine_time_limit.
  bool refinement_proved = true;
  double seconds = 0;
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
  // Checked after solving against the records' own fields, not assumed:
  // cadres over a quota or load, and pairs breaking a placement rule (a
  // cadre outside the unit holding the village or outside its own village,
  // a household without needs assisted, a wrong rank or org kind, another
  // county). Always 0 unless the engine has a bug.
  int quota_violations = 0;
  int rule_violations = 0;
  // Σ of the priced terms of the result, in points: each pair's price, the
  // load-balance prices, and the move cost of each previous pair not kept.
  // These are every price the stages pay; coverage goals are not in it.
  double objective = 0;
  // Previous pairs (whose two ends still exist) that the result does not keep.
  int moved = 0;
  // Stage 1, per county that has villages, in county order.
  std::vector<UnitVillageSolve> unit_village_solves;
};

// One next-best choice for a household, with what forcing it would cost
// against the optimum (both ≥ 0 when the result is optimal).
struct Alternative {
  PairingKind pairing = PairingKind::kContact;
  std::string code;       // the unit (for kUnitVillage) or cadre
  double cost_delta = 0;  // points
  // How many more coverage goals the forced choice would miss (e.g. 1: one
  // more household without a contact, or one quota not filled).
  int coverage_delta = 0;
  std::string note;  // Chinese first, English in parentheses
};

struct Explanation {
  std::string household_code;
  std::string village_code;
  std::string unit_code;              // empty when no unit holds the village
  std::string contact_cadre_code;     // empty when uncovered
  std::string assistance_cadre_code;  // empty when none
  Tier tier = Tier::kEasier;
  bool tier_matches = false;                // the assistance cadre's rank fits the tier
  std::vector<std::string> matched_skills;  // "需求→技能", e.g. "低收入→农技"
  // Why, one sentence per rule that placed it, in stage order.
  std::vector<std::string> rules;
  // The next-best units for its village, and cadres for its contact and
  // assistance, cheapest first (at most 3 of each).
  std::vector<Alternative> alternatives;
};

// Computes all four pairings. Fails only on malformed input (see above);
// infeasibility is reported in `uncovered`.
Result<PairingResult> ComputePairing(const PairingInput& input, const PairingRules& rules);

// Explains `household_code` in `result`, which must have come from
// ComputePairing(input, rules). kNotFound when the household is not in input.
Result<Explanation> ExplainHousehold(const PairingInput& input, const PairingRules& rules,
                                     const PairingResult& result, std::string_view household_code);

}  // namespace lianxin
