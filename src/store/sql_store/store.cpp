// The store: opening a SQLite file or a PostgreSQL database, its
// migrations, the write transaction every module's journaled rows go
// through, backup and restore.
#include <spdlog/spdlog.h>

#include <ctime>
#include <filesystem>

#include "store/sql_store/internal.hpp"

namespace lianxin::sql_store {

SqlTxn::SqlTxn(SqlStore& store, std::string actor)
    : store_(store),
      actor_(std::move(actor)),
      journal_(store.seam(), [&store](const JournalMark& head) { return store.HeadMac(head); }) {}

SqlTxn::~SqlTxn() {
  journal_.StopLoading();
  // A committed transaction may outlive its store (the store is not touched then).
  if (open_) store_.loading_ = nullptr;
  if (open_ && joined_) {
    store_.txn_open_ = false;  // the caller rolls its transaction back
  } else if (open_) {
    // Inside a batch only this transaction's savepoint is undone; the
    // batch's other writes stay.
    if (store_.batch_open_) {
      (void)store_.RunCached("ROLLBACK TO txn");
      (void)store_.RunCached("RELEASE txn");
    } else {
      store_.seam().Rollback();
    }
    store_.txn_open_ = false;
  }
}

Status SqlTxn::Start(bool join) {
  joined_ = join;
  if (!join) {
    // A snapshot a finished read left open would make BEGIN IMMEDIATE fail
    // once another connection (the writer, another process) has committed.
    if (!store_.batch_open_) store_.EndRead();
    LX_RETURN_IF_ERROR(store_.RunCached(store_.batch_open_ ? "SAVEPOINT txn" : store_.BeginWriteSql()));
  }
  open_ = true;
  store_.txn_open_ = true;
  at_millis_ = store_.clock().NowMillis();
  pairing_.emplace(store_.seam(), &journal_, at_millis_);
  return journal_.Start(actor_, at_millis_);
}

Status SqlTxn::AppendJournal(std::string_view action, const TableDef& def, const std::string& key,
                             std::string before, std::string after) {
  if (!open_) return Status::Internal("写事务已结束");
  return journal_.Append(action, def.name, key, std::move(before), std::move(after));
}

Result<UpsertOutcome> SqlTxn::UpsertImage(const TableDef& def, Image image) {
  if (!open_) return Status::Internal("写事务已结束");
  return journal_.Upsert(def, std::move(image));
}

Status SqlTxn::DeleteImage(const TableDef& def, const std::string& key) {
  if (!open_) return Status::Internal("写事务已结束");
  return journal_.Delete(def, key);
}

Status SqlTxn::LoadIntoEmpty(RecordKind kind) {
  if (!open_) return Status::Internal("写事务已结束");
  JournalWriter::Finish finish;
  if (kind == RecordKind::kHouseholds) {
    // Sealed where they are digested and written, not on the thread that
    // reads and checks the file: a city's million households were held
    // back by their two seals and two blind indexes each.
    finish = [&codec = store_.codec()](Image& image) { codec.SealHousehold(image); };
  }
  LX_RETURN_IF_ERROR(journal_.LoadInto(Def(kind), std::move(finish)));
  store_.loading_ = &journal_;
  return Status::Ok();
}

Status SqlTxn::Commit() {
  if (!open_) return Status::Internal("写事务已结束");
  LX_RETURN_IF_ERROR(journal_.SealHead());  // drains the loading thread
  journal_.StopLoading();
  store_.loading_ = nullptr;
  if (joined_) {
    open_ = false;
    store_.txn_open_ = false;
    return Status::Ok();
  }
  // Inside a batch the changes join it and become durable at EndBatch().
  if (!store_.batch_open_) store_.ResetStatements();  // as EndBatch does
  Status status = store_.RunCached(store_.batch_open_ ? "RELEASE txn" : "COMMIT");
  if (!status.ok()) return status;  // the destructor rolls back
  open_ = false;
  store_.txn_open_ = false;
  return Status::Ok();
}

// "YYYY-MM-DD HH:MM:SS" in UTC, as SQLite's datetime('now') writes it.
std::string UtcTimestamp(std::int64_t millis) {
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &parts);
  return text;
}

