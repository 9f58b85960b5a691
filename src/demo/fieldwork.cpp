// A year of field work in the demo county (demo.hpp, GenerateFieldwork):
// visits, appeals round the 12345 loop and progress on tasks, written day by
// day through the store with its clock moved along, so every record and
// every journal entry carries the day it would have been made.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <queue>
#include <random>

#include "lianxin/cards.hpp"
#include "lianxin/demo.hpp"

namespace lianxin {

namespace {

constexpr std::int64_t kHour = 3'600'000;

// How a cadre keeps contact: most keep the cadence; some visit only after
// the county stresses contact (上级强调时才联系), some stop halfway
// (工作忙了就忘记了), some come only when the household has asked
// (群众找上门才联系), some phone instead of going. Some answer appeals slowly.
enum class Habit { kDiligent, kCampaigns, kStops, kReactive, kPhones };

struct CadreProfile {
  Habit habit = Habit::kDiligent;
  int stop_day = 365;  // kStops: the day of the year it stops visiting
  bool slow = false;   // signs appeals after days, lets them go overdue
};

// One thing that happens on a day of the year, in the order of the day.
struct Planned {
  std::int64_t at = 0;
  int kind = 0;  // 0 visit, 1 appeal filed, 2 appeal step
  std::string cadre, household;
  VisitKind visit = VisitKind::kHomeVisit;
  bool assistance = false;
  std::string appeal;  // kind 2: the appeal's id
  AppealEvent event;
  bool operator>(const Planned& other) const { return at > other.at; }
};

const char* const kHeard[] = {"想了解今年的种植补贴", "家里老人看病报销的事", "孩子上学的路不好走",
                              "自来水有时候停",       "想学点养殖技术",       "低保复核什么时候办",
                              "房子漏雨想修一修",     "村里路灯坏了"};
const char* const kPromised[] = {"下周把补贴政策送来",
                                 "帮着问医保报销",
                                 "向乡里反映路的事",
                                 "联系供水站看看",
                                 "介绍农技员上门",
                                 "把复核材料清单带来",
                                 "",
                                 ""};
const char* const kContent[] = {
    "自来水停了两天还没来", "村口的路坑坑洼洼,下雨没法走", "想问问危房改造怎么申请", "低保怎么申请",
    "邻居占了我家的宅基地", "孩子上学的校车时间不合适",    "家里老人看病报销不了",   "想找点活干"};

// The units and regions of the county, for its ledger.
class UnitsAndTownships final : public RegistrySink {
 public:
  Status Add(const Region& r) override {
    if (r.level == RegionLevel::kCounty) county = r.code;
    if (r.level == RegionLevel::kTownship) townships.push_back(r.code);
    return Status::Ok();
  }
  Status Add(const Unit& u) override {
    units.push_back(u.code);
    return Status::Ok();
  }
  Status Add(const Org&) override { return Status::Ok(); }
  Status Add(const Cadre&) override { return Status::Ok(); }
  Status Add(const Household&) override { return Status::Ok(); }
  Status Add(const Member&) override { return Status::Ok(); }
  std::string county;
  std::vector<std::string> units, townships;
};

const char* const kMeetingTitles[] = {"党委(党组)会议", "工作部署会",         "项目推进会",
                                      "安全生产专题会", "乡村振兴工作调度会", "党风廉政建设专题会"};
const char* const kVisitors[] = {"市委组织部调研组", "市农业农村局检查组", "市纪委监委督查组",
                                 "省乡村振兴局考察组"};

// The county's 八项规定 ledger over the year: July a no-meeting month (one
// exempt meeting in it), each unit's meetings with their cost, reception
// reports (a few flagged), expenses on every budget line this year and the
// year before — entered by the county's office on the last day.
Status GenerateLedger(Store& store, const Config& config, std::mt19937_64& rng, std::int64_t start,
                      std::int64_t end) {
  UnitsAndTownships registry;
  LX_RETURN_IF_ERROR(store.Scan(RecordKind::kRegions, registry));
  LX_RETURN_IF_ERROR(store.Scan(RecordKind::kUnits, registry));
  if (registry.county.empty() || registry.units.empty()) return Status::Ok();
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  const Date last = ChinaDateOf(end);
  const Date first = ChinaDateOf(start);
  auto day = [&]() { return ChinaDateOf(start + static_cast<std::int64_t>(pick(360)) * kMillisPerDay); };
  char july[8];
  std::snprintf(july, sizeof july, "%04d-07", last.month >= 7 ? last.year : last.year - 1);
  LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("demo"));
  LX_RETURN_IF_ERROR(
      txn->SetNoMeetingMonth(registry.county, july, true, "县委决定:七月为无会月,干部下村入户"));
  const std::size_t units = std::min<std::size_t>(registry.units.size(), 12);
  for (std::size_t u = 0; u < units; ++u) {
    for (int n = 0; n < 4; ++n) {
      Meeting m;
      m.unit_code = registry.units[u];
      m.date = day();
      m.title = kMeetingTitles[pick(std::size(kMeetingTitles))];
      m.minutes = 30 + 15 * pick(7);
      m.attendees = 8 + pick(40);
      m.cost_fen = 100 * (pick(4) == 0 ? 0 : 50 + pick(400));
      m.approved_by = "单位主要负责人";
      char month[8];
      std::snprintf(month, sizeof month, "%04d-%02d", m.date.year, m.date.month);
      if (month == std::string_view(july)) {
        if (n > 0) continue;  // one meeting in July, exempt by the county
        m.exempt = true;
        m.exempt_reason = "防汛紧急部署";
        m.title = "防汛紧急部署会";
      }
      LX_ASSIGN_OR_RETURN(std::string id, txn->AddMeeting(m, config.ledger));
      if (m.cost_fen > 0) {
        Expense x;
        x.unit_code = m.unit_code;
        x.date = m.date;
        x.line = BudgetLine::kMeeting;
        x.item = m.title + "会务";
        x.amount_fen = m.cost_fen;
        x.meeting_id = id;
        LX_RETURN_IF_ERROR(txn->AddExpense(x).status());
      }
    }
  }
  for (int n = 0; n < 10; ++n) {
    ReceptionReport r;
    r.unit_code = registry.units[pick(static_cast<int>(units))];
    r.date = day();
    r.visitors = kVisitors[pick(std::size(kVisitors))];
    r.purpose = "检查调研";
    r.reported_to = "县纪委监委";
    r.companions = 1 + pick(3);
    r.meal_people = 3 + pick(5);
    r.meal_fen = r.meal_people * 100 * (20 + pick(10));
    if (n == 3) r.companions = 6;  // 陪同过多
    if (n == 7) {
      r.banners = true;  // 标语横幅, and a meal over the standard
      r.meal_fen = r.meal_people * 100 * 80;
    }
    LX_ASSIGN_OR_RETURN(std::string id, txn->AddReception(r, config.ledger));
    Expense x;
    x.unit_code = r.unit_code;
    x.date = r.date;
    x.line = BudgetLine::kReception;
    x.item = "工作餐";
    x.amount_fen = r.meal_fen;
    x.reception_id = id;
    LX_RETURN_IF_ERROR(txn->AddExpense(x).status());
  }
  // The other lines, this year and the year before (a little more then).
  for (BudgetLine line : {BudgetLine::kVehicle, BudgetLine::kTravel, BudgetLine::kTraining}) {
    for (int year_back = 0; year_back < 2; ++year_back) {
      for (int n = 0; n < 6; ++n) {
        Expense x;
        x.unit_code = registry.units[pick(static_cast<int>(units))];
        const Date d = day();
        x.date = {d.year - year_back, d.month, std::min(d.day, 28)};
        if (year_back == 1 && x.date < Date{first.year - 1, 1, 1}) continue;
        x.line = line;
        x.item = line == BudgetLine::kVehicle  ? "公务用车加油维修"
                 : line == BudgetLine::kTravel ? "下乡差旅"
                                               : "干部培训";
        x.amount_fen = 100 * (300 + pick(2000)) * (year_back == 1 ? 12 : 10) / 10;
        LX_RETURN_IF_ERROR(txn->AddExpense(x).status());
      }
    }
  }
  return txn->Commit();
}

}  // namespace

