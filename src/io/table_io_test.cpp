#include "lianxin/table_io.hpp"

#include <gtest/gtest.h>
#include <minizip/zip.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace lianxin {
namespace {

using Cells = std::vector<std::string>;

struct Row {
  int number;
  Cells cells;
  bool operator==(const Row&) const = default;
};

void PrintTo(const Row& row, std::ostream* os) {
  *os << row.number << ":[";
  for (size_t i = 0; i < row.cells.size(); ++i) *os << (i ? "|" : "") << row.cells[i];
  *os << "]";
}

// Reads every row, or the first error.
Result<std::vector<Row>> ReadAll(TableReader& reader) {
  std::vector<Row> rows;
  TableRow row;
  while (true) {
    LX_ASSIGN_OR_RETURN(bool more, reader.Next(row));
    if (!more) return rows;
    rows.push_back({row.number, row.cells});
  }
}

Result<std::vector<Row>> ReadCsv(std::string bytes) {
  LX_ASSIGN_OR_RETURN(auto reader, OpenCsv(std::move(bytes)));
  return ReadAll(*reader);
}

Result<std::vector<Row>> ReadXlsx(std::string bytes) {
  LX_ASSIGN_OR_RETURN(auto reader, OpenXlsx(std::move(bytes)));
  return ReadAll(*reader);
}

std::vector<Row> MustRead(const Result<std::vector<Row>>& rows) {
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? rows.value() : std::vector<Row>{};
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Each test gets an empty directory of its own.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "table_io_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string PathOf(const std::string& name) const { return (dir_ / name).string(); }
  std::vector<std::string> Listing() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir_))
      names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  std::filesystem::path dir_;
};

// ---------------------------------------------------------------- encodings

TEST(EncodingTest, DetectsUtf8WithAndWithoutBom) {
  EXPECT_EQ(DetectEncoding(""), TextEncoding::kUtf8);
  EXPECT_EQ(DetectEncoding("name,id\r\n"), TextEncoding::kUtf8);
  EXPECT_EQ(DetectEncoding("姓名,身份证号\n张三,𠀀\n"), TextEncoding::kUtf8);
  // A BOM decides even if later bytes are damaged.
  EXPECT_EQ(DetectEncoding("\xEF\xBB\xBF\xD5\xC5"), TextEncoding::kUtf8);
}

TEST(EncodingTest, DetectsGbkBytesAsGb18030) {
  EXPECT_EQ(DetectEncoding("\xD5\xC5\xC8\xFD,420106\r\n"), TextEncoding::kGb18030);  // 张三 in GBK
  // Ill-formed UTF-8 of every kind points to GB18030.
  EXPECT_EQ(DetectEncoding("\xC0\x80"), TextEncoding::kGb18030);          // overlong
  EXPECT_EQ(DetectEncoding("\xED\xA0\x80"), TextEncoding::kGb18030);      // surrogate
  EXPECT_EQ(DetectEncoding("\xF4\x90\x80\x80"), TextEncoding::kGb18030);  // above U+10FFFF
  EXPECT_EQ(DetectEncoding("abcdefgh\xE5\xBC"), TextEncoding::kGb18030);  // cut short
}

TEST(EncodingTest, Gb18030RoundTrip) {
  const std::string text = "户主张三，身份证号 420106199001011234X；𠀀 € ·";
  Result<std::string> gb = Utf8ToGb18030(text);
  ASSERT_TRUE(gb.ok()) << gb.status().ToString();
  EXPECT_NE(*gb, text);
  EXPECT_NE(gb->find("\xD5\xC5\xC8\xFD"), std::string::npos);  // 张三
  EXPECT_NE(gb->find("\x95\x32\x82\x36"), std::string::npos);  // U+20000, a four-byte sequence
  Result<std::string> back = Gb18030ToUtf8(*gb);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, text);
}

TEST(EncodingTest, InvalidBytesNameTheOffset) {
  Result<std::string> utf8 = Gb18030ToUtf8("ab\x81");  // a lead byte with nothing after it
  ASSERT_FALSE(utf8.ok());
  EXPECT_EQ(utf8.status().code(), Code::kInvalidInput);
  EXPECT_NE(utf8.status().message().find("第 3 字节"), std::string::npos) << utf8.status().message();

  Result<std::string> gb = Utf8ToGb18030("ok\xFF");
  ASSERT_FALSE(gb.ok());
  EXPECT_EQ(gb.status().code(), Code::kInvalidInput);
}

