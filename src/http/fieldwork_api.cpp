#include "lianxin/fieldwork_api.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "lianxin/api.hpp"
#include "lianxin/appeals_api.hpp"

namespace lianxin {

namespace {

using nlohmann::json;

// How far back a visit may be logged: the diary of the past year.
constexpr std::int64_t kMaxAgeDays = 366;

// The cadre whose work a request records: a cadre scope's own (never
// another's: field "cadre"), or the one an admin names, within its scope.
Result<std::string> CadreOf(Store& store, const Scope& scope, const std::string& named) {
  if (scope.kind == ScopeKind::kCadre) {
    if (!named.empty() && named != scope.code)
      return Status::Invalid("只能记录本人的工作 (own_work_only)", "cadre");
    return scope.code;
  }
  if (named.empty()) return Status::Invalid("请填写干部编号 (required)", "cadre");
  LX_RETURN_IF_ERROR(CheckInScope(store, RecordKind::kCadres, named, scope));
  return named;
}

json VisitJson(const Visit& v) {
  return {{"id", v.id},
          {"household", v.household_code},
          {"cadre", v.cadre_code},
          {"kind", Token(v.kind)},
          {"kind_label", Label(v.kind)},
          {"date", v.date.ToString()},
          {"direct", CountsAsDirect(v.kind)},
          {"heard", v.heard},
          {"promised", v.promised},
          {"confirmed", v.confirmed}};
}

// The visit a request describes, its cadre still to be settled.
Result<Visit> ParseVisit(const HttpRequest& request, const Date& today) {
  LX_ASSIGN_OR_RETURN(json body, JsonObjectBody(request));
  Visit visit;
  LX_ASSIGN_OR_RETURN(visit.household_code, StringField(body, "household"));
  if (visit.household_code.empty()) return Status::Invalid("字段 household 不能为空 (required)", "household");
  LX_ASSIGN_OR_RETURN(std::string kind, StringField(body, "kind"));
  std::optional<VisitKind> parsed = ParseVisitKind(kind);
  if (!parsed) {
    return Status::Invalid(
        "走访方式应为 home_visit|talk|reception|stay|shared_labour|phone|by_proxy(或中文名称),而不是 " +
            kind + " (unknown_kind)",
        "kind");
  }
  visit.kind = *parsed;
  LX_ASSIGN_OR_RETURN(std::string date, StringField(body, "date", /*required=*/false));
  visit.date = today;
  if (!date.empty()) {
    Result<Date> on = ParseDate(date);
    if (!on.ok()) return Status::Invalid("日期格式无效: " + date + " (date_format)", "date");
    const std::int64_t age = DaysFromDate(today) - DaysFromDate(*on);
    if (age < 0) return Status::Invalid("走访日期不能晚于今天 (date_in_future)", "date");
    if (age > kMaxAgeDays) return Status::Invalid("走访日期不能早于一年前 (date_too_old)", "date");
    visit.date = *on;
  }
  LX_ASSIGN_OR_RETURN(visit.heard, TextField(body, "heard", /*required=*/false));
  LX_ASSIGN_OR_RETURN(visit.promised, TextField(body, "promised", /*required=*/false));
  LX_ASSIGN_OR_RETURN(visit.cadre_code, StringField(body, "cadre", /*required=*/false));
  return visit;
}

// The appeal a visit's promise becomes in the same step (the body's
// "appeal": {"type","topic"[,"urgency","content"]}); its content defaults
// to what was promised, else what was heard.
Result<std::optional<Appeal>> ParsePromisedAppeal(const HttpRequest& request, const Visit& visit,
                                                  const AppealRules& rules) {
  LX_ASSIGN_OR_RETURN(json body, JsonObjectBody(request));
  auto it = body.find("appeal");
  if (it == body.end() || it->is_null()) return std::optional<Appeal>();
  if (!it->is_object()) return Status::Invalid("appeal 应为对象 (type)", "appeal");
  Appeal a;
  a.household_code = visit.household_code;
  a.channel = AppealChannel::kVisit;
  LX_RETURN_IF_ERROR(ParseAppealFields(*it, rules, "appeal.", /*content_required=*/false, a));
  if (a.content.empty()) a.content = !visit.promised.empty() ? visit.promised : visit.heard;
  if (a.content.empty())
    return Status::Invalid("appeal.content: 请写明诉求内容 (required)", "appeal.content");
  return std::optional<Appeal>(std::move(a));
}

json TaskJson(const Task& t, const Date& today);

// The task a visit's promise becomes in the same step (the body's "task":
// {"deadline"?, "level"?}): what was promised, to be kept by the cadre,
// due in 30 days unless a deadline is given. Its need is "承诺 " and the
// visit's id, so each promise is a task of its own.
Result<std::optional<Task>> ParsePromisedTask(const HttpRequest& request, const Visit& visit,
                                              const Date& today) {
  LX_ASSIGN_OR_RETURN(json body, JsonObjectBody(request));
  auto it = body.find("task");
  if (it == body.end() || it->is_null()) return std::optional<Task>();
  if (!it->is_object()) return Status::Invalid("task 应为对象 (type)", "task");
  if (visit.promised.empty())
    return Status::Invalid("task: 请在 promised 中写明答应了什么 (required)", "promised");
  Task t;
  t.household_code = visit.household_code;
  t.task = visit.promised;
  t.target = "兑现走访中答应的事";
  t.deadline = DateFromDays(DaysFromDate(today) + 30).ToString();
  LX_ASSIGN_OR_RETURN(std::string deadline, StringField(*it, "deadline", false));
  if (!deadline.empty()) {
    Result<Date> due = ParseDate(deadline);
    if (!due.ok() || *due < today)
      return Status::Invalid("task.deadline 应为今天或以后的 YYYY-MM-DD (date_format)", "task.deadline");
    t.deadline = due->ToString();
  }
  LX_ASSIGN_OR_RETURN(std::string level, StringField(*it, "level", false));
  if (level == "major" || level == "重点") {
    t.level = TaskLevel::kMajor;
  } else if (!level.empty() && level != "normal" && level != "一般") {
    return Status::Invalid("task.level 应为 major|normal(重点|一般) (unknown_value)", "task.level");
  }
  return std::optional<Task>(std::move(t));
}

HttpResponse Log(const FieldworkDeps& deps, HttpRequest& request, const Caller& caller) {
  const std::int64_t now = deps.clock.NowMillis();
  const Date today = ChinaDateOf(now);
  Result<Visit> parsed = ParseVisit(request, today);
  if (!parsed.ok()) return HttpResponse::Error(parsed.status());
  Visit visit = std::move(*parsed);
  const std::shared_ptr<const Config> config = deps.config.Current();
  Result<std::optional<Appeal>> promised = ParsePromisedAppeal(request, visit, config->appeals);
  if (!promised.ok()) return HttpResponse::Error(promised.status());
  Result<std::optional<Task>> promised_task = ParsePromisedTask(request, visit, today);
  if (!promised_task.ok()) return HttpResponse::Error(promised_task.status());
  // A phone's own name for this visit: sent again after its answer was lost,
  // the visit (and its task or appeal) is found, not made twice.
  Result<json> body = JsonObjectBody(request);
  if (!body.ok()) return HttpResponse::Error(body.status());
  Result<std::string> client_id = StringField(*body, "client_id", /*required=*/false);
  if (!client_id.ok()) return HttpResponse::Error(client_id.status());
  if (client_id->size() > 64 ||
      client_id->find_first_not_of("0123456789abcdefABCDEF-") != std::string::npos) {
    return HttpResponse::Error(
        Status::Invalid("client_id 应为至多 64 位的十六进制数字或 UUID (client_id_format)", "client_id"));
  }
  const Scope scope = caller.scope();
  Result<std::string> id = Status::Internal("not written");
  std::optional<Appeal> filed;
  bool repeated = false;
  Status written = deps.writer.Write([&](Store& store) -> Status {
    LX_RETURN_IF_ERROR(CheckInScope(store, RecordKind::kHouseholds, visit.household_code, scope));
    LX_ASSIGN_OR_RETURN(visit.cadre_code, CadreOf(store, scope, visit.cadre_code));
    if (!client_id->empty()) visit.id = VisitIdFor(visit.cadre_code, *client_id);
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(caller.actor()));
    id = txn->AddVisit(visit, caller.actor());
    if (!id.ok() && id.status().code() == Code::kConflict && !client_id->empty()) {
      // Already recorded by an earlier send of the same request: answer as then.
      txn.reset();
      LX_ASSIGN_OR_RETURN(std::vector<Visit> visits, store.VisitsOfHousehold(visit.household_code, 1000));
      for (const Visit& v : visits) {
        if (v.id != visit.id || v.cadre_code != visit.cadre_code) continue;
        repeated = true;
        visit = v;
        id = v.id;
        return Status::Ok();
      }
      return id.status();
    }
    LX_RETURN_IF_ERROR(id.status());
    if (*promised_task) {
      (*promised_task)->cadre_code = visit.cadre_code;
      (*promised_task)->need = "承诺 " + *id;
      LX_RETURN_IF_ERROR(txn->Upsert(**promised_task).status());
    }
    LX_RETURN_IF_ERROR(txn->Commit());
    // The promise as an appeal, in the same request: both or neither.
    if (*promised) {
      LX_ASSIGN_OR_RETURN(filed, FileAndRoute(store, **promised, caller.actor(), true, *config, now));
    }
    return Status::Ok();
  });
  if (!written.ok()) return HttpResponse::Error(written);
  visit.id = *id;
  json out = VisitJson(visit);
  if (repeated) {
    out["repeated"] = true;
    return HttpResponse::Json(200, out);
  }
  if (*promised_task) out["task"] = TaskJson(**promised_task, today);
  if (filed) {
    TellFiled(deps.notifier, *filed, now);
    out["appeal"] = {{"id", filed->id}, {"state", Token(filed->state)}, {"handler", filed->handler}};
  }
  return HttpResponse::Json(201, out);
}

HttpResponse OfHousehold(StorePool& reads, const HttpRequest& request, const Caller& caller) {
  std::string household(request.PathParam("id"));
  Result<StorePool::Lease> store = reads.Acquire();
  if (!store.ok()) return HttpResponse::Error(store.status());
  Status in_scope = CheckInScope(**store, RecordKind::kHouseholds, household, caller.scope());
  if (!in_scope.ok()) return HttpResponse::Error(in_scope);
  Result<std::vector<Visit>> visits = (*store)->VisitsOfHousehold(household, 200);
  if (!visits.ok()) return HttpResponse::Error(visits.status());
  json items = json::array();
  for (const Visit& v : *visits) items.push_back(VisitJson(v));
  return HttpResponse::Json(200, {{"household", household}, {"items", std::move(items)}});
}

// The signed-in cadre's households: the last visit it made to each (of any
// kind) and when the next direct one is due (the cadence of `[visits]`).
HttpResponse MyHouseholds(StorePool& reads, const Config& config, const Clock& clock, const Caller& caller) {
  const Scope scope = caller.scope();
  json items = json::array();
  if (scope.kind != ScopeKind::kCadre || scope.code.empty()) {
    return HttpResponse::Json(200, {{"items", std::move(items)}});  // holds no household
  }
  const Date today = ChinaDateOf(clock.NowMillis());
  Result<StorePool::Lease> store = reads.Acquire();
  if (!store.ok()) return HttpResponse::Error(store.status());
  Result<std::vector<VisitDuty>> duties = (*store)->DutiesOf(scope.code, today);
  if (!duties.ok()) return HttpResponse::Error(duties.status());
  Result<std::vector<Visit>> visits = (*store)->VisitsByCadre(scope.code);
  if (!visits.ok()) return HttpResponse::Error(visits.status());
  struct Row {
    Date due;
    bool overdue;
    json item;
  };
  std::vector<Row> rows;
  for (const VisitDuty& duty : *duties) {
    std::vector<Visit> own;
    for (const Visit& v : *visits) {
      if (v.household_code == duty.household_code) own.push_back(v);
    }
    const Date due = NextVisitDue(duty, own, config.visits);
    json last = nullptr;
    if (!own.empty()) {  // oldest first: the last is the newest
      last = {{"date", own.back().date.ToString()},
              {"kind", Token(own.back().kind)},
              {"direct", CountsAsDirect(own.back().kind)}};
    }
    const bool overdue = due < today;
    rows.push_back({due,
                    overdue,
                    {{"household", duty.household_code},
                     {"head_name", duty.household_name},
                     {"pairing", duty.assistance ? "assistance" : "contact"},
                     {"since", duty.since.ToString()},
                     {"last_visit", std::move(last)},
                     {"next_due", due.ToString()},
                     {"overdue", overdue}}});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.overdue != b.overdue) return a.overdue;
    return a.due < b.due;
  });
  for (Row& row : rows) items.push_back(std::move(row.item));
  return HttpResponse::Json(200, {{"items", std::move(items)}});
}

