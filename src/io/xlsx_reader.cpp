// Reading the first worksheet of an XLSX file: the zip is opened in memory
// with minizip and each XML part is streamed through expat, so a sheet of a
// million rows is never held as rows, only one row at a time.
#include <expat.h>
#include <minizip/unzip.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "io/internal.hpp"
#include "lianxin/table_io.hpp"

namespace lianxin {

namespace {

using io_internal::NormalizeCellInPlace;

// A zip bomb expands a few hundred kilobytes into gigabytes. Parts that are
// held in memory (the shared strings) stop at 512 MiB. The worksheet is only
// streamed, so its cap bounds time rather than memory, and it must admit a
// full sheet: a million rows of ten text columns as libxlsxwriter writes them
// (inline strings) is about 600 MiB.
constexpr uint64_t kMaxPartBytes = uint64_t{512} << 20;
constexpr uint64_t kMaxSheetBytes = uint64_t{2} << 30;
// Everything inflated from one workbook, all parts and sheets together:
// bounds the time a small file can cost.
constexpr uint64_t kMaxWorkbookBytes = uint64_t{3} << 30;
// What the shared strings may hold in memory, checked as they are read: a
// million rows of ten distinct texts (about 100 MiB) fit; a zip bomb of one
// string repeated does not.
constexpr uint64_t kMaxSharedStringBytes = uint64_t{160} << 20;
constexpr uint64_t kMaxSharedStrings = uint64_t{16} << 20;
// Excel's own limit is 32,767 characters a cell: 4 bytes each in UTF-8 at
// the most (and XML escapes before decoding): no real cell is longer.
constexpr uint64_t kMaxCellBytes = 32767 * 4 + 4096;
constexpr unsigned kChunkBytes = 256 << 10;
// Expat 2.5 rescans an unfinished token from its start on every chunk, so a
// single giant tag or comment would cost quadratic time. Real parts report
// something (an element or some text) every few hundred bytes.
constexpr uint64_t kMaxBytesWithoutProgress = uint64_t{8} << 20;
// Excel's limits: XFD is the last column, 1048576 the last row.
constexpr uint32_t kMaxColumns = 16384;
constexpr int64_t kMaxRows = 1048576;

Status Corrupt() { return Status::Invalid("XLSX 文件已损坏，无法解压 (xlsx_corrupt)"); }

// ---- minizip over an in-memory buffer ----

struct MemoryFile {
  const char* data = nullptr;
  uint64_t size = 0;
  uint64_t pos = 0;
};

voidpf ZCALLBACK MemOpen(voidpf opaque, const void* /*filename*/, int /*mode*/) {
  auto* file = static_cast<MemoryFile*>(opaque);
  file->pos = 0;
  return file;
}

uLong ZCALLBACK MemRead(voidpf /*opaque*/, voidpf stream, void* buf, uLong size) {
  auto* file = static_cast<MemoryFile*>(stream);
  uint64_t left = file->size - file->pos;
  uint64_t n = size < left ? size : left;
  if (n > 0) std::memcpy(buf, file->data + file->pos, n);
  file->pos += n;
  return static_cast<uLong>(n);
}

uLong ZCALLBACK MemWrite(voidpf /*opaque*/, voidpf /*stream*/, const void* /*buf*/, uLong /*size*/) {
  return 0;
}

ZPOS64_T ZCALLBACK MemTell(voidpf /*opaque*/, voidpf stream) { return static_cast<MemoryFile*>(stream)->pos; }

long ZCALLBACK MemSeek(voidpf /*opaque*/, voidpf stream, ZPOS64_T offset, int origin) {
  auto* file = static_cast<MemoryFile*>(stream);
  uint64_t base;
  switch (origin) {
    case ZLIB_FILEFUNC_SEEK_SET:
      base = 0;
      break;
    case ZLIB_FILEFUNC_SEEK_CUR:
      base = file->pos;
      break;
    case ZLIB_FILEFUNC_SEEK_END:
      base = file->size;
      break;
    default:
      return -1;
  }
  if (offset > file->size - base) return -1;
  file->pos = base + offset;
  return 0;
}

int ZCALLBACK MemClose(voidpf /*opaque*/, voidpf /*stream*/) { return 0; }
int ZCALLBACK MemError(voidpf /*opaque*/, voidpf /*stream*/) { return 0; }

struct UnzCloser {
  void operator()(unzFile zip) const { unzClose(zip); }
};
using ZipPtr = std::unique_ptr<void, UnzCloser>;

// One part of the zip, decompressed a chunk at a time.
class PartReader {
 public:
  PartReader() = default;
  PartReader(const PartReader&) = delete;
  PartReader& operator=(const PartReader&) = delete;
  ~PartReader() {
    if (open_) unzCloseCurrentFile(zip_);
  }

