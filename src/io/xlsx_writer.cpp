// Writing XLSX with libxlsxwriter, and choosing a reader or writer by the
// file's extension.
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "io/internal.hpp"
#include "lianxin/table_io.hpp"

namespace lianxin {

namespace {

std::string ErrnoText(int err) { return std::error_code(err, std::generic_category()).message(); }

struct WorkbookFreer {
  void operator()(lxw_workbook* workbook) const { lxw_workbook_free(workbook); }
};
using WorkbookPtr = std::unique_ptr<lxw_workbook, WorkbookFreer>;

class XlsxWriter final : public TableWriter {
 public:
  XlsxWriter(WorkbookPtr workbook, lxw_worksheet* sheet, lxw_format* header, std::string temp,
             std::string path)
      : workbook_(std::move(workbook)),
        sheet_(sheet),
        header_(header),
        temp_(std::move(temp)),
        path_(std::move(path)) {}

  ~XlsxWriter() override {
    if (!committed_) {
      workbook_.reset();
      unlink(temp_.c_str());
    }
  }

  Status Write(const std::vector<std::string>& cells) override {
    if (!error_.ok()) return error_;
    if (!workbook_) return Status::Internal("文件已关闭，不能再写入 (writer_closed)");
    static_assert(LXW_ROW_MAX == kXlsxMaxRows);
    if (row_ >= LXW_ROW_MAX) {
      return Status::Invalid("超过 XLSX 的行数上限 " + std::to_string(LXW_ROW_MAX) +
                             " 行 (xlsx_too_many_rows)");
    }
    if (cells.size() > LXW_COL_MAX) {
      return Status::Invalid("超过 XLSX 的列数上限 " + std::to_string(LXW_COL_MAX) +
                             " 列 (xlsx_too_many_columns)");
    }
    lxw_format* format = row_ == 0 ? header_ : nullptr;
    for (size_t col = 0; col < cells.size(); ++col) {
      // Empty cells are left out; the reader fills gaps by column letter.
      if (cells[col].empty()) continue;
      lxw_error err =
          worksheet_write_string(sheet_, row_, static_cast<lxw_col_t>(col), cells[col].c_str(), format);
      if (err == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED) {
        return Status::Invalid("第 " + std::to_string(row_ + 1) + " 行第 " + std::to_string(col + 1) +
                               " 列的文字超过 XLSX 单元格上限 32767 个字符 (xlsx_cell_too_long)");
      }
      if (err != LXW_NO_ERROR) {
        error_ = Status::Internal("无法写入 XLSX 文件 " + path_ + "：" + lxw_strerror(err) + " (file_write)");
        return error_;
      }
    }
    ++row_;
    return Status::Ok();
  }

  Status Close() override {
    if (!error_.ok()) return error_;
    if (!workbook_) return Status::Ok();
    // workbook_close frees the workbook whatever it returns.
    lxw_error err = workbook_close(workbook_.release());
    if (err != LXW_NO_ERROR) {
      error_ = Status::Internal("无法写入 XLSX 文件 " + path_ + "：" + lxw_strerror(err) + " (file_write)");
      return error_;
    }
    // libxlsxwriter closes its file without fsync; without it a crash just
    // after the rename could leave an empty file under the final name.
    FILE* file = fopen(temp_.c_str(), "rb");
    if (file == nullptr || fsync(fileno(file)) != 0) {
      int err_no = errno;
      if (file != nullptr) fclose(file);
      error_ = Status::Internal("无法写入 XLSX 文件 " + path_ + "：" + ErrnoText(err_no) + " (file_write)");
      return error_;
    }
    fclose(file);
    error_ = io_internal::CommitTemp(temp_, path_);
    if (!error_.ok()) return error_;
    committed_ = true;
    return Status::Ok();
  }

