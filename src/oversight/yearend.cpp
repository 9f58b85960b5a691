#include "lianxin/yearend.hpp"

#include <algorithm>

#include "oversight/report_text.hpp"

namespace lianxin {

using nlohmann::json;
using namespace oversight_internal;

namespace {

constexpr const char* kBreachLabels[][2] = {{"companions", "超标陪同"}, {"meals", "超标准用餐"},
                                            {"banners", "标语横幅"},    {"welcome_crowds", "群众迎送"},
                                            {"carpets", "迎宾地毯"},    {"flowers", "摆放花草"},
                                            {"banquet", "宴请"}};

std::string BreachLabel(std::string_view item) {
  for (const auto& [token, label] : kBreachLabels)
    if (item == token) return label;
  return std::string(item);
}

std::string Count(int n) { return std::to_string(n); }

// "+12.5%" / "-3.0%" / "—" (nothing the year before).
std::string Change(std::int64_t now, std::int64_t before) {
  if (before == 0) return "—";
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f%%", 100.0 * static_cast<double>(now - before) / before);
  return text;
}

std::string Yes(bool b) { return b ? "是" : "否"; }

std::string UnitName(const YearEndFigures& f, const std::string& code) {
  if (code.empty()) return f.region_name + "(本级)";
  auto it = f.unit_names.find(code);
  return it == f.unit_names.end() ? code : it->second;
}

std::string EntryState(const LedgerEntry& e) {
  if (e.superseded) return "已被更正";
  return e.corrects.empty() ? "有效" : "更正 " + e.corrects;
}

YearEndFigures::UnitRow& RowFor(std::map<std::string, YearEndFigures::UnitRow>& rows,
                                const std::string& code) {
  YearEndFigures::UnitRow& row = rows[code];
  row.unit_code = code;
  return row;
}

}  // namespace

Result<YearEndFigures> CountYearEnd(Store& store, const std::string& region, int year) {
  YearEndFigures f;
  LX_ASSIGN_OR_RETURN(Region self, GetRegion(store, region));
  if (self.level != RegionLevel::kCounty && self.level != RegionLevel::kTownship) {
    return Status::Invalid("region: 专项检查按县或乡镇进行 (ledger_region)", "region");
  }
  LX_ASSIGN_OR_RETURN(Region county, GetRegion(store, self.code.substr(0, 6)));
  f.region_code = self.code;
  f.region_name = self.name;
  f.year = year;
  f.title = self.name + std::to_string(year) + "年落实中央八项规定精神情况专项检查报告";
  f.issuer = "中共" + county.name + "纪律检查委员会";
  LX_ASSIGN_OR_RETURN(std::vector<NoMeetingMonth> months, store.NoMeetingMonths(county.code));
  const std::string prefix = std::to_string(year) + "-";
  for (NoMeetingMonth& m : months)
    if (m.month.starts_with(prefix)) f.no_meeting_months.push_back(std::move(m));
  LX_ASSIGN_OR_RETURN(f.book, store.ReadLedger({self.code, "", {year, 1, 1}, {year, 12, 31}}));
  LX_ASSIGN_OR_RETURN(LedgerBook before,
                      store.ReadLedger({self.code, "", {year - 1, 1, 1}, {year - 1, 12, 31}}));
  for (const Expense& x : before.expenses)
    if (!x.superseded) f.spent_fen_year_before[static_cast<size_t>(x.line)] += x.amount_fen;

  std::map<std::string, YearEndFigures::UnitRow> rows;
  auto month_of = [](const Date& d) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d", d.year, d.month);
    return std::string(text);
  };
  for (const Meeting& m : f.book.meetings) {
    if (m.superseded) {
      ++f.corrections;
      continue;
    }
    ++f.meetings;
    const std::string month = month_of(m.date);
    if (std::any_of(f.no_meeting_months.begin(), f.no_meeting_months.end(),
                    [&](const NoMeetingMonth& n) { return n.month == month; }))
      ++f.meetings_in_no_meeting_months;
    YearEndFigures::UnitRow& row = RowFor(rows, m.unit_code);
    ++row.meetings;
    row.minutes += m.minutes;
    row.attendees += m.attendees;
    row.meeting_fen += m.cost_fen;
  }
  for (const ReceptionReport& r : f.book.receptions) {
    if (r.superseded) {
      ++f.corrections;
      continue;
    }
    ++f.receptions;
    if (!r.breaches.empty()) ++f.receptions_with_breaches;
    for (const LedgerBreach& b : r.breaches) ++f.breaches_by_item[b.item];
    YearEndFigures::UnitRow& row = RowFor(rows, r.unit_code);
    ++row.receptions;
    row.breaches += static_cast<int>(r.breaches.size());
  }
  for (const Expense& x : f.book.expenses) {
    if (x.superseded) {
      ++f.corrections;
      continue;
    }
    f.spent_fen[static_cast<size_t>(x.line)] += x.amount_fen;
    RowFor(rows, x.unit_code).spent_fen += x.amount_fen;
  }
  for (auto& [code, row] : rows) {
    if (!code.empty() && !f.unit_names.contains(code)) {
      Result<Unit> unit = GetUnit(store, code);
      f.unit_names[code] = unit.ok() ? unit->name : code;
    }
    row.name = UnitName(f, code);
    f.units.push_back(row);
  }
  return f;
}

