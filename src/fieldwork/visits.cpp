#include "lianxin/visits.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

namespace lianxin {

namespace {

struct KindName {
  VisitKind kind;
  std::string_view token, label;
};
constexpr std::array<KindName, 7> kKinds{{
    {VisitKind::kHomeVisit, "home_visit", "入户走访"},
    {VisitKind::kTalk, "talk", "民情恳谈"},
    {VisitKind::kReception, "reception", "接访日"},
    {VisitKind::kStay, "stay", "蹲点住村"},
    {VisitKind::kSharedLabour, "shared_labour", "同吃同住同劳动"},
    {VisitKind::kPhone, "phone", "电话联系"},
    {VisitKind::kByProxy, "by_proxy", "他人代访"},
}};

std::int64_t Day(const Date& d) { return DaysFromDate(d); }

// "3月5日" for the explanations.
std::string Short(const Date& d) { return std::to_string(d.month) + "月" + std::to_string(d.day) + "日"; }

// 2 → "2", 1.5 → "1.5".
std::string Number(double x) {
  if (x == std::floor(x)) return std::to_string(static_cast<std::int64_t>(x));
  return std::to_string(std::lround(x * 10) / 10) + "." + std::to_string(std::lround(x * 10) % 10);
}

std::string Percent(double share) { return std::to_string(std::lround(share * 100)) + "%"; }

// The cadre's direct visits within the lookback, oldest first.
std::vector<const Visit*> DirectVisits(const std::string& cadre_code, const std::vector<Visit>& visits,
                                       const VisitRules& rules, const Date& today) {
  std::vector<const Visit*> direct;
  for (const Visit& v : visits) {
    if (v.cadre_code != cadre_code || !CountsAsDirect(v.kind)) continue;
    std::int64_t age = Day(today) - Day(v.date);
    if (age < 0 || age > rules.lookback_days) continue;
    direct.push_back(&v);
  }
  std::sort(direct.begin(), direct.end(), [](const Visit* a, const Visit* b) { return a->date < b->date; });
  return direct;
}

// The visits that fall within `window` days after one of `dates` (the day
// itself included), and the dates that drew them.
std::vector<const Visit*> Echoes(const std::vector<const Visit*>& visits, const std::vector<Date>& dates,
                                 int window) {
  std::vector<const Visit*> echoes;
  for (const Visit* v : visits) {
    for (const Date& d : dates) {
      std::int64_t after = Day(v->date) - Day(d);
      if (after >= 0 && after <= window) {
        echoes.push_back(v);
        break;
      }
    }
  }
  return echoes;
}

std::vector<std::string> Ids(const std::vector<const Visit*>& visits) {
  std::vector<std::string> ids;
  for (const Visit* v : visits) ids.push_back(v->id);
  return ids;
}

}  // namespace

std::string_view Token(VisitKind v) { return kKinds[static_cast<size_t>(v)].token; }
std::string_view Label(VisitKind v) { return kKinds[static_cast<size_t>(v)].label; }
std::optional<VisitKind> ParseVisitKind(std::string_view text) {
  for (const KindName& k : kKinds) {
    if (k.token == text || k.label == text) return k.kind;
  }
  return std::nullopt;
}
bool CountsAsDirect(VisitKind kind) { return kind != VisitKind::kPhone && kind != VisitKind::kByProxy; }

std::string_view Token(Phenomenon v) {
  static constexpr std::string_view kTokens[] = {"only_when_stressed", "forgotten_when_busy",
                                                 "only_when_asked"};
  return kTokens[static_cast<int>(v)];
}

Date NextVisitDue(const VisitDuty& duty, const std::vector<Visit>& visits, const VisitRules& rules) {
  Date last = duty.since;
  for (const Visit& v : visits) {
    if (v.household_code == duty.household_code && CountsAsDirect(v.kind) && v.date > last) last = v.date;
  }
  int cadence = duty.assistance ? rules.assistance_cadence_days : rules.contact_cadence_days;
  return DateFromDays(Day(last) + cadence);
}

std::vector<PhenomenonFlag> DetectPhenomena(const std::string& cadre_code, const std::vector<Visit>& visits,
                                            const std::vector<VisitDuty>& duties, const AppealDays& appeals,
                                            const VisitRules& rules, const Date& today) {
  std::vector<PhenomenonFlag> flags;
  std::vector<const Visit*> direct = DirectVisits(cadre_code, visits, rules, today);
  const int total = static_cast<int>(direct.size());

  // 1. 「上级强调联系时,就去群众家中走一趟,不强调了,就忘记所联系的对象了」
  if (total >= rules.min_visits && !rules.campaign_dates.empty()) {
    std::vector<const Visit*> echoes = Echoes(direct, rules.campaign_dates, rules.campaign_window_days);
    double share = static_cast<double>(echoes.size()) / total;
    if (share >= rules.bunched_share) {
      std::string dates;
      for (const Date& d : rules.campaign_dates) {
        if (Day(today) - Day(d) <= rules.lookback_days && d <= today)
          dates += (dates.empty() ? "" : "、") + Short(d);
      }
      flags.push_back({Phenomenon::kOnlyWhenStressed, cadre_code, "",
                       "近一年 " + std::to_string(total) + " 次直接走访中有 " +
                           std::to_string(echoes.size()) + " 次(" + Percent(share) +
                           ")集中在上级强调联系后 " + std::to_string(rules.campaign_window_days) + " 天内(" +
                           dates + "),其余时间很少走访:上级强调时才联系。",
                       Ids(echoes)});
    }
  }

  // 2. 「工作闲了去联系,工作忙了就忘记了」: per household, the longest
  // stretch without a direct visit, counting up to today.
  for (const VisitDuty& duty : duties) {
    int cadence = duty.assistance ? rules.assistance_cadence_days : rules.contact_cadence_days;
    const std::int64_t limit = static_cast<std::int64_t>(std::ceil(rules.gap_factor * cadence));
    std::int64_t from = std::max(Day(duty.since), Day(today) - rules.lookback_days);
    std::int64_t worst = 0, worst_from = from, worst_to = from;
    std::vector<const Visit*> around;  // the visits on either side of the worst gap
    const Visit* before = nullptr;
    auto consider = [&](std::int64_t end, const Visit* after) {
      if (end - from > worst) {
        worst = end - from;
        worst_from = from;
        worst_to = end;
        around.clear();
        if (before) around.push_back(before);
        if (after) around.push_back(after);
      }
    };
    for (const Visit* v : direct) {
      if (v->household_code != duty.household_code || Day(v->date) < from) continue;
      consider(Day(v->date), v);
      from = Day(v->date);
      before = v;
    }
    consider(Day(today), nullptr);
    if (worst > limit) {
      std::string who = duty.household_name.empty() ? duty.household_code
                                                    : duty.household_name + "(" + duty.household_code + ")";
      std::string to = worst_to == Day(today) ? "今天" : Short(DateFromDays(worst_to));
      flags.push_back({Phenomenon::kForgottenWhenBusy, cadre_code, duty.household_code,
                       std::string(duty.assistance ? "包扶户 " : "联系户 ") + who + " 从 " +
                           Short(DateFromDays(worst_from)) + " 到 " + to + " 共 " + std::to_string(worst) +
                           " 天没有直接走访,超过规定间隔(" + std::to_string(cadence) + " 天)的 " +
                           Number(rules.gap_factor) + " 倍:忙时就忘了联系。",
                       Ids(around)});
    }
  }

  // 3. 「群众有事找上门来,就解决一下,群众不找就不去」: a visit right after the
  // same household's own appeal.
  if (total >= rules.min_visits) {
    std::vector<const Visit*> answers;
    for (const Visit* v : direct) {
      auto it = appeals.find(v->household_code);
      if (it != appeals.end() && !Echoes({v}, it->second, rules.reactive_window_days).empty())
        answers.push_back(v);
    }
    double share = static_cast<double>(answers.size()) / total;
    if (share >= rules.reactive_share) {
      flags.push_back({Phenomenon::kOnlyWhenAsked, cadre_code, "",
                       "近一年 " + std::to_string(total) + " 次直接走访中有 " +
                           std::to_string(answers.size()) + " 次(" + Percent(share) + ")是在该户提出诉求后 " +
                           std::to_string(rules.reactive_window_days) + " 天内:群众找上门才去,不找就不去。",
                       Ids(answers)});
    }
  }
  return flags;
}

std::string VisitIdFor(std::string_view cadre_code, std::string_view client_id) {
  unsigned char digest[8];
  std::string input(cadre_code);
  input.append("|").append(client_id);
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size(), nullptr, 0);
  char hex[2 * sizeof digest + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  std::string id = "V";
  return id.append(hex);
}

}  // namespace lianxin
