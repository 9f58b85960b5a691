#include "lianxin/notice.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>

#include "lianxin/calendar.hpp"
#include "lianxin/registry.hpp"
#include "lianxin/validate.hpp"
#include "oversight/report_text.hpp"
#include "registry/one_record.hpp"
#include "report/internal.hpp"

namespace lianxin {

using nlohmann::json;
using namespace oversight_internal;

namespace {

// The one region a Get names.
NoticeRow RowOf(const AreaFigures& area) {
  NoticeRow row;
  row.code = area.code;
  row.name = area.name;
  row.households = area.households;
  row.covered = area.covered;
  row.pairs = area.pairs;
  row.direct_visits = area.direct_visits;
  row.visited_households = area.visited_households;
  row.tasks = area.tasks;
  row.tasks_done = area.tasks_done;
  row.inspected = area.inspected;
  row.knows_cadre = area.knows_cadre;
  row.findings = area.findings;
  return row;
}

void AddInto(NoticeRow& sum, const NoticeRow& row) {
  sum.households += row.households;
  sum.covered += row.covered;
  sum.pairs += row.pairs;
  sum.direct_visits += row.direct_visits;
  sum.visited_households += row.visited_households;
  sum.tasks += row.tasks;
  sum.tasks_done += row.tasks_done;
  sum.inspected += row.inspected;
  sum.knows_cadre += row.knows_cadre;
  sum.findings += row.findings;
}

std::string Tasks(const NoticeRow& row) {
  return row.tasks == 0 ? "—" : std::to_string(row.tasks_done) + "/" + std::to_string(row.tasks);
}

json RatesJson(const NoticeRow& row) {
  const AppealRates& r = row.appeals;
  auto rate = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  return {{"received", row.received},
          {"dispatched", r.dispatched},
          {"responded", r.responded},
          {"rated", r.rated},
          {"solved", r.solved},
          {"satisfied", r.satisfied},
          {"response_rate", rate(r.response_rate)},
          {"resolution_rate", rate(r.resolution_rate)},
          {"satisfaction_rate", rate(r.satisfaction_rate)},
          {"score", rate(r.score)}};
}

json RowJson(const NoticeRow& row) {
  auto share = [](std::optional<double> v) { return v ? json(*v) : json(nullptr); };
  return {{"code", row.code},
          {"name", row.name},
          {"parent", row.parent},
          {"households", row.households},
          {"covered", row.covered},
          {"coverage", share(Share(row.covered, row.households))},
          {"cadres", row.cadres},
          {"pairs", row.pairs},
          {"direct_visits", row.direct_visits},
          {"visits_per_pair",
           row.pairs > 0 ? json(static_cast<double>(row.direct_visits) / row.pairs) : json(nullptr)},
          {"visited_households", row.visited_households},
          {"tasks", row.tasks},
          {"tasks_done", row.tasks_done},
          {"silent", row.silent},
          {"appeals", RatesJson(row)},
          {"inspection",
           {{"checked", row.inspected},
            {"knows_cadre", row.knows_cadre},
            {"awareness_rate", share(Share(row.knows_cadre, row.inspected))},
            {"findings", row.findings}}}};
}

// Reading back: each field named in the error when it is missing or wrong.
class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}
  Status status() const { return status_; }

  std::string Text(const json& object, const char* key) {
    const json* v = Field(object, key);
    if (v && !v->is_string()) Fail(key);
    return v && v->is_string() ? v->get<std::string>() : std::string();
  }
  std::int64_t Int(const json& object, const char* key) {
    const json* v = Field(object, key);
    if (v && !v->is_number_integer()) Fail(key);
    return v && v->is_number_integer() ? v->get<std::int64_t>() : 0;
  }
  std::optional<double> Rate(const json& object, const char* key) {
    const json* v = Field(object, key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_number()) Fail(key);
    return v->is_number() ? std::optional<double>(v->get<double>()) : std::nullopt;
  }
  const json& Array(const json& object, const char* key) {
    static const json kEmpty = json::array();
    const json* v = Field(object, key);
    if (v && !v->is_array()) Fail(key);
    return v && v->is_array() ? *v : kEmpty;
  }
  const json& Object(const json& object, const char* key) {
    static const json kEmpty = json::object();
    const json* v = Field(object, key);
    if (v && !v->is_object()) Fail(key);
    return v && v->is_object() ? *v : kEmpty;
  }
  Reader At(const std::string& sub) const { return Reader(path_ + sub); }
  void Merge(const Reader& inner) {
    if (status_.ok()) status_ = inner.status_;
  }