void SqlStore::KeepRollbackJournal() {
  if (!sqlite()) return;
  EndRead();
  // Once, no wait: another connection on the file (the server's) answers
  // SQLITE_BUSY at once, and then the WAL stays as it is.
  Result<std::string> mode = sqlite::SetJournalMode(db(), "TRUNCATE", 0);
  rollback_journal_ = mode.ok() && *mode == "truncate";
  if (!rollback_journal_)
    spdlog::debug("另有连接打开数据库,仍用 WAL (the WAL stays: another connection is open)");
}

SqlStore::~SqlStore() {
  if (!rollback_journal_) return;
  ResetStatements();
  Result<std::string> mode = sqlite::SetJournalMode(db(), "WAL", 1000);
  if (!mode.ok()) spdlog::warn("数据库未能改回 WAL (the next opener will): {}", mode.status().message());
}

// On PostgreSQL a lock held to the transaction's end keeps two processes
// opening a new database from migrating it together.
Status SqlStore::BeginMigration() {
  LX_RETURN_IF_ERROR(seam_->Exec(BeginWriteSql()));
  if (!sqlite()) LX_RETURN_IF_ERROR(seam_->Exec("SELECT pg_advisory_xact_lock(2026120501)"));
  return Status::Ok();
}

// Each pending migration in a transaction of its own, recorded in
// schema_migrations.
Status SqlStore::Migrate() {
  // Up to date, the usual case: no write lock, which a server's read
  // connections would otherwise queue for behind the writer's batches.
  Result<int> applied = SchemaVersion();  // fails while there is no schema
  if (applied.ok() && *applied >= Migrations().back().number) return Status::Ok();
  LX_RETURN_IF_ERROR(BeginMigration());
  Status created = seam_->Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at TEXT NOT NULL)");
  if (created.ok()) created = seam_->Commit();
  if (!created.ok()) {
    seam_->Rollback();
    return created;
  }
  LX_ASSIGN_OR_RETURN(int current, SchemaVersion());
  // SQLite makes a table again to change its key (migration 023), which
  // it allows only with foreign keys off; they are checked before each
  // migration commits instead, and are on again afterwards.
  if (sqlite()) LX_RETURN_IF_ERROR(seam_->Exec("PRAGMA foreign_keys = OFF"));
  Status migrated = ApplyMigrations(current);
  if (sqlite()) {
    Status on = seam_->Exec("PRAGMA foreign_keys = ON");
    if (migrated.ok()) migrated = on;
  }
  return migrated;
}

Status SqlStore::ApplyMigrations(int current) {
  for (const Migration& migration : Migrations()) {
    if (migration.number <= current) continue;
    LX_RETURN_IF_ERROR(BeginMigration());
    // Another process may have applied it while this one waited for the lock.
    Result<int> now = SchemaVersion();
    if (now.ok() && *now >= migration.number) {
      LX_RETURN_IF_ERROR(seam_->Commit());
      continue;
    }
    // A statement left mid-read (an earlier step's) would lock the tables a
    // migration drops.
    ResetStatements();
    Status status = seam_->Exec(MigrationSql(migration, seam_->dialect()));
    if (status.ok() && migration.number == 5) status = UpgradeToSchema5();
    if (status.ok() && sqlite()) status = RewriteCheckLists();
    if (status.ok() && sqlite()) status = CheckForeignKeys();
    if (status.ok()) {
      Result<Statement*> record =
          Prepare("INSERT INTO schema_migrations (number, name, applied_at) VALUES (?1, ?2, ?3)");
      status = record.status();
      if (status.ok()) {
        status = (*record)
                     ->Bind(1, migration.number)
                     .Bind(2, migration.name)
                     .Bind(3, UtcTimestamp(clock_.NowMillis()))
                     .Run();
      }
    }
    if (status.ok()) status = seam_->Commit();
    if (!status.ok()) {
      seam_->Rollback();
      return Status(status.code(), "迁移 " + std::string(migration.name) + " 失败: " + status.message());
    }
    spdlog::info("applied migration {}", migration.name);
  }
  return Status::Ok();
}

