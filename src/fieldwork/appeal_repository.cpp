#include "fieldwork/appeal_repository.hpp"

#include <charconv>

#include "crypto/random_id.hpp"

namespace lianxin {

namespace {

using sql::Value;

constexpr std::string_view kColumns =
    "id, household_code, channel, type, topic, urgency, content, state, handler, handler_kind, cadre_code, "
    "unit_code, region_code, received_millis, dispatched_millis, signed_millis, replied_millis, "
    "closed_millis, deadline_millis, extended, returns, reminders, in_bulletin, reopened, solved, "
    "satisfaction, reply, overdue_noticed, township_code, county_code";

constexpr std::string_view kOpen = AppealRepository::kOpenCondition;

std::string CountyOf(const Appeal& appeal) { return appeal.region_code.substr(0, 6); }
std::string TownshipOf(const Appeal& appeal) { return TownshipOfCode(appeal.region_code); }

sql::Value Flag(bool b) { return Value::Int(b ? 1 : 0); }

JournalRow RowOf(const Appeal& a) {
  return {Value::Text(a.id),
          Value::TextOrNull(a.household_code),
          Value::Text(Token(a.channel)),
          Value::Text(Token(a.type)),
          Value::Text(a.topic),
          Value::Text(Token(a.urgency)),
          Value::Text(a.content),
          Value::Text(Token(a.state)),
          Value::Text(a.handler),
          Value::Text(Token(a.handler_kind)),
          Value::Text(a.cadre_code),
          Value::Text(a.unit_code),
          Value::Text(a.region_code),
          Value::Int(a.received_millis),
          Value::Int(a.dispatched_millis),
          Value::Int(a.signed_millis),
          Value::Int(a.replied_millis),
          Value::Int(a.closed_millis),
          Value::Int(a.deadline_millis),
          Flag(a.extended),
          Value::Int(a.returns),
          Value::Int(a.reminders),
          Flag(a.in_bulletin),
          Value::Int(a.reopened),
          a.solved ? Flag(*a.solved) : Value::Null(),
          a.satisfaction ? Value::Text(Token(*a.satisfaction)) : Value::Null(),
          Value::Text(a.reply),
          Flag(a.overdue_noticed),
          Value::Text(TownshipOf(a)),
          Value::Text(CountyOf(a))};
}

Status Corrupt(std::string_view column, std::string_view value) {
  return Status::Internal("数据库中 appeals." + std::string(column) + " 的值无效: " + std::string(value));
}

Result<Appeal> ReadAppeal(const sql::Statement& row) {
  Appeal a;
  a.id = row.Text(0);
  a.household_code = row.Text(1);
  std::optional<AppealChannel> channel = ParseAppealChannel(row.Text(2));
  std::optional<AppealType> type = ParseAppealType(row.Text(3));
  std::optional<AppealUrgency> urgency = ParseAppealUrgency(row.Text(5));
  std::optional<AppealState> state = ParseAppealState(row.Text(7));
  std::optional<HandlerKind> kind = ParseHandlerKind(row.Text(9));
  if (!channel) return Corrupt("channel", row.Text(2));
  if (!type) return Corrupt("type", row.Text(3));
  if (!urgency) return Corrupt("urgency", row.Text(5));
  if (!state) return Corrupt("state", row.Text(7));
  if (!kind) return Corrupt("handler_kind", row.Text(9));
  a.channel = *channel;
  a.type = *type;
  a.topic = row.Text(4);
  a.urgency = *urgency;
  a.content = row.Text(6);
  a.state = *state;
  a.handler = row.Text(8);
  a.handler_kind = *kind;
  a.cadre_code = row.Text(10);
  a.unit_code = row.Text(11);
  a.region_code = row.Text(12);
  a.received_millis = row.Int(13);
  a.dispatched_millis = row.Int(14);
  a.signed_millis = row.Int(15);
  a.replied_millis = row.Int(16);
  a.closed_millis = row.Int(17);
  a.deadline_millis = row.Int(18);
  a.extended = row.Int(19) != 0;
  a.returns = static_cast<int>(row.Int(20));
  a.reminders = static_cast<int>(row.Int(21));
  a.in_bulletin = row.Int(22) != 0;
  a.reopened = static_cast<int>(row.Int(23));
  if (!row.IsNull(24)) a.solved = row.Int(24) != 0;
  if (!row.IsNull(25)) {
    std::optional<Satisfaction> s = ParseSatisfaction(row.Text(25));
    if (!s) return Corrupt("satisfaction", row.Text(25));
    a.satisfaction = *s;
  }
  a.reply = row.Text(26);
  a.overdue_noticed = row.Int(27) != 0;
  return a;
}

// One condition of a WHERE clause, with its bare-? parameters in order.
struct Condition {
  std::string sql;
  std::vector<Value> values;
};

// The appeals of a region's subtree: its county's, its township's or its
// village's, each an equality on that level's own column, so the queue
// indexes serve it in deadline order. nullopt for a malformed code.
std::optional<Condition> InSubtree(std::string_view code) {
  std::optional<std::string> prefix = RegionSubtreePrefix(code);
  if (!prefix) return std::nullopt;
  switch (prefix->size()) {
    case 6:
      return Condition{"county_code = ?", {Value::Text(*prefix)}};
    case 9:
      return Condition{"township_code = ?", {Value::Text(*prefix + "000")}};
    default:
      return Condition{"region_code = ?", {Value::Text(*prefix)}};
  }
}

// What the query selects, as conditions; nullopt when it can select
// nothing (no scope, a malformed region).
std::optional<std::vector<Condition>> Conditions(const AppealQuery& q) {
  std::vector<Condition> where;
  switch (q.unscoped ? ScopeKind::kRegion : q.scope.kind) {
    case ScopeKind::kNone:
      return std::nullopt;
    case ScopeKind::kRegion: {
      if (q.unscoped) break;
      std::optional<Condition> subtree = InSubtree(q.scope.code);
      if (!subtree) return std::nullopt;
      where.push_back(std::move(*subtree));
      break;
    }
    case ScopeKind::kUnit:
    case ScopeKind::kCadre: {
      if (q.scope.code.empty()) return std::nullopt;
      const std::string column = q.scope.kind == ScopeKind::kUnit ? "unit_code" : "cadre_code";
      where.push_back(
          {"(" + column + " = ? OR handler = ?)", {Value::Text(q.scope.code), Value::Text(q.scope.code)}});
      break;
    }
  }
  if (!q.region.empty()) {
    std::optional<Condition> subtree = InSubtree(q.region);
    if (!subtree) return std::nullopt;
    where.push_back(std::move(*subtree));
  }
  if (q.state) where.push_back({"state = ?", {Value::Text(Token(*q.state))}});
  if (q.open_only || q.overdue_only) where.push_back({std::string(kOpen), {}});
  if (q.overdue_only)
    // A page after the first starts past the cursor, which is then the
    // lower bound the index range uses; the first page needs this one.
    where.push_back(q.cursor.empty()
                        ? Condition{"deadline_millis > 0 AND deadline_millis < ?", {Value::Int(q.now_millis)}}
                        : Condition{"deadline_millis < ?", {Value::Int(q.now_millis)}});
  if (!q.handler.empty()) where.push_back({"handler = ?", {Value::Text(q.handler)}});
  if (!q.cadre.empty()) where.push_back({"cadre_code = ?", {Value::Text(q.cadre)}});
  if (!q.household.empty()) where.push_back({"household_code = ?", {Value::Text(q.household)}});
  if (q.channel) where.push_back({"channel = ?", {Value::Text(Token(*q.channel))}});
  if (q.received_from > 0) where.push_back({"received_millis >= ?", {Value::Int(q.received_from)}});
  // After the first page of a newest-first list the cursor is the upper
  // bound (below received_to): left alone, the index range runs from it
  // rather than from received_to, and each page reads only its own rows.
  const bool newest_first = !q.open_only && !q.overdue_only;
  if (q.received_to > 0 && (q.cursor.empty() || !newest_first))
    where.push_back({"received_millis < ?", {Value::Int(q.received_to)}});
  if (q.in_bulletin_only) where.push_back({"in_bulletin = 1", {}});
  if (q.not_noticed_only) where.push_back({"overdue_noticed = 0", {}});
  return where;
}

// Queues run by deadline; other lists newest first.
bool ByDeadline(const AppealQuery& q) { return q.open_only || q.overdue_only; }

// A cursor is the last row's sort value and id: "1764921600000.A0123…".
std::optional<std::pair<std::int64_t, std::string>> ParseCursor(std::string_view cursor) {
  size_t dot = cursor.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + dot, value);
  if (ec != std::errc() || end != cursor.data() + dot || dot + 1 == cursor.size()) return std::nullopt;
  return std::pair{value, std::string(cursor.substr(dot + 1))};
}

}  // namespace

