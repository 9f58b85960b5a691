// Files as county offices really send them back: fewer or renamed columns,
// titles above the header, numbers Excel has mangled, a member moved between
// households, and files with more problems than anyone reads.
#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include "test_util.hpp"

namespace lianxin::testing {
namespace {

class ImportTrustTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_ / "county.db");
    ASSERT_NE(store_, nullptr);
    ImportFixture(*store_);
  }

  ImportReport ImportText(RecordKind kind, const std::string& csv, bool dry_run = false,
                          std::optional<Scope> scope = std::nullopt) {
    std::filesystem::path path = dir_ / ("in" + std::to_string(++files_) + ".csv");
    WriteFile(path, csv);
    return ImportPath(kind, path, dry_run, scope);
  }

  ImportReport ImportPath(RecordKind kind, const std::filesystem::path& path, bool dry_run = false,
                          std::optional<Scope> scope = std::nullopt) {
    ImportOptions options;
    options.today = {2026, 11, 26};
    options.dry_run = dry_run;
    options.scope = scope;
    Result<ImportReport> report = ImportFile(*store_, Config::Defaults(), kind, path.string(), options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : ImportReport{};
  }

  Household Get(const std::string& code) {
    Result<std::optional<Household>> h = store_->GetHousehold(code);
    EXPECT_TRUE(h.ok() && h->has_value());
    return h.ok() && h->has_value() ? **h : Household{};
  }

  static std::string Problems(const ImportReport& report) {
    std::string all;
    for (const ImportProblem& p : report.problems) all += p.ToString() + "\n";
    return all;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  int files_ = 0;
};

// The regression of the data-trust issue: a village sends back its
// households with only some columns, under other names; every value the file
// does not carry stays as stored.
TEST_F(ImportTrustTest, AFileWithFewerOrRenamedColumnsChangesOnlyWhatItCarries) {
  Household before = Get("1499010010010001");
  ASSERT_EQ(before.phone.Reveal(), "13903550001");
  ImportReport report = ImportText(RecordKind::kHouseholds,
                                   "户编号,户主,联系方式,人均纯收入\n"
                                   "1499010010010001,赵大山,13903559999,4100\n");
  ASSERT_TRUE(report.committed) << Problems(report);
  EXPECT_EQ(report.updated, 1);
  Household after = Get("1499010010010001");
  EXPECT_EQ(after.phone.Reveal(), "13903559999") << "联系方式 is a synonym of the phone";
  EXPECT_EQ(after.income_per_capita, 4100);
  // Not carried: untouched.
  EXPECT_EQ(after.head_id_number.Reveal(), before.head_id_number.Reveal());
  EXPECT_EQ(after.needs, before.needs);
  EXPECT_EQ(after.address, before.address);
  EXPECT_EQ(after.land_mu, before.land_mu);
  EXPECT_EQ(after.housing, before.housing);
  EXPECT_EQ(after.size, before.size);
  EXPECT_EQ(after.village_code, before.village_code);

  // A column carried empty does clear its value: the file says so.
  report = ImportText(RecordKind::kHouseholds, "户编号,地址\n1499010010010001,\n");
  ASSERT_TRUE(report.committed) << Problems(report);
  EXPECT_EQ(Get("1499010010010001").address, "");
  EXPECT_EQ(Get("1499010010010001").phone.Reveal(), "13903559999");
}

TEST_F(ImportTrustTest, ANewRecordStillNeedsEveryRequiredColumnSaidOnce) {
  ImportReport report = ImportText(RecordKind::kHouseholds,
                                   "户编号,户主姓名\n"
                                   "1499010010010001,赵大山\n"
                                   "1499010010019001,新户甲\n"
                                   "1499010010019002,新户乙\n");
  EXPECT_FALSE(report.committed);
  std::string problems = Problems(report);
  // 所属村, 家庭人口 and 人均纯收入 are missing: once each, at the header, naming the first new row.
  EXPECT_EQ(report.problems.size(), 3u) << problems;
  EXPECT_NE(problems.find(":1:所属村: 缺少必填列“所属村”:第 3 行是新记录"), std::string::npos) << problems;
  EXPECT_NE(problems.find("(column_missing)"), std::string::npos);
}

TEST_F(ImportTrustTest, AnUnknownColumnIsNamedWithItsClosestHeaderOrNotedAsIgnored) {
  ImportReport report = ImportText(RecordKind::kHouseholds,
                                   "户编号,联系电活,序号\n"
                                   "1499010010010001,13903550001,1\n");
  EXPECT_FALSE(report.committed);
  ASSERT_EQ(report.problems.size(), 1u) << Problems(report);
  EXPECT_NE(report.problems[0].message.find("是否应为“联系电话”"), std::string::npos) << Problems(report);
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_NE(report.notes[0].find("“序号”"), std::string::npos) << report.notes[0];
  EXPECT_NE(report.notes[0].find("(column_ignored)"), std::string::npos);
}

TEST_F(ImportTrustTest, TitleRowsAboveTheHeaderAreSkippedAndSaid) {
  ImportReport report = ImportText(RecordKind::kHouseholds,
                                   "东岭村农户信息登记表,,,,,\n"
                                   "填报单位:东岭村委会,,,填报日期:2026年11月,,\n"
                                   "户编号,所属村,户主姓名,家庭人口,人均纯收入\n"
                                   "1499010010019001,149901001001,新户甲,2,3000\n");
  ASSERT_TRUE(report.committed) << Problems(report);
  EXPECT_EQ(report.header_row, 3);
  EXPECT_EQ(report.inserted, 1);
  ASSERT_FALSE(report.notes.empty());
  EXPECT_NE(report.notes[0].find("表头在第 3 行"), std::string::npos) << report.notes[0];
}

TEST_F(ImportTrustTest, NoHeaderInTheFirstRowsIsSaidOnce) {
  std::string csv = "农户信息登记表\n";
  for (int i = 0; i < 25; ++i) csv += "说明第" + std::to_string(i) + "条\n";
  ImportReport report = ImportText(RecordKind::kHouseholds, csv);
  EXPECT_FALSE(report.committed);
  ASSERT_EQ(report.problems.size(), 1u) << Problems(report);
  EXPECT_NE(report.problems[0].message.find("找不到表头"), std::string::npos) << Problems(report);
  EXPECT_NE(report.problems[0].message.find("(header_not_found)"), std::string::npos);
}

TEST_F(ImportTrustTest, ExponentCodesFromAReSavedCsvAreRefusedWithoutInventedDigits) {
  ImportReport report = ImportText(RecordKind::kHouseholds,
                                   "户编号,所属村,户主姓名,户主身份证号,家庭人口,人均纯收入\n"
                                   "1499010010019001,149901001001,新户甲,1.49901E+17,2,3000\n"
                                   "1499010010019002,149901001001,新户乙,1.49901E+17,2,3000\n");
  EXPECT_FALSE(report.committed);
  std::string problems = Problems(report);
  EXPECT_EQ(report.problems.size(), 2u) << problems;  // one per cell, nothing else about them
  EXPECT_NE(problems.find(":2:户主身份证号: "), std::string::npos) << problems;
  EXPECT_NE(problems.find("(excel_number)"), std::string::npos) << problems;
  EXPECT_EQ(problems.find("校验"), std::string::npos) << "no check-digit advice on digits not in the file";
  ASSERT_EQ(report.notes.size(), 1u) << "the cause and cure once per column";
  EXPECT_NE(report.notes[0].find("文本"), std::string::npos);
}

// An XLSX whose ID column was formatted as numbers: Excel kept 15
// significant digits, and about one such ID in eleven would pass the
// checksum with the wrong digits.
TEST_F(ImportTrustTest, NumberCellsOfMoreThanFifteenDigitsAreRefused) {
  std::string path = dir_ / "numbers.xlsx";
  lxw_workbook* workbook = workbook_new(path.c_str());
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, nullptr);
  const char* headers[] = {"户编号", "所属村", "户主姓名", "户主身份证号", "家庭人口", "人均纯收入"};
  for (int c = 0; c < 6; ++c)
    worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), headers[c], nullptr);
  worksheet_write_string(sheet, 1, 0, "1499010010019001", nullptr);
  worksheet_write_number(sheet, 1, 1, 149901001001.0, nullptr);  // 12 digits: exact, accepted
  worksheet_write_string(sheet, 1, 2, "新户甲", nullptr);
  worksheet_write_number(sheet, 1, 3, 149901196505120028.0, nullptr);  // 18 digits: mangled
  worksheet_write_number(sheet, 1, 4, 2, nullptr);
  worksheet_write_number(sheet, 1, 5, 3000, nullptr);
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);
  ImportReport report = ImportPath(RecordKind::kHouseholds, path);
  EXPECT_FALSE(report.committed);
  ASSERT_EQ(report.problems.size(), 1u) << Problems(report);
  EXPECT_EQ(report.problems[0].column, "户主身份证号");
  EXPECT_NE(report.problems[0].message.find("(excel_number)"), std::string::npos);
}

