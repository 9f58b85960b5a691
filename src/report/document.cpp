#include "lianxin/document.hpp"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>

#include "report/internal.hpp"

namespace lianxin {

DocBlock DocHeading(std::string text) { return {DocBlock::kHeading, std::move(text), {}, {}, {}}; }
DocBlock DocParagraph(std::string text) { return {DocBlock::kParagraph, std::move(text), {}, {}, {}}; }
DocBlock DocPageBreak() { return {DocBlock::kPageBreak, "", {}, {}, {}}; }
DocBlock DocSheet(std::string name) { return {DocBlock::kSheet, std::move(name), {}, {}, {}}; }
DocBlock DocTable(std::vector<std::string> headers, std::vector<std::vector<std::string>> rows,
                  std::vector<double> widths) {
  return {DocBlock::kTable, "", std::move(headers), std::move(widths), std::move(rows)};
}

namespace {

std::string LowerExtension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

// Column widths as fractions of the whole.
std::vector<double> Fractions(const DocBlock& table) {
  size_t n = table.headers.size();
  std::vector<double> widths = table.widths.size() == n ? table.widths : std::vector<double>(n, 1.0);
  double total = std::accumulate(widths.begin(), widths.end(), 0.0);
  for (double& w : widths) w = total > 0 ? w / total : 1.0 / static_cast<double>(n);
  return widths;
}

// ---- PDF ----

constexpr double kMm = 72.0 / 25.4;
constexpr double kPageWidth = 210 * kMm, kPageHeight = 297 * kMm;
// GB/T 9704: 天头 37 mm, 订口 28 mm; the text block 156 × 225 mm.
constexpr double kTop = 37 * kMm, kLeft = 28 * kMm, kTextWidth = 156 * kMm, kTextBottom = kTop + 225 * kMm;
constexpr double kCellPad = 3;

struct FontDeleter {
  void operator()(PangoFontDescription* f) const { pango_font_description_free(f); }
};
using Font = std::unique_ptr<PangoFontDescription, FontDeleter>;
Font MakeFont(const char* spec) { return Font(pango_font_description_from_string(spec)); }

class PdfWriter {
 public:
  explicit PdfWriter(const std::string& path, std::string footnote)
      : surface_(cairo_pdf_surface_create(path.c_str(), kPageWidth, kPageHeight)),
        cr_(cairo_create(surface_)),
        context_(report_internal::PointContext(cr_)),
        footnote_(std::move(footnote)) {
    y_ = kTop;
  }
  ~PdfWriter() {
    g_object_unref(context_);
    cairo_destroy(cr_);
    cairo_surface_destroy(surface_);
  }

  Status status() const {
    if (cairo_surface_status(surface_) != CAIRO_STATUS_SUCCESS)
      return Status::Invalid(std::string("无法写入 PDF: ") +
                             cairo_status_to_string(cairo_surface_status(surface_)) + " (file_write)");
    return Status::Ok();
  }

  void Title(const std::string& text) { Text(text, title_font_, PANGO_ALIGN_CENTER, 12); }
  void Centered(const std::string& text, double space_after) {
    Text(text, body_font_, PANGO_ALIGN_CENTER, space_after);
  }
  void Heading(const std::string& text) {
    // Kept with what follows: not alone at the foot of a page.
    if (y_ > kTop + 1 && y_ + 90 > kTextBottom) NextPage();
    Text(text, heading_font_, PANGO_ALIGN_LEFT, 8);
  }
  void Paragraph(const std::string& text) { Text(text, body_font_, PANGO_ALIGN_LEFT, 8); }

  void Table(const DocBlock& table) {
    std::vector<double> fractions = Fractions(table);
    std::vector<double> widths;
    for (double f : fractions) widths.push_back(f * kTextWidth);
    // A wide table (a notice's figures) is set smaller, so its numbers stay on one line.
    const bool compact = table.headers.size() > 7;
    Row(table.headers, widths, true, compact);
    for (const std::vector<std::string>& row : table.rows) {
      if (!Row(row, widths, false, compact)) {
        // It did not fit: a new page, the header again, then the row.
        NextPage();
        Row(table.headers, widths, true, compact);
        Row(row, widths, false, compact);
      }
    }
    y_ += 10;
  }

  // A new page, unless this one is still empty.
  void Break() {
    if (y_ > kTop + 1) NextPage();
  }

  Status Finish() {
    Footer();
    cairo_surface_finish(surface_);
    return status();
  }

