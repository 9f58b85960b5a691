// Min-cost flow for the pairing stages: a plain arc list in, arc flows out.
// LEMON's NetworkSimplex solves it inside flow.cpp, the one translation unit
// that includes LEMON (its headers clash with GLib's MAX; see ARCHITECTURE.md).
//
// Costs are integers in hundredths of a point. An arc's cost is its priced
// (soft) part plus, for arcs that carry a coverage goal, `miss` × the goal's
// big weight; weights are chosen per problem so that one goal outweighs
// every soft difference (the lexicographic order of pairing.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "lianxin/status.hpp"

namespace lianxin::pairing_internal {

// Hundredths of a point per point.
inline constexpr std::int64_t kCostScale = 100;
std::int64_t Scaled(double points);

struct FlowArc {
  int from = 0;
  int to = 0;
  std::int64_t lower = 0;
  std::int64_t upper = 0;
  std::int64_t soft = 0;  // priced part, scaled
  // +1: a unit on this arc misses a goal (a bypass); −1: it meets one (the
  // first unit into a cadre or branch); 0: no goal.
  int miss = 0;
  int level = 0;  // which goal weight applies (index into FlowProblem::goal_weight)
};

struct FlowProblem {
  int nodes = 0;
  std::vector<std::int64_t> supply;  // per node; Σ = 0
  std::vector<FlowArc> arcs;
  std::vector<std::int64_t> goal_weight;  // per level

  int AddNode(std::int64_t node_supply = 0);
  int AddArc(int from, int to, std::int64_t upper, std::int64_t soft, int miss = 0, int level = 0);
  std::int64_t Cost(const FlowArc& arc) const {
    return arc.soft + (arc.miss == 0 ? 0 : arc.miss * goal_weight[static_cast<std::size_t>(arc.level)]);
  }
};

// Sets goal_weight so that goals rank lexicographically above every soft
// price and each level above the levels below it. With U the flow (Σ
// positive supply) and the graph layered (no cycles, as every stage builds
// it), a flow is U paths, so B = U × (largest Σ |soft| along a path) bounds
// the soft total of any feasible flow and R_j = U × (largest Σ |miss| of
// level j along a path) its misses of level j; w_k = 2 (B + Σ_{j<k} R_j w_j)
// + 1 then exceeds any difference the levels below can make. kInternal if a
// weight would not fit in 52 bits (far beyond any county).
Status SetGoalWeights(FlowProblem& problem, int levels);

struct FlowSolution {
  std::vector<std::int64_t> flow;  // per arc
  std::int64_t soft = 0;           // Σ flow × soft
  std::int64_t misses = 0;         // Σ flow × miss
};

// Solves to optimality. kInternal if the problem is infeasible or unbounded
// (every stage builds bypass arcs, so that is a bug).
Result<FlowSolution> SolveMinCostFlow(const FlowProblem& problem);

// Shortest residual paths of an optimal flow, for "what would forcing this
// choice cost": with `towards`, from every node to `node`; otherwise from
// `node` to every node. Costs are full costs; `soft` and `misses` split them.
// No negative cycle exists in the residual of an optimal flow; if one is met
// anyway the search gives up and returns false.
struct ResidualPath {
  bool reachable = false;
  std::int64_t cost = 0;
  std::int64_t soft = 0;
  std::int64_t misses = 0;
};
bool ResidualDistances(const FlowProblem& problem, const std::vector<std::int64_t>& flow, int node,
                       bool towards, std::vector<ResidualPath>& out);

}  // namespace lianxin::pairing_internal
