// CSV reading (RFC 4180 as Excel and WPS write it) and writing.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
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

// CSV injection (OWASP): a spreadsheet runs a cell that starts with = + - @
// (or a tab or CR) as a formula. The writer puts a ' before such a cell
// unless it is a plain number; the reader takes that ' off again, so an
// import reads back exactly what an export wrote.
bool StartsFormula(std::string_view cell) {
  if (cell.empty() || std::string_view("=+-@\t\r").find(cell.front()) == std::string_view::npos) return false;
  std::string_view rest = cell.substr(1);
  bool digits = !rest.empty() && (cell.front() == '-' || cell.front() == '+');
  bool point = false;
  for (char c : rest) {
    if (c == '.' && !point) {
      point = true;
    } else if (c < '0' || c > '9') {
      digits = false;
    }
  }
  return !digits;
}

void UndoFormulaGuard(std::string& cell) {
  if (cell.size() >= 2 && cell.front() == '\'' && StartsFormula(std::string_view(cell).substr(1)))
    cell.erase(0, 1);
}

using io_internal::NormalizeCellInPlace;

std::string ErrnoText(int err) { return std::error_code(err, std::generic_category()).message(); }

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

constexpr auto kEndsField = [] {
  std::array<bool, 256> table{};
  table[','] = table['\n'] = table['\r'] = true;
  return table;
}();

// The record (as a spreadsheet numbers it) holding byte OFFSET of raw CSV
// bytes. Quotes, CR and LF never occur inside a GB18030 multi-byte character
// (trail bytes are 0x30-0x39 and 0x40-0xFE), so this works before conversion.
int RecordAt(std::string_view bytes, size_t offset) {
  int record = 1;
  bool quoted = false;
  for (size_t i = 0; i < offset && i < bytes.size(); ++i) {
    char c = bytes[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && (c == '\n' || (c == '\r' && (i + 1 >= bytes.size() || bytes[i + 1] != '\n')))) {
      ++record;
    }
  }
  return record;
}

class CsvReader final : public TableReader {
 public:
  CsvReader(std::string text, size_t start) : text_(std::move(text)), pos_(start) {}
  double Fraction() const override {
    return text_.empty() ? 1.0 : static_cast<double>(pos_) / static_cast<double>(text_.size());
  }

  Result<bool> Next(TableRow& row) override {
    if (!error_.ok()) return error_;
    while (pos_ < text_.size()) {
      if (record_ == INT_MAX) {
        error_ = Status::Invalid("文件行数过多 (csv_too_many_rows)");
        return error_;
      }
      ++record_;
      if (!ParseRecord(row.cells)) {
        error_ = Status::Invalid("第 " + std::to_string(record_) + " 行引号未闭合 (csv_unterminated_quote)");
        return error_;
      }
      if (!row.cells.empty()) {
        row.number = record_;
        return true;
      }
    }
    return false;
  }

 private:
  // Parses the record at pos_ into CELLS, reusing their buffers, and drops
  // trailing empty cells (Excel pads every row to the widest one with commas).
  // Returns false if a quoted field runs to the end of the file.
  bool ParseRecord(std::vector<std::string>& cells) {
    const char* p = text_.data() + pos_;
    const char* const end = text_.data() + text_.size();
    size_t used = 0;
    size_t filled = 0;  // cells up to the last non-empty one
    while (true) {
      if (used == cells.size()) cells.emplace_back();
      std::string& cell = cells[used++];
      cell.clear();
      if (p < end && *p == '"') {
        ++p;
        while (true) {
          const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
          if (q == nullptr) return false;
          cell.append(p, q);
          p = q + 1;
          if (p < end && *p == '"') {
            cell.push_back('"');
            ++p;
            continue;
          }
          break;
        }
        // Text after the closing quote is kept, as Excel keeps it.
      }
      const char* q = p;
      while (q < end && !kEndsField[static_cast<unsigned char>(*q)]) ++q;
      cell.append(p, q);
      p = q;
      NormalizeCellInPlace(cell);
      UndoFormulaGuard(cell);
      if (!cell.empty()) filled = used;
      if (p < end && *p == ',') {
        ++p;
        continue;
      }
      if (p < end) {
        if (*p == '\r' && p + 1 < end && p[1] == '\n') ++p;
        ++p;
      }
      break;
    }
    pos_ = static_cast<size_t>(p - text_.data());
    cells.resize(filled);
    return true;
  }

  std::string text_;
  size_t pos_;
  int record_ = 0;
  Status error_;
};