 private:
  const json* Field(const json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end()) {
      Fail(key);
      return nullptr;
    }
    return &*it;
  }
  void Fail(const char* key) {
    if (status_.ok()) {
      const std::string field = path_.empty() ? key : path_ + "." + key;
      status_ = Status::Invalid("公示数据缺少或错写了 " + field + " (notice_field)", field);
    }
  }
  std::string path_;
  Status status_;
};

NoticeRow ReadRow(Reader& in, const json& object) {
  NoticeRow row;
  row.code = in.Text(object, "code");
  row.name = in.Text(object, "name");
  row.parent = in.Text(object, "parent");
  row.households = static_cast<int>(in.Int(object, "households"));
  row.covered = static_cast<int>(in.Int(object, "covered"));
  row.cadres = static_cast<int>(in.Int(object, "cadres"));
  row.pairs = static_cast<int>(in.Int(object, "pairs"));
  row.direct_visits = static_cast<int>(in.Int(object, "direct_visits"));
  row.visited_households = static_cast<int>(in.Int(object, "visited_households"));
  row.tasks = static_cast<int>(in.Int(object, "tasks"));
  row.tasks_done = static_cast<int>(in.Int(object, "tasks_done"));
  row.silent = static_cast<int>(in.Int(object, "silent"));
  const json& a = in.Object(object, "appeals");
  row.received = static_cast<int>(in.Int(a, "received"));
  row.appeals.dispatched = static_cast<int>(in.Int(a, "dispatched"));
  row.appeals.responded = static_cast<int>(in.Int(a, "responded"));
  row.appeals.rated = static_cast<int>(in.Int(a, "rated"));
  row.appeals.solved = static_cast<int>(in.Int(a, "solved"));
  row.appeals.satisfied = static_cast<int>(in.Int(a, "satisfied"));
  // Notices published before inspections were counted have none.
  if (object.contains("inspection")) {
    const json& i = in.Object(object, "inspection");
    row.inspected = static_cast<int>(in.Int(i, "checked"));
    row.knows_cadre = static_cast<int>(in.Int(i, "knows_cadre"));
    row.findings = static_cast<int>(in.Int(i, "findings"));
  }
  row.appeals.response_rate = in.Rate(a, "response_rate");
  row.appeals.resolution_rate = in.Rate(a, "resolution_rate");
  row.appeals.satisfaction_rate = in.Rate(a, "satisfaction_rate");
  row.appeals.score = in.Rate(a, "score");
  return row;
}

