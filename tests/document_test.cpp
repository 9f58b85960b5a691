// Documents (include/lianxin/document.hpp): the PDF's text as pdftotext
// reads it (Chinese headings, names, the header repeated on a new page, the
// page numbers and the footnote), the HTML escaped, the XLSX's cells read
// back, and a failed write leaving nothing.
#include "lianxin/document.hpp"

#include <gtest/gtest.h>

#include "lianxin/table_io.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

Document Sample(int rows) {
  Document doc;
  doc.title = "东岭镇2026年11月党员干部直接联系群众情况公示";
  doc.issuer = "中共示范县委组织部";
  doc.date = "2026年12月1日";
  doc.footnote = "日志根哈希 9f2c6a";
  doc.blocks.push_back(DocHeading("一、各村联系情况"));
  doc.blocks.push_back(DocParagraph("本月全镇 390 户均有干部直接联系。<未联系> & 名单见下表。"));
  std::vector<std::vector<std::string>> table;
  for (int i = 1; i <= rows; ++i)
    table.push_back({"第" + std::to_string(i) + "村", std::to_string(100 + i), "张三丰"});
  doc.blocks.push_back(DocTable({"村名", "户数", "联系干部"}, table, {2, 1, 1}));
  return doc;
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

TEST(DocumentTest, ThePdfReadsBackInChineseAcrossPages) {
  TempDir dir;
  std::string pdf = dir / "notice.pdf";
  ASSERT_TRUE(WriteDocument(Sample(80), pdf).ok());
  CliRun text = RunShell("pdftotext -layout " + pdf + " -");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  // The title wraps over two lines, as GB/T 9704 titles do: read it joined.
  std::erase_if(text.output, [](char c) { return c == ' ' || c == '\n'; });
  EXPECT_NE(text.output.find("党员干部直接联系群众情况公示"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("中共示范县委组织部"), std::string::npos);
  EXPECT_NE(text.output.find("一、各村联系情况"), std::string::npos);
  EXPECT_NE(text.output.find("第80村"), std::string::npos);
  // 80 rows do not fit one page: the header row is repeated and pages numbered.
  EXPECT_GE(Count(text.output, "联系干部"), 2) << text.output;
  EXPECT_NE(text.output.find("—2—"), std::string::npos) << text.output;
  EXPECT_GE(Count(text.output, "日志根哈希9f2c6a"), 2);
  CliRun info = RunShell("pdfinfo " + pdf);
  EXPECT_NE(info.output.find("A4"), std::string::npos) << info.output;
}

TEST(DocumentTest, HtmlAndXlsxCarryTheSameFigures) {
  TempDir dir;
  Document doc = Sample(3);
  std::string html = DocumentHtml(doc);
  EXPECT_NE(html.find("&lt;未联系&gt; &amp; 名单"), std::string::npos);
  EXPECT_NE(html.find("<td>第3村</td><td>103</td>"), std::string::npos) << html;
  ASSERT_TRUE(WriteDocument(doc, dir / "notice.html").ok());

  std::string xlsx = dir / "notice.xlsx";
  ASSERT_TRUE(WriteDocument(doc, xlsx).ok());
  Result<std::unique_ptr<TableReader>> reader = OpenTableFile(xlsx);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<std::vector<std::string>> rows;
  TableRow row;
  while (*(*reader)->Next(row)) rows.push_back(row.cells);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0][0], doc.title);
  bool found = false;
  for (const auto& r : rows)
    found = found || (r.size() >= 3 && r[0] == "第3村" && r[1] == "103" && r[2] == "张三丰");
  EXPECT_TRUE(found);
}

TEST(DocumentTest, AnUnknownKindOrAnUnwritablePathLeavesNothing) {
  TempDir dir;
  EXPECT_EQ(WriteDocument(Sample(1), dir / "notice.docx").code(), Code::kInvalidInput);
  EXPECT_FALSE(WriteDocument(Sample(1), dir / "missing/notice.pdf").ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "missing"));
  EXPECT_TRUE(std::filesystem::is_empty(std::filesystem::path(dir / "")));
}

}  // namespace
}  // namespace lianxin::testing
