// Import and export of the registry: golden files for bad input, upserts,
// encodings and formats, all or nothing.
#include <gtest/gtest.h>

#include "test_util.hpp"

namespace lianxin::testing {
namespace {

const std::filesystem::path kFixture = DataDir() / "import" / "fixture";

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_ / "county.db");
    ASSERT_NE(store_, nullptr);
    ImportFixture(*store_);
  }

  Result<ImportReport> Import(RecordKind kind, const std::string& path, const std::string& name,
                              bool dry_run = false) {
    Result<std::unique_ptr<TableReader>> reader = OpenTableFile(path);
    if (!reader.ok()) return reader.status();
    ImportOptions options;
    options.today = {2026, 11, 26};
    options.dry_run = dry_run;
    return ImportTable(*store_, Config::Defaults(), kind, **reader, name, options);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ImportTest, FixtureLandsWithDerivedFields) {
  Result<RegistryCounts> counts = store_->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->regions, 6);
  EXPECT_EQ(counts->villages, 3);
  EXPECT_EQ(counts->units, 2);
  EXPECT_EQ(counts->weak_branches, 1);
  EXPECT_EQ(counts->cadres, 3);
  EXPECT_EQ(counts->village_members, 1);
  EXPECT_EQ(counts->households, 3);
  EXPECT_EQ(counts->members, 5);

  Result<std::optional<Household>> h = store_->GetHousehold("1499010010010001");
  ASSERT_TRUE(h.ok() && h->has_value());
  const Household& household = **h;
  EXPECT_EQ(household.head_id_number.Reveal(), "149901196007150012");
  EXPECT_EQ(household.needs, (std::vector<std::string>{"低收入", "危房"}));
  EXPECT_EQ(household.housing, Housing::kDangerous);
  // 3500 of a 6000 line: 40 × 2500/6000 ≈ 16.67, + 低收入 15 + 危房 10 + housing 15.
  EXPECT_NEAR(household.difficulty, 56.67, 0.001);
  EXPECT_EQ(household.tier, Tier::kHardest);
}

TEST_F(ImportTest, SecondImportChangesNothing) {
  Result<std::string> head = store_->JournalHead();
  ASSERT_TRUE(head.ok());
  for (RecordKind kind : kAllRecordKinds) {
    ImportReport report = ImportOk(*store_, kind, (kFixture / (std::string(Token(kind)) + ".csv")).string());
    EXPECT_EQ(report.inserted, 0) << Token(kind);
    EXPECT_EQ(report.updated, 0) << Token(kind);
    EXPECT_EQ(report.unchanged, report.rows) << Token(kind);
    EXPECT_GT(report.rows, 0);
  }
  EXPECT_EQ(*store_->JournalHead(), *head);
}

TEST_F(ImportTest, ChangedRowIsAnUpdateJournaledWithBeforeAndAfter) {
  std::string csv = ReadFile(kFixture / "households.csv");
  size_t at = csv.find(",3,3500,");
  ASSERT_NE(at, std::string::npos);
  csv.replace(at, 8, ",3,4100,");
  WriteFile(dir_ / "changed.csv", csv);
  ImportReport report = ImportOk(*store_, RecordKind::kHouseholds, dir_ / "changed.csv");
  EXPECT_EQ(report.updated, 1);
  EXPECT_EQ(report.unchanged, 2);

  Result<std::vector<JournalEntry>> entries = store_->ReadJournal(0, 100000);
  ASSERT_TRUE(entries.ok());
  const JournalEntry& last = entries->back();
  EXPECT_EQ(last.action, "update");
  EXPECT_EQ(last.entity, "households");
  EXPECT_EQ(last.key, "1499010010010001");
  EXPECT_NE(last.before.find("\"income_per_capita\":3500"), std::string::npos) << last.before;
  EXPECT_NE(last.after.find("\"income_per_capita\":4100"), std::string::npos) << last.after;
  std::int64_t checked = 0;
  EXPECT_TRUE(store_->VerifyJournal(&checked).ok());
  EXPECT_EQ(checked, static_cast<std::int64_t>(entries->size()));
}

