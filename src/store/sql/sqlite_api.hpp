// A thin RAII layer over the SQLite C API, for the store's own use.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "lianxin/status.hpp"

namespace lianxin::sqlite {

// A prepared statement; reset and re-bound for every use.
class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);
  Statement(Statement&& other) noexcept
      : db_(other.db_), stmt_(other.stmt_), status_(std::move(other.status_)) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  // Not ok when preparing failed.
  const Status& prepared() const { return status_; }

  Statement& Reset();
  Statement& BindText(int index, std::string_view text);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindInt(int index, std::int64_t value);
  Statement& BindReal(int index, double value);
  Statement& BindNull(int index);
  // Binds text, or NULL when empty.
  Statement& BindTextOrNull(int index, std::string_view text);
  Statement& BindBlobOrNull(int index, std::string_view bytes);

  // Returns true while a row is available, false when done.
  Result<bool> Step();
  // Runs to completion.
  Status Run();

  std::string_view ColumnText(int index) const;
  std::string_view ColumnBlob(int index) const;
  std::int64_t ColumnInt(int index) const;
  double ColumnReal(int index) const;
  bool ColumnIsNull(int index) const;
  int ColumnType(int index) const { return sqlite3_column_type(stmt_, index); }
  int ColumnCount() const { return sqlite3_column_count(stmt_); }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

// Process-wide settings, applied once before the first connection opens:
// no memory statistics, whose one global mutex every allocation of every
// connection would otherwise take (readers on several threads queue on it);
// statement journals kept in memory up to kStatementJournalSpill bytes, in
// one block, and in a temporary file beyond it.
void ConfigureOnce();

// A write's statement journal (the pages a statement or a savepoint may
// have to undo) past this size goes on in a temporary file. SQLite's
// journal kept wholly in memory (temp_store = MEMORY) is a list of 1 KiB
// blocks that the end of every statement walks from its head: inside the
// group-commit writer's savepoint, a write of the demo's 23 k households (a
// need's weight changed) walked megabytes of blocks for each of its
// statements — 5.4 s, against 1.7 s with the file, and growing as the
// square of the rows. Up to this size the journal is one block in memory:
// a request's few pages (B3b 4.8 → 5.3 k writes/s, 260 → 252 µs a POST).
// No larger: the block is written to the file in one call when it spills,
// and SQLite 3.40's unix VFS writes at most 128 KiB at once — a larger one
// fails as "database or disk is full" (GroupCommitWriterTest).
inline constexpr int kStatementJournalSpill = 120 << 10;
static_assert(kStatementJournalSpill < (128 << 10), "larger than the unix VFS writes in one call");

// Replaces SQLite's automatic checkpoint on `db` with one that also restarts
// the WAL: once a commit leaves kWalCheckpointBytes or more in it, the WAL is
// checkpointed and, as soon as the readers that began before have finished
// (waiting at most kWalRestartWaitMs, then again after a later commit), the
// next commit writes it from its beginning. The automatic checkpoint never
// restarts it while some reader is always active: under steady reads and
// writes it grew by 900 MB in a minute, and every read and write slowed with it.
// 32 MiB (under the store's 64 MiB journal_size_limit: 8,192 frames of a
// 4 KiB page, 2,048 of the 16 KiB a new database has), not SQLite's default
// of 1,000 frames: under a stream of group commits a checkpoint (pages
// copied into the database, which is synced once more) came every second
// commit; an eighth as often, a page changed several times between two is
// copied once (B7's state changes, bench/NOTES.md). The hook counts commits
// too, so nothing may replace it: no PRAGMA wal_autocheckpoint on these
// connections.
inline constexpr std::int64_t kWalCheckpointBytes = 32 << 20;
inline constexpr int kWalRestartWaitMs = 20;
// Call once the database's page size is settled (a new one's set).
void CheckpointAndRestartWal(sqlite3* db, int busy_timeout_ms);

// The size of the database's pages.
int PageSize(sqlite3* db);

// SQLite's own descriptor of the database file (unix VFS), or -1; see
// Writeback in sqlite_driver.cpp.
int DatabaseFileDescriptor(sqlite3* db);

// Write transactions committed so far by the connections of this process
// that CheckpointAndRestartWal set up (counted by the same WAL hook, which
// SQLite calls once a commit is complete): a read snapshot taken when it was
// N has seen every commit of this process while it is still N.
std::int64_t CommitsInThisProcess();

// Maps a SQLite error to a Status: constraint failures are kConflict, busy
// and locked kUnavailable, the rest kInternal.
Status ErrorStatus(sqlite3* db, int rc, std::string_view what);

// Runs one or more statements with no results.
Status Exec(sqlite3* db, std::string_view sql);

// Sets the journal mode ("WAL", "TRUNCATE") and answers the one now in
// force, lower case. Changing it needs the file to itself: while another
// connection writes (or, to leave WAL, has the file open at all) SQLite
// answers SQLITE_BUSY at once, without the busy handler, so this tries
// again for up to `wait_ms` (0: once) and then returns kUnavailable.
Result<std::string> SetJournalMode(sqlite3* db, std::string_view mode, int wait_ms);

// Resets every statement of the connection that is still stepping. A
// statement left mid-result keeps its read transaction open: later reads on
// the connection would see that old snapshot, and a write would fail at once
// with SQLITE_BUSY once another connection has committed since.
void ResetStatements(sqlite3* db);

}  // namespace lianxin::sqlite
