// Journaled writes through the SQL seam, the same cases on SQLite and on
// PostgreSQL: every change is an entry of the chain, the head is sealed,
// the journal verifies on either database, and an edit made behind the
// program's back is named.
#include "journal/writer.hpp"

#include <gtest/gtest.h>

#include "journal/chain.hpp"
#include "sql_backends.hpp"

namespace lianxin::testing {
namespace {

using sql::Value;

const JournalTable& Things() {
  static const JournalTable kThings{
      "things", {{"key"}, {"name"}, {"n"}, {"id_enc", 4, false, "things.id"}, {"id_bidx"}}, "key"};
  return kThings;
}

JournalRow Thing(std::string key, std::string name, std::int64_t n, std::string ciphertext, std::string index) {
  return {Value::Text(key), Value::Text(name), Value::Int(n), Value::Blob(ciphertext), Value::Text(index)};
}

std::string Seal(const JournalMark& head) { return "mac:" + std::to_string(head.seq) + ":" + head.hash; }

class JournalWriterTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    LX_SKIP_UNLESS_AVAILABLE(GetParam());
    database_ = std::make_unique<TestDatabase>(GetParam());
    Result<std::unique_ptr<sql::Connection>> db = database_->Connect();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Exec("CREATE TABLE journal (seq INTEGER PRIMARY KEY, at_millis INTEGER NOT NULL, "
                          "actor TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL, "
                          "entity_key TEXT NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL, "
                          "prev_hash BLOB NOT NULL, hash BLOB NOT NULL)")
                    .ok());
    ASSERT_TRUE(db_->Exec("CREATE TABLE journal_head (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, "
                          "hash BLOB NOT NULL, mac BLOB NOT NULL)")
                    .ok());
    ASSERT_TRUE(db_->Exec("CREATE TABLE things (key TEXT PRIMARY KEY, name TEXT NOT NULL, n INTEGER NOT NULL, "
                          "id_enc BLOB, id_bidx TEXT) WITHOUT ROWID")
                    .ok());
    journal_ = std::make_unique<JournalWriter>(*db_, Seal);
  }

  // What journal verify checks, on what the database holds.
  Status Verify() {
    JournalWalk walk({"things"}, std::nullopt);
    LX_ASSIGN_OR_RETURN(sql::Statement * entries,
                        db_->Prepare("SELECT seq, at_millis, actor, action, entity, entity_key, before, after, "
                                     "prev_hash, hash FROM journal ORDER BY seq"));
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, entries->Step());
      if (!row) break;
      JournalEntry e{entries->Int(0),
                     entries->Int(1),
                     std::string(entries->Text(2)),
                     std::string(entries->Text(3)),
                     std::string(entries->Text(4)),
                     std::string(entries->Text(5)),
                     std::string(entries->Text(6)),
                     std::string(entries->Text(7))};
      LX_RETURN_IF_ERROR(walk.Entry(e, entries->Blob(8), entries->Blob(9)));
    }
    LX_ASSIGN_OR_RETURN(sql::Statement * head, db_->Prepare("SELECT seq, hash, mac FROM journal_head WHERE id = 1"));
    LX_ASSIGN_OR_RETURN(bool sealed, head->Step());
    if (!sealed) return Status::Tampered("no head");
    const JournalMark recorded{head->Int(0), std::string(head->Blob(1))};
    if (head->Blob(2) != Seal(recorded)) return Status::Tampered("head mac");
    head->Reset();
    LX_RETURN_IF_ERROR(walk.Head(recorded));
    LX_ASSIGN_OR_RETURN(sql::Statement * rows,
                        db_->Prepare("SELECT key, name, n, id_enc, id_bidx FROM things ORDER BY key"));
    while (true) {
      LX_ASSIGN_OR_RETURN(bool row, rows->Step());
      if (!row) break;
      JournalRow values;
      for (int i = 0; i < 5; ++i) values.push_back(rows->Get(i));
      LX_RETURN_IF_ERROR(walk.Row(Things(), values));
    }
    return walk.Finish();
  }

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

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<sql::Connection> db_;
  std::unique_ptr<JournalWriter> journal_;
};

TEST_P(JournalWriterTest, EveryChangeIsAnEntryAndTheJournalVerifies) {
  ASSERT_TRUE(Write([&]() -> Status {
                for (const char* key : {"a", "b", "c"}) {
                  LX_ASSIGN_OR_RETURN(UpsertOutcome outcome, Upsert(Thing(key, "名", 1, "sealed-1", "idx-1")));
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
                LX_ASSIGN_OR_RETURN(UpsertOutcome changed, Upsert(Thing("b", "改名", 2, "sealed-3", "idx-2")));
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

INSTANTIATE_TEST_SUITE_P(Backends, JournalWriterTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace lianxin::testing
