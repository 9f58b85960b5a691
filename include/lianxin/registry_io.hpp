// Importing and exporting the registry as the spreadsheets offices keep.
//
// Import is all or nothing: every row is validated (fields, references,
// duplicate ID numbers inside the file and against the database) and, only
// when no row has a problem, the whole file commits in one transaction with
// its journal entries. Each problem names FILE:ROW:COLUMN, the row as a
// spreadsheet numbers it (header = row 1) and the column as its header reads.
// Re-importing the same file changes nothing (upsert by natural key).
//
// A file may carry fewer columns than the template: only the natural key
// column is needed in every file, and a column the file does not carry
// leaves the stored value as it is (the rule of the API's update). A new
// record still needs every required column. A header the table does not
// know is refused when it is close to a known one (a typo; the message
// names the known one) and otherwise noted as ignored. Codes and ID numbers
// that Excel turned into numbers (an E+ value, or a number cell of more
// than 15 digits) are refused: their last digits are gone. A member moves
// to another household only when its row names the household it leaves
// (原户编号) and the caller reaches both.
//
//   LX_ASSIGN_OR_RETURN(ImportReport report,
//                       ImportFile(*store, config, RecordKind::kHouseholds, "households.xlsx", {}));
//   for (const ImportProblem& p : report.problems) std::cerr << p.ToString() << "\n";
//
// Export writes the same columns (Chinese headers, Chinese labels), so an
// export imports back unchanged; ID numbers and phones are masked unless
// `reveal` is set.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lianxin/config.hpp"
#include "lianxin/progress.hpp"
#include "lianxin/registry.hpp"
#include "lianxin/store.hpp"
#include "lianxin/table_io.hpp"
#include "lianxin/validate.hpp"

