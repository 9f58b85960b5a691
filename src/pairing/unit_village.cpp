// Stage 1, unit ↔ village (单位包村), one flow problem per county:
//
//   village v (supply 1) ──[1, price(u,v) − stay (+ shortfall)]──▶ slot j of unit u ──[1]──▶ unit u
//        ╲──[1, miss: village not held]──▶ sink        unit u ──[floor share, goal]──▶ sink
//                                                      unit u ──[ceil − floor, 0]────▶ sink
// (a village reaches a unit's slots through two chains; see BuildModel)
//
// 「把全县390个村分包到全县各党政单位名下」: every village to exactly one unit of
// its county. A unit's share is villages × staff / Σ staff; it may take at
// most the share rounded up (hard) and is given at least the share rounded
// down, and at least min_villages_per_unit (a goal above every price).
// Pinned villages are fixed first and count towards their unit's share.
//
// Contact capacity cannot be a flow constraint here (a village's households
// go to one unit whole: a knapsack), so it is priced through slots: a unit
// with room for n more villages has n slots whose allowances sum to its
// cadres' contact capacity and follow the county's spread of village needs
// (the j-th slot is shaped like the county's need at quantile (j − ½)/n), so
// a unit takes a mix of big and small villages and, when every village fits
// its slot, its villages never need more than its cadres can take. A village
// in a slot too small costs village_shortfall_cost per household over.
#include <algorithm>
#include <cmath>
#include <string>

#include "pairing/engine.hpp"

