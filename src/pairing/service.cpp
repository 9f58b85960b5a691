#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "lianxin/pairing_service.hpp"

namespace lianxin {

Status PairingInputSink::Add(const Region& r) {
  if (r.level == RegionLevel::kVillage && InCounty(r.code)) input_.villages.push_back(r);
  return Status::Ok();
}
Status PairingInputSink::Add(const Unit& u) {
  if (!county_.empty() && u.county_code != county_) return Status::Ok();
  units_.insert(u.code);
  input_.units.push_back(u);
  return Status::Ok();
}
Status PairingInputSink::Add(const Org& o) {
  if (InCounty(o.region_code)) input_.orgs.push_back(o);
  return Status::Ok();
}
Status PairingInputSink::Add(const Cadre& c) {
  bool ours =
      county_.empty() || (!c.unit_code.empty() ? units_.contains(c.unit_code) : InCounty(c.village_code));
  if (ours) input_.cadres.push_back(c);
  return Status::Ok();
}
Status PairingInputSink::Add(const Household& h) {
  if (InCounty(h.village_code)) input_.households.push_back(h);
  return Status::Ok();
}
Status PairingInputSink::Add(const Member&) { return Status::Ok(); }

Result<PairingInput> LoadPairingInput(Store& store, const Config& config, std::string_view county) {
  PairingInput input;
  PairingInputSink sink(input, std::string(county));
  for (RecordKind kind : {RecordKind::kRegions, RecordKind::kUnits, RecordKind::kOrgs, RecordKind::kCadres,
                          RecordKind::kHouseholds}) {
    LX_RETURN_IF_ERROR(store.ScanWithoutSecrets(kind, sink, county));
  }
  input.needs = config.needs;
  LX_ASSIGN_OR_RETURN(input.previous, store.Pairs(county));
  LX_ASSIGN_OR_RETURN(input.pins, store.Pins(county));
  return input;
}

namespace {

Date TodayOf(const PairRunOptions& options) {
  return options.today.year ? options.today : ChinaDateOf(SystemClock().NowMillis());
}

// The tasks the new assistance pairs would give that are not stored yet
// (a task is one per household, cadre and need).
Result<int> CountNewTasks(Store& store, const Config& config, const PairingInput& input,
                          const std::vector<const CadreHousehold*>& fresh, const PairRunOptions& options) {
  std::unordered_map<std::string, const Household*> households;
  for (const Household& h : input.households) households.emplace(h.code, &h);
  int count = 0;
  for (const CadreHousehold* pair : fresh) {
    auto it = households.find(pair->household_code);
    if (it == households.end()) continue;
    std::vector<Task> tasks = TasksForAssistance(*it->second, pair->cadre_code, config, TodayOf(options));
    if (tasks.empty()) continue;
    LX_ASSIGN_OR_RETURN(std::vector<Task> stored, store.TasksOf(pair->household_code));
    for (const Task& task : tasks) {
      bool exists = std::any_of(stored.begin(), stored.end(), [&](const Task& t) {
        return t.cadre_code == task.cadre_code && t.need == task.need;
      });
      if (!exists) ++count;
    }
  }
  return count;
}

}  // namespace

namespace {

// The assistance pairs new in a run: they give their household's tasks.
std::vector<const CadreHousehold*> FreshAssistance(const PairRun& run) {
  std::set<std::pair<std::string, std::string>> before;
  for (const CadreHousehold& p : run.input.previous.assistance)
    before.emplace(p.cadre_code, p.household_code);
  std::vector<const CadreHousehold*> fresh;
  for (const CadreHousehold& p : run.result.pairs.assistance) {
    if (!before.contains({p.cadre_code, p.household_code})) fresh.push_back(&p);
  }
  return fresh;
}

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Result<PairRun> PlanPairing(Store& store, const Config& config, const PairRunOptions& options) {
  auto start = std::chrono::steady_clock::now();
  PairRun run;
  // Read first: a write landing during the load makes the plan stale, never wrong.
  LX_ASSIGN_OR_RETURN(run.data_version, store.PairingDataVersion());
  options.progress->Begin("读取登记库", 0, "");
  LX_ASSIGN_OR_RETURN(run.input, LoadPairingInput(store, config, options.county));
  options.progress->End();
  const double loaded = Since(start);
  options.progress->Begin("计算结对", 0, "");
  LX_ASSIGN_OR_RETURN(run.result, ComputePairing(run.input, config.pairing));
  options.progress->End();
  run.seconds = Since(start);
  spdlog::info("pairing: loaded in {:.3f} s, solved in {:.3f} s", loaded, run.seconds - loaded);
  if (options.dry_run) {
    // A dry run writes nothing and takes no write lock: the changes and the
    // tasks are counted in memory against what is stored.
    for (const PairDiff& diff : DiffPairings(run.input.previous, run.result.pairs, &run.changes.kept)) {
      run.changes.ended += static_cast<int>(diff.ended.size());
      run.changes.made += static_cast<int>(diff.made.size());
    }
    LX_ASSIGN_OR_RETURN(run.tasks_created,
                        CountNewTasks(store, config, run.input, FreshAssistance(run), options));
    run.seconds = Since(start);
  }
  return run;
}

Status ApplyPlannedPairing(Store& store, const Config& config, PairRun& run, const PairRunOptions& options) {
  auto start = std::chrono::steady_clock::now();
  options.progress->Begin("写入结对", 0, "");
  struct EndStep {
    Progress& progress;
    ~EndStep() { progress.End(); }
  } end_step{*options.progress};
  LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin(options.actor));
  // Inside the write lock: nothing can change between this check and the commit.
  LX_ASSIGN_OR_RETURN(std::int64_t version, store.PairingDataVersion());
  if (version != run.data_version) {
    return Status::Conflict("结对计算期间登记数据或结对已有变动,须重新计算 (pairing_stale)");
  }
  if (!options.exit_override.empty()) txn->AllowExitWithOpenTasks(options.exit_override);
  LX_ASSIGN_OR_RETURN(run.changes,
                      txn->ApplyPairing(run.result.pairs, "结对计算 pairing run", options.county));
  LX_RETURN_IF_ERROR(txn->RecordUncovered(run.result.uncovered, options.county));
  std::vector<const CadreHousehold*> fresh = FreshAssistance(run);
  if (!fresh.empty()) {
    std::unordered_map<std::string, const Household*> households;
    for (const Household& h : run.input.households) households.emplace(h.code, &h);
    Date today = TodayOf(options);
    for (const CadreHousehold* pair : fresh) {
      auto it = households.find(pair->household_code);
      if (it == households.end()) continue;
      for (const Task& task : TasksForAssistance(*it->second, pair->cadre_code, config, today)) {
        LX_ASSIGN_OR_RETURN(UpsertOutcome outcome, txn->Upsert(task));
        if (outcome == UpsertOutcome::kInserted) ++run.tasks_created;
      }
    }
  }
  LX_RETURN_IF_ERROR(txn->Commit());
  run.written = true;
  const double written = Since(start);
  run.seconds += written;
  spdlog::info("pairing: written in {:.3f} s", written);
  return Status::Ok();
}

Result<PairRun> RunPairing(Store& store, const Config& config, const PairRunOptions& options) {
  LX_ASSIGN_OR_RETURN(PairRun run, PlanPairing(store, config, options));
  if (!options.dry_run) LX_RETURN_IF_ERROR(ApplyPlannedPairing(store, config, run, options));
  return run;
}

Result<Explanation> ExplainPairing(Store& store, const Config& config, std::string_view household_code) {
  // Only the household's county is loaded and solved (pairing is per county).
  LX_ASSIGN_OR_RETURN(std::optional<Household> household, store.GetHousehold(household_code));
  if (!household)
    return Status::NotFound("农户 " + std::string(household_code) + " 不存在 (household not found)");
  const std::string county = household->village_code.substr(0, 6);
  LX_ASSIGN_OR_RETURN(PairingInput input, LoadPairingInput(store, config, county));
  // The stored pairing is what is explained: its pairs, the reasons the run
  // that wrote them recorded for what it could not cover, and the cheapest
  // alternatives (each solved within its own unit or county). The county is
  // solved only when it has never been paired: the answer is then a preview's.
  if (!input.previous.unit_villages.empty()) {
    PairingResult stored;
    stored.pairs = input.previous;
    LX_ASSIGN_OR_RETURN(stored.uncovered, store.RecordedUncovered(county));
    return ExplainHousehold(input, config.pairing, stored, household_code);
  }
  LX_ASSIGN_OR_RETURN(PairingResult result, ComputePairing(input, config.pairing));
  return ExplainHousehold(input, config.pairing, result, household_code);
}

namespace {

// Stage 1's per-county solves, of the counties `subtree` lies in (all when empty).
nlohmann::json SolvesJson(const PairingResult& r, std::string_view subtree) {
  nlohmann::json solves = nlohmann::json::array();
  for (const UnitVillageSolve& s : r.unit_village_solves) {
    if (!subtree.empty() && !subtree.starts_with(s.county_code)) continue;
    solves.push_back({{"county", s.county_code},
                      {"households", s.households},
                      {"coverable", s.coverable},
                      {"bound", s.bound},
                      {"proof", Token(s.proof)},
                      {"refinement_proved", s.refinement_proved},
                      {"seconds", s.seconds}});
  }
  return solves;
}

}  // namespace

nlohmann::json PairingSummaryJson(const PairRun& run) {
  const PairingResult& r = run.result;
  nlohmann::json uncovered = nlohmann::json::array();
  for (const Uncovered& u : r.uncovered) {
    uncovered.push_back(
        {{"kind", Token(u.kind)}, {"id", u.id}, {"reason", u.reason}, {"pairing", Token(u.pairing)}});
  }
  const nlohmann::json solves = SolvesJson(r, "");
  return {
      {"households", {{"total", r.households_total}, {"covered", r.households_covered}}},
      {"unit_village_solves", solves},
      {"needy", {{"total", r.needy_total}, {"assisted", r.needy_assisted}}},
      {"assistance",
       {{"pairs", r.assistance_pairs},
        {"quota", r.assistance_quota},
        {"quota_violations", r.quota_violations},
        {"tier_mismatches", r.tier_mismatches},
        {"skill_matched", r.skill_matched_pairs}}},
      {"cadres", {{"total", r.cadres_total}, {"with_contact", r.cadres_with_contact}}},
      {"leaders",
       {{"total", r.leaders_total},
        {"with_branch", r.leaders_with_branch},
        {"county_total", r.county_leaders_total},
        {"county_with_non_public", r.county_leaders_with_non_public},
        {"county_with_social", r.county_leaders_with_social}}},
      {"weak_branches", {{"total", r.weak_branches_total}, {"covered", r.weak_branches_covered}}},
      {"villages", {{"total", r.villages_total}, {"paired", r.villages_paired}}},
      {"pins", {{"total", r.pins_total}, {"kept", r.pins_kept}}},
      {"rule_violations", r.rule_violations},
      {"objective", r.objective},
      {"moved", r.moved},
      {"changes", {{"made", run.changes.made}, {"ended", run.changes.ended}, {"kept", run.changes.kept}}},
      {"tasks_created", run.tasks_created},
      {"written", run.written},
      {"seconds", run.seconds},
      {"uncovered", uncovered},
  };
}

nlohmann::json PairingSummaryJson(const PairRun& run, std::string_view subtree) {
  auto in = [subtree](std::string_view code) { return code.starts_with(subtree); };
  const PairingResult& r = run.result;
  std::set<std::string_view> contacted, paired_villages;
  for (const CadreHousehold& p : r.pairs.contacts) contacted.insert(p.household_code);
  for (const UnitVillage& p : r.pairs.unit_villages) paired_villages.insert(p.village_code);
  int households = 0, covered = 0, villages = 0, paired = 0;
  for (const Household& h : run.input.households) {
    if (!in(h.village_code)) continue;
    ++households;
    if (contacted.contains(h.code)) ++covered;
  }
  for (const Region& v : run.input.villages) {
    if (!in(v.code)) continue;
    ++villages;
    if (paired_villages.contains(v.code)) ++paired;
  }
  std::map<std::string_view, std::string_view> org_region;
  for (const Org& o : run.input.orgs) org_region.emplace(o.code, o.region_code);
  nlohmann::json uncovered = nlohmann::json::array();
  for (const Uncovered& u : r.uncovered) {
    bool ours = false;
    switch (u.kind) {
      case UncoveredKind::kWeakBranch:
        ours = org_region.count(u.id) && in(org_region[u.id]);
        break;
      case UncoveredKind::kCadre:
        ours = false;
        break;  // a county unit's, or a village's: not the township's to see
      default:
        ours = in(u.id);
        break;
    }
    if (!ours) continue;
    uncovered.push_back(
        {{"kind", Token(u.kind)}, {"id", u.id}, {"reason", u.reason}, {"pairing", Token(u.pairing)}});
  }
  int made = 0, ended = 0, kept = 0;
  for (const PairDiff& diff : DiffPairings(run.input.previous, r.pairs, nullptr)) {
    if (!in(diff.held)) continue;
    made += static_cast<int>(diff.made.size());
    ended += static_cast<int>(diff.ended.size());
  }
  for (PairingKind kind : kPairingKinds) {
    for (const auto& [holder, held] : HolderHeldPairs(r.pairs, kind)) {
      if (!in(held)) continue;
      ++kept;
    }
  }
  kept -= made;
  const nlohmann::json solves = SolvesJson(r, subtree);
  return {{"scope", subtree},
          {"households", {{"total", households}, {"covered", covered}}},
          {"unit_village_solves", solves},
          {"villages", {{"total", villages}, {"paired", paired}}},
          {"changes", {{"made", made}, {"ended", ended}, {"kept", kept}}},
          {"written", run.written},
          {"seconds", run.seconds},
          {"uncovered", uncovered}};
}

nlohmann::json ExplanationJson(const Explanation& e) {
  nlohmann::json alternatives = nlohmann::json::array();
  for (const Alternative& a : e.alternatives) {
    alternatives.push_back({{"pairing", Token(a.pairing)},
                            {"code", a.code},
                            {"cost_delta", a.cost_delta},
                            {"coverage_delta", a.coverage_delta},
                            {"note", a.note}});
  }
  return {{"household", e.household_code},
          {"village", e.village_code},
          {"unit", e.unit_code},
          {"contact", e.contact_cadre_code},
          {"assistance", e.assistance_cadre_code},
          {"tier", Token(e.tier)},
          {"tier_matches", e.tier_matches},
          {"matched_skills", e.matched_skills},
          {"rules", e.rules},
          {"alternatives", alternatives}};
}

}  // namespace lianxin
