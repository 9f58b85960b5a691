// The seam on SQLite: statements prepared once per connection (persistent),
// WAL with synchronous=FULL, BEGIN IMMEDIATE for writes.
#include <fcntl.h>
#include <sqlite3.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "store/sql/drivers.hpp"
#include "store/sql/sqlite_api.hpp"

namespace lianxin::sql {

namespace {

// Constraint failures are kConflict, busy and locked kUnavailable: the
// store's one mapping (store/sql/sqlite_api.hpp).
Status SqliteError(sqlite3* db, int rc, std::string_view what) { return sqlite::ErrorStatus(db, rc, what); }

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }
  sqlite3_stmt* raw() const { return stmt_; }

  Statement& Bind(int index, std::int64_t value) override {
    Rewind();
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }
  Statement& Bind(int index, double value) override {
    Rewind();
    sqlite3_bind_double(stmt_, index, value);
    return *this;
  }
  Statement& Bind(int index, std::string_view text) override {
    Rewind();
    // An empty view may have no data pointer, which SQLite would bind as NULL.
    sqlite3_bind_text(stmt_, index, text.data() ? text.data() : "", static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
    return *this;
  }
  Statement& BindBlob(int index, std::string_view bytes) override {
    Rewind();
    sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& BindNull(int index) override {
    Rewind();
    sqlite3_bind_null(stmt_, index);
    return *this;
  }

  Result<bool> Step() override {
    stepped_ = true;
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
      changes_ = sqlite3_changes64(db_);
      sqlite3_reset(stmt_);  // ends its read: an idle statement holds no snapshot
      return false;
    }
    Status error = SqliteError(db_, rc, sqlite3_sql(stmt_));
    sqlite3_reset(stmt_);
    return error;
  }
  std::int64_t Changes() const override { return changes_; }
  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    stepped_ = false;
  }