 private:
  WorkbookPtr workbook_;
  lxw_worksheet* sheet_;
  lxw_format* header_;
  std::string temp_;
  std::string path_;
  lxw_row_t row_ = 0;
  Status error_;
  bool committed_ = false;
};

std::string LowerExtension(const std::string& path) {
  size_t slash = path.find_last_of('/');
  size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
  std::string ext = path.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return ext;
}

Status UnsupportedType(const std::string& path) {
  std::string ext = LowerExtension(path);
  if (ext == ".xls" || ext == ".et" || ext == ".ods" || ext == ".numbers") {
    return Status::Invalid("不支持的文件类型 " + path +
                           "，请在表格软件中另存为 .xlsx 或 .csv 后再试 (file_type)");
  }
  return Status::Invalid("不支持的文件类型 " + path + "，只支持 .xlsx 和 .csv (file_type)");
}

struct FileCloser {
  void operator()(FILE* f) const { fclose(f); }
};

Result<std::string> ReadWholeFile(const std::string& path) {
  std::unique_ptr<FILE, FileCloser> file(fopen(path.c_str(), "rb"));
  if (!file) return Status::Invalid("无法读取文件 " + path + "：" + ErrnoText(errno) + " (file_read)");
  std::string bytes;
  // Sized up front: growing by doubling would briefly need twice the file.
  struct stat info;
  if (fstat(fileno(file.get()), &info) == 0 && info.st_size > 0)
    bytes.reserve(static_cast<size_t>(info.st_size));
  char buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, file.get())) > 0) bytes.append(buf, n);
  if (ferror(file.get())) {
    return Status::Invalid("无法读取文件 " + path + "：" + ErrnoText(errno) + " (file_read)");
  }
  return bytes;
}

}  // namespace

Result<std::unique_ptr<TableWriter>> CreateXlsxWriter(const std::string& path, const std::string& sheet) {
  int fd = -1;
  LX_ASSIGN_OR_RETURN(std::string temp, io_internal::CreateTempBeside(path, fd));
  // libxlsxwriter opens the file by name itself; the descriptor only
  // reserved a unique name in the target's directory.
  close(fd);
  auto fail = [&](Status status) -> Status {
    unlink(temp.c_str());
    return status;
  };

  lxw_workbook_options options = {};
  // Rows go straight to a temporary file, so a million-row export does not
  // hold the sheet in memory.
  options.constant_memory = LXW_TRUE;
  options.tmpdir = nullptr;
  WorkbookPtr workbook(workbook_new_opt(temp.c_str(), &options));
  if (!workbook) return fail(Status::Internal("无法创建 XLSX 文件 " + path + " (file_write)"));

  std::string name = sheet.empty() ? "Sheet1" : sheet;
  lxw_error err = workbook_validate_sheet_name(workbook.get(), name.c_str());
  if (err != LXW_NO_ERROR) {
    return fail(Status::Invalid("工作表名称“" + name +
                                "”无效：最长 31 个字符，不能含有 [ ] : * ? / \\ (sheet_name)"));
  }
  lxw_worksheet* worksheet = workbook_add_worksheet(workbook.get(), name.c_str());
  lxw_format* header = workbook_add_format(workbook.get());
  if (worksheet == nullptr || header == nullptr) {
    return fail(Status::Internal("无法创建 XLSX 文件 " + path + " (file_write)"));
  }
  format_set_bold(header);
  return std::unique_ptr<TableWriter>(
      std::make_unique<XlsxWriter>(std::move(workbook), worksheet, header, std::move(temp), path));
}

Result<std::unique_ptr<TableWriter>> CreateTableWriter(const std::string& path, const std::string& sheet) {
  std::string ext = LowerExtension(path);
  if (ext == ".csv") return CreateCsvWriter(path);
  if (ext == ".xlsx") return CreateXlsxWriter(path, sheet);
  return UnsupportedType(path);
}

// A zip's local file header signature, PK\3\4.
bool IsZip(std::string_view bytes) {
  return bytes.size() >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
}

Result<std::unique_ptr<TableReader>> OpenTableFile(const std::string& path, const HeaderTest& holds_header) {
  std::string ext = LowerExtension(path);
  if (ext != ".csv" && ext != ".xlsx" && ext != ".xls") return UnsupportedType(path);
  Result<std::string> read = ReadWholeFile(path);
  if (!read.ok()) return read.status();
  std::string bytes = std::move(*read);
  // Offices rename files: a workbook saved as .xls or .csv is still read as
  // the workbook its bytes say it is (a zip starts "PK\3\4").
  if (IsZip(bytes)) return OpenXlsx(std::move(bytes), holds_header);
  if (ext == ".xls") return UnsupportedType(path);
  if (ext == ".csv") return OpenCsv(std::move(bytes));
  return OpenXlsx(std::move(bytes), holds_header);
}

}  // namespace lianxin
