// Tests that run against both databases. SQLite is a file in a temporary
// folder; PostgreSQL is the throwaway cluster `./dev test` starts
// (scripts/pg-cluster), named by LIANXIN_TEST_PG. Each PostgreSQL test gets
// a schema of its own, dropped afterwards, so tests never see each other.
// Without LIANXIN_TEST_PG the PostgreSQL cases are skipped, saying why.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "store/sql/sql.hpp"
#include "test_util.hpp"

namespace lianxin::testing {

enum class Backend { kSqlite, kPostgres };

inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

inline const char* PostgresUnderTest() { return std::getenv("LIANXIN_TEST_PG"); }

// A connection to a fresh, empty database of the backend.
class TestDatabase {
 public:
  explicit TestDatabase(Backend backend) : backend_(backend) {
    if (backend == Backend::kSqlite) {
      target_ = dir_ / "test.db";
    } else {
      static std::atomic<int> counter{0};
      schema_ = "t" + std::to_string(getpid()) + "_" + std::to_string(++counter);
      target_ = PostgresUnderTest();
    }
  }
  ~TestDatabase() {
    if (!schema_.empty() && admin_) (void)admin_->Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }

  // Skipped (GTEST_SKIP in the caller) when the backend is not there.
  static bool Available(Backend backend) {
    return backend == Backend::kSqlite || PostgresUnderTest() != nullptr;
  }

  // Another connection to the same database (and schema).
  // The schema is part of the connection string, so a session made again
  // after the server dropped it (PQreset) is in it too.
  Result<std::unique_ptr<sql::Connection>> Connect() {
    if (!schema_.empty() && !admin_) {
      LX_ASSIGN_OR_RETURN(admin_, sql::Connect(target_, {}));
      LX_RETURN_IF_ERROR(admin_->Exec("CREATE SCHEMA " + schema_));
    }
    return sql::Connect(schema_.empty() ? target_ : target_ + "?options=-csearch_path%3D" + schema_, {});
  }
  // A connection of its own to the database, outside the test's schema.
  sql::Connection* admin() { return admin_.get(); }

  Backend backend() const { return backend_; }

 private:
  Backend backend_;
  TempDir dir_;
  std::string target_;
  std::string schema_;
  std::unique_ptr<sql::Connection> admin_;
};

#define LX_SKIP_UNLESS_AVAILABLE(backend)                    \
  if (!::lianxin::testing::TestDatabase::Available(backend)) \
  GTEST_SKIP() << "PostgreSQL not under test: LIANXIN_TEST_PG is unset (./dev test starts one)"

// A test run once on each backend, on a fresh database: `db_` is connected
// in SetUp. A subclass's SetUp calls this one first and returns when it
// skipped or failed (IsSkipped() or HasFatalFailure()).
class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    LX_SKIP_UNLESS_AVAILABLE(GetParam());
    database_ = std::make_unique<TestDatabase>(GetParam());
    Result<std::unique_ptr<sql::Connection>> db = database_->Connect();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  bool Unready() const { return IsSkipped() || HasFatalFailure(); }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<sql::Connection> db_;
};

}  // namespace lianxin::testing
