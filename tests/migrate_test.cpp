// `lianxin migrate` and Store::CopyInto: a county moves between SQLite and
// PostgreSQL with nothing lost — every record, the pairs, the accounts, the
// tables of field work and oversight, the console's settings and the journal, which verifies on both sides
// with the same root hash — and a PostgreSQL database backs up into a SQLite file that verifies where it
// lies.
#include <gtest/gtest.h>

#include "lianxin/registry_io.hpp"
#include "sql_backends.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

CliRun Lianxin(const std::string& args) { return RunShell(LianxinBinary() + " " + args); }

// The root hash `journal verify` prints for a database (empty when it fails).
std::string VerifiedHead(const std::string& key, const std::string& db) {
  CliRun run = Lianxin("--key " + key + " journal verify --db '" + db + "'");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  size_t at = run.output.find("head ");
  return at == std::string::npos ? "" : run.output.substr(at + 5, 64);
}

// A fresh, empty PostgreSQL database on the test cluster, dropped with `dir`.
std::string EmptyPostgres(const TempDir& dir, const std::string& name) { return PostgresTestDb(dir / name); }

TEST(MigrateTest, ACountyMovesToPostgresAndBackWithNothingLost) {
  LX_SQLITE_ONLY();  // the county starts as a SQLite file
  if (PostgresUnderTest() == nullptr) GTEST_SKIP() << "PostgreSQL not under test: LIANXIN_TEST_PG is unset";
  TempDir dir;
  const std::string db = dir / "county.db", key = db + ".key";
  {
    std::unique_ptr<Store> store = OpenOrDie(db);
    ASSERT_NE(store, nullptr);
    ImportFixture(*store);
  }
  CliRun paired = Lianxin("pair --db " + db);
  ASSERT_EQ(paired.exit_code, 0) << paired.output;
  CliRun user = RunShell("echo 'Lianxin-2026-safe' | " + LianxinBinary() + " user add clerk --db " + db +
                         " --role county_admin --scope region:149901");
  ASSERT_EQ(user.exit_code, 0) << user.output;
  // Field work and oversight leave rows in tables of their own: a contact
  // card, an Open311 key, a no-meeting month, a console setting.
  {
    std::unique_ptr<Store> store = OpenOrDie(db);
    ASSERT_NE(store, nullptr);
    std::unique_ptr<WriteTxn> txn = std::move(store->Begin("clerk")).value();
    ASSERT_TRUE(txn->IssueCard("1499010010010001", 4102444800000).ok());
    ASSERT_TRUE(txn->AddApiKey("hotline", "149901").ok());
    ASSERT_TRUE(txn->SetNoMeetingMonth("149901", "2026-07", true, "县委〔2026〕5号").ok());
    ASSERT_TRUE(txn->PutSetting("ledger", "[ledger]\nmax_companions = 4\n", 0).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  const std::string head = VerifiedHead(key, db);
  ASSERT_EQ(head.size(), 64u);

  const std::string pg = EmptyPostgres(dir, "pg");
  CliRun there = Lianxin("migrate --from " + db + " --to '" + pg + "'");
  ASSERT_EQ(there.exit_code, 0) << there.output;
  EXPECT_NE(there.output.find(head), std::string::npos) << "the root hash printed: " << there.output;
  EXPECT_EQ(VerifiedHead(key, pg), head);
  // The copy is a working database: the same registry, read back in full.
  {
    std::unique_ptr<Store> original = OpenOrDie(db);
    Result<std::unique_ptr<Store>> moved = Store::Open(pg, DbOptions(db, nullptr, false));
    ASSERT_TRUE(moved.ok()) << moved.status().ToString();
    EXPECT_EQ(Snapshot(*original, dir), Snapshot(**moved, dir));
    EXPECT_EQ(original->Pairs()->contacts, (*moved)->Pairs()->contacts);
    EXPECT_EQ(original->Settings().value(), (*moved)->Settings().value());
    EXPECT_EQ((*moved)->NoMeetingMonths("149901").value().size(), 1u);
  }
  // A second move into the same database is refused and changes nothing.
  CliRun again = Lianxin("migrate --from " + db + " --to '" + pg + "'");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("target_not_empty"), std::string::npos) << again.output;
  EXPECT_EQ(VerifiedHead(key, pg), head);

  // And back into a new file, which gets the key beside it.
  const std::string back = dir / "back.db";
  CliRun home = Lianxin("--key " + key + " migrate --from '" + pg + "' --to " + back);
  ASSERT_EQ(home.exit_code, 0) << home.output;
  EXPECT_EQ(VerifiedHead(back + ".key", back), head);

  // A PostgreSQL backup is a SQLite file that verifies where it lies.
  const std::string backup = dir / "pg-backup.db";
  CliRun backed = Lianxin("--key " + key + " backup --db '" + pg + "' --out " + backup);
  ASSERT_EQ(backed.exit_code, 0) << backed.output;
  EXPECT_EQ(VerifiedHead(key, backup), head);
  // Restoring it is a move into an empty database, not an overwrite.
  CliRun restore = Lianxin("--key " + key + " restore --db '" + pg + "' --from " + backup);
  EXPECT_NE(restore.exit_code, 0);
  EXPECT_NE(restore.output.find("lianxin migrate"), std::string::npos) << restore.output;
}

TEST(MigrateTest, ASourceThatDoesNotVerifyIsNotMoved) {
  LX_SQLITE_ONLY();
  TempDir dir;
  const std::string db = dir / "county.db";
  {
    std::unique_ptr<Store> store = OpenOrDie(db);
    ImportFixture(*store);
  }
  RawSql(db, "UPDATE households SET head_name = '改名' WHERE code = (SELECT MIN(code) FROM households)");
  const std::string target = dir / "copy.db";
  CliRun run = Lianxin("migrate --from " + db + " --to " + target);
  EXPECT_EQ(run.exit_code, 4) << run.output;  // tampered
  EXPECT_FALSE(std::filesystem::exists(target)) << "nothing made of a source that does not verify";
  EXPECT_FALSE(std::filesystem::exists(target + ".key")) << "nor a key beside it";
}

// CopyInto on each backend: into an empty store of the other kind, all or nothing.
class CopyIntoTest : public ::testing::TestWithParam<Backend> {};

TEST_P(CopyIntoTest, AFullTargetIsRefusedAndAnEmptyOneGetsEverything) {
  LX_SKIP_UNLESS_AVAILABLE(Backend::kPostgres);
  TempDir dir;
  const std::string db = dir / "county.db";
  std::unique_ptr<Store> source = OpenOrDie(db);
  ImportFixture(*source);
  const std::string pg = EmptyPostgres(dir, "pg");
  const bool to_postgres = GetParam() == Backend::kPostgres;
  Result<std::unique_ptr<Store>> target =
      Store::Open(to_postgres ? pg : dir / "copy.db", DbOptions(db));  // one key for both
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  ASSERT_TRUE(source->CopyInto(**target, nullptr).ok());
  EXPECT_EQ(Snapshot(*source, dir), Snapshot(**target, dir));
  EXPECT_EQ(*source->JournalHead(), *(*target)->JournalHead());
  std::int64_t checked = 0;
  EXPECT_TRUE((*target)->VerifyJournal(&checked).ok());
  Status twice = source->CopyInto(**target, nullptr);
  EXPECT_EQ(twice.code(), Code::kInvalidInput);
  EXPECT_NE(twice.message().find("target_not_empty"), std::string::npos) << twice.message();
  // The target still takes writes after the copy: its row numbers went on.
  std::unique_ptr<WriteTxn> txn = std::move((*target)->Begin("test")).value();
  Member member;
  member.household_code = "1499010010010001";
  member.name = "新成员";
  member.relation = "子女";
  member.birth_date = "2010-01-01";
  member.id_number = IdNumber(ValidIdNumber("20100101", 901));
  EXPECT_TRUE(txn->Upsert(member).ok());
  EXPECT_TRUE(txn->Commit().ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, CopyIntoTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace lianxin::testing
