// Scoring (考核, PRODUCT.md §4): one cadre's contact work as a score out of
// 100, from indicators each weighted in `[scoring]`, for the dossier that
// promotion review reads (「把党员干部直接联系群众……的情况作为选拔、使用党政领导干部的
// 重要依据」). An indicator with nothing to measure (no appeals yet, not
// inspected) is left out and the others are rescaled by their weights, so
// a cadre is neither rewarded nor punished for what did not happen; the
// dossier names what was left out.
//
//   CadreIndicators in;
//   in.cadence = CadenceIndicator(duties, visits, config.visits, from, today);
//   in.tasks = TaskIndicator(tasks, rules, today);
//   CadreScore score = ScoreCadre(in, rules);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lianxin/tasks.hpp"
#include "lianxin/visits.hpp"

namespace lianxin {

struct ScoringRules {
  // 「经常联系」: direct visits at each pairing's cadence.
  double cadence_weight = 25;
  // 「落实有回声」: tasks done, a major (部级/重点) one worth more points.
  double tasks_weight = 20;
  int major_task_points = 2;
  int normal_task_points = 1;
  // 「把群众满意作为……根本标准」: the appeals' weighted rates.
  double appeals_weight = 20;
  // 不打招呼督查: the share of sampled households that know their cadre (知晓率).
  double awareness_weight = 10;
  // 回访核验: the share of called-back visits the household confirmed.
  double callbacks_weight = 10;
  // 民主评议: the households' annual rating of their cadre.
  double rating_weight = 15;
};

// Each indicator 0–1; absent when there was nothing to measure.
struct CadreIndicators {
  std::optional<double> cadence, tasks, appeals, awareness, callbacks, rating;
};

struct CadreScore {
  std::optional<double> score;  // 0–100; absent when no indicator was present
  // Each present indicator's name, value (0–1) and weight, in the rules' order.
  struct Part {
    std::string name;
    double value = 0, weight = 0;
  };
  std::vector<Part> parts;
  std::vector<std::string> absent;  // the indicators left out
};

CadreScore ScoreCadre(const CadreIndicators& indicators, const ScoringRules& rules);

// The share of cadence windows, over [from, today], in which each paired
// household had at least one direct visit (windows counted from the later
// of `from` and the pairing's start; a window still running is not counted).
std::optional<double> CadenceIndicator(const std::vector<VisitDuty>& duties, const std::vector<Visit>& visits,
                                       const VisitRules& rules, const Date& from, const Date& today);

// Points of tasks done over points of tasks done or past their deadline;
// cancelled ones and ones not yet due are not counted.
std::optional<double> TaskIndicator(const std::vector<Task>& tasks, const ScoringRules& rules,
                                    const Date& today);

}  // namespace lianxin