// Each file in tests/data/import/bad/NAME.KIND.csv must be refused with
// exactly the problems in NAME.expected, and change nothing. Run with
// LIANXIN_UPDATE_GOLDEN=1 to rewrite the expected files (then review them).
TEST_F(ImportTest, BadFilesReportEveryProblemAndChangeNothing) {
  const std::filesystem::path bad = DataDir() / "import" / "bad";
  std::string before = Snapshot(*store_, dir_);
  std::string head = *store_->JournalHead();
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(bad)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".csv" && entry.path().extension() != ".xlsx") continue;
    std::string stem = entry.path().stem().string();  // NAME.KIND
    std::optional<RecordKind> kind = ParseRecordKind(stem.substr(stem.rfind('.') + 1));
    ASSERT_TRUE(kind) << name;
    ++files;
    Result<ImportReport> report = Import(*kind, entry.path().string(), name);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_FALSE(report->committed) << name;
    EXPECT_FALSE(report->problems.empty()) << name;
    std::string actual;
    for (const ImportProblem& problem : report->problems) actual += problem.ToString() + "\n";
    std::filesystem::path expected_path = bad / (stem.substr(0, stem.rfind('.')) + ".expected");
    if (std::getenv("LIANXIN_UPDATE_GOLDEN")) WriteFile(expected_path, actual);
    EXPECT_EQ(actual, ReadFile(expected_path)) << name;
  }
  EXPECT_GE(files, 8);
  EXPECT_EQ(Snapshot(*store_, dir_), before);
  EXPECT_EQ(*store_->JournalHead(), head);
}

TEST_F(ImportTest, DryRunValidatesAndWritesNothing) {
  TempDir other;
  std::unique_ptr<Store> fresh = OpenOrDie(other / "fresh.db");
  ASSERT_NE(fresh, nullptr);
  ImportOptions options;
  options.dry_run = true;
  Result<ImportReport> report = ImportFile(*fresh, Config::Defaults(), RecordKind::kRegions,
                                           (kFixture / "regions.csv").string(), options);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty());
  EXPECT_EQ(report->inserted, 6);
  EXPECT_FALSE(report->committed);
  EXPECT_EQ(fresh->Counts()->regions, 0);
}

// The same rows as XLSX, as GB18030 CSV, and with a BOM give the same registry.
TEST_F(ImportTest, EncodingsAndFormatsGiveTheSameRegistry) {
  std::string expected = Snapshot(*store_, dir_);
  for (std::string variant : {"xlsx", "gb18030", "bom"}) {
    TempDir other;
    std::unique_ptr<Store> copy = OpenOrDie(other / "copy.db");
    ASSERT_NE(copy, nullptr);
    for (RecordKind kind : kAllRecordKinds) {
      std::string source = (kFixture / (std::string(Token(kind)) + ".csv")).string();
      std::string target = other / (std::string(Token(kind)) + (variant == "xlsx" ? ".xlsx" : ".csv"));
      if (variant == "xlsx") {
        Result<std::unique_ptr<TableReader>> reader = OpenTableFile(source);
        ASSERT_TRUE(reader.ok());
        Result<std::unique_ptr<TableWriter>> writer = CreateXlsxWriter(target, "sheet");
        ASSERT_TRUE(writer.ok());
        TableRow row;
        while (*(*reader)->Next(row)) ASSERT_TRUE((*writer)->Write(row.cells).ok());
        ASSERT_TRUE((*writer)->Close().ok());
      } else if (variant == "gb18030") {
        Result<std::string> gb = Utf8ToGb18030(ReadFile(source));
        ASSERT_TRUE(gb.ok());
        WriteFile(target, *gb);
      } else {
        WriteFile(target, "\xEF\xBB\xBF" + ReadFile(source));
      }
      ImportOk(*copy, kind, target);
    }
    EXPECT_EQ(Snapshot(*copy, other), expected) << variant;
  }
}

