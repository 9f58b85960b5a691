// Stage 1, unit ↔ village (单位包村), one county at a time.
//
// 「把全县390个村分包到全县各党政单位名下」: every village to exactly one unit of
// its county. A unit's share is villages × staff / Σ staff; it may take at
// most the share rounded up (hard) and is given at least the share rounded
// down, and at least min_villages_per_unit (a goal). Pinned villages are
// fixed first and count towards their unit's share.
//
// Goals, highest first: every village held; every unit its floor; the
// households the contact stage can cover; the needy households the
// assistance stage can serve; the cadres who can have a contact household;
// then the price (difficulty to strength, and stability). The last three are
// not flows: a village goes to one unit whole. Each has the same form: a
// village brings an amount, a unit can take at most a capacity of what its
// villages bring (its cadres may serve any household of its villages), so
// for a choice it is exactly
//
//   fixed + Σ_u min(capacity_u, Σ_{v held by u} amount_v)
//
//   households: amount = households beyond what the village's own party
//               members take (households − members × load), capacity =
//               cadres × load, fixed = what members take;
//   needy:      amount = needy households, capacity = Σ the cadres' quotas;
//   cadres:     amount = households left once each member has one,
//               capacity = the unit's cadres, fixed = members with one.
//
// (Which tier of cadre serves a needy household is a price of the
// assistance stage, not a goal here: a goal would move whole villages for
// it on every re-run.)
//
// The county is solved in up to three steps:
//
//   1. The price flow (no coverage in it), exact for the other goals and the
//      price:
//        village v (supply 1) ──[1, price(u,v) − stay]──▶ unit u ──[floor, goal]──▶ sink
//             ╲──[1, miss: village not held]──▶ sink       unit u ──[ceil − floor, 0]──▶ sink
//      If its choice reaches the coverage bound (capacity alone: no choice can
//      beat it), it is the answer, proved.
//   2. Otherwise a second flow steers big villages to units with room (slots,
//      below); the better of the two is improved by moving and swapping
//      villages (often up to the bound) and seeds the search.
//   3. GLPK's branch and bound, seeded with both, for the most households
//      (with the flow's villages held and floors met), stopping at
//      solver_time_limit with the best answer found.
//   4. The lower goals and then the price, keeping the households: villages
//      moved and swapped while that betters them; then, where the program is
//      small, the same branch and bound one goal at a time within a fixed
//      amount of work. The result says what was proved.
//
// Slots (the seed only): a unit with room for n more villages has n slots
// whose allowances sum to its cadres' contact capacity and follow the
// county's spread of village needs (the j-th slot is shaped like the
// county's need at quantile (j − ½)/n); a village in a slot too small costs
// village_shortfall_cost per household over.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <string>

#include "pairing/engine.hpp"
#include "pairing/mip.hpp"

namespace lianxin::pairing_internal {
namespace {

enum Level : int { kFloorLevel = 0, kHeldLevel = 1, kLevels = 2 };

// One part of a goal above: per free village its amount, per unit its
// capacity and what its pinned villages bring.
struct Measure {
  std::vector<int> amount;    // per free village
  std::vector<int> capacity;  // per unit
  std::vector<int> pinned;    // per unit
  long fixed = 0;             // whatever the choice
};
enum Goal : int { kHouseholds = 0, kNeedy = 1, kCadres = 2, kGoals = 3 };
// A goal may be the sum of several parts; today each has one.
inline constexpr int kParts = kGoals;
constexpr Goal GoalOf(int part) { return static_cast<Goal>(part); }

// One county's choice: which free villages may go to which units, and what
// each choice achieves of each goal.
struct County {
  int county = kNone;
  std::vector<int> free_villages;  // not pinned, in county order
  std::vector<int> units;          // units that may still take a village
  std::vector<int> lower, upper;   // per unit: villages it should, and may, still take
  std::array<Measure, kParts> parts;
  std::vector<int> all_needs;  // every village's household need, largest first (slot shapes)
  int households = 0;

  const std::vector<int>& Need() const { return parts[kHouseholds].amount; }

