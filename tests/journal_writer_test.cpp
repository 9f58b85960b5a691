// Journaled writes through the SQL seam, the same cases on SQLite and on
// PostgreSQL: every change is an entry of the chain, the head is sealed,
// the journal verifies on either database, and an edit made behind the
// program's back is named.
#include <gtest/gtest.h>

#include "journal/chain.hpp"
#include "journal/record.hpp"
#include "journal/writer.hpp"
#include "journal_seam.hpp"
#include "sql_backends.hpp"

namespace lianxin::testing {
namespace {

using sql::Value;

const JournalTable& Things() {
  static const JournalTable kThings{
      "things", {{"key"}, {"name"}, {"n"}, {"id_enc", 4, false, "things.id"}, {"id_bidx"}}, "key"};
  return kThings;
}

JournalRow Thing(std::string key, std::string name, std::int64_t n, std::string ciphertext,
                 std::string index) {
  return {Value::Text(key), Value::Text(name), Value::Int(n), Value::Blob(ciphertext), Value::Text(index)};
}

class JournalWriterTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (Unready()) return;
    ASSERT_TRUE(CreateJournalTables(*db_).ok());
    ASSERT_TRUE(
        db_->Exec("CREATE TABLE things (key TEXT PRIMARY KEY, name TEXT NOT NULL, n INTEGER NOT NULL, "
                  "id_enc BLOB, id_bidx TEXT) WITHOUT ROWID")
            .ok());
    journal_ = std::make_unique<JournalWriter>(*db_, Seal);
  }

  Status Verify() { return VerifyOnSeam(*db_, {&Things()}, Seal); }

  Status Write(const std::function<Status()>& work) {
    LX_RETURN_IF_ERROR(db_->Begin());
    Status status = journal_->Start("t", 1000);
    if (status.ok()) status = work();
    if (status.ok()) status = journal_->SealHead();
    if (status.ok()) return db_->Commit();
    db_->Rollback();
    return status;
  }

  Result<UpsertOutcome> Upsert(JournalRow row) { return journal_->Upsert(Things(), std::move(row)); }

  std::unique_ptr<JournalWriter> journal_;
};

TEST_P(JournalWriterTest, EveryChangeIsAnEntryAndTheJournalVerifies) {
  ASSERT_TRUE(Write([&]() -> Status {
                for (const char* key : {"a", "b", "c"}) {
                  LX_ASSIGN_OR_RETURN(UpsertOutcome outcome,
                                      Upsert(Thing(key, "名", 1, "sealed-1", "idx-1")));
                  EXPECT_EQ(outcome, UpsertOutcome::kInserted);
                }
                return journal_->Append("reveal", "audit", "a", "", "{\"why\":\"核实\"}");
              }).ok());
  EXPECT_EQ(journal_->head().seq, 4);
  ASSERT_TRUE(Verify().ok()) << Verify().ToString();

  ASSERT_TRUE(Write([&]() -> Status {
                // The same plaintext under a fresh nonce is no change, and keeps the stored ciphertext.
                LX_ASSIGN_OR_RETURN(UpsertOutcome same, Upsert(Thing("a", "名", 1, "sealed-2", "idx-1")));
                EXPECT_EQ(same, UpsertOutcome::kUnchanged);
                LX_ASSIGN_OR_RETURN(UpsertOutcome changed,
                                    Upsert(Thing("b", "改名", 2, "sealed-3", "idx-2")));
                EXPECT_EQ(changed, UpsertOutcome::kUpdated);
                EXPECT_EQ(journal_->Delete(Things(), "zz").code(), Code::kNotFound);
                return journal_->Delete(Things(), "c");
              }).ok());
  EXPECT_EQ(journal_->head().seq, 6) << "one update and one delete";
  Result<sql::Statement*> kept = db_->Prepare("SELECT id_enc FROM things WHERE key = ?1");
  ASSERT_TRUE(kept.ok());
  (*kept)->Bind(1, "a");
  ASSERT_TRUE(*(*kept)->Step());
  EXPECT_EQ((*kept)->Blob(0), "sealed-1");
  (*kept)->Reset();
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();

  // A transaction that fails leaves the chain as it was.
  EXPECT_FALSE(Write([&]() -> Status {
                 LX_RETURN_IF_ERROR(Upsert(Thing("d", "新", 1, "s", "i")).status());
                 return Status::Invalid("stop");
               }).ok());
  ASSERT_TRUE(Write([&] { return Upsert(Thing("e", "新", 1, "s", "i")).status(); }).ok());
  EXPECT_EQ(journal_->head().seq, 7);
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();

  // Behind the program's back.
  ASSERT_TRUE(db_->Exec("UPDATE things SET name = 'x' WHERE key = 'a'").ok());
  const Status tampered = Verify();
  EXPECT_EQ(tampered.code(), Code::kTampered);
  EXPECT_NE(tampered.message().find("journal_mismatch"), std::string::npos) << tampered.ToString();
}