TEST_F(ImportTrustTest, AMemberMovesOnlyWhenTheRowNamesTheHouseholdItLeaves) {
  // 周桂兰 is a member of 1499010010010001; a file puts her in 1499010010010002.
  const std::string moved = "149901196208010024,1499010010010002,周桂兰,配偶";
  ImportReport report = ImportText(RecordKind::kMembers, "身份证号,户编号,姓名,与户主关系\n" + moved + "\n");
  EXPECT_FALSE(report.committed);
  EXPECT_NE(Problems(report).find("(member_move)"), std::string::npos) << Problems(report);

  // Out of the caller's reach, the other household is not even named.
  Scope township{ScopeKind::kRegion, "149901002000"};
  report = ImportText(RecordKind::kMembers,
                      "身份证号,户编号,姓名,与户主关系,原户编号\n" + moved + ",1499010010010001\n", false,
                      township);
  EXPECT_FALSE(report.committed);
  EXPECT_NE(Problems(report).find("(registered_elsewhere)"), std::string::npos) << Problems(report);
  EXPECT_EQ(Problems(report).find("1499010010010001"), std::string::npos) << Problems(report);

  // Said explicitly, by a caller who reaches both: moved.
  report = ImportText(RecordKind::kMembers,
                      "身份证号,户编号,姓名,与户主关系,原户编号\n" + moved + ",1499010010010001\n");
  ASSERT_TRUE(report.committed) << Problems(report);
  struct Names final : RegistrySink {
    std::vector<std::string> names;
    Status Add(const Region&) override { return Status::Ok(); }
    Status Add(const Unit&) override { return Status::Ok(); }
    Status Add(const Org&) override { return Status::Ok(); }
    Status Add(const Cadre&) override { return Status::Ok(); }
    Status Add(const Household&) override { return Status::Ok(); }
    Status Add(const Member& m) override {
      names.push_back(m.name);
      return Status::Ok();
    }
  } second;
  ASSERT_TRUE(store_->MembersOf("1499010010010002", second).ok());
  EXPECT_NE(std::find(second.names.begin(), second.names.end(), "周桂兰"), second.names.end());
}