struct FileCloser {
  void operator()(FILE* f) const { fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

bool NeedsQuotes(std::string_view cell) {
  if (cell.empty()) return false;
  if (cell.front() == ' ' || cell.front() == '\t' || cell.back() == ' ' || cell.back() == '\t') return true;
  return cell.find_first_of(",\"\r\n") != std::string_view::npos;
}

class CsvWriter final : public TableWriter {
 public:
  CsvWriter(FilePtr file, std::string temp, std::string path)
      : file_(std::move(file)), temp_(std::move(temp)), path_(std::move(path)) {}

  ~CsvWriter() override {
    if (!committed_) {
      file_.reset();
      unlink(temp_.c_str());
    }
  }

  Status Write(const std::vector<std::string>& cells) override {
    if (!error_.ok()) return error_;
    if (!file_) return Status::Internal("文件已关闭，不能再写入 (writer_closed)");
    line_.clear();
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line_.push_back(',');
      const std::string& cell = StartsFormula(cells[i]) ? "'" + cells[i] : cells[i];
      if (!NeedsQuotes(cell)) {
        line_ += cell;
        continue;
      }
      line_.push_back('"');
      for (char c : cell) {
        if (c == '"') line_.push_back('"');
        line_.push_back(c);
      }
      line_.push_back('"');
    }
    line_ += "\r\n";
    if (fwrite(line_.data(), 1, line_.size(), file_.get()) != line_.size()) {
      error_ = WriteError(errno);
      return error_;
    }
    return Status::Ok();
  }

  Status Close() override {
    if (!error_.ok()) return error_;
    if (!file_) return Status::Ok();
    FILE* f = file_.release();
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    int err = errno;
    if (fclose(f) != 0 && ok) {
      ok = false;
      err = errno;
    }
    if (!ok) {
      error_ = WriteError(err);
      return error_;
    }
    error_ = io_internal::CommitTemp(temp_, path_);
    if (!error_.ok()) return error_;
    committed_ = true;
    return Status::Ok();
  }

 private:
  Status WriteError(int err) const {
    return Status::Internal("无法写入文件 " + path_ + "：" + ErrnoText(err) + " (file_write)");
  }

  FilePtr file_;
  std::string temp_;
  std::string path_;
  std::string line_;  // reused for every row
  Status error_;
  bool committed_ = false;
};

}  // namespace

namespace io_internal {

Result<std::string> CreateTempBeside(const std::string& path, int& fd) {
  std::string temp = path + ".tmp-XXXXXX";
  fd = mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) {
    return Status::Invalid("无法创建文件 " + path + "：" + ErrnoText(errno) + " (file_write)");
  }
  return temp;
}

Status CommitTemp(const std::string& temp, const std::string& path) {
  if (rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    unlink(temp.c_str());
    return Status::Internal("无法写入文件 " + path + "：" + ErrnoText(err) + " (file_write)");
  }
  return Status::Ok();
}

}  // namespace io_internal

Result<std::unique_ptr<TableReader>> OpenCsv(std::string bytes) {
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    return Status::Invalid("文件是 UTF-16 编码，请在 Excel 中另存为“CSV UTF-8”后再导入 (csv_encoding)");
  }
  size_t start = bytes.starts_with(kUtf8Bom) ? kUtf8Bom.size() : 0;
  if (DetectEncoding(bytes) == TextEncoding::kGb18030) {
    std::string utf8;
    size_t bad_offset = 0;
    if (!io_internal::Gb18030ToUtf8Into(bytes, utf8, bad_offset).ok()) {
      return Status::Invalid("第 " + std::to_string(RecordAt(bytes, bad_offset)) +
                             " 行有无法识别的文字编码（既不是 UTF-8 也不是 GB18030）(csv_encoding)");
    }
    bytes = std::move(utf8);
    start = 0;
  }
  return std::unique_ptr<TableReader>(std::make_unique<CsvReader>(std::move(bytes), start));
}

Result<std::unique_ptr<TableWriter>> CreateCsvWriter(const std::string& path) {
  int fd = -1;
  LX_ASSIGN_OR_RETURN(std::string temp, io_internal::CreateTempBeside(path, fd));
  FilePtr file(fdopen(fd, "wb"));
  if (!file) {
    int err = errno;
    close(fd);
    unlink(temp.c_str());
    return Status::Internal("无法写入文件 " + path + "：" + ErrnoText(err) + " (file_write)");
  }
  // One million rows go out in large writes rather than many small ones.
  setvbuf(file.get(), nullptr, _IOFBF, 1 << 16);
  // Without the BOM, Excel reads UTF-8 as the system code page and garbles Chinese.
  bool bom_ok = fwrite(kUtf8Bom.data(), 1, kUtf8Bom.size(), file.get()) == kUtf8Bom.size();
  int err = errno;
  auto writer = std::make_unique<CsvWriter>(std::move(file), std::move(temp), path);
  if (!bom_ok) return Status::Internal("无法写入文件 " + path + "：" + ErrnoText(err) + " (file_write)");
  return std::unique_ptr<TableWriter>(std::move(writer));
}

}  // namespace lianxin