std::string Hex(const unsigned char* bytes, size_t size) {
  std::string hex(2 * size + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

std::string Digest(const std::string& text) {
  if (sodium_init() < 0) std::abort();
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                     nullptr, 0);
  return Hex(hash, sizeof hash);
}

// Counts within one read (the caller's snapshot).
Result<NoticeFigures> Count(Store& store, std::string_view region, std::string_view month,
                            const AppealRules& rules, std::int64_t now_millis, std::string issuer) {
  if (!RegionSubtreePrefix(region))
    return Status::Invalid("region 应为 6 位或 12 位区划代码 (region_format)", "region");
  LX_ASSIGN_OR_RETURN(MonthSpan span, ParseChinaMonth(month, "month"));
  LX_ASSIGN_OR_RETURN(Region self, GetRegion(store, region));
  if (self.level != RegionLevel::kCounty && self.level != RegionLevel::kTownship) {
    return Status::Invalid("每月公示按县或乡镇发布,不按村 (notice_level): " + self.code, "region");
  }
  NoticeFigures figures;
  figures.region = self.code;
  figures.region_name = self.name;
  figures.level = std::string(Token(self.level));
  figures.month = std::string(month);
  figures.title = self.name + MonthWords(month) + "党员干部直接联系群众情况公示";
  if (issuer.empty()) {
    LX_ASSIGN_OR_RETURN(Region county, GetRegion(store, self.code.substr(0, 6)));
    issuer = "中共" + county.name + "委组织部";
  }
  figures.issuer = std::move(issuer);
  figures.counted_millis = now_millis;
  LX_ASSIGN_OR_RETURN(figures.journal_hash, store.JournalHead());
  if (!figures.journal_hash.empty()) {
    LX_ASSIGN_OR_RETURN(std::optional<std::int64_t> seq, store.JournalSeqOf(figures.journal_hash));
    figures.journal_seq = seq.value_or(0);
  }

  const Date from = ChinaDateOf(span.from_millis), to = ChinaDateOf(span.to_millis - 1);
  LX_ASSIGN_OR_RETURN(std::vector<AreaFigures> children, store.FiguresUnder(self.code, from, to, now_millis));
  if (self.level == RegionLevel::kCounty) {
    for (const AreaFigures& township : children) {
      figures.townships.push_back(RowOf(township));
      LX_ASSIGN_OR_RETURN(std::vector<AreaFigures> villages,
                          store.FiguresUnder(township.code, from, to, now_millis));
      for (const AreaFigures& village : villages) {
        figures.villages.push_back(RowOf(village));
        figures.villages.back().parent = township.name;
      }
    }
  } else {
    for (const AreaFigures& village : children) {
      figures.villages.push_back(RowOf(village));
      figures.villages.back().parent = self.name;
    }
  }
  for (const NoticeRow& village : figures.villages) AddInto(figures.total, village);
  figures.total.code = self.code;
  figures.total.name = self.name;

  LX_ASSIGN_OR_RETURN(std::vector<UnitFigures> units, store.UnitFiguresUnder(self.code, from, to));
  for (const UnitFigures& u : units) {
    NoticeRow row;
    row.code = u.code;
    row.name = u.name;
    row.cadres = u.cadres;
    row.pairs = u.pairs;
    row.direct_visits = u.direct_visits;
    row.visited_households = u.visited_households;
    row.tasks = u.tasks;
    row.tasks_done = u.tasks_done;
    row.silent = u.silent;
    figures.units.push_back(std::move(row));
  }
  LX_ASSIGN_OR_RETURN(figures.silent, store.SilentCadresUnder(self.code, from, to));
  figures.total.silent = static_cast<int>(figures.silent.size());

  // The month's appeals, each counted for its township, village and unit.
  std::vector<Appeal> appeals;
  AppealQuery query;
  query.scope = {ScopeKind::kRegion, self.code};
  query.region = self.code;
  query.received_from = span.from_millis;
  query.received_to = span.to_millis;
  LX_RETURN_IF_ERROR(store.ScanAppeals(query, [&](const Appeal& a) {
    appeals.push_back(a);
    return Status::Ok();
  }));
  auto apply = [&](std::vector<NoticeRow>& rows, const std::function<std::string(const Appeal&)>& key) {
    std::map<std::string, AppealRates> rates = RatesBy(appeals, rules, key);
    std::map<std::string, int> received;
    for (const Appeal& a : appeals) ++received[key(a)];
    for (NoticeRow& row : rows) {
      auto it = rates.find(row.code);
      if (it != rates.end()) row.appeals = it->second;
      row.received = received[row.code];
    }
  };
  apply(figures.townships, [](const Appeal& a) { return TownshipOfCode(a.region_code); });
  apply(figures.villages, [](const Appeal& a) { return a.region_code; });
  apply(figures.units, [](const Appeal& a) { return a.unit_code; });
  std::vector<const Appeal*> all;
  for (const Appeal& a : appeals) all.push_back(&a);
  figures.total.appeals = RatesOf(all, rules);
  figures.total.received = static_cast<int>(appeals.size());
  return figures;
}

}  // namespace