json TaskJson(const Task& t, const Date& today) {
  return {{"household", t.household_code},
          {"cadre", t.cadre_code},
          {"need", t.need},
          {"task", t.task},
          {"target", t.target},
          {"deadline", t.deadline},
          {"level", Token(t.level)},
          {"status", Token(t.status)},
          {"progress", t.progress},
          {"notes", t.notes},
          {"overdue", IsOverdue(t, today)}};
}

// The signed-in cadre's tasks: open ones first, by deadline.
HttpResponse MyTasks(StorePool& reads, const Clock& clock, const Caller& caller) {
  const Scope scope = caller.scope();
  json items = json::array();
  if (scope.kind != ScopeKind::kCadre || scope.code.empty())
    return HttpResponse::Json(200, {{"items", items}});
  Result<StorePool::Lease> store = reads.Acquire();
  if (!store.ok()) return HttpResponse::Error(store.status());
  Result<std::vector<Task>> tasks = (*store)->TasksByCadre(scope.code);
  if (!tasks.ok()) return HttpResponse::Error(tasks.status());
  std::stable_partition(tasks->begin(), tasks->end(),
                        [](const Task& t) { return t.status == TaskStatus::kOpen; });
  const Date today = ChinaDateOf(clock.NowMillis());
  for (const Task& t : *tasks) items.push_back(TaskJson(t, today));
  return HttpResponse::Json(200, {{"items", std::move(items)}});
}

