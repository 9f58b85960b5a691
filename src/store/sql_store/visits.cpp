// The visits' storage behind the Store interface: the repository written
// once on the SQL seam (fieldwork/visit_repository.hpp) does the work, on
// the store's own connection and, for writes, the transaction's journal.
#include "store/sql_store/internal.hpp"

namespace lianxin::sql_store {

Result<std::string> SqlTxn::AddVisit(const Visit& visit, const std::string& recorded_by) {
  if (!open_) return Status::Internal("写事务已结束");
  return VisitRepository(store_.seam(), &journal_, at_millis_).Add(visit, recorded_by);
}

Status SqlTxn::ConfirmVisit(std::string_view id, std::string_view household_code) {
  if (!open_) return Status::Internal("写事务已结束");
  return VisitRepository(store_.seam(), &journal_, at_millis_).Confirm(id, household_code);
}

Result<std::vector<Visit>> SqlStore::VisitsOfHousehold(std::string_view household_code, int limit) {
  return VisitRepository(seam()).OfHousehold(household_code, limit);
}

Result<std::vector<Visit>> SqlStore::VisitsByCadre(std::string_view cadre_code) {
  return VisitRepository(seam()).ByCadre(cadre_code);
}

Result<FieldworkPage<Visit>> SqlStore::ListVisits(const FieldworkQuery& query) {
  return VisitRepository(seam()).List(query);
}

Result<std::vector<VisitDuty>> SqlStore::DutiesOf(std::string_view cadre_code, const Date& today) {
  return VisitRepository(seam()).DutiesOf(cadre_code, today);
}

}  // namespace lianxin::sql_store