TEST(EncodingTest, NormalizeCell) {
  const std::pair<std::string, std::string> cases[] = {
      {"", ""},
      {"abc", "abc"},
      {"  abc  ", "abc"},
      {"\t abc\r\n", "abc"},
      {"a\tb", "a b"},
      {"a  b", "a  b"},
      {"a\nb", "a\nb"},
      {"１２３", "123"},
      {"４２０１０６１９９００１０１１２３Ｘ", "42010619900101123Ｘ"},
      {"０１２３４５６７８９", "0123456789"},
      {"　张三　", "张三"},
      {"张　三", "张 三"},
      {"\u00A0x\u00A0", "x"},
      {"a\u00A0b", "a b"},
      {"\uFEFF123", "123"},
      {"12\uFEFF3", "123"},
      {"　\u00A0\t\uFEFF", ""},
      {"ＡＢＣ", "ＡＢＣ"},  // full-width letters are not digits
      {"／：－", "／：－"},  // U+FF0F and U+FF1A sit just outside the digits
      {"café ", "café"},
      {"\xEF\xBC", "\xEF\xBC"},  // a cut-off sequence is left alone
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(NormalizeCell(in), want) << "input: " << in;
}

// ---------------------------------------------------------------- CSV reading

TEST(CsvReaderTest, PlainRowsAreNumberedFromOne) {
  EXPECT_EQ(MustRead(ReadCsv("name,id\nzhang,1\nli,2\n")),
            (std::vector<Row>{{1, {"name", "id"}}, {2, {"zhang", "1"}}, {3, {"li", "2"}}}));
}

TEST(CsvReaderTest, QuotedFields) {
  EXPECT_EQ(MustRead(ReadCsv("\"a,b\",\"say \"\"hi\"\"\",\"\",c\n")),
            (std::vector<Row>{{1, {"a,b", "say \"hi\"", "", "c"}}}));
  // Text after a closing quote is kept, as Excel keeps it.
  EXPECT_EQ(MustRead(ReadCsv("\"ab\"c,d")), (std::vector<Row>{{1, {"abc", "d"}}}));
}

TEST(CsvReaderTest, EmbeddedNewlineKeepsRecordNumbering) {
  // The second record spans three physical lines; the next is still record 3.
  EXPECT_EQ(MustRead(ReadCsv("h1,h2\n\"line1\nline2\r\nline3\",x\nnext,y\n")),
            (std::vector<Row>{{1, {"h1", "h2"}}, {2, {"line1\nline2\r\nline3", "x"}}, {3, {"next", "y"}}}));
}

TEST(CsvReaderTest, LineEnds) {
  EXPECT_EQ(MustRead(ReadCsv("a,1\r\nb,2\rc,3\nd,4")),
            (std::vector<Row>{{1, {"a", "1"}}, {2, {"b", "2"}}, {3, {"c", "3"}}, {4, {"d", "4"}}}));
  EXPECT_EQ(MustRead(ReadCsv("a\r\n")), (std::vector<Row>{{1, {"a"}}}));
}

TEST(CsvReaderTest, BlankRowsAreSkippedButCounted) {
  EXPECT_EQ(MustRead(ReadCsv("a\n\n,,\n  ,\u3000\r\n\"\"\nb\n\n")),
            (std::vector<Row>{{1, {"a"}}, {6, {"b"}}}));
}

TEST(CsvReaderTest, TrailingEmptyCellsDropInnerOnesKept) {
  EXPECT_EQ(MustRead(ReadCsv("a,,c,,\n,b\n")), (std::vector<Row>{{1, {"a", "", "c"}}, {2, {"", "b"}}}));
}

TEST(CsvReaderTest, EmptyInputs) {
  EXPECT_TRUE(MustRead(ReadCsv("")).empty());
  EXPECT_TRUE(MustRead(ReadCsv("\xEF\xBB\xBF")).empty());
  EXPECT_TRUE(MustRead(ReadCsv("\n\r\n,\n")).empty());
}

TEST(CsvReaderTest, BomIsDroppedAndCellsNormalised) {
  EXPECT_EQ(
      MustRead(ReadCsv("\xEF\xBB\xBF姓名,身份证号\r\n　张三　,４２０１０６１９９００１０１１２３４\r\n")),
      (std::vector<Row>{{1, {"姓名", "身份证号"}}, {2, {"张三", "420106199001011234"}}}));
}

TEST(CsvReaderTest, Gb18030FileReadsAsUtf8) {
  const std::string utf8 = "姓名,住址\r\n张三,\"湖北省武汉市, 江岸区\"\r\n";
  Result<std::string> gb = Utf8ToGb18030(utf8);
  ASSERT_TRUE(gb.ok());
  EXPECT_EQ(MustRead(ReadCsv(*gb)),
            (std::vector<Row>{{1, {"姓名", "住址"}}, {2, {"张三", "湖北省武汉市, 江岸区"}}}));
}

TEST(CsvReaderTest, UndecodableBytesNameTheRow) {
  // Valid GBK on rows 1-2, then a byte no encoding we know would write.
  Result<std::vector<Row>> rows = ReadCsv("\xD5\xC5\n\"a\nb\"\nok,\x80\n");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), Code::kInvalidInput);
  EXPECT_NE(rows.status().message().find("第 3 行"), std::string::npos) << rows.status().message();
}