  // Opens NAME (case-insensitive, as Excel treats part names); the caller has
  // checked that it exists.
  Status Open(unzFile zip, const std::string& name, uint64_t max_bytes = kMaxPartBytes,
              uint64_t* workbook_total = nullptr) {
    workbook_total_ = workbook_total;
    zip_ = zip;
    name_ = name;
    max_bytes_ = max_bytes;
    unz_file_info64 info;
    if (unzLocateFile(zip, name.c_str(), 2) != UNZ_OK ||
        unzGetCurrentFileInfo64(zip, &info, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK) {
      return Corrupt();
    }
    if (info.uncompressed_size > max_bytes_) return TooLarge();
    expected_ = info.uncompressed_size;
    if (unzOpenCurrentFile(zip) != UNZ_OK) return Corrupt();
    open_ = true;
    return Status::Ok();
  }

  // Reads up to CAP bytes into BUF; 0 at the end, once the part checked out whole.
  Result<int> Read(void* buf, unsigned cap) {
    if (!open_) return 0;
    int n = unzReadCurrentFile(zip_, buf, cap);
    if (n < 0) return Corrupt();
    total_ += static_cast<uint64_t>(n);
    if (total_ > max_bytes_) return TooLarge();
    if (workbook_total_ != nullptr && (*workbook_total_ += static_cast<uint64_t>(n)) > kMaxWorkbookBytes) {
      return Status::Invalid("XLSX 文件解压后超过 " + std::to_string(kMaxWorkbookBytes >> 20) +
                             " MiB，拒绝读取 (xlsx_too_large)");
    }
    if (n == 0) {
      open_ = false;
      // minizip checks the CRC only when the declared size was reached, so a
      // cut-off deflate stream is caught by the size.
      if (unzCloseCurrentFile(zip_) != UNZ_OK || total_ != expected_) return Corrupt();
    }
    return n;
  }

  const std::string& name() const { return name_; }
  double Fraction() const {
    return expected_ > 0 ? static_cast<double>(total_) / static_cast<double>(expected_) : -1;
  }

 private:
  Status TooLarge() const {
    return Status::Invalid("XLSX 文件中的 " + name_ + " 解压后超过 " + std::to_string(max_bytes_ >> 20) +
                           " MiB，拒绝读取 (xlsx_too_large)");
  }

  unzFile zip_ = nullptr;
  std::string name_;
  uint64_t max_bytes_ = kMaxPartBytes;
  uint64_t expected_ = 0;
  uint64_t total_ = 0;
  uint64_t* workbook_total_ = nullptr;
  bool open_ = false;
};

bool HasPart(unzFile zip, const std::string& name) { return unzLocateFile(zip, name.c_str(), 2) == UNZ_OK; }

// ---- expat ----

// Element and attribute names without their namespace prefix: some writers
// emit <x:row> for <row>, and the prefixes carry no meaning we need.
std::string_view LocalName(const XML_Char* name) {
  std::string_view full(name);
  size_t colon = full.rfind(':');
  return colon == std::string_view::npos ? full : full.substr(colon + 1);
}

const XML_Char* Attribute(const XML_Char** attrs, std::string_view name) {
  for (; attrs[0] != nullptr; attrs += 2) {
    if (name == attrs[0]) return attrs[1];
  }
  return nullptr;
}

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void OnStart(std::string_view name, const XML_Char** attrs) = 0;
  virtual void OnEnd(std::string_view name) = 0;
  virtual void OnText(const XML_Char* /*text*/, int /*len*/) {}

  // Stops the parse with ERROR, which the feeding code reports in place of
  // expat's own "aborted".
  void Fail(Status error) {
    if (error_.ok()) error_ = std::move(error);
    XML_StopParser(parser_, XML_FALSE);
  }
  const Status& error() const { return error_; }

  XML_Parser parser_ = nullptr;
  uint64_t bytes_without_progress_ = 0;

