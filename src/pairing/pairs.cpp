// The pairing's records: kinds and their tokens, the order of uncovered
// items, and the difference between two pairings.
#include "lianxin/pairs.hpp"

#include <algorithm>
#include <tuple>

namespace lianxin {

std::optional<PairingKind> ParsePairingKind(std::string_view token) {
  for (PairingKind kind : kPairingKinds) {
    if (Token(kind) == token) return kind;
  }
  return std::nullopt;
}

std::string_view Token(PairingKind v) {
  switch (v) {
    case PairingKind::kUnitVillage:
      return "unit_village";
    case PairingKind::kAssistance:
      return "assistance";
    case PairingKind::kContact:
      return "contact";
    case PairingKind::kContactPoint:
      return "contact_point";
  }
  return "";
}

std::string_view Token(UncoveredKind v) {
  switch (v) {
    case UncoveredKind::kVillage:
      return "village";
    case UncoveredKind::kHousehold:
      return "household";
    case UncoveredKind::kCadre:
      return "cadre";
    case UncoveredKind::kWeakBranch:
      return "weak_branch";
    case UncoveredKind::kPin:
      return "pin";
  }
  return "";
}

namespace {
constexpr std::string_view kPinArrow = "→";
}  // namespace

std::string PinId(std::string_view holder, std::string_view held) {
  return std::string(holder) + std::string(kPinArrow) + std::string(held);
}

std::string_view HeldOfPinId(std::string_view id) {
  const std::size_t at = id.find(kPinArrow);
  return at == std::string_view::npos ? std::string_view() : id.substr(at + kPinArrow.size());
}

std::optional<UncoveredKind> ParseUncoveredKind(std::string_view token) {
  for (UncoveredKind kind : {UncoveredKind::kVillage, UncoveredKind::kHousehold, UncoveredKind::kCadre,
                             UncoveredKind::kWeakBranch, UncoveredKind::kPin}) {
    if (Token(kind) == token) return kind;
  }
  return std::nullopt;
}

void SortUncovered(std::vector<Uncovered>& uncovered) {
  std::stable_sort(uncovered.begin(), uncovered.end(), [](const Uncovered& x, const Uncovered& y) {
    return std::tie(x.pairing, x.kind, x.id) < std::tie(y.pairing, y.kind, y.id);
  });
}

std::vector<std::pair<std::string, std::string>> HolderHeldPairs(const PairingState& state,
                                                                 PairingKind kind) {
  std::vector<std::pair<std::string, std::string>> out;
  switch (kind) {
    case PairingKind::kUnitVillage:
      for (const UnitVillage& p : state.unit_villages) out.emplace_back(p.unit_code, p.village_code);
      break;
    case PairingKind::kAssistance:
      for (const CadreHousehold& p : state.assistance) out.emplace_back(p.cadre_code, p.household_code);
      break;
    case PairingKind::kContact:
      for (const CadreHousehold& p : state.contacts) out.emplace_back(p.cadre_code, p.household_code);
      break;
    case PairingKind::kContactPoint:
      for (const CadreOrg& p : state.contact_points) out.emplace_back(p.cadre_code, p.org_code);
      break;
  }
  return out;
}

std::vector<PairDiff> DiffPairings(const PairingState& before, const PairingState& after, int* kept) {
  std::vector<PairDiff> diffs;
  int same = 0;
  for (PairingKind kind : kPairingKinds) {
    // (held, holder), sorted: one merge walk finds, per held record, the
    // holders that ended and the ones that are new. Sorted vectors rather
    // than maps, as a county has about 100 k pairs.
    auto sorted = [kind](const PairingState& state) {
      std::vector<std::pair<std::string, std::string>> pairs;
      for (auto& [holder, held] : HolderHeldPairs(state, kind))
        pairs.emplace_back(std::move(held), std::move(holder));
      std::sort(pairs.begin(), pairs.end());
      pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
      return pairs;
    };
    const std::vector<std::pair<std::string, std::string>> was = sorted(before), is = sorted(after);
    size_t a = 0, b = 0;
    while (a < was.size() || b < is.size()) {
      const std::string& held =
          (b == is.size() || (a < was.size() && was[a].first < is[b].first)) ? was[a].first : is[b].first;
      PairDiff diff{kind, held, {}, {}};
      while (a < was.size() || b < is.size()) {
        const bool in_was = a < was.size() && was[a].first == held;
        const bool in_is = b < is.size() && is[b].first == held;
        if (!in_was && !in_is) break;
        if (in_was && in_is && was[a].second == is[b].second) {
          ++same;
          ++a;
          ++b;
        } else if (in_was && (!in_is || was[a].second < is[b].second)) {
          diff.ended.push_back(was[a++].second);
        } else {
          diff.made.push_back(is[b++].second);
        }
      }
      if (!diff.ended.empty() || !diff.made.empty()) diffs.push_back(std::move(diff));
    }
  }
  if (kept != nullptr) *kept = same;
  return diffs;
}

}  // namespace lianxin
