// What the report writers share, for src/report/ alone.
#pragma once

#include <pango/pangocairo.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "lianxin/status.hpp"

namespace lianxin::report_internal {

// Ends an all-or-nothing write: when `written` is ok, `temporary` takes the
// place of `path`; otherwise (or if that fails) `temporary` is removed and
// the error returned.
inline Status Publish(const std::string& temporary, const std::string& path, Status written) {
  std::error_code ec;
  if (written.ok()) std::filesystem::rename(temporary, path, ec);
  if (!written.ok() || ec) {
    std::filesystem::remove(temporary, ec);
    return written.ok() ? Status::Invalid("无法写入 " + path + " (file_write)") : written;
  }
  return Status::Ok();
}

// A Pango context for setting text on `cr` in points. Pango's cairo
// contexts assume 96 dpi, which on a PDF page (whose unit is the point)
// would set a "16" font at 21⅓ pt. The caller unrefs it (g_object_unref).
inline PangoContext* PointContext(cairo_t* cr) {
  PangoContext* context = pango_cairo_create_context(cr);
  pango_cairo_context_set_resolution(context, 72);
  return context;
}

// Text for XML and HTML: the five characters that would end it escaped.
inline void AppendXmlEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

}  // namespace lianxin::report_internal