 private:
  Status error_;
};

void XMLCALL StartElement(void* data, const XML_Char* name, const XML_Char** attrs) {
  auto* handler = static_cast<XmlHandler*>(data);
  handler->bytes_without_progress_ = 0;
  handler->OnStart(LocalName(name), attrs);
}

void XMLCALL EndElement(void* data, const XML_Char* name) {
  auto* handler = static_cast<XmlHandler*>(data);
  handler->bytes_without_progress_ = 0;
  handler->OnEnd(LocalName(name));
}

void XMLCALL CharacterData(void* data, const XML_Char* text, int len) {
  auto* handler = static_cast<XmlHandler*>(data);
  handler->bytes_without_progress_ = 0;
  handler->OnText(text, len);
}

// OOXML parts never carry a DTD; refusing one shuts out entity expansion
// attacks before expat has to defend against them.
void XMLCALL StartDoctype(void* data, const XML_Char* /*name*/, const XML_Char* /*sysid*/,
                          const XML_Char* /*pubid*/, int /*has_internal_subset*/) {
  static_cast<XmlHandler*>(data)->Fail(Status::Invalid("XLSX 文件含有不允许的 DTD 声明 (xlsx_bad_xml)"));
}

struct ParserFreer {
  void operator()(XML_Parser parser) const { XML_ParserFree(parser); }
};
using ParserPtr = std::unique_ptr<std::remove_pointer_t<XML_Parser>, ParserFreer>;

ParserPtr NewParser(XmlHandler& handler) {
  // No forced encoding: parts may be UTF-16 by the standard, and expat hands
  // out UTF-8 either way.
  ParserPtr parser(XML_ParserCreate(nullptr));
  if (!parser) return parser;
  handler.parser_ = parser.get();
  XML_SetUserData(parser.get(), &handler);
  XML_SetElementHandler(parser.get(), StartElement, EndElement);
  XML_SetCharacterDataHandler(parser.get(), CharacterData);
  XML_SetStartDoctypeDeclHandler(parser.get(), StartDoctype);
  return parser;
}

Status OutOfMemory() { return Status::Internal("内存不足 (out_of_memory)"); }

// The error for a parse that stopped: the handler's own, or expat's with its
// line. CONTEXT says where in the workbook we were, for the user.
Status XmlError(XML_Parser parser, const XmlHandler& handler, const std::string& part,
                const std::string& context) {
  if (!handler.error().ok()) return handler.error();
  if (XML_GetErrorCode(parser) == XML_ERROR_NO_MEMORY) return OutOfMemory();
  return Status::Invalid("XLSX 文件的 " + part + context + "XML 格式错误（XML 第 " +
                         std::to_string(XML_GetCurrentLineNumber(parser)) + " 行：" +
                         XML_ErrorString(XML_GetErrorCode(parser)) + "）(xlsx_bad_xml)");
}

Status ProgressError(const std::string& part) {
  return Status::Invalid("XLSX 文件的 " + part + " 中有异常巨大的 XML 标记 (xlsx_bad_xml)");
}

// Streams a whole part through HANDLER.
Status ParsePart(unzFile zip, const std::string& name, XmlHandler& handler, uint64_t* workbook_total) {
  PartReader part;
  LX_RETURN_IF_ERROR(part.Open(zip, name, kMaxPartBytes, workbook_total));
  ParserPtr parser = NewParser(handler);
  if (!parser) return OutOfMemory();
  while (true) {
    void* buf = XML_GetBuffer(parser.get(), kChunkBytes);
    if (buf == nullptr) return OutOfMemory();
    LX_ASSIGN_OR_RETURN(int n, part.Read(buf, kChunkBytes));
    handler.bytes_without_progress_ += static_cast<uint64_t>(n);
    if (XML_ParseBuffer(parser.get(), n, n == 0) != XML_STATUS_OK) {
      return XmlError(parser.get(), handler, name, " ");
    }
    if (!handler.error().ok()) return handler.error();
    if (handler.bytes_without_progress_ > kMaxBytesWithoutProgress) return ProgressError(name);
    if (n == 0) return Status::Ok();
  }
}

// ---- cell text ----

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// OOXML writes characters XML cannot hold as _xHHHH_ (ECMA-376 ST_Xstring),
// and a literal "_x" as _x005F_x. Each escape is longer than its UTF-8, so
// this rewrites in place.
void DecodeXmlEscapes(std::string& s) {
  if (s.find("_x") == std::string::npos) return;
  size_t w = 0;
  for (size_t r = 0; r < s.size();) {
    if (s[r] == '_' && r + 7 <= s.size() && s[r + 1] == 'x' && s[r + 6] == '_') {
      int code = 0;
      bool hex = true;
      for (size_t i = r + 2; i < r + 6; ++i) {
        int d = HexDigit(s[i]);
        if (d < 0) hex = false;
        code = code * 16 + d;
      }
      // NUL would cut the text short in C APIs downstream, and a lone
      // surrogate is not a character; those stay as written.
      if (hex && code != 0 && (code < 0xD800 || code > 0xDFFF)) {
        if (code < 0x80) {
          s[w++] = static_cast<char>(code);
        } else if (code < 0x800) {
          s[w++] = static_cast<char>(0xC0 | (code >> 6));
          s[w++] = static_cast<char>(0x80 | (code & 0x3F));
        } else {
          s[w++] = static_cast<char>(0xE0 | (code >> 12));
          s[w++] = static_cast<char>(0x80 | ((code >> 6) & 0x3F));
          s[w++] = static_cast<char>(0x80 | (code & 0x3F));
        }
        r += 7;
        continue;
      }
    }
    s[w++] = s[r++];
  }
  s.resize(w);
}

// Excel stores every number as a double's text, often with an exponent
// ("1.40527104213E11" for a 12-digit village code); integral values are given
// as plain digits so codes and counts read as they were typed.
void FormatNumber(std::string& text) {
  std::string_view t = TrimAscii(text);
  if (t.starts_with('+')) t.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(value)) {
    NormalizeCellInPlace(text);
    return;
  }
  char buf[64];
  std::to_chars_result out;
  constexpr double kMaxExact = 9007199254740992.0;  // 2^53
  if (std::trunc(value) == value && std::fabs(value) <= kMaxExact) {
    out = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(value));
  } else {
    out = std::to_chars(buf, buf + sizeof buf, value);
  }
  text.assign(buf, out.ptr);
}