namespace lianxin::pairing_internal {
namespace {

enum Level : int { kFloorLevel = 0, kHeldLevel = 1, kLevels = 2 };

struct Model {
  FlowProblem problem;
  std::vector<int> free_villages;  // villages that are nodes, in node order (node = position)
  std::vector<int> units;          // units that take villages
  int unit_node0 = 0;
  struct Choice {
    int arc, unit_pos;
  };
  std::vector<std::vector<Choice>> choices;  // per free village: its arcs into the units' slot chains
  int capacity = 0;                          // villages the units can still take
};

// What a village needs from the unit that holds it: the households its own
// party members cannot take.
int Need(const Index& index, int village) {
  const VillageInfo& v = index.villages[village];
  return std::max(0, static_cast<int>(v.households.size()) -
                         static_cast<int>(v.members.size()) * index.rules->contact_load);
}

Result<Model> BuildModel(const Index& index, int county) {
  const CountyInfo& info = index.counties[county];
  const PairingRules& rules = *index.rules;
  Model model;
  std::vector<int> pinned(index.units.size(), 0), pinned_need(index.units.size(), 0);
  std::vector<int> needs;  // the county's village needs, largest first
  for (int v : info.villages) {
    needs.push_back(Need(index, v));
    if (index.pin_unit[v] == kNone) continue;
    ++pinned[index.pin_unit[v]];
    pinned_need[index.pin_unit[v]] += needs.back();
  }
  std::sort(needs.begin(), needs.end(), std::greater<>());

  // 「单位联村」 in proportion to size: lower and upper bounds after the pins.
  const std::vector<Share> shares = SharesOf(index, county);
  std::vector<int> lower, upper;
  for (std::size_t k = 0; k < info.units.size(); ++k) {
    const int u = info.units[k];
    const int hi_left = std::max(0, shares[k].most - pinned[u]);
    if (hi_left == 0) continue;
    model.units.push_back(u);
    lower.push_back(std::max(0, shares[k].least - pinned[u]));
    upper.push_back(hi_left);
    model.capacity += hi_left;
  }

  for (int v : info.villages) {
    if (index.pin_unit[v] == kNone) model.free_villages.push_back(v);
  }
  FlowProblem& p = model.problem;
  const int free = static_cast<int>(model.free_villages.size());
  for (int i = 0; i < free; ++i) p.AddNode(1);
  model.unit_node0 = p.nodes;
  for (std::size_t i = 0; i < model.units.size(); ++i) p.AddNode();
  const int sink = p.AddNode(-free);

  // Each unit's slots, allowances ascending, reached through two chains so
  // that a village needs two arcs per unit rather than one per slot: it
  // enters the up-chain at the smallest slot it fits (free from there up)
  // and the down-chain at the largest slot it does not fit, each step down
  // adding the shortfall cost of the allowance lost. Allowances are whole
  // households, so every step is an exact price.
  struct Chains {
    std::vector<int> allowance, up, down;  // per slot, ascending
  };
  std::vector<Chains> chains(model.units.size());
  const std::int64_t per_household = Scaled(rules.village_shortfall_cost);
  for (std::size_t k = 0; k < model.units.size(); ++k) {
    const int u = model.units[k];
    const int n = upper[k];
    const double capacity =
        std::max(0, static_cast<int>(index.units[u].cadres.size()) * rules.contact_load - pinned_need[u]);
    std::vector<double> shape(static_cast<std::size_t>(n));
    double shape_sum = 0;
    for (int j = 0; j < n; ++j) {
      const std::size_t at =
          std::min(needs.size() - 1, static_cast<std::size_t>((j + 0.5) / n * needs.size()));
      shape[j] = needs.empty() ? 0 : needs[at];
      shape_sum += shape[j];
    }
    Chains& c = chains[k];
    for (int j = 0; j < n; ++j) {
      c.allowance.push_back(static_cast<int>(shape_sum > 0 ? capacity * shape[j] / shape_sum : capacity / n));
    }
    std::sort(c.allowance.begin(), c.allowance.end());
    for (int j = 0; j < n; ++j) {
      const int slot = p.AddNode();
      p.AddArc(slot, model.unit_node0 + static_cast<int>(k), 1, 0);
      c.up.push_back(p.AddNode());
      c.down.push_back(p.AddNode());
      p.AddArc(c.up[j], slot, 1, 0);
      p.AddArc(c.down[j], slot, 1, 0);
      if (j > 0) {
        p.AddArc(c.up[j - 1], c.up[j], n, 0);
        p.AddArc(c.down[j], c.down[j - 1], n, per_household * (c.allowance[j] - c.allowance[j - 1]));
      }
    }
  }

  p.arcs.reserve(p.arcs.size() + static_cast<std::size_t>(free) * (2 * model.units.size() + 1) +
                 2 * model.units.size());
  const std::int64_t stay = Scaled(rules.village_move_cost);
  model.choices.resize(static_cast<std::size_t>(free));
  for (int i = 0; i < free; ++i) {
    const int v = model.free_villages[i];
    const int need = Need(index, v);
    for (std::size_t k = 0; k < model.units.size(); ++k) {
      const int u = model.units[k];
      const std::int64_t base = index.UnitVillageSoft(u, v) - (index.prev_unit[v] == u ? stay : 0);
      const Chains& c = chains[k];
      const int fits = static_cast<int>(std::lower_bound(c.allowance.begin(), c.allowance.end(), need) -
                                        c.allowance.begin());
      if (fits < static_cast<int>(c.up.size())) {
        model.choices[i].push_back({p.AddArc(i, c.up[fits], 1, base), static_cast<int>(k)});
      }
      if (fits > 0) {
        const std::int64_t shortfall = per_household * (need - c.allowance[fits - 1]);
        model.choices[i].push_back({p.AddArc(i, c.down[fits - 1], 1, base + shortfall), static_cast<int>(k)});
      }
    }
    p.AddArc(i, sink, 1, 0, +1, kHeldLevel);
  }
  for (std::size_t k = 0; k < model.units.size(); ++k) {
    const int node = model.unit_node0 + static_cast<int>(k);
    if (lower[k] > 0) p.AddArc(node, sink, lower[k], 0, -1, kFloorLevel);
    if (upper[k] > lower[k]) p.AddArc(node, sink, upper[k] - lower[k], 0);
  }
  LX_RETURN_IF_ERROR(SetGoalWeights(p, kLevels));
  return model;
}

}  // namespace

std::vector<Share> SharesOf(const Index& index, int county) {
  const CountyInfo& info = index.counties[county];
  const int total = static_cast<int>(info.villages.size());
  double size_sum = 0;
  for (int u : info.units) size_sum += index.units[u].size;
  std::vector<Share> shares;
  for (int u : info.units) {
    const double share = size_sum > 0 ? total * index.units[u].size / size_sum
                                      : static_cast<double>(total) / static_cast<double>(info.units.size());
    // The tolerance keeps an exact share (e.g. 4.0 computed as 3.9999999) whole.
    constexpr double kTolerance = 1e-9;
    const int lo =
        std::max(index.rules->min_villages_per_unit, static_cast<int>(std::floor(share + kTolerance)));
    shares.push_back({lo, std::max(lo, static_cast<int>(std::ceil(share - kTolerance)))});
  }
  return shares;
}

Status SolveUnitVillages(const Index& index, Assignment& out, std::vector<Uncovered>& uncovered) {
  for (std::size_t v = 0; v < index.villages.size(); ++v) {
    if (index.pin_unit[v] != kNone) out.unit_of_village[v] = index.pin_unit[v];
  }
  for (std::size_t county = 0; county < index.counties.size(); ++county) {
    const CountyInfo& info = index.counties[county];
    if (info.villages.empty()) continue;
    LX_ASSIGN_OR_RETURN(Model model, BuildModel(index, static_cast<int>(county)));
    LX_ASSIGN_OR_RETURN(FlowSolution solution, SolveMinCostFlow(model.problem));
    for (std::size_t i = 0; i < model.free_villages.size(); ++i) {
      const int v = model.free_villages[i];
      for (const Model::Choice& choice : model.choices[i]) {
        if (solution.flow[choice.arc] > 0) out.unit_of_village[v] = model.units[choice.unit_pos];
      }
      if (out.unit_of_village[v] != kNone) continue;
      const std::string& code = index.villages[v].region->code;
      uncovered.push_back(
          {PairingKind::kUnitVillage, UncoveredKind::kVillage, code,
           info.units.empty()
               ? Reason("村 " + code + " 无单位包联:县 " + info.code + " 没有党政单位",
                        "village " + code + ": county " + info.code + " has no unit")
               : Reason("村 " + code + " 无单位包联:县 " + info.code + " 的单位最多再包 " +
                            std::to_string(model.capacity) + " 个村",
                        "village " + code + ": the units of county " + info.code + " can take only " +
                            std::to_string(model.capacity) + " more villages")});
    }
  }
  return Status::Ok();
}

Status ExplainUnitVillage(const Index& index, const Assignment& current, int village, int limit,
                          std::vector<Alternative>& out) {
  if (index.pin_unit[village] != kNone) return Status::Ok();  // pinned: no alternative is open
  LX_ASSIGN_OR_RETURN(Model model, BuildModel(index, index.villages[village].county));
  const auto at = std::find(model.free_villages.begin(), model.free_villages.end(), village);
  if (at == model.free_villages.end()) return Status::Ok();
  const int node = static_cast<int>(at - model.free_villages.begin());
  LX_ASSIGN_OR_RETURN(FlowSolution solution, SolveMinCostFlow(model.problem));
  std::vector<ResidualPath> back;
  if (!ResidualDistances(model.problem, solution.flow, node, /*towards=*/true, back)) {
    return Status::Internal("结对解释:残量图有负环 (negative residual cycle)");
  }
  // The cheapest way into each unit is its cheapest slot.
  std::vector<ResidualPath> best(model.units.size());
  for (const Model::Choice& choice : model.choices[node]) {
    const FlowArc& a = model.problem.arcs[choice.arc];
    const ResidualPath& path = back[a.to];
    if (!path.reachable) continue;
    ResidualPath forced{true, model.problem.Cost(a) + path.cost, a.soft + path.soft, a.miss + path.misses};
    if (solution.flow[choice.arc] > 0) forced = ResidualPath{true, 0, 0, 0};
    ResidualPath& b = best[choice.unit_pos];
    if (!b.reachable || forced.cost < b.cost) b = forced;
  }
  std::vector<Candidate> candidates;
  for (std::size_t k = 0; k < model.units.size(); ++k) {
    const int u = model.units[k];
    if (u == current.unit_of_village[village] || !best[k].reachable) continue;
    candidates.push_back({index.units[u].unit->code, best[k]});
  }
  KeepCheapest(PairingKind::kUnitVillage, candidates, limit, out);
  return Status::Ok();
}

}  // namespace lianxin::pairing_internal