TEST(CsvReaderTest, Utf16IsRefusedWithAHint) {
  Result<std::vector<Row>> rows =
      ReadCsv(std::string("\xFF\xFE"
                          "a\0,\0",
                          6));
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), Code::kInvalidInput);
  EXPECT_NE(rows.status().message().find("UTF-16"), std::string::npos);
}

TEST(CsvReaderTest, UnterminatedQuoteNamesTheRow) {
  Result<std::unique_ptr<TableReader>> reader = OpenCsv("a\n\nb\n\"abc,d\ne\n");
  ASSERT_TRUE(reader.ok());
  TableRow row;
  ASSERT_TRUE((*reader)->Next(row).ok());
  ASSERT_TRUE((*reader)->Next(row).ok());
  EXPECT_EQ(row.number, 3);
  Result<bool> next = (*reader)->Next(row);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), Code::kInvalidInput);
  EXPECT_EQ(next.status().message(), "第 4 行引号未闭合 (csv_unterminated_quote)");
  // The error sticks rather than the reader resuming mid-field.
  EXPECT_FALSE((*reader)->Next(row).ok());
}

TEST(CsvReaderTest, ReusedRowShrinksToTheNextRecord) {
  Result<std::unique_ptr<TableReader>> reader = OpenCsv("a,b,c,d,e\nx\n");
  ASSERT_TRUE(reader.ok());
  TableRow row;
  row.cells = {"stale", "stale", "stale", "stale", "stale", "stale", "stale"};
  ASSERT_TRUE(*(*reader)->Next(row));
  EXPECT_EQ(row.cells, (Cells{"a", "b", "c", "d", "e"}));
  ASSERT_TRUE(*(*reader)->Next(row));
  EXPECT_EQ(row.cells, (Cells{"x"}));
  EXPECT_FALSE(*(*reader)->Next(row));
}

// ---------------------------------------------------------------- CSV writing

TEST_F(TempDirTest, CsvWriterBytes) {
  std::string path = PathOf("out.csv");
  auto writer = CreateCsvWriter(path);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->Write({"姓名", "备注"}).ok());
  ASSERT_TRUE((*writer)->Write({"a,b", "say \"hi\"", "l1\nl2", "cr\r", " lead", "trail ", "plain", ""}).ok());
  ASSERT_TRUE((*writer)->Write({}).ok());
  // Nothing appears under the final name until Close.
  EXPECT_FALSE(std::filesystem::exists(path));
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ(ReadFile(path),
            "\xEF\xBB\xBF姓名,备注\r\n"
            "\"a,b\",\"say \"\"hi\"\"\",\"l1\nl2\",\"cr\r\",\" lead\",\"trail \",plain,\r\n"
            "\r\n");
  EXPECT_EQ(Listing(), (std::vector<std::string>{"out.csv"}));  // no temporary left behind
  EXPECT_FALSE((*writer)->Write({"late"}).ok());
}

