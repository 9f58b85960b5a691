#include "pairing/flow.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <vector>

// LEMON only here (its headers clash with GLib's MAX; ARCHITECTURE.md).
// Header-only use: LEMON_ONLY_TEMPLATES gives this translation unit its own
// `INVALID` instead of the one in liblemon, so nothing needs linking. With
// g++ 12 these headers compile clean under -Wall -Wextra, so no pragmas.
#define LEMON_ONLY_TEMPLATES
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

namespace lianxin::pairing_internal {

std::int64_t Scaled(double points) {
  return static_cast<std::int64_t>(std::llround(points * static_cast<double>(kCostScale)));
}

int FlowProblem::AddNode(std::int64_t node_supply) {
  supply.push_back(node_supply);
  return nodes++;
}

int FlowProblem::AddArc(int from, int to, std::int64_t upper, std::int64_t soft, int miss, int level) {
  FlowArc arc;
  arc.from = from;
  arc.to = to;
  arc.upper = upper;
  arc.soft = soft;
  arc.miss = miss;
  arc.level = level;
  arcs.push_back(arc);
  return static_cast<int>(arcs.size()) - 1;
}

Status SetGoalWeights(FlowProblem& problem, int levels) {
  const std::size_t n = static_cast<std::size_t>(problem.nodes);
  const std::size_t width = static_cast<std::size_t>(levels) + 1;  // |soft|, then |miss| per level
  __int128 units = 0;
  for (std::int64_t s : problem.supply) units += std::max<std::int64_t>(s, 0);

  // Two bounds on what a feasible flow can sum, per measure (|soft|, and
  // |miss| of each level); the smaller is used. (1) Arc by arc: capacity ×
  // value. (2) Every stage builds a layered graph (no cycles), so a flow is
  // `units` paths: units × the largest sum along one path (longest paths in
  // topological order).
  std::vector<__int128> by_arc(width, 0);
  std::vector<int> first(n + 1, 0), indegree(n, 0);  // arcs by tail, compressed
  for (const FlowArc& arc : problem.arcs) {
    const __int128 cap = std::min<__int128>(arc.upper, units);
    by_arc[0] += cap * (arc.soft < 0 ? -static_cast<__int128>(arc.soft) : arc.soft);
    if (arc.miss != 0) by_arc[static_cast<std::size_t>(arc.level) + 1] += cap * std::abs(arc.miss);
    ++first[static_cast<std::size_t>(arc.from) + 1];
    ++indegree[static_cast<std::size_t>(arc.to)];
  }
  for (std::size_t v = 0; v < n; ++v) first[v + 1] += first[v];
  std::vector<int> out(problem.arcs.size()), fill(first.begin(), first.end() - 1);
  for (std::size_t i = 0; i < problem.arcs.size(); ++i) {
    out[static_cast<std::size_t>(fill[static_cast<std::size_t>(problem.arcs[i].from)]++)] =
        static_cast<int>(i);
  }
  std::vector<int> order;
  order.reserve(n);
  for (std::size_t v = 0; v < n; ++v) {
    if (indegree[v] == 0) order.push_back(static_cast<int>(v));
  }
  for (std::size_t head = 0; head < order.size(); ++head) {
    const std::size_t v = static_cast<std::size_t>(order[head]);
    for (int k = first[v]; k < first[v + 1]; ++k) {
      const std::size_t to = static_cast<std::size_t>(
          problem.arcs[static_cast<std::size_t>(out[static_cast<std::size_t>(k)])].to);
      if (--indegree[to] == 0) order.push_back(static_cast<int>(to));
    }
  }
  std::vector<__int128> bound = by_arc;
  if (order.size() == n) {
    std::vector<__int128> path(width, 0);
    std::vector<__int128> longest(n * width, 0);  // longest path ending at each node
    for (int v : order) {
      for (int k = first[static_cast<std::size_t>(v)]; k < first[static_cast<std::size_t>(v) + 1]; ++k) {
        const FlowArc& arc = problem.arcs[static_cast<std::size_t>(out[static_cast<std::size_t>(k)])];
        for (std::size_t m = 0; m < width; ++m) {
          __int128 add = 0;
          if (m == 0) add = arc.soft < 0 ? -static_cast<__int128>(arc.soft) : arc.soft;
          if (m > 0 && arc.miss != 0 && static_cast<std::size_t>(arc.level) == m - 1)
            add = std::abs(arc.miss);
          __int128& to = longest[static_cast<std::size_t>(arc.to) * width + m];
          to = std::max(to, longest[static_cast<std::size_t>(v) * width + m] + add);
          path[m] = std::max(path[m], to);
        }
      }
    }
    for (std::size_t m = 0; m < width; ++m) bound[m] = std::min(bound[m], units * path[m]);
  }

  // NetworkSimplex prices its artificial arcs at (max cost + 1) × nodes and
  // sums costs along tree paths, so each weight stays under 2^61 / nodes;
  // the total of any flow (below the next weight) under 2^62.
  const __int128 weight_limit = (static_cast<__int128>(1) << 61) / (static_cast<__int128>(n) + 2);
  const __int128 total_limit = static_cast<__int128>(1) << 62;
  problem.goal_weight.assign(static_cast<std::size_t>(levels), 0);
  __int128 below = bound[0];
  for (int k = 0; k < levels; ++k) {
    const __int128 weight = 2 * below + 1;
    if (weight >= weight_limit) {
      return Status::Internal("结对问题规模过大,目标权重溢出 (pairing goal weights overflow)");
    }
    problem.goal_weight[static_cast<std::size_t>(k)] = static_cast<std::int64_t>(weight);
    below += bound[static_cast<std::size_t>(k) + 1] * weight;
  }
  if (below >= total_limit)
    return Status::Internal("结对问题规模过大,目标权重溢出 (pairing goal weights overflow)");
  return Status::Ok();
}

Result<FlowSolution> SolveMinCostFlow(const FlowProblem& problem) {
  using Graph = lemon::SmartDigraph;
  Graph graph;
  graph.reserveNode(problem.nodes);
  graph.reserveArc(static_cast<int>(problem.arcs.size()));
  for (int i = 0; i < problem.nodes; ++i) graph.addNode();
  for (const FlowArc& arc : problem.arcs) graph.addArc(graph.nodeFromId(arc.from), graph.nodeFromId(arc.to));
  // Maps made after the arcs are sized once; SmartDigraph numbers arcs and
  // nodes in the order they were added, so ids are positions.
  Graph::ArcMap<std::int64_t> lower(graph), upper(graph), cost(graph);
  for (std::size_t i = 0; i < problem.arcs.size(); ++i) {
    const Graph::Arc a = graph.arcFromId(static_cast<int>(i));
    lower[a] = problem.arcs[i].lower;
    upper[a] = problem.arcs[i].upper;
    cost[a] = problem.Cost(problem.arcs[i]);
  }
  Graph::NodeMap<std::int64_t> supply(graph);
  for (int i = 0; i < problem.nodes; ++i)
    supply[graph.nodeFromId(i)] = problem.supply[static_cast<std::size_t>(i)];

  lemon::NetworkSimplex<Graph, std::int64_t, std::int64_t> solver(graph);
  solver.lowerMap(lower).upperMap(upper).costMap(cost).supplyMap(supply);
  const auto outcome = solver.run();
  if (outcome != decltype(solver)::OPTIMAL) {
    return Status::Internal(outcome == decltype(solver)::INFEASIBLE
                                ? "结对流问题无可行解 (pairing flow problem infeasible)"
                                : "结对流问题无界 (pairing flow problem unbounded)");
  }
  FlowSolution solution;
  solution.flow.resize(problem.arcs.size());
  for (std::size_t i = 0; i < problem.arcs.size(); ++i) {
    const std::int64_t f = solver.flow(graph.arcFromId(static_cast<int>(i)));
    solution.flow[i] = f;
    solution.soft += f * problem.arcs[i].soft;
    solution.misses += f * problem.arcs[i].miss;
  }
  return solution;
}

bool ResidualDistances(const FlowProblem& problem, const std::vector<std::int64_t>& flow, int node,
                       bool towards, std::vector<ResidualPath>& out) {
  // Residual arcs: forward where flow < upper (cost +c), backward where
  // flow > lower (cost −c). Searching `towards` a node walks them reversed.
  struct Edge {
    int to;
    int arc;
    int sign;  // +1 forward residual, −1 backward
  };
  const std::size_t n = static_cast<std::size_t>(problem.nodes);
  std::vector<std::vector<Edge>> adjacent(n);
  for (std::size_t i = 0; i < problem.arcs.size(); ++i) {
    const FlowArc& arc = problem.arcs[i];
    const int id = static_cast<int>(i);
    if (flow[i] < arc.upper) {
      // residual from → to
      if (towards) {
        adjacent[static_cast<std::size_t>(arc.to)].push_back({arc.from, id, +1});
      } else {
        adjacent[static_cast<std::size_t>(arc.from)].push_back({arc.to, id, +1});
      }
    }
    if (flow[i] > arc.lower) {
      // residual to → from
      if (towards) {
        adjacent[static_cast<std::size_t>(arc.from)].push_back({arc.to, id, -1});
      } else {
        adjacent[static_cast<std::size_t>(arc.to)].push_back({arc.from, id, -1});
      }
    }
  }
  // Bellman–Ford with a queue (SPFA): residual costs may be negative, but
  // there is no negative cycle; a node relaxed n times proves one.
  constexpr std::int64_t kUnreached = std::numeric_limits<std::int64_t>::max();
  std::vector<std::int64_t> dist(n, kUnreached);
  std::vector<int> via_arc(n, -1), via_sign(n, 0), via_node(n, -1), relaxed(n, 0);
  std::vector<char> queued(n, 0);
  std::deque<int> queue;
  dist[static_cast<std::size_t>(node)] = 0;
  queue.push_back(node);
  queued[static_cast<std::size_t>(node)] = 1;
  while (!queue.empty()) {
    const int u = queue.front();
    queue.pop_front();
    queued[static_cast<std::size_t>(u)] = 0;
    for (const Edge& e : adjacent[static_cast<std::size_t>(u)]) {
      const std::int64_t c = e.sign * problem.Cost(problem.arcs[static_cast<std::size_t>(e.arc)]);
      const std::int64_t d = dist[static_cast<std::size_t>(u)] + c;
      const std::size_t v = static_cast<std::size_t>(e.to);
      if (d < dist[v]) {
        dist[v] = d;
        via_arc[v] = e.arc;
        via_sign[v] = e.sign;
        via_node[v] = u;
        if (++relaxed[v] > problem.nodes) return false;
        if (!queued[v]) {
          queued[v] = 1;
          queue.push_back(e.to);
        }
      }
    }
  }
  out.assign(n, ResidualPath{});
  for (std::size_t v = 0; v < n; ++v) {
    if (dist[v] == kUnreached) continue;
    ResidualPath& path = out[v];
    path.reachable = true;
    path.cost = dist[v];
    for (std::size_t at = v; via_arc[at] >= 0; at = static_cast<std::size_t>(via_node[at])) {
      const FlowArc& arc = problem.arcs[static_cast<std::size_t>(via_arc[at])];
      path.soft += via_sign[at] * arc.soft;
      path.misses += via_sign[at] * arc.miss;
    }
  }
  return true;
}

}  // namespace lianxin::pairing_internal