const JournalTable& AppealRepository::AppealsTable() {
  static const JournalTable kTable{"appeals",
                                   {{"id"},
                                    {"household_code"},
                                    {"channel"},
                                    {"type"},
                                    {"topic"},
                                    {"urgency"},
                                    {"content"},
                                    {"state"},
                                    {"handler"},
                                    {"handler_kind"},
                                    {"cadre_code"},
                                    {"unit_code"},
                                    {"region_code"},
                                    {"received_millis"},
                                    {"dispatched_millis"},
                                    {"signed_millis"},
                                    {"replied_millis"},
                                    {"closed_millis"},
                                    {"deadline_millis"},
                                    {"extended"},
                                    {"returns"},
                                    {"reminders"},
                                    {"in_bulletin"},
                                    {"reopened"},
                                    {"solved"},
                                    {"satisfaction"},
                                    {"reply"},
                                    {"overdue_noticed"},
                                    {"township_code"},
                                    {"county_code"}},
                                   "id"};
  return kTable;
}

const JournalTable& AppealRepository::StepsTable() {
  static const JournalTable kTable{"appeal_steps",
                                   {{"id"},
                                    {"appeal_id"},
                                    {"seq"},
                                    {"action"},
                                    {"at_millis"},
                                    {"actor"},
                                    {"handler"},
                                    {"note"},
                                    {"state"},
                                    {"county_code"}},
                                   "id"};
  return kTable;
}

