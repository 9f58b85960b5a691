// Unannounced inspections (不打招呼督查, PRODUCT.md §4): villages and
// households drawn from a seed published beforehand (draw.hpp), so anyone
// can draw again and get the same sample; the sample hidden from the
// inspected (township and unit staff, cadres) until the inspection closes;
// a checklist per household filled in on a phone — does it know its
// cadre's name, did the logged visits happen, how satisfied is it, what was
// found — a finding made a task for the cadre; and the awareness rate
// (知晓率) and the others counted from the checklist. And callback checks
// (回访核验): each month a share of the logged direct visits, drawn the same
// way, is called back, and each household says whether the visit happened.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/appeals.hpp"

namespace lianxin {

// Whether the visits logged to the household happened, as it says.
enum class VisitsHappened { kYes, kPartly, kNo, kNoneLogged };
std::string_view Token(VisitsHappened v);  // yes, partly, no, none_logged
std::string_view Label(VisitsHappened v);  // 属实, 部分属实, 不属实, 无走访记录
std::optional<VisitsHappened> ParseVisitsHappened(std::string_view token);

struct Inspection {
  std::string id;  // "I" and 16 hex digits
  std::string region_code, month, seed;
  int villages_per_township = 2, households_per_village = 5;
  bool closed = false;
  std::string opened_by;
  std::int64_t opened_millis = 0, closed_millis = 0;
  bool operator==(const Inspection&) const = default;
};

// One household of the sample and its checklist.
struct InspectionCheck {
  std::string inspection_id, household_code;
  std::string village_code, cadre_code;  // as drawn; cadre_code "" when it had no contact cadre
  bool checked = false;
  bool knows_cadre = false;  // 知道联系干部的名字
  std::optional<VisitsHappened> visits;
  std::optional<Satisfaction> satisfaction;
  std::string findings;
  std::string task_key;  // the task a finding became
  std::string checked_by;
  std::int64_t checked_millis = 0;
  // Read only: who the inspector asks about and where, as the registry
  // names them now ("" for a code it no longer holds).
  std::string head_name, village_name, cadre_name;
  bool operator==(const InspectionCheck&) const = default;
};

// What a checklist adds up to. Each rate over the households checked (and,
// for satisfaction, those that answered); absent when there is none.
struct InspectionFigures {
  int households = 0, checked = 0, knows_cadre = 0;
  int visits_true = 0, visits_false = 0, visits_answered = 0;  // yes; no; yes, partly or no
  int satisfied = 0, rated = 0;                                // satisfied or basically
  int findings = 0, tasks = 0;
  std::optional<double> awareness_rate;     // 知晓率: knows_cadre / checked
  std::optional<double> visits_true_rate;   // yes / (yes + partly + no)
  std::optional<double> satisfaction_rate;  // satisfied / rated
};
InspectionFigures FiguresOf(const std::vector<InspectionCheck>& checks);

// What the household said when called back about a logged visit.
enum class CallbackOutcome { kPending, kConfirmed, kDenied, kUnreachable };
std::string_view Token(CallbackOutcome v);  // pending, confirmed, denied, unreachable
std::string_view Label(CallbackOutcome v);  // 待回访, 属实, 否认, 联系不上
std::optional<CallbackOutcome> ParseCallbackOutcome(std::string_view token);

struct Callback {
  std::string visit_id, month, seed;
  std::string cadre_code, household_code, visited_on, kind;  // the visit, as drawn
  CallbackOutcome outcome = CallbackOutcome::kPending;
  std::string note, checked_by;
  std::int64_t drawn_millis = 0, checked_millis = 0;
  // Read only: whom the operator calls about whom, as the registry names them now.
  std::string head_name, cadre_name;
  bool operator==(const Callback&) const = default;
};

// A cadre's callbacks: how many were drawn, and what the households said;
// the denial rate is denied / (confirmed + denied), absent with neither.
struct CallbackRates {
  int drawn = 0, confirmed = 0, denied = 0, unreachable = 0, pending = 0;
  std::optional<double> denial_rate;
};
std::map<std::string, CallbackRates> CallbackRatesByCadre(const std::vector<Callback>& callbacks);

}  // namespace lianxin