Result<FieldworkReport> GenerateFieldwork(Store& store, ManualClock& clock, const Config& config,
                                          const FieldworkOptions& options) {
  std::mt19937_64 rng(options.seed * 7919 + 17);
  auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  auto chance = [&](double p) { return uniform(0, 1) < p; };
  const std::int64_t end = clock.NowMillis();
  const std::int64_t start = end - 365 * kMillisPerDay;
  const VisitRules& rules = config.visits;
  std::vector<Date> campaigns = rules.campaign_dates;
  std::erase_if(campaigns, [&](const Date& d) {
    return StartOfChinaDay(d) < start || StartOfChinaDay(d) > end - 14 * kMillisPerDay;
  });

  LX_ASSIGN_OR_RETURN(PairingState pairs, store.Pairs());
  auto in_scope = [&](const std::string& household) {
    // Household codes begin with their village's 12 digits: township = digits 7–9.
    if (household.size() < 9) return false;
    const int township = std::atoi(household.substr(6, 3).c_str());
    return township >= 1 && township <= options.townships;
  };
  std::map<std::string, CadreProfile> profiles;
  auto profile = [&](const std::string& cadre) -> CadreProfile& {
    auto [it, fresh] = profiles.try_emplace(cadre);
    if (fresh) {
      const double r = uniform(0, 1);
      CadreProfile& p = it->second;
      p.habit = r < 0.70                         ? Habit::kDiligent
                : r < 0.78 && !campaigns.empty() ? Habit::kCampaigns
                : r < 0.86                       ? Habit::kStops
                : r < 0.93                       ? Habit::kReactive
                                                 : Habit::kPhones;
      p.stop_day = static_cast<int>(uniform(120, 220));
      p.slow = chance(0.12);
    }
    return it->second;
  };

  std::priority_queue<Planned, std::vector<Planned>, std::greater<>> plan;
  auto at_day = [&](double day) {
    // Working hours in China: 9:00 to 17:00.
    const std::int64_t midnight =
        StartOfChinaDay(ChinaDateOf(start + static_cast<std::int64_t>(day) * kMillisPerDay));
    return midnight + 9 * kHour + static_cast<std::int64_t>(uniform(0, 8 * kHour));
  };
  std::map<std::string, std::string> contact_of;
  std::vector<std::string> households;
  auto schedule_visits = [&](const CadreHousehold& pair, bool assistance) {
    CadreProfile& p = profile(pair.cadre_code);
    const double cadence = assistance ? rules.assistance_cadence_days : rules.contact_cadence_days;
    auto add = [&](double day, VisitKind kind) {
      if (day < 0 || day >= 365) return;
      plan.push({at_day(day), 0, pair.cadre_code, pair.household_code, kind, assistance, {}, {}});
    };
    switch (p.habit) {
      case Habit::kCampaigns:
        for (const Date& d : campaigns) {
          if (chance(0.85))
            add(static_cast<double>(StartOfChinaDay(d) - start) / kMillisPerDay + uniform(0, 5),
                VisitKind::kHomeVisit);
        }
        break;
      case Habit::kReactive:
        break;  // visits follow the household's appeals (below)
      default:
        for (double day = uniform(0, cadence * 0.8); day < 365; day += cadence * uniform(0.6, 1.0)) {
          if (p.habit == Habit::kStops && day > p.stop_day) break;
          const VisitKind kind = p.habit == Habit::kPhones && chance(0.75) ? VisitKind::kPhone
                                 : chance(0.12)                            ? VisitKind::kTalk
                                 : chance(0.05)                            ? VisitKind::kStay
                                                                           : VisitKind::kHomeVisit;
          add(day, kind);
        }
    }
  };
  for (const CadreHousehold& pair : pairs.contacts) {
    if (!in_scope(pair.household_code)) continue;
    contact_of[pair.household_code] = pair.cadre_code;
    households.push_back(pair.household_code);
    schedule_visits(pair, false);
  }
  for (const CadreHousehold& pair : pairs.assistance) {
    if (in_scope(pair.household_code)) schedule_visits(pair, true);
  }
  // Appeals: about one household in four asks something in a year.
  for (const std::string& household : households) {
    for (double day = uniform(0, 1400); day < 365; day += uniform(60, 1400)) {
      Planned p;
      p.at = at_day(day);
      p.kind = 1;
      p.household = household;
      p.cadre = contact_of[household];
      plan.push(std::move(p));
    }
  }

  FieldworkReport report;
  const std::vector<std::string> topics = [&] {
    std::vector<std::string> codes;
    for (const AppealTopic& t : config.appeals.topics) codes.push_back(t.code);
    return codes;
  }();
  // The steps of an appeal's loop as its handler would take them.
  auto schedule_loop = [&](const Appeal& a, std::int64_t from) {
    CadreProfile& p = profile(a.handler);
    std::int64_t t =
        from + static_cast<std::int64_t>(p.slow ? uniform(30, 100) * kHour : uniform(0.5, 20) * kHour);
    auto step = [&](AppealAction action, std::string note = {}) {
      Planned next;
      next.at = t;
      next.kind = 2;
      next.appeal = a.id;
      next.cadre = a.handler;
      next.event.action = action;
      next.event.at_millis = t;
      next.event.note = std::move(note);
      plan.push(std::move(next));
    };
    step(AppealAction::kSign);
    t += static_cast<std::int64_t>(uniform(1, p.slow ? 12 : 5) * kMillisPerDay);
    step(AppealAction::kReply, "已协调解决,并当面向户主说明");
    t += static_cast<std::int64_t>(uniform(2, 30) * kHour);
    step(AppealAction::kClose);
    t += static_cast<std::int64_t>(uniform(1, 3) * kMillisPerDay);
    Planned rate;
    rate.at = t;
    rate.kind = 2;
    rate.appeal = a.id;
    rate.event.action = AppealAction::kRate;
    rate.event.at_millis = t;
    const double r = uniform(0, 1);
    rate.event.satisfaction = r < (p.slow ? 0.5 : 0.78)    ? Satisfaction::kSatisfied
                              : r < (p.slow ? 0.75 : 0.93) ? Satisfaction::kBasicallySatisfied
                                                           : Satisfaction::kUnsatisfied;
    rate.event.solved = rate.event.satisfaction != Satisfaction::kUnsatisfied && chance(0.92);
    plan.push(std::move(rate));
  };

  std::map<std::string, Appeal> appeals;
  std::vector<std::string> card_rows;
  while (!plan.empty()) {
    // One transaction per day, the clock at the end of the day's work.
    const Date day = ChinaDateOf(plan.top().at);
    const std::int64_t day_end = std::min(end, EndOfChinaDay(day));
    if (plan.top().at > end) break;
    clock.Set(std::min(plan.top().at, end));
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("demo"));
    while (!plan.empty() && plan.top().at <= day_end) {
      Planned p = plan.top();
      plan.pop();
      clock.Set(p.at);
      if (p.kind == 0) {
        Visit v;
        v.cadre_code = p.cadre;
        v.household_code = p.household;
        v.kind = p.visit;
        v.date = ChinaDateOf(p.at);
        const size_t pick = rng() % std::size(kHeard);
        v.heard = kHeard[pick];
        v.promised = kPromised[pick];
        LX_RETURN_IF_ERROR(txn->AddVisit(v, "demo").status());
        ++report.visits;
        if (p.assistance && CountsAsDirect(v.kind) && chance(0.35)) {
          LX_ASSIGN_OR_RETURN(std::vector<Task> tasks, store.TasksOf(p.household));
          for (Task& task : tasks) {
            if (task.cadre_code != p.cadre || task.status != TaskStatus::kOpen) continue;
            const int progress = std::min(100, task.progress + static_cast<int>(uniform(15, 45)));
            if (ReportProgress(task, progress, "走访时推进", v.date).ok()) {
              LX_RETURN_IF_ERROR(txn->Upsert(task).status());
            }
          }
        }
      } else if (p.kind == 1) {
        Appeal a;
        a.household_code = p.household;
        const double r = uniform(0, 1);
        a.channel = r < 0.4   ? AppealChannel::kCard
                    : r < 0.7 ? AppealChannel::kVisit
                              : AppealChannel::kOperator;
        a.type = chance(0.55)  ? AppealType::kHelp
                 : chance(0.6) ? AppealType::kInquiry
                               : AppealType::kSuggestion;
        a.topic = topics[rng() % topics.size()];
        a.urgency = chance(0.1) ? AppealUrgency::kUrgent : AppealUrgency::kGeneral;
        a.content = kContent[rng() % std::size(kContent)];
        a.received_millis = p.at;
        LX_ASSIGN_OR_RETURN(Appeal filed, txn->FileAppeal(a, "demo"));
        std::optional<AppealRoute> route = NextRoute(filed, config.appeals, {});
        if (route) {
          AppealEvent dispatch;
          dispatch.action = AppealAction::kDispatch;
          dispatch.at_millis = p.at;
          dispatch.handler = route->handler;
          dispatch.handler_kind = route->kind;
          dispatch.note = "按联系路径派单";
          LX_ASSIGN_OR_RETURN(filed, ApplyAppealEvent(filed, dispatch, config.appeals, config.calendar));
          LX_RETURN_IF_ERROR(txn->RecordAppealStep(filed, dispatch, "demo"));
          if (route->kind == HandlerKind::kCadre) schedule_loop(filed, p.at);
        }
        // A cadre who comes only when asked comes now.
        if (!p.cadre.empty() && profile(p.cadre).habit == Habit::kReactive && chance(0.8)) {
          plan.push({p.at + static_cast<std::int64_t>(uniform(1, 5) * kMillisPerDay),
                     0,
                     p.cadre,
                     p.household,
                     VisitKind::kHomeVisit,
                     false,
                     {},
                     {}});
        }
        appeals[filed.id] = filed;
        ++report.appeals;
      } else {
        Appeal& a = appeals[p.appeal];
        // A slow handler's overdue appeal is supervised before it is signed.
        if (p.event.action == AppealAction::kSign && IsOverdue(a, p.at)) {
          AppealEvent supervise;
          supervise.action = AppealAction::kSupervise;
          supervise.at_millis = p.at;
          LX_ASSIGN_OR_RETURN(a, ApplyAppealEvent(a, supervise, config.appeals, config.calendar));
          LX_RETURN_IF_ERROR(txn->RecordAppealStep(a, supervise, "demo"));
        }
        Result<Appeal> next = ApplyAppealEvent(a, p.event, config.appeals, config.calendar);
        if (!next.ok()) continue;  // the loop moved on another way
        LX_RETURN_IF_ERROR(txn->RecordAppealStep(
            *next, p.event,
            p.event.action == AppealAction::kRate ? "household:" + a.household_code : "demo"));
        // 不满意: 重办, the loop runs again from handling.
        if (p.event.action == AppealAction::kRate && next->state == AppealState::kHandling) {
          Appeal again = *next;
          schedule_loop(again, p.at);
        }
        a = std::move(*next);
      }
    }
    LX_RETURN_IF_ERROR(txn->Commit());
  }
  clock.Set(end);
  LX_RETURN_IF_ERROR(GenerateLedger(store, config, rng, start, end));

  // The households' cards, their codes in a file for printing.
  if (!options.cards_csv.empty()) {
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("demo"));
    std::string csv = "household_code,head_name,card_code\n";
    for (const std::string& household : households) {
      LX_ASSIGN_OR_RETURN(std::optional<Household> h, store.GetHousehold(household));
      LX_ASSIGN_OR_RETURN(std::string code,
                          txn->IssueCard(household, end + config.server.card_valid_days * kMillisPerDay));
      csv += household + "," + (h ? h->head_name : "") + "," + FormatCardCode(code) + "\n";
      ++report.cards;
    }
    // Readable by this user alone, before a code is written into it.
    const int fd = ::open(options.cards_csv.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ::fchmod(fd, 0600) != 0) {
      if (fd >= 0) ::close(fd);
      return Status::Internal("无法写入 " + options.cards_csv);
    }
    ::close(fd);
    std::ofstream out(options.cards_csv, std::ios::trunc);
    out << csv;
    out.close();
    if (!out) return Status::Internal("无法写入 " + options.cards_csv);
    LX_RETURN_IF_ERROR(txn->Commit());
  }
  return report;
}

}  // namespace lianxin
