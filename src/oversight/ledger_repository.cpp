#include "oversight/ledger_repository.hpp"

#include <nlohmann/json.hpp>

#include "crypto/random_id.hpp"
#include "lianxin/registry.hpp"

namespace lianxin {

namespace {

using sql::Value;

const JournalTable kCalendar{
    "ledger_calendar",
    {{"key"}, {"county_code"}, {"month"}, {"no_meeting"}, {"note"}, {"set_by"}, {"set_millis"}},
    "key"};

const JournalTable kMeetings{"ledger_meetings",
                             {{"id"},
                              {"region_code"},
                              {"unit_code"},
                              {"held_on"},
                              {"title"},
                              {"minutes"},
                              {"attendees"},
                              {"cost_fen"},
                              {"approved_by"},
                              {"exempt"},
                              {"exempt_reason"},
                              {"corrects"},
                              {"recorded_by"},
                              {"recorded_millis"},
                              {"county_code"}},
                             "id"};

const JournalTable kReceptions{
    "ledger_receptions",
    {{"id"},       {"region_code"}, {"unit_code"},      {"received_on"},     {"visitors"},
     {"purpose"},  {"reported_to"}, {"companions"},     {"meal_people"},     {"meal_fen"},
     {"banquet"},  {"banners"},     {"welcome_crowds"}, {"carpets"},         {"flowers"},
     {"breaches"}, {"corrects"},    {"recorded_by"},    {"recorded_millis"}, {"county_code"}},
    "id"};

const JournalTable kExpenses{"ledger_expenses",
                             {{"id"},
                              {"region_code"},
                              {"unit_code"},
                              {"spent_on"},
                              {"budget_line"},
                              {"item"},
                              {"amount_fen"},
                              {"meeting_id"},
                              {"reception_id"},
                              {"corrects"},
                              {"recorded_by"},
                              {"recorded_millis"},
                              {"county_code"}},
                             "id"};

// The column an entry's date is kept in.
std::string_view DateColumn(const JournalTable& table) {
  if (&table == &kMeetings) return "held_on";
  if (&table == &kReceptions) return "received_on";
  return "spent_on";
}

std::string_view Noun(const JournalTable& table) {
  if (&table == &kMeetings) return "会议";
  if (&table == &kReceptions) return "接待报告";
  return "支出";
}

Value Flag(bool b) { return Value::Int(b ? 1 : 0); }

// The columns every register shares, around its own: id, region_code,
// unit_code, the date — own — corrects, recorded_by, recorded_millis,
// county_code.
JournalRow RowOf(const LedgerEntry& e, std::vector<Value> own) {
  JournalRow row{Value::Text(e.id), Value::Text(e.region_code), Value::Text(e.unit_code),
                 Value::Text(e.date.ToString())};
  for (Value& v : own) row.push_back(std::move(v));
  row.push_back(Value::Text(e.corrects));
  row.push_back(Value::Text(e.recorded_by));
  row.push_back(Value::Int(e.recorded_millis));
  row.push_back(Value::Text(e.region_code.substr(0, 6)));
  return row;
}

// Reads what RowOf wrote, with "superseded" after county_code; `own` the
// number of the register's own columns.
Result<LedgerEntry> ReadEntry(const sql::Statement& row, int own) {
  LedgerEntry e;
  e.id = row.Text(0);
  e.region_code = row.Text(1);
  e.unit_code = row.Text(2);
  Result<Date> date = ParseDate(row.Text(3));
  if (!date.ok()) return Status::Internal("数据库中账目 " + e.id + " 的日期无效");
  e.date = *date;
  e.corrects = row.Text(4 + own);
  e.recorded_by = row.Text(5 + own);
  e.recorded_millis = row.Int(6 + own);
  e.superseded = row.Int(8 + own) != 0;
  return e;
}

std::string BreachesJson(const std::vector<LedgerBreach>& breaches) {
  nlohmann::json out = nlohmann::json::array();
  for (const LedgerBreach& b : breaches)
    out.push_back({{"item", b.item}, {"what", b.what}, {"rule", b.rule}});
  return out.dump();
}

Result<std::vector<LedgerBreach>> ParseBreaches(std::string_view text) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return Status::Internal("数据库中 ledger_receptions.breaches 无效");
  std::vector<LedgerBreach> out;
  for (const nlohmann::json& b : parsed) {
    out.push_back({b.value("item", ""), b.value("what", ""), b.value("rule", "")});
  }
  return out;
}

std::string LedgerSelectSql(const JournalTable& table) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += "e.";
    sql += table.columns[i].name;
  }
  sql += ", CASE WHEN EXISTS (SELECT 1 FROM ";
  sql += table.name;
  sql += " c WHERE c.corrects = e.id) THEN 1 ELSE 0 END FROM ";
  sql += table.name;
  return sql + " e";
}

}  // namespace