std::string ColumnName(uint32_t col) {
  std::string name;
  for (uint32_t n = col + 1; n > 0; n = (n - 1) / 26)
    name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
  return name;
}

// The column of a cell reference like "C7": 2. Returns -1 when there are no
// letters (the cell then follows the previous one) and -2 past column XFD.
int64_t ParseColumn(std::string_view ref) {
  int64_t col = 0;
  size_t i = 0;
  for (; i < ref.size(); ++i) {
    char c = ref[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') break;
    col = col * 26 + (c - 'A' + 1);
    if (col > kMaxColumns) return -2;
  }
  return i == 0 ? -1 : col - 1;
}

int64_t ParseRowNumber(const XML_Char* text) {
  if (text == nullptr) return -1;
  std::string_view t = TrimAscii(text);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || n < 1 || n > kMaxRows) return -1;
  return n;
}

// ---- workbook.xml and its relationships ----

// The workbook's sheets in tab order: name, relationship id, and whether
// the user hid it (a hidden sheet is never read).
class WorkbookHandler final : public XmlHandler {
 public:
  struct Sheet {
    std::string name, rid;
    bool hidden = false;
  };

  void OnStart(std::string_view name, const XML_Char** attrs) override {
    if (name != "sheet") return;
    Sheet sheet;
    for (; attrs[0] != nullptr; attrs += 2) {
      std::string_view attr(attrs[0]);
      // r:id, whatever prefix the relationships namespace was given.
      if (attr.find(':') != std::string_view::npos && LocalName(attrs[0]) == "id") {
        sheet.rid = attrs[1];
      } else if (attr == "name") {
        sheet.name = attrs[1];
      } else if (attr == "state") {
        sheet.hidden = std::string_view(attrs[1]) != "visible";
      }
    }
    sheets.push_back(std::move(sheet));
  }
  void OnEnd(std::string_view /*name*/) override {}

  std::vector<Sheet> sheets;
};

// Part names from relationship targets, which are relative to xl/ unless
// they start with '/'.
std::string ResolveTarget(std::string_view target) {
  std::vector<std::string_view> segments;
  std::string_view path = target;
  if (path.starts_with('/')) {
    path.remove_prefix(1);
  } else {
    segments.push_back("xl");
  }
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(seg);
  }
  std::string out;
  for (std::string_view seg : segments) {
    if (!out.empty()) out += '/';
    out += seg;
  }
  return out;
}

class RelsHandler final : public XmlHandler {
 public:
  void OnStart(std::string_view name, const XML_Char** attrs) override {
    if (name != "Relationship") return;
    const XML_Char* id = Attribute(attrs, "Id");
    const XML_Char* type = Attribute(attrs, "Type");
    const XML_Char* target = Attribute(attrs, "Target");
    const XML_Char* mode = Attribute(attrs, "TargetMode");
    if (target == nullptr || (mode != nullptr && std::string_view(mode) == "External")) return;
    if (id != nullptr) parts.emplace(id, ResolveTarget(target));
    if (type != nullptr && std::string_view(type).ends_with("/sharedStrings") &&
        shared_strings_part.empty()) {
      shared_strings_part = ResolveTarget(target);
    }
  }
  void OnEnd(std::string_view /*name*/) override {}