TEST_F(TempDirTest, CsvRoundTrip) {
  std::string path = PathOf("Round.CSV");
  const std::vector<Cells> rows = {
      {"户号", "姓名", "身份证号", "备注"},
      {"420106001001", "张三", "42010619900101123X", "住址, 含逗号"},
      {"420106001002", "李\"四\"", "420106199001011234", "多行\n备注"},
      {"420106001003", "", "", "只有备注"},
  };
  {
    auto writer = CreateTableWriter(path, "ignored");
    ASSERT_TRUE(writer.ok());
    for (const Cells& row : rows) ASSERT_TRUE((*writer)->Write(row).ok());
    ASSERT_TRUE((*writer)->Close().ok());
  }
  auto reader = OpenTableFile(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<Row> got = MustRead(ReadAll(**reader));
  ASSERT_EQ(got.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(got[i], (Row{static_cast<int>(i + 1), rows[i]}));
}

TEST_F(TempDirTest, AbandonedWriterLeavesNoFile) {
  {
    auto csv = CreateCsvWriter(PathOf("a.csv"));
    ASSERT_TRUE(csv.ok());
    ASSERT_TRUE((*csv)->Write({"half"}).ok());
    auto xlsx = CreateXlsxWriter(PathOf("a.xlsx"), "户籍");
    ASSERT_TRUE(xlsx.ok());
    ASSERT_TRUE((*xlsx)->Write({"half"}).ok());
  }
  EXPECT_TRUE(Listing().empty());
}

TEST_F(TempDirTest, WriterIntoMissingDirectoryFails) {
  auto writer = CreateTableWriter(PathOf("no/such/dir/out.csv"), "");
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.status().code(), Code::kInvalidInput);
  EXPECT_NE(writer.status().message().find("file_write"), std::string::npos);
}

// ---------------------------------------------------------------- files by extension

TEST_F(TempDirTest, OpenTableFileErrors) {
  auto missing = OpenTableFile(PathOf("absent.xlsx"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kInvalidInput);
  EXPECT_NE(missing.status().message().find("无法读取文件"), std::string::npos);
  EXPECT_NE(missing.status().message().find("(file_read)"), std::string::npos);

  // An old binary workbook (its OLE2 signature): save it as .xlsx.
  std::string ole2("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
  std::ofstream(PathOf("data.xls"), std::ios::binary) << ole2 << "rest";
  for (const char* name : {"data.txt", "data.xls", "noext", "dir.csv/file"}) {
    auto wrong = OpenTableFile(PathOf(name));
    ASSERT_FALSE(wrong.ok()) << name;
    EXPECT_EQ(wrong.status().code(), Code::kInvalidInput);
    EXPECT_NE(wrong.status().message().find("不支持的文件类型"), std::string::npos) << name;
    EXPECT_NE(wrong.status().message().find("(file_type)"), std::string::npos) << name;
  }
  auto writer = CreateTableWriter(PathOf("out.pdf"), "");
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.status().message().find("(file_type)"), std::string::npos);
}

TEST_F(TempDirTest, AWorkbookUnderAnotherNameIsReadAsTheWorkbookItIs) {
  auto writer = CreateTableWriter(PathOf("real.xlsx"), "sheet");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write({"户编号", "户主姓名"}).ok());
  ASSERT_TRUE((*writer)->Write({"1499010010010001", "张三"}).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  for (const char* renamed : {"renamed.csv", "renamed.xls"}) {
    std::filesystem::copy_file(PathOf("real.xlsx"), PathOf(renamed));
    auto reader = OpenTableFile(PathOf(renamed));
    ASSERT_TRUE(reader.ok()) << renamed << ": " << reader.status().ToString();
    TableRow row;
    ASSERT_TRUE(*(*reader)->Next(row));
    ASSERT_TRUE(*(*reader)->Next(row));
    EXPECT_EQ(row.cells, (std::vector<std::string>{"1499010010010001", "张三"})) << renamed;
  }
}

// ---------------------------------------------------------------- XLSX round trip

TEST_F(TempDirTest, XlsxRoundTripTenThousandRows) {
  std::string path = PathOf("households.XLSX");
  std::vector<Cells> rows = {{"序号", "姓名", "身份证号", "备注", "村组代码"}};
  for (int i = 1; i <= 10000; ++i) {
    char id[32];
    snprintf(id, sizeof id, "4201061990%04d%03d", i % 10000, i % 1000);
    std::string id_number = std::string(id) + (i % 10 == 0 ? "X" : std::to_string(i % 10));
    rows.push_back({std::to_string(i), "张三" + std::to_string(i), id_number, "", "420106001001"});
  }
  rows.push_back({"", "", "", "", "只有最后一格"});
  rows.push_back({"0012", "  前导零和空格保持为文本  ", "1.5E3", "=SUM(A1:A2)", ""});
  {
    auto writer = CreateTableWriter(path, "户籍");
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    for (const Cells& row : rows) ASSERT_TRUE((*writer)->Write(row).ok());
    ASSERT_TRUE((*writer)->Close().ok());
  }
  EXPECT_EQ(Listing(), (std::vector<std::string>{"households.XLSX"}));

  auto reader = OpenTableFile(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<Row> got = MustRead(ReadAll(**reader));
  ASSERT_EQ(got.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    Cells want = rows[i];
    while (!want.empty() && want.back().empty()) want.pop_back();  // trailing empty cells are not stored
    for (std::string& cell : want) cell = NormalizeCell(cell);
    ASSERT_EQ(got[i], (Row{static_cast<int>(i + 1), want}));
  }
  EXPECT_EQ(got[5].cells[2].size(), 18u);
  EXPECT_EQ(got[10001].cells, (Cells{"", "", "", "", "只有最后一格"}));
  EXPECT_EQ(got[10002].cells[2], "1.5E3");  // text stays text, never turned into a number
}

TEST_F(TempDirTest, XlsxWriterRefusesBadSheetName) {
  auto writer = CreateXlsxWriter(PathOf("x.xlsx"), "a/b");
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.status().code(), Code::kInvalidInput);
  EXPECT_TRUE(Listing().empty());
}

// ---------------------------------------------------------------- hand-built XLSX

struct Part {
  std::string name;
  std::string data;
  bool stored = false;  // no compression, so the test can edit the bytes
  // When set, DATA is raw deflate and the zip claims this uncompressed size,
  // as a zip bomb or a damaged file would.
  ZPOS64_T claimed_size = 0;
};

class HandBuiltXlsxTest : public TempDirTest {
 protected:
  std::string Zip(const std::vector<Part>& parts) {
    std::string path = PathOf("built.zip");
    zipFile zip = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
    EXPECT_NE(zip, nullptr);
    for (const Part& part : parts) {
      bool raw = part.claimed_size > 0;
      EXPECT_EQ(zipOpenNewFileInZip2_64(zip, part.name.c_str(), nullptr, nullptr, 0, nullptr, 0, nullptr,
                                        part.stored ? 0 : Z_DEFLATED, part.stored ? 0 : 6, raw, 0),
                ZIP_OK);
      EXPECT_EQ(zipWriteInFileInZip(zip, part.data.data(), static_cast<unsigned>(part.data.size())), ZIP_OK);
      EXPECT_EQ(raw ? zipCloseFileInZipRaw64(zip, part.claimed_size, 0) : zipCloseFileInZip(zip), ZIP_OK);
    }
    EXPECT_EQ(zipClose(zip, nullptr), ZIP_OK);
    std::string bytes = ReadFile(path);
    std::filesystem::remove(path);
    return bytes;
  }

  static std::string Workbook(const std::string& first_rid = "rId1") {
    return R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="户籍" sheetId="1" r:id=")" +
           first_rid + R"("/><sheet name="其他" sheetId="2" r:id="rId9"/></sheets></workbook>)";
  }

  static std::string Rels(const std::string& sheet_target = "worksheets/sheet1.xml") {
    return R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet9.xml"/>
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target=")" +
           sheet_target + R"("/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>)";
  }

  static std::string SharedStrings() {
    return R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" uniqueCount="5">
<si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space="preserve">三 </t></r><rPh sb="0" eb="1"><t>ｚｈａｎｇ</t></rPh></si>
<si><t>身份证号</t></si>
<si><t>　４２０１０６　</t></si>
<si><t>a_x000D_b_x005F_x0041_</t></si>
<si><t/></si>
</sst>)";
  }

  static std::string Sheet(const std::string& rows) {
    return R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:M9"/>
<sheetData>)" +
           rows + "</sheetData><mergeCells count=\"0\"/></worksheet>";
  }

  std::string Book(const std::string& sheet_xml) {
    return Zip({{"xl/workbook.xml", Workbook()},
                {"xl/_rels/workbook.xml.rels", Rels()},
                {"xl/sharedStrings.xml", SharedStrings()},
                {"xl/worksheets/sheet1.xml", sheet_xml},
                {"xl/worksheets/sheet9.xml",
                 Sheet(R"(<row r="1"><c t="inlineStr"><is><t>wrong sheet</t></is></c></row>)")}});
  }
};