// What PRAGMA foreign_key_check finds, as the first row that refers to
// nothing: a migration that leaves one is not committed.
Status SqlStore::CheckForeignKeys() {
  LX_ASSIGN_OR_RETURN(Statement * check, Prepare("PRAGMA foreign_key_check"));
  LX_ASSIGN_OR_RETURN(bool found, check->Step());
  if (!found) return Status::Ok();
  std::string where = std::string(check->Text(0)) + " 中有记录引用的 " + std::string(check->Text(2)) +
                      " 记录不存在或不在同一县 (foreign_key)";
  check->Reset();
  return Status::Conflict(where);
}

Status SqlStore::RewriteCheckLists() {
  std::vector<std::pair<std::string, std::string>> changed;  // table, its new CREATE
  {
    LX_ASSIGN_OR_RETURN(
        Statement * tables,
        Prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%IN (%'"));
    while (true) {
      LX_ASSIGN_OR_RETURN(bool found, tables->Step());
      if (!found) break;
      std::string sql(tables->Text(1));
      std::string rewritten = CheckListsAsOr(sql);
      if (rewritten != sql) changed.emplace_back(std::string(tables->Text(0)), std::move(rewritten));
    }
  }
  if (changed.empty()) return Status::Ok();
  LX_ASSIGN_OR_RETURN(Statement * version, Prepare("PRAGMA schema_version"));
  LX_ASSIGN_OR_RETURN(bool found, version->Step());
  if (!found) return Status::Internal("PRAGMA schema_version 无结果");
  const std::int64_t schema_version = version->Int(0);
  version->Reset();
  LX_RETURN_IF_ERROR(seam_->Exec("PRAGMA writable_schema = ON"));
  Status status = Status::Ok();
  for (const auto& [table, sql] : changed) {
    Result<Statement*> update =
        Prepare("UPDATE sqlite_master SET sql = ?1 WHERE type = 'table' AND name = ?2");
    status = update.ok() ? (*update)->Bind(1, sql).Bind(2, table).Run() : update.status();
    if (!status.ok()) break;
  }
  // Tells every connection (this one too) to read the schema again.
  if (status.ok()) status = seam_->Exec("PRAGMA schema_version = " + std::to_string(schema_version + 1));
  Status off = seam_->Exec("PRAGMA writable_schema = OFF");
  return status.ok() ? off : status;
}

// Copies all of `from` into `to` with the online backup API, in one step:
// one read snapshot, which in WAL mode blocks no writer. (Copying in steps
// restarts whenever another connection commits between two steps, so under
// a steady write load a large database never finished.)
Status CopyDatabase(sqlite3* from, sqlite3* to) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) return sqlite::ErrorStatus(to, sqlite3_errcode(to), "backup_init");
  int rc;
  do {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(5);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return sqlite::ErrorStatus(to, rc, "backup_step");
  return Status::Ok();
}

Status IntegrityCheck(sqlite3* db, const std::string& what) {
  sqlite::Statement check(db, "PRAGMA integrity_check");
  LX_RETURN_IF_ERROR(check.prepared());
  LX_ASSIGN_OR_RETURN(bool row, check.Step());
  if (!row || check.ColumnText(0) != "ok") {
    return Status::Invalid(what + " 未通过完整性检查 (integrity_check): " +
                           std::string(row ? check.ColumnText(0) : "no result"));
  }
  return Status::Ok();
}

Status SqlStore::Backup(const std::string& out) {
  std::error_code ec;
  if (std::filesystem::exists(out, ec)) return Status::Invalid("备份文件已存在: " + out + " (backup_exists)");
  if (!sqlite()) return BackupToSqlite(out);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(out.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  DbHandle copy(raw);
  if (rc != SQLITE_OK) return Status::Internal("无法创建备份文件 " + out + ": " + sqlite3_errstr(rc));
  Status status = CopyDatabase(db(), copy.get());
  // The copy is a single file: no WAL beside it to lose.
  if (status.ok()) status = sqlite::Exec(copy.get(), "PRAGMA journal_mode = DELETE");
  if (status.ok()) status = IntegrityCheck(copy.get(), "备份 " + out);
  copy.reset();
  if (!status.ok()) {
    std::filesystem::remove(out, ec);
    return Status(Code::kInternal, status.message());
  }
  return Status::Ok();
}

// A PostgreSQL database backed up into a SQLite file of the same schema and
// key, copied in one snapshot: `journal verify --db FILE` checks it where it
// lies, and `lianxin migrate --from FILE --to postgresql://…` restores it.
Status SqlStore::BackupToSqlite(const std::string& out) {
  StoreOptions options;
  options.key_file = key_file_;
  options.clock = &clock_;
  auto remove = [&out] {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(out + suffix, ec);
  };
  Status status;
  {
    Result<std::unique_ptr<Store>> copy = Store::Open(out, options);
    status = copy.status();
    if (status.ok()) status = CopyInto(**copy, nullptr);
  }
  sqlite3* raw = nullptr;
  if (status.ok() && sqlite3_open_v2(out.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    status = Status::Internal("无法打开备份文件 " + out);
  }
  DbHandle copy(raw);
  // The copy is a single file: no WAL beside it to lose.
  if (status.ok()) status = sqlite::Exec(copy.get(), "PRAGMA journal_mode = DELETE");
  if (status.ok()) status = IntegrityCheck(copy.get(), "备份 " + out);
  copy.reset();
  if (!status.ok()) {
    remove();
    return Status(Code::kInternal, status.message());
  }
  return Status::Ok();
}

Status SqlStore::CheckKeyOpensData() {
  // A member's ID is bound to the row keyed by its blind index, in hex.
  for (const char* sql :
       {"SELECT id_enc, 'members.id', id_bidx FROM members LIMIT 1",
        "SELECT phone_enc, 'households.phone', code FROM households WHERE phone_enc IS NOT NULL LIMIT 1",
        "SELECT id_enc, 'cadres.id', code FROM cadres WHERE id_enc IS NOT NULL LIMIT 1"}) {
    LX_ASSIGN_OR_RETURN(Statement * select, Prepare(sql));
    LX_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) continue;
    Result<std::string> plain = cipher_.Decrypt(
        select->Blob(0), FieldCipher::Binding(select->Text(1), JournalKeyText(select->Get(2))));
    select->Reset();
    if (!plain.ok()) return Status::Invalid("密钥与数据不符:这份数据是用另一个密钥加密的 (key_mismatch)");
    return Status::Ok();
  }
  return Status::Ok();
}

Result<int> SqlStore::SchemaVersion() {
  LX_ASSIGN_OR_RETURN(Statement * select, Prepare("SELECT COALESCE(MAX(number), 0) FROM schema_migrations"));
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  int version = found ? static_cast<int>(select->Int(0)) : 0;
  select->Reset();
  return version;
}

Result<std::int64_t> SqlStore::CountOf(const std::string& sql) {
  LX_ASSIGN_OR_RETURN(Statement * select, Prepare(sql));
  LX_ASSIGN_OR_RETURN(bool found, select->Step());
  std::int64_t count = found ? select->Int(0) : 0;
  select->Reset();
  return count;
}

Result<std::int64_t> SqlStore::PairingDataVersion() {
  // One index seek per table (journal_entity_seq), not a scan.
  LX_ASSIGN_OR_RETURN(
      Statement * newest,
      Prepare("SELECT MAX(m) FROM (SELECT MAX(seq) AS m FROM journal WHERE entity = 'regions' UNION ALL "
              "SELECT MAX(seq) FROM journal WHERE entity = 'units' UNION ALL "
              "SELECT MAX(seq) FROM journal WHERE entity = 'orgs' UNION ALL "
              "SELECT MAX(seq) FROM journal WHERE entity = 'cadres' UNION ALL "
              "SELECT MAX(seq) FROM journal WHERE entity = 'households' UNION ALL "
              "SELECT MAX(seq) FROM journal WHERE entity = 'pairs' UNION ALL "
              "SELECT MAX(seq) FROM journal WHERE entity = 'pins') AS newest"));
  LX_ASSIGN_OR_RETURN(bool found, newest->Step());
  std::int64_t version = found ? newest->Int(0) : 0;
  newest->Reset();
  return version;
}

}  // namespace lianxin::sql_store

namespace lianxin {

using sql_store::CopyDatabase;
using sql_store::DbHandle;
using sql_store::IntegrityCheck;
using sql_store::ReplaceFile;
using sql_store::SqlStore;

Status Store::Restore(const std::string& path, const std::string& from, const StoreOptions& options) {
  if (sql::IsPostgres(path)) {
    return Status::Invalid(
        "PostgreSQL 数据库不能原地恢复;请把备份迁入一个空库: lianxin migrate --from 备份文件 --to "
        "postgresql://… "
        "(restore_postgres)");
  }
  std::error_code ec;
  if (!std::filesystem::exists(from, ec))
    return Status::Invalid("找不到备份文件 " + from + " (backup_missing)");
  // Check the backup as it is, through a private copy, before touching `path`.
  std::string staging = path + ".restoring";
  std::filesystem::remove(staging, ec);
  {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(from.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    DbHandle source(raw);
    if (rc != SQLITE_OK) return Status::Invalid("无法打开备份文件 " + from + " (backup_unreadable)");
    LX_RETURN_IF_ERROR(IntegrityCheck(source.get(), "备份 " + from));
    sqlite3* raw_staging = nullptr;
    rc = sqlite3_open_v2(staging.c_str(), &raw_staging, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    DbHandle target(raw_staging);
    if (rc != SQLITE_OK) return Status::Internal("无法写入 " + staging);
    LX_RETURN_IF_ERROR(CopyDatabase(source.get(), target.get()));
  }
  StoreOptions staging_options = options;
  staging_options.create = false;
  if (staging_options.key_file.empty()) staging_options.key_file = path + ".key";
  auto discard = [&](Status status) {
    std::filesystem::remove(staging, ec);
    std::filesystem::remove(staging + "-wal", ec);
    std::filesystem::remove(staging + "-shm", ec);
    return status;
  };
  // The restored head becomes the checkpoint: restoring is the one
  // deliberate rollback, and the old checkpoint would call it tampering.
  std::string checkpoint, checkpoint_line;
  {
    Result<std::unique_ptr<Store>> opened = Store::Open(staging, staging_options);
    if (!opened.ok()) return discard(opened.status());
    auto& store = static_cast<SqlStore&>(**opened);
    Status status = store.CheckKeyOpensData();
    SqlStore::Mark head;
    if (status.ok()) status = store.Verify({.against_checkpoint = false}, nullptr, &head);
    if (!status.ok()) return discard(Status::Invalid("备份不能恢复: " + status.message()));
    checkpoint = store.checkpoint_path();
    checkpoint_line = store.CheckpointLine(head);
  }
  // Swap in: the old WAL must go with the old file, or SQLite would replay it onto the new one.
  std::filesystem::remove(path + "-wal", ec);
  std::filesystem::remove(path + "-shm", ec);
  std::filesystem::rename(staging, path, ec);
  if (ec) return discard(Status::Internal("无法替换数据库 " + path + ": " + ec.message()));
  std::filesystem::remove(staging + "-wal", ec);
  std::filesystem::remove(staging + "-shm", ec);
  return ReplaceFile(checkpoint, checkpoint_line);
}

std::string Store::JournalCheckpointPath(const std::string& key_file) { return key_file + ".head"; }

namespace {

// A PostgreSQL database (store.hpp, Store::Open): its key file must be
// named, for there is no database file to keep it beside.
Result<std::unique_ptr<Store>> OpenPostgres(const std::string& target, const StoreOptions& options) {
  if (options.key_file.empty()) {
    return Status::Invalid(
        "PostgreSQL 数据库须指定密钥文件 (--key FILE 或配置项 key_file) (key_file_required)");
  }
  LX_ASSIGN_OR_RETURN(std::unique_ptr<sql::Connection> seam, sql::Connect(target, {}));
  LX_ASSIGN_OR_RETURN(sql::Statement * schema,
                      seam->Prepare("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                                    "current_schema() AND table_name = 'schema_migrations'"));
  LX_ASSIGN_OR_RETURN(bool row, schema->Step());
  const bool exists = row && schema->Int(0) > 0;
  schema->Reset();
  if (!exists && !options.create) {
    return Status::NotFound("数据库中没有连心的数据: " + sql::Redacted(target) + " (db_missing)");
  }
  // A database that already holds data must find its key, never get a new one.
  LX_ASSIGN_OR_RETURN(FieldCipher cipher, FieldCipher::FromKeyFile(options.key_file, !exists));
  auto store = std::make_unique<SqlStore>(nullptr, std::move(seam), std::move(cipher),
                                          options.clock ? *options.clock : SystemClock(), options.key_file);
  LX_RETURN_IF_ERROR(store->Migrate());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const StoreOptions& options) {
  if (sql::IsPostgres(path)) return OpenPostgres(path, options);
  std::error_code ec;
  bool exists = std::filesystem::exists(path, ec);
  if (!exists && !options.create) return Status::NotFound("数据库不存在: " + path + " (db_missing)");
  std::string key_file = options.key_file.empty() ? path + ".key" : options.key_file;
  // A database that already exists must find its key, never get a new one.
  LX_ASSIGN_OR_RETURN(FieldCipher cipher, FieldCipher::FromKeyFile(key_file, !exists));
  sqlite::ConfigureOnce();
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (options.create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbHandle db(raw);
  if (rc != SQLITE_OK) return Status::Internal("无法打开数据库 " + path + ": " + sqlite3_errstr(rc));
  sqlite3_busy_timeout(db.get(), options.busy_timeout_ms);
  sqlite3_extended_result_codes(db.get(), 1);
  // A new database's pages are 16 KiB (SQLite's default 4 KiB): a table or
  // index of a million rows has a quarter of the pages to balance, scan and
  // sort (B1: a city's households 0.9 s faster, its index sorts 3.2 → 2.6 s),
  // while a write still changes a handful of pages (B3b unchanged). Only
  // before the first table is made; an older database keeps its size.
  if (!exists) LX_RETURN_IF_ERROR(sqlite::Exec(db.get(), "PRAGMA page_size = 16384"));
  sqlite::CheckpointAndRestartWal(db.get(), options.busy_timeout_ms);
  LX_RETURN_IF_ERROR(sqlite::SetJournalMode(db.get(), "WAL", options.busy_timeout_ms).status());
  // Temporary data in files (SQLite's default): a statement journal past
  // sqlite::kStatementJournalSpill then leaves memory for a file, where an
  // in-memory one grows without bound and slows every statement after it
  // (sqlite_api.hpp). The page cache holds such files, and they hold
  // nothing the database file does not: sealed columns stay sealed.
  LX_RETURN_IF_ERROR(
      sqlite::Exec(db.get(),
                   "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; "
                   "PRAGMA secure_delete = ON; PRAGMA cache_size = -65536; PRAGMA temp_store = FILE; "
                   "PRAGMA journal_size_limit = 67108864"));
  std::unique_ptr<sql::Connection> seam = sql::BorrowSqlite(db.get());
  auto store = std::make_unique<SqlStore>(std::move(db), std::move(seam), std::move(cipher),
                                          options.clock ? *options.clock : SystemClock(), key_file);
  LX_RETURN_IF_ERROR(store->Migrate());
  if (options.bulk) {
    store->KeepRollbackJournal();
    // A load's indexes are made again at its end, each a sort: two helper
    // threads sort runs beside this one, which SQLite allows only with the
    // sort's temporary data in files, as every connection has them.
    // B1: city 6.3 → 5.5 s.
    LX_RETURN_IF_ERROR(sqlite::Exec(store->db(), "PRAGMA threads = 2"));
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace lianxin
