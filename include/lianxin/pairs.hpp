// The pairing's records (PRODUCT.md §2): the pairs of the four kinds, a
// county's whole pairing, what a run could not cover, and how one pairing
// differs from the next. Domain types only — no configuration, engine or
// storage — so the store, the engine and the API all speak them.
//
//   PairingState state;
//   state.contacts.push_back({"149901C00012", "1499010010010001"});
//   for (const PairDiff& diff : DiffPairings(before, state, &kept)) …
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lianxin {

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

enum class PairingKind { kUnitVillage, kAssistance, kContact, kContactPoint };
std::string_view Token(PairingKind v);  // unit_village, assistance, contact, contact_point
inline constexpr PairingKind kPairingKinds[] = {PairingKind::kUnitVillage, PairingKind::kAssistance,
                                                PairingKind::kContact, PairingKind::kContactPoint};
// The kind a token names, or nullopt.
std::optional<PairingKind> ParsePairingKind(std::string_view token);

enum class UncoveredKind { kVillage, kHousehold, kCadre, kWeakBranch, kPin };
std::string_view Token(UncoveredKind v);  // village, household, cadre, weak_branch, pin

// Something a rule wanted covered and could not be, and why.
//   kVillage      kUnitVillage   no unit can hold the village
//   kVillage      kContact       some of its households have no contact (the
//                                binding reason, once per village)
//   kHousehold    kContact       the household has no contact (same reason)
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
  std::string id;           // the village, household, cadre or org code
  std::string reason;       // Chinese first, English in parentheses
  std::string county_code;  // the county it lies in; "" when its code is unknown
};
// A pin's id among the uncovered, "holder→held", and the held end of one
// ("" when `id` is not a pin's).
std::string PinId(std::string_view holder, std::string_view held);
std::string_view HeldOfPinId(std::string_view id);
// The kind a token names, or nullopt.
std::optional<UncoveredKind> ParseUncoveredKind(std::string_view token);

// Sorts as PairingResult::uncovered is: in pairing order, then by kind and id.
void SortUncovered(std::vector<Uncovered>& uncovered);

// (holder, held) of each pair of one kind in a state.
std::vector<std::pair<std::string, std::string>> HolderHeldPairs(const PairingState& state, PairingKind kind);

// What changes from one pairing to the next, per kind and held record (a
// village, household or org): the holders whose pair ended and the ones
// that are new; `kept` (when given) counts the pairs in both.
struct PairDiff {
  PairingKind kind;
  std::string held;
  std::vector<std::string> ended, made;
};
std::vector<PairDiff> DiffPairings(const PairingState& before, const PairingState& after, int* kept);

}  // namespace lianxin