TEST_F(HandBuiltXlsxTest, CellTypesNumbersAndSharedStrings) {
  std::string sheet = Sheet(R"(
<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s" s="1"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>
<row r="2"><c r="A2"><v>1.40527104213E11</v></c><c r="B2" t="n"><v>3.0</v></c><c r="C2"><v>0.1</v></c><c r="D2"><v>-2.5</v></c><c r="E2"><v>1E-3</v></c><c r="F2" s="3"><v>42</v></c><c r="G2"><v>1E20</v></c><c r="H2"><v>-0</v></c><c r="I2"><v>9007199254740991</v></c><c r="J2"><v>45292</v></c></row>
<row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="b"><v>0</v></c><c r="C3" t="e"><v>#N/A</v></c><c r="D3" t="str"><f>A1&amp;"x"</f><v>张三x</v></c><c r="E3" t="inlineStr"><is><r><t>内</t></r><r><t>联</t></r><rPh><t>nei</t></rPh></is></c><c r="F3" t="d"><v>2024-01-01T00:00:00</v></c><c r="G3" t="inlineStr"><is><t>１２</t></is></c></row>
<row r="5"><c r="A5" t="inlineStr"><is><t>x</t></is></c><c r="C5"><v>7</v></c></row>
<row r="6"><c r="A6" s="1"/><c r="B6" t="s"><v>4</v></c><c r="C6" t="inlineStr"><is><t>　</t></is></c></row>
<row><c t="inlineStr"><is><t>no refs</t></is></c><c><v>8</v></c></row>
<row r="9"><c r="B9" s="2"/><c r="D9"><v>1</v></c><c r="F9" s="2"/></row>
)");
  EXPECT_EQ(
      MustRead(ReadXlsx(Book(sheet))),
      (std::vector<Row>{
          {1, {"张三", "身份证号", "420106", "a\rb_x0041_"}},
          {2, {"140527104213", "3", "0.1", "-2.5", "0.001", "42", "1e+20", "0", "9007199254740991", "45292"}},
          {3, {"TRUE", "FALSE", "#N/A", "张三x", "内联", "2024-01-01T00:00:00", "12"}},
          {5, {"x", "", "7"}},
          {7, {"no refs", "8"}},  // no r: one after the blank row 6
          {9, {"", "", "", "1"}},
      }));
}