  // The goal when free village i goes to unit position choice[i] (kNone: not held).
  long Value(Goal g, const std::vector<int>& choice) const {
    long value = 0;
    for (int part = 0; part < kParts; ++part) value += GoalOf(part) == g ? PartValue(part, choice) : 0;
    return value;
  }
  long Bound(Goal g) const {
    long bound = 0;
    for (int part = 0; part < kParts; ++part) bound += GoalOf(part) == g ? PartBound(part) : 0;
    return bound;
  }
  long Fixed(Goal g) const {
    long fixed = 0;
    for (int part = 0; part < kParts; ++part) fixed += GoalOf(part) == g ? parts[part].fixed : 0;
    return fixed;
  }
  long PartValue(int part, const std::vector<int>& choice) const {
    const Measure& m = parts[part];
    std::vector<long> load(m.pinned.begin(), m.pinned.end());
    for (std::size_t i = 0; i < choice.size(); ++i) {
      if (choice[i] != kNone) load[static_cast<std::size_t>(choice[i])] += m.amount[i];
    }
    long value = m.fixed;
    for (std::size_t k = 0; k < units.size(); ++k) value += std::min<long>(m.capacity[k], load[k]);
    return value;
  }
  // No choice does better: every unit at most its capacity and the most its
  // share lets it take, and all of them at most what the villages bring.
  long PartBound(int part) const {
    const Measure& m = parts[part];
    std::vector<int> sorted = m.amount;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    long each = 0, capacity = 0, brought = 0;
    for (std::size_t k = 0; k < units.size(); ++k) {
      long most = m.pinned[k];
      for (int j = 0; j < upper[k] && j < static_cast<int>(sorted.size()); ++j) most += sorted[j];
      each += std::min<long>(m.capacity[k], most);
      capacity += m.capacity[k];
      brought += m.pinned[k];
    }
    for (int n : m.amount) brought += n;
    return m.fixed + std::min({each, capacity, brought});
  }
};

County CountyOf(const Index& index, int county) {
  const CountyInfo& info = index.counties[county];
  const int load = index.rules->contact_load;
  County c;
  c.county = county;
  const std::size_t n_units = index.units.size();
  std::vector<int> pinned(n_units, 0);
  std::array<std::vector<int>, kParts> pinned_amount;
  for (auto& p : pinned_amount) p.assign(n_units, 0);
  for (int v : info.villages) {
    const VillageInfo& village = index.villages[v];
    const int n = static_cast<int>(village.households.size());
    const int members = static_cast<int>(village.members.size());
    std::array<int, kParts> amount{std::max(0, n - members * load), 0,
                                   load > 0 ? n - std::min(n, members) : 0};
    for (int h : village.households) amount[kNeedy] += index.households[h].needy ? 1 : 0;
    c.households += n;
    c.parts[kHouseholds].fixed += std::min(n, members * load);
    c.parts[kCadres].fixed += load > 0 ? std::min(n, members) : 0;
    c.all_needs.push_back(amount[kHouseholds]);
    if (index.pin_unit[v] == kNone) {
      c.free_villages.push_back(v);
      for (int g = 0; g < kParts; ++g) c.parts[g].amount.push_back(amount[g]);
      continue;
    }
    ++pinned[index.pin_unit[v]];
    for (int g = 0; g < kParts; ++g) pinned_amount[g][index.pin_unit[v]] += amount[g];
  }
  std::sort(c.all_needs.begin(), c.all_needs.end(), std::greater<>());

  // 「单位联村」 in proportion to size: lower and upper bounds after the pins.
  const std::vector<Share> shares = SharesOf(index, county);
  for (std::size_t k = 0; k < info.units.size(); ++k) {
    const int u = info.units[k];
    const UnitInfo& unit = index.units[u];
    std::array<int, kParts> capacity{static_cast<int>(unit.cadres.size()) * load, 0,
                                     load > 0 ? static_cast<int>(unit.cadres.size()) : 0};
    for (int cadre : unit.cadres) capacity[kNeedy] += index.cadres[cadre].quota;
    const int hi_left = std::max(0, shares[k].most - pinned[u]);
    if (hi_left == 0) {  // its pins only
      for (int g = 0; g < kParts; ++g) c.parts[g].fixed += std::min(capacity[g], pinned_amount[g][u]);
      continue;
    }
    c.units.push_back(u);
    c.lower.push_back(std::max(0, shares[k].least - pinned[u]));
    c.upper.push_back(hi_left);
    for (int g = 0; g < kParts; ++g) {
      c.parts[g].capacity.push_back(capacity[g]);
      c.parts[g].pinned.push_back(pinned_amount[g][u]);
    }
  }
  return c;
}

struct Model {
  FlowProblem problem;
  int unit_node0 = 0;
  struct Choice {
    int arc, unit_pos;
  };
  std::vector<std::vector<Choice>> choices;  // per free village: its arcs into the units (or their slots)
};

// The flow of step 1, or with `slots` the seed of step 2.
Result<Model> BuildModel(const Index& index, const County& c, bool slots) {
  const PairingRules& rules = *index.rules;
  Model model;
  FlowProblem& p = model.problem;
  const int free = static_cast<int>(c.free_villages.size());
  for (int i = 0; i < free; ++i) p.AddNode(1);
  model.unit_node0 = p.nodes;
  for (std::size_t i = 0; i < c.units.size(); ++i) p.AddNode();
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
  std::vector<Chains> chains(slots ? c.units.size() : 0);
  const std::int64_t per_household = Scaled(rules.village_shortfall_cost);
  for (std::size_t k = 0; k < chains.size(); ++k) {
    const int n = c.upper[k];
    const Measure& households = c.parts[kHouseholds];
    const double capacity = std::max(0, households.capacity[k] - households.pinned[k]);
    const std::vector<int>& needs = c.all_needs;
    std::vector<double> shape(static_cast<std::size_t>(n));
    double shape_sum = 0;
    for (int j = 0; j < n; ++j) {
      const std::size_t at =
          std::min(needs.size() - 1, static_cast<std::size_t>((j + 0.5) / n * needs.size()));
      shape[j] = needs.empty() ? 0 : needs[at];
      shape_sum += shape[j];
    }
    Chains& ch = chains[k];
    for (int j = 0; j < n; ++j) {
      ch.allowance.push_back(
          static_cast<int>(shape_sum > 0 ? capacity * shape[j] / shape_sum : capacity / n));
    }
    std::sort(ch.allowance.begin(), ch.allowance.end());
    for (int j = 0; j < n; ++j) {
      const int slot = p.AddNode();
      p.AddArc(slot, model.unit_node0 + static_cast<int>(k), 1, 0);
      ch.up.push_back(p.AddNode());
      ch.down.push_back(p.AddNode());
      p.AddArc(ch.up[j], slot, 1, 0);
      p.AddArc(ch.down[j], slot, 1, 0);
      if (j > 0) {
        p.AddArc(ch.up[j - 1], ch.up[j], n, 0);
        p.AddArc(ch.down[j], ch.down[j - 1], n, per_household * (ch.allowance[j] - ch.allowance[j - 1]));
      }
    }
  }

  p.arcs.reserve(p.arcs.size() + static_cast<std::size_t>(free) * (2 * c.units.size() + 1) +
                 2 * c.units.size());
  const std::int64_t stay = Scaled(rules.village_move_cost);
  model.choices.resize(static_cast<std::size_t>(free));
  for (int i = 0; i < free; ++i) {
    const int v = c.free_villages[i];
    for (std::size_t k = 0; k < c.units.size(); ++k) {
      const int u = c.units[k];
      const std::int64_t base = index.UnitVillageSoft(u, v) - (index.prev_unit[v] == u ? stay : 0);
      if (!slots) {
        model.choices[i].push_back(
            {p.AddArc(i, model.unit_node0 + static_cast<int>(k), 1, base), static_cast<int>(k)});
        continue;
      }
      const Chains& ch = chains[k];
      const int need = c.Need()[static_cast<std::size_t>(i)];
      const int fits = static_cast<int>(std::lower_bound(ch.allowance.begin(), ch.allowance.end(), need) -
                                        ch.allowance.begin());
      if (fits < static_cast<int>(ch.up.size())) {
        model.choices[i].push_back({p.AddArc(i, ch.up[fits], 1, base), static_cast<int>(k)});
      }
      if (fits > 0) {
        const std::int64_t shortfall = per_household * (need - ch.allowance[fits - 1]);
        model.choices[i].push_back(
            {p.AddArc(i, ch.down[fits - 1], 1, base + shortfall), static_cast<int>(k)});
      }
    }
    p.AddArc(i, sink, 1, 0, +1, kHeldLevel);
  }
  for (std::size_t k = 0; k < c.units.size(); ++k) {
    const int node = model.unit_node0 + static_cast<int>(k);
    if (c.lower[k] > 0) p.AddArc(node, sink, c.lower[k], 0, -1, kFloorLevel);
    if (c.upper[k] > c.lower[k]) p.AddArc(node, sink, c.upper[k] - c.lower[k], 0);
  }
  LX_RETURN_IF_ERROR(SetGoalWeights(p, kLevels));
  return model;
}

// The unit position chosen for each free village (kNone: not held).
Result<std::vector<int>> SolveFlow(const Index& index, const County& c, bool slots) {
  LX_ASSIGN_OR_RETURN(Model model, BuildModel(index, c, slots));
  LX_ASSIGN_OR_RETURN(FlowSolution solution, SolveMinCostFlow(model.problem));
  std::vector<int> choice(c.free_villages.size(), kNone);
  for (std::size_t i = 0; i < choice.size(); ++i) {
    for (const Model::Choice& arc : model.choices[i]) {
      if (solution.flow[arc.arc] > 0) choice[i] = arc.unit_pos;
    }
  }
  return choice;
}

// Step 3's program. Columns: x(i, k) = 1 when free village i goes to unit k;
// f(k) ≥ the villages unit k falls short of its floor; y(p, k) ≤ what unit
// k achieves of part p (its capacity, and what its villages bring).
struct Program {
  MipProblem mip;
  int free = 0, units = 0;
  int x0 = 0, f0 = 0, y0 = 0;
  std::vector<std::int64_t> price;  // per (i, k), scaled
  int X(int i, int k) const { return x0 + i * units + k; }
  int Y(int g, int k) const { return y0 + g * units + k; }