std::string NoticeId(std::string_view region, std::string_view month) {
  return std::string(region) + ":" + std::string(month);
}

Result<NoticeFigures> CountNotice(Store& store, std::string_view region, std::string_view month,
                                  const AppealRules& rules, std::int64_t now_millis, std::string issuer) {
  // One snapshot: the head printed is the head the figures were read at.
  store.BeginRead();
  Result<NoticeFigures> figures = Count(store, region, month, rules, now_millis, std::move(issuer));
  store.EndRead();
  return figures;
}

json NoticeJson(const NoticeFigures& f) {
  json townships = json::array(), villages = json::array(), units = json::array(), silent = json::array();
  for (const NoticeRow& row : f.townships) townships.push_back(RowJson(row));
  for (const NoticeRow& row : f.villages) villages.push_back(RowJson(row));
  for (const NoticeRow& row : f.units) units.push_back(RowJson(row));
  for (const SilentCadre& c : f.silent) {
    silent.push_back({{"code", c.code},
                      {"name", c.name},
                      {"unit_code", c.unit_code},
                      {"unit_name", c.unit_name},
                      {"village_code", c.village_code},
                      {"pairs", c.pairs}});
  }
  return {{"region", f.region},
          {"region_name", f.region_name},
          {"level", f.level},
          {"month", f.month},
          {"title", f.title},
          {"issuer", f.issuer},
          {"counted_millis", f.counted_millis},
          {"counted_at", ChinaIsoTime(f.counted_millis)},
          {"journal", {{"seq", f.journal_seq}, {"hash", f.journal_hash}}},
          {"total", RowJson(f.total)},
          {"townships", std::move(townships)},
          {"villages", std::move(villages)},
          {"units", std::move(units)},
          {"silent", std::move(silent)},
          {"published", f.published_millis ? json{{"at", ChinaIsoTime(f.published_millis)},
                                                  {"at_millis", f.published_millis},
                                                  {"by", f.published_by}}
                                           : json(nullptr)}};
}

Result<NoticeFigures> NoticeFromJson(const json& j) {
  if (!j.is_object()) return Status::Invalid("公示数据应为 JSON 对象 (notice_field)");
  Reader in("");
  NoticeFigures f;
  f.region = in.Text(j, "region");
  f.region_name = in.Text(j, "region_name");
  f.level = in.Text(j, "level");
  f.month = in.Text(j, "month");
  f.title = in.Text(j, "title");
  f.issuer = in.Text(j, "issuer");
  f.counted_millis = in.Int(j, "counted_millis");
  const json& journal = in.Object(j, "journal");
  f.journal_seq = in.Int(journal, "seq");
  f.journal_hash = in.Text(journal, "hash");
  f.total = ReadRow(in, in.Object(j, "total"));
  for (auto [key, rows] : {std::pair{"townships", &f.townships}, std::pair{"villages", &f.villages},
                           std::pair{"units", &f.units}}) {
    for (const json& row : in.Array(j, key)) rows->push_back(ReadRow(in, row));
  }
  for (const json& c : in.Array(j, "silent")) {
    f.silent.push_back({in.Text(c, "code"), in.Text(c, "name"), in.Text(c, "unit_code"),
                        in.Text(c, "unit_name"), in.Text(c, "village_code"),
                        static_cast<int>(in.Int(c, "pairs"))});
  }
  LX_RETURN_IF_ERROR(in.status());
  return f;
}

