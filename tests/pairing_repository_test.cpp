// The pairing's storage is written once on the SQL seam: the same cases on
// SQLite and on PostgreSQL — pairs applied with their history, pins, the
// uncovered record — read back alike, and the journal verifies on both.
#include <gtest/gtest.h>

#include "journal_seam.hpp"
#include "pairing/repository.hpp"
#include "sql_backends.hpp"

namespace lianxin::testing {
namespace {

class PairingRepositoryTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (Unready()) return;
    ASSERT_TRUE(CreateJournalTables(*db_).ok());
    // The records pairs hold, as far as their county goes, and the pairing's
    // tables (migrations 002, 010, with 023's keys).
    for (const char* ddl :
         {"CREATE TABLE regions (code TEXT PRIMARY KEY, county_code TEXT NOT NULL)",
          "CREATE TABLE households (code TEXT PRIMARY KEY, county_code TEXT NOT NULL)",
          "CREATE TABLE orgs (code TEXT PRIMARY KEY, county_code TEXT NOT NULL)",
          "CREATE TABLE pairs (key TEXT NOT NULL, county_code TEXT NOT NULL, kind TEXT NOT NULL, "
          "holder TEXT NOT NULL, held TEXT NOT NULL, PRIMARY KEY (key, county_code))",
          "CREATE TABLE pins (key TEXT NOT NULL, county_code TEXT NOT NULL, kind TEXT NOT NULL, "
          "holder TEXT NOT NULL, held TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (key, county_code))",
          "CREATE TABLE pair_history (seq INTEGER NOT NULL, county_code TEXT NOT NULL, kind TEXT NOT NULL, "
          "held TEXT NOT NULL, from_holder TEXT NOT NULL, to_holder TEXT NOT NULL, reason TEXT NOT NULL, "
          "at_millis INTEGER NOT NULL, PRIMARY KEY (seq, county_code))",
          "CREATE TABLE pairing_uncovered (key TEXT NOT NULL, county_code TEXT NOT NULL, "
          "pairing TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, reason TEXT NOT NULL, "
          "PRIMARY KEY (key, county_code))",
          "INSERT INTO regions VALUES ('149901001001', '149901')",
          "INSERT INTO households VALUES ('1499010010010001', '149901'), ('1499010010010002', '149901'), "
          "('1499020010010001', '149902')"}) {
      ASSERT_TRUE(db_->Exec(ddl).ok()) << ddl;
    }
    journal_ = std::make_unique<JournalWriter>(*db_, Seal);
  }

  // One transaction through a writing repository, as a store's would be.
  Status Write(const std::function<Status(PairingRepository&)>& work) {
    LX_RETURN_IF_ERROR(db_->Begin());
    Status status = journal_->Start("t", 1000 + ++clock_);
    PairingRepository pairing(*db_, journal_.get(), 1000 + clock_);
    if (status.ok()) status = work(pairing);
    if (status.ok()) status = journal_->SealHead();
    if (status.ok()) return db_->Commit();
    db_->Rollback();
    return status;
  }

  std::unique_ptr<JournalWriter> journal_;
  int clock_ = 0;
};

TEST_P(PairingRepositoryTest, PairsPinsHistoryAndTheUncoveredRecordReadBackAlike) {
  PairingState first;
  first.unit_villages = {{"149901U001", "149901001001"}};
  first.contacts = {{"149901C00001", "1499010010010001"}, {"149901C00001", "1499010010010002"}};
  ASSERT_TRUE(
      Write([&](PairingRepository& p) -> Status {
        LX_ASSIGN_OR_RETURN(PairChanges changes, p.Apply(first, "首次结对", "149901"));
        EXPECT_EQ(changes.made, 3);
        return p.RecordUncovered(
            {{PairingKind::kContact, UncoveredKind::kHousehold, "1499020010010001", "另一县", "149902"},
             {PairingKind::kContact, UncoveredKind::kCadre, "149901C00002", "无可联系的户", "149901"}},
            "149901");
      }).ok());
  // The second household moves to another cadre; a pin is set, then one that names nothing.
  PairingState second = first;
  second.contacts[1].cadre_code = "149901C00002";
  ASSERT_TRUE(Write([&](PairingRepository& p) -> Status {
                LX_ASSIGN_OR_RETURN(PairChanges changes, p.Apply(second, "调整", "149901"));
                EXPECT_EQ(changes.made, 1);
                EXPECT_EQ(changes.ended, 1);
                EXPECT_EQ(changes.kept, 2);
                LX_RETURN_IF_ERROR(
                    p.SetPin(PairingKind::kContact, "149901C00002", "1499010010010002", "住得近"));
                EXPECT_EQ(p.SetPin(PairingKind::kContact, "149901C00002", "1499019999999999", "x").code(),
                          Code::kNotFound);
                EXPECT_EQ(p.SetPin(PairingKind::kContact, "149901C00002", "1499010010010001", "").code(),
                          Code::kInvalidInput);
                return Status::Ok();
              }).ok());

  PairingRepository read(*db_);
  EXPECT_EQ(*read.Pairs("149901"), second);
  EXPECT_TRUE(read.Pairs("149902")->contacts.empty());
  ASSERT_EQ(read.Pins("")->contacts.size(), 1u);
  EXPECT_EQ(read.Pins("")->contacts[0].cadre_code, "149901C00002");
  std::vector<PairHistoryEntry> history = *read.History("1499010010010002");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].from_holder, "149901C00001");
  EXPECT_EQ(history[1].to_holder, "149901C00002");
  EXPECT_EQ(history[1].reason, "调整");
  std::vector<Uncovered> uncovered = *read.RecordedUncovered("149901");
  ASSERT_EQ(uncovered.size(), 1u) << "a county's run records its own county only";
  EXPECT_EQ(uncovered[0].id, "149901C00002");
  EXPECT_EQ(uncovered[0].reason, "无可联系的户");
  EXPECT_EQ(read.SetPin(PairingKind::kContact, "a", "b", "c").code(), Code::kInternal)
      << "a read-only repository";

  std::vector<const JournalTable*> tables = PairingRepository::Tables();
  EXPECT_TRUE(VerifyOnSeam(*db_, tables, Seal).ok()) << VerifyOnSeam(*db_, tables, Seal).ToString();
  ASSERT_TRUE(db_->Exec("DELETE FROM pins").ok());
  const Status tampered = VerifyOnSeam(*db_, tables, Seal);
  EXPECT_NE(tampered.message().find("journal_deleted"), std::string::npos) << tampered.ToString();
}