const std::vector<const JournalTable*>& LedgerRepository::Tables() {
  static const std::vector<const JournalTable*> kTables{&kCalendar, &kMeetings, &kReceptions, &kExpenses};
  return kTables;
}

Status LedgerRepository::SetNoMeetingMonth(std::string_view county, std::string_view month, bool no_meeting,
                                           const std::string& note) {
  if (journal_ == nullptr) return Status::Internal("LedgerRepository: 只读,不能写入 (read-only)");
  if (month.size() != 7 || !ParseDate(std::string(month) + "-01").ok()) {
    return Status::Invalid("month: 月份应为 YYYY-MM (month_format)", "month");
  }
  if (no_meeting && note.empty()) {
    return Status::Invalid("note: 请写明定为无会月的依据,例如县委文件 (required)", "note");
  }
  LX_ASSIGN_OR_RETURN(sql::Statement * region,
                      db_.Prepare("SELECT 1 FROM regions WHERE code = ?1 AND level = 'county'"));
  region->Bind(1, county);
  LX_ASSIGN_OR_RETURN(bool found, region->Step());
  region->Reset();
  if (!found) return Status::NotFound("县不存在: " + std::string(county) + " (not_found)");
  const std::string key = std::string(county) + "|" + std::string(month);
  return journal_
      ->Upsert(kCalendar, {Value::Text(key), Value::Text(county), Value::Text(month), Flag(no_meeting),
                           Value::Text(note), Value::Text(actor_), Value::Int(at_millis_)})
      .status();
}

Result<std::vector<NoMeetingMonth>> LedgerRepository::NoMeetingMonths(std::string_view county) {
  LX_ASSIGN_OR_RETURN(sql::Statement * select,
                      db_.Prepare("SELECT county_code, month, note, set_by, set_millis FROM ledger_calendar "
                                  "WHERE no_meeting = 1 AND substr(county_code, 1, length(?1)) = ?1 "
                                  "ORDER BY month, county_code"));
  select->Bind(1, county);
  std::vector<NoMeetingMonth> out;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    out.push_back({std::string(select->Text(0)), std::string(select->Text(1)), std::string(select->Text(2)),
                   std::string(select->Text(3)), select->Int(4)});
  }
  return out;
}

Status LedgerRepository::Prepare(LedgerEntry& entry, const JournalTable& table, char prefix) {
  if (journal_ == nullptr) return Status::Internal("LedgerRepository: 只读,不能写入 (read-only)");
  if (!entry.unit_code.empty()) {
    LX_ASSIGN_OR_RETURN(std::optional<std::string> unit_county,
                        sql::CountyOf(db_, "units", "code", entry.unit_code));
    if (!unit_county) return Status::NotFound("unit: 单位不存在: " + entry.unit_code + " (not_found)");
    const std::string& county = *unit_county;
    if (entry.region_code.empty()) entry.region_code = county;
    if (entry.region_code != county) {
      return Status::Invalid("region: 单位 " + entry.unit_code + " 属于 " + county + ",不属于 " +
                                 entry.region_code + " (unit_region)",
                             "region");
    }
  }
  LX_ASSIGN_OR_RETURN(sql::Statement * region, db_.Prepare("SELECT level FROM regions WHERE code = ?1"));
  region->Bind(1, entry.region_code);
  LX_ASSIGN_OR_RETURN(bool found, region->Step());
  const std::string level = found ? std::string(region->Text(0)) : "";
  region->Reset();
  if (!found) return Status::NotFound("region: 区划不存在: " + entry.region_code + " (not_found)");
  if (level != "county" && level != "township") {
    return Status::Invalid("region: 台账记在县或乡镇,不记在 " + entry.region_code + " (ledger_region)",
                           "region");
  }
  if (!entry.corrects.empty()) {
    LX_ASSIGN_OR_RETURN(
        sql::Statement * old,
        db_.Prepare("SELECT region_code, unit_code, (SELECT count(*) FROM " + std::string(table.name) +
                    " c WHERE c.corrects = e.id) FROM " + std::string(table.name) + " e WHERE e.id = ?1"));
    old->Bind(1, entry.corrects);
    LX_ASSIGN_OR_RETURN(bool exists, old->Step());
    const bool same = exists && old->Text(0) == entry.region_code && old->Text(1) == entry.unit_code;
    const bool corrected = exists && old->Int(2) > 0;
    old->Reset();
    const std::string noun(Noun(table));
    if (!exists) {
      return Status::NotFound("corrects: 要更正的" + noun + "不存在: " + entry.corrects + " (not_found)");
    }
    if (!same) {
      return Status::Invalid("corrects: 更正须与原" + noun + "属于同一区划和单位 (correction_owner)",
                             "corrects");
    }
    if (corrected) {
      return Status::Conflict("corrects: " + entry.corrects +
                              " 已经更正过,请更正最新的一条 (already_corrected)");
    }
  }
  entry.id = NewRecordId(prefix);
  entry.recorded_by = actor_;
  entry.recorded_millis = at_millis_;
  entry.superseded = false;
  return Status::Ok();
}