TEST_F(ImportTrustTest, AnIdClashOutsideTheScopeDoesNotNameTheRecord) {
  // 孙老汉's ID belongs to household 1499010020010001 in 西川乡; a 东岭镇 file reuses it.
  Scope township{ScopeKind::kRegion, "149901001000"};
  ImportReport report = ImportText(RecordKind::kHouseholds,
                                   "户编号,所属村,户主姓名,户主身份证号,家庭人口,人均纯收入\n"
                                   "1499010010019001,149901001001,新户甲,149901195511110031,2,3000\n",
                                   false, township);
  EXPECT_FALSE(report.committed);
  std::string problems = Problems(report);
  EXPECT_NE(problems.find("已在别处登记 (registered_elsewhere)"), std::string::npos) << problems;
  EXPECT_EQ(problems.find("1499010020010001"), std::string::npos) << problems;
}

TEST_F(ImportTrustTest, AFileOfManyBadRowsListsTheFirstThousandAndCountsTheRest) {
  std::string csv = "户编号,所属村,户主姓名,家庭人口,人均纯收入\n";
  for (int i = 0; i < 1500; ++i)
    csv += "1499010010019" + std::to_string(100 + i % 900) + ",149901001001,甲,0,1\n";
  ImportReport report = ImportText(RecordKind::kHouseholds, csv);
  EXPECT_FALSE(report.committed);
  ASSERT_EQ(static_cast<int>(report.problems.size()), kMaxImportProblems + 1);
  const ImportProblem& last = report.problems.back();
  EXPECT_EQ(last.row, 0);
  EXPECT_NE(last.message.find("(too_many_problems)"), std::string::npos) << last.message;
  // Each row has a bad size, and from the 901st on also repeats a code: the
  // 951st row brings problems 1001 and 1002; the 549 rows after it are only
  // counted.
  EXPECT_NE(last.message.find("… and 2 more; 549 rows not checked"), std::string::npos) << last.message;
}