TEST_F(HandBuiltXlsxTest, FirstSheetComesFromTheWorkbookNotTheFileName) {
  std::string wanted = Sheet(R"(<row r="1"><c r="A1" t="inlineStr"><is><t>first tab</t></is></c></row>)");
  for (const std::string& target :
       {std::string("worksheets/data.xml"), std::string("/xl/worksheets/data.xml"),
        std::string("./worksheets/../worksheets/data.xml")}) {
    std::string bytes = Zip({{"xl/workbook.xml", Workbook()},
                             {"xl/_rels/workbook.xml.rels", Rels(target)},
                             {"xl/worksheets/sheet1.xml", Sheet("<row r=\"1\"><c><v>1</v></c></row>")},
                             {"xl/worksheets/data.xml", wanted}});
    EXPECT_EQ(MustRead(ReadXlsx(bytes)), (std::vector<Row>{{1, {"first tab"}}})) << target;
  }
}

TEST_F(HandBuiltXlsxTest, FallsBackToSheet1WithoutAWorkbook) {
  std::string bytes =
      Zip({{"xl/worksheets/sheet1.xml", Sheet("<row r=\"4\"><c r=\"B4\"><v>5</v></c></row>")}});
  EXPECT_EQ(MustRead(ReadXlsx(bytes)), (std::vector<Row>{{4, {"", "5"}}}));
}

TEST_F(HandBuiltXlsxTest, PrefixedElementNames) {
  std::string sheet = R"(<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<x:sheetData><x:row r="1"><x:c r="B1" t="inlineStr"><x:is><x:t>ok</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>)";
  EXPECT_EQ(MustRead(ReadXlsx(Zip({{"xl/worksheets/sheet1.xml", sheet}}))),
            (std::vector<Row>{{1, {"", "ok"}}}));
}