NoticeRecord NoticeRecordOf(const NoticeFigures& figures, const std::string& published_by) {
  NoticeRecord record;
  record.id = NoticeId(figures.region, figures.month);
  record.region_code = figures.region;
  record.month = figures.month;
  record.title = figures.title;
  record.journal_seq = figures.journal_seq;
  record.journal_hash = figures.journal_hash;
  NoticeFigures kept = figures;
  kept.published_millis = 0;  // the record says when and by whom
  kept.published_by.clear();
  record.figures = NoticeJson(kept).dump();
  record.digest = Digest(record.figures);
  record.published_by = published_by;
  return record;
}

Result<NoticeFigures> NoticeOfRecord(const NoticeRecord& record) {
  if (Digest(record.figures) != record.digest) {
    return Status::Tampered("公示 " + record.id + " 的数据与发布时的摘要不符 (notice_digest)");
  }
  json parsed = json::parse(record.figures, nullptr, false);
  if (parsed.is_discarded())
    return Status::Tampered("公示 " + record.id + " 的数据不是 JSON (notice_digest)");
  LX_ASSIGN_OR_RETURN(NoticeFigures figures, NoticeFromJson(parsed));
  figures.published_millis = record.published_millis;
  figures.published_by = record.published_by;
  return figures;
}

