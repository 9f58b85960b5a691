// Spreadsheet files as rows of text: the CSV and XLSX readers and writers.
//
// Formats only, no business rules: a reader hands out rows of UTF-8 cell
// text, already normalised (see `NormalizeCell`), each with the row number a
// spreadsheet shows (the header is row 1). A writer takes rows of text.
//
//   LX_ASSIGN_OR_RETURN(auto reader, OpenTableFile("households.xlsx"));
//   TableRow row;
//   while (true) {
//     LX_ASSIGN_OR_RETURN(bool more, reader->Next(row));
//     if (!more) break;
//     Use(row.number, row.cells);
//   }
//
// Readers and writers are not thread-safe; use one per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/status.hpp"

namespace lianxin {

struct TableRow {
  int number = 0;                  // 1-based, as the spreadsheet numbers it
  std::vector<std::string> cells;  // UTF-8, normalised; trailing empty cells may be absent
  // The cells (0-based columns, ascending) an XLSX sheet held as numbers:
  // Excel keeps 15 significant digits of a number, so an 18-digit ID number
  // typed into one has already lost its last digits. Empty for CSV.
  std::vector<std::uint32_t> numeric_columns;
};

class TableReader {
 public:
  virtual ~TableReader() = default;
  // Fills `row` with the next non-blank row and returns true, or returns
  // false at the end. A malformed file gives kInvalidInput with the row in
  // the message.
  virtual Result<bool> Next(TableRow& row) = 0;
  // How much of the input has been read, 0–1, for progress; negative when
  // the reader cannot tell.
  virtual double Fraction() const { return -1; }
  // A workbook's: the name of the sheet being read, and of every visible
  // sheet in tab order. Empty for CSV.
  virtual std::string Sheet() const { return {}; }
  virtual std::vector<std::string> Sheets() const { return {}; }
};

// Whether a row is the header a reader is looking for (the importer's test:
// it holds the kind's required headers).
using HeaderTest = std::function<bool(const TableRow&)>;

enum class TextEncoding { kUtf8, kGb18030 };

// Detects the encoding of CSV bytes: a UTF-8 BOM or valid UTF-8 means UTF-8;
// otherwise GB18030 (a superset of GBK and GB2312, as Excel writes them).
TextEncoding DetectEncoding(std::string_view bytes);

// Converts GB18030 bytes to UTF-8 (iconv). Invalid sequences are an error
// naming the byte offset.
Result<std::string> Gb18030ToUtf8(std::string_view bytes);
// Converts UTF-8 to GB18030, for tests and for offices that want GBK files.
Result<std::string> Utf8ToGb18030(std::string_view utf8);

// Normalises one cell as offices type them: full-width digits (０-９) and
// full-width/ideographic and no-break spaces become ASCII, and leading and
// trailing white space is removed. Other characters are kept as they are.
std::string NormalizeCell(std::string_view cell);

// A reader over CSV bytes (RFC 4180: quotes, doubled quotes, CR LF or LF,
// newlines inside quotes); encoding detected and a BOM dropped.
Result<std::unique_ptr<TableReader>> OpenCsv(std::string bytes);

// A reader over a worksheet of XLSX bytes: the first visible sheet whose
// first kHeaderSearchRows rows `holds_header` accepts (offices put a 填表说明
// sheet first), else the first visible one; hidden sheets are never read.
// Inflating is capped as it happens — per part, for the whole workbook, for
// the shared strings held in memory and for one cell (Excel's 32,767
// characters) — so a small file that inflates to gigabytes is refused
// (xlsx_too_large, xlsx_cell_too_long) before it costs the memory. (Shared
// strings, inline
// strings, numbers as Excel stores them, booleans; gaps in a row kept as
// empty cells by their column letters). Numbers are given as their stored
// text with an integral value printed without exponent or ".0", so
// 1.40527104213E11 reads "140527104213"; date cells read as the serial number.
Result<std::unique_ptr<TableReader>> OpenXlsx(std::string bytes, const HeaderTest& holds_header = {});

// Opens FILE by its extension (.csv or .xlsx, case-insensitive).
Result<std::unique_ptr<TableReader>> OpenTableFile(const std::string& path,
                                                   const HeaderTest& holds_header = {});

// Rows searched for a header at the top of a sheet (titles, 填报单位 lines).
inline constexpr int kHeaderSearchRows = 20;

class TableWriter {
 public:
  virtual ~TableWriter() = default;
  virtual Status Write(const std::vector<std::string>& cells) = 0;
  // Flushes and closes the file; the file is complete only after this.
  virtual Status Close() = 0;
};

// CSV in UTF-8 with a BOM (so Excel opens Chinese text correctly), CR LF line
// ends, quoting as RFC 4180 needs.
Result<std::unique_ptr<TableWriter>> CreateCsvWriter(const std::string& path);
// Excel's last row: a worksheet holds at most this many rows, header included.
inline constexpr int kXlsxMaxRows = 1048576;

// XLSX with one worksheet named `sheet`, every cell written as text (so
// 18-digit ID numbers and 12-digit codes keep every digit), in constant memory.
Result<std::unique_ptr<TableWriter>> CreateXlsxWriter(const std::string& path, const std::string& sheet);
// Chooses by the extension of PATH (.csv or .xlsx).
Result<std::unique_ptr<TableWriter>> CreateTableWriter(const std::string& path, const std::string& sheet);

}  // namespace lianxin