  std::map<std::string, std::string> parts;  // relationship id → part name
  std::string shared_strings_part;
};

// ---- shared strings ----

// All shared strings, normalised once here rather than at every use, in one
// buffer: a table of a million ID numbers costs 4 bytes of index each rather
// than a std::string each.
class SharedStrings final : public XmlHandler {
 public:
  SharedStrings() { offsets_.push_back(0); }

  size_t size() const { return offsets_.size() - 1; }
  std::string_view Get(size_t i) const {
    return std::string_view(text_).substr(offsets_[i], offsets_[i + 1] - offsets_[i]);
  }

  void OnStart(std::string_view name, const XML_Char** /*attrs*/) override {
    if (name == "si") {
      in_si_ = true;
      current_.clear();
    } else if (name == "rPh") {
      ++phonetic_depth_;  // furigana-style reading hints are not the cell's text
    } else if (name == "t") {
      capture_ = in_si_ && phonetic_depth_ == 0;
    }
  }

  void OnEnd(std::string_view name) override {
    if (name == "t") {
      capture_ = false;
    } else if (name == "rPh") {
      if (phonetic_depth_ > 0) --phonetic_depth_;
    } else if (name == "si" && in_si_) {
      in_si_ = false;
      DecodeXmlEscapes(current_);
      NormalizeCellInPlace(current_);
      if (text_.size() + current_.size() > kMaxSharedStringBytes || size() + 1 > kMaxSharedStrings) {
        Fail(Status::Invalid("XLSX 文件的共享字符串超过 " + std::to_string(kMaxSharedStringBytes >> 20) +
                             " MiB 或 " + std::to_string(kMaxSharedStrings) +
                             " 个，拒绝读取 (xlsx_too_large)"));
        return;
      }
      text_ += current_;
      // Capped well below 4 GiB, so offsets fit in 32 bits.
      offsets_.push_back(static_cast<uint32_t>(text_.size()));
    }
  }

  void OnText(const XML_Char* text, int len) override {
    if (!capture_) return;
    if (current_.size() + static_cast<size_t>(len) > kMaxCellBytes) {
      Fail(Status::Invalid(
          "XLSX 文件的第 " + std::to_string(size() + 1) +
          " 个共享字符串超过 32767 个字符（Excel 单元格的上限），拒绝读取 (xlsx_cell_too_long)"));
      return;
    }
    current_.append(text, static_cast<size_t>(len));
  }

 private:
  std::string text_;
  std::vector<uint32_t> offsets_;
  std::string current_;
  bool in_si_ = false;
  bool capture_ = false;
  int phonetic_depth_ = 0;
};

// ---- the worksheet ----

enum class CellType { kNumber, kShared, kInline, kString, kBool, kError, kOther };

CellType ParseCellType(const XML_Char* t) {
  if (t == nullptr) return CellType::kNumber;
  std::string_view type(t);
  if (type == "s") return CellType::kShared;
  if (type == "n") return CellType::kNumber;
  if (type == "inlineStr") return CellType::kInline;
  if (type == "str") return CellType::kString;
  if (type == "b") return CellType::kBool;
  if (type == "e") return CellType::kError;
  return CellType::kOther;  // "d" (ISO 8601 date) and anything newer: the text as stored
}

// Builds rows from the sheet's XML and suspends the parser after each
// non-blank one, so the reader hands rows out as expat finds them.
class SheetHandler final : public XmlHandler {
 public:
  explicit SheetHandler(const SharedStrings& shared) : shared_(shared) {}

  void OnStart(std::string_view name, const XML_Char** attrs) override {
    if (name == "sheetData") {
      in_sheet_data_ = true;
    } else if (!in_sheet_data_) {
      return;
    } else if (name == "row") {
      StartRow(attrs);
    } else if (!in_row_) {
      return;
    } else if (name == "c") {
      StartCell(attrs);
    } else if (!in_cell_) {
      return;
    } else if (name == "v") {
      capture_ = true;
    } else if (name == "is") {
      in_inline_ = true;
    } else if (name == "rPh") {
      ++phonetic_depth_;
    } else if (name == "t") {
      capture_ = in_inline_ && phonetic_depth_ == 0;
    }
  }