 private:
  // A block of text across the text width; `align` centre or left.
  void Text(const std::string& text, const Font& font, PangoAlignment align, double space_after) {
    PangoLayout* layout = Layout(text, font, kTextWidth, align);
    double height = Height(layout);
    if (y_ + height > kTextBottom) NextPage();
    cairo_move_to(cr_, kLeft, y_);
    pango_cairo_show_layout(cr_, layout);
    g_object_unref(layout);
    y_ += height + space_after;
  }

  PangoLayout* Layout(const std::string& text, const Font& font, double width, PangoAlignment align) {
    PangoLayout* layout = pango_layout_new(context_);
    pango_layout_set_font_description(layout, font.get());
    pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, align);
    pango_layout_set_text(layout, text.c_str(), static_cast<int>(text.size()));
    return layout;
  }
  static double Height(PangoLayout* layout) {
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  // Draws one row at y_; false (drawing nothing) when it does not fit on
  // this page below something already there.
  bool Row(const std::vector<std::string>& cells, const std::vector<double>& widths, bool header,
           bool compact) {
    const Font& font =
        compact ? (header ? small_head_font_ : small_font_) : (header ? table_head_font_ : table_font_);
    const double pad = compact ? 1.5 : kCellPad;
    std::vector<PangoLayout*> layouts;
    double height = 0;
    for (size_t i = 0; i < widths.size(); ++i) {
      layouts.push_back(Layout(i < cells.size() ? cells[i] : "", font, widths[i] - 2 * pad,
                               header ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT));
      height = std::max(height, Height(layouts.back()));
    }
    height += 2 * pad;
    bool fits = y_ + height <= kTextBottom || y_ <= kTop + 1;
    if (fits) {
      double x = kLeft;
      for (size_t i = 0; i < widths.size(); ++i) {
        if (header) {
          cairo_set_source_rgb(cr_, 0.9, 0.9, 0.9);
          cairo_rectangle(cr_, x, y_, widths[i], height);
          cairo_fill(cr_);
        }
        cairo_set_source_rgb(cr_, 0, 0, 0);
        cairo_set_line_width(cr_, 0.5);
        cairo_rectangle(cr_, x, y_, widths[i], height);
        cairo_stroke(cr_);
        cairo_move_to(cr_, x + pad, y_ + pad);
        pango_cairo_show_layout(cr_, layouts[i]);
        x += widths[i];
      }
      y_ += height;
    }
    for (PangoLayout* layout : layouts) g_object_unref(layout);
    return fits;
  }

  // GB/T 9704: the page number in 4号 as "— N —" below the text block; the
  // footnote (the root hash) small beneath it.
  void Footer() {
    PangoLayout* number =
        Layout("— " + std::to_string(page_) + " —", page_font_, kTextWidth, PANGO_ALIGN_CENTER);
    cairo_move_to(cr_, kLeft, kTextBottom + 7 * kMm);
    pango_cairo_show_layout(cr_, number);
    g_object_unref(number);
    if (!footnote_.empty()) {
      PangoLayout* note = Layout(footnote_, note_font_, kTextWidth, PANGO_ALIGN_CENTER);
      cairo_move_to(cr_, kLeft, kTextBottom + 16 * kMm);
      pango_cairo_show_layout(cr_, note);
      g_object_unref(note);
    }
  }

  void NextPage() {
    Footer();
    cairo_show_page(cr_);
    ++page_;
    y_ = kTop;
  }

  cairo_surface_t* surface_;
  cairo_t* cr_;
  PangoContext* context_;
  std::string footnote_;
  double y_ = 0;
  int page_ = 1;
  Font title_font_ = MakeFont("Noto Serif CJK SC Bold 22");
  Font body_font_ = MakeFont("Noto Serif CJK SC 16");
  Font heading_font_ = MakeFont("Noto Sans CJK SC Bold 16");
  Font table_font_ = MakeFont("Noto Serif CJK SC 10.5");
  Font table_head_font_ = MakeFont("Noto Sans CJK SC Bold 10.5");
  Font small_font_ = MakeFont("Noto Serif CJK SC 9");
  Font small_head_font_ = MakeFont("Noto Sans CJK SC Bold 9");
  Font page_font_ = MakeFont("Noto Serif CJK SC 14");
  Font note_font_ = MakeFont("Noto Sans Mono CJK SC 7");
};

Status WritePdf(const Document& doc, const std::string& path) {
  PdfWriter pdf(path, doc.footnote);
  LX_RETURN_IF_ERROR(pdf.status());
  pdf.Title(doc.title);
  if (!doc.issuer.empty()) pdf.Centered(doc.issuer, 2);
  if (!doc.date.empty()) pdf.Centered(doc.date, 16);
  for (const DocBlock& block : doc.blocks) {
    switch (block.kind) {
      case DocBlock::kHeading:
        pdf.Heading(block.text);
        break;
      case DocBlock::kParagraph:
        pdf.Paragraph(block.text);
        break;
      case DocBlock::kTable:
        pdf.Table(block);
        break;
      case DocBlock::kPageBreak:
        pdf.Break();
        break;
      case DocBlock::kSheet:
        pdf.Break();
        pdf.Heading(block.text);
        break;
    }
  }
  return pdf.Finish();
}

// ---- HTML ----

using report_internal::AppendXmlEscaped;

void Element(std::string& out, std::string_view tag, std::string_view text) {
  out.append("<").append(tag).append(">");
  AppendXmlEscaped(out, text);
  out.append("</").append(tag).append(">\n");
}

// ---- XLSX ----

// Whether `text` is a plain decimal number ("12", "-3.50"): no leading
// zero but a lone one, so a code such as "0149" stays text.
bool PlainNumber(const std::string& text, double& value) {
  size_t i = text.starts_with('-') ? 1 : 0;
  if (i == text.size() || (text[i] == '0' && i + 1 < text.size() && text[i + 1] != '.')) return false;
  bool dot = false, digits = false;
  for (size_t j = i; j < text.size(); ++j) {
    if (text[j] == '.' && !dot) {
      dot = true;
    } else if (std::isdigit(static_cast<unsigned char>(text[j]))) {
      digits = true;
    } else {
      return false;
    }
  }
  if (!digits || text.size() > 15) return false;
  value = std::strtod(text.c_str(), nullptr);
  return true;
}

Status WriteXlsx(const Document& doc, const std::string& path) {
  lxw_workbook* workbook = workbook_new(path.c_str());
  if (workbook == nullptr) return Status::Invalid("无法写入 " + path + " (file_write)");
  lxw_format* title = workbook_add_format(workbook);
  format_set_bold(title);
  format_set_font_size(title, 16);
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);
  lxw_format* head = workbook_add_format(workbook);
  format_set_bold(head);
  format_set_border(head, LXW_BORDER_THIN);
  format_set_bg_color(head, 0xE6E6E6);
  lxw_format* cell = workbook_add_format(workbook);
  format_set_border(cell, LXW_BORDER_THIN);
  format_set_text_wrap(cell);
  lxw_format* number = workbook_add_format(workbook);
  format_set_border(number, LXW_BORDER_THIN);
  // Each sheet as wide as its widest table.
  auto add_sheet = [&](const std::string& name, size_t first_block) {
    lxw_worksheet* sheet = workbook_add_worksheet(workbook, name.substr(0, 93).c_str());
    size_t columns = 1;
    for (size_t i = first_block; i < doc.blocks.size() && doc.blocks[i].kind != DocBlock::kSheet; ++i)
      columns = std::max(columns, doc.blocks[i].headers.size());
    if (sheet != nullptr) worksheet_set_column(sheet, 0, static_cast<lxw_col_t>(columns - 1), 18, nullptr);
    return sheet;
  };
  lxw_worksheet* sheet = add_sheet(doc.sheet, 0);
  if (sheet == nullptr) {
    workbook_close(workbook);
    return Status::Invalid("工作表名称无效: " + doc.sheet + " (xlsx_sheet)");
  }
  lxw_row_t row = 0;
  worksheet_write_string(sheet, row++, 0, doc.title.c_str(), title);
  if (!doc.issuer.empty()) worksheet_write_string(sheet, row++, 0, doc.issuer.c_str(), nullptr);
  if (!doc.date.empty()) worksheet_write_string(sheet, row++, 0, doc.date.c_str(), nullptr);
  ++row;
  for (size_t i = 0; i < doc.blocks.size(); ++i) {
    const DocBlock& b = doc.blocks[i];
    if (b.kind == DocBlock::kPageBreak) {
      ++row;
      continue;
    }
    if (b.kind == DocBlock::kSheet) {
      sheet = add_sheet(b.text, i + 1);
      if (sheet == nullptr) {
        workbook_close(workbook);
        return Status::Invalid("工作表名称无效: " + b.text + " (xlsx_sheet)");
      }
      row = 0;
      worksheet_write_string(sheet, row++, 0, b.text.c_str(), title);
      ++row;
      continue;
    }
    if (b.kind != DocBlock::kTable) {
      worksheet_write_string(sheet, row++, 0, b.text.c_str(), b.kind == DocBlock::kHeading ? bold : nullptr);
      continue;
    }
    for (size_t c = 0; c < b.headers.size(); ++c)
      worksheet_write_string(sheet, row, static_cast<lxw_col_t>(c), b.headers[c].c_str(), head);
    ++row;
    for (const std::vector<std::string>& cells : b.rows) {
      for (size_t c = 0; c < b.headers.size(); ++c) {
        const std::string& text = c < cells.size() ? cells[c] : std::string();
        double value = 0;
        const bool numeric =
            std::find(b.number_columns.begin(), b.number_columns.end(), c) != b.number_columns.end();
        if (numeric && PlainNumber(text, value)) {
          worksheet_write_number(sheet, row, static_cast<lxw_col_t>(c), value, number);
        } else {
          worksheet_write_string(sheet, row, static_cast<lxw_col_t>(c), text.c_str(), cell);
        }
      }
      ++row;
    }
    ++row;
  }
  if (!doc.footnote.empty()) worksheet_write_string(sheet, row, 0, doc.footnote.c_str(), nullptr);
  lxw_error error = workbook_close(workbook);
  if (error != LXW_NO_ERROR) {
    return Status::Invalid("无法写入 " + path + ": " + lxw_strerror(error) + " (file_write)");
  }
  return Status::Ok();
}

}  // namespace