TEST_F(HandBuiltXlsxTest, Utf16PartAndSharedCellWithoutValue) {
  std::string ascii = R"(<?xml version="1.0" encoding="UTF-16"?><worksheet><sheetData><row r="2">)"
                      R"(<c r="A2" t="s"/><c r="B2" t="s"><v>1</v></c></row></sheetData></worksheet>)";
  std::string utf16 = "\xFF\xFE";
  for (char c : ascii) utf16 += std::string{c, '\0'};
  EXPECT_EQ(MustRead(ReadXlsx(
                Zip({{"xl/sharedStrings.xml", SharedStrings()}, {"xl/worksheets/sheet1.xml", utf16}}))),
            (std::vector<Row>{{2, {"", "身份证号"}}}));
}

TEST_F(HandBuiltXlsxTest, LastColumnAndBeyond) {
  auto rows = MustRead(ReadXlsx(Book(Sheet(R"(<row r="1"><c r="XFD1"><v>1</v></c></row>)"))));
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].cells.size(), 16384u);
  EXPECT_EQ(rows[0].cells.back(), "1");

  Result<std::vector<Row>> beyond = ReadXlsx(Book(Sheet(R"(<row r="2"><c r="XFE2"><v>1</v></c></row>)")));
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.status().code(), Code::kInvalidInput);
  EXPECT_NE(beyond.status().message().find("第 2 行"), std::string::npos) << beyond.status().message();
  EXPECT_NE(beyond.status().message().find("xlsx_bad_cell_ref"), std::string::npos);
}

TEST_F(HandBuiltXlsxTest, SharedStringOutOfRangeNamesTheRow) {
  Result<std::unique_ptr<TableReader>> reader = OpenXlsx(Book(Sheet(R"(
<row r="1"><c r="A1" t="s"><v>1</v></c></row><row r="3"><c r="A3"><v>1</v></c><c r="B3" t="s"><v>5</v></c></row>)")));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  TableRow row;
  Result<bool> first = (*reader)->Next(row);
  ASSERT_TRUE(first.ok() && *first);
  EXPECT_EQ(row.cells, (Cells{"身份证号"}));
  Result<bool> second = (*reader)->Next(row);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kInvalidInput);
  EXPECT_NE(second.status().message().find("第 3 行 B 列"), std::string::npos) << second.status().message();
  EXPECT_NE(second.status().message().find("xlsx_bad_shared_string"), std::string::npos);
  EXPECT_FALSE((*reader)->Next(row).ok());

  // Without any shared string table every index is out of range.
  Result<std::vector<Row>> none = ReadXlsx(
      Zip({{"xl/worksheets/sheet1.xml", Sheet(R"(<row r="2"><c r="A2" t="s"><v>0</v></c></row>)")}}));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("第 2 行 A 列"), std::string::npos) << none.status().message();
}

TEST_F(HandBuiltXlsxTest, BadXmlGivesTheXmlLine) {
  Result<std::vector<Row>> rows =
      ReadXlsx(Book(Sheet("\n<row r=\"1\"><c><v>1</v></c></row>\n<row r=\"2\"><c><v>2</c></row>")));
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), Code::kInvalidInput);
  EXPECT_NE(rows.status().message().find("xlsx_bad_xml"), std::string::npos) << rows.status().message();
  EXPECT_NE(rows.status().message().find("XML 第 5 行"), std::string::npos) << rows.status().message();
  EXPECT_NE(rows.status().message().find("第 2 行附近"), std::string::npos) << rows.status().message();

  Result<std::vector<Row>> cut = ReadXlsx(Book("<worksheet><sheetData><row r=\"1\"><c><v>1</v></c></row>"));
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("xlsx_bad_xml"), std::string::npos) << cut.status().message();

  Result<std::vector<Row>> bad_strings = ReadXlsx(
      Zip({{"xl/sharedStrings.xml", "<sst><si><t>x</si></sst>"}, {"xl/worksheets/sheet1.xml", Sheet("")}}));
  ASSERT_FALSE(bad_strings.ok());
  EXPECT_NE(bad_strings.status().message().find("xl/sharedStrings.xml"), std::string::npos);
}

TEST_F(HandBuiltXlsxTest, DtdIsRefused) {
  std::string laughs =
      R"(<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>)";
  Result<std::vector<Row>> rows = ReadXlsx(Zip({{"xl/worksheets/sheet1.xml", laughs}}));
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), Code::kInvalidInput);
  EXPECT_NE(rows.status().message().find("DTD"), std::string::npos) << rows.status().message();
}

