// Mixed-integer programs for the one pairing choice that is not a flow
// (whole villages to single units, stage 1). GLPK's branch and bound solves
// them inside mip.cpp, the one translation unit that includes GLPK; the
// stages only build rows and columns here and read the values back.
//
//   MipProblem p;
//   const int x = p.AddColumn(0, 1, -3, /*integer=*/true);
//   const int row = p.AddRow(-kMipInfinity, 1);
//   p.Add(row, x, 1);
//   LX_ASSIGN_OR_RETURN(MipSolution s, SolveMip(p, {}, {.integral_objective = true}));
#pragma once

#include <limits>
#include <utility>
#include <vector>

#include "lianxin/status.hpp"

namespace lianxin::pairing_internal {

inline constexpr double kMipInfinity = std::numeric_limits<double>::infinity();

// Minimise Σ cost × x subject to lower ≤ Σ terms ≤ upper per row and each
// column within its bounds (integer columns take whole values).
struct MipProblem {
  struct Column {
    double lower = 0, upper = 0, cost = 0;
    bool integer = false;
  };
  struct Row {
    double lower = -kMipInfinity, upper = kMipInfinity;
    std::vector<std::pair<int, double>> terms;  // (column, coefficient)
  };
  std::vector<Column> columns;
  std::vector<Row> rows;

  int AddColumn(double lower, double upper, double cost, bool integer);
  int AddRow(double lower, double upper);
  void Add(int row, int column, double coefficient) {
    rows[static_cast<std::size_t>(row)].terms.emplace_back(column, coefficient);
  }

  // Σ cost × x, and whether x satisfies every row and bound (to 1e-6).
  double Objective(const std::vector<double>& x) const;
  bool Feasible(const std::vector<double>& x) const;
};

struct MipOptions {
  // The objective is a whole number at every integer solution, so a proven
  // lower bound within 1 of the best solution proves it optimal.
  bool integral_objective = false;
  double time_limit_seconds = 10;
  // Work limits, which unlike time give the same answer on every machine:
  // simplex iterations of the relaxation, and subproblems of the search
  // (0: none).
  int iteration_limit = 0;
  int node_limit = 0;
};

struct MipSolution {
  std::vector<double> x;  // the best solution known (a seed when the search found none better)
  double objective = 0;   // its value
  double bound = 0;       // no solution is below this (= objective when optimal)
  bool optimal = false;   // proven, not only the best found within the limits
};

// Solves to optimality or until the time limit. `seeds` are known solutions
// (infeasible ones are ignored); the best of them starts the search as its
// incumbent, so the answer is never worse than a seed. kInternal when no
// seed is feasible and the search finds no solution in time.
Result<MipSolution> SolveMip(const MipProblem& problem, const std::vector<std::vector<double>>& seeds,
                             const MipOptions& options);

}  // namespace lianxin::pairing_internal
