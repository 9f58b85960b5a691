// Stage 2, assistance (包扶/联户), one flow problem per unit over the needy
// households of the villages it holds:
//
//   cadre c (supply = quota left) ──[1, price(c,h) − stay]──▶ household h ──[1]──▶ sink
//                                 ╲─[quota, miss: quota not filled]────────────▶ sink
//
// 「单位联村、单位干部联户,副科级以上干部每人联2户,一般干部每人联1户」: only the
// unit's own cadres, never more than the quota, each household at most one
// cadre; filling quotas is a goal above every price. price(c,h) is the tier
// mismatch, minus the skills matched to needs, minus the household's
// difficulty (when needs outnumber quotas, the hardest are served first).
//
// Exact pruning: with Q the unit's total quota left, each cadre keeps only
// its Q cheapest arcs. In an optimum, a cadre on an arc outside its Q
// cheapest has, among those Q households, one that no cadre takes (at most
// Q households are taken, this one among them), and moving to it costs no
// more; so some optimum uses kept arcs only.
#include <algorithm>
#include <string>
#include <utility>

#include "pairing/engine.hpp"

namespace lianxin::pairing_internal {
namespace {

enum Level : int { kQuotaLevel = 0, kLevels = 1 };

struct Model {
  FlowProblem problem;
  std::vector<int> cadres;      // node = position
  std::vector<int> households;  // node = cadres.size() + position
  struct Pair {
    int arc, cadre, household;
  };
  std::vector<Pair> pairs;
  std::vector<int> bypass_arc;  // per cadre
  int needy = 0;                // free needy households in the unit's villages
  int quota = 0;                // Σ quota left
};

// `whole`: keep every arc (for explanations, where the forced arc may be any).
Result<Model> BuildModel(const Index& index, const Assignment& current, int unit,
                         const std::vector<int>& villages, const std::vector<int>& pinned, bool whole) {
  const PairingRules& rules = *index.rules;
  Model model;
  for (int c : index.units[unit].cadres) {
    if (index.cadres[c].quota - pinned[c] > 0) {
      model.cadres.push_back(c);
      model.quota += index.cadres[c].quota - pinned[c];
    }
  }
  std::vector<int> needy;
  for (int v : villages) {
    for (int h : index.villages[v].households) {
      // A pin not kept leaves its household open here, so its existing pair can stay.
      if (index.households[h].needy && current.assist_of[h] == kNone) needy.push_back(h);
    }
  }
  model.needy = static_cast<int>(needy.size());

  const std::int64_t stay = Scaled(rules.move_cost);
  const std::size_t keep = whole ? needy.size() : std::min<std::size_t>(needy.size(), model.quota);
  std::vector<std::pair<std::int64_t, int>> costs;  // (soft, position in needy)
  std::vector<int> node_of(needy.size(), kNone);
  std::vector<Model::Pair> arcs;  // household field = position in needy until nodes exist
  std::vector<std::int64_t> soft;
  for (std::size_t k = 0; k < model.cadres.size(); ++k) {
    const int c = model.cadres[k];
    costs.clear();
    for (std::size_t i = 0; i < needy.size(); ++i) {
      const int h = needy[i];
      costs.emplace_back(index.AssistanceSoft(c, h) - (index.prev_assist[h] == c ? stay : 0),
                         static_cast<int>(i));
    }
    if (keep < costs.size()) {
      std::nth_element(costs.begin(), costs.begin() + static_cast<std::ptrdiff_t>(keep), costs.end());
      costs.resize(keep);
    }
    for (const auto& [cost, i] : costs) {
      node_of[i] = 0;
      arcs.push_back({0, static_cast<int>(k), i});
      soft.push_back(cost);
    }
  }

  FlowProblem& p = model.problem;
  for (int c : model.cadres) p.AddNode(index.cadres[c].quota - pinned[c]);
  for (std::size_t i = 0; i < needy.size(); ++i) {
    if (node_of[i] == kNone) continue;
    node_of[i] = p.AddNode();
    model.households.push_back(needy[i]);
  }
  const int sink = p.AddNode(-model.quota);
  p.arcs.reserve(arcs.size() + model.households.size() + model.cadres.size());
  for (std::size_t a = 0; a < arcs.size(); ++a) {
    Model::Pair pair = arcs[a];
    pair.arc = p.AddArc(pair.cadre, node_of[pair.household], 1, soft[a]);
    pair.cadre = model.cadres[pair.cadre];
    pair.household = needy[pair.household];
    model.pairs.push_back(pair);
  }
  const int first_household = static_cast<int>(model.cadres.size());
  for (std::size_t i = 0; i < model.households.size(); ++i)
    p.AddArc(first_household + static_cast<int>(i), sink, 1, 0);
  for (std::size_t k = 0; k < model.cadres.size(); ++k) {
    const int c = model.cadres[k];
    model.bypass_arc.push_back(
        p.AddArc(static_cast<int>(k), sink, index.cadres[c].quota - pinned[c], 0, +1, kQuotaLevel));
  }
  LX_RETURN_IF_ERROR(SetGoalWeights(p, kLevels));
  return model;
}

// Fixes the pins that the villages now allow; returns the pinned count per cadre.
std::vector<int> FixPins(const Index& index, Assignment& out, std::vector<Uncovered>* uncovered) {
  std::vector<int> pinned(index.cadres.size(), 0);
  for (std::size_t h = 0; h < index.households.size(); ++h) {
    const int c = index.pin_assist[h];
    if (c == kNone) continue;
    const int v = index.households[h].village;
    const CadreInfo& cadre = index.cadres[c];
    const char* chinese = nullptr;
    const char* english = nullptr;
    if (v == kNone || out.unit_of_village[v] != cadre.unit) {
      chinese = "该户所在村不由该干部的单位包联";
      english = "the cadre's unit does not hold the household's village";
    } else if (pinned[c] >= cadre.quota) {
      chinese = "该干部的包扶配额已满";
      english = "the cadre's quota is full";
    }
    if (chinese != nullptr) {
      if (uncovered != nullptr) {
        uncovered->push_back({PairingKind::kAssistance, UncoveredKind::kPin,
                              PinId(cadre.cadre->code, index.households[h].household->code),
                              PinNotKept(chinese, english)});
      }
      continue;
    }
    ++pinned[c];
    out.assist_of[h] = c;
  }
  return pinned;
}

std::vector<std::vector<int>> VillagesByUnit(const Index& index, const Assignment& out) {
  std::vector<std::vector<int>> villages(index.units.size());
  for (std::size_t v = 0; v < index.villages.size(); ++v) {
    if (out.unit_of_village[v] != kNone) villages[out.unit_of_village[v]].push_back(static_cast<int>(v));
  }
  return villages;
}

}  // namespace

Status SolveAssistance(const Index& index, Assignment& out, std::vector<Uncovered>& uncovered) {
  const std::vector<int> pinned = FixPins(index, out, &uncovered);
  const std::vector<std::vector<int>> villages = VillagesByUnit(index, out);
  for (std::size_t u = 0; u < index.units.size(); ++u) {
    LX_ASSIGN_OR_RETURN(Model model, BuildModel(index, out, static_cast<int>(u), villages[u], pinned, false));
    std::vector<int> paired(model.cadres.size(), 0);
    if (!model.cadres.empty() && !model.households.empty()) {
      LX_ASSIGN_OR_RETURN(FlowSolution solution, SolveMinCostFlow(model.problem));
      for (const Model::Pair& pair : model.pairs) {
        if (solution.flow[pair.arc] > 0) out.assist_of[pair.household] = pair.cadre;
      }
      for (std::size_t k = 0; k < model.cadres.size(); ++k) {
        const int c = model.cadres[k];
        paired[k] = index.cadres[c].quota - pinned[c] - static_cast<int>(solution.flow[model.bypass_arc[k]]);
      }
    }
    const std::string& unit_code = index.units[u].unit->code;
    for (std::size_t k = 0; k < model.cadres.size(); ++k) {
      const int c = model.cadres[k];
      const int quota = index.cadres[c].quota;
      const int got = pinned[c] + paired[k];
      if (got >= quota) continue;
      const std::string counts = std::to_string(quota) + " 户,结对 " + std::to_string(got) + " 户";
      const std::string english_counts = "quota " + std::to_string(quota) + ", paired " + std::to_string(got);
      uncovered.push_back(
          {PairingKind::kAssistance, UncoveredKind::kCadre, index.cadres[c].cadre->code,
           villages[u].empty()
               ? Reason("配额 " + counts + ":单位 " + unit_code + " 未包村",
                        english_counts + ": unit " + unit_code + " holds no village")
               : Reason("配额 " + counts + ":单位 " + unit_code + " 所包村有需帮扶户 " +
                            std::to_string(model.needy) + " 户,全单位剩余配额 " +
                            std::to_string(model.quota) + " 户",
                        english_counts + ": the villages of unit " + unit_code + " have " +
                            std::to_string(model.needy) + " needy households for quotas totalling " +
                            std::to_string(model.quota))});
    }
  }
  return Status::Ok();
}

Status ExplainAssistance(const Index& index, const Assignment& current, int household, int limit,
                         std::vector<Alternative>& out) {
  const HouseholdInfo& info = index.households[household];
  if (!info.needy || info.village == kNone) return Status::Ok();  // a kept pin is left out below
  const int unit = current.unit_of_village[info.village];
  if (unit == kNone) return Status::Ok();
  // The stage as it was solved: the pins fixed, this unit's pairs open again.
  Assignment base(index);
  base.unit_of_village = current.unit_of_village;
  const std::vector<int> pinned = FixPins(index, base, nullptr);
  std::vector<int> villages;
  for (std::size_t v = 0; v < index.villages.size(); ++v) {
    if (current.unit_of_village[v] == unit) villages.push_back(static_cast<int>(v));
  }
  LX_ASSIGN_OR_RETURN(Model model, BuildModel(index, base, unit, villages, pinned, /*whole=*/true));
  const auto at = std::find(model.households.begin(), model.households.end(), household);
  if (at == model.households.end() || model.cadres.empty()) return Status::Ok();
  const int node = static_cast<int>(model.cadres.size() + (at - model.households.begin()));
  LX_ASSIGN_OR_RETURN(FlowSolution solution, SolveMinCostFlow(model.problem));
  std::vector<ResidualPath> from;
  if (!ResidualDistances(model.problem, solution.flow, node, /*towards=*/false, from)) {
    return Status::Internal("结对解释:残量图有负环 (negative residual cycle)");
  }
  std::vector<Candidate> candidates;
  for (const Model::Pair& pair : model.pairs) {
    if (pair.household != household || pair.cadre == current.assist_of[household]) continue;
    const int k = static_cast<int>(std::find(model.cadres.begin(), model.cadres.end(), pair.cadre) -
                                   model.cadres.begin());
    const ResidualPath& path = from[k];
    if (!path.reachable) continue;
    const FlowArc& a = model.problem.arcs[pair.arc];
    ResidualPath forced{true, model.problem.Cost(a) + path.cost, a.soft + path.soft, a.miss + path.misses};
    if (solution.flow[pair.arc] > 0) forced = ResidualPath{true, 0, 0, 0};
    candidates.push_back({index.cadres[pair.cadre].cadre->code, forced});
  }
  KeepCheapest(PairingKind::kAssistance, candidates, limit, out);
  return Status::Ok();
}

}  // namespace lianxin::pairing_internal