std::string DocumentHtml(const Document& doc) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  AppendXmlEscaped(out, doc.title);
  out +=
      "</title>\n<style>body{font-family:\"Noto Serif CJK "
      "SC\",serif;font-size:18px;max-width:60em;margin:2em auto;"
      "padding:0 1em;color:#000}h1{text-align:center;font-size:1.6em}p.issuer,p.date{text-align:center}"
      "table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #333;padding:.3em .5em;"
      "text-align:left}th{background:#e6e6e6}footer{font-family:monospace;font-size:.8em;margin-top:2em}"
      "hr.page{border:0;margin:2em 0}@media print{hr.page{break-after:page}}</"
      "style>\n"
      "</head>\n<body>\n";
  Element(out, "h1", doc.title);
  if (!doc.issuer.empty()) {
    out += "<p class=\"issuer\">";
    AppendXmlEscaped(out, doc.issuer);
    out += "</p>\n";
  }
  if (!doc.date.empty()) {
    out += "<p class=\"date\">";
    AppendXmlEscaped(out, doc.date);
    out += "</p>\n";
  }
  for (const DocBlock& b : doc.blocks) {
    if (b.kind == DocBlock::kHeading) {
      Element(out, "h2", b.text);
    } else if (b.kind == DocBlock::kParagraph) {
      Element(out, "p", b.text);
    } else if (b.kind == DocBlock::kPageBreak) {
      out += "<hr class=\"page\">\n";
    } else if (b.kind == DocBlock::kSheet) {
      out += "<hr class=\"page\">\n";
      Element(out, "h2", b.text);
    } else {
      out += "<table>\n<thead><tr>";
      for (const std::string& h : b.headers) {
        out += "<th scope=\"col\">";
        AppendXmlEscaped(out, h);
        out += "</th>";
      }
      out += "</tr></thead>\n<tbody>\n";
      for (const std::vector<std::string>& cells : b.rows) {
        out += "<tr>";
        for (size_t c = 0; c < b.headers.size(); ++c) {
          out += "<td>";
          if (c < cells.size()) AppendXmlEscaped(out, cells[c]);
          out += "</td>";
        }
        out += "</tr>\n";
      }
      out += "</tbody>\n</table>\n";
    }
  }
  if (!doc.footnote.empty()) Element(out, "footer", doc.footnote);
  out += "</body>\n</html>\n";
  return out;
}

Status WriteDocument(const Document& doc, const std::string& path) {
  const std::string ext = LowerExtension(path);
  if (ext != ".pdf" && ext != ".html" && ext != ".xlsx") {
    return Status::Invalid("不支持的文件类型 " + path + ",可写 .pdf、.html 或 .xlsx (file_type)");
  }
  // Written beside the target and renamed over it: never half a file.
  const std::string temporary = path + ".part" + ext;
  Status status;
  if (ext == ".pdf") {
    status = WritePdf(doc, temporary);
  } else if (ext == ".xlsx") {
    status = WriteXlsx(doc, temporary);
  } else {
    std::ofstream out(temporary, std::ios::binary);
    out << DocumentHtml(doc);
    out.close();
    if (!out) status = Status::Invalid("无法写入 " + path + " (file_write)");
  }
  return report_internal::Publish(temporary, path, status);
}

}  // namespace lianxin
