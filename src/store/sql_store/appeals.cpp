// The appeals' storage behind the Store interface: the repository written
// once on the SQL seam (fieldwork/appeal_repository.hpp) does the work, on
// the store's own connection and, for writes, the transaction's journal.
#include "store/sql_store/internal.hpp"

namespace lianxin::sql_store {

Result<Appeal> SqlTxn::FileAppeal(const Appeal& appeal, const std::string& actor) {
  if (!open_) return Status::Internal("写事务已结束");
  return AppealRepository(store_.seam(), &journal_, at_millis_).File(appeal, actor);
}

Status SqlTxn::RecordAppealStep(const Appeal& next, const AppealEvent& event, const std::string& actor) {
  if (!open_) return Status::Internal("写事务已结束");
  return AppealRepository(store_.seam(), &journal_, at_millis_).Record(next, event, actor);
}

Status SqlTxn::UpdateAppeal(const Appeal& appeal) {
  if (!open_) return Status::Internal("写事务已结束");
  return AppealRepository(store_.seam(), &journal_, at_millis_).Update(appeal);
}

Result<std::optional<Appeal>> SqlStore::GetAppeal(std::string_view id) {
  return AppealRepository(seam()).Get(id);
}

Result<std::vector<AppealStep>> SqlStore::AppealSteps(std::string_view id) {
  return AppealRepository(seam()).Steps(id);
}

Result<AppealPage> SqlStore::ListAppeals(const AppealQuery& query) {
  return AppealRepository(seam()).List(query);
}

Status SqlStore::ScanAppeals(const AppealQuery& query, const std::function<Status(const Appeal&)>& each) {
  return AppealRepository(seam()).Scan(query, each);
}

Result<std::optional<HandlerKind>> SqlStore::KindOfHandler(std::string_view code) {
  return AppealRepository(seam()).KindOfHandler(code);
}

}  // namespace lianxin::sql_store
