// The SQL seam: one thin interface over SQLite and PostgreSQL, so that each
// module's repository is written once, in SQL both accept. Dialect
// differences live in the two drivers (sqlite_driver.cpp, pg_driver.cpp),
// never in a repository. Why our own and not SOCI: bench/NOTES.md, "The SQL
// seam" (SOCI 4.0 has neither COPY nor pipelining for PostgreSQL).
//
//   LX_ASSIGN_OR_RETURN(std::unique_ptr<sql::Connection> db, sql::Connect("county.db", {}));
//   LX_RETURN_IF_ERROR(db->Begin());
//   LX_ASSIGN_OR_RETURN(sql::Statement * insert,
//                       db->Prepare("INSERT INTO regions (code, name) VALUES (?1, ?2)"));
//   LX_RETURN_IF_ERROR(insert->Bind(1, "149901").Bind(2, "示范县").Run());
//   LX_RETURN_IF_ERROR(db->Commit());
//
// The SQL the repositories write, and what each driver makes of it:
// - parameters are `?1` … `?N` (a number may repeat), or a bare `?` (one
//   past the highest so far, as SQLite numbers it); PostgreSQL gets `$N`;
// - column types INTEGER (64-bit), REAL, TEXT and BLOB; in DDL PostgreSQL
//   gets BIGINT, DOUBLE PRECISION, TEXT and BYTEA, `INTEGER PRIMARY KEY`
//   (numbered when an insert gives none) an identity column, and
//   `WITHOUT ROWID` is dropped;
// - `+column` (a plus right before a column, after a space or a bracket)
//   tells SQLite not to read through that column's index; PostgreSQL gets
//   the column alone. Write sums with a space after the plus;
// - upserts are `INSERT … ON CONFLICT (…) DO UPDATE SET …` (SQLite ≥ 3.24
//   and PostgreSQL both), `RETURNING` is allowed, `INSERT OR REPLACE` is not;
// - aggregates over integers are cast: `CAST(SUM(x) AS INTEGER)`, and so
//   is a parameter compared with a literal number, which PostgreSQL would
//   otherwise take as a 32-bit integer: `CAST(?2 AS INTEGER) = 0`;
// - a field of a JSON text column is `json_extract(column, '$.field')`,
//   text on PostgreSQL: cast it to compare it as a number.
//
// Threads: a Connection and its statements belong to one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/status.hpp"

struct sqlite3;

namespace lianxin::sql {

enum class Dialect { kSqlite, kPostgres };

// A value bound to a parameter or copied in.
struct Value {
  enum Type { kNull, kText, kInt, kReal, kBlob } type = kNull;
  std::string bytes;  // text or blob
  std::int64_t integer = 0;
  double real = 0;

  static Value Null() { return {}; }
  static Value Text(std::string_view s) { return {kText, std::string(s), 0, 0}; }
  static Value Int(std::int64_t v) { return {kInt, {}, v, 0}; }
  static Value Real(double v) { return {kReal, {}, 0, v}; }
  static Value Blob(std::string_view b) { return {kBlob, std::string(b), 0, 0}; }
  // NULL for an empty string: the columns that hold an optional code or ciphertext.
  static Value TextOrNull(std::string_view s) { return s.empty() ? Null() : Text(s); }
  static Value BlobOrNull(std::string_view b) { return b.empty() ? Null() : Blob(b); }
  bool operator==(const Value&) const = default;
};

// A prepared statement, owned by its connection and reused: bind, then
// Step through the rows (or Run), then bind again. Binding resets it.
// A statement's rows must be read to the end, or the statement Reset,
// before the connection commits.
class Statement {
 public:
  virtual ~Statement() = default;