json YearEndJson(const YearEndFigures& f) {
  json months = json::array(), units = json::array(), lines = json::array(), breaches = json::object();
  for (const NoMeetingMonth& m : f.no_meeting_months)
    months.push_back({{"month", m.month}, {"note", m.note}});
  for (const YearEndFigures::UnitRow& u : f.units) {
    units.push_back({{"unit", u.unit_code},
                     {"name", u.name},
                     {"meetings", u.meetings},
                     {"minutes", u.minutes},
                     {"attendees", u.attendees},
                     {"meeting_yuan", YuanText(u.meeting_fen)},
                     {"receptions", u.receptions},
                     {"breaches", u.breaches},
                     {"spent_yuan", YuanText(u.spent_fen)}});
  }
  for (BudgetLine line : kBudgetLines) {
    const size_t i = static_cast<size_t>(line);
    lines.push_back({{"line", Token(line)},
                     {"label", Label(line)},
                     {"yuan", YuanText(f.spent_fen[i])},
                     {"yuan_year_before", YuanText(f.spent_fen_year_before[i])}});
  }
  for (const auto& [item, n] : f.breaches_by_item) breaches[item] = n;
  json exempt = json::array(), breached = json::array();
  for (const Meeting& m : f.book.meetings) {
    if (!m.superseded && m.exempt) {
      exempt.push_back({{"id", m.id},
                        {"date", m.date.ToString()},
                        {"title", m.title},
                        {"unit", m.unit_code},
                        {"reason", m.exempt_reason}});
    }
  }
  for (const ReceptionReport& r : f.book.receptions) {
    if (r.superseded || r.breaches.empty()) continue;
    json items = json::array();
    for (const LedgerBreach& b : r.breaches)
      items.push_back({{"item", b.item}, {"what", b.what}, {"rule", b.rule}});
    breached.push_back({{"id", r.id},
                        {"date", r.date.ToString()},
                        {"visitors", r.visitors},
                        {"unit", r.unit_code},
                        {"breaches", std::move(items)}});
  }
  return {{"region", f.region_code},
          {"region_name", f.region_name},
          {"year", f.year},
          {"title", f.title},
          {"issuer", f.issuer},
          {"no_meeting_months", std::move(months)},
          {"meetings", f.meetings},
          {"meetings_in_no_meeting_months", f.meetings_in_no_meeting_months},
          {"exempt_meetings", std::move(exempt)},
          {"receptions", f.receptions},
          {"receptions_with_breaches", f.receptions_with_breaches},
          {"breaches_by_item", std::move(breaches)},
          {"receptions_breached", std::move(breached)},
          {"budget_lines", std::move(lines)},
          {"units", std::move(units)},
          {"corrections", f.corrections}};
}

