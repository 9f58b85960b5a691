// The SQL seam (src/store/sql/sql.hpp), the same cases on SQLite and on
// PostgreSQL: every value survives the trip, the SQL the repositories write
// means the same on both, a failure leaves nothing half-written, and a copy
// is as exact as single inserts.
#include <gtest/gtest.h>

#include <cstdio>
#include <limits>

#include "sql_backends.hpp"
#include "store/migrations.hpp"
#include "store/sql/sql.hpp"

namespace lianxin::testing {
namespace {

using sql::Value;

class SqlSeamTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (Unready()) return;
    ASSERT_TRUE(db_->Exec("CREATE TABLE items (key TEXT PRIMARY KEY, n INTEGER, x REAL, t TEXT, b BLOB) "
                          "WITHOUT ROWID")
                    .ok());
  }

  // Every row, in key order, as values.
  std::vector<std::vector<Value>> All() {
    std::vector<std::vector<Value>> rows;
    Result<sql::Statement*> select = db_->Prepare("SELECT key, n, x, t, b FROM items ORDER BY key");
    EXPECT_TRUE(select.ok()) << select.status().ToString();
    if (!select.ok()) return rows;
    while (true) {
      Result<bool> row = (*select)->Step();
      EXPECT_TRUE(row.ok()) << row.status().ToString();
      if (!row.ok() || !*row) break;
      std::vector<Value> values;
      for (int i = 0; i < 5; ++i) values.push_back((*select)->Get(i));
      rows.push_back(std::move(values));
    }
    return rows;
  }

  Status Insert(const std::vector<Value>& row) {
    LX_ASSIGN_OR_RETURN(sql::Statement * insert,
                        db_->Prepare("INSERT INTO items (key, n, x, t, b) VALUES (?1, ?2, ?3, ?4, ?5)"));
    for (size_t i = 0; i < row.size(); ++i) insert->Bind(static_cast<int>(i + 1), row[i]);
    return insert->Run();
  }

  static std::string AllBytes() {
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
    return bytes;
  }

  // Rows no database should alter: extremes, empty and awkward text, every byte.
  static std::vector<std::vector<Value>> Awkward() {
    return {
        {Value::Text("a"), Value::Int(std::numeric_limits<std::int64_t>::max()), Value::Real(0.1),
         Value::Text("户主 张三"), Value::Blob(AllBytes())},
        {Value::Text("b"), Value::Int(std::numeric_limits<std::int64_t>::min()), Value::Real(-1e300),
         Value::Text("tab\there\nnew line\\back slash 'quote' \"dq\" ?1 $1"),
         Value::Blob(std::string(3, '\0'))},
        {Value::Text("c"), Value::Null(), Value::Null(), Value::Text(""), Value::Null()},
        {Value::Text("d"), Value::Int(0), Value::Real(12345.678), Value::Null(), Value::Blob("\\x00")},
    };
  }
};

TEST_P(SqlSeamTest, EveryValueComesBackAsItWent) {
  ASSERT_TRUE(db_->Begin().ok());
  for (const auto& row : Awkward()) ASSERT_TRUE(Insert(row).ok()) << Insert(row).ToString();
  ASSERT_TRUE(db_->Commit().ok());
  EXPECT_EQ(All(), Awkward());
}

TEST_P(SqlSeamTest, ACopyIsAsExactAsInsertsAndFast) {
  ASSERT_TRUE(db_->Begin().ok());
  Result<std::unique_ptr<sql::CopyIn>> copy = db_->BeginCopy("items", {"key", "n", "x", "t", "b"});
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  for (const auto& row : Awkward()) ASSERT_TRUE((*copy)->Add(row).ok());
  std::vector<std::vector<Value>> expected = Awkward();
  for (int i = 0; i < 5000; ++i) {
    std::vector<Value> row{Value::Text("z" + std::to_string(100000 + i)), Value::Int(i), Value::Real(i / 4.0),
                           Value::Text("行" + std::to_string(i)), Value::Blob(std::to_string(i))};
    ASSERT_TRUE((*copy)->Add(row).ok());
    expected.push_back(row);
  }
  ASSERT_TRUE((*copy)->Finish().ok());
  ASSERT_TRUE(db_->Commit().ok());
  EXPECT_EQ(All(), expected);
}