Result<std::string> LedgerRepository::AddMeeting(Meeting meeting, LedgerRules rules) {
  LX_RETURN_IF_ERROR(Prepare(meeting, kMeetings, 'M'));
  LX_ASSIGN_OR_RETURN(std::vector<NoMeetingMonth> months, NoMeetingMonths(meeting.region_code.substr(0, 6)));
  rules.no_meeting_months.clear();
  for (const NoMeetingMonth& m : months) rules.no_meeting_months.push_back(m.month);
  LX_RETURN_IF_ERROR(CheckMeeting(meeting, rules));
  LX_ASSIGN_OR_RETURN(
      UpsertOutcome outcome,
      journal_->Upsert(kMeetings, RowOf(meeting, {Value::Text(meeting.title), Value::Int(meeting.minutes),
                                                  Value::Int(meeting.attendees), Value::Int(meeting.cost_fen),
                                                  Value::Text(meeting.approved_by), Flag(meeting.exempt),
                                                  Value::Text(meeting.exempt_reason)})));
  if (outcome != UpsertOutcome::kInserted) return Status::Internal("会议编号重复: " + meeting.id);
  return meeting.id;
}

Result<std::string> LedgerRepository::AddReception(ReceptionReport report, const LedgerRules& rules) {
  LX_RETURN_IF_ERROR(CheckReceptionFields(report));
  LX_RETURN_IF_ERROR(Prepare(report, kReceptions, 'R'));
  report.breaches = CheckReception(report, rules);
  LX_ASSIGN_OR_RETURN(
      UpsertOutcome outcome,
      journal_->Upsert(
          kReceptions,
          RowOf(report,
                {Value::Text(report.visitors), Value::Text(report.purpose), Value::Text(report.reported_to),
                 Value::Int(report.companions), Value::Int(report.meal_people), Value::Int(report.meal_fen),
                 Flag(report.banquet), Flag(report.banners), Flag(report.welcome_crowds),
                 Flag(report.carpets), Flag(report.flowers), Value::Text(BreachesJson(report.breaches))})));
  if (outcome != UpsertOutcome::kInserted) return Status::Internal("接待报告编号重复: " + report.id);
  return report.id;
}