  std::vector<double> Seed(const County& c, const std::vector<int>& choice) const {
    std::vector<double> x(mip.columns.size(), 0.0);
    std::vector<long> held(static_cast<std::size_t>(units), 0);
    for (int i = 0; i < free; ++i) {
      const int k = choice[static_cast<std::size_t>(i)];
      if (k == kNone) continue;
      x[static_cast<std::size_t>(X(i, k))] = 1;
      ++held[static_cast<std::size_t>(k)];
    }
    for (int k = 0; k < units; ++k) {
      const std::size_t at = static_cast<std::size_t>(k);
      x[static_cast<std::size_t>(f0 + k)] = std::max<long>(0, c.lower[at] - held[at]);
    }
    for (int g = 0; g < kParts; ++g) {
      const Measure& m = c.parts[static_cast<std::size_t>(g)];
      std::vector<long> load(m.pinned.begin(), m.pinned.end());
      for (int i = 0; i < free; ++i) {
        const int k = choice[static_cast<std::size_t>(i)];
        if (k != kNone) load[static_cast<std::size_t>(k)] += m.amount[static_cast<std::size_t>(i)];
      }
      for (int k = 0; k < units; ++k) {
        const std::size_t at = static_cast<std::size_t>(k);
        x[static_cast<std::size_t>(Y(g, k))] = static_cast<double>(std::min<long>(m.capacity[at], load[at]));
      }
    }
    return x;
  }
  std::vector<int> Choice(const std::vector<double>& x) const {
    std::vector<int> choice(static_cast<std::size_t>(free), kNone);
    for (int i = 0; i < free; ++i) {
      for (int k = 0; k < units; ++k) {
        if (x[static_cast<std::size_t>(X(i, k))] > 0.5) choice[static_cast<std::size_t>(i)] = k;
      }
    }
    return choice;
  }
  // Sets the objective: maximise goal g (or, with kGoals, minimise the price).
  void Aim(int goal) {
    for (MipProblem::Column& column : mip.columns) column.cost = 0;
    if (goal < kGoals) {
      for (int part = 0; part < kParts; ++part) {
        if (GoalOf(part) != goal) continue;
        for (int k = 0; k < units; ++k) mip.columns[static_cast<std::size_t>(Y(part, k))].cost = -1;
      }
      return;
    }
    for (int i = 0; i < free; ++i) {
      for (int k = 0; k < units; ++k) {
        mip.columns[static_cast<std::size_t>(X(i, k))].cost =
            static_cast<double>(price[static_cast<std::size_t>(X(i, k) - x0)]);
      }
    }
  }
  // Keeps goal g at `at_least` (without its fixed part) from here on.
  void Keep(int goal, double at_least) {
    const int row = mip.AddRow(at_least, kMipInfinity);
    for (int part = 0; part < kParts; ++part) {
      if (GoalOf(part) != goal) continue;
      for (int k = 0; k < units; ++k) mip.Add(row, Y(part, k), 1);
    }
  }
};

// `held` and `floor_misses` are the flow's (the most villages held, then the
// fewest floor misses): the program keeps both.
Program BuildProgram(const Index& index, const County& c, int held, int floor_misses) {
  Program p;
  p.free = static_cast<int>(c.free_villages.size());
  p.units = static_cast<int>(c.units.size());
  MipProblem& m = p.mip;
  const std::int64_t stay = Scaled(index.rules->village_move_cost);
  p.x0 = 0;
  for (int i = 0; i < p.free; ++i) {
    const int v = c.free_villages[static_cast<std::size_t>(i)];
    for (int k = 0; k < p.units; ++k) {
      const int u = c.units[static_cast<std::size_t>(k)];
      m.AddColumn(0, 1, 0, true);
      p.price.push_back(index.UnitVillageSoft(u, v) - (index.prev_unit[v] == u ? stay : 0));
    }
  }
  p.f0 = static_cast<int>(m.columns.size());
  for (int k = 0; k < p.units; ++k) m.AddColumn(0, c.lower[static_cast<std::size_t>(k)], 0, false);
  p.y0 = static_cast<int>(m.columns.size());
  for (int g = 0; g < kParts; ++g) {
    for (int k = 0; k < p.units; ++k) {
      m.AddColumn(0, c.parts[static_cast<std::size_t>(g)].capacity[static_cast<std::size_t>(k)], 0, false);
    }
  }

  for (int i = 0; i < p.free; ++i) {  // one unit per village at most
    const int row = m.AddRow(-kMipInfinity, 1);
    for (int k = 0; k < p.units; ++k) m.Add(row, p.X(i, k), 1);
  }
  const int all = m.AddRow(held, held);
  const int misses = m.AddRow(-kMipInfinity, floor_misses);
  for (int k = 0; k < p.units; ++k) {
    const std::size_t at = static_cast<std::size_t>(k);
    const int floor = m.AddRow(c.lower[at], kMipInfinity);  // Σ_i x + f ≥ floor
    const int most = m.AddRow(-kMipInfinity, c.upper[at]);  // Σ_i x ≤ ceil
    for (int i = 0; i < p.free; ++i) {
      m.Add(floor, p.X(i, k), 1);
      m.Add(most, p.X(i, k), 1);
      m.Add(all, p.X(i, k), 1);
    }
    m.Add(floor, p.f0 + k, 1);
    m.Add(misses, p.f0 + k, 1);
    for (int g = 0; g < kParts; ++g) {  // y − Σ amount x ≤ pinned
      const Measure& measure = c.parts[static_cast<std::size_t>(g)];
      const int row = m.AddRow(-kMipInfinity, measure.pinned[at]);
      m.Add(row, p.Y(g, k), 1);
      for (int i = 0; i < p.free; ++i) {
        if (measure.amount[static_cast<std::size_t>(i)] != 0) {
          m.Add(row, p.X(i, k), -measure.amount[static_cast<std::size_t>(i)]);
        }
      }
    }
  }
  return p;
}

struct Counted {
  int held = 0, floor_misses = 0;
};
Counted Count(const County& c, const std::vector<int>& choice) {
  Counted out;
  std::vector<int> held(c.units.size(), 0);
  for (int k : choice) {
    if (k == kNone) continue;
    ++out.held;
    ++held[static_cast<std::size_t>(k)];
  }
  for (std::size_t k = 0; k < c.units.size(); ++k) out.floor_misses += std::max(0, c.lower[k] - held[k]);
  return out;
}

// Moves and swaps villages between units while that betters the goals and
// then the price, lexicographically, never holding fewer villages or
// missing more floors. Deterministic, and fast at any county's size; used
// where the program is too large to search.
void Improve(const County& c, const Program& program, int floor_misses, std::vector<int>& choice) {
  const int units = program.units, free = program.free;
  std::vector<int> held(static_cast<std::size_t>(units), 0);
  std::array<std::vector<long>, kParts> load;
  for (int g = 0; g < kParts; ++g) load[g].assign(c.parts[g].pinned.begin(), c.parts[g].pinned.end());
  int misses = 0;
  for (int i = 0; i < free; ++i) {
    const int k = choice[static_cast<std::size_t>(i)];
    if (k == kNone) continue;
    ++held[static_cast<std::size_t>(k)];
    for (int g = 0; g < kParts; ++g)
      load[g][static_cast<std::size_t>(k)] += c.parts[g].amount[static_cast<std::size_t>(i)];
  }
  for (int k = 0; k < units; ++k)
    misses += std::max(0, c.lower[static_cast<std::size_t>(k)] - held[static_cast<std::size_t>(k)]);
  auto value = [&](int g, int k, long l) {
    return std::min<long>(c.parts[g].capacity[static_cast<std::size_t>(k)], l);
  };
  auto price = [&](int i, int k) {
    return program.price[static_cast<std::size_t>(program.X(i, k) - program.x0)];
  };
  // The change of each goal when unit a's loads change by `out` and b's by `in`.
  auto better = [&](int a, int b, const std::array<long, kParts>& change, std::int64_t price_change) {
    std::array<long, kGoals> delta{};
    for (int g = 0; g < kParts; ++g) {
      delta[GoalOf(g)] += value(g, a, load[g][a] - change[g]) - value(g, a, load[g][a]) +
                          value(g, b, load[g][b] + change[g]) - value(g, b, load[g][b]);
    }
    for (long d : delta) {
      if (d != 0) return d > 0;
    }
    return price_change < 0;
  };
  auto shift = [&](int a, int b, const std::array<long, kParts>& change) {
    for (int g = 0; g < kParts; ++g) {
      load[g][a] -= change[g];
      load[g][b] += change[g];
    }
  };
  auto amounts = [&](int i) {
    std::array<long, kParts> out{};
    for (int g = 0; g < kParts; ++g) out[g] = c.parts[g].amount[static_cast<std::size_t>(i)];
    return out;
  };
  constexpr int kPasses = 100;
  for (int pass = 0; pass < kPasses; ++pass) {
    bool moved = false;
    for (int i = 0; i < free; ++i) {  // one village to another unit
      const int a = choice[static_cast<std::size_t>(i)];
      if (a == kNone) continue;
      const std::array<long, kParts> change = amounts(i);
      for (int b = 0; b < units; ++b) {
        if (b == a || held[b] >= c.upper[b]) continue;
        const int after = misses + (held[a] <= c.lower[a] ? 1 : 0) - (held[b] < c.lower[b] ? 1 : 0);
        if (after > floor_misses || !better(a, b, change, price(i, b) - price(i, a))) continue;
        shift(a, b, change);
        --held[a];
        ++held[b];
        misses = after;
        choice[static_cast<std::size_t>(i)] = b;
        moved = true;
        break;
      }
    }
    for (int i = 0; i < free; ++i) {  // two villages trade units
      for (int j = i + 1; j < free; ++j) {
        const int a = choice[static_cast<std::size_t>(i)], b = choice[static_cast<std::size_t>(j)];
        if (a == kNone || b == kNone || a == b) continue;
        std::array<long, kParts> change = amounts(i);
        const std::array<long, kParts> back = amounts(j);
        for (int g = 0; g < kParts; ++g) change[g] -= back[g];
        if (!better(a, b, change, price(i, b) + price(j, a) - price(i, a) - price(j, b))) continue;
        shift(a, b, change);
        choice[static_cast<std::size_t>(i)] = b;
        choice[static_cast<std::size_t>(j)] = a;
        moved = true;
      }
    }
    if (!moved) break;
  }
}

// Steps 1–3 for one county: the unit position of each free village.
Result<std::vector<int>> SolveCounty(const Index& index, const County& c, UnitVillageSolve& solve) {
  LX_ASSIGN_OR_RETURN(std::vector<int> cheapest, SolveFlow(index, c, /*slots=*/false));
  solve.households = c.households;
  solve.proof = CoverageProof::kBound;
  solve.refinement_proved = true;
  std::array<long, kGoals> bound{};
  bool at_bound = true;
  for (int g = 0; g < kGoals; ++g) {
    bound[g] = c.Bound(static_cast<Goal>(g));
    at_bound = at_bound && c.Value(static_cast<Goal>(g), cheapest) >= bound[g];
  }
  solve.coverable = static_cast<int>(c.Value(kHouseholds, cheapest));
  solve.bound = static_cast<int>(std::max<long>(bound[kHouseholds], solve.coverable));
  if (at_bound || c.units.empty()) return cheapest;

  LX_ASSIGN_OR_RETURN(std::vector<int> steered, SolveFlow(index, c, /*slots=*/true));
  const Counted kept = Count(c, cheapest);
  Program program = BuildProgram(index, c, kept.held, kept.floor_misses);
  std::vector<std::vector<double>> seeds{program.Seed(c, cheapest), program.Seed(c, steered)};
  // The best choice so far, by the goals in order.
  auto ahead = [&](const std::vector<int>& x, const std::vector<int>& y) {
    for (int g = 0; g < kGoals; ++g) {
      const long vx = c.Value(static_cast<Goal>(g), x), vy = c.Value(static_cast<Goal>(g), y);
      if (vx != vy) return vx > vy;
    }
    return false;
  };
  std::vector<int> best = ahead(steered, cheapest) ? steered : cheapest;
  // Local moves first: they often close the gap, and a seed at the optimum
  // leaves the search only the bound to prove.
  Improve(c, program, kept.floor_misses, best);
  seeds.push_back(program.Seed(c, best));

  // The households: searched to the end (or solver_time_limit).
  const long households_fixed = c.Fixed(kHouseholds);
  long covered = c.Value(kHouseholds, best);
  if (covered < bound[kHouseholds]) {
    program.Aim(kHouseholds);
    const MipOptions exact{.integral_objective = true, .time_limit_seconds = index.rules->solver_time_limit};
    LX_ASSIGN_OR_RETURN(MipSolution most, SolveMip(program.mip, seeds, exact));
    const std::vector<int> found = program.Choice(most.x);
    if (c.Value(kHouseholds, found) > covered) {
      best = found;
      covered = c.Value(kHouseholds, found);
    }
    bound[kHouseholds] =
        std::min(bound[kHouseholds], households_fixed + static_cast<long>(std::lround(-most.bound)));
    solve.proof = most.optimal ? CoverageProof::kSearch : CoverageProof::kTimeLimit;
  }
  solve.coverable = static_cast<int>(covered);
  solve.bound = static_cast<int>(std::max(bound[kHouseholds], covered));
  program.Keep(kHouseholds, static_cast<double>(covered - households_fixed));

  // The lower goals and the price: improved locally, then searched where the
  // program is small enough to prove in a bounded amount of work (so that a
  // machine's speed never changes the pairs).
  // What the final choice covers: the refinements keep the households and
  // may add to them; reaching the proved bound proves it.
  auto Settle = [&](std::vector<int> choice) {
    solve.coverable = static_cast<int>(c.Value(kHouseholds, choice));
    solve.bound = std::max(solve.bound, solve.coverable);
    if (solve.proof == CoverageProof::kTimeLimit && solve.coverable >= solve.bound) {
      solve.proof = CoverageProof::kSearch;
    }
    return choice;
  };
  // From the best so far, and from the cheapest choice repaired: the better.
  Improve(c, program, kept.floor_misses, best);
  std::vector<int> repaired = cheapest;
  Improve(c, program, kept.floor_misses, repaired);
  auto price_of = [&](const std::vector<int>& x) {
    std::int64_t sum = 0;
    for (int i = 0; i < program.free; ++i) {
      if (x[static_cast<std::size_t>(i)] != kNone) {
        sum +=
            program
                .price[static_cast<std::size_t>(program.X(i, x[static_cast<std::size_t>(i)]) - program.x0)];
      }
    }
    return sum;
  };
  if (ahead(repaired, best) || (!ahead(best, repaired) && price_of(repaired) < price_of(best)))
    best = repaired;
  // Proved when the lower goals reach their bounds at the cheapest flow's
  // price (which nothing beats: it is the least over every choice).
  bool proved = price_of(best) <= price_of(cheapest);
  for (int g = kNeedy; g < kGoals; ++g) proved = proved && c.Value(static_cast<Goal>(g), best) >= bound[g];
  if (proved) return Settle(best);
  constexpr std::size_t kSearchedColumns = 3000;
  if (program.mip.columns.size() > kSearchedColumns) {
    solve.refinement_proved = false;
    return Settle(best);
  }
  const MipOptions refine{.integral_objective = true,
                          .time_limit_seconds = index.rules->refine_time_limit,
                          .iteration_limit = 100000,
                          .node_limit = 2000};
  for (int g = kNeedy; g < kGoals; ++g) {
    const Goal goal = static_cast<Goal>(g);
    long reached = c.Value(goal, best);
    if (reached < bound[g]) {
      program.Aim(g);
      seeds.push_back(program.Seed(c, best));
      LX_ASSIGN_OR_RETURN(MipSolution most, SolveMip(program.mip, seeds, refine));
      const std::vector<int> found = program.Choice(most.x);
      if (c.Value(goal, found) > reached) {
        best = found;
        reached = c.Value(goal, found);
      }
      solve.refinement_proved = solve.refinement_proved && most.optimal;
    }
    program.Keep(g, static_cast<double>(reached - c.Fixed(goal)));
  }
  program.Aim(kGoals);
  seeds.push_back(program.Seed(c, best));
  LX_ASSIGN_OR_RETURN(MipSolution cheapest_keeping, SolveMip(program.mip, seeds, refine));
  solve.refinement_proved = solve.refinement_proved && cheapest_keeping.optimal;
  return Settle(program.Choice(cheapest_keeping.x));
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
  out.solves.assign(index.counties.size(), UnitVillageSolve{});
  for (std::size_t county = 0; county < index.counties.size(); ++county) {
    const CountyInfo& info = index.counties[county];
    if (info.villages.empty()) continue;
    const auto start = std::chrono::steady_clock::now();
    const County c = CountyOf(index, static_cast<int>(county));
    UnitVillageSolve& solve = out.solves[county];
    solve.county_code = info.code;
    LX_ASSIGN_OR_RETURN(const std::vector<int> choice, SolveCounty(index, c, solve));
    solve.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    int room = 0;
    for (int most : c.upper) room += most;
    for (std::size_t i = 0; i < c.free_villages.size(); ++i) {
      const int v = c.free_villages[i];
      if (choice[i] != kNone) {
        out.unit_of_village[v] = c.units[static_cast<std::size_t>(choice[i])];
        continue;
      }
      const std::string& code = index.villages[v].region->code;
      uncovered.push_back(
          {PairingKind::kUnitVillage, UncoveredKind::kVillage, code,
           info.units.empty()
               ? Reason("村 " + code + " 无单位包联:县 " + info.code + " 没有党政单位",
                        "village " + code + ": county " + info.code + " has no unit")
               : Reason("村 " + code + " 无单位包联:县 " + info.code + " 的单位按编制比例最多再包 " +
                            std::to_string(room) + " 个村",
                        "village " + code + ": by their shares the units of county " + info.code +
                            " can take only " + std::to_string(room) + " more villages")});
    }
  }
  return Status::Ok();
}

Status ExplainUnitVillage(const Index& index, const Assignment& current, int village, int limit,
                          std::vector<Alternative>& out) {
  if (index.pin_unit[village] != kNone) return Status::Ok();  // pinned: no alternative is open
  const County c = CountyOf(index, index.villages[village].county);
  LX_ASSIGN_OR_RETURN(Model model, BuildModel(index, c, /*slots=*/false));
  const auto at = std::find(c.free_villages.begin(), c.free_villages.end(), village);
  if (at == c.free_villages.end()) return Status::Ok();
  const int node = static_cast<int>(at - c.free_villages.begin());
  LX_ASSIGN_OR_RETURN(FlowSolution solution, SolveMinCostFlow(model.problem));
  std::vector<ResidualPath> back;
  if (!ResidualDistances(model.problem, solution.flow, node, /*towards=*/true, back)) {
    return Status::Internal("结对解释:残量图有负环 (negative residual cycle)");
  }
  std::vector<ResidualPath> best(c.units.size());
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
  for (std::size_t k = 0; k < c.units.size(); ++k) {
    const int u = c.units[k];
    if (u == current.unit_of_village[village] || !best[k].reachable) continue;
    candidates.push_back({index.units[u].unit->code, best[k]});
  }
  KeepCheapest(PairingKind::kUnitVillage, candidates, limit, out);
  return Status::Ok();
}

}  // namespace lianxin::pairing_internal