// An update writes only the columns that changed (so the database leaves
// alone the indexes of the others): whichever columns change, in whatever
// mix, the row ends as written and the journal still verifies.
TEST_P(JournalWriterTest, UpdatesOfAnyMixOfColumnsLeaveTheRowAsWritten) {
  ASSERT_TRUE(Write([&] { return Upsert(Thing("k", "甲", 1, "s1", "i1")).status(); }).ok());
  const std::vector<JournalRow> steps = {
      Thing("k", "乙", 1, "s1", "i1"),  // the name only
      Thing("k", "乙", 2, "s1", "i1"),  // n only
      Thing("k", "丙", 3, "s2", "i2"),  // all but the key
      Thing("k", "丙", 3, "s3", "i3"),  // the sealed pair only
      Thing("k", "乙", 2, "s1", "i1"),  // back: a set of columns seen before
  };
  Result<sql::Statement*> read = db_->Prepare("SELECT name, n, id_enc, id_bidx FROM things WHERE key = ?1");
  ASSERT_TRUE(read.ok());
  for (const JournalRow& row : steps) {
    ASSERT_TRUE(Write([&]() -> Status {
                  LX_ASSIGN_OR_RETURN(UpsertOutcome outcome, Upsert(row));
                  EXPECT_EQ(outcome, UpsertOutcome::kUpdated);
                  return Status::Ok();
                }).ok());
    (*read)->Bind(1, "k");
    ASSERT_TRUE(*(*read)->Step());
    EXPECT_EQ((*read)->Text(0), row[1].bytes);
    EXPECT_EQ((*read)->Int(1), row[2].integer);
    EXPECT_EQ((*read)->Blob(2), row[3].bytes);
    EXPECT_EQ((*read)->Text(3), row[4].bytes);
    (*read)->Reset();
  }
  EXPECT_EQ(journal_->head().seq, 1 + static_cast<std::int64_t>(steps.size()));
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

// Inserts journaled by batches (an import): an entry per `rows` rows of a
// table, each row held to its digest. A later update of a batched row is its
// newest entry; a change behind the program's back to any one row is named.
TEST_P(JournalWriterTest, InsertsJournaledByBatchesVerifyRowByRow) {
  ASSERT_TRUE(Write([&]() -> Status {
                journal_->BatchInserts(3);
                for (int i = 0; i < 7; ++i) {
                  LX_ASSIGN_OR_RETURN(UpsertOutcome outcome, Upsert(Thing("k" + std::to_string(i), "名", i,
                                                                          "s", "i" + std::to_string(i))));
                  EXPECT_EQ(outcome, UpsertOutcome::kInserted);
                }
                // An update of a row still in the gathered batch comes after it.
                LX_ASSIGN_OR_RETURN(UpsertOutcome changed, Upsert(Thing("k6", "改", 6, "s", "i6")));
                EXPECT_EQ(changed, UpsertOutcome::kUpdated);
                return Status::Ok();
              }).ok());
  EXPECT_EQ(journal_->head().seq, 4) << "batches of 3, 3 and 1, then the update";
  Result<sql::Statement*> batches =
      db_->Prepare("SELECT after FROM journal WHERE action = 'insert_batch' ORDER BY seq");
  ASSERT_TRUE(batches.ok());
  std::vector<size_t> sizes;
  while (*(*batches)->Step()) {
    Result<std::vector<std::pair<std::string, std::string>>> rows = ParseInsertBatch((*batches)->Text(0));
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    sizes.push_back(rows->size());
  }
  (*batches)->Reset();
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 1}));
  ASSERT_TRUE(Verify().ok()) << Verify().ToString();

  // One row of a batch, changed, removed, or one added beside them.
  for (const char* tamper :
       {"UPDATE things SET n = 99 WHERE key = 'k4'", "DELETE FROM things WHERE key = 'k0'",
        "INSERT INTO things VALUES ('k9', '影子', 9, NULL, NULL)"}) {
    SCOPED_TRACE(tamper);
    ASSERT_TRUE(db_->Begin().ok());
    ASSERT_TRUE(db_->Exec(tamper).ok());
    EXPECT_EQ(Verify().code(), Code::kTampered);
    db_->Rollback();
  }
  EXPECT_TRUE(Verify().ok());
}