// Progress on one task: the percentage, and a note kept with its date; at
// 100 % the task is done. Journaled like every change.
HttpResponse UpdateProgress(GroupCommitWriter& writer, const Clock& clock, HttpRequest& request,
                            const Caller& caller) {
  Result<json> body = JsonObjectBody(request);
  if (!body.ok()) return HttpResponse::Error(body.status());
  Result<std::string> household = StringField(*body, "household");
  if (!household.ok()) return HttpResponse::Error(household.status());
  Result<std::string> need = StringField(*body, "need");
  if (!need.ok()) return HttpResponse::Error(need.status());
  const json* progress = body->contains("progress") ? &(*body)["progress"] : nullptr;
  if (progress == nullptr || !progress->is_number_integer() || progress->get<std::int64_t>() < 0 ||
      progress->get<std::int64_t>() > 100) {  // (checked before an int can overflow)
    return HttpResponse::Error(Status::Invalid("进度应为 0 到 100 的整数 (progress_invalid)", "progress"));
  }
  Result<std::string> note = TextField(*body, "notes", /*required=*/false);
  if (!note.ok()) return HttpResponse::Error(note.status());
  Result<std::string> named = StringField(*body, "cadre", /*required=*/false);
  if (!named.ok()) return HttpResponse::Error(named.status());
  const Date today = ChinaDateOf(clock.NowMillis());
  const Scope scope = caller.scope();
  Task task;
  Status written = writer.Write([&](Store& store) -> Status {
    LX_RETURN_IF_ERROR(CheckInScope(store, RecordKind::kHouseholds, *household, scope));
    LX_ASSIGN_OR_RETURN(std::string cadre, CadreOf(store, scope, *named));
    LX_ASSIGN_OR_RETURN(std::vector<Task> tasks, store.TasksOf(*household));
    auto it = std::find_if(tasks.begin(), tasks.end(),
                           [&](const Task& t) { return t.cadre_code == cadre && t.need == *need; });
    if (it == tasks.end()) return Status::NotFound("没有这项任务 (not_found)");
    task = *it;
    LX_RETURN_IF_ERROR(ReportProgress(task, progress->get<int>(), *note, today));
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(caller.actor()));
    LX_RETURN_IF_ERROR(txn->Upsert(task).status());
    return txn->Commit();
  });
  if (!written.ok()) return HttpResponse::Error(written);
  return HttpResponse::Json(200, TaskJson(task, today));
}