// A load adds a batch at once (AddRows), which SQLite takes in chunks of
// rows a statement: the same rows as one at a time, and a failing row is
// named as one at a time would name it, wherever it lies in a chunk.
TEST_P(SqlSeamTest, RowsAddedAtOnceAreAsExactAsOneAtATime) {
  ASSERT_TRUE(db_->Begin().ok());
  Result<std::unique_ptr<sql::CopyIn>> copy = db_->BeginCopy("items", {"key", "n", "x", "t", "b"});
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  std::vector<std::vector<Value>> rows = Awkward();
  for (int i = 0; i < 1234; ++i) {  // whole chunks and a part of one
    rows.push_back({Value::Text("z" + std::to_string(100000 + i)), i % 7 ? Value::Int(i) : Value::Null(),
                    Value::Real(i / 8.0), Value::Text(std::string(i % 40, 'x') + "行"),
                    i % 5 ? Value::Blob(std::to_string(i)) : Value::Null()});
  }
  size_t failed = 99;
  Status added = (*copy)->AddRows(rows, failed);
  ASSERT_TRUE(added.ok()) << added.ToString();
  ASSERT_TRUE((*copy)->Finish().ok());
  copy->reset();
  ASSERT_TRUE(db_->Commit().ok());
  EXPECT_EQ(All(), rows);

  // A row short of a value is refused where it is, not bound a column off.
  if (GetParam() == Backend::kSqlite) {
    ASSERT_TRUE(db_->Begin().ok());
    Result<std::unique_ptr<sql::CopyIn>> narrow = db_->BeginCopy("items", {"key", "n", "x", "t", "b"});
    ASSERT_TRUE(narrow.ok());
    std::vector<std::vector<Value>> short_row;
    for (int i = 0; i < 60; ++i) {
      short_row.push_back(
          {Value::Text("s" + std::to_string(i)), Value::Int(i), Value::Real(0), Value::Text("")});
      if (i != 10) short_row.back().push_back(Value::Null());
    }
    size_t at = 0;
    Status refused = (*narrow)->AddRows(short_row, at);
    EXPECT_EQ(refused.code(), Code::kInternal) << refused.ToString();
    EXPECT_EQ(at, 10u);
    narrow->reset();
    db_->Rollback();
    EXPECT_EQ(All(), rows);
  }

  // A second table whose rows can fail in two ways: a key that is there and a check.
  ASSERT_TRUE(db_->Exec("CREATE TABLE checked (key TEXT PRIMARY KEY, n INTEGER CHECK (n >= 0))").ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO checked (key, n) VALUES ('k0017', 1)").ok());
  auto load = [&](size_t bad, bool by_check, bool at_once, size_t& failed_at) -> Status {
    std::vector<std::vector<Value>> batch;
    for (size_t i = 0; i < 130; ++i) {
      char key[8];
      std::snprintf(key, sizeof key, "r%04zu", i);
      batch.push_back({Value::Text(i == bad && !by_check ? "k0017" : key),
                       Value::Int(i == bad && by_check ? -1 : static_cast<std::int64_t>(i))});
    }
    LX_RETURN_IF_ERROR(db_->Begin());
    Status status = Status::Ok();
    Result<std::unique_ptr<sql::CopyIn>> checked = db_->BeginCopy("checked", {"key", "n"});
    if (!checked.ok()) status = checked.status();
    failed_at = batch.size();
    if (status.ok() && at_once) status = (*checked)->AddRows(batch, failed_at);
    for (size_t i = 0; status.ok() && !at_once && i < batch.size(); ++i) {
      status = (*checked)->Add(batch[i]);
      if (!status.ok()) failed_at = i;
    }
    if (status.ok()) status = (*checked)->Finish();
    if (checked.ok()) checked->reset();
    db_->Rollback();
    return status;
  };
  for (bool by_check : {false, true}) {
    for (size_t bad : {size_t{0}, size_t{1}, size_t{49}, size_t{50}, size_t{77}, size_t{99}, size_t{120}}) {
      SCOPED_TRACE((by_check ? "check, row " : "key, row ") + std::to_string(bad));
      size_t one_at = 0, at_once = 0;
      Status single = load(bad, by_check, false, one_at);
      Status batch = load(bad, by_check, true, at_once);
      ASSERT_FALSE(batch.ok());
      EXPECT_EQ(batch.code(), single.code()) << batch.ToString() << " / " << single.ToString();
      EXPECT_EQ(batch.message(), single.message());
      // PostgreSQL's COPY answers at its end, for the copy as a whole.
      if (GetParam() == Backend::kSqlite) {
        EXPECT_EQ(at_once, bad);
        EXPECT_EQ(one_at, bad);
      }
    }
  }
  EXPECT_EQ(All(), rows);
}

TEST_P(SqlSeamTest, AFailedTransactionLeavesNothing) {
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(
      Insert({Value::Text("k"), Value::Int(1), Value::Real(1), Value::Text("t"), Value::Null()}).ok());
  Status duplicate =
      Insert({Value::Text("k"), Value::Int(2), Value::Real(2), Value::Text("t"), Value::Null()});
  EXPECT_EQ(duplicate.code(), Code::kConflict) << duplicate.ToString();
  db_->Rollback();
  EXPECT_FALSE(db_->InTransaction());
  EXPECT_TRUE(All().empty());

  // A copy with a duplicate key fails by its end, and nothing of it stays.
  ASSERT_TRUE(db_->Begin().ok());
  Result<std::unique_ptr<sql::CopyIn>> copy = db_->BeginCopy("items", {"key", "n"});
  ASSERT_TRUE(copy.ok());
  Status status = (*copy)->Add({Value::Text("k"), Value::Int(1)});
  if (status.ok()) status = (*copy)->Add({Value::Text("k"), Value::Int(2)});
  if (status.ok()) status = (*copy)->Finish();
  EXPECT_EQ(status.code(), Code::kConflict) << status.ToString();
  copy->reset();
  db_->Rollback();
  EXPECT_TRUE(All().empty());
}

// A load may have its rows' foreign keys looked up at its end, each parent
// once (SQLite; PostgreSQL checks as the rows go in): a missing parent still
// fails the transaction, a NULL key is still not checked, and every other
// write is checked as before, during the load and after it.
TEST_P(SqlSeamTest, ACopysForeignKeysMayBeCheckedAtItsEnd) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE parents (code TEXT NOT NULL, county TEXT NOT NULL, "
                        "PRIMARY KEY (code, county))")
                  .ok());
  ASSERT_TRUE(db_->Exec("CREATE TABLE children (key TEXT PRIMARY KEY, parent TEXT, county TEXT NOT NULL, "
                        "FOREIGN KEY (parent, county) REFERENCES parents (code, county))")
                  .ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO parents (code, county) VALUES ('p1', 'c'), ('p2', 'c')").ok());
  auto copy_rows = [&](const std::vector<std::vector<Value>>& rows) -> Status {
    LX_RETURN_IF_ERROR(db_->DeferForeignKeys("children"));
    LX_ASSIGN_OR_RETURN(std::unique_ptr<sql::CopyIn> copy,
                        db_->BeginCopy("children", {"key", "parent", "county"}));
    size_t failed = 0;  // as a load adds them: a batch at once
    LX_RETURN_IF_ERROR(copy->AddRows(rows, failed));
    LX_RETURN_IF_ERROR(copy->Finish());
    copy.reset();
    return db_->CheckDeferredKeys();
  };
  auto orphan = [&](const std::string& key) {
    Result<sql::Statement*> insert =
        db_->Prepare("INSERT INTO children (key, parent, county) VALUES (?1, 'p9', 'c')");
    EXPECT_TRUE(insert.ok());
    return insert.ok() ? (*insert)->Bind(1, key).Run() : insert.status();
  };
  auto count = [&] {
    Result<sql::Statement*> select = db_->Prepare("SELECT COUNT(*) FROM children");
    EXPECT_TRUE(select.ok() && *(*select)->Step());
    std::int64_t n = (*select)->Int(0);
    (*select)->Reset();
    return n;
  };

  ASSERT_TRUE(db_->Begin().ok());
  Status loaded = copy_rows({{Value::Text("k1"), Value::Text("p1"), Value::Text("c")},
                             {Value::Text("k2"), Value::Text("p1"), Value::Text("c")},
                             {Value::Text("k3"), Value::Text("p2"), Value::Text("c")},
                             {Value::Text("k4"), Value::Null(), Value::Text("c")}});
  ASSERT_TRUE(loaded.ok()) << loaded.ToString();
  if (GetParam() == Backend::kSqlite) {  // a failed statement ends a PostgreSQL transaction
    Status after = orphan("k5");
    EXPECT_EQ(after.code(), Code::kConflict) << after.ToString();
  }
  ASSERT_TRUE(db_->Commit().ok());
  EXPECT_EQ(count(), 4);

  // A parent no one has, after many that are there: the whole load goes.
  ASSERT_TRUE(db_->Begin().ok());
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 50; ++i)
    rows.push_back({Value::Text("m" + std::to_string(i)), Value::Text("p2"), Value::Text("c")});
  rows.push_back({Value::Text("m-orphan"), Value::Text("p9"), Value::Text("c")});
  Status refused = copy_rows(rows);
  EXPECT_EQ(refused.code(), Code::kConflict) << refused.ToString();
  if (GetParam() == Backend::kSqlite) {
    EXPECT_NE(refused.message().find("p9"), std::string::npos) << refused.ToString();
  }
  db_->Rollback();
  EXPECT_EQ(count(), 4);

  // A load left unchecked by its rollback leaves nothing for the next transaction to check.
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(db_->DeferForeignKeys("children").ok());
  {
    Result<std::unique_ptr<sql::CopyIn>> copy = db_->BeginCopy("children", {"key", "parent", "county"});
    ASSERT_TRUE(copy.ok());
    Status added = (*copy)->Add({Value::Text("x1"), Value::Text("p9"), Value::Text("c")});
    if (added.ok()) added = (*copy)->Finish();
    (void)added;  // PostgreSQL refuses it here already
  }
  db_->Rollback();
  db_->ForgetDeferredKeys();
  ASSERT_TRUE(db_->Begin().ok());
  EXPECT_TRUE(db_->CheckDeferredKeys().ok());
  Status plain = orphan("k6");
  EXPECT_EQ(plain.code(), Code::kConflict) << plain.ToString();
  db_->Rollback();
  EXPECT_EQ(count(), 4);

  // A load's copies, one after another; resumed, any other write is checked
  // again before the copies' parents are.
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(db_->DeferForeignKeys("children").ok());
  for (const char* key : {"b1", "b2"}) {
    Result<std::unique_ptr<sql::CopyIn>> copy = db_->BeginCopy("children", {"key", "parent", "county"});
    ASSERT_TRUE(copy.ok());
    ASSERT_TRUE((*copy)->Add({Value::Text(key), Value::Text("p1"), Value::Text("c")}).ok());
    ASSERT_TRUE((*copy)->Finish().ok());
  }
  db_->ResumeForeignKeys();
  if (GetParam() == Backend::kSqlite) {
    Status resumed = orphan("k7");
    EXPECT_EQ(resumed.code(), Code::kConflict) << resumed.ToString();
  }
  ASSERT_TRUE(db_->CheckDeferredKeys().ok());
  ASSERT_TRUE(db_->Commit().ok());
  EXPECT_EQ(count(), 6);
}