  void OnEnd(std::string_view name) override {
    if (name == "sheetData") {
      in_sheet_data_ = false;
    } else if (!in_sheet_data_) {
      return;
    } else if (name == "row") {
      if (in_row_) EndRow();
    } else if (name == "c") {
      if (in_cell_) EndCell();
    } else if (name == "v" || name == "t") {
      capture_ = false;
    } else if (name == "is") {
      in_inline_ = false;
    } else if (name == "rPh") {
      if (phonetic_depth_ > 0) --phonetic_depth_;
    }
  }

  void OnText(const XML_Char* text, int len) override {
    if (!capture_) return;
    if (value_.size() + static_cast<size_t>(len) > kMaxCellBytes) {
      Fail(Status::Invalid("XLSX 文件" + RowContext() +
                           "有单元格超过 32767 个字符（Excel 单元格的上限），拒绝读取 (xlsx_cell_too_long)"));
      return;
    }
    value_.append(text, static_cast<size_t>(len));
  }

  // Moves the finished row into ROW, handing ROW's old buffers back for reuse.
  bool TakeRow(TableRow& row) {
    if (!has_ready_) return false;
    has_ready_ = false;
    row.number = static_cast<int>(ready_number_);
    row.cells.swap(ready_cells_);
    row.numeric_columns.swap(ready_numeric_);
    return true;
  }

  // The row being read or last read, for error messages.
  std::string RowContext() const {
    return row_number_ > 0 ? " 工作表第 " + std::to_string(row_number_) + " 行附近 " : " ";
  }

 private:
  void StartRow(const XML_Char** attrs) {
    in_row_ = true;
    int64_t number = ParseRowNumber(Attribute(attrs, "r"));
    // Rows without r (some generators omit it) follow the previous one.
    row_number_ = number > 0 ? number : row_number_ + 1;
    used_ = 0;
    next_column_ = 0;
    numeric_.clear();
  }

  void StartCell(const XML_Char** attrs) {
    in_cell_ = true;
    in_inline_ = false;
    capture_ = false;
    phonetic_depth_ = 0;
    value_.clear();
    type_ = ParseCellType(Attribute(attrs, "t"));
    const XML_Char* ref = Attribute(attrs, "r");
    int64_t col = ref == nullptr ? -1 : ParseColumn(ref);
    if (col == -2) {
      return Fail(Status::Invalid("第 " + std::to_string(row_number_) + " 行单元格位置 " + ref +
                                  " 超出 XLSX 的列数上限 (xlsx_bad_cell_ref)"));
    }
    if (col == -1) {
      if (next_column_ >= kMaxColumns) {
        return Fail(Status::Invalid("第 " + std::to_string(row_number_) +
                                    " 行单元格超出 XLSX 的列数上限 (xlsx_bad_cell_ref)"));
      }
      col = next_column_;
    }
    column_ = static_cast<uint32_t>(col);
    next_column_ = column_ + 1;
  }

  void EndCell() {
    in_cell_ = false;
    capture_ = false;
    switch (type_) {
      case CellType::kShared:
        return PlaceShared();
      case CellType::kNumber:
        FormatNumber(value_);
        if (!value_.empty()) numeric_.push_back(column_);
        break;
      case CellType::kBool: {
        std::string_view b = TrimAscii(value_);
        if (b == "1" || b == "0") value_.assign(b == "1" ? "TRUE" : "FALSE");
        break;
      }
      case CellType::kInline:
      case CellType::kString:
        DecodeXmlEscapes(value_);
        NormalizeCellInPlace(value_);
        break;
      case CellType::kError:
      case CellType::kOther:
        NormalizeCellInPlace(value_);
        break;
    }
    Place(value_);
  }

