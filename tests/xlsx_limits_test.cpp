// Workbooks as offices and attackers send them: a 填表说明 sheet before the
// data, a hidden sheet, no header anywhere; and zip bombs — one huge shared
// string, too many shared strings, one huge inline cell — refused while
// inflating, through the import and the upload route alike, with the
// importing process staying small.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <fstream>
#include <functional>

#include "api_fixture.hpp"
#include "lianxin/registry_io.hpp"
#include "test_util.hpp"

extern char** environ;

namespace lianxin::testing {
namespace {

// Writes a zip of PARTS, each part's text produced by a callback that is
// handed a writer, so gigabytes can be streamed without holding them.
using PartWriter = std::function<void(const std::function<void(std::string_view)>&)>;
void WriteZip(const std::string& path, const std::vector<std::pair<std::string, PartWriter>>& parts) {
  zipFile zip = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  ASSERT_NE(zip, nullptr);
  for (const auto& [name, write] : parts) {
    ASSERT_EQ(zipOpenNewFileInZip64(zip, name.c_str(), nullptr, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED,
                                    Z_BEST_SPEED, 1),
              ZIP_OK);
    write([&](std::string_view bytes) {
      zipWriteInFileInZip(zip, bytes.data(), static_cast<unsigned>(bytes.size()));
    });
    ASSERT_EQ(zipCloseFileInZip(zip), ZIP_OK);
  }
  ASSERT_EQ(zipClose(zip, nullptr), ZIP_OK);
}

PartWriter Text(std::string text) {
  return [text = std::move(text)](const auto& out) { out(text); };
}

PartWriter Repeat(std::string head, std::string unit, size_t times, std::string tail) {
  return [=](const auto& out) {
    out(head);
    std::string chunk;
    for (int i = 0; i < 4096; ++i) chunk += unit;
    size_t left = times;
    while (left >= 4096) {
      out(chunk);
      left -= 4096;
    }
    for (size_t i = 0; i < left; ++i) out(unit);
    out(tail);
  };
}

// A minimal workbook around the given sheet and shared strings parts.
void WriteWorkbook(const std::string& path, PartWriter sheet, PartWriter shared) {
  WriteZip(
      path,
      {{"[Content_Types].xml",
        Text("<?xml version=\"1.0\"?><Types "
             "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>")},
       {"xl/workbook.xml",
        Text("<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
             "<sheets><sheet name=\"登记表\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>")},
       {"xl/_rels/workbook.xml.rels",
        Text(
            "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
            "<Relationship Id=\"rId2\" Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
            "</Relationships>")},
       {"xl/worksheets/sheet1.xml", std::move(sheet)},
       {"xl/sharedStrings.xml", std::move(shared)}});
}

const char* kSmallSheet =
    "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>";

struct Bomb {
  std::string name;
  std::function<void(const std::string&)> write;
  std::string code;
};

std::vector<Bomb> Bombs() {
  return {
      {"one_huge_shared_string",
       [](const std::string& path) {
         WriteWorkbook(path, Text(kSmallSheet),
                       Repeat("<sst><si><t>", "AAAAAAAAAAAAAAAA", 16 << 20, "</t></si></sst>"));
       },
       "(xlsx_cell_too_long)"},
      {"too_many_shared_strings",
       [](const std::string& path) {
         std::string item = "<si><t>" + std::string(1000, 'B') + "</t></si>";
         WriteWorkbook(path, Text(kSmallSheet), Repeat("<sst>", item, 200000, "</sst>"));
       },
       "(xlsx_too_large)"},
      {"one_huge_inline_cell",
       [](const std::string& path) {
         WriteWorkbook(path,
                       Repeat("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>",
                              "CCCCCCCCCCCCCCCC", 16 << 20, "</t></is></c></row></sheetData></worksheet>"),
                       Text("<sst/>"));
       },
       "(xlsx_cell_too_long)"},
  };
}

// Runs the CLI and returns its exit code, output and peak resident memory.
struct Peak {
  int exit_code = -1;
  long max_rss_kib = 0;
};
Peak RunMeasured(const std::vector<std::string>& args, const std::string& output) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // ASan's quarantine would hold freed memory back and hide what we measure.
  std::vector<std::string> env_text{"ASAN_OPTIONS=quarantine_size_mb=8:detect_leaks=0"};
  for (char** e = environ; *e != nullptr; ++e) {
    if (!std::string_view(*e).starts_with("ASAN_OPTIONS=")) env_text.emplace_back(*e);
  }
  std::vector<char*> env;
  for (std::string& e : env_text) env.push_back(e.data());
  env.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  Peak peak;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env.data()) != 0) return peak;
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  peak.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  peak.max_rss_kib = usage.ru_maxrss;
  return peak;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(XlsxLimitsTest, BombsAreRefusedWhileInflatingAndTheImportStaysSmall) {
  TempDir dir;
  // What the program takes to refuse a one-line file: its own code and
  // libraries (large in a sanitized build). A bomb may add little to it.
  const std::string tiny = dir / "tiny.csv";
  WriteFile(tiny, "户编号\n");
  const Peak baseline = RunMeasured(
      {LianxinBinary(), "import", "--db", dir / "c.db", "--kind", "households", tiny}, dir / "tiny.out");
  ASSERT_GT(baseline.max_rss_kib, 0);
  for (const Bomb& bomb : Bombs()) {
    SCOPED_TRACE(bomb.name);
    std::string path = dir / (bomb.name + ".xlsx");
    bomb.write(path);
    EXPECT_LT(std::filesystem::file_size(path), 4u << 20) << "a small file";
    std::string out = dir / (bomb.name + ".out");
    Peak peak =
        RunMeasured({LianxinBinary(), "import", "--db", dir / "c.db", "--kind", "households", path}, out);
    std::string said = Slurp(out);
    EXPECT_EQ(peak.exit_code, 1) << said;
    EXPECT_NE(said.find(bomb.code), std::string::npos) << said;
    EXPECT_LT(peak.max_rss_kib - baseline.max_rss_kib, 256 * 1024)
        << "peak " << peak.max_rss_kib / 1024 << " MiB, " << baseline.max_rss_kib / 1024
        << " MiB for a one-line file";
  }
}