// The filters GET /visits and GET /tasks share, from the query string.
Result<FieldworkQuery> ListQueryOf(const HttpRequest& request, const Caller& caller, const Date& today) {
  FieldworkQuery query;
  query.scope = caller.scope();
  query.today = today;
  for (auto [name, field] : {std::pair{"region", &query.region}, std::pair{"cadre", &query.cadre},
                             std::pair{"household", &query.household}, std::pair{"cursor", &query.cursor}}) {
    *field = std::string(request.QueryParam(name).value_or(""));
  }
  for (auto [name, field] : {std::pair{"from", &query.from}, std::pair{"to", &query.to}}) {
    *field = std::string(request.QueryParam(name).value_or(""));
    if (!field->empty() && !ParseDate(*field).ok())
      return Status::Invalid(std::string(name) + " 应为 YYYY-MM-DD (date_format)", name);
  }
  if (!query.region.empty() && !RegionSubtreePrefix(query.region))
    return Status::Invalid("region 应为 6 位或 12 位区划代码 (region_format)", "region");
  if (std::optional<std::string_view> status = request.QueryParam("status")) {
    if (*status == "open")
      query.status = TaskStatus::kOpen;
    else if (*status == "done")
      query.status = TaskStatus::kDone;
    else if (*status == "cancelled")
      query.status = TaskStatus::kCancelled;
    else
      return Status::Invalid("status 应为 open|done|cancelled (unknown_value)", "status");
  }
  if (std::optional<std::string_view> overdue = request.QueryParam("overdue"))
    query.overdue_only = *overdue == "1";
  LX_ASSIGN_OR_RETURN(query.limit, LimitParam(request));
  return query;
}

