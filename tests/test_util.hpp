// Helpers shared by the cross-module tests.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "lianxin/config.hpp"
#include "lianxin/registry_io.hpp"
#include "lianxin/store.hpp"
#include "store/sql/sql.hpp"

namespace lianxin::testing {

// The source tree and the built CLI (tests/test_paths.cpp).
std::filesystem::path SourceDir();
std::string LianxinBinary();
inline std::filesystem::path DataDir() { return SourceDir() / "tests" / "data"; }

// The store tests run on SQLite, and again on PostgreSQL when
// LIANXIN_TEST_BACKEND=postgres (ctest's "pg." tests; the cluster is the one
// LIANXIN_TEST_PG names, which ./dev test starts).
inline bool OnPostgres() {
  const char* backend = std::getenv("LIANXIN_TEST_BACKEND");
  return backend != nullptr && std::string_view(backend) == "postgres" && std::getenv("LIANXIN_TEST_PG");
}

// Skips a test that reaches into the SQLite file itself (its bytes, its
// WAL, SQL run on it by hand) when the tests run on PostgreSQL.
#define LX_SQLITE_ONLY() \
  if (::lianxin::testing::OnPostgres()) GTEST_SKIP() << "reaches into the SQLite file itself"

// The PostgreSQL databases made for the paths of this process (DbTarget).
inline std::map<std::string, std::string>& TestDatabases() {
  static std::map<std::string, std::string> databases;
  return databases;
}

// The cluster's URI with another database name.
inline std::string TestDatabaseUri(const std::string& name) {
  std::string uri = std::getenv("LIANXIN_TEST_PG");
  return uri.substr(0, uri.rfind('/') + 1) + name;
}

// Runs SQL on the test cluster's maintenance database, failing the test when it fails.
inline void OnTestCluster(const std::string& statement) {
  Result<std::unique_ptr<sql::Connection>> admin = sql::Connect(std::getenv("LIANXIN_TEST_PG"), {});
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  Status status = (*admin)->Exec(statement);
  ASSERT_TRUE(status.ok()) << statement << ": " << status.ToString();
}

// A PostgreSQL database of its own on the test cluster for `path` (a file
// in a TempDir), made from `from`'s when given (a copy), else empty, and
// dropped with its TempDir — whichever backend the tests run on.
inline std::string PostgresTestDb(const std::string& path, const std::string& from = {}) {
  auto& databases = TestDatabases();
  if (auto it = databases.find(path); it != databases.end()) return TestDatabaseUri(it->second);
  static std::atomic<int> counter{0};
  std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  std::string statement = "CREATE DATABASE " + name;
  if (!from.empty()) statement += " TEMPLATE " + databases.at(from);
  OnTestCluster(statement);
  databases[path] = name;
  return TestDatabaseUri(name);
}

// The database a test means by `path`: on SQLite the file itself; on
// PostgreSQL the database PostgresTestDb makes for it.
inline std::string DbTarget(const std::string& path, const std::string& from = {}) {
  return OnPostgres() ? PostgresTestDb(path, from) : path;
}

// Runs SQL on the database at `path` through a connection of its own, as
// another process (the sqlite3 or psql shell) would, behind the store's back.
inline void RawSql(const std::string& path, const std::string& statement) {
  Result<std::unique_ptr<sql::Connection>> db = sql::Connect(DbTarget(path), {.create = false});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Status status = (*db)->Exec(statement);
  EXPECT_TRUE(status.ok()) << statement << ": " << status.ToString();
}

// Copies the database at `from` (closed) to `to` with its key: the files,
// or on PostgreSQL a database made from `from`'s. The target of `to`.
inline std::string CopyTestDb(const std::string& from, const std::string& to) {
  for (const char* suffix : {"", ".key", "-wal"}) {
    if (std::filesystem::exists(from + suffix)) std::filesystem::copy_file(from + suffix, to + suffix);
  }
  return DbTarget(to, from);
}

// A store's options for `path`: its key file beside it, on either backend.
inline StoreOptions DbOptions(const std::string& path, const Clock* clock = nullptr, bool create = true) {
  StoreOptions options;
  options.key_file = path + ".key";
  options.clock = clock;
  options.create = create;
  return options;
}

// A fresh directory under the system temp dir, removed at scope exit with
// the PostgreSQL databases made for its paths.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("lianxin-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
    auto& databases = TestDatabases();
    for (auto it = databases.begin(); it != databases.end();) {
      if (it->first.starts_with(path_.string() + "/")) {
        OnTestCluster("DROP DATABASE IF EXISTS " + it->second + " WITH (FORCE)");
        it = databases.erase(it);
      } else {
        ++it;
      }
    }
  }
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void WriteFile(const std::filesystem::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
}