class XlsxUploadTest : public ApiFixture {
 protected:
  HttpResponse Upload(const SignedInAs& who, const std::string& target, const std::string& bytes) {
    Headers headers = who.headers;
    headers.emplace_back("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    return Call("POST", target, bytes, headers);
  }
};

TEST_F(XlsxUploadTest, TheUploadRouteRefusesTheSameBombs) {
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  TempDir dir;
  for (const Bomb& bomb : Bombs()) {
    SCOPED_TRACE(bomb.name);
    std::string path = dir / (bomb.name + ".xlsx");
    bomb.write(path);
    HttpResponse reply = Upload(county, "/api/v1/households/upload", Slurp(path));
    EXPECT_EQ(reply.status, 400) << reply.body;
    EXPECT_NE(reply.body.find(bomb.code), std::string::npos) << reply.body;
  }
}

// A workbook as an office fills it: instructions first, a hidden sheet with
// an old header, then the data under a title and 填报单位 line.
void WriteOfficeWorkbook(const std::string& path, bool with_data) {
  lxw_workbook* workbook = workbook_new(path.c_str());
  lxw_worksheet* help = workbook_add_worksheet(workbook, "填表说明");
  worksheet_write_string(help, 0, 0, "1. 户编号为16位数字", nullptr);
  worksheet_write_string(help, 1, 0, "2. 身份证号请设为文本格式", nullptr);
  lxw_worksheet* old = workbook_add_worksheet(workbook, "旧表");
  worksheet_write_string(old, 0, 0, "户编号", nullptr);
  worksheet_write_string(old, 1, 0, "9999999999999999", nullptr);
  worksheet_hide(old);
  lxw_worksheet* data = workbook_add_worksheet(workbook, "登记表");
  worksheet_write_string(data, 0, 0, "东岭镇农户登记表", nullptr);
  worksheet_write_string(data, 1, 0, "填报单位:东岭镇人民政府", nullptr);
  if (with_data) {
    worksheet_write_string(data, 2, 0, "户编号", nullptr);
    worksheet_write_string(data, 2, 1, "联系电话", nullptr);
    worksheet_write_string(data, 3, 0, "1499010010010001", nullptr);
    worksheet_write_string(data, 3, 1, "13903559999", nullptr);
  }
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);
}

TEST(XlsxLimitsTest, TheFirstVisibleSheetWithTheHeaderIsReadAndNamed) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenOrDie(dir / "c.db");
  ASSERT_NE(store, nullptr);
  ImportFixture(*store);
  std::string path = dir / "office.xlsx";
  WriteOfficeWorkbook(path, true);
  ImportOptions options;
  Result<ImportReport> report =
      ImportFile(*store, Config::Defaults(), RecordKind::kHouseholds, path, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_TRUE(report->committed) << (report->problems.empty() ? "" : report->problems[0].ToString());
  EXPECT_EQ(report->sheet, "登记表");
  EXPECT_EQ(report->header_row, 3);
  std::string notes;
  for (const std::string& n : report->notes) notes += n + "\n";
  EXPECT_NE(notes.find("读取的是工作表“登记表”"), std::string::npos) << notes;
  EXPECT_EQ((*store->GetHousehold("1499010010010001"))->phone.Reveal(), "13903559999");
  EXPECT_FALSE(*store->GetHousehold("9999999999999999")) << "the hidden sheet is never read";

  // No sheet has a header: one message, naming the sheets looked at.
  std::string empty = dir / "no-header.xlsx";
  store.reset();
  store = OpenOrDie(dir / "c.db");
  WriteOfficeWorkbook(empty, false);
  report = ImportFile(*store, Config::Defaults(), RecordKind::kHouseholds, empty, options);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_NE(report->problems[0].message.find("在工作表“填表说明”“登记表”的前 20 行中都找不到表头"),
            std::string::npos)
      << report->problems[0].message;
  EXPECT_NE(report->problems[0].message.find("(header_not_found)"), std::string::npos);
}

TEST_F(XlsxUploadTest, TheUploadRouteReadsTheSameSheetAndSaysWhatItDid) {
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  TempDir dir;
  std::string path = dir / "office.xlsx";
  WriteOfficeWorkbook(path, true);
  HttpResponse reply = Upload(county, "/api/v1/households/upload?dry_run=true", Slurp(path));
  ASSERT_EQ(reply.status, 200) << reply.body;
  nlohmann::json body = Json(reply);
  EXPECT_EQ(body["sheet"], "登记表");
  EXPECT_EQ(body["header_row"], 3);
  EXPECT_EQ(body["rows"], 1);
  EXPECT_EQ(body["changed_columns"]["联系电话"], 1) << reply.body;
}

}  // namespace
}  // namespace lianxin::testing