Result<Appeal> AppealRepository::File(Appeal appeal, const std::string& actor) {
  if (journal_ == nullptr) return Status::Internal("AppealRepository: 只读,不能写入 (read-only)");
  if (!appeal.household_code.empty()) {
    // Whom it counts for: the contact cadre, the cadre's unit (else the
    // unit holding the village), and the village.
    LX_ASSIGN_OR_RETURN(
        sql::Statement * parties,
        db_.Prepare("SELECT h.village_code, COALESCE(p.holder, ''), COALESCE(c.unit_code, uv.holder, '') "
                    "FROM households h "
                    "LEFT JOIN pairs p ON p.kind = 'contact' AND p.held = h.code "
                    "LEFT JOIN cadres c ON c.code = p.holder "
                    "LEFT JOIN pairs uv ON uv.kind = 'unit_village' AND uv.held = h.village_code "
                    "WHERE h.code = ?1 LIMIT 1"));
    parties->Bind(1, appeal.household_code);
    LX_ASSIGN_OR_RETURN(bool found, parties->Step());
    if (!found) {
      parties->Reset();
      return Status::NotFound("农户不存在: " + appeal.household_code + " (not_found)");
    }
    appeal.region_code = parties->Text(0);
    appeal.cadre_code = parties->Text(1);
    appeal.unit_code = parties->Text(2);
    parties->Reset();
  } else if (appeal.region_code.size() != 6 && appeal.region_code.size() != 12) {
    return Status::Invalid("没有农户的诉求须指明所在地区 (region_required)", "region");
  }
  if (appeal.id.empty()) appeal.id = NewRecordId('A');
  if (appeal.received_millis == 0) appeal.received_millis = at_millis_;
  LX_ASSIGN_OR_RETURN(UpsertOutcome outcome, journal_->Upsert(AppealsTable(), RowOf(appeal)));
  if (outcome != UpsertOutcome::kInserted)
    return Status::Conflict("诉求编号重复: " + appeal.id + " (appeal_exists)");
  Appeal first = appeal;
  first.handler.clear();
  LX_RETURN_IF_ERROR(AddStep(first, "file", actor, "", appeal.received_millis));
  return appeal;
}

