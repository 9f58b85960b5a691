// `journal verify` against every single change made to the database file
// behind the program's back: each row of the table below is applied with the
// sqlite3 C API to a copy of one real database and must fail verify with the
// tamper status; the untouched copy must verify. Also the sealed head and its
// checkpoint, the exit status of the CLI, and the upgrade of a database made
// by the previous version (schema 4).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

#include "journal/chain.hpp"
#include "lianxin/auth.hpp"
#include "store/migrations.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

namespace fs = std::filesystem;

// Copies a database with its key file and checkpoint, as a backup would.
void CopyDatabase(const std::string& from, const std::string& to) {
  for (const char* suffix : {"", ".key", ".key.head"}) {
    if (fs::exists(from + suffix)) {
      fs::copy_file(from + suffix, to + suffix, fs::copy_options::overwrite_existing);
    }
  }
}

Status VerifyAt(const std::string& path) {
  Result<std::unique_ptr<Store>> store = Store::Open(DbTarget(path), DbOptions(path, nullptr, false));
  if (!store.ok()) return store.status();
  std::int64_t checked = 0;
  return (*store)->VerifyJournal(&checked);
}

// The fixture registry, a pairing with its history, a pin, a task, two
// accounts (one with a TOTP secret), password history, a session, and an
// audit event as the journal's last entry.
void BuildDatabase(const std::string& path) {
  {
    std::unique_ptr<Store> store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    ImportFixture(*store);
    std::unique_ptr<WriteTxn> txn = std::move(store->Begin("test")).value();
    PairingState state;
    state.unit_villages = {{"149901U001", "149901001001"}};
    state.assistance = {{"149901C00002", "1499010010010001"}};
    state.contacts = {{"149901C00003", "1499010010010002"}};
    ASSERT_TRUE(txn->ApplyPairing(state, "首次结对").ok());
    ASSERT_TRUE(txn->SetPin(PairingKind::kAssistance, "149901C00002", "1499010010010001", "本人申请").ok());
    Task task{"1499010010010001", "149901C00002", "危房", "危房改造", "入住安全住房", "2026-12-31"};
    ASSERT_TRUE(txn->Upsert(task).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  std::unique_ptr<UserRepository> users =
      std::move(Store::OpenUserRepository(DbTarget(path), DbOptions(path))).value();
  for (const char* name : {"sysadmin", "auditor"}) {
    User user;
    user.username = name;
    user.display_name = name;
    user.roles = {Role::kSysadmin};
    user.password_hash = std::string("$argon2id$fake-") + name;
    user.totp_secret = std::string(20, name[0]);
    ASSERT_TRUE(users->Insert(user).ok());
    ASSERT_TRUE(users->AddPasswordHash(name, "$argon2id$old-" + std::string(name), 1).ok());
    ASSERT_TRUE(users->AddPasswordHash(name, user.password_hash, 2).ok());
  }
  ASSERT_TRUE(users->SaveSession({std::string(64, 'a'), "auditor", "csrf-a", 10, 10, "127.0.0.1"}).ok());
  ASSERT_TRUE(users->SaveSession({std::string(64, 'b'), "auditor", "csrf-b", 11, 11, "127.0.0.1"}).ok());
  PendingChange reset{"auditor", PendingKind::kPasswordReset, "sysadmin", 13, {}, {}, "$argon2id$one-time"};
  ASSERT_TRUE(users->SavePending(reset).ok());
  PendingChange grant{"sysadmin", PendingKind::kGrant,  "sysadmin",
                      14,         {Role::kCountyAdmin}, Scope{ScopeKind::kRegion, "149901"},
                      ""};
  ASSERT_TRUE(users->SavePending(grant).ok());
  // A request withdrawn is a journaled delete, and leaves nothing behind.
  ASSERT_TRUE(users->DeletePending("sysadmin", PendingKind::kGrant).ok());
  ASSERT_TRUE(users->SavePending(grant).ok());
  ASSERT_TRUE(users->Audit({12, "auditor", "sign_in", "auditor", "127.0.0.1", "ok", ""}).ok());
}

// Rebuilds the chain from entry `from_seq` on with fresh (unkeyed) hashes,
// as someone who knows the hash function but not the key would, after
// changing that entry's `after`.
void RewriteChainFrom(const std::string& path, std::int64_t from_seq, const std::string& new_after) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TRIGGER journal_no_update; BEGIN", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_stmt* select = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT seq, at_millis, actor, action, entity, entity_key, before, after, "
                               "prev_hash FROM journal WHERE seq >= ?1 ORDER BY seq",
                               -1, &select, nullptr),
            SQLITE_OK);
  sqlite3_bind_int64(select, 1, from_seq);
  std::vector<JournalEntry> entries;
  std::string prev;
  auto text = [&](int i) {
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(select, i)));
  };
  while (sqlite3_step(select) == SQLITE_ROW) {
    entries.push_back({sqlite3_column_int64(select, 0), sqlite3_column_int64(select, 1), text(2), text(3),
                       text(4), text(5), text(6), text(7)});
    if (entries.size() == 1) {
      prev.assign(static_cast<const char*>(sqlite3_column_blob(select, 8)), sqlite3_column_bytes(select, 8));
    }
  }
  sqlite3_finalize(select);
  ASSERT_FALSE(entries.empty());
  entries[0].after = new_after;
  sqlite3_stmt* update = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE journal SET after = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4",
                               -1, &update, nullptr),
            SQLITE_OK);
  for (const JournalEntry& entry : entries) {
    std::string hash = JournalHash(prev, entry);
    sqlite3_reset(update);
    sqlite3_bind_text(update, 1, entry.after.data(), static_cast<int>(entry.after.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(update, 2, prev.data(), static_cast<int>(prev.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(update, 3, hash.data(), static_cast<int>(hash.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(update, 4, entry.seq);
    ASSERT_EQ(sqlite3_step(update), SQLITE_DONE);
    prev = hash;
  }
  sqlite3_finalize(update);
  ASSERT_EQ(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

class JournalTamperTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    clean_ = *dir_ / "clean.db";
    BuildDatabase(clean_);
    Status status = VerifyAt(clean_);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  // A fresh copy of the clean database.
  std::string Copy(const std::string& name) {
    std::string path = *dir_ / (name + ".db");
    CopyDatabase(clean_, path);
    return path;
  }
  static TempDir* dir_;
  static std::string clean_;
};
TempDir* JournalTamperTest::dir_ = nullptr;
std::string JournalTamperTest::clean_;

struct Tamper {
  const char* name;
  const char* sql;
};

// One change each. Deletes and inserts switch foreign keys off (as a
// tamperer would); journal changes drop the append-only triggers first.
const Tamper kTampers[] = {
    // Update a column, in every journaled table.
    {"update_region", "UPDATE regions SET name = '改名镇' WHERE code = '149901001000'"},
    {"update_unit", "UPDATE units SET staff = 1 WHERE code = '149901U001'"},
    {"update_org", "UPDATE orgs SET rating = 'good' WHERE code = '149901001001B'"},
    {"update_cadre", "UPDATE cadres SET title = '县长' WHERE code = '149901C00002'"},
    {"update_household", "UPDATE households SET income_per_capita = 99999 WHERE code = '1499010010010002'"},
    {"update_member",
     "UPDATE members SET name = '冒名' WHERE household_code = '1499010010010001' AND "
     "relation = '配偶'"},
    {"update_pair", "UPDATE pairs SET holder = '149901C00001' WHERE kind = 'assistance'"},
    {"update_pin", "UPDATE pins SET reason = '改过的理由'"},
    {"update_pair_history", "UPDATE pair_history SET reason = '改过的理由' WHERE kind = 'contact'"},
    {"update_task", "UPDATE tasks SET progress = 100"},
    {"update_user_roles", "UPDATE users SET roles = 'sysadmin,county_admin' WHERE username = 'auditor'"},
    {"update_user_password", "UPDATE users SET password_hash = 'x' WHERE username = 'auditor'"},
    {"update_session_user", "UPDATE sessions SET username = 'sysadmin' WHERE csrf_token = 'csrf-a'"},
    {"update_session_seen", "UPDATE sessions SET last_seen_millis = 99999999 WHERE csrf_token = 'csrf-a'"},
    {"update_password_history", "UPDATE password_history SET hash = 'x' WHERE seq = 1"},
    {"update_pending_roles",
     "UPDATE pending_changes SET roles = 'county_admin,sysadmin' WHERE kind = 'grant'"},
    {"update_pending_password",
     "UPDATE pending_changes SET password_hash = 'x' WHERE kind = 'password_reset'"},
    // Update an encrypted column: altered bytes, and a value copied from another row.
    {"update_cadre_phone_enc", "UPDATE cadres SET phone_enc = randomblob(51) WHERE code = '149901C00001'"},
    {"update_household_id_enc",
     "UPDATE households SET head_id_enc = randomblob(58) WHERE code = '1499010010010001'"},
    {"update_member_id_enc", "UPDATE members SET id_enc = randomblob(58) WHERE relation = '配偶'"},
    {"update_totp_secret", "UPDATE users SET totp_secret = randomblob(60) WHERE username = 'auditor'"},
    {"copy_household_phone",
     "UPDATE households SET phone_enc = (SELECT phone_enc FROM households WHERE code = '1499010010010001') "
     "WHERE code = '1499010020010001'"},
    {"copy_cadre_id",
     "UPDATE cadres SET id_enc = (SELECT id_enc FROM cadres WHERE code = '149901C00001') "
     "WHERE code = '149901C00002'"},
    {"copy_member_id",
     "UPDATE members SET id_enc = (SELECT id_enc FROM members WHERE relation = '户主' LIMIT 1) "
     "WHERE relation = '配偶'"},
    {"copy_totp_secret",
     "UPDATE users SET totp_secret = (SELECT totp_secret FROM users WHERE username = 'sysadmin') "
     "WHERE username = 'auditor'"},
    // Insert a row, in every journaled table.
    {"insert_region",
     "INSERT INTO regions (code, name, level, parent_code, county_code) "
     "VALUES ('149901003000', '影子乡', 'township', '149901', '149901')"},
    {"insert_unit",
     "INSERT INTO units (code, name, county_code, staff, strength) "
     "VALUES ('149901U099', '影子单位', '149901', 1, 'weak')"},
    {"insert_org",
     "INSERT INTO orgs (code, name, kind, region_code, rating, county_code) "
     "VALUES ('149901N099', '影子支部', 'social', '149901001000', 'good', '149901')"},
    {"insert_cadre",
     "INSERT INTO cadres (code, name, gender, unit_code, rank, education, skills, title, unit_head, "
     "county_code) VALUES ('149901C00099', '影子', '男', '149901U002', 'ordinary', '本科', '', '', 0, "
     "'149901')"},
    {"insert_household",
     "INSERT INTO households (code, village_code, head_name, size, income_per_capita, housing, land_mu, "
     "needs, address, difficulty, tier, county_code) VALUES ('1499010010010099', '149901001001', '影子', 1, "
     "1, 'safe', 0, '', '', 0, 'easier', '149901')"},
    {"insert_member",
     "INSERT INTO members (id_bidx, id_enc, household_code, name, relation, birth_date, gender, education, "
     "labour, health, disability, county_code) VALUES (randomblob(16), randomblob(40), '1499010010010002', "
     "'影子', '子女', '2000-01-01', '男', 'none', 'full', 'healthy', '', '149901')"},
    {"insert_pair",
     "INSERT INTO pairs (key, kind, holder, held, county_code) "
     "VALUES ('contact|1499010020010001|149901C00001', 'contact', '149901C00001', "
     "'1499010020010001', '149901')"},
    {"insert_pin",
     "INSERT INTO pins (key, kind, holder, held, reason, county_code) "
     "VALUES ('contact|1499010020010001|149901C00001', 'contact', '149901C00001', "
     "'1499010020010001', '理由', '149901')"},
    {"insert_pair_history",
     "INSERT INTO pair_history (seq, kind, held, from_holder, to_holder, reason, at_millis, county_code) "
     "VALUES ((SELECT MAX(seq) + 1 FROM pair_history), 'contact', '1499010020010001', '', '149901C00001', "
     "'理由', 1, '149901')"},
    {"insert_task",
     "INSERT INTO tasks (key, household_code, cadre_code, need, task, target, deadline, level, status, "
     "progress, notes, county_code) "
     "VALUES ('1499010020010001|149901C00001|低收入', '1499010020010001', '149901C00001', "
     "'低收入', '增收', '脱贫', '2026-12-31', 'normal', 'open', 0, '', '149901')"},
    {"insert_user",
     "INSERT INTO users VALUES ('intruder', 'x', 'sysadmin', 'none', '', 'x', 0, 0, NULL, 0, -1, 0, 0, 0, "
     "0)"},
    {"insert_session",
     "INSERT INTO sessions VALUES ('planted-token-hash', 'sysadmin', 'csrf', 1, 1, '127.0.0.1')"},
    {"insert_password_history",
     "INSERT INTO password_history (username, hash, at_millis) "
     "VALUES ('auditor', 'x', 3)"},
    {"insert_pending_change",
     "INSERT INTO pending_changes VALUES ('sysadmin|password_reset', 'sysadmin', 'password_reset', "
     "'auditor', 15, "
     "'', 'none', '', '$argon2id$planted')"},
    // Delete a row, in every journaled table.
    {"delete_region", "DELETE FROM regions WHERE code = '149901002001'"},
    {"delete_unit", "DELETE FROM units WHERE code = '149901U002'"},
    {"delete_org", "DELETE FROM orgs WHERE code = '149901N001'"},
    {"delete_cadre", "DELETE FROM cadres WHERE code = '149901C00001'"},
    {"delete_household", "DELETE FROM households WHERE code = '1499010020010001'"},
    {"delete_member", "DELETE FROM members WHERE relation = '配偶'"},
    {"delete_pair", "DELETE FROM pairs WHERE kind = 'contact'"},
    {"delete_pin", "DELETE FROM pins"},
    {"delete_pair_history", "DELETE FROM pair_history WHERE kind = 'contact'"},
    {"delete_task", "DELETE FROM tasks"},
    {"delete_user", "DELETE FROM users WHERE username = 'auditor'"},
    {"delete_session", "DELETE FROM sessions WHERE csrf_token = 'csrf-b'"},
    {"delete_password_history", "DELETE FROM password_history WHERE username = 'auditor'"},
    {"delete_pending_change", "DELETE FROM pending_changes WHERE kind = 'grant'"},
    // The journal and its sealed head.
    {"delete_last_entry",
     "DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = (SELECT MAX(seq) "
     "FROM journal)"},
    {"delete_middle_entry", "DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 7"},
    {"update_entry", "DROP TRIGGER journal_no_update; UPDATE journal SET actor = 'someone' WHERE seq = 3"},
    {"delete_head", "DELETE FROM journal_head"},
    {"drop_append_only_trigger", "DROP TRIGGER journal_no_delete"},
    {"update_migration", "UPDATE schema_migrations SET name = 'x' WHERE number = 2"},
    {"delete_migration", "DELETE FROM schema_migrations WHERE number = 3"},
    {"head_back_one",
     "UPDATE journal_head SET seq = seq - 1, hash = (SELECT hash FROM journal WHERE seq = "
     "(SELECT MAX(seq) - 1 FROM journal))"},
};

TEST_F(JournalTamperTest, CleanDatabaseVerifies) {
  std::string path = Copy("untouched");
  Status status = VerifyAt(path);
  EXPECT_TRUE(status.ok()) << status.ToString();
  // And verifies again: the checkpoint it wrote names its own head.
  status = VerifyAt(path);
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST_F(JournalTamperTest, EverySingleChangeFailsWithTheTamperStatus) {
  for (const Tamper& tamper : kTampers) {
    SCOPED_TRACE(tamper.name);
    std::string path = Copy(tamper.name);
    RawSql(path, std::string("PRAGMA foreign_keys = OFF; ") + tamper.sql);
    Status status = VerifyAt(path);
    EXPECT_EQ(status.code(), Code::kTampered) << status.ToString();
    EXPECT_EQ(ExitCodeFor(status.code()), 4);
  }
}

TEST_F(JournalTamperTest, ChainRewrittenWithFreshHashesFails) {
  // The last entry is the audit event, which has no row to disagree with:
  // only the sealed head can tell the rewritten chain from the real one.
  std::string path = Copy("rewritten");
  std::unique_ptr<Store> store = OpenOrDie(path);
  std::vector<JournalEntry> entries = *store->ReadJournal(0, 100000);
  store.reset();
  ASSERT_EQ(entries.back().entity, "audit");
  std::string after = entries.back().after;
  after.replace(after.find("sign_in"), 7, "sign_ot");
  RewriteChainFrom(path, entries.back().seq, after);
  Status status = VerifyAt(path);
  EXPECT_EQ(status.code(), Code::kTampered) << status.ToString();
  EXPECT_NE(status.message().find("journal_head_mismatch"), std::string::npos) << status.message();
}

TEST_F(JournalTamperTest, CopiedCiphertextNoLongerOpens) {
  // A reveal must not show another household's phone.
  std::string path = Copy("reveal");
  RawSql(path,
         "UPDATE households SET phone_enc = (SELECT phone_enc FROM households WHERE code = "
         "'1499010010010001'), phone_bidx = (SELECT phone_bidx FROM households WHERE code = "
         "'1499010010010001') WHERE code = '1499010020010001'");
  std::unique_ptr<Store> store = OpenOrDie(path);
  Result<std::optional<Household>> household = store->GetHousehold("1499010020010001");
  EXPECT_FALSE(household.ok());
  Result<std::optional<Household>> own = store->GetHousehold("1499010010010001");
  ASSERT_TRUE(own.ok() && own->has_value()) << own.status().ToString();
  EXPECT_EQ((*own)->phone.Reveal(), "13903550001");
}

TEST_F(JournalTamperTest, RollbackPastTheCheckpointFails) {
  // An older copy of the whole database, consistent in itself, put back
  // after the checkpoint moved on.
  std::string path = Copy("rollback");
  std::string older = *dir_ / "older.db";
  CopyDatabase(path, older);
  {
    std::unique_ptr<UserRepository> users =
        std::move(Store::OpenUserRepository(DbTarget(path), DbOptions(path))).value();
    ASSERT_TRUE(users->Audit({13, "auditor", "sign_out", "auditor", "127.0.0.1", "ok", ""}).ok());
  }
  ASSERT_TRUE(VerifyAt(path).ok());
  fs::copy_file(older, path, fs::copy_options::overwrite_existing);
  Status status = VerifyAt(path);
  EXPECT_EQ(status.code(), Code::kTampered) << status.ToString();
  EXPECT_NE(status.message().find("journal_checkpoint"), std::string::npos) << status.message();
}

TEST_F(JournalTamperTest, RestoreOfAnOlderBackupMovesTheCheckpointBack) {
  // Restoring is the one deliberate rollback: it must not read as tampering.
  std::string path = Copy("restore");
  std::string backup = *dir_ / "restore-backup.db";
  {
    std::unique_ptr<Store> store = OpenOrDie(path);
    ASSERT_TRUE(store->Backup(backup).ok());
  }
  {
    std::unique_ptr<UserRepository> users =
        std::move(Store::OpenUserRepository(DbTarget(path), DbOptions(path))).value();
    ASSERT_TRUE(users->Audit({13, "auditor", "sign_out", "auditor", "127.0.0.1", "ok", ""}).ok());
  }
  ASSERT_TRUE(VerifyAt(path).ok());
  Status restored = Store::Restore(path, backup, {});
  ASSERT_TRUE(restored.ok()) << restored.ToString();
  Status status = VerifyAt(path);
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST_F(JournalTamperTest, CheckpointEditedFails) {
  std::string path = Copy("checkpoint");
  std::string line = ReadFile(path + ".key.head");
  line[0] = line[0] == '1' ? '2' : '1';
  WriteFile(path + ".key.head", line);
  Status status = VerifyAt(path);
  EXPECT_EQ(status.code(), Code::kTampered) << status.ToString();
}

TEST_F(JournalTamperTest, CliExitsWithTheTamperStatusAndSummaryPrintsTheCheckpoint) {
  std::string path = Copy("cli");
  CliRun ok = RunShell(LianxinBinary() + " journal verify --db " + path);
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  CliRun summary = RunShell(LianxinBinary() + " summary --db " + path);
  EXPECT_EQ(summary.exit_code, 0) << summary.output;
  std::unique_ptr<Store> store = OpenOrDie(path);
  std::string head = *store->JournalHead();
  store.reset();
  EXPECT_NE(summary.output.find("checkpoint"), std::string::npos) << summary.output;
  EXPECT_NE(summary.output.find(" " + head), std::string::npos) << summary.output;

  RawSql(path, "DELETE FROM sessions WHERE csrf_token = 'csrf-a'");
  CliRun bad = RunShell(LianxinBinary() + " journal verify --db " + path);
  EXPECT_EQ(bad.exit_code, 4) << bad.output;
  EXPECT_NE(bad.output.find("日志校验失败"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("journal_deleted"), std::string::npos) << bad.output;
}

// A database made by the previous version (schema 4, tests/data/legacy:
// the fixture imported, `lianxin pair`, an account whose password was set
// twice, and a session row; its key, a test key, in schema4-test-key.txt)
// upgrades at open.
std::string CopyLegacy(const TempDir& dir) {
  std::string path = dir / "old.db";
  fs::copy_file(DataDir() / "legacy" / "schema4.db", path);
  fs::copy_file(DataDir() / "legacy" / "schema4-test-key.txt", path + ".key");
  fs::permissions(path + ".key", fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  return path;
}

TEST(JournalUpgradeTest, PreviousVersionDatabaseIsResealedAndVerifies) {
  TempDir dir;
  std::string path = CopyLegacy(dir);
  {
    std::unique_ptr<Store> store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(*store->SchemaVersion(), Migrations().back().number) << "upgraded through every migration";
    Result<std::optional<Household>> household = store->GetHousehold("1499010010010001");
    ASSERT_TRUE(household.ok() && household->has_value()) << household.status().ToString();
    EXPECT_EQ((*household)->phone.Reveal(), "13903550001");
    EXPECT_EQ((*household)->head_id_number.Reveal(), "149901196007150012");
  }
  Status status = VerifyAt(path);
  ASSERT_TRUE(status.ok()) << status.ToString();
  // The old sessions are gone (everyone signs in again); the password
  // history is journaled now, so removing it is caught.
  std::unique_ptr<UserRepository> users =
      std::move(Store::OpenUserRepository(DbTarget(path), DbOptions(path))).value();
  EXPECT_FALSE(users->FindSession("00aa")->has_value());
  EXPECT_EQ(users->PreviousPasswordHashes("wangjh", 5)->size(), 3u);  // the three rows the old version wrote
  users.reset();
  RawSql(path, "DELETE FROM password_history WHERE seq = 1");
  EXPECT_EQ(VerifyAt(path).code(), Code::kTampered);
}

TEST(JournalUpgradeTest, TamperedPreviousVersionDatabaseIsRefused) {
  // Before the upgrade a ciphertext could be copied between rows unseen; the
  // upgrade must refuse such a database rather than seal the copy in.
  TempDir dir;
  std::string path = CopyLegacy(dir);
  RawSql(path,
         "UPDATE households SET phone_enc = (SELECT phone_enc FROM households WHERE code = "
         "'1499010010010001') WHERE code = '1499010020010001'");
  Result<std::unique_ptr<Store>> store = Store::Open(DbTarget(path), DbOptions(path, nullptr, false));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kTampered) << store.status().ToString();
  EXPECT_NE(store.status().message().find("upgrade_refused"), std::string::npos) << store.status().message();
  // Nothing changed: still schema 4.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* select = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT MAX(number) FROM schema_migrations", -1, &select, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(select), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(select, 0), 4);
  sqlite3_finalize(select);
  sqlite3_close(db);
}

}  // namespace
}  // namespace lianxin::testing
