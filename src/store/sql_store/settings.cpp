// The console's settings over the configuration file (settings.hpp): one
// row per section, replaced whole on each change with its version one more.
#include "store/sql_store/internal.hpp"

namespace lianxin::sql_store {

const TableDef& SettingsDef() {
  static const TableDef kDef{
      "settings", {{"section"}, {"toml"}, {"version"}, {"updated_by"}, {"updated_millis"}}, "section"};
  return kDef;
}

Result<std::int64_t> SqlTxn::PutSetting(std::string_view section, std::string_view toml,
                                        std::int64_t expected_version) {
  if (!open_) return Status::Internal("写事务已结束");
  LX_ASSIGN_OR_RETURN(Statement * select, store_.Prepare("SELECT version FROM settings WHERE section = ?1"));
  select->Bind(1, section);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  const std::int64_t version = found ? select->Int(0) : 0;
  select->Reset();
  if (version != expected_version) {
    return Status::Conflict("参数 " + std::string(section) + " 已被他人修改(现为第 " +
                            std::to_string(version) + " 版),请刷新后再改 (setting_stale)");
  }
  LX_RETURN_IF_ERROR(
      UpsertImage(SettingsDef(), {Cell::Text(section), Cell::Text(toml), Cell::Int(version + 1),
                                  Cell::Text(actor_), Cell::Int(at_millis_)})
          .status());
  return version + 1;
}

Result<std::vector<StoredSetting>> SqlStore::Settings() {
  LX_ASSIGN_OR_RETURN(Statement * select, Prepare(SelectSql(SettingsDef()) + " ORDER BY section"));
  std::vector<StoredSetting> out;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    out.push_back({std::string(select->Text(0)), std::string(select->Text(1)), select->Int(2),
                   std::string(select->Text(3)), select->Int(4)});
  }
  return out;
}

}  // namespace lianxin::sql_store