// A county's first pairing (a thousand changes or more into empty tables)
// goes through the journal's loader: every pair and history row written and
// journaled, the tables' indexes there again after the commit, and the next
// pairing, into tables that are no longer empty, a row at a time.
TEST_P(PairingRepositoryTest, AFirstPairingOfThousandsIsLoadedAndVerifies) {
  ASSERT_TRUE(db_->Exec("CREATE INDEX pairs_held ON pairs(kind, held)").ok());
  ASSERT_TRUE(db_->Exec("CREATE INDEX pair_history_held ON pair_history(kind, held)").ok());
  PairingState first;
  for (int i = 1; i <= 2500; ++i) {
    const std::string code = "14990100100" + std::to_string(20000 + i);
    ASSERT_TRUE(db_->Exec("INSERT INTO households VALUES ('" + code + "', '149901')").ok());
    first.assistance.push_back({"149901C" + std::to_string(10000 + i % 400), code});
  }
  ASSERT_TRUE(Write([&](PairingRepository& p) -> Status {
                LX_ASSIGN_OR_RETURN(PairChanges changes, p.Apply(first, "首次结对", "149901"));
                EXPECT_EQ(changes.made, 2500);
                return Status::Ok();
              }).ok());
  PairingRepository read(*db_);
  EXPECT_EQ(*read.Pairs("149901"), first);
  ASSERT_EQ(read.History(first.assistance[1234].household_code)->size(), 1u);
  for (const char* table : {"pairs", "pair_history"}) {
    Result<sql::Statement*> batches =
        db_->Prepare("SELECT COUNT(*) FROM journal WHERE action = 'insert_batch' AND entity = ?1");
    ASSERT_TRUE(batches.ok());
    (*batches)->Bind(1, std::string_view(table));
    ASSERT_TRUE(*(*batches)->Step());
    EXPECT_EQ((*batches)->Int(0), 3) << table << ": 2,500 rows loaded, journaled by batches of 1,000";
    (*batches)->Reset();
    Result<std::vector<sql::Connection::Index>> indexes = db_->Indexes(table);
    ASSERT_TRUE(indexes.ok());
    EXPECT_EQ(indexes->size(), 1u) << table << "'s index made again at the commit";
  }
  PairingState second = first;
  second.assistance[7].cadre_code = "149901C99999";
  ASSERT_TRUE(Write([&](PairingRepository& p) -> Status {
                LX_ASSIGN_OR_RETURN(PairChanges changes, p.Apply(second, "调整", "149901"));
                EXPECT_EQ(changes.made, 1);
                EXPECT_EQ(changes.ended, 1);
                return Status::Ok();
              }).ok());
  EXPECT_EQ(*read.Pairs("149901"), second);
  std::vector<const JournalTable*> tables = PairingRepository::Tables();
  EXPECT_TRUE(VerifyOnSeam(*db_, tables, Seal).ok()) << VerifyOnSeam(*db_, tables, Seal).ToString();
  ASSERT_TRUE(db_->Exec("UPDATE pairs SET holder = '149901C00000' WHERE held = '1499010010021500'").ok());
  EXPECT_NE(VerifyOnSeam(*db_, tables, Seal).message().find("pairs"), std::string::npos)
      << "one changed row of the loaded thousands is named";
}

INSTANTIATE_TEST_SUITE_P(Backends, PairingRepositoryTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

}  // namespace
}  // namespace lianxin::testing
