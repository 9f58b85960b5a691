// The pairing's storage behind the Store interface: the repository written
// once on the SQL seam (pairing/repository.hpp) does the work, on the
// store's own connection and, for writes, the transaction's journal.
#include "store/sql_store/internal.hpp"

namespace lianxin::sql_store {

Result<PairChanges> SqlTxn::ApplyPairing(const PairingState& next, const std::string& reason,
                                         std::string_view county) {
  // A county's first pairing inserts a hundred thousand pairs and as many
  // history rows: journaled by batches, as an import is.
  JournalInsertsInBatches();
  return pairing().Apply(next, reason, county);
}

Status SqlTxn::RecordUncovered(const std::vector<Uncovered>& uncovered, std::string_view county) {
  return pairing().RecordUncovered(uncovered, county);
}

Status SqlTxn::SetPin(PairingKind kind, const std::string& holder, const std::string& held,
                      const std::string& reason) {
  return pairing().SetPin(kind, holder, held, reason);
}

Status SqlTxn::RemovePin(PairingKind kind, const std::string& holder, const std::string& held) {
  return pairing().RemovePin(kind, holder, held);
}

Result<std::vector<Uncovered>> SqlStore::RecordedUncovered(std::string_view county) {
  return PairingRepository(seam()).RecordedUncovered(county);
}

Result<std::vector<PairHistoryEntry>> SqlStore::PairHistory(std::string_view held) {
  return PairingRepository(seam()).History(held);
}

}  // namespace lianxin::sql_store
