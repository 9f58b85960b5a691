// Printable documents — the monthly notice, the bulletin, a cadre's
// dossier — built once as a list of blocks and written as PDF, HTML or
// XLSX, so the three always show the same figures.
//
// The PDF follows the official-document layout of GB/T 9704 where it
// applies to a notice: A4, margins 37 mm top, 28 mm left, 26 mm right,
// 35 mm bottom; the title centred in a large serif bold; headings in a sans
// bold; body text 16 pt (三号); page numbers "— 1 —" at the foot; tables
// ruled, their header row repeated on each page. Chinese is set in Noto
// Serif/Sans CJK SC (Debian's fonts-noto-cjk) through Pango and Cairo.
//
//   Document doc;
//   doc.title = "东岭镇 2026 年 11 月党员干部直接联系群众情况公示";
//   doc.issuer = "中共示范县委组织部";
//   doc.date = "2026年12月1日";
//   doc.blocks.push_back(DocHeading("一、各村联系情况"));
//   doc.blocks.push_back(DocTable({"村", "户数", "走访次数"}, rows));
//   LX_RETURN_IF_ERROR(WriteDocument(doc, "notice.pdf"));
#pragma once

#include <string>
#include <vector>

#include "lianxin/status.hpp"

namespace lianxin {

struct DocBlock {
  enum Kind { kHeading, kParagraph, kTable, kPageBreak, kSheet } kind = kParagraph;
  std::string text;                            // heading or paragraph; a sheet's name
  std::vector<std::string> headers;            // table
  std::vector<double> widths;                  // table: relative column widths (empty: equal)
  std::vector<std::vector<std::string>> rows;  // table
  // Table columns (0-based) whose cells are amounts or counts: XLSX writes
  // a cell there that reads as a plain decimal number as a number, so a
  // spreadsheet can sum it. Codes stay text.
  std::vector<size_t> number_columns;
};

DocBlock DocHeading(std::string text);
DocBlock DocParagraph(std::string text);
// What follows starts a new page (PDF), prints on a new sheet of paper
// (HTML), or after an empty row (XLSX).
DocBlock DocPageBreak();
// What follows is a register of its own: a new worksheet named `name` in
// XLSX (at most 31 characters), a new page headed `name` in PDF and HTML.
DocBlock DocSheet(std::string name);
DocBlock DocTable(std::vector<std::string> headers, std::vector<std::vector<std::string>> rows,
                  std::vector<double> widths = {});

struct Document {
  std::string title;
  std::string sheet = "公示";  // XLSX: the first worksheet's name
  std::string issuer;          // 发文机关, under the title
  std::string date;            // 成文日期, as written ("2026年12月1日")
  std::vector<DocBlock> blocks;
  // Printed small at the foot of every page (the journal's root hash).
  std::string footnote;
};

// Writes `doc` to PATH as .pdf, .html or .xlsx (by extension), completely
// or not at all. kInvalidInput for another extension or a path that cannot
// be written; kInternal when the fonts cannot be found.
Status WriteDocument(const Document& doc, const std::string& path);

// The HTML alone (a complete page, its text escaped), for the API.
std::string DocumentHtml(const Document& doc);

}  // namespace lianxin