namespace lianxin {

struct ImportProblem {
  std::string file;
  int row = 0;          // 0 for a problem with the whole file
  std::string column;   // as the header reads; empty for a whole row or file
  std::string message;  // Chinese, then the English code in parentheses
  // "FILE:ROW:COLUMN: message" (or "FILE: message" for the whole file).
  std::string ToString() const;
};

struct ImportOptions {
  bool dry_run = false;  // validate everything, write nothing
  std::string actor = "cli";
  Date today;  // birth dates after it are refused; default: the clock's date in Asia/Shanghai
  // The caller's reach (the API's callers; the CLI's operator reaches all).
  // A clash with a record outside it says "registered elsewhere" and never
  // names that record; a member is moved only out of a household within it.
  std::optional<Scope> scope;
  // Told of each row read (the CLI shows it on a terminal).
  Progress* progress = &NoProgress();
};

// At most this many problems are listed; the rest are counted in one last
// line ("… and N more"), and the rows after the cap are no longer written
// even to the transaction that will be rolled back.
inline constexpr int kMaxImportProblems = 1000;
// Bounds no county's data comes near, so a file or a request cannot carry
// megabytes in a name: names and relations (姓名, 单位名称, 与户主关系) in
// characters, longer free text (地址, 职务, 残疾情况), and members per household
// in one file. Text holding control characters or bidirectional overrides
// (U+202A–U+202E, U+2066–U+2069, which make a name read differently on
// screen than it is stored) is refused.
inline constexpr int kMaxNameChars = 50;
inline constexpr int kMaxTextChars = 200;
inline constexpr int kMaxMembersPerHousehold = 50;

struct ImportReport {
  int rows = 0;
  int inserted = 0, updated = 0, unchanged = 0;
  std::vector<ImportProblem> problems;  // in row order; at most kMaxImportProblems + 1
  bool committed = false;
  int header_row = 0;              // the row read as the header
  std::string sheet;               // the worksheet read (a workbook's), empty for CSV
  std::vector<std::string> notes;  // what the clerk should know but did not stop the import
  // Per column (its header as the file names it): how many existing records
  // would change there. Filled on a dry run.
  std::vector<std::pair<std::string, int>> changed_columns;
};

// Imports FILE (.csv or .xlsx). The report says what happened; a Status is
// returned only when the store itself failed. A file that cannot be read is
// a problem in the report (row 0), like any other refusal.
Result<ImportReport> ImportFile(Store& store, const Config& config, RecordKind kind, const std::string& path,
                                const ImportOptions& options);
// The same over an open reader; `name` is what problems call the file.
Result<ImportReport> ImportTable(Store& store, const Config& config, RecordKind kind, TableReader& reader,
                                 const std::string& name, const ImportOptions& options);

// The test a workbook's sheets are searched with (OpenXlsx): the row holds
// the header of `kind`'s natural key (户编号, 身份证号 …).
HeaderTest RequiredHeaderTest(RecordKind kind);

// The header row of a kind's file, in order: the natural key first.
std::vector<std::string> ImportHeaders(RecordKind kind);

struct ExportOptions {
  bool reveal = false;  // write ID numbers and phones in full
  // Only the records this scope reaches (Store::List's rule); unset: all.
  std::optional<Scope> scope;
  // ExportDirSink writes a kind's XLSX only while it fits a worksheet.
  std::int64_t xlsx_max_rows = kXlsxMaxRows;
  // Told of each record written.
  Progress* progress = &NoProgress();
};

// Scores every household again under `config` (ScoreDifficulty) and keeps,
// through `txn`, those whose difficulty score or tier changed, journaled:
// after the console changes the needs' weights or the difficulty rules
// (settings.hpp). `store` is the connection `txn` writes on. The number of
// households changed.
Result<std::int64_t> RescoreHouseholds(Store& store, WriteTxn& txn, const Config& config);

// Writes every record of `kind` to PATH (.csv or .xlsx), completely or not at all.
Status ExportKind(Store& store, RecordKind kind, const std::string& path, const ExportOptions& options);
// Writes the header and one example row.
Status WriteTemplate(RecordKind kind, const std::string& path);

// A sink that upserts every record into an open transaction (the demo
// county goes into a database through it). Counts what it did.
class TxnSink final : public RegistrySink {
 public:
  explicit TxnSink(WriteTxn& txn) : txn_(txn) {}
  Status Add(const Region& region) override { return Count(txn_.Upsert(region)); }
  Status Add(const Unit& unit) override { return Count(txn_.Upsert(unit)); }
  Status Add(const Org& org) override { return Count(txn_.Upsert(org)); }
  Status Add(const Cadre& cadre) override { return Count(txn_.Upsert(cadre)); }
  Status Add(const Household& household) override { return Count(txn_.Upsert(household)); }
  Status Add(const Member& member) override { return Count(txn_.Upsert(member)); }
  std::int64_t records = 0, changed = 0;

 private:
  Status Count(const Result<UpsertOutcome>& outcome) {
    if (!outcome.ok()) return outcome.status();
    ++records;
    if (*outcome != UpsertOutcome::kUnchanged) ++changed;
    return Status::Ok();
  }
  WriteTxn& txn_;
};

// A sink that writes each kind to DIR/<kind>.csv and DIR/<kind>.xlsx, for
// `demo --out-dir`. Files are complete only after Close().
class ExportDirSink final : public RegistrySink {
 public:
  static Result<std::unique_ptr<ExportDirSink>> Open(const std::string& dir, const ExportOptions& options);
  ~ExportDirSink() override;
  Status Add(const Region& region) override;
  Status Add(const Unit& unit) override;
  Status Add(const Org& org) override;
  Status Add(const Cadre& cadre) override;
  Status Add(const Household& household) override;
  Status Add(const Member& member) override;
  Status Close();
  // What the files could not hold: a kind with more rows than a worksheet
  // takes (ExportOptions::xlsx_max_rows) is written to CSV only, and its XLSX file left out.
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  ExportDirSink() = default;
  Status Write(RecordKind kind, const std::vector<std::string>& cells);
  ExportOptions options_;
  std::vector<std::unique_ptr<TableWriter>> writers_;  // csv and xlsx per kind, in kAllRecordKinds order
  std::vector<std::int64_t> rows_ =
      std::vector<std::int64_t>(std::size(kAllRecordKinds), 1);  // header included
  std::vector<std::string> notes_;
};

}  // namespace lianxin