// A server restart or failover drops the session: the statement in flight
// fails, and the next one runs on a session made again, its prepared
// statements prepared anew.
TEST_P(SqlSeamTest, ADroppedConnectionIsMadeAgain) {
  if (GetParam() != Backend::kPostgres) GTEST_SKIP() << "SQLite has no server to drop the connection";
  ASSERT_TRUE(
      Insert({Value::Text("k"), Value::Int(1), Value::Real(1), Value::Text("t"), Value::Null()}).ok());
  Result<sql::Statement*> pid = db_->Prepare("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok());
  ASSERT_TRUE(*(*pid)->Step());
  const std::int64_t backend = (*pid)->Int(0);
  (*pid)->Reset();
  ASSERT_NE(database_->admin(), nullptr);
  ASSERT_TRUE(database_->admin()->Exec("SELECT pg_terminate_backend(" + std::to_string(backend) + ")").ok());
  // The first statement after the drop may fail (it finds the session gone);
  // within a few, the connection is back.
  Status status = Status::Internal("never ran");
  for (int attempt = 0; attempt < 3 && !status.ok(); ++attempt) {
    Result<bool> row = (*pid)->Step();
    status =
        row.ok() && *row ? Status::Ok() : Status::Internal(row.ok() ? "no row" : row.status().ToString());
    (*pid)->Reset();
  }
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_TRUE((*pid)->Step().ok());
  EXPECT_NE((*pid)->Int(0), backend) << "a new server session";
  (*pid)->Reset();
  EXPECT_EQ(All().size(), 1u) << "the same database, the same schema";
}

TEST_P(SqlSeamTest, UpsertsReturningAndRepeatedParametersMeanTheSame) {
  ASSERT_TRUE(db_->Begin().ok());
  Result<sql::Statement*> upsert = db_->Prepare(
      "INSERT INTO items (key, n, t) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (key) DO UPDATE SET n = items.n + excluded.n, t = excluded.t RETURNING n");
  ASSERT_TRUE(upsert.ok()) << upsert.status().ToString();
  for (std::int64_t add : {5, 7}) {
    (*upsert)->Bind(1, "k").Bind(2, add).Bind(3, "v" + std::to_string(add));
    Result<bool> row = (*upsert)->Step();
    ASSERT_TRUE(row.ok() && *row) << row.status().ToString();
    EXPECT_EQ((*upsert)->Int(0), add == 5 ? 5 : 12);
    ASSERT_TRUE((*upsert)->Step().ok());
  }
  // ?1 twice; a CAST that stays 64-bit on both.
  Result<sql::Statement*> select =
      db_->Prepare("SELECT CAST(SUM(n) AS INTEGER) * ?1, ?2 FROM items WHERE key = ?3 OR key = ?3");
  ASSERT_TRUE(select.ok()) << select.status().ToString();
  (*select)->Bind(1, std::int64_t{1} << 40).Bind(2, "二").Bind(3, "k");
  Result<bool> row = (*select)->Step();
  ASSERT_TRUE(row.ok() && *row) << row.status().ToString();
  EXPECT_EQ((*select)->Int(0), 12 * (std::int64_t{1} << 40));
  EXPECT_EQ((*select)->Text(1), "二");
  ASSERT_TRUE((*select)->Step().ok());
  // A bare SUM of a 64-bit column is a NUMERIC on PostgreSQL: read as the
  // same integer, not as 0.
  Result<sql::Statement*> sum = db_->Prepare("SELECT SUM(n), SUM(n) * -100001 FROM items");
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  ASSERT_TRUE(*(*sum)->Step());
  EXPECT_EQ((*sum)->Int(0), 12);
  EXPECT_EQ((*sum)->Int(1), -1200012);
  EXPECT_EQ((*sum)->Text(0), "12");
  EXPECT_DOUBLE_EQ((*sum)->Real(1), -1200012.0);
  ASSERT_TRUE((*sum)->Step().ok());

  Result<sql::Statement*> remove = db_->Prepare("DELETE FROM items WHERE n > ?1");
  ASSERT_TRUE(remove.ok());
  ASSERT_TRUE((*remove)->Bind(1, 0).Run().ok());
  EXPECT_EQ((*remove)->Changes(), 1);
  ASSERT_TRUE(db_->Commit().ok());
}

TEST_P(SqlSeamTest, BindingAgainStartsAFreshRun) {
  for (const char* key : {"a", "b", "c"}) {
    ASSERT_TRUE(Insert({Value::Text(key), Value::Int(1), Value::Null(), Value::Null(), Value::Null()}).ok());
  }
  Result<sql::Statement*> select = db_->Prepare("SELECT key FROM items WHERE key >= ?1 ORDER BY key");
  ASSERT_TRUE(select.ok());
  (*select)->Bind(1, "a");
  ASSERT_TRUE(*(*select)->Step());
  EXPECT_EQ((*select)->Text(0), "a");
  (*select)->Bind(1, "b");  // mid-run: starts over with the new value
  ASSERT_TRUE(*(*select)->Step());
  EXPECT_EQ((*select)->Text(0), "b");
  (*select)->Reset();
}

TEST_P(SqlSeamTest, QuotedTextIsNeverRewritten) {
  Result<sql::Statement*> select = db_->Prepare("SELECT 'INTEGER ?1 BLOB WITHOUT ROWID', ?1");
  ASSERT_TRUE(select.ok()) << select.status().ToString();
  (*select)->Bind(1, "x");
  ASSERT_TRUE(*(*select)->Step());
  EXPECT_EQ((*select)->Text(0), "INTEGER ?1 BLOB WITHOUT ROWID");
  EXPECT_EQ((*select)->Text(1), "x");
  ASSERT_TRUE((*select)->Step().ok());
}

// The seam's other rules (sql.hpp), as both databases take them: a row
// number given by the database, bare `?` numbered as SQLite numbers them, the
// `+column` hint, a JSON field, and a 64-bit parameter against a literal.
TEST_P(SqlSeamTest, RowNumbersBareParametersHintsAndJsonMeanTheSame) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE notes (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)").ok());
  for (const char* body : {R"({"at":1790000000000,"who":"wang"})", R"({"at":5,"who":"li"})"}) {
    Result<sql::Statement*> insert = db_->Prepare("INSERT INTO notes (body) VALUES (?1)");
    ASSERT_TRUE(insert.ok());
    ASSERT_TRUE((*insert)->Bind(1, body).Run().ok()) << "the database numbers the row";
  }
  Result<sql::Statement*> select = db_->Prepare(
      "SELECT seq, json_extract(body, '$.who') FROM notes WHERE +seq >= ? AND (CAST(? AS INTEGER) = 0 OR "
      "CAST(json_extract(body, '$.at') AS INTEGER) >= ?2) ORDER BY seq");
  ASSERT_TRUE(select.ok()) << select.status().ToString();
  (*select)->Bind(1, std::int64_t{1}).Bind(2, std::int64_t{1'789'999'999'999});
  ASSERT_TRUE(*(*select)->Step());
  EXPECT_EQ((*select)->Int(0), 1);
  EXPECT_EQ((*select)->Text(1), "wang");
  EXPECT_FALSE(*(*select)->Step()) << "the second is before the bound";
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlSeamTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

TEST(SqlSeamTextTest, ParametersBecomeDollarsOutsideQuotesOnly) {
  EXPECT_EQ(sql::DollarParameters("SELECT ?1, '?2', \"?3\", ?12 -- ?4\n, ?5"),
            "SELECT $1, '?2', \"?3\", $12 -- ?4\n, $5");
  EXPECT_EQ(sql::DollarParameters("SELECT 'it''s ?1', ?2"), "SELECT 'it''s ?1', $2");
}

TEST(SqlSeamTextTest, BareParametersAreNumberedAfterTheHighest) {
  EXPECT_EQ(sql::DollarParameters("a = ? AND b = ?3 AND c = ? AND d = '?'"),
            "a = $1 AND b = $3 AND c = $4 AND d = '?'");
}

TEST(SqlSeamTextTest, PasswordsNeverShow) {
  EXPECT_EQ(sql::Redacted("postgresql://lianxin:s3cret@10.0.0.5:5432/county"),
            "postgresql://lianxin:***@10.0.0.5:5432/county");
  EXPECT_EQ(sql::Redacted("host=db password=s3cret dbname=county"), "host=db password=*** dbname=county");
  EXPECT_EQ(sql::Redacted("postgresql://lianxin@10.0.0.5/county"), "postgresql://lianxin@10.0.0.5/county");
}

TEST(SqlSeamTextTest, AMigrationKeepsItsOwnDialectsBlock) {
  const Migration migration{99, "t",
                            "CREATE TABLE a (x TEXT);\n-- @sqlite\nSQLITE ONLY;\n-- @postgres\nPG ONLY;\n-- "
                            "@end\nCREATE TABLE b (y TEXT);\n"};
  EXPECT_EQ(MigrationSql(migration, sql::Dialect::kSqlite),
            "CREATE TABLE a (x TEXT);\nSQLITE ONLY;\nCREATE TABLE b (y TEXT);\n");
  EXPECT_EQ(MigrationSql(migration, sql::Dialect::kPostgres),
            "CREATE TABLE a (x TEXT);\nPG ONLY;\nCREATE TABLE b (y TEXT);\n");
}

TEST(SqlSeamTextTest, ACheckListIsWrittenAsEqualities) {
  EXPECT_EQ(CheckListsAsOr("CREATE TABLE t (\n  a TEXT NOT NULL CHECK (a IN ('x', 'y', 'z')),\n"
                           "  b TEXT CHECK (b IN ('it''s',\n    'q')),\n  c INTEGER CHECK (c >= 1)\n)"),
            "CREATE TABLE t (\n  a TEXT NOT NULL CHECK (a = 'x' OR a = 'y' OR a = 'z'),\n"
            "  b TEXT CHECK (b = 'it''s' OR b = 'q'),\n  c INTEGER CHECK (c >= 1)\n)");
  // What is not a bare list of strings stays as it is.
  for (const char* other : {"CREATE TABLE t (a TEXT CHECK (a IN (SELECT x FROM y)))",
                            "CREATE TABLE t (a INTEGER CHECK (a IN (1, 2, 3)))",
                            "CREATE TABLE t (a TEXT CHECK (a IN ('x', 'y') AND a <> ''))",
                            "CREATE TABLE t (a TEXT CHECK (a IN ('x', 'y'"}) {
    EXPECT_EQ(CheckListsAsOr(other), other);
  }
}

TEST(SqlSeamTextTest, TargetsAreToldApart) {
  EXPECT_TRUE(sql::IsPostgres("postgresql://postgres@127.0.0.1:5432/lianxin"));
  EXPECT_TRUE(sql::IsPostgres("host=127.0.0.1 dbname=lianxin"));
  EXPECT_FALSE(sql::IsPostgres("data/demo.db"));
  EXPECT_FALSE(sql::IsPostgres("/tmp/postgresql.db"));
}

}  // namespace
}  // namespace lianxin::testing
