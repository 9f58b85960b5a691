#include "lianxin/bulletin.hpp"

#include <algorithm>
#include <map>

#include "lianxin/calendar.hpp"
#include "lianxin/registry.hpp"
#include "oversight/report_text.hpp"

namespace lianxin {

using nlohmann::json;
using namespace oversight_internal;

namespace {

// Names of cadres and regions, looked up once each.
class Names final : public RegistrySink {
 public:
  explicit Names(Store& store) : store_(store) {}
  Status Add(const Region& r) override {
    last_ = r.name;
    return Status::Ok();
  }
  Status Add(const Unit&) override { return Status::Ok(); }
  Status Add(const Org&) override { return Status::Ok(); }
  Status Add(const Cadre& c) override {
    last_ = c.name;
    return Status::Ok();
  }
  Status Add(const Household&) override { return Status::Ok(); }
  Status Add(const Member&) override { return Status::Ok(); }

  std::string Of(RecordKind kind, const std::string& code) {
    if (code.empty()) return "";
    auto [it, fresh] = cache_.try_emplace(std::string(Token(kind)) + ":" + code);
    if (fresh) {
      last_.clear();
      Status got = store_.Get(kind, code, *this);
      it->second = got.ok() ? last_ : "";
    }
    return it->second;
  }

 private:
  Store& store_;
  std::string last_;
  std::map<std::string, std::string> cache_;
};

double Key(std::optional<double> v) { return v.value_or(-1); }

std::string Rate(const NoticeRow& r) {
  return r.pairs > 0 ? PerPair(r.direct_visits, r.pairs) : std::string("—");
}

Result<BulletinFigures> Count(Store& store, std::string_view region, std::string_view month,
                              const AppealRules& rules, std::int64_t now_millis) {
  BulletinFigures b;
  LX_ASSIGN_OR_RETURN(b.notice, CountNotice(store, region, month, rules, now_millis));
  const NoticeFigures& n = b.notice;
  b.notice.title = n.region_name + MonthWords(month) + "党员干部直接联系群众工作情况通报";
  b.townships_ranked = n.level == "county" ? n.townships : n.villages;
  std::stable_sort(b.townships_ranked.begin(), b.townships_ranked.end(),
                   [](const NoticeRow& a, const NoticeRow& c) {
                     const double sa = Key(Share(a.visited_households, a.households)),
                                  sc = Key(Share(c.visited_households, c.households));
                     if (sa != sc) return sa > sc;
                     return Key(Share(a.direct_visits, a.pairs)) > Key(Share(c.direct_visits, c.pairs));
                   });
  b.units_ranked = n.units;
  std::stable_sort(b.units_ranked.begin(), b.units_ranked.end(), [](const NoticeRow& a, const NoticeRow& c) {
    const double sa = Key(Share(a.direct_visits, a.pairs)), sc = Key(Share(c.direct_visits, c.pairs));
    if (sa != sc) return sa > sc;
    return a.silent < c.silent;
  });

  Names names(store);
  // Appeals named for the bulletin: reminded twice (督办), in the region, whenever received.
  AppealQuery supervised;
  supervised.scope = {ScopeKind::kRegion, n.region};
  supervised.region = n.region;
  supervised.in_bulletin_only = true;
  LX_RETURN_IF_ERROR(store.ScanAppeals(supervised, [&](const Appeal& a) {
    if (!IsOpen(a.state)) return Status::Ok();  // settled since: no longer named
    const AppealTopic* topic = rules.FindTopic(a.topic);
    BulletinAppeal row{a.id,
                       names.Of(RecordKind::kRegions, TownshipOfCode(a.region_code)),
                       topic ? topic->label : a.topic,
                       a.handler,
                       a.handler_kind == HandlerKind::kCadre  ? names.Of(RecordKind::kCadres, a.handler)
                       : a.handler_kind == HandlerKind::kUnit ? names.Of(RecordKind::kUnits, a.handler)
                                                              : names.Of(RecordKind::kRegions, a.handler),
                       a.reminders,
                       a.deadline_millis};
    b.supervised.push_back(std::move(row));
    return Status::Ok();
  }));
  // The month's inspections' findings.
  LX_ASSIGN_OR_RETURN(std::vector<Inspection> inspections, store.ListInspections(n.region));
  for (const Inspection& inspection : inspections) {
    if (inspection.month != n.month) continue;
    LX_ASSIGN_OR_RETURN(std::vector<InspectionCheck> checks, store.InspectionChecks(inspection.id));
    for (const InspectionCheck& c : checks) {
      if (c.findings.empty()) continue;
      b.findings.push_back({inspection.id, c.village_code, names.Of(RecordKind::kRegions, c.village_code),
                            c.household_code, c.cadre_code, names.Of(RecordKind::kCadres, c.cadre_code),
                            c.findings, !c.task_key.empty()});
    }
  }
  // Visits the household denied when called back.
  LX_ASSIGN_OR_RETURN(std::vector<Callback> callbacks, store.ListCallbacks(n.region, n.month));
  for (const Callback& c : callbacks) {
    if (c.outcome != CallbackOutcome::kDenied) continue;
    b.denials.push_back({c.visit_id, c.visited_on, c.household_code, c.cadre_code,
                         names.Of(RecordKind::kCadres, c.cadre_code), c.note});
  }
  return b;
}

}  // namespace

Result<BulletinFigures> CountBulletin(Store& store, std::string_view region, std::string_view month,
                                      const AppealRules& rules, std::int64_t now_millis) {
  // CountNotice reads in its own snapshot; the lists after it are read as they stand.
  return Count(store, region, month, rules, now_millis);
}

json BulletinJson(const BulletinFigures& b) {
  json figures = NoticeJson(b.notice);
  auto ranked = [](const std::vector<NoticeRow>& rows) {
    json out = json::array();
    int rank = 0;
    for (const NoticeRow& r : rows) {
      out.push_back(
          {{"rank", ++rank},
           {"code", r.code},
           {"name", r.name},
           {"visited_share", Share(r.visited_households, r.households)
                                 ? json(*Share(r.visited_households, r.households))
                                 : json(nullptr)},
           {"visits_per_pair",
            Share(r.direct_visits, r.pairs) ? json(*Share(r.direct_visits, r.pairs)) : json(nullptr)},
           {"silent", r.silent},
           {"score", r.appeals.score ? json(*r.appeals.score) : json(nullptr)}});
    }
    return out;
  };
  json supervised = json::array(), findings = json::array(), denials = json::array();
  for (const BulletinAppeal& a : b.supervised) {
    supervised.push_back(
        {{"id", a.id},
         {"township", a.township},
         {"topic", a.topic},
         {"handler", a.handler},
         {"handler_name", a.handler_name},
         {"reminders", a.reminders},
         {"deadline", a.deadline_millis ? json(ChinaIsoTime(a.deadline_millis)) : json(nullptr)}});
  }
  for (const BulletinFinding& f : b.findings) {
    findings.push_back({{"inspection", f.inspection_id},
                        {"village", f.village},
                        {"village_name", f.village_name},
                        {"household", f.household},
                        {"cadre", f.cadre},
                        {"cadre_name", f.cadre_name},
                        {"findings", f.findings},
                        {"task", f.task}});
  }
  for (const BulletinDenial& d : b.denials) {
    denials.push_back({{"visit", d.visit_id},
                       {"visited_on", d.visited_on},
                       {"household", d.household},
                       {"cadre", d.cadre},
                       {"cadre_name", d.cadre_name},
                       {"note", d.note}});
  }
  figures["rankings"] = {{"areas", ranked(b.townships_ranked)}, {"units", ranked(b.units_ranked)}};
  figures["supervised_appeals"] = std::move(supervised);
  figures["inspection_findings"] = std::move(findings);
  figures["callback_denials"] = std::move(denials);
  return figures;
}

Document BulletinDocument(const BulletinFigures& b) {
  const NoticeFigures& n = b.notice;
  Document doc;
  doc.title = n.title;
  doc.issuer = n.issuer;
  doc.date = DateWords(ChinaDateOf(n.counted_millis));
  const bool county = n.level == "county";
  doc.blocks.push_back(DocParagraph("现将" + MonthWords(n.month) + (county ? "全县" : "全镇(乡)") +
                                    "党员干部直接联系群众工作情况通报如下,请各单位对照检查、立即整改。"));
  doc.blocks.push_back(DocHeading(county ? "一、各乡镇排名" : "一、各村排名"));
  {
    std::vector<std::vector<std::string>> rows;
    int rank = 0;
    for (const NoticeRow& r : b.townships_ranked) {
      rows.push_back({std::to_string(++rank), r.name, Percent(Share(r.visited_households, r.households)),
                      Rate(r), Percent(r.appeals.satisfaction_rate)});
    }
    doc.blocks.push_back(DocTable({"名次", county ? "乡镇" : "村", "走访到户", "每对走访", "满意率"}, rows,
                                  {0.8, 2.2, 1.3, 1.3, 1.3}));
  }
  doc.blocks.push_back(DocHeading("二、各单位排名"));
  {
    std::vector<std::vector<std::string>> rows;
    int rank = 0;
    for (const NoticeRow& r : b.units_ranked) {
      rows.push_back({std::to_string(++rank), r.name, Rate(r), std::to_string(r.silent)});
    }
    if (rows.empty()) {
      doc.blocks.push_back(DocParagraph("没有单位干部在本地区结对。"));
    } else {
      doc.blocks.push_back(DocTable({"名次", "单位", "每对走访", "未联系干部"}, rows, {0.8, 3, 1.3, 1.3}));
    }
  }
  doc.blocks.push_back(DocHeading("三、未直接联系群众的干部"));
  if (n.silent.empty()) {
    doc.blocks.push_back(DocParagraph("本月每一名结对干部都直接联系了群众。"));
  } else {
    std::map<std::string, std::vector<std::string>> by_unit;
    for (const SilentCadre& c : n.silent)
      by_unit[c.unit_name.empty() ? "农村党员" : c.unit_name].push_back(c.name);
    std::vector<std::vector<std::string>> rows;
    for (const auto& [unit, people] : by_unit) {
      std::string joined;
      for (const std::string& name : people) joined += (joined.empty() ? "" : "、") + name;
      rows.push_back({unit, std::to_string(people.size()), joined});
    }
    doc.blocks.push_back(DocTable({"单位", "人数", "姓名"}, rows, {2.2, 0.8, 6}));
  }
  doc.blocks.push_back(DocHeading("四、督办中的群众诉求"));
  if (b.supervised.empty()) {
    doc.blocks.push_back(DocParagraph("没有经两次督办仍未办结的诉求。"));
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const BulletinAppeal& a : b.supervised) {
      rows.push_back({a.id, a.township, a.topic, a.handler_name.empty() ? a.handler : a.handler_name,
                      std::to_string(a.reminders),
                      a.deadline_millis ? ChinaIsoTime(a.deadline_millis).substr(0, 10) : "—"});
    }
    doc.blocks.push_back(
        DocTable({"编号", "乡镇", "类别", "承办", "督办次数", "期限"}, rows, {2.2, 1.4, 1.4, 1.8, 1, 1.4}));
  }
  doc.blocks.push_back(DocHeading("五、不打招呼督查发现的问题"));
  if (b.findings.empty()) {
    doc.blocks.push_back(DocParagraph("本月督查没有发现问题,或本月未开展督查。"));
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const BulletinFinding& f : b.findings) {
      rows.push_back({f.village_name.empty() ? f.village : f.village_name,
                      f.cadre_name.empty() ? f.cadre : f.cadre_name, f.findings,
                      f.task ? "已转整改任务" : "—"});
    }
    doc.blocks.push_back(DocTable({"村", "联系干部", "发现的问题", "整改"}, rows, {1.5, 1.3, 4.5, 1.5}));
  }
  doc.blocks.push_back(DocHeading("六、回访中群众否认的走访"));
  if (b.denials.empty()) {
    doc.blocks.push_back(DocParagraph("本月回访没有群众否认的走访。"));
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const BulletinDenial& d : b.denials) {
      rows.push_back({d.cadre_name.empty() ? d.cadre : d.cadre_name, d.visited_on, d.household, d.note});
    }
    doc.blocks.push_back(DocTable({"干部", "登记走访日期", "户编号", "群众说"}, rows, {1.3, 1.6, 2.2, 3.5}));
  }
  doc.footnote = "日志根哈希 " + (n.journal_hash.empty() ? std::string("—") : n.journal_hash);
  return doc;
}

Status WriteBulletin(const BulletinFigures& figures, const std::string& path) {
  return WriteFiguresOrDocument(BulletinJson(figures), BulletinDocument(figures), path);
}

}  // namespace lianxin
