#include "lianxin/cards_pdf.hpp"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <bit>
#include <cstdint>
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

// Fonts parsed once for all cards.
struct CardFonts {
  PangoFontDescription* title = pango_font_description_from_string("Noto Sans CJK SC Bold 15");
  PangoFontDescription* village = pango_font_description_from_string("Noto Sans CJK SC 9");
  PangoFontDescription* row = pango_font_description_from_string("Noto Sans CJK SC 9");
  PangoFontDescription* unit = pango_font_description_from_string("Noto Sans CJK SC 8");
  PangoFontDescription* foot = pango_font_description_from_string("Noto Sans CJK SC 7.5");
  CardFonts() = default;
  CardFonts(const CardFonts&) = delete;
  CardFonts& operator=(const CardFonts&) = delete;
  ~CardFonts() {
    for (PangoFontDescription* f : {title, village, row, unit, foot}) pango_font_description_free(f);
  }
};

// One line at (x, y), cut with "…" past `width`.
void Text(PangoContext* context, cairo_t* cr, const std::string& text, const PangoFontDescription* font,
          double x, double y, double width) {
  PangoLayout* layout = pango_layout_new(context);
  pango_layout_set_font_description(layout, font);
  pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_text(layout, text.c_str(), static_cast<int>(text.size()));
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, layout);
  g_object_unref(layout);
}

// The code as a 1-bit stencil, one pixel a module, scaled up without
// smoothing: a few hundred bytes in the PDF where a rectangle a module made
// kilobytes of path (and most of the time spent writing a county's cards).
Status DrawQr(cairo_t* cr, const std::string& url, double x, double y, double size) {
  std::unique_ptr<QRcode, QrDeleter> code(QRcode_encodeString(url.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!code) return Status::Invalid("无法为 " + url + " 生成二维码 (qr_encode)");
  // Four modules of quiet zone around the code, as scanners need.
  const int modules = code->width + 8;
  cairo_surface_t* mask = cairo_image_surface_create(CAIRO_FORMAT_A1, modules, modules);
  cairo_surface_flush(mask);
  unsigned char* bits = cairo_image_surface_get_data(mask);
  const int stride = cairo_image_surface_get_stride(mask);
  for (int row = 0; row < code->width; ++row) {
    for (int col = 0; col < code->width; ++col) {
      if ((code->data[row * code->width + col] & 1) == 0) continue;
      // A1 packs pixels into native 32-bit words; on a little-endian
      // machine the first pixel is the lowest bit.
      const int px = col + 4;
      auto* word = reinterpret_cast<std::uint32_t*>(bits + (row + 4) * stride) + px / 32;
      const int bit = px % 32;
      if constexpr (std::endian::native == std::endian::little) {
        *word |= std::uint32_t{1} << bit;
      } else {
        *word |= std::uint32_t{1} << (31 - bit);
      }
    }
  }
  cairo_surface_mark_dirty(mask);
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_scale(cr, size / modules, size / modules);
  cairo_pattern_t* pattern = cairo_pattern_create_for_surface(mask);
  cairo_pattern_set_filter(pattern, CAIRO_FILTER_NEAREST);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_mask(cr, pattern);
  cairo_pattern_destroy(pattern);
  cairo_restore(cr);
  cairo_surface_destroy(mask);
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

Status DrawCard(PangoContext* context, const CardFonts& fonts, cairo_t* cr, const ContactCard& card, double x,
                double y) {
  CutMarks(cr, x, y);
  const double text_width = kCardWidth - kQrSize - 3 * kPad;
  cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
  Text(context, cr, "连心卡", fonts.title, x + kPad, y + kPad, text_width);
  cairo_set_source_rgb(cr, 0, 0, 0);
  Text(context, cr, card.village, fonts.village, x + kPad, y + kPad + 7.5 * kMm, text_width);
  double line = y + kPad + 12.5 * kMm;
  auto row = [&](const std::string& text, const PangoFontDescription* font) {
    Text(context, cr, text, font, x + kPad, line, text_width);
    line += 4.4 * kMm;
  };
  row("户主:" + card.household_head, fonts.row);
  row(card.card_code.empty() ? "户号:" + card.household_code : "卡号:" + card.card_code, fonts.row);
  row("联系干部:" + card.contact_cadre + " " + card.contact_phone, fonts.row);
  if (!card.contact_unit.empty()) row("  " + card.contact_unit, fonts.unit);
  if (!card.assistance_cadre.empty()) {
    row("包扶干部:" + card.assistance_cadre + " " + card.assistance_phone, fonts.row);
    if (!card.assistance_unit.empty()) row("  " + card.assistance_unit, fonts.unit);
  }
  LX_RETURN_IF_ERROR(DrawQr(cr, card.url, x + kCardWidth - kPad - kQrSize, y + kPad, kQrSize));
  Text(context, cr, "有事请扫码,或打电话找联系干部", fonts.foot, x + kPad, y + kCardHeight - kPad - 3 * kMm,
       kCardWidth - 2 * kPad);
  return Status::Ok();
}

}  // namespace

Status WriteCardsPdf(const std::vector<ContactCard>& cards, const std::string& path) {
  const std::string temporary = path + ".part.pdf";
  Status status;
  {
    cairo_surface_t* surface = cairo_pdf_surface_create(temporary.c_str(), kPageWidth, kPageHeight);
    cairo_t* cr = cairo_create(surface);
    PangoContext* context = report_internal::PointContext(cr);
    const CardFonts fonts;
    for (size_t i = 0; i < cards.size() && status.ok(); ++i) {
      size_t slot = i % (kColumns * kRows);
      if (i > 0 && slot == 0) cairo_show_page(cr);
      double x = kMarginX + static_cast<double>(slot % kColumns) * (kCardWidth + kGapX);
      double y = kMarginY + static_cast<double>(slot / kColumns) * (kCardHeight + kGapY);
      status = DrawCard(context, fonts, cr, cards[i], x, y);
    }
    g_object_unref(context);
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