  virtual Statement& Bind(int index, std::int64_t value) = 0;
  virtual Statement& Bind(int index, double value) = 0;
  virtual Statement& Bind(int index, std::string_view text) = 0;
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, int value) { return Bind(index, static_cast<std::int64_t>(value)); }
  virtual Statement& BindBlob(int index, std::string_view bytes) = 0;
  virtual Statement& BindNull(int index) = 0;
  Statement& Bind(int index, const Value& value);

  // True while a row is ready, false at the end. A constraint failure is
  // kConflict, a busy database kUnavailable, anything else kInternal.
  [[nodiscard]] virtual Result<bool> Step() = 0;
  // Runs to the end, rows ignored.
  [[nodiscard]] Status Run();
  // Rows the last Run or Step changed (INSERT, UPDATE, DELETE).
  virtual std::int64_t Changes() const = 0;
  // Ends the current execution early and clears the bindings.
  virtual void Reset() = 0;

  // The current row's columns, 0-based. Views stay valid until the next Step.
  virtual int ColumnCount() const = 0;
  virtual bool IsNull(int column) const = 0;
  virtual std::int64_t Int(int column) const = 0;
  virtual double Real(int column) const = 0;
  virtual std::string_view Text(int column) const = 0;
  virtual std::string_view Blob(int column) const = 0;
  // The column as a Value of its stored type.
  virtual Value Get(int column) const = 0;
};

// Rows appended to one table as fast as the database takes them: COPY on
// PostgreSQL, reused INSERTs of one row and of fifty on SQLite. Inside the
// caller's transaction.
class CopyIn {
 public:
  virtual ~CopyIn() = default;
  // One row, its values in the order of the columns given to BeginCopy.
  [[nodiscard]] virtual Status Add(const std::vector<Value>& row) = 0;
  // Rows in order, as Add each (which is what this does unless a driver
  // has a quicker way). On a failure `failed` is the index of the row that
  // failed; the rows before it may be in the table, as with Add.
  [[nodiscard]] virtual Status AddRows(std::span<const std::vector<Value>> rows, size_t& failed);
  // Sends what is buffered; a constraint failure anywhere in the copy shows
  // here at the latest.
  [[nodiscard]] virtual Status Finish() = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;

  // A statement for `sql` (in the seam's dialect above), prepared once per
  // connection and cached by its text.
  [[nodiscard]] virtual Result<Statement*> Prepare(std::string_view sql) = 0;
  // Runs one or more statements without parameters or results (DDL).
  [[nodiscard]] virtual Status Exec(std::string_view sql) = 0;

  // A write transaction. Begin takes the database's write lock at once on
  // SQLite (BEGIN IMMEDIATE), so a transaction never fails half-way for a
  // lock. Rollback is safe to call when none is open.
  [[nodiscard]] virtual Status Begin() = 0;
  [[nodiscard]] virtual Status Commit() = 0;
  virtual void Rollback() = 0;
  virtual bool InTransaction() const = 0;

  [[nodiscard]] virtual Result<std::unique_ptr<CopyIn>> BeginCopy(
      std::string_view table, const std::vector<std::string>& columns) = 0;

  // The DDL or query text as this connection's database takes it.
  virtual std::string Translate(std::string_view sql) const = 0;

  // "`column` = `parameter`" for a blind-index column (a keyed hash, bound
  // as a blob), written as the database's index on the column is made, so
  // that the look-up reads it: SQLite's are made on CAST(column AS TEXT),
  // which its sorter orders by memcmp (migration 024).
  virtual std::string BlindIndexEquals(std::string_view column, std::string_view parameter) const = 0;

  // The columns of `table`, in their order; none when there is no such table.
  [[nodiscard]] virtual Result<std::vector<std::string>> Columns(std::string_view table) = 0;

  // The indexes of `table` that no constraint of it owns (not its primary
  // key's), as name and the CREATE INDEX that makes it: a load into an empty
  // table drops them and makes them again at its end, a sort instead of a
  // million random inserts.
  struct Index {
    std::string name, create;
  };
  [[nodiscard]] virtual Result<std::vector<Index>> Indexes(std::string_view table) = 0;
  // Runs those CREATE INDEX statements, the fastest way the database has.
  [[nodiscard]] virtual Status MakeIndexes(const std::vector<std::string>& creates);