// Rows of two tables written in turn (a household, then its members) each
// fill their own table's batch.
TEST_P(JournalWriterTest, InsertsOfTablesInTurnFillABatchEach) {
  static const JournalTable kOthers{"others", {{"key"}, {"thing"}}, "key"};
  ASSERT_TRUE(db_->Exec("CREATE TABLE others (key TEXT PRIMARY KEY, thing TEXT NOT NULL)").ok());
  ASSERT_TRUE(
      Write([&]() -> Status {
        journal_->BatchInserts(100);
        for (int i = 0; i < 60; ++i) {
          const std::string key = "k" + std::to_string(i);
          LX_RETURN_IF_ERROR(Upsert(Thing(key, "名", i, "s", "i" + key)).status());
          LX_RETURN_IF_ERROR(journal_->Upsert(kOthers, {Value::Text("o" + key), Value::Text(key)}).status());
        }
        return Status::Ok();
      }).ok());
  EXPECT_EQ(journal_->head().seq, 2) << "60 things in one entry, 60 others in another";
  EXPECT_TRUE(VerifyOnSeam(*db_, {&Things(), &kOthers}, Seal).ok());
  ASSERT_TRUE(db_->Exec("UPDATE others SET thing = 'x' WHERE key = 'ok7'").ok());
  EXPECT_EQ(VerifyOnSeam(*db_, {&Things(), &kOthers}, Seal).code(), Code::kTampered);
}

// Loading into an empty table: rows written on the loader's thread, the
// table's own indexes made again at the end, the journal by batches; a row
// the database refuses fails the transaction by its key, and nothing stays.
TEST_P(JournalWriterTest, LoadingWritesEveryRowAndRemakesTheIndexes) {
  ASSERT_TRUE(db_->Exec("CREATE INDEX things_name ON things (name)").ok());
  ASSERT_TRUE(db_->Exec("CREATE UNIQUE INDEX things_bidx ON things (id_bidx)").ok());
  ASSERT_TRUE(Write([&]() -> Status {
                journal_->BatchInserts(100);
                LX_RETURN_IF_ERROR(journal_->LoadInto(Things()));
                for (int i = 0; i < 2500; ++i) {
                  std::string key = "k" + std::to_string(i);
                  LX_ASSIGN_OR_RETURN(UpsertOutcome outcome, Upsert(Thing(key, "名" + std::to_string(i % 7),
                                                                          i, "s" + key, "i" + key)));
                  EXPECT_EQ(outcome, UpsertOutcome::kInserted);
                  // The connection is the loader's meanwhile: a read waits for it.
                  if (i == 1234) LX_RETURN_IF_ERROR(journal_->Drain());
                }
                return Status::Ok();
              }).ok());
  EXPECT_EQ(journal_->head().seq, 26) << "12 batches of 100 and the 35 rows the drain sent, then 12 and 65";
  Result<sql::Statement*> count = db_->Prepare("SELECT COUNT(*), SUM(n) FROM things");
  ASSERT_TRUE(count.ok());
  ASSERT_TRUE(*(*count)->Step());
  EXPECT_EQ((*count)->Int(0), 2500);
  EXPECT_EQ((*count)->Int(1), 2500 * 2499 / 2);
  (*count)->Reset();
  Result<std::vector<sql::Connection::Index>> indexes = db_->Indexes("things");
  ASSERT_TRUE(indexes.ok());
  ASSERT_EQ(indexes->size(), 2u);
  EXPECT_EQ((*indexes)[0].name, "things_bidx");
  EXPECT_EQ((*indexes)[1].name, "things_name");
  ASSERT_TRUE(Verify().ok()) << Verify().ToString();

  // Into another empty table, a key given twice: refused at the end, named.
  ASSERT_TRUE(db_->Exec("DELETE FROM things").ok());
  ASSERT_TRUE(db_->Exec("DELETE FROM journal_head").ok());
  const Status refused = Write([&]() -> Status {
    LX_RETURN_IF_ERROR(journal_->LoadInto(Things()));
    for (const char* key : {"x1", "x2", "x1"})
      LX_RETURN_IF_ERROR(Upsert(Thing(key, "名", 1, "s", key)).status());
    return Status::Ok();
  });
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("things"), std::string::npos) << refused.ToString();
  EXPECT_NE(refused.message().find("x1"), std::string::npos) << refused.ToString();
  ASSERT_TRUE(*(*count)->Step());
  EXPECT_EQ((*count)->Int(0), 0) << "nothing of the refused load stays";
  (*count)->Reset();
  indexes = db_->Indexes("things");
  ASSERT_TRUE(indexes.ok());
  EXPECT_EQ(indexes->size(), 2u) << "the rollback brings the dropped indexes back";
}