  void PlaceShared() {
    std::string_view text = TrimAscii(value_);
    if (text.empty()) return;  // <v> is optional: a styled cell with no value
    uint64_t index = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), index);
    if (ec != std::errc() || end != text.data() + text.size() || index >= shared_.size()) {
      return Fail(Status::Invalid("第 " + std::to_string(row_number_) + " 行 " + ColumnName(column_) +
                                  " 列引用了不存在的共享字符串 " + std::string(text) +
                                  " (xlsx_bad_shared_string)"));
    }
    std::string_view shared = shared_.Get(index);
    if (shared.empty() && column_ >= used_) return;
    Slot(column_).assign(shared);
  }

  // Puts TEXT in the current column by swapping buffers, so neither allocates.
  void Place(std::string& text) {
    if (text.empty() && column_ >= used_) return;
    Slot(column_).swap(text);
  }

  // The cell string for COL, with the cells before it filled as empty.
  std::string& Slot(uint32_t col) {
    while (used_ <= col) {
      if (used_ == building_.size()) {
        building_.emplace_back();
      } else {
        building_[used_].clear();
      }
      ++used_;
    }
    return building_[col];
  }

  void EndRow() {
    in_row_ = false;
    in_cell_ = false;
    while (used_ > 0 && building_[used_ - 1].empty()) --used_;
    if (used_ == 0) return;  // blank rows are skipped, as the contract says
    building_.resize(used_);
    if (has_ready_) {
      // Expat checks for suspension after every token and one token ends at
      // most one row, so this cannot happen; refuse rather than lose a row.
      return Fail(Status::Internal("XLSX 读取内部错误 (xlsx_internal)"));
    }
    ready_cells_.swap(building_);
    ready_numeric_.swap(numeric_);
    numeric_.clear();
    std::sort(ready_numeric_.begin(), ready_numeric_.end());
    ready_number_ = row_number_;
    has_ready_ = true;
    XML_StopParser(parser_, XML_TRUE);
  }

  const SharedStrings& shared_;
  bool in_sheet_data_ = false;
  bool in_row_ = false;
  bool in_cell_ = false;
  bool in_inline_ = false;
  bool capture_ = false;
  int phonetic_depth_ = 0;
  int64_t row_number_ = 0;
  CellType type_ = CellType::kNumber;
  uint32_t column_ = 0;
  uint32_t next_column_ = 0;
  std::string value_;
  std::vector<std::string> building_;
  size_t used_ = 0;  // cells of building_ that belong to the current row
  std::vector<std::string> ready_cells_;
  std::vector<uint32_t> numeric_;        // number cells of the row being read
  std::vector<uint32_t> ready_numeric_;  // … and of the finished row
  int64_t ready_number_ = 0;
  bool has_ready_ = false;
};

class XlsxReader final : public TableReader {
 public:
  explicit XlsxReader(std::string bytes) : bytes_(std::move(bytes)) {}

  // Opens the workbook and picks the sheet to read: the first visible one
  // whose first kHeaderSearchRows rows `holds_header` accepts, or the first
  // visible one when none does (or no test is given).
  Status Open(const HeaderTest& holds_header) {
    memory_.data = bytes_.data();
    memory_.size = bytes_.size();
    zlib_filefunc64_def funcs = {};
    funcs.zopen64_file = MemOpen;
    funcs.zread_file = MemRead;
    funcs.zwrite_file = MemWrite;
    funcs.ztell64_file = MemTell;
    funcs.zseek64_file = MemSeek;
    funcs.zclose_file = MemClose;
    funcs.zerror_file = MemError;
    funcs.opaque = &memory_;
    zip_.reset(unzOpen2_64("memory", &funcs));
    if (!zip_) {
      // Excel saves password-protected workbooks (and old .xls files) as OLE
      // compound files, which users take for XLSX.
      if (bytes_.starts_with("\xD0\xCF\x11\xE0")) {
        return Status::Invalid(
            "文件是旧版 .xls 或加了密码的工作簿，请在 Excel 中另存为不加密的 .xlsx (xlsx_not_zip)");
      }
      return Status::Invalid("文件不是有效的 XLSX 文件 (xlsx_not_zip)");
    }
    unzFile zip = zip_.get();

    std::string shared_part = "xl/sharedStrings.xml";
    if (HasPart(zip, "xl/workbook.xml") && HasPart(zip, "xl/_rels/workbook.xml.rels")) {
      WorkbookHandler workbook;
      LX_RETURN_IF_ERROR(ParsePart(zip, "xl/workbook.xml", workbook, &inflated_));
      RelsHandler rels;
      LX_RETURN_IF_ERROR(ParsePart(zip, "xl/_rels/workbook.xml.rels", rels, &inflated_));
      for (const WorkbookHandler::Sheet& sheet : workbook.sheets) {
        auto part = rels.parts.find(sheet.rid);
        if (sheet.hidden || part == rels.parts.end() || !HasPart(zip, part->second)) continue;
        sheets_.push_back({sheet.name, part->second});
      }
      if (!rels.shared_strings_part.empty()) shared_part = rels.shared_strings_part;
    }
    if (sheets_.empty() && HasPart(zip, "xl/worksheets/sheet1.xml")) {
      sheets_.push_back({"", "xl/worksheets/sheet1.xml"});
    }
    if (sheets_.empty()) return Status::Invalid("XLSX 文件中找不到工作表 (xlsx_no_sheet)");
    if (HasPart(zip, shared_part)) LX_RETURN_IF_ERROR(ParsePart(zip, shared_part, shared_, &inflated_));

    if (holds_header) {
      for (size_t i = 0; i < sheets_.size(); ++i) {
        LX_RETURN_IF_ERROR(StartSheet(i));
        // The rows read while looking are kept and handed out first.
        for (int n = 0; n < kHeaderSearchRows; ++n) {
          TableRow row;
          LX_ASSIGN_OR_RETURN(bool more, ReadRow(row));
          if (!more) break;
          bool found = holds_header(row);
          buffered_.push_back(std::move(row));
          if (found) return Status::Ok();
        }
      }
    }
    return StartSheet(0);
  }