HttpResponse ListVisits(StorePool& reads, const Clock& clock, const HttpRequest& request,
                        const Caller& caller) {
  Result<FieldworkQuery> query = ListQueryOf(request, caller, ChinaDateOf(clock.NowMillis()));
  if (!query.ok()) return HttpResponse::Error(query.status());
  Result<StorePool::Lease> store = reads.Acquire();
  if (!store.ok()) return HttpResponse::Error(store.status());
  Result<FieldworkPage<Visit>> page = (*store)->ListVisits(*query);
  if (!page.ok()) return HttpResponse::Error(page.status());
  json items = json::array();
  for (const Visit& v : page->items) items.push_back(VisitJson(v));
  return HttpResponse::Json(
      200, {{"items", std::move(items)}, {"next", page->next.empty() ? json(nullptr) : json(page->next)}});
}

HttpResponse ListTasks(StorePool& reads, const Clock& clock, const HttpRequest& request,
                       const Caller& caller) {
  const Date today = ChinaDateOf(clock.NowMillis());
  Result<FieldworkQuery> query = ListQueryOf(request, caller, today);
  if (!query.ok()) return HttpResponse::Error(query.status());
  Result<StorePool::Lease> store = reads.Acquire();
  if (!store.ok()) return HttpResponse::Error(store.status());
  Result<FieldworkPage<Task>> page = (*store)->ListTasks(*query);
  if (!page.ok()) return HttpResponse::Error(page.status());
  json items = json::array();
  for (const Task& t : page->items) items.push_back(TaskJson(t, today));
  return HttpResponse::Json(
      200, {{"items", std::move(items)}, {"next", page->next.empty() ? json(nullptr) : json(page->next)}});
}

json DecisionJson(const Decision& d, const Date& today) {
  return {{"id", d.id},
          {"meeting", d.meeting},
          {"meeting_date", d.meeting_date.ToString()},
          {"decision", d.decision},
          {"handler", d.handler},
          {"supervisor", d.supervisor},
          {"deadline", d.deadline},
          {"level", Token(d.level)},
          {"status", Token(d.status)},
          {"progress", d.progress},
          {"notes", d.notes},
          {"overdue", IsOverdue(d, today)}};
}

