#include "lianxin/dossier.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "lianxin/calendar.hpp"
#include "oversight/report_text.hpp"

namespace lianxin {

using nlohmann::json;
using namespace oversight_internal;

namespace {

class One final : public RegistrySink {
 public:
  Status Add(const Region& r) override {
    name = r.name;
    return Status::Ok();
  }
  Status Add(const Unit& u) override {
    name = u.name;
    return Status::Ok();
  }
  Status Add(const Org&) override { return Status::Ok(); }
  Status Add(const Cadre& c) override {
    cadre = c;
    name = c.name;
    return Status::Ok();
  }
  Status Add(const Household&) override { return Status::Ok(); }
  Status Add(const Member&) override { return Status::Ok(); }
  std::optional<Cadre> cadre;
  std::string name;
};

std::string NameOf(Store& store, RecordKind kind, const std::string& code) {
  One one;
  return code.empty() || !store.Get(kind, code, one).ok() ? std::string() : one.name;
}

std::string MonthOf(const Date& d) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d", d.year, d.month);
  return text;
}

json Rate(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::string_view IndicatorLabel(const std::string& name) {
  static const std::map<std::string, std::string_view> kLabels = {{"cadence", "经常联系(按周期直接走访)"},
                                                                  {"tasks", "包扶任务完成"},
                                                                  {"appeals", "群众诉求三率"},
                                                                  {"awareness", "群众知晓率(督查)"},
                                                                  {"callbacks", "回访属实"},
                                                                  {"rating", "群众评议(满意和基本满意)"}};
  auto it = kLabels.find(name);
  return it == kLabels.end() ? std::string_view(name) : it->second;
}

}  // namespace

Result<DossierFigures> CountDossier(Store& store, const std::string& cadre_code, const Config& config,
                                    const Date& from, const Date& to) {
  One one;
  Status got = store.Get(RecordKind::kCadres, cadre_code, one);
  if (got.code() == Code::kNotFound || (got.ok() && !one.cadre))
    return Status::NotFound("干部不存在: " + cadre_code + " (not_found)");
  LX_RETURN_IF_ERROR(got);
  const Cadre& cadre = *one.cadre;
  DossierFigures d;
  d.cadre_code = cadre.code;
  d.name = cadre.name;
  d.unit = cadre.unit_code.empty() ? NameOf(store, RecordKind::kRegions, cadre.village_code) + "(农村党员)"
                                   : NameOf(store, RecordKind::kUnits, cadre.unit_code);
  d.rank = std::string(Label(cadre.rank));
  d.title = cadre.title;
  d.county_name = NameOf(store, RecordKind::kRegions, cadre.code.substr(0, 6));
  d.from = from;
  d.to = to;
  const std::string first = from.ToString(), last = to.ToString();

  LX_ASSIGN_OR_RETURN(std::vector<VisitDuty> duties, store.DutiesOf(cadre.code, to));
  d.households = static_cast<int>(duties.size());
  LX_ASSIGN_OR_RETURN(std::vector<Visit> visits, store.VisitsByCadre(cadre.code));
  std::map<std::string, DossierFigures::Month> months;
  for (Date m = {from.year, from.month, 1}; MonthOf(m) <= MonthOf(to);
       m = m.month == 12 ? Date{m.year + 1, 1, 1} : Date{m.year, m.month + 1, 1}) {
    months[MonthOf(m)].month = MonthOf(m);
  }
  std::vector<Visit> in_period;
  for (const Visit& v : visits) {
    const std::string on = v.date.ToString();
    if (on < first || on > last) continue;
    in_period.push_back(v);
    DossierFigures::Month& m = months[MonthOf(v.date)];
    (CountsAsDirect(v.kind) ? m.direct : m.other)++;
  }
  for (auto& [key, m] : months) d.months.push_back(m);

  LX_ASSIGN_OR_RETURN(d.tasks, store.TasksByCadre(cadre.code));
  for (const Task& t : d.tasks) {
    if (t.status == TaskStatus::kDone) ++d.tasks_done;
    if (t.status == TaskStatus::kOpen && t.deadline < last) ++d.tasks_overdue;
  }

  AppealQuery query;
  query.unscoped = true;
  query.cadre = cadre.code;
  Result<MonthSpan> start = ParseChinaMonth(MonthOf(from), "from");
  Result<MonthSpan> end = ParseChinaMonth(MonthOf(to), "to");
  if (start.ok()) query.received_from = start->from_millis;
  if (end.ok()) query.received_to = end->to_millis;
  std::vector<Appeal> appeals;
  LX_RETURN_IF_ERROR(store.ScanAppeals(query, [&](const Appeal& a) {
    if (a.cadre_code == cadre.code) appeals.push_back(a);
    return Status::Ok();
  }));
  std::vector<const Appeal*> all;
  for (const Appeal& a : appeals) all.push_back(&a);
  d.appeals_received = static_cast<int>(appeals.size());
  d.appeals = RatesOf(all, config.appeals);

  const std::string county = cadre.code.substr(0, 6);
  std::vector<InspectionCheck> checks;
  LX_ASSIGN_OR_RETURN(std::vector<Inspection> inspections, store.ListInspections(county));
  for (const Inspection& i : inspections) {
    if (i.month < MonthOf(from) || i.month > MonthOf(to)) continue;
    LX_ASSIGN_OR_RETURN(std::vector<InspectionCheck> all_checks, store.InspectionChecks(i.id));
    for (const InspectionCheck& c : all_checks) {
      if (c.cadre_code != cadre.code) continue;
      checks.push_back(c);
      if (!c.findings.empty()) d.findings.push_back(i.month + " " + c.findings);
    }
  }
  d.inspections = FiguresOf(checks);
  LX_ASSIGN_OR_RETURN(std::vector<Callback> callbacks, store.ListCallbacks(county, ""));
  std::erase_if(callbacks, [&](const Callback& c) {
    return c.cadre_code != cadre.code || c.month < MonthOf(from) || c.month > MonthOf(to);
  });
  auto rates = CallbackRatesByCadre(callbacks);
  if (auto it = rates.find(cadre.code); it != rates.end()) d.callbacks = it->second;

  CadreIndicators in;
  in.cadence = CadenceIndicator(duties, in_period, config.visits, from, to);
  in.tasks = TaskIndicator(d.tasks, config.scoring, to);
  if (d.appeals.score) in.appeals = *d.appeals.score / 100;
  in.awareness = d.inspections.awareness_rate;
  if (d.callbacks.denial_rate) in.callbacks = 1 - *d.callbacks.denial_rate;
  // 民主评议: the share of the period's ratings that are satisfied or basically.
  LX_ASSIGN_OR_RETURN(std::vector<Satisfaction> ratings,
                      store.RatingsOfCadre(cadre.code, from.year, to.year));
  d.ratings = static_cast<int>(ratings.size());
  for (Satisfaction s : ratings) d.ratings_satisfied += s != Satisfaction::kUnsatisfied ? 1 : 0;
  in.rating = Share(d.ratings_satisfied, d.ratings);
  d.score = ScoreCadre(in, config.scoring);
  return d;
}

json DossierJson(const DossierFigures& d) {
  json months = json::array(), tasks = json::array(), parts = json::array();
  for (const auto& m : d.months)
    months.push_back({{"month", m.month}, {"direct", m.direct}, {"other", m.other}});
  for (const Task& t : d.tasks) {
    tasks.push_back({{"household", t.household_code},
                     {"need", t.need},
                     {"task", t.task},
                     {"deadline", t.deadline},
                     {"status", Token(t.status)},
                     {"progress", t.progress}});
  }
  for (const auto& p : d.score.parts)
    parts.push_back({{"name", p.name}, {"value", p.value}, {"weight", p.weight}});
  return {
      {"cadre", d.cadre_code},
      {"name", d.name},
      {"unit", d.unit},
      {"rank", d.rank},
      {"title", d.title},
      {"from", d.from.ToString()},
      {"to", d.to.ToString()},
      {"households", d.households},
      {"months", std::move(months)},
      {"tasks", std::move(tasks)},
      {"tasks_done", d.tasks_done},
      {"tasks_overdue", d.tasks_overdue},
      {"appeals",
       {{"received", d.appeals_received},
        {"response_rate", Rate(d.appeals.response_rate)},
        {"resolution_rate", Rate(d.appeals.resolution_rate)},
        {"satisfaction_rate", Rate(d.appeals.satisfaction_rate)},
        {"score", Rate(d.appeals.score)}}},
      {"inspections",
       {{"checked", d.inspections.checked},
        {"awareness_rate", Rate(d.inspections.awareness_rate)},
        {"visits_true_rate", Rate(d.inspections.visits_true_rate)},
        {"findings", d.findings}}},
      {"callbacks",
       {{"drawn", d.callbacks.drawn},
        {"confirmed", d.callbacks.confirmed},
        {"denied", d.callbacks.denied},
        {"unreachable", d.callbacks.unreachable},
        {"denial_rate", Rate(d.callbacks.denial_rate)}}},
      {"ratings", {{"given", d.ratings}, {"satisfied", d.ratings_satisfied}}},
      {"score", {{"value", Rate(d.score.score)}, {"parts", std::move(parts)}, {"absent", d.score.absent}}}};
}

Document DossierDocument(const DossierFigures& d) {
  Document doc;
  doc.title = d.name + "同志直接联系群众工作档案";
  doc.issuer = "中共" + d.county_name + "委组织部";
  doc.date = DateWords(d.to);
  doc.blocks.push_back(DocParagraph("考核期间:" + DateWords(d.from) + "至" + DateWords(d.to) + "。"));
  doc.blocks.push_back(DocHeading("一、基本情况"));
  doc.blocks.push_back(
      DocTable({"姓名", "单位", "职级", "职务", "联系户数"},
               {{d.name, d.unit, d.rank, d.title.empty() ? "—" : d.title, std::to_string(d.households)}},
               {1.2, 2.6, 1.3, 1.3, 1}));
  doc.blocks.push_back(DocHeading("二、考核得分"));
  char score[32] = "—";
  if (d.score.score) std::snprintf(score, sizeof score, "%.1f", *d.score.score);
  std::string absent;
  for (const std::string& a : d.score.absent)
    absent += (absent.empty() ? "" : "、") + std::string(IndicatorLabel(a));
  doc.blocks.push_back(
      DocParagraph("综合得分 " + std::string(score) + " 分(满分 100)。" +
                   (absent.empty() ? std::string()
                                   : "以下指标本期无可计数的记录,不计入,其余按权重折算:" + absent + "。")));
  std::vector<std::vector<std::string>> parts;
  for (const auto& p : d.score.parts) {
    char weight[16];
    std::snprintf(weight, sizeof weight, "%.0f", p.weight);
    parts.push_back({std::string(IndicatorLabel(p.name)), weight, Percent(p.value)});
  }
  if (!parts.empty()) doc.blocks.push_back(DocTable({"指标", "权重", "得分率"}, parts, {3, 1, 1.2}));
  doc.blocks.push_back(DocHeading("三、走访记录"));
  std::vector<std::vector<std::string>> months;
  for (const auto& m : d.months)
    months.push_back({m.month, std::to_string(m.direct), std::to_string(m.other)});
  doc.blocks.push_back(DocTable({"月份", "直接走访", "电话及代访(不计直接联系)"}, months, {1.2, 1.2, 2.4}));
  doc.blocks.push_back(DocHeading("四、包扶任务"));
  doc.blocks.push_back(DocParagraph("共 " + std::to_string(d.tasks.size()) + " 项,已完成 " +
                                    std::to_string(d.tasks_done) + " 项,逾期未完成 " +
                                    std::to_string(d.tasks_overdue) + " 项。"));
  std::vector<std::vector<std::string>> tasks;
  for (const Task& t : d.tasks) {
    tasks.push_back({t.household_code, t.task, t.deadline,
                     t.status == TaskStatus::kDone        ? "已完成"
                     : t.status == TaskStatus::kCancelled ? "已撤销"
                                                          : std::to_string(t.progress) + "%"});
  }
  if (!tasks.empty())
    doc.blocks.push_back(DocTable({"户", "任务", "期限", "进度"}, tasks, {2.2, 3.5, 1.4, 1}));
  doc.blocks.push_back(DocHeading("五、群众诉求"));
  doc.blocks.push_back(DocParagraph("联系户反映诉求 " + std::to_string(d.appeals_received) + " 件,响应率 " +
                                    Percent(d.appeals.response_rate) + ",解决率 " +
                                    Percent(d.appeals.resolution_rate) + ",满意率 " +
                                    Percent(d.appeals.satisfaction_rate) + "。"));
  doc.blocks.push_back(DocHeading("六、督查与回访"));
  std::string findings;
  for (const std::string& f : d.findings) findings += (findings.empty() ? "" : ";") + f;
  doc.blocks.push_back(DocParagraph(
      "不打招呼督查抽查联系户 " + std::to_string(d.inspections.checked) + " 户,知晓率 " +
      Percent(d.inspections.awareness_rate) + ",走访属实率 " + Percent(d.inspections.visits_true_rate) +
      "。" + (findings.empty() ? std::string("未发现问题。") : "发现的问题:" + findings + "。") +
      "回访核验 " + std::to_string(d.callbacks.drawn) + " 次,属实 " + std::to_string(d.callbacks.confirmed) +
      " 次,群众否认 " + std::to_string(d.callbacks.denied) + " 次,联系不上 " +
      std::to_string(d.callbacks.unreachable) + " 次。"));
  doc.blocks.push_back(DocHeading("七、群众评议"));
  doc.blocks.push_back(DocParagraph(d.ratings == 0
                                        ? std::string("本期没有群众评议。")
                                        : "联系户评议 " + std::to_string(d.ratings) + " 次,满意和基本满意 " +
                                              std::to_string(d.ratings_satisfied) + " 次(" +
                                              Percent(Share(d.ratings_satisfied, d.ratings)) + ")。"));
  return doc;
}

Status WriteDossier(const DossierFigures& dossier, const std::string& path) {
  return WriteFiguresOrDocument(DossierJson(dossier), DossierDocument(dossier), path);
}

}  // namespace lianxin