  Result<bool> Next(TableRow& row) override {
    if (next_buffered_ < buffered_.size()) {
      row = std::move(buffered_[next_buffered_++]);
      return true;
    }
    return ReadRow(row);
  }

  std::string Sheet() const override { return sheets_[current_].name; }
  std::vector<std::string> Sheets() const override {
    std::vector<std::string> names;
    for (const SheetPart& sheet : sheets_) names.push_back(sheet.name);
    return names;
  }
  double Fraction() const override { return part_ ? part_->Fraction() : -1; }

 private:
  struct SheetPart {
    std::string name, part;
  };

  // Reads sheet `index` from its start.
  Status StartSheet(size_t index) {
    parser_.reset();
    part_ = std::make_unique<PartReader>();
    sheet_ = std::make_unique<SheetHandler>(shared_);
    buffered_.clear();
    next_buffered_ = 0;
    suspended_ = final_ = done_ = false;
    error_ = Status::Ok();
    current_ = index;
    LX_RETURN_IF_ERROR(part_->Open(zip_.get(), sheets_[index].part, kMaxSheetBytes, &inflated_));
    parser_ = NewParser(*sheet_);
    if (!parser_) return OutOfMemory();
    return Status::Ok();
  }

  Result<bool> ReadRow(TableRow& row) {
    if (!error_.ok()) return error_;
    while (!sheet_->TakeRow(row)) {
      if (done_) return false;
      Status status = Pump();
      if (!status.ok()) {
        error_ = std::move(status);
        return error_;
      }
    }
    return true;
  }

  // Feeds expat until it suspends after a row or needs more input.
  Status Pump() {
    XML_Parser parser = parser_.get();
    XML_Status status;
    if (suspended_) {
      status = XML_ResumeParser(parser);
    } else {
      void* buf = XML_GetBuffer(parser, kChunkBytes);
      if (buf == nullptr) return OutOfMemory();
      LX_ASSIGN_OR_RETURN(int n, part_->Read(buf, kChunkBytes));
      sheet_->bytes_without_progress_ += static_cast<uint64_t>(n);
      final_ = n == 0;
      status = XML_ParseBuffer(parser, n, final_);
    }
    switch (status) {
      case XML_STATUS_ERROR:
        return XmlError(parser, *sheet_, part_->name(), sheet_->RowContext());
      case XML_STATUS_SUSPENDED:
        suspended_ = true;
        break;
      default:
        suspended_ = false;
        done_ = final_;
        break;
    }
    if (!sheet_->error().ok()) return sheet_->error();
    if (sheet_->bytes_without_progress_ > kMaxBytesWithoutProgress) return ProgressError(part_->name());
    return Status::Ok();
  }

  // Destroyed in reverse: the parser before the handler it calls, the open
  // part before the zip, the zip before the bytes it reads.
  std::string bytes_;
  MemoryFile memory_;
  ZipPtr zip_;
  uint64_t inflated_ = 0;  // bytes inflated from every part so far
  std::vector<SheetPart> sheets_;
  size_t current_ = 0;
  SharedStrings shared_;
  std::unique_ptr<SheetHandler> sheet_;
  std::unique_ptr<PartReader> part_;
  ParserPtr parser_;
  std::vector<TableRow> buffered_;
  size_t next_buffered_ = 0;
  bool suspended_ = false;
  bool final_ = false;
  bool done_ = false;
  Status error_;
};

}  // namespace

Result<std::unique_ptr<TableReader>> OpenXlsx(std::string bytes, const HeaderTest& holds_header) {
  auto reader = std::make_unique<XlsxReader>(std::move(bytes));
  LX_RETURN_IF_ERROR(reader->Open(holds_header));
  return std::unique_ptr<TableReader>(std::move(reader));
}

}  // namespace lianxin