// A meeting decision (会议决定事项) recorded by a county or township admin,
// and told to the cadre named to carry it out.
HttpResponse AddDecision(const FieldworkDeps& deps, HttpRequest& request, const Caller& caller) {
  Result<json> body = JsonObjectBody(request);
  if (!body.ok()) return HttpResponse::Error(body.status());
  Decision d;
  for (auto [name, field] : {std::pair{"meeting", &d.meeting}, std::pair{"decision", &d.decision},
                             std::pair{"handler", &d.handler}, std::pair{"supervisor", &d.supervisor}}) {
    Result<std::string> text = TextField(*body, name, /*required=*/false);
    if (!text.ok()) return HttpResponse::Error(text.status());
    if (text->empty())
      return HttpResponse::Error(Status::Invalid("请填写 " + std::string(name) + " (required)", name));
    *field = std::move(*text);
  }
  for (const char* name : {"meeting_date", "deadline"}) {
    Result<std::string> text = StringField(*body, name);
    if (!text.ok()) return HttpResponse::Error(text.status());
    Result<Date> date = ParseDate(*text);
    if (!date.ok())
      return HttpResponse::Error(Status::Invalid(std::string(name) + " 应为 YYYY-MM-DD (date_format)", name));
    if (std::string_view(name) == "meeting_date") {
      d.meeting_date = *date;
    } else {
      d.deadline = date->ToString();
    }
  }
  if (d.deadline < d.meeting_date.ToString())
    return HttpResponse::Error(Status::Invalid("期限不能早于会议日期 (deadline_before_meeting)", "deadline"));
  Result<std::string> level = StringField(*body, "level", false);
  if (!level.ok()) return HttpResponse::Error(level.status());
  if (*level == "major" || *level == "重点")
    d.level = TaskLevel::kMajor;
  else if (level->empty() || *level == "normal" || *level == "一般")
    d.level = TaskLevel::kNormal;
  else
    return HttpResponse::Error(
        Status::Invalid("level 应为 major|normal(重点|一般) (unknown_value)", "level"));
  d.created_by = caller.actor();
  const Scope scope = caller.scope();
  Status written = deps.writer.Write([&](Store& store) -> Status {
    LX_RETURN_IF_ERROR(CheckInScope(store, RecordKind::kCadres, d.handler, scope));
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(caller.actor()));
    LX_ASSIGN_OR_RETURN(d.id, txn->AddDecision(d));
    return txn->Commit();
  });
  if (!written.ok()) return HttpResponse::Error(written);
  const std::int64_t now = deps.clock.NowMillis();
  Status told = deps.notifier.Send(DecisionNotice(NoticeKind::kNewDecision, d, d.handler, now));
  if (!told.ok()) spdlog::warn("通知未能发出 (new_decision {}): {}", d.id, told.message());
  return HttpResponse::Json(201, DecisionJson(d, ChinaDateOf(now)));
}

HttpResponse ListDecisions(const FieldworkDeps& deps, const HttpRequest& request, const Caller& caller) {
  DecisionQuery query;
  query.scope = caller.scope();
  query.today = ChinaDateOf(deps.clock.NowMillis());
  query.handler = std::string(request.QueryParam("handler").value_or(""));
  query.supervisor = std::string(request.QueryParam("supervisor").value_or(""));
  query.open_only = request.QueryParam("open").value_or("") == "1";
  query.overdue_only = request.QueryParam("overdue").value_or("") == "1";
  Result<StorePool::Lease> store = deps.reads.Acquire();
  if (!store.ok()) return HttpResponse::Error(store.status());
  Result<std::vector<Decision>> decisions = (*store)->ListDecisions(query);
  if (!decisions.ok()) return HttpResponse::Error(decisions.status());
  json items = json::array();
  for (const Decision& d : *decisions) items.push_back(DecisionJson(d, query.today));
  return HttpResponse::Json(200, {{"items", std::move(items)}});
}

// Progress on a decision, by its cadre (or an admin entering it), reported
// up the line to the supervising office.
HttpResponse DecisionProgress(const FieldworkDeps& deps, HttpRequest& request, const Caller& caller) {
  Result<json> body = JsonObjectBody(request);
  if (!body.ok()) return HttpResponse::Error(body.status());
  const json* progress = body->contains("progress") ? &(*body)["progress"] : nullptr;
  if (progress == nullptr || !progress->is_number_integer() || progress->get<std::int64_t>() < 0 ||
      progress->get<std::int64_t>() > 100) {
    return HttpResponse::Error(Status::Invalid("进度应为 0 到 100 的整数 (progress_invalid)", "progress"));
  }
  Result<std::string> note = TextField(*body, "notes", /*required=*/false);
  if (!note.ok()) return HttpResponse::Error(note.status());
  const std::string id(request.PathParam("id"));
  const Scope scope = caller.scope();
  const Date today = ChinaDateOf(deps.clock.NowMillis());
  Decision d;
  Status written = deps.writer.Write([&](Store& store) -> Status {
    LX_ASSIGN_OR_RETURN(std::optional<Decision> found, store.GetDecision(id));
    if (!found) return OutOfScope();
    // The named cadre reports its own; an admin enters it for the cadre.
    const bool own = scope.kind == ScopeKind::kCadre && scope.code == found->handler;
    const bool admin = caller.HasRole(Role::kCountyAdmin) || caller.HasRole(Role::kTownshipAdmin);
    if (!own && !admin) return scope.kind == ScopeKind::kCadre ? OutOfScope() : Forbidden();
    if (admin && !own) LX_RETURN_IF_ERROR(CheckInScope(store, RecordKind::kCadres, found->handler, scope));
    d = std::move(*found);
    LX_RETURN_IF_ERROR(ReportProgress(d, progress->get<int>(), *note, today));
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(caller.actor()));
    LX_RETURN_IF_ERROR(txn->UpdateDecision(d));
    return txn->Commit();
  });
  if (!written.ok()) return HttpResponse::Error(written);
  Status told = deps.notifier.Send(
      DecisionNotice(NoticeKind::kProgressReport, d, d.supervisor, deps.clock.NowMillis()));
  if (!told.ok()) spdlog::warn("通知未能发出 (progress_report {}): {}", d.id, told.message());
  return HttpResponse::Json(200, DecisionJson(d, today));
}