Document NoticeDocument(const NoticeFigures& f) {
  Document doc;
  doc.title = f.title;
  doc.issuer = f.issuer;
  doc.date = DateWords(ChinaDateOf(f.published_millis ? f.published_millis : f.counted_millis));
  const bool county = f.level == "county";
  const std::string whole = county ? "全县" : "全镇(乡)";
  const NoticeRow& t = f.total;
  doc.blocks.push_back(DocParagraph(
      "根据党员干部直接联系群众制度和“每月公示”的要求,现将" + MonthWords(f.month) + whole +
      "党员干部直接联系群众情况公示如下。直接联系只计入户走访、民情恳谈、接访、蹲点住村和同吃同住同劳动,"
      "不含电话联系和他人代访。"));
  doc.blocks.push_back(DocHeading("一、总体情况"));
  doc.blocks.push_back(DocParagraph(
      whole + "农户 " + std::to_string(t.households) + " 户,已落实联系干部 " + std::to_string(t.covered) +
      " 户,覆盖率 " + Percent(Share(t.covered, t.households)) + ";结对 " + std::to_string(t.pairs) +
      " 对,本月直接走访 " + std::to_string(t.direct_visits) + " 次,平均每对 " +
      PerPair(t.direct_visits, t.pairs) + " 次,走访到 " + std::to_string(t.visited_households) +
      " 户;包扶任务 " + std::to_string(t.tasks) + " 项,已完成 " + std::to_string(t.tasks_done) +
      " 项;本月受理群众诉求 " + std::to_string(t.received) + " 件,响应率 " +
      Percent(t.appeals.response_rate) + ",解决率 " + Percent(t.appeals.resolution_rate) + ",满意率 " +
      Percent(t.appeals.satisfaction_rate) + ";本月未直接联系群众的干部 " + std::to_string(t.silent) +
      " 名,名单见第" + (county ? "五" : "四") + "部分。" +
      (t.inspected > 0 ? "本月不打招呼督查入户 " + std::to_string(t.inspected) + " 户,知晓率 " +
                             Percent(Share(t.knows_cadre, t.inspected)) + ",发现问题 " +
                             std::to_string(t.findings) + " 个,见第" + (county ? "六" : "五") + "部分。"
                       : std::string())));

  auto area_row = [](const NoticeRow& r, bool with_parent) {
    std::vector<std::string> row;
    if (with_parent) row.push_back(r.parent);
    row.insert(row.end(), {r.name, std::to_string(r.households), Percent(Share(r.covered, r.households)),
                           std::to_string(r.direct_visits), PerPair(r.direct_visits, r.pairs),
                           Percent(Share(r.visited_households, r.households)), Tasks(r),
                           std::to_string(r.received), Percent(r.appeals.response_rate),
                           Percent(r.appeals.resolution_rate), Percent(r.appeals.satisfaction_rate)});
    return row;
  };
  const std::vector<std::string> area_headers = {"农户",     "覆盖率", "直接走访", "每对走访", "走访到户",
                                                 "任务完成", "诉求",   "响应率",   "解决率",   "满意率"};
  int part = 2;
  auto heading = [&](const std::string& text) {
    static const char* kNumbers[] = {"一", "二", "三", "四", "五", "六", "七"};
    doc.blocks.push_back(DocHeading(std::string(kNumbers[part - 1]) + "、" + text));
    ++part;
  };
  if (county) {
    heading("各乡镇情况");
    std::vector<std::vector<std::string>> rows;
    for (const NoticeRow& r : f.townships) rows.push_back(area_row(r, false));
    rows.push_back(area_row(f.total, false));
    rows.back()[0] = "合计";
    std::vector<std::string> headers = {"乡镇"};
    headers.insert(headers.end(), area_headers.begin(), area_headers.end());
    doc.blocks.push_back(DocTable(headers, rows, {1.5, 1.1, 1.3, 1.1, 1.0, 1.35, 1.5, 0.9, 1.3, 1.3, 1.3}));
  }
  heading("各村情况");
  {
    std::vector<std::vector<std::string>> rows;
    for (const NoticeRow& r : f.villages) rows.push_back(area_row(r, county));
    std::vector<std::string> headers;
    if (county) headers.push_back("乡镇");
    headers.push_back("村");
    headers.insert(headers.end(), area_headers.begin(), area_headers.end());
    std::vector<double> widths = {1.4, 1.1, 1.3, 1.1, 1.0, 1.35, 1.5, 0.9, 1.3, 1.3, 1.3};
    if (county) widths.insert(widths.begin(), 1.3);
    doc.blocks.push_back(DocTable(headers, rows, widths));
  }
  heading("各单位情况");
  {
    std::vector<std::vector<std::string>> rows;
    for (const NoticeRow& r : f.units) {
      rows.push_back({r.name, std::to_string(r.cadres), std::to_string(r.pairs),
                      std::to_string(r.direct_visits), PerPair(r.direct_visits, r.pairs), Tasks(r),
                      std::to_string(r.received), Percent(r.appeals.response_rate),
                      Percent(r.appeals.resolution_rate), Percent(r.appeals.satisfaction_rate),
                      std::to_string(r.silent)});
    }
    if (rows.empty()) {
      doc.blocks.push_back(DocParagraph("本月没有单位干部在本地区结对。"));
    } else {
      doc.blocks.push_back(DocTable({"单位", "联户干部", "结对", "直接走访", "每对走访", "任务完成", "诉求",
                                     "响应率", "解决率", "满意率", "未联系"},
                                    rows, {2.6, 1.1, 1.0, 1.1, 1.0, 1.6, 0.9, 1.3, 1.3, 1.3, 1.1}));
    }
  }
  heading("本月未直接联系群众的干部名单");
  if (f.silent.empty()) {
    doc.blocks.push_back(DocParagraph("本月每一名结对干部都直接联系了群众。"));
  } else {
    // A row per unit (village members by village), its cadres named in
    // one cell: the list stays a few pages even in a bad month.
    std::map<std::string, std::string> village_names;
    for (const NoticeRow& v : f.villages) village_names[v.code] = v.parent + v.name;
    std::vector<std::vector<std::string>> rows;
    std::string group;
    int count = 0;
    for (const SilentCadre& c : f.silent) {
      auto village = village_names.find(c.village_code);
      const std::string name = !c.unit_name.empty()             ? c.unit_name
                               : village != village_names.end() ? village->second + "农村党员"
                                                                : "农村党员(" + c.village_code + ")";
      if (rows.empty() || name != group) {
        if (!rows.empty()) rows.back()[1] = std::to_string(count);
        rows.push_back({name, "", c.name});
        group = name;
        count = 0;
      } else {
        rows.back()[2] += "、" + c.name;
      }
      ++count;
    }
    rows.back()[1] = std::to_string(count);
    doc.blocks.push_back(DocTable({"单位", "人数", "姓名"}, rows, {2.2, 0.8, 6}));
  }
  if (t.inspected > 0) {
    heading("不打招呼督查情况");
    std::vector<std::vector<std::string>> rows;
    for (const NoticeRow& r : f.villages) {
      if (r.inspected == 0) continue;
      rows.push_back({county ? r.parent : std::string(), r.name, std::to_string(r.inspected),
                      std::to_string(r.knows_cadre), Percent(Share(r.knows_cadre, r.inspected)),
                      std::to_string(r.findings)});
      if (!county) rows.back().erase(rows.back().begin());
    }
    std::vector<std::string> headers = {"村", "督查户数", "知道联系干部", "知晓率", "发现问题"};
    std::vector<double> widths = {2, 1.2, 1.5, 1.2, 1.2};
    if (county) {
      headers.insert(headers.begin(), "乡镇");
      widths.insert(widths.begin(), 1.6);
    }
    doc.blocks.push_back(DocTable(headers, std::move(rows), widths));
  }
  heading("说明");
  doc.blocks.push_back(DocParagraph(
      "覆盖率为已落实联系干部的农户占农户总数的比例;每对走访为本月直接走访次数除以结对数;任务完成为已完成/"
      "应完成"
      "(不含已撤销的任务);三率按 12345 热线口径:响应率为派单后按时签收的比例,解决率和满意率按群众评价计算,"
      "尚无可计数的记为“—”。"));
  doc.blocks.push_back(
      DocParagraph("本公示的数据截至写入日志第 " + std::to_string(f.journal_seq) + " 条(" +
                   ChinaIsoTime(f.counted_millis) + "),日志根哈希为 " +
                   (f.journal_hash.empty() ? std::string("(空)") : f.journal_hash) +
                   "。任何人可以用 lianxin journal verify --at 根哈希 核验这些记录此后未被改动。"));
  doc.footnote = (f.published_millis ? "已发布 · " : "草稿,未发布 · ") + std::string("日志根哈希 ") +
                 (f.journal_hash.empty() ? "—" : f.journal_hash);
  return doc;
}

