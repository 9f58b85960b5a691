// Visits (民情日记, PRODUCT.md §3) and the three phenomena (三种现象) they
// can show: who visited whom, when, what was heard and what was promised.
//
// 「不能以打电话代替直接联系……以秘书跑一趟代替自己」: a phone call and a visit
// by someone else are recorded but never count as direct contact, so they
// neither satisfy the cadence nor hide a gap.
//
//   std::vector<PhenomenonFlag> flags = DetectPhenomena(cadre, visits, pairs, appeals, rules, today);
//
// Pure: the store supplies the diaries, the caller the date.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lianxin/validate.hpp"

namespace lianxin {

// 入户走访, 民情恳谈, 接访日, 蹲点住村, 同吃同住同劳动, 电话联系, 他人代访.
enum class VisitKind { kHomeVisit, kTalk, kReception, kStay, kSharedLabour, kPhone, kByProxy };
std::string_view Token(VisitKind v);  // home_visit, talk, reception, stay, shared_labour, phone, by_proxy
std::string_view Label(VisitKind v);  // 入户走访 …
std::optional<VisitKind> ParseVisitKind(std::string_view token_or_label);
// Whether the kind is direct contact (all but phone and by proxy).
bool CountsAsDirect(VisitKind kind);

struct Visit {
  std::string id;
  std::string cadre_code;
  std::string household_code;
  VisitKind kind = VisitKind::kHomeVisit;
  Date date;
  std::string heard;       // 听到了什么
  std::string promised;    // 答应了什么 (may become a task or an appeal)
  bool confirmed = false;  // the household confirmed it with its card code
};

// The id of the visit a phone sends as `client_id` (its own random name
// for one logged visit) for `cadre_code`: "V" and the first 16 hex digits of
// BLAKE2b(cadre|client_id), so a visit sent again after its answer was lost
// finds the first instead of being counted twice, and still says nothing of
// who was visited.
std::string VisitIdFor(std::string_view cadre_code, std::string_view client_id);

// The cadence and the detectors' thresholds, from `[visits]` in lianxin.toml.
struct VisitRules {
  // Each pairing's minimum cadence: assistance households monthly, contact
  // households quarterly.
  int assistance_cadence_days = 30;
  int contact_cadence_days = 91;
  // 「上级强调联系时……」: the dates the county stressed contact (campaigns,
  // meetings), and how many days after one a visit counts as its echo.
  std::vector<Date> campaign_dates;
  int campaign_window_days = 7;
  // A cadre is flagged when at least this share of its direct visits in the
  // last `lookback_days` are echoes of campaigns, or answers to the
  // household's own appeals (within `reactive_window_days` after one), and
  // it made at least `min_visits` direct visits (fewer say too little).
  double bunched_share = 0.6;
  double reactive_share = 0.6;
  int reactive_window_days = 7;
  int min_visits = 4;
  int lookback_days = 365;
  // 「工作忙了就忘记了」: a gap longer than this many cadences.
  double gap_factor = 2;
};

// A household a cadre is paired with, and since when.
struct VisitDuty {
  std::string household_code;
  std::string household_name;  // for the explanation
  bool assistance = false;     // an assistance pair (monthly), else a contact pair (quarterly)
  Date since;
};

// When the household is next due a direct visit: a cadence after the last
// direct one, or after the pairing began when there was none.
Date NextVisitDue(const VisitDuty& duty, const std::vector<Visit>& visits, const VisitRules& rules);

// The days each household filed an appeal on, by household code: what the
// reactive detector needs, gathered once for every cadre it checks.
using AppealDays = std::unordered_map<std::string, std::vector<Date>>;

enum class Phenomenon { kOnlyWhenStressed, kForgottenWhenBusy, kOnlyWhenAsked };
std::string_view Token(Phenomenon v);  // only_when_stressed, forgotten_when_busy, only_when_asked

struct PhenomenonFlag {
  Phenomenon kind = Phenomenon::kOnlyWhenStressed;
  std::string cadre_code;
  std::string household_code;  // kForgottenWhenBusy: the household left unvisited
  // In words a unit head understands, with the dates and counts behind it.
  std::string explanation;
  std::vector<std::string> visit_ids;  // the visits that raised it
};

// The flags of one cadre: at most one each for campaigns and appeals, one
// per household for gaps. `visits` are the cadre's (others are ignored).
std::vector<PhenomenonFlag> DetectPhenomena(const std::string& cadre_code, const std::vector<Visit>& visits,
                                            const std::vector<VisitDuty>& duties, const AppealDays& appeals,
                                            const VisitRules& rules, const Date& today);

}  // namespace lianxin
