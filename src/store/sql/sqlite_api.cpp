#include "store/sql/sqlite_api.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

namespace lianxin::sqlite {

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                              nullptr);
  if (rc != SQLITE_OK) status_ = ErrorStatus(db, rc, sql);
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = other.stmt_;
    status_ = std::move(other.status_);
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement& Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return *this;
}

Statement& Statement::BindText(int index, std::string_view text) {
  // An empty view may have no data pointer, which SQLite would bind as NULL.
  sqlite3_bind_text(stmt_, index, text.data() ? text.data() : "", static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindInt(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::BindReal(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}
Statement& Statement::BindTextOrNull(int index, std::string_view text) {
  return text.empty() ? BindNull(index) : BindText(index, text);
}
Statement& Statement::BindBlobOrNull(int index, std::string_view bytes) {
  return bytes.empty() ? BindNull(index) : BindBlob(index, bytes);
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return ErrorStatus(db_, rc, sqlite3_sql(stmt_));
}

Status Statement::Run() {
  while (true) {
    Result<bool> more = Step();
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
  }
}

std::string_view Statement::ColumnText(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  return text ? std::string_view(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, index)))
              : std::string_view();
}
std::string_view Statement::ColumnBlob(int index) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, index));
  return bytes ? std::string_view(bytes, static_cast<size_t>(sqlite3_column_bytes(stmt_, index)))
               : std::string_view();
}
std::int64_t Statement::ColumnInt(int index) const { return sqlite3_column_int64(stmt_, index); }
double Statement::ColumnReal(int index) const { return sqlite3_column_double(stmt_, index); }
bool Statement::ColumnIsNull(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

void ConfigureOnce() {
  static const bool configured = [] {
    // Fails (harmlessly) should SQLite already be initialised.
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, kStatementJournalSpill);
    return true;
  }();
  (void)configured;
}

namespace {
std::atomic<std::int64_t> commits_in_this_process{0};

// The hook's context: the connection's busy timeout in the low 32 bits, the
// WAL's length in frames that calls for a checkpoint in the high ones (no
// allocation to free when the connection closes).
static_assert(sizeof(std::intptr_t) >= 8, "the WAL hook's context packs two 32-bit values");
void* HookContext(int busy_timeout_ms, int frames) {
  return reinterpret_cast<void*>((static_cast<std::intptr_t>(frames) << 32) |
                                 static_cast<std::uint32_t>(busy_timeout_ms));
}

int RestartWalWhenLong(void* context, sqlite3* db, const char* schema, int frames) {
  commits_in_this_process.fetch_add(1);
  const auto packed = reinterpret_cast<std::intptr_t>(context);
  if (frames < static_cast<int>(packed >> 32)) return SQLITE_OK;
  // RESTART waits, through the busy handler, for the readers still on the
  // WAL: briefly, so a long read (an export) never holds the writer up.
  sqlite3_busy_timeout(db, kWalRestartWaitMs);
  int rc = sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
  sqlite3_busy_timeout(db, static_cast<int>(static_cast<std::uint32_t>(packed & 0xffffffff)));
  // SQLITE_BUSY: what could be was checkpointed; the restart is tried again
  // after a later commit. Nothing here can undo the commit that called us.
  (void)rc;
  return SQLITE_OK;
}
}  // namespace

std::int64_t CommitsInThisProcess() { return commits_in_this_process.load(); }

void CheckpointAndRestartWal(sqlite3* db, int busy_timeout_ms) {
  const int frames = static_cast<int>(kWalCheckpointBytes / std::max(PageSize(db), 512));
  sqlite3_wal_hook(db, RestartWalWhenLong, HookContext(busy_timeout_ms, frames));
}

int PageSize(sqlite3* db) {
  Statement pragma(db, "PRAGMA page_size");
  Result<bool> row = pragma.Step();
  return row.ok() && *row ? static_cast<int>(pragma.ColumnInt(0)) : 4096;
}

int DatabaseFileDescriptor(sqlite3* db) {
  // The head of the unix VFS's unixFile, unchanged since 2010: its methods,
  // its VFS, its inode's lock record, then the descriptor. Trusted only if
  // the descriptor is the database file's (same device and inode).
  struct UnixFile {
    const sqlite3_io_methods* methods;
    sqlite3_vfs* vfs;
    void* inode;
    int fd;
  };
  sqlite3_file* file = nullptr;
  const char* path = sqlite3_db_filename(db, "main");
  if (path == nullptr || *path == '\0' ||
      sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || file == nullptr ||
      file->pMethods == nullptr) {
    return -1;
  }
  const sqlite3_vfs* vfs = sqlite3_vfs_find(nullptr);
  if (vfs == nullptr || std::string_view(vfs->zName).substr(0, 4) != "unix") return -1;
  const auto* unix_file = reinterpret_cast<const UnixFile*>(file);
  struct stat by_fd = {};
  struct stat by_path = {};
  if (unix_file->fd < 0 || fstat(unix_file->fd, &by_fd) != 0 || stat(path, &by_path) != 0 ||
      by_fd.st_dev != by_path.st_dev || by_fd.st_ino != by_path.st_ino) {
    return -1;
  }
  return unix_file->fd;
}

Status ErrorStatus(sqlite3* db, int rc, std::string_view what) {
  std::string message = std::string(sqlite3_errmsg(db)) + " (" + std::string(what.substr(0, 120)) + ")";
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return Status::Conflict("数据约束冲突: " + message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status(Code::kUnavailable, "数据库忙: " + message);
    default:
      return Status::Internal("数据库错误: " + message);
  }
}

void ResetStatements(sqlite3* db) {
  for (sqlite3_stmt* stmt = sqlite3_next_stmt(db, nullptr); stmt != nullptr;
       stmt = sqlite3_next_stmt(db, stmt)) {
    if (sqlite3_stmt_busy(stmt)) sqlite3_reset(stmt);
  }
}

Status Exec(sqlite3* db, std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string message = error ? error : "unknown";
  sqlite3_free(error);
  Status status = ErrorStatus(db, rc, text);
  return Status(status.code(), message + " (" + text.substr(0, 120) + ")");
}

Result<std::string> SetJournalMode(sqlite3* db, std::string_view mode, int wait_ms) {
  const std::string sql = "PRAGMA journal_mode = " + std::string(mode);
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (true) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr);
    std::string now;
    if (rc == SQLITE_OK) {
      rc = sqlite3_step(raw);
      if (rc == SQLITE_ROW) {
        now = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
        rc = SQLITE_OK;
      }
    }
    sqlite3_finalize(raw);
    if (rc == SQLITE_OK) return now;
    if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= until)
      return ErrorStatus(db, rc, sql);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace lianxin::sqlite