// A load's rows name parents that must be there at its end (on SQLite each
// parent is looked up once, at SealHead): one that is not fails the load,
// nothing of it stays, and the next transaction starts clean.
TEST_P(JournalWriterTest, ALoadNamingAParentNoOneHasIsRefused) {
  static const JournalTable kPets{"pets", {{"key"}, {"owner"}}, "key"};
  ASSERT_TRUE(db_->Exec("CREATE TABLE owners (key TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO owners (key) VALUES ('o1'), ('o2')").ok());
  ASSERT_TRUE(
      db_->Exec("CREATE TABLE pets (key TEXT PRIMARY KEY, owner TEXT NOT NULL REFERENCES owners (key))")
          .ok());
  // Halfway, a write of another table, by the thread that loads: checked as
  // it goes in, whatever the load's copies (on the loading thread) left off.
  static const JournalTable kToys{"toys", {{"key"}, {"owner"}}, "key"};
  ASSERT_TRUE(
      db_->Exec("CREATE TABLE toys (key TEXT PRIMARY KEY, owner TEXT NOT NULL REFERENCES owners (key))")
          .ok());
  auto load = [&](const std::string& last_owner, const std::string& toy_owner = "o2") {
    return Write([&]() -> Status {
      journal_->BatchInserts(50);  // copies (and their journal entries) before the toy's write
      LX_RETURN_IF_ERROR(journal_->LoadInto(kPets));
      for (int i = 0; i < 300; ++i) {
        const std::string owner = i == 299 ? last_owner : (i % 2 ? "o1" : "o2");
        LX_RETURN_IF_ERROR(
            journal_->Upsert(kPets, {Value::Text("p" + std::to_string(i)), Value::Text(owner)}).status());
        if (i == 150) {
          LX_RETURN_IF_ERROR(journal_->Upsert(kToys, {Value::Text("t1"), Value::Text(toy_owner)}).status());
        }
      }
      return Status::Ok();
    });
  };
  auto pets = [&] {
    Result<sql::Statement*> count = db_->Prepare("SELECT COUNT(*) FROM pets");
    EXPECT_TRUE(count.ok() && *(*count)->Step());
    const std::int64_t n = (*count)->Int(0);
    (*count)->Reset();
    return n;
  };
  const Status refused = load("nobody");
  EXPECT_EQ(refused.code(), Code::kConflict) << refused.ToString();
  EXPECT_EQ(pets(), 0) << "nothing of the refused load stays";
  const Status toy_refused = load("o1", "nobody");
  EXPECT_EQ(toy_refused.code(), Code::kConflict) << toy_refused.ToString();
  EXPECT_EQ(pets(), 0) << "nothing of the refused load stays";
  const Status loaded = load("o1");
  ASSERT_TRUE(loaded.ok()) << loaded.ToString();
  EXPECT_EQ(pets(), 300);
  EXPECT_TRUE(VerifyOnSeam(*db_, {&kPets, &kToys}, Seal).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, JournalWriterTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace lianxin::testing