Status AppealRepository::Record(const Appeal& next, const AppealEvent& event, const std::string& actor) {
  if (journal_ == nullptr) return Status::Internal("AppealRepository: 只读,不能写入 (read-only)");
  LX_RETURN_IF_ERROR(journal_->Upsert(AppealsTable(), RowOf(next)).status());
  std::string note = event.note;
  if (event.action == AppealAction::kRate) {
    note = std::string(event.solved ? "已解决" : "未解决") + "," + std::string(Label(event.satisfaction)) +
           (event.note.empty() ? "" : ";" + event.note);
  } else if (event.action == AppealAction::kExtend) {
    note = "延期 " + std::to_string(event.extend_days) + " 天:" + event.note;
  }
  Appeal at = next;
  // 退单 leaves no handler; the step keeps who sent it back.
  if (event.action == AppealAction::kReturn) at.handler = event.handler;
  return AddStep(at, Token(event.action), actor, note, event.at_millis > 0 ? event.at_millis : at_millis_);
}

Status AppealRepository::Update(const Appeal& appeal) {
  if (journal_ == nullptr) return Status::Internal("AppealRepository: 只读,不能写入 (read-only)");
  return journal_->Upsert(AppealsTable(), RowOf(appeal)).status();
}

Status AppealRepository::AddStep(const Appeal& appeal, std::string_view action, const std::string& actor,
                                 const std::string& note, std::int64_t at) {
  LX_ASSIGN_OR_RETURN(sql::Statement * last,
                      db_.Prepare("SELECT COALESCE(MAX(seq), 0) FROM appeal_steps WHERE appeal_id = ?1"));
  last->Bind(1, appeal.id);
  LX_ASSIGN_OR_RETURN(bool row, last->Step());
  const std::int64_t seq = row ? last->Int(0) + 1 : 1;
  last->Reset();
  char number[32];
  std::snprintf(number, sizeof number, "-%04lld", static_cast<long long>(seq));
  LX_ASSIGN_OR_RETURN(
      UpsertOutcome outcome,
      journal_->Upsert(StepsTable(),
                       {Value::Text(appeal.id + number), Value::Text(appeal.id), Value::Int(seq),
                        Value::Text(action), Value::Int(at), Value::Text(actor), Value::Text(appeal.handler),
                        Value::Text(note), Value::Text(Token(appeal.state)), Value::Text(CountyOf(appeal))}));
  if (outcome != UpsertOutcome::kInserted) return Status::Internal("诉求步骤重复: " + appeal.id + number);
  return Status::Ok();
}

Result<std::optional<Appeal>> AppealRepository::Get(std::string_view id) {
  LX_ASSIGN_OR_RETURN(sql::Statement * select,
                      db_.Prepare("SELECT " + std::string(kColumns) + " FROM appeals WHERE id = ?1"));
  select->Bind(1, id);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  std::optional<Appeal> appeal;
  if (found) {
    Result<Appeal> read = ReadAppeal(*select);
    select->Reset();
    if (!read.ok()) return read.status();
    appeal = std::move(*read);
  }
  select->Reset();
  return appeal;
}

Result<std::vector<AppealStep>> AppealRepository::Steps(std::string_view id) {
  LX_ASSIGN_OR_RETURN(
      sql::Statement * select,
      db_.Prepare("SELECT seq, action, at_millis, actor, handler, note, state FROM appeal_steps "
                  "WHERE appeal_id = ?1 ORDER BY seq"));
  select->Bind(1, id);
  std::vector<AppealStep> steps;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) return steps;
    AppealStep step;
    step.seq = static_cast<int>(select->Int(0));
    step.action = select->Text(1);
    step.at_millis = select->Int(2);
    step.actor = select->Text(3);
    step.handler = select->Text(4);
    step.note = select->Text(5);
    std::optional<AppealState> state = ParseAppealState(select->Text(6));
    if (!state) {
      Status bad = Status::Internal("数据库中 appeal_steps.state 的值无效: " + std::string(select->Text(6)));
      select->Reset();
      return bad;
    }
    step.state = *state;
    steps.push_back(std::move(step));
  }
}