Result<std::string> LedgerRepository::AddExpense(Expense expense) {
  LX_RETURN_IF_ERROR(CheckExpense(expense));
  LX_RETURN_IF_ERROR(Prepare(expense, kExpenses, 'E'));
  // What it was spent on: an entry of the same county, on its own budget line.
  for (auto [id, table, line, field] :
       {std::tuple{&expense.meeting_id, &kMeetings, BudgetLine::kMeeting, "meeting"},
        std::tuple{&expense.reception_id, &kReceptions, BudgetLine::kReception, "reception"}}) {
    if (id->empty()) continue;
    if (expense.line != line) {
      return Status::Invalid(std::string(field) + ": 只有" + std::string(Label(line)) + "才能关联" +
                                 std::string(Noun(*table)) + " (expense_line)",
                             field);
    }
    LX_ASSIGN_OR_RETURN(std::optional<std::string> county, sql::CountyOf(db_, table->name, "id", *id));
    if (county != expense.region_code.substr(0, 6)) {
      return Status::NotFound(std::string(field) + ": " + std::string(Noun(*table)) + "不存在: " + *id +
                              " (not_found)");
    }
  }
  LX_ASSIGN_OR_RETURN(
      UpsertOutcome outcome,
      journal_->Upsert(kExpenses,
                       RowOf(expense, {Value::Text(Token(expense.line)), Value::Text(expense.item),
                                       Value::Int(expense.amount_fen), Value::Text(expense.meeting_id),
                                       Value::Text(expense.reception_id)})));
  if (outcome != UpsertOutcome::kInserted) return Status::Internal("支出编号重复: " + expense.id);
  return expense.id;
}

Result<LedgerBook> LedgerRepository::Read(const LedgerQuery& query) {
  std::string prefix;
  if (!query.region.empty()) {
    std::optional<std::string> subtree = RegionSubtreePrefix(query.region);
    if (!subtree) return Status::Invalid("region 应为 6 位或 12 位区划代码 (region_format)", "region");
    prefix = *subtree;
  }
  LedgerBook book;
  for (const JournalTable* table : {&kMeetings, &kReceptions, &kExpenses}) {
    const std::string date(DateColumn(*table));
    LX_ASSIGN_OR_RETURN(sql::Statement * select,
                        db_.Prepare(LedgerSelectSql(*table) +
                                    " WHERE substr(e.region_code, 1, length(?1)) = ?1 AND (?2 = '' OR " +
                                    "e.unit_code = ?2) AND e." + date + " >= ?3 AND e." + date +
                                    " <= ?4 ORDER BY e." + date + ", e.id"));
    select->Bind(1, prefix).Bind(2, query.unit).Bind(3, query.from.ToString()).Bind(4, query.to.ToString());
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, select->Step());
      if (!row) break;
      const sql::Statement& r = *select;
      if (table == &kMeetings) {
        LX_ASSIGN_OR_RETURN(LedgerEntry entry, ReadEntry(r, 7));
        Meeting m;
        static_cast<LedgerEntry&>(m) = entry;
        m.title = r.Text(4);
        m.minutes = static_cast<int>(r.Int(5));
        m.attendees = static_cast<int>(r.Int(6));
        m.cost_fen = r.Int(7);
        m.approved_by = r.Text(8);
        m.exempt = r.Int(9) != 0;
        m.exempt_reason = r.Text(10);
        book.meetings.push_back(std::move(m));
      } else if (table == &kReceptions) {
        LX_ASSIGN_OR_RETURN(LedgerEntry entry, ReadEntry(r, 12));
        ReceptionReport t;
        static_cast<LedgerEntry&>(t) = entry;
        t.visitors = r.Text(4);
        t.purpose = r.Text(5);
        t.reported_to = r.Text(6);
        t.companions = static_cast<int>(r.Int(7));
        t.meal_people = static_cast<int>(r.Int(8));
        t.meal_fen = r.Int(9);
        t.banquet = r.Int(10) != 0;
        t.banners = r.Int(11) != 0;
        t.welcome_crowds = r.Int(12) != 0;
        t.carpets = r.Int(13) != 0;
        t.flowers = r.Int(14) != 0;
        LX_ASSIGN_OR_RETURN(t.breaches, ParseBreaches(r.Text(15)));
        book.receptions.push_back(std::move(t));
      } else {
        LX_ASSIGN_OR_RETURN(LedgerEntry entry, ReadEntry(r, 5));
        Expense x;
        static_cast<LedgerEntry&>(x) = entry;
        std::optional<BudgetLine> line = ParseBudgetLine(r.Text(4));
        if (!line) return Status::Internal("数据库中 ledger_expenses.budget_line 的值无效: " + x.id);
        x.line = *line;
        x.item = r.Text(5);
        x.amount_fen = r.Int(6);
        x.meeting_id = r.Text(7);
        x.reception_id = r.Text(8);
        book.expenses.push_back(std::move(x));
      }
    }
  }
  return book;
}

}  // namespace lianxin
