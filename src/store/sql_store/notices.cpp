// The published monthly notices (每月公示): written once, read by id or by
// region, never changed.
#include "lianxin/registry.hpp"
#include "store/sql_store/internal.hpp"

namespace lianxin::sql_store {

const TableDef& NoticesDef() {
  static const TableDef kDef{"notices",
                             {{"id"},
                              {"region_code"},
                              {"month"},
                              {"title"},
                              {"journal_seq"},
                              {"journal_hash"},
                              {"figures"},
                              {"digest"},
                              {"published_millis"},
                              {"published_by"},
                              {"county_code"}},
                             "id"};
  return kDef;
}

namespace {

NoticeRecord ReadNotice(const Statement& row) {
  return NoticeRecord{std::string(row.Text(0)),
                      std::string(row.Text(1)),
                      std::string(row.Text(2)),
                      std::string(row.Text(3)),
                      row.Int(4),
                      std::string(row.Text(5)),
                      std::string(row.Text(6)),
                      std::string(row.Text(7)),
                      row.Int(8),
                      std::string(row.Text(9))};
}

}  // namespace

Status SqlTxn::PublishNotice(const NoticeRecord& notice) {
  if (!open_) return Status::Internal("写事务已结束");
  LX_ASSIGN_OR_RETURN(std::optional<std::string> region_county,
                      CountyOf("regions", "code", notice.region_code));
  if (!region_county) return Status::NotFound("区划不存在: " + notice.region_code + " (not_found)");
  const std::string& county = *region_county;
  LX_ASSIGN_OR_RETURN(Statement * taken,
                      store_.Prepare("SELECT published_millis FROM notices WHERE id = ?1"));
  taken->Bind(1, notice.id);
  LX_ASSIGN_OR_RETURN(bool exists, taken->Step());
  taken->Reset();
  if (exists) {
    return Status::Conflict(notice.region_code + " " + notice.month +
                            " 的公示已经发布,发布后不再更改;更正请写入下月公示 (notice_published)");
  }
  LX_ASSIGN_OR_RETURN(
      UpsertOutcome outcome,
      UpsertImage(NoticesDef(),
                  {Cell::Text(notice.id), Cell::Text(notice.region_code), Cell::Text(notice.month),
                   Cell::Text(notice.title), Cell::Int(notice.journal_seq), Cell::Text(notice.journal_hash),
                   Cell::Text(notice.figures), Cell::Text(notice.digest), Cell::Int(at_millis_),
                   Cell::Text(notice.published_by), Cell::Text(county)}));
  if (outcome != UpsertOutcome::kInserted) return Status::Internal("公示编号重复: " + notice.id);
  return Status::Ok();
}

Result<std::optional<NoticeRecord>> SqlStore::GetNotice(std::string_view id) {
  LX_ASSIGN_OR_RETURN(Statement * select, Prepare(SelectSql(NoticesDef()) + " WHERE id = ?1"));
  select->Bind(1, id);
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  std::optional<NoticeRecord> notice;
  if (found) notice = ReadNotice(*select);
  select->Reset();
  return notice;
}

Result<std::vector<NoticeRecord>> SqlStore::ListNotices(std::string_view region) {
  std::string prefix;
  if (!region.empty()) {
    std::optional<std::string> subtree = RegionSubtreePrefix(region);
    if (!subtree) return Status::Invalid("region 应为 6 位或 12 位区划代码 (region_format)", "region");
    prefix = *subtree;
  }
  LX_ASSIGN_OR_RETURN(
      Statement * select,
      Prepare(SelectSql(NoticesDef()) +
              " WHERE substr(region_code, 1, length(?1)) = ?1 ORDER BY month DESC, region_code"));
  select->Bind(1, prefix);
  std::vector<NoticeRecord> notices;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    notices.push_back(ReadNotice(*select));
  }
  return notices;
}

}  // namespace lianxin::sql_store