// Collects the cadres a list selects, code and name.
class CadreCollector final : public RegistrySink {
 public:
  Status Add(const Region&) override { return Status::Ok(); }
  Status Add(const Unit&) override { return Status::Ok(); }
  Status Add(const Org&) override { return Status::Ok(); }
  Status Add(const Cadre& c) override {
    cadres.emplace_back(c.code, c.name);
    return Status::Ok();
  }
  Status Add(const Household&) override { return Status::Ok(); }
  Status Add(const Member&) override { return Status::Ok(); }
  std::vector<std::pair<std::string, std::string>> cadres;
};

// The three phenomena (三种现象) of every cadre in the caller's scope (and
// the `region` filter, or the one `cadre`): each flag with its explanation
// and the visits that raised it, `kind` only when given, and how many of
// each kind. Thresholds and campaign dates are `[visits]` of lianxin.toml.
// `summary=1`: the counts without the items (a dashboard's).
// With `limit`, a page: cadres in code order from after `cursor` until the
// page holds `limit` flags (a cadre's flags never split), and `next`.
HttpResponse Flags(StorePool& reads, const Config& config, const Clock& clock, const HttpRequest& request,
                   const Caller& caller) {
  std::optional<Phenomenon> only;
  if (std::string_view kind = request.QueryParam("kind").value_or(""); !kind.empty()) {
    for (Phenomenon p :
         {Phenomenon::kOnlyWhenStressed, Phenomenon::kForgottenWhenBusy, Phenomenon::kOnlyWhenAsked})
      if (Token(p) == kind) only = p;
    if (!only) {
      return HttpResponse::Error(Status::Invalid(
          "kind 应为 only_when_stressed|forgotten_when_busy|only_when_asked (unknown_value)", "kind"));
    }
  }
  std::optional<int> limit;
  if (request.QueryParam("limit")) {
    Result<int> parsed = LimitParam(request);
    if (!parsed.ok()) return HttpResponse::Error(parsed.status());
    limit = *parsed;
  }
  const std::string cursor(request.QueryParam("cursor").value_or(""));
  const std::string one_cadre(request.QueryParam("cadre").value_or(""));
  const bool summary = request.QueryParam("summary").value_or("") == "1";  // the counts only
  Result<StorePool::Lease> store = reads.Acquire();
  if (!store.ok()) return HttpResponse::Error(store.status());
  CadreCollector collected;
  if (!one_cadre.empty()) {
    Result<bool> found = (*store)->GetWithin(RecordKind::kCadres, one_cadre, caller.scope(), collected);
    if (!found.ok()) return HttpResponse::Error(found.status());
    if (!*found) return HttpResponse::Error(Status::NotFound("干部不存在或不在管辖范围内 (not_found)"));
  } else {
    ListQuery query;
    query.scope = caller.scope();
    query.region = std::string(request.QueryParam("region").value_or(""));
    query.limit = 1000;
    do {
      Result<ListPage> page = (*store)->List(RecordKind::kCadres, query, collected);
      if (!page.ok()) return HttpResponse::Error(page.status());
      query.cursor = page->next;
    } while (!query.cursor.empty());
  }
  std::sort(collected.cadres.begin(), collected.cadres.end());
  const Date today = ChinaDateOf(clock.NowMillis());
  // The appeals households filed in the window the detectors look back over.
  AppealDays filed;
  AppealQuery appeals;
  appeals.scope = caller.scope();
  appeals.region = std::string(request.QueryParam("region").value_or(""));
  appeals.received_from = StartOfChinaDay(DateFromDays(DaysFromDate(today) - config.visits.lookback_days));
  Status scanned = (*store)->ScanAppeals(appeals, [&](const Appeal& a) {
    if (!a.household_code.empty()) filed[a.household_code].push_back(ChinaDateOf(a.received_millis));
    return Status::Ok();
  });
  if (!scanned.ok()) return HttpResponse::Error(scanned);
  json items = json::array();
  std::map<std::string, int> counts{{std::string(Token(Phenomenon::kOnlyWhenStressed)), 0},
                                    {std::string(Token(Phenomenon::kForgottenWhenBusy)), 0},
                                    {std::string(Token(Phenomenon::kOnlyWhenAsked)), 0}};
  size_t checked = 0;
  std::string last, next;
  for (const auto& [code, name] : collected.cadres) {
    if (!cursor.empty() && code <= cursor) continue;
    if (limit && static_cast<int>(items.size()) >= *limit) {
      next = last;
      break;
    }
    ++checked;
    last = code;
    Result<std::vector<VisitDuty>> duties = (*store)->DutiesOf(code, today);
    if (!duties.ok()) return HttpResponse::Error(duties.status());
    Result<std::vector<Visit>> visits = (*store)->VisitsByCadre(code);
    if (!visits.ok()) return HttpResponse::Error(visits.status());
    if (duties->empty() && visits->empty()) continue;
    for (const PhenomenonFlag& flag : DetectPhenomena(code, *visits, *duties, filed, config.visits, today)) {
      if (only && flag.kind != *only) continue;
      ++counts[std::string(Token(flag.kind))];
      if (summary) continue;
      items.push_back({{"kind", Token(flag.kind)},
                       {"cadre", flag.cadre_code},
                       {"cadre_name", name},
                       {"household", flag.household_code},
                       {"explanation", flag.explanation},
                       {"visits", flag.visit_ids}});
    }
  }
  json body{{"cadres_checked", checked}, {"counts", counts}, {"items", std::move(items)}};
  if (limit) body["next"] = next.empty() ? json(nullptr) : json(next);
  return HttpResponse::Json(200, std::move(body));
}

}  // namespace