Document YearEndDocument(const YearEndFigures& f) {
  Document doc;
  doc.title = f.title;
  doc.issuer = f.issuer;
  doc.sheet = "专项检查";
  std::int64_t spent = 0, spent_before = 0;
  for (size_t i = 0; i < std::size(kBudgetLines); ++i) {
    spent += f.spent_fen[i];
    spent_before += f.spent_fen_year_before[i];
  }
  doc.blocks.push_back(DocParagraph(
      "根据“每年年底对执行情况进行专项检查”的要求,对" + f.region_name + std::to_string(f.year) +
      "年会议、接待和经费支出台账进行了检查。全年召开会议 " + Count(f.meetings) + " 次,其中无会月内召开 " +
      Count(f.meetings_in_no_meeting_months) + " 次;接待上级检查、考察、调研 " + Count(f.receptions) +
      " 批次,其中存在违反规定情形的 " + Count(f.receptions_with_breaches) + " 批次;经费支出合计 " +
      YuanText(spent) + " 元,上年同期 " + YuanText(spent_before) + " 元。台账更正 " + Count(f.corrections) +
      " 处。"));

  doc.blocks.push_back(DocHeading("一、无会月执行情况"));
  if (f.no_meeting_months.empty()) {
    doc.blocks.push_back(DocParagraph("本年度未确定无会月。"));
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const NoMeetingMonth& m : f.no_meeting_months) rows.push_back({MonthWords(m.month), m.note});
    doc.blocks.push_back(DocTable({"无会月", "依据"}, std::move(rows), {1, 3}));
    std::vector<std::vector<std::string>> held;
    for (const Meeting& m : f.book.meetings) {
      if (m.superseded || !m.exempt) continue;
      held.push_back({DateWords(m.date), UnitName(f, m.unit_code), m.title, m.exempt_reason, m.recorded_by});
    }
    if (held.empty()) {
      doc.blocks.push_back(DocParagraph("无会月内未召开会议。"));
    } else {
      doc.blocks.push_back(DocParagraph("无会月内经县级管理员批准召开的会议:"));
      doc.blocks.push_back(
          DocTable({"日期", "单位", "会议", "例外理由", "登记人"}, std::move(held), {2, 3, 3, 4, 2}));
    }
  }

  doc.blocks.push_back(DocHeading("二、会议和接待情况(按单位)"));
  std::vector<std::vector<std::string>> unit_rows;
  for (const YearEndFigures::UnitRow& u : f.units) {
    unit_rows.push_back({u.name, Count(u.meetings), Count(u.minutes), Count(u.attendees),
                         YuanText(u.meeting_fen), Count(u.receptions), Count(u.breaches),
                         YuanText(u.spent_fen)});
  }
  if (unit_rows.empty()) {
    doc.blocks.push_back(DocParagraph("本年度台账无记录。"));
  } else {
    DocBlock table = DocTable(
        {"单位", "会议次数", "会议分钟", "参会人次", "会议费用(元)", "接待批次", "违规项", "支出(元)"},
        std::move(unit_rows), {4, 2, 2, 2, 2, 2, 2, 2});
    table.number_columns = {1, 2, 3, 4, 5, 6, 7};
    doc.blocks.push_back(std::move(table));
  }

  doc.blocks.push_back(DocHeading("三、接待中违反规定的情形"));
  std::vector<std::vector<std::string>> breach_rows;
  for (const ReceptionReport& r : f.book.receptions) {
    if (r.superseded) continue;
    for (const LedgerBreach& b : r.breaches) {
      breach_rows.push_back({DateWords(r.date), UnitName(f, r.unit_code), r.visitors, BreachLabel(b.item),
                             b.what, "「" + b.rule + "」"});
    }
  }
  if (breach_rows.empty()) {
    doc.blocks.push_back(DocParagraph("未发现违反规定的情形。"));
  } else {
    doc.blocks.push_back(DocTable({"日期", "单位", "来访", "项目", "情形", "违反"}, std::move(breach_rows),
                                  {2, 3, 3, 2, 4, 3}));
  }

  doc.blocks.push_back(DocHeading("四、经费支出(按预算科目)"));
  std::vector<std::vector<std::string>> line_rows;
  for (BudgetLine line : kBudgetLines) {
    const size_t i = static_cast<size_t>(line);
    line_rows.push_back({std::string(Label(line)), YuanText(f.spent_fen[i]),
                         YuanText(f.spent_fen_year_before[i]),
                         Change(f.spent_fen[i], f.spent_fen_year_before[i])});
  }
  line_rows.push_back({"合计", YuanText(spent), YuanText(spent_before), Change(spent, spent_before)});
  DocBlock lines = DocTable({"预算科目", "本年(元)", "上年(元)", "增减"}, std::move(line_rows), {3, 2, 2, 2});
  lines.number_columns = {1, 2};
  doc.blocks.push_back(std::move(lines));

  doc.blocks.push_back(DocHeading("五、台账更正"));
  std::vector<std::vector<std::string>> corrected;
  auto add = [&](const LedgerEntry& e, const char* kind) {
    if (!e.corrects.empty()) corrected.push_back({DateWords(e.date), kind, e.corrects, e.id, e.recorded_by});
  };
  for (const Meeting& m : f.book.meetings) add(m, "会议");
  for (const ReceptionReport& r : f.book.receptions) add(r, "接待");
  for (const Expense& x : f.book.expenses) add(x, "支出");
  if (corrected.empty()) {
    doc.blocks.push_back(DocParagraph("本年度台账没有更正。"));
  } else {
    doc.blocks.push_back(
        DocParagraph("台账记录不修改、不删除;以下更正均以新记录写明所更正的原记录,原记录保留:"));
    doc.blocks.push_back(
        DocTable({"日期", "台账", "原记录", "更正记录", "登记人"}, std::move(corrected), {2, 1, 3, 3, 2}));
  }
  return doc;
}

