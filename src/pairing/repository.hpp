// The pairing's storage (PRODUCT.md §2), written once on the SQL seam for
// every database: the current pairs, the pins, the history of every change
// and what the last run could not cover. Writes are journaled through the
// caller's JournalWriter, in the caller's transaction; the store behind the
// Store interface delegates here.
//
//   PairingRepository pairs(db);                      // reads only
//   LX_ASSIGN_OR_RETURN(PairingState current, pairs.Pairs("149901"));
//   PairingRepository writes(db, &journal, now_millis);
//   LX_ASSIGN_OR_RETURN(PairChanges changes, writes.Apply(next, "结对计算", "149901"));
//
// Threads: one repository per connection and transaction, one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "journal/writer.hpp"
#include "lianxin/pairs.hpp"
#include "lianxin/store.hpp"

namespace lianxin {

class PairingRepository {
 public:
  // `journal` (and `at_millis`, the time its history entries carry) only
  // when the repository writes.
  explicit PairingRepository(sql::Connection& db, JournalWriter* journal = nullptr,
                             std::int64_t at_millis = 0)
      : db_(db), journal_(journal), at_millis_(at_millis) {}

  // Its journaled tables: pairs, pins, pair_history, pairing_uncovered.
  static const std::vector<const JournalTable*>& Tables();

  // All, or one county's (a 6-digit code), sorted as PairingState says.
  Result<PairingState> Pairs(std::string_view county);
  Result<PairingState> Pins(std::string_view county);
  // As Store::RecordedUncovered and Store::PairHistory say.
  Result<std::vector<Uncovered>> RecordedUncovered(std::string_view county);
  Result<std::vector<PairHistoryEntry>> History(std::string_view held);

  // As WriteTxn::ApplyPairing, RecordUncovered, SetPin and RemovePin say;
  // Apply keeps the exit gate (WriteTxn::AllowExitWithOpenTasks).
  Result<PairChanges> Apply(const PairingState& next, const std::string& reason, std::string_view county);
  void AllowExitWithOpenTasks(std::string reason) { exit_override_ = std::move(reason); }
  Status RecordUncovered(const std::vector<Uncovered>& uncovered, std::string_view county);
  Status SetPin(PairingKind kind, const std::string& holder, const std::string& held,
                const std::string& reason);
  Status RemovePin(PairingKind kind, const std::string& holder, const std::string& held);

  // The county of the record `held` names for a pairing kind (a village,
  // household or org); kConflict when there is none. Kept for the transaction.
  Result<std::string> CountyOfHeld(PairingKind kind, const std::string& held);

 private:
  Result<PairingState> Read(std::string_view table, std::string_view county);
  // Every record of `table` (of `county`, unless empty) into the county cache.
  Status ReadCounties(std::string_view table, std::string_view county);
  // The history's next row (its number, the held record's county).
  Result<JournalRow> HistoryRow(PairingKind kind, const std::string& held, const std::string& from,
                                const std::string& to, const std::string& reason);
  // New rows of `table`: into an empty table, kLoadFrom rows or more, by the
  // journal's loader (written and digested on its own thread, the indexes
  // made again at commit; a county's first pairing), else one by one.
  Status InsertNew(const JournalTable& table, std::vector<JournalRow> rows);
  static constexpr size_t kLoadFrom = 1000;
  Status Writable() const;
  // The exit gate for one unit leaving one village: refused (kConflict,
  // exit_gate) while its cadres' tasks there are open, unless overridden,
  // when the override is journaled with the open tasks.
  Status CheckExit(const std::string& unit, const std::string& village);

  sql::Connection& db_;
  JournalWriter* journal_;
  std::int64_t at_millis_;
  std::unordered_map<std::string, std::string> county_cache_;
  std::int64_t next_history_seq_ = 0;
  std::string exit_override_;
};

}  // namespace lianxin
