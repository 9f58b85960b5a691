// The demo county: written to a database and to files, the files imported
// back (CSV, XLSX, and CSV re-encoded as GB18030) reproduce the registry.
#include <gtest/gtest.h>

#include "lianxin/demo.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

TEST(RoundTripTest, DemoFilesImportBackIntoTheSameRegistry) {
  TempDir dir;
  Config config = Config::Defaults();
  // The whole county's regions, units, orgs and cadres, with households in
  // 20 villages: every kind of record, small enough for a sanitized build.
  // The full county goes through the same path in ./dev bench (B1).
  DemoOptions options{DemoScale::kCounty, 7, 20};

  std::unique_ptr<Store> demo = OpenOrDie(dir / "demo.db");
  ASSERT_NE(demo, nullptr);
  {
    std::unique_ptr<WriteTxn> txn = std::move(demo->Begin("demo")).value();
    TxnSink sink(*txn);
    ASSERT_TRUE(GenerateDemo(options, config, sink).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  Result<std::unique_ptr<ExportDirSink>> files = ExportDirSink::Open(dir / "files", {.reveal = true});
  ASSERT_TRUE(files.ok());
  ASSERT_TRUE(GenerateDemo(options, config, **files).ok());
  ASSERT_TRUE((*files)->Close().ok());

  RegistryCounts counts = *demo->Counts();
  EXPECT_EQ(counts.villages, 390);
  EXPECT_GT(counts.households, 2000);
  EXPECT_GT(counts.cadres, 7000);
  std::string expected = Snapshot(*demo, dir);
  demo.reset();

  // The file formats are the reader's, the same on either database: on
  // PostgreSQL the CSV alone goes through its store.
  std::vector<std::string> variants = {"csv", "xlsx", "gb18030"};
  if (OnPostgres()) variants = {"csv"};
  for (const std::string& variant : variants) {
    SCOPED_TRACE(variant);
    TempDir other;
    std::unique_ptr<Store> copy = OpenOrDie(other / "copy.db");
    ASSERT_NE(copy, nullptr);
    for (RecordKind kind : kAllRecordKinds) {
      std::string name = std::string(Token(kind));
      std::string path = dir / ("files/" + name + (variant == "xlsx" ? ".xlsx" : ".csv"));
      if (variant == "gb18030") {
        Result<std::string> gb = Utf8ToGb18030(ReadFile(path));
        ASSERT_TRUE(gb.ok());
        path = other / (name + ".csv");
        WriteFile(path, *gb);
      }
      ImportReport report = ImportOk(*copy, kind, path);
      EXPECT_EQ(report.inserted, report.rows) << name;
    }
    EXPECT_TRUE(Snapshot(*copy, other) == expected) << "the imported registry differs from the demo's";
    std::int64_t checked = 0;
    EXPECT_TRUE(copy->VerifyJournal(&checked).ok());
  }
}

}  // namespace
}  // namespace lianxin::testing
