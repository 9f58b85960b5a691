#include "lianxin/cards_pdf.hpp"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <filesystem>
#include <memory>

#include "report/internal.hpp"

namespace lianxin {

namespace {

constexpr double kMm = 72.0 / 25.4;
constexpr double kPageWidth = 210 * kMm, kPageHeight = 297 * kMm;
constexpr double kCardWidth = 85 * kMm, kCardHeight = 54 * kMm;
constexpr double kGapX = 10 * kMm, kGapY = 8 * kMm;
constexpr int kColumns = 2, kRows = 4;
constexpr double kMarginX = (kPageWidth - kColumns * kCardWidth - (kColumns - 1) * kGapX) / 2;
constexpr double kMarginY = (kPageHeight - kRows * kCardHeight - (kRows - 1) * kGapY) / 2;
constexpr double kQrSize = 24 * kMm;
constexpr double kPad = 3.5 * kMm;

struct QrDeleter {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

void Text(cairo_t* cr, const std::string& text, const char* font, double x, double y, double width) {
  PangoLayout* layout = pango_cairo_create_layout(cr);
  PangoFontDescription* description = pango_font_description_from_string(font);
  pango_layout_set_font_description(layout, description);
  pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_text(layout, text.c_str(), static_cast<int>(text.size()));
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, layout);
  pango_font_description_free(description);
  g_object_unref(layout);
}

Status DrawQr(cairo_t* cr, const std::string& url, double x, double y, double size) {
  std::unique_ptr<QRcode, QrDeleter> code(QRcode_encodeString(url.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!code) return Status::Invalid("无法为 " + url + " 生成二维码 (qr_encode)");
  // Four modules of quiet zone around the code, as scanners need.
  const int modules = code->width + 8;
  const double module = size / modules;
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int row = 0; row < code->width; ++row) {
    for (int col = 0; col < code->width; ++col) {
      if (code->data[row * code->width + col] & 1) {
        cairo_rectangle(cr, x + (col + 4) * module, y + (row + 4) * module, module, module);
      }
    }
  }
  cairo_fill(cr);
  return Status::Ok();
}

void CutMarks(cairo_t* cr, double x, double y) {
  const double mark = 3 * kMm, gap = 1 * kMm;
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 0.3);
  for (double cx : {x, x + kCardWidth}) {
    for (double cy : {y, y + kCardHeight}) {
      double dx = cx == x ? -1 : 1, dy = cy == y ? -1 : 1;
      cairo_move_to(cr, cx + dx * gap, cy);
      cairo_line_to(cr, cx + dx * (gap + mark), cy);
      cairo_move_to(cr, cx, cy + dy * gap);
      cairo_line_to(cr, cx, cy + dy * (gap + mark));
    }
  }
  cairo_stroke(cr);
}

Status DrawCard(cairo_t* cr, const ContactCard& card, double x, double y) {
  CutMarks(cr, x, y);
  const double text_width = kCardWidth - kQrSize - 3 * kPad;
  cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
  Text(cr, "连心卡", "Noto Sans CJK SC Bold 13", x + kPad, y + kPad, text_width);
  cairo_set_source_rgb(cr, 0, 0, 0);
  Text(cr, card.village, "Noto Sans CJK SC 7.5", x + kPad, y + kPad + 7.5 * kMm, text_width);
  double line = y + kPad + 12.5 * kMm;
  auto row = [&](const std::string& text) {
    Text(cr, text, "Noto Sans CJK SC 8", x + kPad, line, text_width);
    line += 4.3 * kMm;
  };
  row("户主:" + card.household_head);
  row(card.card_code.empty() ? "户号:" + card.household_code : "卡号:" + card.card_code);
  row("联系干部:" + card.contact_cadre + " " + card.contact_phone);
  if (!card.contact_unit.empty()) row("  " + card.contact_unit);
  if (!card.assistance_cadre.empty()) {
    row("包扶干部:" + card.assistance_cadre + " " + card.assistance_phone);
    if (!card.assistance_unit.empty()) row("  " + card.assistance_unit);
  }
  LX_RETURN_IF_ERROR(DrawQr(cr, card.url, x + kCardWidth - kPad - kQrSize, y + kPad, kQrSize));
  Text(cr, "有事请扫码,或打电话找联系干部", "Noto Sans CJK SC 6.5", x + kPad,
       y + kCardHeight - kPad - 3 * kMm, kCardWidth - 2 * kPad);
  return Status::Ok();
}

}  // namespace

Status WriteCardsPdf(const std::vector<ContactCard>& cards, const std::string& path) {
  const std::string temporary = path + ".part.pdf";
  Status status;
  {
    cairo_surface_t* surface = cairo_pdf_surface_create(temporary.c_str(), kPageWidth, kPageHeight);
    cairo_t* cr = cairo_create(surface);
    for (size_t i = 0; i < cards.size() && status.ok(); ++i) {
      size_t slot = i % (kColumns * kRows);
      if (i > 0 && slot == 0) cairo_show_page(cr);
      double x = kMarginX + static_cast<double>(slot % kColumns) * (kCardWidth + kGapX);
      double y = kMarginY + static_cast<double>(slot / kColumns) * (kCardHeight + kGapY);
      status = DrawCard(cr, cards[i], x, y);
    }
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    if (status.ok() && cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
      status = Status::Invalid("无法写入 " + path + ": " +
                               cairo_status_to_string(cairo_surface_status(surface)) + " (file_write)");
    }
    cairo_surface_destroy(surface);
  }
  return report_internal::Publish(temporary, path, status);
}

}  // namespace lianxin