  int ColumnCount() const override { return sqlite3_column_count(stmt_); }
  bool IsNull(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::int64_t Int(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double Real(int column) const override { return sqlite3_column_double(stmt_, column); }
  std::string_view Text(int column) const override {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return text ? std::string_view(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
                : std::string_view();
  }
  std::string_view Blob(int column) const override {
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    return bytes ? std::string_view(bytes, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
                 : std::string_view();
  }
  Value Get(int column) const override {
    switch (sqlite3_column_type(stmt_, column)) {
      case SQLITE_INTEGER:
        return Value::Int(Int(column));
      case SQLITE_FLOAT:
        return Value::Real(Real(column));
      case SQLITE_TEXT:
        return Value::Text(Text(column));
      case SQLITE_BLOB:
        return Value::Blob(Blob(column));
      default:
        return Value::Null();
    }
  }

 private:
  // Binding after a run starts the next one, keeping the other bindings.
  void Rewind() {
    if (stepped_) {
      sqlite3_reset(stmt_);
      stepped_ = false;
    }
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool stepped_ = false;
  std::int64_t changes_ = 0;
};

// Starts the kernel writing a load's pages to the disk while the load goes
// on (Linux's sync_file_range, which waits for none of it), so that the
// commit's sync waits for the last pages and not for all of them at once (a
// city's households are 450 MB; B1 0.6–1.1 s faster). Through SQLite's own
// descriptor: another one for the same file could not be closed without
// dropping SQLite's locks on it (POSIX locks belong to the process and the
// file).
class Writeback {
 public:
  explicit Writeback(sqlite3* db) : db_(db) {}

  // Every kEvery calls: a batch of rows loaded.
  void Step() {
    if (++steps_ % kEvery == 0) Now();
  }
  void Now() {
#ifdef __linux__
    if (!looked_) {
      looked_ = true;
      fd_ = lianxin::sqlite::DatabaseFileDescriptor(db_);
    }
    if (fd_ >= 0) (void)sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
  }

 private:
  static constexpr int kEvery = 32;  // batches of 1,000 rows: 8–16 MB of pages
  sqlite3* db_;
  int steps_ = 0;
  bool looked_ = false;
  int fd_ = -1;
};

// The foreign keys of a table whose copies defer them
// (Connection::DeferForeignKeys), and the distinct values its copied rows
// gave each one: a load's rows come in key order, so the same parent runs
// on for many rows and is kept once.
struct DeferredKeys {
  struct Key {
    std::vector<std::string> columns;  // the child's, in the key's order
    std::string parent;
    std::vector<std::string> parent_columns;
    std::string last;                          // the values of the row before, encoded
    std::unordered_set<std::string> seen;      // every value encoded
    std::vector<std::vector<Value>> distinct;  // the same, to look up
  };
  std::string table;
  std::vector<Key> keys;

  // Notes the values `row` gives each key (its columns at `at[k]`); a key
  // with a NULL among them is not checked, as in SQL.
  void Note(const std::vector<Value>& row, const std::vector<std::vector<size_t>>& at) {
    for (size_t k = 0; k < keys.size(); ++k) {
      Key& key = keys[k];
      scratch_.clear();
      bool null = false;
      for (size_t column : at[k]) {
        const Value& value = row[column];
        null = null || value.type == Value::kNull;
        scratch_.push_back(static_cast<char>('0' + value.type));
        switch (value.type) {
          case Value::kInt:
            scratch_.append(std::to_string(value.integer));
            break;
          case Value::kReal:
            scratch_.append(reinterpret_cast<const char*>(&value.real), sizeof value.real);
            break;
          default:
            scratch_.append(std::to_string(value.bytes.size())).push_back(':');
            scratch_.append(value.bytes);
        }
      }
      if (null || scratch_ == key.last) continue;
      key.last = scratch_;
      if (!key.seen.insert(scratch_).second) continue;
      std::vector<Value>& values = key.distinct.emplace_back();
      for (size_t column : at[k]) values.push_back(row[column]);
    }
  }

 private:
  std::string scratch_;
};

// Rows into two reused INSERTs, of one row (Add) and of kChunkRows
// (AddRows), each value bound where it lies: a row outlives its run, and
// nothing else runs the statements until Finish, which drops the bindings.
// When the table's foreign keys are deferred, the copy turns their
// enforcement off until Connection::ResumeForeignKeys (SQLite allows
// turning it off inside a transaction only through sqlite3_db_config;
// turning it back on expires the prepared statements, which prepare again
// at their next step).
class SqliteCopy final : public CopyIn {
 public:
  SqliteCopy(sqlite3* db, Statement* insert, sqlite3_stmt* stmt, Statement* chunk, Writeback& writeback,
             DeferredKeys* deferred, std::vector<std::vector<size_t>> key_columns, bool& keys_off)
      : db_(db),
        insert_(insert),
        stmt_(stmt),
        chunk_(chunk),
        writeback_(writeback),
        deferred_(deferred),
        key_columns_(std::move(key_columns)) {
    if (deferred_ == nullptr || keys_off) return;
    int enforced = 0;
    sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_FKEY, -1, &enforced);
    if (enforced) sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_FKEY, 0, nullptr);
    keys_off = enforced != 0;  // on again at Connection::ResumeForeignKeys
  }
  SqliteCopy(const SqliteCopy&) = delete;
  SqliteCopy& operator=(const SqliteCopy&) = delete;

  // Rows a multi-row INSERT takes at once: a batch of the journal's (1,000
  // rows) in whole chunks.
  static constexpr size_t kChunkRows = 50;

  Status Add(const std::vector<Value>& row) override {
    if (deferred_ != nullptr) deferred_->Note(row, key_columns_);
    Bind(stmt_, 1, row);
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_DONE) {
      sqlite3_reset(stmt_);
      return Status::Ok();
    }
    Status error = SqliteError(db_, rc, sqlite3_sql(stmt_));
    Clear();  // the copy ends here: no binding outlives its row
    return error;
  }

  // Whole chunks go in by one statement each, which keeps its cursor on the
  // table's last page from row to row instead of seeking from the root for
  // every row and opening and closing the table each time. It is INSERT OR
  // FAIL: a failing row stops it with the rows before it in, as separate
  // rows would be (and no statement journal is kept to undo them). The rows
  // from the failing one on are then added one at a time, so the error is
  // the one row's, word for word as Add gives it.
  Status AddRows(std::span<const std::vector<Value>> rows, size_t& failed) override {
    size_t at = 0;
    if (chunk_ != nullptr) {
      sqlite3_stmt* chunk = static_cast<SqliteStatement*>(chunk_)->raw();
      const size_t width = static_cast<size_t>(sqlite3_bind_parameter_count(stmt_));  // the copy's columns
      for (; rows.size() - at >= kChunkRows; at += kChunkRows) {
        for (size_t r = 0; r < kChunkRows; ++r) {
          const std::vector<Value>& row = rows[at + r];
          if (row.size() != width) {  // would shift every row after it
            failed = at + r;
            sqlite3_clear_bindings(chunk);
            return Status::Internal("复制的行有 " + std::to_string(row.size()) + " 个值,应有 " +
                                    std::to_string(width) + " 个");
          }
          if (deferred_ != nullptr) deferred_->Note(row, key_columns_);
          Bind(chunk, static_cast<int>(r * width + 1), row);
        }
        const int rc = sqlite3_step(chunk);
        const int added = sqlite3_changes(db_);
        Status error = rc == SQLITE_DONE ? Status::Ok() : SqliteError(db_, rc, sqlite3_sql(stmt_));
        sqlite3_clear_bindings(chunk);
        chunk_->Reset();
        if (error.ok()) continue;
        failed = at;
        // Any other failure may have ended the transaction: nothing more.
        if ((rc & 0xff) == SQLITE_CONSTRAINT) {
          for (failed += static_cast<size_t>(added); failed < at + kChunkRows; ++failed) {
            LX_RETURN_IF_ERROR(Add(rows[failed]));
          }
          failed = at;  // not again one at a time: the error as it came
        }
        Clear();
        return error;
      }
    }
    for (failed = at; failed < rows.size(); ++failed) LX_RETURN_IF_ERROR(Add(rows[failed]));
    return Status::Ok();
  }
  Status Finish() override {
    Clear();
    writeback_.Step();
    return Status::Ok();
  }

 private:
  void Clear() {
    sqlite3_clear_bindings(stmt_);
    insert_->Reset();
  }
  // `row`'s values bound where they lie, from parameter `first` on.
  static void Bind(sqlite3_stmt* stmt, int first, const std::vector<Value>& row) {
    for (size_t i = 0; i < row.size(); ++i) {
      const Value& value = row[i];
      const int index = first + static_cast<int>(i);
      switch (value.type) {
        case Value::kNull:
          sqlite3_bind_null(stmt, index);
          break;
        case Value::kInt:
          sqlite3_bind_int64(stmt, index, value.integer);
          break;
        case Value::kReal:
          sqlite3_bind_double(stmt, index, value.real);
          break;
        case Value::kText:
          sqlite3_bind_text(stmt, index, value.bytes.data(), static_cast<int>(value.bytes.size()),
                            SQLITE_STATIC);
          break;
        case Value::kBlob:
          sqlite3_bind_blob(stmt, index, value.bytes.data(), static_cast<int>(value.bytes.size()),
                            SQLITE_STATIC);
          break;
      }
    }
  }
  sqlite3* db_;
  Statement* insert_;  // owns stmt_
  sqlite3_stmt* stmt_;
  Statement* chunk_;  // kChunkRows rows at once; null where too many parameters
  Writeback& writeback_;
  DeferredKeys* deferred_;                        // null: enforced as each row goes in
  std::vector<std::vector<size_t>> key_columns_;  // each deferred key's columns in a row
};

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db, bool owned = true) : db_(db), owned_(owned), writeback_(db) {}
  ~SqliteConnection() override {
    statements_.clear();
    if (owned_) sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<Statement*> Prepare(std::string_view sql) override {
    auto it = statements_.find(std::string(sql));
    if (it != statements_.end()) return it->second.get();
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
    auto [inserted, _] = statements_.emplace(std::string(sql), std::make_unique<SqliteStatement>(db_, stmt));
    return inserted->second.get();
  }

  Status Exec(std::string_view sql) override { return sqlite::Exec(db_, sql); }

  Result<std::int64_t> PragmaValue(std::string_view name) {
    LX_ASSIGN_OR_RETURN(Statement * pragma, Prepare("PRAGMA " + std::string(name)));
    LX_ASSIGN_OR_RETURN(bool found, pragma->Step());
    std::int64_t value = found ? pragma->Int(0) : 0;
    pragma->Reset();
    return value;
  }

  Result<std::vector<std::string>> Columns(std::string_view table) override {
    LX_ASSIGN_OR_RETURN(Statement * select, Prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid"));
    select->Bind(1, table);
    return ReadNames(*select);
  }

  Result<std::vector<Index>> Indexes(std::string_view table) override {
    // A constraint's own index (sqlite_autoindex_…) has no SQL of its own.
    LX_ASSIGN_OR_RETURN(Statement * select,
                        Prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 "
                                "AND sql IS NOT NULL ORDER BY name"));
    select->Bind(1, table);
    return ReadIndexes(*select);
  }

  // Each index is a sort. SQLite's sorter hands runs to helper threads
  // (PRAGMA threads, which a bulk store sets with its temporary data in
  // files: SqlStore::Open) only when the data is larger than its memory,
  // which the page cache's size sets: so with helpers, the cache is small
  // while these sorts run, and as it was afterwards.
  Status MakeIndexes(const std::vector<std::string>& creates) override {
    LX_ASSIGN_OR_RETURN(std::int64_t threads, PragmaValue("threads"));
    if (creates.empty() || threads == 0) return Connection::MakeIndexes(creates);
    LX_ASSIGN_OR_RETURN(std::int64_t cache, PragmaValue("cache_size"));
    LX_RETURN_IF_ERROR(Exec("PRAGMA cache_size = -8192"));
    Status made = Status::Ok();
    for (const std::string& create : creates) {
      made = Exec(create);
      if (!made.ok()) break;
      writeback_.Now();
    }
    Status back = Exec("PRAGMA cache_size = " + std::to_string(cache));
    return made.ok() ? back : made;
  }

  Status Begin() override { return Exec("BEGIN IMMEDIATE"); }
  Status Commit() override { return Exec("COMMIT"); }
  void Rollback() override {
    if (InTransaction()) (void)Exec("ROLLBACK");
  }
  bool InTransaction() const override { return sqlite3_get_autocommit(db_) == 0; }

  Result<std::unique_ptr<CopyIn>> BeginCopy(std::string_view table,
                                            const std::vector<std::string>& columns) override {
    std::string sql = "INSERT INTO " + std::string(table) + " (";
    std::string values;
    for (size_t i = 0; i < columns.size(); ++i) {
      sql += (i ? ", " : "") + columns[i];
      values += (i ? ", ?" : "?") + std::to_string(i + 1);
    }
    sql += ") VALUES (" + values + ")";
    LX_ASSIGN_OR_RETURN(Statement * insert, Prepare(sql));
    insert->Reset();
    Statement* chunk = nullptr;
    if (columns.size() * SqliteCopy::kChunkRows <=
        static_cast<size_t>(sqlite3_limit(db_, SQLITE_LIMIT_VARIABLE_NUMBER, -1))) {
      // "INSERT OR FAIL INTO t (…) VALUES (?1, …), (…), …"
      std::string chunk_sql = "INSERT OR FAIL" + sql.substr(std::string_view("INSERT").size());
      chunk_sql.resize(chunk_sql.size() - values.size() - 2);
      for (size_t r = 0, n = 0; r < SqliteCopy::kChunkRows; ++r) {
        chunk_sql += r ? ", (" : "(";
        for (size_t i = 0; i < columns.size(); ++i) chunk_sql += (i ? ", ?" : "?") + std::to_string(++n);
        chunk_sql += ")";
      }
      LX_ASSIGN_OR_RETURN(chunk, Prepare(chunk_sql));
      chunk->Reset();
    }
    auto of_table =
        std::find_if(deferred_.begin(), deferred_.end(),
                     [&](const std::unique_ptr<DeferredKeys>& keys) { return keys->table == table; });
    DeferredKeys* deferred = of_table == deferred_.end() ? nullptr : of_table->get();
    std::vector<std::vector<size_t>> key_columns;
    for (size_t k = 0; deferred != nullptr && k < deferred->keys.size(); ++k) {
      const DeferredKeys::Key& key = deferred->keys[k];
      std::vector<size_t>& at = key_columns.emplace_back();
      for (const std::string& column : key.columns) {
        auto found = std::find(columns.begin(), columns.end(), column);
        // A key column the copy leaves to its default would go unchecked.
        if (found == columns.end()) {
          return Status::Internal("复制 " + std::string(table) + " 未给出外键列 " + column +
                                  ",不能推迟外键检查");
        }
        at.push_back(static_cast<size_t>(found - columns.begin()));
      }
    }
    return std::unique_ptr<CopyIn>(
        std::make_unique<SqliteCopy>(db_, insert, static_cast<SqliteStatement*>(insert)->raw(), chunk,
                                     writeback_, deferred, std::move(key_columns), keys_off_));
  }

  Status DeferForeignKeys(std::string_view table) override {
    for (const std::unique_ptr<DeferredKeys>& keys : deferred_) {
      if (keys->table == table) return Status::Ok();
    }
    DeferredKeys deferred;
    deferred.table = std::string(table);
    LX_ASSIGN_OR_RETURN(Statement * list, Prepare("SELECT id, \"table\", \"from\", \"to\" "
                                                  "FROM pragma_foreign_key_list(?1) ORDER BY id, seq"));
    list->Bind(1, table);
    std::int64_t id = -1;
    bool implicit = false;  // a key naming no parent columns: the parent's primary key
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, list->Step());
      if (!row) break;
      if (list->Int(0) != id) {
        id = list->Int(0);
        deferred.keys.emplace_back().parent = std::string(list->Text(1));
      }
      DeferredKeys::Key& key = deferred.keys.back();
      key.columns.emplace_back(list->Text(2));
      implicit = implicit || list->IsNull(3);
      if (!list->IsNull(3)) key.parent_columns.emplace_back(list->Text(3));
    }
    if (implicit) {
      for (DeferredKeys::Key& key : deferred.keys) {
        if (!key.parent_columns.empty()) continue;
        LX_ASSIGN_OR_RETURN(Statement * primary,
                            Prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk"));
        primary->Bind(1, key.parent);
        LX_ASSIGN_OR_RETURN(key.parent_columns, ReadNames(*primary));
      }
    }
    if (!deferred.keys.empty()) deferred_.push_back(std::make_unique<DeferredKeys>(std::move(deferred)));
    return Status::Ok();
  }

