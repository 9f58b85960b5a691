// The pairing's storage behind the Store interface: the repository written
// once on the SQL seam (pairing/repository.hpp) does the work, on the
// store's own connection and, for writes, the transaction's journal.
#include "store/sqlite/internal.hpp"

namespace lianxin::sqlite_store {

Result<PairChanges> SqliteTxn::ApplyPairing(const PairingState& next, const std::string& reason,
                                            std::string_view county) {
  return pairing().Apply(next, reason, county);
}

Status SqliteTxn::RecordUncovered(const std::vector<Uncovered>& uncovered, std::string_view county) {
  return pairing().RecordUncovered(uncovered, county);
}

Status SqliteTxn::SetPin(PairingKind kind, const std::string& holder, const std::string& held,
                         const std::string& reason) {
  return pairing().SetPin(kind, holder, held, reason);
}

Status SqliteTxn::RemovePin(PairingKind kind, const std::string& holder, const std::string& held) {
  return pairing().RemovePin(kind, holder, held);
}

Result<std::vector<Uncovered>> SqliteStore::RecordedUncovered(std::string_view county) {
  return PairingRepository(seam()).RecordedUncovered(county);
}

Result<std::vector<PairHistoryEntry>> SqliteStore::PairHistory(std::string_view held) {
  return PairingRepository(seam()).History(held);
}

}  // namespace lianxin::sqlite_store
