#include "lianxin/inspect.hpp"

#include <algorithm>

#include "lianxin/calendar.hpp"
#include "lianxin/registry.hpp"

namespace lianxin {

using nlohmann::json;

namespace {

Status CheckParams(const Inspection& p) {
  if (p.region_code.size() != 6 && !(p.region_code.size() == 12 && p.region_code.ends_with("000")))
    return Status::Invalid("督查按县或乡镇抽样,region 应为县(6 位)或乡镇的代码 (inspection_region)",
                           "region");
  LX_RETURN_IF_ERROR(ParseChinaMonth(p.month, "month").status());
  if (p.seed.empty() || p.seed.size() > 200)
    return Status::Invalid("seed 应为 1–200 个字符,事先公布(如上月公示的日志根哈希) (seed)", "seed");
  if (p.villages_per_township < 1 || p.villages_per_township > 50)
    return Status::Invalid("villages 应为 1–50 (每个乡镇抽几个村)", "villages");
  if (p.households_per_village < 1 || p.households_per_village > 100)
    return Status::Invalid("households 应为 1–100 (每个村抽几户)", "households");
  return Status::Ok();
}

json Rate(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

Result<InspectionDraw> DrawFromStore(Store& store, const Inspection& params) {
  LX_RETURN_IF_ERROR(CheckParams(params));
  LX_ASSIGN_OR_RETURN(InspectionCandidates candidates, store.InspectionCandidatesUnder(params.region_code));
  if (candidates.households_by_village.empty())
    return Status::NotFound("该地区没有农户可抽: " + params.region_code + " (not_found)");
  return DrawInspection(params.seed, params.month, candidates,
                        static_cast<size_t>(params.villages_per_township),
                        static_cast<size_t>(params.households_per_village));
}

Result<Inspection> OpenDrawnInspection(Store& store, const Inspection& params, const std::string& actor) {
  LX_ASSIGN_OR_RETURN(InspectionDraw draw, DrawFromStore(store, params));
  std::vector<std::string> households;
  for (const auto& [village, drawn] : draw.households_by_village)
    households.insert(households.end(), drawn.begin(), drawn.end());
  Inspection inspection = params;
  inspection.opened_by = actor;
  LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(actor));
  LX_ASSIGN_OR_RETURN(inspection.id, txn->OpenInspection(inspection, households));
  LX_RETURN_IF_ERROR(txn->Commit());
  LX_ASSIGN_OR_RETURN(std::optional<Inspection> opened, store.GetInspection(inspection.id));
  if (!opened) return Status::Internal("督查开启后读不到: " + inspection.id);
  return *opened;
}

Status RecordCheck(Store& store, InspectionCheck check, bool make_task, const std::string& actor,
                   const Date& today, int task_days) {
  check.checked_by = actor;
  LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(actor));
  LX_ASSIGN_OR_RETURN(std::vector<InspectionCheck> drawn, store.InspectionChecks(check.inspection_id));
  auto it = std::find_if(drawn.begin(), drawn.end(),
                         [&](const InspectionCheck& c) { return c.household_code == check.household_code; });
  // A task made from an earlier answer stays the cadre's, and stays linked:
  // answering again without one does not undo it.
  if (it != drawn.end()) check.task_key = it->task_key;
  if (make_task) {
    if (check.findings.empty())
      return Status::Invalid("要转为整改任务,请写明发现的问题 (findings)", "findings");
    // Made once: asked again, the task keeps its deadline and progress.
    if (it != drawn.end() && !it->cadre_code.empty() && check.task_key.empty()) {
      Task task;
      task.household_code = check.household_code;
      task.cadre_code = it->cadre_code;
      task.need = "督查整改 " + check.inspection_id;
      task.task = check.findings;
      task.target = "整改到位,经督查复核";
      task.deadline = DateFromDays(DaysFromDate(today) + task_days).ToString();
      LX_RETURN_IF_ERROR(txn->Upsert(task).status());
      check.task_key = task.household_code + "|" + task.cadre_code + "|" + task.need;
    }
  }
  LX_RETURN_IF_ERROR(txn->RecordInspectionCheck(check));
  return txn->Commit();
}

json InspectionJson(const Inspection& i, const std::vector<InspectionCheck>* checks) {
  json out = {{"id", i.id},
              {"region", i.region_code},
              {"month", i.month},
              {"seed", i.seed},
              {"villages_per_township", i.villages_per_township},
              {"households_per_village", i.households_per_village},
              {"state", i.closed ? "closed" : "open"},
              {"opened_by", i.opened_by},
              {"opened_at", ChinaIsoTime(i.opened_millis)},
              {"closed_at", i.closed ? json(ChinaIsoTime(i.closed_millis)) : json(nullptr)}};
  if (checks == nullptr) return out;
  const InspectionFigures f = FiguresOf(*checks);
  out["figures"] = {{"households", f.households},
                    {"checked", f.checked},
                    {"knows_cadre", f.knows_cadre},
                    {"awareness_rate", Rate(f.awareness_rate)},
                    {"visits_answered", f.visits_answered},
                    {"visits_true", f.visits_true},
                    {"visits_false", f.visits_false},
                    {"visits_true_rate", Rate(f.visits_true_rate)},
                    {"rated", f.rated},
                    {"satisfied", f.satisfied},
                    {"satisfaction_rate", Rate(f.satisfaction_rate)},
                    {"findings", f.findings},
                    {"tasks", f.tasks}};
  json rows = json::array();
  for (const InspectionCheck& c : *checks) {
    rows.push_back({{"household", c.household_code},
                    {"head_name", c.head_name},
                    {"village", c.village_code},
                    {"village_name", c.village_name},
                    {"cadre", c.cadre_code},
                    {"cadre_name", c.cadre_name},
                    {"checked", c.checked},
                    {"knows_cadre", c.checked ? json(c.knows_cadre) : json(nullptr)},
                    {"visits", c.visits ? json(Token(*c.visits)) : json(nullptr)},
                    {"satisfaction", c.satisfaction ? json(Token(*c.satisfaction)) : json(nullptr)},
                    {"findings", c.findings},
                    {"task", c.task_key.empty() ? json(nullptr) : json(c.task_key)},
                    {"checked_by", c.checked_by},
                    {"checked_at", c.checked ? json(ChinaIsoTime(c.checked_millis)) : json(nullptr)}});
  }
  out["checks"] = std::move(rows);
  return out;
}

}  // namespace lianxin
