#include "lianxin/scoring.hpp"

#include <algorithm>
#include <tuple>

namespace lianxin {

CadreScore ScoreCadre(const CadreIndicators& in, const ScoringRules& rules) {
  CadreScore out;
  double weighted = 0, weights = 0;
  for (auto [name, value, weight] : {std::tuple{"cadence", in.cadence, rules.cadence_weight},
                                     std::tuple{"tasks", in.tasks, rules.tasks_weight},
                                     std::tuple{"appeals", in.appeals, rules.appeals_weight},
                                     std::tuple{"awareness", in.awareness, rules.awareness_weight},
                                     std::tuple{"callbacks", in.callbacks, rules.callbacks_weight},
                                     std::tuple{"rating", in.rating, rules.rating_weight}}) {
    if (!value || weight <= 0) {
      out.absent.emplace_back(name);
      continue;
    }
    double v = std::clamp(*value, 0.0, 1.0);
    out.parts.push_back({name, v, weight});
    weighted += v * weight;
    weights += weight;
  }
  if (weights > 0) out.score = 100 * weighted / weights;
  return out;
}

std::optional<double> CadenceIndicator(const std::vector<VisitDuty>& duties, const std::vector<Visit>& visits,
                                       const VisitRules& rules, const Date& from, const Date& today) {
  int windows = 0, kept = 0;
  for (const VisitDuty& duty : duties) {
    const std::int64_t cadence = duty.assistance ? rules.assistance_cadence_days : rules.contact_cadence_days;
    std::vector<std::int64_t> days;
    for (const Visit& v : visits) {
      if (v.household_code == duty.household_code && CountsAsDirect(v.kind))
        days.push_back(DaysFromDate(v.date));
    }
    for (std::int64_t start = std::max(DaysFromDate(from), DaysFromDate(duty.since));
         start + cadence <= DaysFromDate(today) + 1; start += cadence) {
      ++windows;
      if (std::any_of(days.begin(), days.end(),
                      [&](std::int64_t d) { return d >= start && d < start + cadence; }))
        ++kept;
    }
  }
  if (windows == 0) return std::nullopt;
  return static_cast<double>(kept) / windows;
}

std::optional<double> TaskIndicator(const std::vector<Task>& tasks, const ScoringRules& rules,
                                    const Date& today) {
  int done = 0, counted = 0;
  for (const Task& t : tasks) {
    if (t.status == TaskStatus::kCancelled) continue;
    int points = t.level == TaskLevel::kMajor ? rules.major_task_points : rules.normal_task_points;
    Result<Date> deadline = ParseDate(t.deadline);
    bool due = deadline.ok() && *deadline < today;
    if (t.status == TaskStatus::kDone) {
      done += points;
      counted += points;
    } else if (due) {
      counted += points;
    }
  }
  if (counted == 0) return std::nullopt;
  return static_cast<double>(done) / counted;
}

}  // namespace lianxin
