// Progress of long work: the line drawn, what the import reports, and that
// the CLI draws it on a terminal only (a pipe or --quiet sees nothing).
#include "lianxin/progress.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "test_util.hpp"

namespace lianxin::testing {
namespace {

TEST(ProgressTest, TheLineSaysDoneTotalRateAndTimeLeft) {
  std::string line = TerminalProgress::Line("导入 a.csv", 45000, 90000, "行", -1, 2.0);
  EXPECT_NE(line.find("45,000 / 90,000 行"), std::string::npos) << line;
  EXPECT_NE(line.find("22,500 行/秒"), std::string::npos) << line;
  EXPECT_NE(line.find("50%"), std::string::npos) << line;
  EXPECT_NE(line.find("剩余约 2.0 秒"), std::string::npos) << line;

  // No total, but the share of the file read: the time left comes from it.
  line = TerminalProgress::Line("导入 b.csv", 1000, 0, "行", 0.25, 30.0);
  EXPECT_NE(line.find("1,000 行"), std::string::npos) << line;
  EXPECT_NE(line.find("剩余约 1 分 30 秒"), std::string::npos) << line;

  // Neither: rows and rate only.
  line = TerminalProgress::Line("生成", 10, 0, "条", -1, 1.0);
  EXPECT_EQ(line.find("剩余"), std::string::npos) << line;
}

TEST(ProgressTest, DisabledDrawsNothingAndEnabledEndsItsLine) {
  for (bool enabled : {false, true}) {
    std::FILE* out = std::tmpfile();
    ASSERT_NE(out, nullptr);
    {
      TerminalProgress progress(out, enabled);
      progress.Begin("导出 x.csv", 3, "条");
      for (std::uint64_t i = 1; i <= 3; ++i) progress.Update(i);
      progress.End();
    }
    std::string written(static_cast<size_t>(std::ftell(out)), '\0');
    std::rewind(out);
    ASSERT_EQ(std::fread(written.data(), 1, written.size(), out), written.size());
    std::fclose(out);
    if (!enabled) {
      EXPECT_TRUE(written.empty()) << written;
    } else {
      EXPECT_NE(written.find("导出 x.csv: 3 条, 用时"), std::string::npos) << written;
      EXPECT_EQ(written.back(), '\n');
    }
  }
}

// What an import tells its progress: one step, every row, the share of the
// file read rising to the whole.
class Recorder final : public Progress {
 public:
  void Begin(std::string_view what, std::uint64_t, std::string_view) override {
    ++begins;
    this->what = what;
  }
  void Update(std::uint64_t done, double fraction) override {
    EXPECT_GE(done, last_done);
    EXPECT_GE(fraction, last_fraction);
    last_done = done;
    last_fraction = fraction;
  }
  void End() override { ++ends; }
  int begins = 0, ends = 0;
  std::string what;
  std::uint64_t last_done = 0;
  double last_fraction = 0;
};

TEST(ProgressTest, AnImportReportsEveryRowAndTheShareOfTheFileRead) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenOrDie(dir / "county.db");
  ASSERT_NE(store, nullptr);
  ImportFixture(*store);
  std::string csv = "户编号,户主姓名,人均纯收入\n";
  for (int i = 0; i < 3; ++i)
    csv += "149901001001000" + std::to_string(1 + i) + ",户主" + std::to_string(i) + ",5000\n";
  WriteFile(dir / "update.csv", csv);
  Recorder recorder;
  ImportOptions options;
  options.progress = &recorder;
  Result<ImportReport> report =
      ImportFile(*store, Config::Defaults(), RecordKind::kHouseholds, dir / "update.csv", options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(recorder.begins, 1);
  EXPECT_EQ(recorder.ends, 1);
  EXPECT_NE(recorder.what.find("update.csv"), std::string::npos);
  EXPECT_EQ(recorder.last_done, static_cast<std::uint64_t>(report->rows));
  EXPECT_DOUBLE_EQ(recorder.last_fraction, 1.0);
}

TEST(ProgressTest, TheCliDrawsOnATerminalOnly) {
  TempDir dir;
  const std::string regions = (DataDir() / "import" / "fixture" / "regions.csv").string();
  auto import = [&](const std::string& flags, const std::string& db) {
    return LianxinBinary() + flags + " import --db " + dir / db + " --kind regions " + regions;
  };
  // `script` runs the command on a pseudo-terminal, as a clerk's shell would.
  CliRun on_terminal = RunShell("script -qec '" + import("", "a.db") + "' /dev/null");
  ASSERT_EQ(on_terminal.exit_code, 0) << on_terminal.output;
  EXPECT_NE(on_terminal.output.find("导入 " + regions + ": "), std::string::npos) << on_terminal.output;
  EXPECT_NE(on_terminal.output.find("用时"), std::string::npos) << on_terminal.output;

  CliRun quiet = RunShell("script -qec '" + import(" --quiet", "b.db") + "' /dev/null");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_EQ(quiet.output.find("用时"), std::string::npos) << quiet.output;

  CliRun piped = RunShell(import("", "c.db"));
  ASSERT_EQ(piped.exit_code, 0) << piped.output;
  EXPECT_EQ(piped.output.find("用时"), std::string::npos) << piped.output;
  EXPECT_EQ(piped.output.find('\r'), std::string::npos);
}

TEST(ProgressTest, PairingAndBackupShowTheirPhasesOnATerminal) {
  TempDir dir;
  const std::string db = dir / "c.db";
  for (std::string kind : {"regions", "units", "orgs", "cadres", "households", "members"}) {
    CliRun imported = RunShell(LianxinBinary() + " import --db " + db + " --kind " + kind + " " +
                               (DataDir() / "import" / "fixture" / (kind + ".csv")).string());
    ASSERT_EQ(imported.exit_code, 0) << imported.output;
  }
  CliRun pair = RunShell("script -qec '" + LianxinBinary() + " pair --db " + db + "' /dev/null");
  ASSERT_EQ(pair.exit_code, 0) << pair.output;
  for (const char* phase : {"读取登记库: 用时", "计算结对: 用时", "写入结对: 用时"}) {
    EXPECT_NE(pair.output.find(phase), std::string::npos) << phase << "\n" << pair.output;
  }
  CliRun backup = RunShell("script -qec '" + LianxinBinary() + " backup --db " + db + " --out " +
                           (dir / "b.db") + "' /dev/null");
  ASSERT_EQ(backup.exit_code, 0) << backup.output;
  EXPECT_NE(backup.output.find("在线备份并检查完整性"), std::string::npos) << backup.output;
}

}  // namespace
}  // namespace lianxin::testing
