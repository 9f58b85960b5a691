// The inspections' storage behind the Store interface: the repository
// written once on the SQL seam (oversight/inspection_repository.hpp) does
// the work, on the store's own connection and, for writes, the
// transaction's journal.
#include "store/sql_store/internal.hpp"

namespace lianxin::sql_store {

Result<std::string> SqlTxn::OpenInspection(const Inspection& inspection,
                                           const std::vector<std::string>& households) {
  if (!open_) return Status::Internal("写事务已结束");
  return InspectionRepository(store_.seam(), &journal_, at_millis_).Open(inspection, households);
}

Status SqlTxn::RecordInspectionCheck(const InspectionCheck& check) {
  if (!open_) return Status::Internal("写事务已结束");
  return InspectionRepository(store_.seam(), &journal_, at_millis_).Record(check);
}

Status SqlTxn::CloseInspection(std::string_view id) {
  if (!open_) return Status::Internal("写事务已结束");
  return InspectionRepository(store_.seam(), &journal_, at_millis_).Close(id);
}

Result<InspectionCandidates> SqlStore::InspectionCandidatesUnder(std::string_view region) {
  return InspectionRepository(seam()).Candidates(region);
}

Result<std::optional<Inspection>> SqlStore::GetInspection(std::string_view id) {
  return InspectionRepository(seam()).Get(id);
}

Result<std::vector<Inspection>> SqlStore::ListInspections(std::string_view region) {
  return InspectionRepository(seam()).List(region);
}

Result<std::vector<InspectionCheck>> SqlStore::InspectionChecks(std::string_view id) {
  return InspectionRepository(seam()).Checks(id);
}

Result<std::vector<Callback>> SqlTxn::AddCallbacks(std::string_view region, std::string_view month,
                                                   std::string_view seed, double share) {
  if (!open_) return Status::Internal("写事务已结束");
  return CallbackRepository(store_.seam(), &journal_, at_millis_).Add(region, month, seed, share);
}

Status SqlTxn::RecordCallback(std::string_view visit_id, CallbackOutcome outcome, const std::string& note) {
  if (!open_) return Status::Internal("写事务已结束");
  return CallbackRepository(store_.seam(), &journal_, at_millis_).Record(visit_id, outcome, note, actor_);
}

Result<std::vector<Callback>> SqlStore::ListCallbacks(std::string_view region, std::string_view month) {
  return CallbackRepository(seam()).List(region, month);
}

Status SqlTxn::RateCadre(std::string_view household_code, std::string_view cadre_code, int year,
                         Satisfaction satisfaction) {
  if (!open_) return Status::Internal("写事务已结束");
  return RatingRepository(store_.seam(), &journal_, at_millis_)
      .Rate(household_code, cadre_code, year, satisfaction);
}

Result<std::map<std::string, Satisfaction>> SqlStore::RatingsByHousehold(std::string_view household_code,
                                                                         int year) {
  return RatingRepository(seam()).ByHousehold(household_code, year);
}

Result<std::vector<Satisfaction>> SqlStore::RatingsOfCadre(std::string_view cadre_code, int from_year,
                                                           int to_year) {
  return RatingRepository(seam()).OfCadre(cadre_code, from_year, to_year);
}

}  // namespace lianxin::sql_store