Status WriteNotice(const NoticeFigures& figures, const std::string& path) {
  return oversight_internal::WriteFiguresOrDocument(NoticeJson(figures), NoticeDocument(figures), path);
}

namespace oversight_internal {

Status WriteFiguresOrDocument(const nlohmann::json& figures, const Document& document,
                              const std::string& path) {
  if (!path.ends_with(".json")) return WriteDocument(document, path);
  const std::string temporary = path + ".part";
  Status written;
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << figures.dump(2) << "\n";
    out.close();
    if (!out) written = Status::Invalid("无法写入 " + path + " (file_write)");
  }
  return report_internal::Publish(temporary, path, written);
}

namespace {

template <typename T>
Result<T> GetOne(Store& store, RecordKind kind, std::string_view code, std::string_view noun) {
  OneRecord<T> sink;
  Status got = store.Get(kind, code, sink);
  if (got.code() == Code::kNotFound || (got.ok() && !sink.found)) {
    return Status::NotFound(std::string(noun) + "不存在: " + std::string(code) + " (not_found)");
  }
  LX_RETURN_IF_ERROR(got);
  return *sink.found;
}

}  // namespace

Result<Region> GetRegion(Store& store, std::string_view code) {
  return GetOne<Region>(store, RecordKind::kRegions, code, "区划");
}

Result<Unit> GetUnit(Store& store, std::string_view code) {
  return GetOne<Unit>(store, RecordKind::kUnits, code, "单位");
}

}  // namespace oversight_internal

}  // namespace lianxin