TEST_F(ImportTest, ExportMasksByDefaultAndRevealsOnRequest) {
  std::string masked = dir_ / "households.csv";
  ASSERT_TRUE(ExportKind(*store_, RecordKind::kHouseholds, masked, {}).ok());
  std::string text = ReadFile(masked);
  EXPECT_EQ(text.find("149901196007150012"), std::string::npos);
  EXPECT_NE(text.find("149901********0012"), std::string::npos);
  EXPECT_EQ(text.find("13903550001"), std::string::npos);
  EXPECT_NE(text.find("139****0001"), std::string::npos);

  std::string full = dir_ / "households.xlsx";
  ASSERT_TRUE(ExportKind(*store_, RecordKind::kHouseholds, full, {.reveal = true}).ok());
  Result<std::unique_ptr<TableReader>> reader = OpenTableFile(full);
  ASSERT_TRUE(reader.ok());
  TableRow row;
  ASSERT_TRUE(*(*reader)->Next(row));
  EXPECT_EQ(row.cells.at(0), "户编号");
  ASSERT_TRUE(*(*reader)->Next(row));
  EXPECT_EQ(row.cells.at(3), "149901196007150012");
}

TEST_F(ImportTest, TemplateImportsAsItsOwnExample) {
  for (RecordKind kind : kAllRecordKinds) {
    std::string path = dir_ / ("template-" + std::string(Token(kind)) + ".xlsx");
    ASSERT_TRUE(WriteTemplate(kind, path).ok());
    Result<std::unique_ptr<TableReader>> reader = OpenTableFile(path);
    ASSERT_TRUE(reader.ok());
    TableRow row;
    ASSERT_TRUE(*(*reader)->Next(row));
    EXPECT_EQ(row.cells.at(0), std::string(ImportHeaders(kind).at(0)) + "*");
    ASSERT_TRUE(*(*reader)->Next(row)) << Token(kind);
    EXPECT_FALSE(row.cells.at(0).empty());
  }
}

TEST_F(ImportTest, UnreadableFileIsAProblemNotACrash) {
  Result<ImportReport> report = ImportFile(*store_, Config::Defaults(), RecordKind::kUnits,
                                           (dir_.path() / "missing.xlsx").string(), {});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_EQ(report->problems[0].row, 0);
  EXPECT_FALSE(report->committed);
}

}  // namespace
}  // namespace lianxin::testing

namespace lianxin::testing {
namespace {

TEST(ExportDirTest, KindTooLongForAWorksheetIsWrittenToCsvOnly) {
  TempDir dir;
  ExportOptions options;
  options.reveal = true;
  options.xlsx_max_rows = 3;  // the header and two rows
  Result<std::unique_ptr<ExportDirSink>> sink = ExportDirSink::Open(dir / "out", options);
  ASSERT_TRUE(sink.ok());
  for (const char* code : {"149901", "149902", "149903"}) {
    ASSERT_TRUE((*sink)->Add(Region{code, "县", RegionLevel::kCounty, ""}).ok());
  }
  ASSERT_TRUE((*sink)->Add(Unit{"149901U001", "县委组织部", "149901", 10, UnitStrength::kStrong}).ok());
  ASSERT_TRUE((*sink)->Close().ok());
  ASSERT_EQ((*sink)->notes().size(), 1u);
  EXPECT_NE((*sink)->notes()[0].find("regions.xlsx"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "out/regions.xlsx"));
  EXPECT_TRUE(std::filesystem::exists(dir / "out/units.xlsx"));
  EXPECT_NE(ReadFile(dir.path() / "out/regions.csv").find("149903"), std::string::npos);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "out")) {
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

}  // namespace
}  // namespace lianxin::testing