TEST_F(ImportTrustTest, ADryRunSaysPerColumnWhatWouldChange) {
  ImportReport report = ImportText(RecordKind::kHouseholds,
                                   "户编号,联系电话,地址\n"
                                   "1499010010010001,13903550001,东岭村9号\n"
                                   "1499010010010002,13903550002,东岭村2号\n",
                                   /*dry_run=*/true);
  EXPECT_FALSE(report.committed);
  EXPECT_TRUE(report.problems.empty()) << Problems(report);
  std::map<std::string, int> changed(report.changed_columns.begin(), report.changed_columns.end());
  EXPECT_EQ(changed["地址"], 1);      // only the first household's address differs
  EXPECT_EQ(changed["联系电话"], 1);  // only the second had no phone
  EXPECT_EQ(changed.count("户主姓名"), 0u);
  EXPECT_EQ(Get("1499010010010001").address, "东岭村1号") << "a dry run writes nothing";
}

}  // namespace
}  // namespace lianxin::testing

namespace lianxin::testing {
namespace {

// CSV injection (OWASP): a cell an office's spreadsheet would run as a
// formula is written with a leading ', and read back without it.
TEST_F(ImportTrustTest, CsvExportsDefuseFormulasAndReadThemBack) {
  ImportReport report =
      ImportText(RecordKind::kHouseholds, "户编号,地址\n1499010010010001,=HYPERLINK(\"x\")\n");
  ASSERT_TRUE(report.committed) << Problems(report);
  std::string path = dir_ / "out.csv";
  ASSERT_TRUE(ExportKind(*store_, RecordKind::kHouseholds, path, {}).ok());
  std::string csv = ReadFile(path);
  EXPECT_NE(csv.find("'=HYPERLINK"), std::string::npos) << csv;
  EXPECT_EQ(csv.find(",=HYPERLINK"), std::string::npos) << csv;
  EXPECT_EQ(csv.find(",\"=HYPERLINK"), std::string::npos) << csv;
  // Numbers that merely start with - stay as they are.
  Result<std::unique_ptr<TableReader>> reader = OpenTableFile(path);
  ASSERT_TRUE(reader.ok());
  TableRow row;
  bool found = false;
  while (*(*reader)->Next(row)) {
    for (const std::string& cell : row.cells) found = found || cell == "=HYPERLINK(\"x\")";
  }
  EXPECT_TRUE(found) << "the reader takes the guard off again";
}

}  // namespace
}  // namespace lianxin::testing

namespace lianxin::testing {
namespace {

// Limits no county's data needs: a name cannot carry a bidi override (which
// shows a name differently from what is stored) or a control character, nor
// run past its length, and a household cannot list hundreds of members.
TEST_F(ImportTrustTest, NamesRefuseControlAndBidiCharactersAndLengthsAreBounded) {
  const std::string header = "户编号,所属村,户主姓名,家庭人口,人均纯收入,地址\n";
  ImportReport report =
      ImportText(RecordKind::kHouseholds,
                 header + "1499010010019001,149901001001,李\u202e四,2,3000,东岭村\n" +
                     "1499010010019002,149901001001,王\x07五,2,3000,东岭村\n" +
                     "1499010010019003,149901001001," + std::string(51, 'x') + ",2,3000,东岭村\n" +
                     "1499010010019004,149901001001,赵六,2,3000," + std::string(201, 'a') + "\n");
  EXPECT_FALSE(report.committed);
  std::string problems = Problems(report);
  EXPECT_NE(problems.find(":2:户主姓名: "), std::string::npos) << problems;
  EXPECT_NE(problems.find(":3:户主姓名: "), std::string::npos) << problems;
  EXPECT_NE(problems.find(":4:户主姓名: 超过 50 个字 (text_too_long)"), std::string::npos) << problems;
  EXPECT_NE(problems.find(":5:地址: 超过 200 个字 (text_too_long)"), std::string::npos) << problems;
  EXPECT_EQ(report.problems.size(), 4u) << problems;

  // Exactly at the limit is fine.
  report = ImportText(RecordKind::kHouseholds,
                      header + "1499010010019001,149901001001," + std::string(50, 'x') + ",2,3000,东岭村\n");
  EXPECT_TRUE(report.committed) << Problems(report);

  std::string members = "身份证号,户编号,姓名,与户主关系\n";
  for (int i = 0; i <= kMaxMembersPerHousehold; ++i) {
    members += ValidIdNumber("19900101", i) + ",1499010010019001,成员" + std::to_string(i) + ",子女\n";
  }
  report = ImportText(RecordKind::kMembers, members);
  EXPECT_FALSE(report.committed);
  EXPECT_NE(Problems(report).find("(members_too_many)"), std::string::npos) << Problems(report);
}

}  // namespace
}  // namespace lianxin::testing