void AddFieldworkRoutes(ApiRouter& api, const FieldworkDeps& deps) {
  GroupCommitWriter& writer = deps.writer;
  StorePool& reads = deps.reads;
  const LiveConfig& config = deps.config;
  const Clock& clock = deps.clock;
  api.Add("POST", "/api/v1/visits",
          [deps](HttpRequest& request, const Caller& caller) { return Log(deps, request, caller); });
  api.Add("GET", "/api/v1/visits", [&reads, &clock](HttpRequest& request, const Caller& caller) {
    return ListVisits(reads, clock, request, caller);
  });
  api.Add("GET", "/api/v1/tasks", [&reads, &clock](HttpRequest& request, const Caller& caller) {
    return ListTasks(reads, clock, request, caller);
  });
  api.Add("POST", "/api/v1/decisions",
          [deps](HttpRequest& request, const Caller& caller) { return AddDecision(deps, request, caller); });
  api.Add("GET", "/api/v1/decisions", [deps](HttpRequest& request, const Caller& caller) {
    return ListDecisions(deps, request, caller);
  });
  api.Add("POST", "/api/v1/decisions/{id}/progress", [deps](HttpRequest& request, const Caller& caller) {
    return DecisionProgress(deps, request, caller);
  });
  api.Add("GET", "/api/v1/households/{id}/visits", [&reads](HttpRequest& request, const Caller& caller) {
    return OfHousehold(reads, request, caller);
  });
  api.Add("GET", "/api/v1/me/households", [&reads, &config, &clock](HttpRequest&, const Caller& caller) {
    return MyHouseholds(reads, *config.Current(), clock, caller);
  });
  api.Add("GET", "/api/v1/flags", [&reads, &config, &clock](HttpRequest& request, const Caller& caller) {
    return Flags(reads, *config.Current(), clock, request, caller);
  });
  api.Add("GET", "/api/v1/me/tasks",
          [&reads, &clock](HttpRequest&, const Caller& caller) { return MyTasks(reads, clock, caller); });
  api.Add("POST", "/api/v1/tasks/progress", [&writer, &clock](HttpRequest& request, const Caller& caller) {
    return UpdateProgress(writer, clock, request, caller);
  });
}

}  // namespace lianxin
