#include "lianxin/inspections.hpp"

#include <array>

namespace lianxin {

namespace {

constexpr std::array<std::string_view, 4> kVisitsTokens = {"yes", "partly", "no", "none_logged"};
constexpr std::array<std::string_view, 4> kVisitsLabels = {"属实", "部分属实", "不属实", "无走访记录"};
constexpr std::array<std::string_view, 4> kOutcomeTokens = {"pending", "confirmed", "denied", "unreachable"};
constexpr std::array<std::string_view, 4> kOutcomeLabels = {"待回访", "属实", "否认", "联系不上"};

std::optional<double> Share(int part, int whole) {
  if (whole <= 0) return std::nullopt;
  return static_cast<double>(part) / whole;
}

}  // namespace

std::string_view Token(VisitsHappened v) { return kVisitsTokens[static_cast<size_t>(v)]; }
std::string_view Label(VisitsHappened v) { return kVisitsLabels[static_cast<size_t>(v)]; }
std::optional<VisitsHappened> ParseVisitsHappened(std::string_view token) {
  for (size_t i = 0; i < kVisitsTokens.size(); ++i) {
    if (token == kVisitsTokens[i] || token == kVisitsLabels[i]) return static_cast<VisitsHappened>(i);
  }
  return std::nullopt;
}

std::string_view Token(CallbackOutcome v) { return kOutcomeTokens[static_cast<size_t>(v)]; }
std::string_view Label(CallbackOutcome v) { return kOutcomeLabels[static_cast<size_t>(v)]; }
std::optional<CallbackOutcome> ParseCallbackOutcome(std::string_view token) {
  for (size_t i = 0; i < kOutcomeTokens.size(); ++i) {
    if (token == kOutcomeTokens[i] || token == kOutcomeLabels[i]) return static_cast<CallbackOutcome>(i);
  }
  return std::nullopt;
}

std::map<std::string, CallbackRates> CallbackRatesByCadre(const std::vector<Callback>& callbacks) {
  std::map<std::string, CallbackRates> by;
  for (const Callback& c : callbacks) {
    CallbackRates& r = by[c.cadre_code];
    ++r.drawn;
    switch (c.outcome) {
      case CallbackOutcome::kPending:
        ++r.pending;
        break;
      case CallbackOutcome::kConfirmed:
        ++r.confirmed;
        break;
      case CallbackOutcome::kDenied:
        ++r.denied;
        break;
      case CallbackOutcome::kUnreachable:
        ++r.unreachable;
        break;
    }
  }
  for (auto& [cadre, r] : by) r.denial_rate = Share(r.denied, r.confirmed + r.denied);
  return by;
}

InspectionFigures FiguresOf(const std::vector<InspectionCheck>& checks) {
  InspectionFigures f;
  f.households = static_cast<int>(checks.size());
  for (const InspectionCheck& c : checks) {
    if (!c.checked) continue;
    ++f.checked;
    f.knows_cadre += c.knows_cadre ? 1 : 0;
    if (c.visits && *c.visits != VisitsHappened::kNoneLogged) {
      ++f.visits_answered;
      f.visits_true += *c.visits == VisitsHappened::kYes ? 1 : 0;
      f.visits_false += *c.visits == VisitsHappened::kNo ? 1 : 0;
    }
    if (c.satisfaction) {
      ++f.rated;
      f.satisfied += *c.satisfaction != Satisfaction::kUnsatisfied ? 1 : 0;
    }
    f.findings += c.findings.empty() ? 0 : 1;
    f.tasks += c.task_key.empty() ? 0 : 1;
  }
  f.awareness_rate = Share(f.knows_cadre, f.checked);
  f.visits_true_rate = Share(f.visits_true, f.visits_answered);
  f.satisfaction_rate = Share(f.satisfied, f.rated);
  return f;
}

}  // namespace lianxin
