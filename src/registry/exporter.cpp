#include <filesystem>

#include "lianxin/registry_io.hpp"
#include "registry/columns.hpp"

namespace lianxin {

namespace {

std::string SheetName(RecordKind kind) { return std::string(Token(kind)); }

// Writes each record of one kind as a row.
class WriterSink final : public RegistrySink {
 public:
  WriterSink(TableWriter& writer, bool reveal, Progress& progress)
      : writer_(writer), reveal_(reveal), progress_(progress) {}
  Status Add(const Region& r) override { return Write(Cells(r, reveal_)); }
  Status Add(const Unit& u) override { return Write(Cells(u, reveal_)); }
  Status Add(const Org& o) override { return Write(Cells(o, reveal_)); }
  Status Add(const Cadre& c) override { return Write(Cells(c, reveal_)); }
  Status Add(const Household& h) override { return Write(Cells(h, reveal_)); }
  Status Add(const Member& m) override { return Write(Cells(m, reveal_)); }

 private:
  Status Write(const std::vector<std::string>& cells) {
    progress_.Update(++written_);
    return writer_.Write(cells);
  }

  TableWriter& writer_;
  bool reveal_;
  Progress& progress_;
  std::uint64_t written_ = 0;
};

// The records of `kind` in the database, for the progress line's total.
std::uint64_t Total(Store& store, RecordKind kind) {
  Result<RegistryCounts> counts = store.Counts();
  if (!counts.ok()) return 0;
  switch (kind) {
    case RecordKind::kRegions:
      return static_cast<std::uint64_t>(counts->regions);
    case RecordKind::kUnits:
      return static_cast<std::uint64_t>(counts->units);
    case RecordKind::kOrgs:
      return static_cast<std::uint64_t>(counts->orgs);
    case RecordKind::kCadres:
      return static_cast<std::uint64_t>(counts->cadres);
    case RecordKind::kHouseholds:
      return static_cast<std::uint64_t>(counts->households);
    case RecordKind::kMembers:
      return static_cast<std::uint64_t>(counts->members);
  }
  return 0;
}

}  // namespace

Status ExportKind(Store& store, RecordKind kind, const std::string& path, const ExportOptions& options) {
  LX_ASSIGN_OR_RETURN(std::unique_ptr<TableWriter> writer, CreateTableWriter(path, SheetName(kind)));
  LX_RETURN_IF_ERROR(writer->Write(ImportHeaders(kind)));
  Progress& progress = *options.progress;
  // A scoped export reaches part of the county: its total is not known.
  progress.Begin("导出 " + path, options.scope ? 0 : Total(store, kind), "条");
  struct EndStep {
    Progress& progress;
    ~EndStep() { progress.End(); }
  } end_step{progress};
  WriterSink sink(*writer, options.reveal, progress);
  if (!options.scope) {
    LX_RETURN_IF_ERROR(store.Scan(kind, sink));
    return writer->Close();
  }
  // Only what the scope reaches, a page at a time.
  ListQuery query;
  query.scope = *options.scope;
  query.limit = 1000;
  do {
    LX_ASSIGN_OR_RETURN(ListPage page, store.List(kind, query, sink));
    query.cursor = page.next;
  } while (!query.cursor.empty());
  return writer->Close();
}

Status WriteTemplate(RecordKind kind, const std::string& path) {
  LX_ASSIGN_OR_RETURN(std::unique_ptr<TableWriter> writer, CreateTableWriter(path, SheetName(kind)));
  std::vector<std::string> headers, example;
  for (const ColumnSpec& column : Columns(kind)) {
    if (column.computed) continue;
    // The template marks required columns the way offices expect: 户编号*.
    headers.push_back(std::string(column.header) + (column.required ? "*" : ""));
    example.emplace_back(column.example);
  }
  LX_RETURN_IF_ERROR(writer->Write(headers));
  LX_RETURN_IF_ERROR(writer->Write(example));
  return writer->Close();
}

Result<std::unique_ptr<ExportDirSink>> ExportDirSink::Open(const std::string& dir,
                                                           const ExportOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Invalid("无法创建目录 " + dir + ": " + ec.message() + " (dir_create)");
  std::unique_ptr<ExportDirSink> sink(new ExportDirSink());
  sink->options_ = options;
  for (RecordKind kind : kAllRecordKinds) {
    for (const char* extension : {".csv", ".xlsx"}) {
      std::string path = (std::filesystem::path(dir) / (SheetName(kind) + extension)).string();
      LX_ASSIGN_OR_RETURN(std::unique_ptr<TableWriter> writer, CreateTableWriter(path, SheetName(kind)));
      LX_RETURN_IF_ERROR(writer->Write(ImportHeaders(kind)));
      sink->writers_.push_back(std::move(writer));
    }
  }
  return sink;
}

ExportDirSink::~ExportDirSink() = default;

Status ExportDirSink::Write(RecordKind kind, const std::vector<std::string>& cells) {
  size_t base = static_cast<size_t>(kind) * 2;
  LX_RETURN_IF_ERROR(writers_[base]->Write(cells));
  std::unique_ptr<TableWriter>& xlsx = writers_[base + 1];
  if (!xlsx) return Status::Ok();
  if (++rows_[static_cast<size_t>(kind)] > options_.xlsx_max_rows) {
    // Dropping the writer unclosed removes its temporary file: no truncated workbook is left behind.
    xlsx.reset();
    notes_.push_back(std::string(Token(kind)) + ".xlsx: 超过 Excel 每表 " +
                     std::to_string(options_.xlsx_max_rows) +
                     " 行的上限,只写出 CSV (more rows than a worksheet holds; CSV only)");
    return Status::Ok();
  }
  return xlsx->Write(cells);
}

Status ExportDirSink::Add(const Region& r) { return Write(RecordKind::kRegions, Cells(r, options_.reveal)); }
Status ExportDirSink::Add(const Unit& u) { return Write(RecordKind::kUnits, Cells(u, options_.reveal)); }
Status ExportDirSink::Add(const Org& o) { return Write(RecordKind::kOrgs, Cells(o, options_.reveal)); }
Status ExportDirSink::Add(const Cadre& c) { return Write(RecordKind::kCadres, Cells(c, options_.reveal)); }
Status ExportDirSink::Add(const Household& h) {
  return Write(RecordKind::kHouseholds, Cells(h, options_.reveal));
}
Status ExportDirSink::Add(const Member& m) { return Write(RecordKind::kMembers, Cells(m, options_.reveal)); }

Status ExportDirSink::Close() {
  for (auto& writer : writers_) {
    if (writer) LX_RETURN_IF_ERROR(writer->Close());
  }
  return Status::Ok();
}

}  // namespace lianxin
