// Helpers shared by the cross-module tests.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "lianxin/config.hpp"
#include "lianxin/registry_io.hpp"
#include "lianxin/store.hpp"

namespace lianxin::testing {

inline std::filesystem::path SourceDir() { return LIANXIN_SOURCE_DIR; }
inline std::filesystem::path DataDir() { return SourceDir() / "tests" / "data"; }

// A fresh directory under the system temp dir, removed at scope exit.
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
  StoreOptions options;
  options.clock = clock;
  Result<std::unique_ptr<Store>> store = Store::Open(path, options);
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

}  // namespace lianxin::testing