  void ResumeForeignKeys() override {
    if (keys_off_) sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_FKEY, 1, nullptr);
    keys_off_ = false;
  }

  Status CheckDeferredKeys() override {
    ResumeForeignKeys();
    std::vector<std::unique_ptr<DeferredKeys>> tables = std::move(deferred_);
    deferred_.clear();
    for (const std::unique_ptr<DeferredKeys>& deferred : tables) LX_RETURN_IF_ERROR(Check(*deferred));
    return Status::Ok();
  }

  void ForgetDeferredKeys() override {
    ResumeForeignKeys();
    deferred_.clear();
  }

  std::string Translate(std::string_view sql) const override { return std::string(sql); }
  std::string BlindIndexEquals(std::string_view column, std::string_view parameter) const override {
    return "CAST(" + std::string(column) + " AS TEXT) = CAST(" + std::string(parameter) + " AS TEXT)";
  }

 private:
  // Each parent the copied rows of `deferred.table` named, looked up.
  Status Check(const DeferredKeys& deferred) {
    for (const DeferredKeys::Key& key : deferred.keys) {
      std::string sql = "SELECT 1 FROM \"" + key.parent + "\" WHERE ";
      for (size_t i = 0; i < key.parent_columns.size(); ++i) {
        sql += (i ? " AND \"" : "\"") + key.parent_columns[i] + "\" = ?" + std::to_string(i + 1);
      }
      LX_ASSIGN_OR_RETURN(Statement * parent, Prepare(sql));
      for (const std::vector<Value>& values : key.distinct) {
        for (size_t i = 0; i < values.size(); ++i) parent->Bind(static_cast<int>(i + 1), values[i]);
        LX_ASSIGN_OR_RETURN(bool found, parent->Step());
        parent->Reset();
        if (found) continue;
        std::string columns, given;
        for (size_t i = 0; i < values.size(); ++i) {
          columns += (i ? ", " : "") + key.columns[i];
          given += (i ? ", " : "") +
                   (values[i].type == Value::kInt ? std::to_string(values[i].integer) : values[i].bytes);
        }
        return Status::Conflict("数据约束冲突: FOREIGN KEY constraint failed (" + deferred.table + " (" +
                                columns + ") = (" + given + ") 在 " + key.parent + " 中不存在)");
      }
    }
    return Status::Ok();
  }

  sqlite3* db_;
  bool owned_;
  Writeback writeback_;
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> statements_;
  // The tables DeferForeignKeys named, until CheckDeferredKeys; each stays
  // where it is while a copy notes into it.
  std::vector<std::unique_ptr<DeferredKeys>> deferred_;
  bool keys_off_ = false;  // a deferred copy turned enforcement off (ResumeForeignKeys)
};

}  // namespace

std::unique_ptr<Connection> BorrowSqlite(sqlite3* db) {
  return std::make_unique<SqliteConnection>(db, false);
}

Result<std::unique_ptr<Connection>> ConnectSqlite(const std::string& path, const ConnectOptions& options) {
  lianxin::sqlite::ConfigureOnce();
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (options.create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string reason = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::Invalid("无法打开数据库 " + path + ": " + reason + " (db_open)");
  }
  auto connection = std::make_unique<SqliteConnection>(db);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  lianxin::sqlite::CheckpointAndRestartWal(db, options.busy_timeout_ms);
  LX_RETURN_IF_ERROR(lianxin::sqlite::SetJournalMode(db, "WAL", options.busy_timeout_ms).status());
  LX_RETURN_IF_ERROR(connection->Exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON"));
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace lianxin::sql