Status WriteYearEnd(const YearEndFigures& figures, const std::string& path) {
  return WriteFiguresOrDocument(YearEndJson(figures), YearEndDocument(figures), path);
}

Document LedgerAuditDocument(const YearEndFigures& f) {
  Document doc;
  doc.title = f.region_name + std::to_string(f.year) + "年会议、接待和经费支出台账";
  doc.issuer = f.issuer;
  doc.sheet = "汇总";
  std::vector<std::vector<std::string>> line_rows;
  for (BudgetLine line : kBudgetLines) {
    const size_t i = static_cast<size_t>(line);
    line_rows.push_back(
        {std::string(Label(line)), YuanText(f.spent_fen[i]), YuanText(f.spent_fen_year_before[i])});
  }
  DocBlock lines = DocTable({"预算科目", "本年(元)", "上年(元)"}, std::move(line_rows));
  lines.number_columns = {1, 2};
  doc.blocks.push_back(std::move(lines));
  doc.blocks.push_back(DocParagraph("状态为“已被更正”的记录不计入合计;金额单位为元。"));

  doc.blocks.push_back(DocSheet("会议台账"));
  std::vector<std::vector<std::string>> meetings;
  for (const Meeting& m : f.book.meetings) {
    meetings.push_back({m.id, m.date.ToString(), UnitName(f, m.unit_code), m.title, Count(m.minutes),
                        Count(m.attendees), YuanText(m.cost_fen), m.approved_by, Yes(m.exempt),
                        m.exempt_reason, EntryState(m), m.recorded_by});
  }
  DocBlock meeting_table = DocTable({"编号", "日期", "单位", "会议", "分钟", "人数", "费用(元)", "审批人",
                                     "无会月例外", "例外理由", "状态", "登记人"},
                                    std::move(meetings));
  meeting_table.number_columns = {4, 5, 6};
  doc.blocks.push_back(std::move(meeting_table));

  doc.blocks.push_back(DocSheet("接待台账"));
  std::vector<std::vector<std::string>> receptions;
  for (const ReceptionReport& r : f.book.receptions) {
    std::string items;
    for (const LedgerBreach& b : r.breaches) items += (items.empty() ? "" : ";") + b.what;
    receptions.push_back({r.id, r.date.ToString(), UnitName(f, r.unit_code), r.visitors, r.purpose,
                          Count(r.companions), Count(r.meal_people), YuanText(r.meal_fen), Yes(r.banquet),
                          Yes(r.banners), Yes(r.welcome_crowds), Yes(r.carpets), Yes(r.flowers),
                          items.empty() ? "无" : items, r.reported_to, EntryState(r), r.recorded_by});
  }
  DocBlock reception_table =
      DocTable({"编号", "日期", "单位", "来访", "事由", "陪同人数", "用餐人数", "用餐费用(元)", "宴请",
                "标语横幅", "群众迎送", "迎宾地毯", "摆放花草", "违反规定情形", "报告对象", "状态", "登记人"},
               std::move(receptions));
  reception_table.number_columns = {5, 6, 7};
  doc.blocks.push_back(std::move(reception_table));

  doc.blocks.push_back(DocSheet("支出台账"));
  std::vector<std::vector<std::string>> expenses;
  for (const Expense& x : f.book.expenses) {
    expenses.push_back({x.id, x.date.ToString(), UnitName(f, x.unit_code), std::string(Label(x.line)), x.item,
                        YuanText(x.amount_fen), x.meeting_id.empty() ? x.reception_id : x.meeting_id,
                        EntryState(x), x.recorded_by});
  }
  DocBlock expense_table =
      DocTable({"编号", "日期", "单位", "预算科目", "事项", "金额(元)", "关联会议或接待", "状态", "登记人"},
               std::move(expenses));
  expense_table.number_columns = {5};
  doc.blocks.push_back(std::move(expense_table));
  return doc;
}

Status WriteLedgerAudit(const YearEndFigures& figures, const std::string& path) {
  return WriteFiguresOrDocument(YearEndJson(figures), LedgerAuditDocument(figures), path);
}

}  // namespace lianxin