Result<AppealPage> AppealRepository::List(const AppealQuery& query) {
  if (query.limit < 1 || query.limit > 1000)
    return Status::Invalid("每页条数应为 1 到 1000 (limit_range)", "limit");
  AppealPage page;
  std::optional<std::vector<Condition>> where = Conditions(query);
  if (!where) return page;
  const bool by_deadline = ByDeadline(query);
  const std::string key = by_deadline ? "deadline_millis" : "received_millis";
  if (!query.cursor.empty()) {
    std::optional<std::pair<std::int64_t, std::string>> after = ParseCursor(query.cursor);
    if (!after) return Status::Invalid("cursor 无效 (cursor_invalid)", "cursor");
    // A row value, so each page starts in the index where the last ended.
    where->push_back(by_deadline ? Condition{"(deadline_millis, id) > (?, ?)",
                                             {Value::Int(after->first), Value::Text(after->second)}}
                                 : Condition{"(received_millis, id) < (?, ?)",
                                             {Value::Int(after->first), Value::Text(after->second)}});
  }
  std::string sql = "SELECT " + std::string(kColumns) + " FROM appeals";
  std::vector<Value> values;
  for (size_t i = 0; i < where->size(); ++i) {
    sql += (i == 0 ? " WHERE " : " AND ") + (*where)[i].sql;
    values.insert(values.end(), (*where)[i].values.begin(), (*where)[i].values.end());
  }
  sql += by_deadline ? " ORDER BY deadline_millis, id" : " ORDER BY received_millis DESC, id DESC";
  sql += " LIMIT ?";
  values.push_back(Value::Int(query.limit + 1));
  LX_ASSIGN_OR_RETURN(sql::Statement * select, db_.Prepare(sql));
  for (size_t i = 0; i < values.size(); ++i) select->Bind(static_cast<int>(i + 1), values[i]);
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    if (static_cast<int>(page.items.size()) == query.limit) {
      const Appeal& last = page.items.back();
      page.next = std::to_string(by_deadline ? last.deadline_millis : last.received_millis) + "." + last.id;
      select->Reset();
      break;
    }
    Result<Appeal> appeal = ReadAppeal(*select);
    if (!appeal.ok()) {
      select->Reset();
      return appeal.status();
    }
    page.items.push_back(std::move(*appeal));
  }
  return page;
}

Status AppealRepository::Scan(const AppealQuery& query, const std::function<Status(const Appeal&)>& each) {
  AppealQuery paged = query;
  paged.limit = 1000;
  paged.cursor.clear();
  do {
    LX_ASSIGN_OR_RETURN(AppealPage page, List(paged));
    for (const Appeal& a : page.items) LX_RETURN_IF_ERROR(each(a));
    paged.cursor = page.next;
  } while (!paged.cursor.empty());
  return Status::Ok();
}

Result<std::optional<HandlerKind>> AppealRepository::KindOfHandler(std::string_view code) {
  for (auto [table, kind] : {std::pair{"cadres", HandlerKind::kCadre}, std::pair{"units", HandlerKind::kUnit},
                             std::pair{"regions", HandlerKind::kRegion}}) {
    LX_ASSIGN_OR_RETURN(sql::Statement * select,
                        db_.Prepare("SELECT 1 FROM " + std::string(table) + " WHERE code = ?1"));
    select->Bind(1, code);
    LX_ASSIGN_OR_RETURN(bool found, select->Step());
    select->Reset();
    if (found) return std::optional<HandlerKind>(kind);
  }
  return std::optional<HandlerKind>();
}

}  // namespace lianxin
