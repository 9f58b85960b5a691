// Running the pairing engine against the store: load the registry and the
// last pairing, compute, and (unless a dry run) write the new pairs with
// their history, journal entries and the tasks new assistance pairs give.
//
//   LX_ASSIGN_OR_RETURN(PairRun run, RunPairing(*store, config, {.dry_run = true}));
//   std::cout << PairingSummaryJson(run).dump(2);
//
// Used by `lianxin pair` and the county admin's API (pairing_api.hpp).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "lianxin/config.hpp"
#include "lianxin/pairing.hpp"
#include "lianxin/progress.hpp"
#include "lianxin/store.hpp"

namespace lianxin {

// The registry as the engine needs it (sensitive fields left empty), the
// current pairs as `previous`, and the pins: the whole database's, or one
// county's (`county`, a 6-digit code).
Result<PairingInput> LoadPairingInput(Store& store, const Config& config, std::string_view county = {});

struct PairRunOptions {
  bool dry_run = false;
  std::string actor = "cli:pair";
  Date today;  // task deadlines count from it; default: today in China
  // One county (a 6-digit code): only its records are paired and only its
  // pairs changed. Empty: the whole database (the CLI's operator).
  std::string county;
  // A county admin's reason to let a unit leave a village whose tasks are
  // still open (WriteTxn::AllowExitWithOpenTasks); empty: such a run is
  // refused with kConflict (exit_gate) naming the tasks.
  std::string exit_override;
  // Told of each phase: reading, solving, writing.
  Progress* progress = &NoProgress();
};

struct PairRun {
  PairingInput input;
  PairingResult result;
  PairChanges changes;    // what was (or, in a dry run, would be) written
  int tasks_created = 0;  // for assistance pairs new in this run
  double seconds = 0;     // end to end, loading and writing included
  bool written = false;
  std::int64_t data_version = 0;  // Store::PairingDataVersion when it was loaded
};

// Load, solve and (unless a dry run) apply, on one store.
Result<PairRun> RunPairing(Store& store, const Config& config, const PairRunOptions& options);

// The two halves of a run, so the heavy half needs no write lock: plan on a
// read connection (load and solve; `data_version` records what it read),
// then apply inside the writer. ApplyPlannedPairing refuses with kConflict
// (pairing_stale) when the registry, pairs or pins changed since the plan:
// plan again (the API does so inside the writer then).
Result<PairRun> PlanPairing(Store& store, const Config& config, const PairRunOptions& options);
Status ApplyPlannedPairing(Store& store, const Config& config, PairRun& run, const PairRunOptions& options);

// Why household `household_code` is paired as it is: explains the stored
// pairing of its county, with the reasons the run that wrote it recorded
// for what it could not cover (Store::RecordedUncovered) — no solve. A
// household registered since that run is said to wait for the next one. A
// county never paired is solved, and the answer is a preview's. Reads only:
// no transaction is opened, so nothing is written and no write lock is
// taken. kNotFound when there is no such household.
Result<Explanation> ExplainPairing(Store& store, const Config& config, std::string_view household_code);

// The run as one JSON object: households.total/covered, assistance.pairs/
// quota_violations/tier_mismatches, cadres.total/with_contact,
// weak_branches.total/covered, villages.total/paired, objective, moved,
// seconds, and uncovered [{kind, id, reason, pairing}].
nlohmann::json PairingSummaryJson(const PairRun& run);
// The same for the part of the county under region prefix `subtree` (a
// township's, RegionSubtreePrefix): its households and villages, the
// changes to them, and the uncovered households, villages and
// organisations in it — nothing named outside it. "scope" says which.
nlohmann::json PairingSummaryJson(const PairRun& run, std::string_view subtree);

// An explanation as JSON: {household, village, unit, contact, assistance,
// tier, tier_matches, matched_skills, rules, alternatives [{pairing, code,
// cost_delta, coverage_delta, note}]}.
nlohmann::json ExplanationJson(const Explanation& explanation);

}  // namespace lianxin
