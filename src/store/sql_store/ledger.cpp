// The 八项规定 ledger's storage behind the Store interface: the repository
// written once on the SQL seam (oversight/ledger_repository.hpp) does the
// work, on the store's own connection and, for writes, the transaction's
// journal and actor.
#include "store/sql_store/internal.hpp"

namespace lianxin::sql_store {

Status SqlTxn::SetNoMeetingMonth(std::string_view county, std::string_view month, bool no_meeting,
                                 const std::string& note) {
  if (!open_) return Status::Internal("写事务已结束");
  return LedgerRepository(store_.seam(), &journal_, at_millis_, actor_)
      .SetNoMeetingMonth(county, month, no_meeting, note);
}

Result<std::string> SqlTxn::AddMeeting(const Meeting& meeting, const LedgerRules& rules) {
  if (!open_) return Status::Internal("写事务已结束");
  return LedgerRepository(store_.seam(), &journal_, at_millis_, actor_).AddMeeting(meeting, rules);
}

Result<std::string> SqlTxn::AddReception(const ReceptionReport& report, const LedgerRules& rules) {
  if (!open_) return Status::Internal("写事务已结束");
  return LedgerRepository(store_.seam(), &journal_, at_millis_, actor_).AddReception(report, rules);
}

Result<std::string> SqlTxn::AddExpense(const Expense& expense) {
  if (!open_) return Status::Internal("写事务已结束");
  return LedgerRepository(store_.seam(), &journal_, at_millis_, actor_).AddExpense(expense);
}

Result<std::vector<NoMeetingMonth>> SqlStore::NoMeetingMonths(std::string_view county) {
  return LedgerRepository(seam()).NoMeetingMonths(county);
}

Result<LedgerBook> SqlStore::ReadLedger(const LedgerQuery& query) {
  return LedgerRepository(seam()).Read(query);
}

}  // namespace lianxin::sql_store
