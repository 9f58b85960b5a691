#include "pairing/mip.hpp"

#include <glpk.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

namespace lianxin::pairing_internal {
namespace {

constexpr double kFeasibilityTolerance = 1e-6;

// What the branch-and-bound callback keeps between calls.
struct Search {
  const std::vector<double>* seed = nullptr;  // 1-based, for glp_ios_heur_sol
  bool seeded = false;
  bool integral = false;
  double bound = -kMipInfinity;  // the best lower bound seen
  bool proven = false;           // stopped because the bound met the incumbent
  int node_limit = 0;            // 0: none
  int nodes = 0;
};

void Callback(glp_tree* tree, void* info) {
  Search& search = *static_cast<Search*>(info);
  if (glp_ios_reason(tree) == GLP_ISELECT && search.node_limit > 0 && ++search.nodes > search.node_limit) {
    glp_ios_terminate(tree);
    return;
  }
  if (glp_ios_reason(tree) == GLP_IHEUR && !search.seeded && search.seed != nullptr) {
    search.seeded = true;
    glp_ios_heur_sol(tree, search.seed->data());
  }
  if (const int best = glp_ios_best_node(tree); best != 0) {
    search.bound = std::max(search.bound, glp_ios_node_bound(tree, best));
  }
  glp_prob* problem = glp_ios_get_prob(tree);
  if (search.integral && glp_mip_status(problem) == GLP_FEAS &&
      std::ceil(search.bound - kFeasibilityTolerance) >= glp_mip_obj_val(problem) - kFeasibilityTolerance) {
    search.proven = true;
    glp_ios_terminate(tree);
  }
}

int Milliseconds(double seconds) { return static_cast<int>(std::clamp(seconds * 1000.0, 1.0, 2.0e9)); }

int BoundType(double lower, double upper) {
  const bool has_lower = std::isfinite(lower), has_upper = std::isfinite(upper);
  if (has_lower && has_upper) return lower == upper ? GLP_FX : GLP_DB;
  if (has_lower) return GLP_LO;
  if (has_upper) return GLP_UP;
  return GLP_FR;
}

}  // namespace

int MipProblem::AddColumn(double lower, double upper, double cost, bool integer) {
  columns.push_back({lower, upper, cost, integer});
  return static_cast<int>(columns.size()) - 1;
}

int MipProblem::AddRow(double lower, double upper) {
  rows.push_back({lower, upper, {}});
  return static_cast<int>(rows.size()) - 1;
}

double MipProblem::Objective(const std::vector<double>& x) const {
  double sum = 0;
  for (std::size_t j = 0; j < columns.size(); ++j) sum += columns[j].cost * x[j];
  return sum;
}

bool MipProblem::Feasible(const std::vector<double>& x) const {
  if (x.size() != columns.size()) return false;
  for (std::size_t j = 0; j < columns.size(); ++j) {
    const Column& c = columns[j];
    if (x[j] < c.lower - kFeasibilityTolerance || x[j] > c.upper + kFeasibilityTolerance) return false;
    if (c.integer && std::abs(x[j] - std::round(x[j])) > kFeasibilityTolerance) return false;
  }
  for (const Row& row : rows) {
    double sum = 0;
    for (const auto& [column, coefficient] : row.terms)
      sum += coefficient * x[static_cast<std::size_t>(column)];
    if (sum < row.lower - kFeasibilityTolerance || sum > row.upper + kFeasibilityTolerance) return false;
  }
  return true;
}

Result<MipSolution> SolveMip(const MipProblem& problem, const std::vector<std::vector<double>>& seeds,
                             const MipOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  auto seconds_left = [&] {
    return options.time_limit_seconds -
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  MipSolution best;
  bool have = false;
  for (const std::vector<double>& seed : seeds) {
    if (!problem.Feasible(seed)) continue;
    const double objective = problem.Objective(seed);
    if (!have || objective < best.objective) {
      best.x = seed;
      best.objective = objective;
      have = true;
    }
  }

  glp_term_out(GLP_OFF);  // GLPK's own messages would go to the terminal
  glp_prob* lp = glp_create_prob();
  glp_set_obj_dir(lp, GLP_MIN);
  const int n = static_cast<int>(problem.columns.size()), m = static_cast<int>(problem.rows.size());
  if (n > 0) glp_add_cols(lp, n);
  if (m > 0) glp_add_rows(lp, m);
  for (int j = 0; j < n; ++j) {
    const MipProblem::Column& c = problem.columns[static_cast<std::size_t>(j)];
    glp_set_col_bnds(lp, j + 1, BoundType(c.lower, c.upper), c.lower, c.upper);
    glp_set_obj_coef(lp, j + 1, c.cost);
    if (c.integer) glp_set_col_kind(lp, j + 1, GLP_IV);
  }
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0};
  for (int i = 0; i < m; ++i) {
    const MipProblem::Row& row = problem.rows[static_cast<std::size_t>(i)];
    glp_set_row_bnds(lp, i + 1, BoundType(row.lower, row.upper), row.lower, row.upper);
    for (const auto& [column, coefficient] : row.terms) {
      ia.push_back(i + 1);
      ja.push_back(column + 1);
      ar.push_back(coefficient);
    }
  }
  glp_load_matrix(lp, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());

  // The relaxation first: its optimum is the first bound, and the branch and
  // bound starts from its basis (GLPK's MIP presolver would renumber the
  // columns the seed is given in).
  glp_smcp simplex;
  glp_init_smcp(&simplex);
  simplex.msg_lev = GLP_MSG_OFF;
  simplex.presolve = GLP_OFF;
  simplex.tm_lim = Milliseconds(seconds_left());
  if (options.iteration_limit > 0) simplex.it_lim = options.iteration_limit;
  Search search;
  search.node_limit = options.node_limit;
  search.integral = options.integral_objective;
  const int lp_status = glp_simplex(lp, &simplex);
  if (lp_status == 0 && glp_get_status(lp) == GLP_OPT) {
    search.bound = glp_get_obj_val(lp);
    std::vector<double> seed;
    if (have) {
      seed.assign(best.x.size() + 1, 0.0);
      std::copy(best.x.begin(), best.x.end(), seed.begin() + 1);
      search.seed = &seed;
    }
    glp_iocp mip;
    glp_init_iocp(&mip);
    mip.msg_lev = GLP_MSG_OFF;
    mip.presolve = GLP_OFF;
    mip.mip_gap = 0;
    mip.mir_cuts = GLP_ON;
    mip.cov_cuts = GLP_ON;
    mip.tm_lim = Milliseconds(seconds_left());
    mip.cb_func = Callback;
    mip.cb_info = &search;
    const int mip_status = glp_intopt(lp, &mip);
    const int status = glp_mip_status(lp);
    if (status == GLP_OPT || status == GLP_FEAS) {
      const double objective = glp_mip_obj_val(lp);
      if (!have || objective < best.objective - kFeasibilityTolerance) {
        best.x.assign(static_cast<std::size_t>(n), 0.0);
        for (int j = 0; j < n; ++j) best.x[static_cast<std::size_t>(j)] = glp_mip_col_val(lp, j + 1);
        best.objective = objective;
        have = true;
      }
    }
    // Solved to the end: the search covered every node, so nothing beats it.
    const bool exhausted = mip_status == 0 && (status == GLP_OPT || status == GLP_NOFEAS);
    if (have && (exhausted || search.proven)) {
      best.optimal = true;
      search.bound = best.objective;
    }
  } else if (lp_status == 0 && glp_get_status(lp) == GLP_NOFEAS) {
    glp_delete_prob(lp);
    glp_free_env();
    return Status::Internal("整数规划无可行解 (the program has no feasible solution)");
  }
  glp_delete_prob(lp);
  glp_free_env();
  if (!have) return Status::Internal("整数规划在时限内未找到解 (no solution within the time limit)");
  best.bound =
      std::min(best.objective,
               options.integral_objective ? std::ceil(search.bound - kFeasibilityTolerance) : search.bound);
  if (best.optimal) best.bound = best.objective;
  return best;
}

}  // namespace lianxin::pairing_internal