// Opens (creating) a store at PATH or fails the test.
inline std::unique_ptr<Store> OpenOrDie(const std::string& path, const Clock* clock = nullptr) {
  Result<std::unique_ptr<Store>> store = Store::Open(DbTarget(path), DbOptions(path, clock));
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

// Imports a file that must import cleanly; returns the report.
inline ImportReport ImportOk(Store& store, RecordKind kind, const std::string& path) {
  ImportOptions options;
  options.today = {2026, 11, 26};
  Result<ImportReport> report = ImportFile(store, Config::Defaults(), kind, path, options);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  if (!report.ok()) return {};
  for (const ImportProblem& problem : report->problems) ADD_FAILURE() << problem.ToString();
  EXPECT_TRUE(report->committed);
  return *report;
}

// Imports the small fixture registry in tests/data/import/fixture.
// A valid ID number born on `date` (YYYYMMDD) with sequence `seq`, in the demo county.
inline std::string ValidIdNumber(const std::string& date, int seq) {
  char first17[18];
  std::snprintf(first17, sizeof first17, "149901%s%03d", date.c_str(), seq % 1000);
  return std::string(first17) + IdCheckCharacter(first17);
}

inline void ImportFixture(Store& store) {
  for (RecordKind kind : kAllRecordKinds) {
    ImportOk(store, kind, (DataDir() / "import" / "fixture" / (std::string(Token(kind)) + ".csv")).string());
  }
}

// Every kind exported with ID numbers and phones in full, as one string: two
// registries are the same when these are equal.
inline std::string Snapshot(Store& store, const TempDir& dir) {
  std::string all;
  for (RecordKind kind : kAllRecordKinds) {
    std::string path = dir / ("snapshot-" + std::string(Token(kind)) + ".csv");
    Status status = ExportKind(store, kind, path, {.reveal = true});
    EXPECT_TRUE(status.ok()) << status.ToString();
    all += "## " + std::string(Token(kind)) + "\n" + ReadFile(path);
  }
  return all;
}

// What a command printed (standard output and error together) and its exit
// status (-1 when it did not exit normally).
struct CliRun {
  int exit_code = -1;
  std::string output;
};

// Runs a shell command and collects what it prints.
inline CliRun RunShell(const std::string& command) {
  CliRun run;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.output.append(buffer.data(), n);
  int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// The natural key of a record (a member: its ID number).
inline std::string KeyOf(const Region& r) { return r.code; }
inline std::string KeyOf(const Unit& u) { return u.code; }
inline std::string KeyOf(const Org& o) { return o.code; }
inline std::string KeyOf(const Cadre& c) { return c.code; }
inline std::string KeyOf(const Household& h) { return h.code; }
inline std::string KeyOf(const Member& m) { return m.id_number.Reveal(); }

// Collects what a scan or a list streams.
class Collect final : public RegistrySink {
 public:
  Status Add(const Region& r) override { return Keep(regions, r); }
  Status Add(const Unit& u) override { return Keep(units, u); }
  Status Add(const Org& o) override { return Keep(orgs, o); }
  Status Add(const Cadre& c) override { return Keep(cadres, c); }
  Status Add(const Household& h) override { return Keep(households, h); }
  Status Add(const Member& m) override { return Keep(members, m); }

  std::vector<Region> regions;
  std::vector<Unit> units;
  std::vector<Org> orgs;
  std::vector<Cadre> cadres;
  std::vector<Household> households;
  std::vector<Member> members;
  std::vector<std::string> keys;  // in arrival order, every kind

 private:
  template <typename T>
  Status Keep(std::vector<T>& into, const T& record) {
    into.push_back(record);
    keys.push_back(KeyOf(record));
    return Status::Ok();
  }
};

}  // namespace lianxin::testing