TEST_F(HandBuiltXlsxTest, MissingSheetIsAnError) {
  Result<std::vector<Row>> rows = ReadXlsx(Zip({{"docProps/app.xml", "<Properties/>"}}));
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), Code::kInvalidInput);
  EXPECT_NE(rows.status().message().find("xlsx_no_sheet"), std::string::npos);
}

TEST_F(HandBuiltXlsxTest, CrcMismatchIsCorruption) {
  std::string bytes = Zip({{"xl/worksheets/sheet1.xml",
                            Sheet(R"(<row r="1"><c t="inlineStr"><is><t>hello</t></is></c></row>)"), true}});
  ASSERT_TRUE(ReadXlsx(bytes).ok());
  size_t at = bytes.find("hello");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 4] = 'p';
  Result<std::vector<Row>> rows = ReadXlsx(bytes);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("xlsx_corrupt"), std::string::npos) << rows.status().message();
}

const std::string kDeflatedNothing("\x03\x00", 2);  // one empty final block

TEST_F(HandBuiltXlsxTest, ZipBombIsRefused) {
  // Parts claiming more than the caps are refused before any of them is
  // inflated (minizip never inflates past the claimed size): 512 MiB for the
  // shared strings, which are held in memory, 2 GiB for the streamed sheet.
  Result<std::vector<Row>> strings =
      ReadXlsx(Zip({{"xl/sharedStrings.xml", kDeflatedNothing, false, (ZPOS64_T{512} << 20) + 1},
                    {"xl/worksheets/sheet1.xml", Sheet("")}}));
  ASSERT_FALSE(strings.ok());
  EXPECT_EQ(strings.status().code(), Code::kInvalidInput);
  EXPECT_NE(strings.status().message().find("xl/sharedStrings.xml 解压后超过 512 MiB"), std::string::npos)
      << strings.status().message();

  Result<std::vector<Row>> sheet =
      ReadXlsx(Zip({{"xl/worksheets/sheet1.xml", kDeflatedNothing, false, (ZPOS64_T{2} << 30) + 1}}));
  ASSERT_FALSE(sheet.ok());
  EXPECT_EQ(sheet.status().code(), Code::kInvalidInput);
  EXPECT_NE(sheet.status().message().find("xlsx_too_large"), std::string::npos) << sheet.status().message();
}

TEST_F(HandBuiltXlsxTest, ClaimedSizeLargerThanDataIsCorruption) {
  // A lying size the other way: the stream ends early, which minizip alone
  // would report as a clean end of file.
  Result<std::vector<Row>> rows =
      ReadXlsx(Zip({{"xl/worksheets/sheet1.xml", kDeflatedNothing, false, 1000}}));
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("xlsx_corrupt"), std::string::npos) << rows.status().message();
}

TEST_F(TempDirTest, NotAZipAndTruncatedZip) {
  Result<std::vector<Row>> text = ReadXlsx("name,id\n1,2\n");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), Code::kInvalidInput);
  EXPECT_NE(text.status().message().find("xlsx_not_zip"), std::string::npos);

  Result<std::vector<Row>> ole =
      ReadXlsx(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0'));
  ASSERT_FALSE(ole.ok());
  EXPECT_NE(ole.status().message().find(".xls"), std::string::npos);

  EXPECT_FALSE(ReadXlsx("").ok());

  std::string path = PathOf("t.xlsx");
  {
    auto writer = CreateXlsxWriter(path, "Sheet1");
    ASSERT_TRUE(writer.ok());
    for (int i = 0; i < 2000; ++i) ASSERT_TRUE((*writer)->Write({"行", std::to_string(i)}).ok());
    ASSERT_TRUE((*writer)->Close().ok());
  }
  std::string bytes = ReadFile(path);
  ASSERT_TRUE(ReadXlsx(bytes).ok());
  for (size_t keep : {bytes.size() / 2, bytes.size() - 30, size_t{100}}) {
    Result<std::vector<Row>> cut = ReadXlsx(bytes.substr(0, keep));
    ASSERT_FALSE(cut.ok()) << keep;
    EXPECT_EQ(cut.status().code(), Code::kInvalidInput) << keep;
  }
}

}  // namespace
}  // namespace lianxin