  // From here on, the foreign keys of the rows copied into `table`
  // (BeginCopy) are looked up once for each parent they name, at
  // CheckDeferredKeys, not as each row goes in. SQLite looks up a row's
  // parents at its insert: a city's households named their village a
  // million times, 0.8 s of the loading thread for a few thousand villages.
  // PostgreSQL checks as it always does.
  //
  // On SQLite such a copy turns the enforcement of foreign keys off for the
  // connection, and it stays off until ResumeForeignKeys: turning it on and
  // off again expires every prepared statement, whose next run prepares it
  // again, and a load makes a copy for each batch of a thousand rows. So
  // whoever copies calls ResumeForeignKeys before anything else writes
  // through the connection (JournalWriter: as its loading thread, which
  // writes only the copies and their journal entries, gives the connection
  // back). Every other write is then checked as it goes in, as before.
  [[nodiscard]] virtual Status DeferForeignKeys(std::string_view table);
  // Enforcement as it was before the deferred copies.
  virtual void ResumeForeignKeys() {}
  // Looks up every parent the deferred rows of every such table named:
  // kConflict for the first one missing, as its insert would have failed.
  // Ends the deferral (and resumes); call before the transaction commits.
  [[nodiscard]] virtual Status CheckDeferredKeys();
  // Ends the deferral (and resumes) without a check: its transaction is not
  // committed.
  virtual void ForgetDeferredKeys() {}

 protected:
  // The first column of every row `select` gives.
  static Result<std::vector<std::string>> ReadNames(Statement& select);
  // The first two of every row, as an Index.
  static Result<std::vector<Index>> ReadIndexes(Statement& select);
};

struct ConnectOptions {
  bool create = true;          // SQLite: create the file when missing
  int busy_timeout_ms = 5000;  // SQLite: wait this long for a lock
};

// Connects to `target`: a `postgresql://…` URI (or libpq's `host=… dbname=…`
// form) for PostgreSQL, else the path of a SQLite file (WAL,
// synchronous=FULL, foreign keys on). kInvalidInput when the target cannot
// be reached or opened, with libpq's or SQLite's reason.
Result<std::unique_ptr<Connection>> Connect(const std::string& target, const ConnectOptions& options);

// A connection over a SQLite handle that its owner (the SQLite store) keeps
// and closes: its statements run in the owner's transactions, and it never
// begins, commits or closes anything of its own accord.
std::unique_ptr<Connection> BorrowSqlite(sqlite3* db);

// Every row `select` (a SELECT … FROM one table, no WHERE or ORDER BY)
// gives, in the order of the table's unique column `key` (column
// `key_index` of the select), read `chunk` rows at a time: a PostgreSQL
// statement's result is held in memory whole, and a county's journal should
// not be. `row` sees each row.
[[nodiscard]] Status ForEachInChunks(Connection& db, const std::string& select, const std::string& key,
                                     int key_index, const std::function<Status(const Statement&)>& row,
                                     std::int64_t chunk = 20000);

// The county of `table`'s record whose `key_column` is `key`, none when
// there is no such record: every county-owned table has its county_code
// (migration 023), and a write checks a record's county against those of
// the records it refers to.
[[nodiscard]] Result<std::optional<std::string>> CountyOf(Connection& db, std::string_view table,
                                                          std::string_view key_column, std::string_view key);

// True when `target` names a PostgreSQL database.
bool IsPostgres(std::string_view target);

// `target` fit for a message or a log: its password, if any, as ***.
std::string Redacted(std::string_view target);

// Rewrites `?N` parameters to `$N` outside quoted text, for PostgreSQL.
std::string DollarParameters(std::string_view sql);

}  // namespace lianxin::sql
