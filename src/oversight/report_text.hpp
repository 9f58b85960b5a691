// What the oversight reports (the notice, the bulletin) share, for
// src/oversight/ alone: figures written as their documents print them, and
// the one way a report goes to a file.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "lianxin/document.hpp"
#include "lianxin/store.hpp"
#include "lianxin/validate.hpp"

namespace lianxin::oversight_internal {

// "2026-11" → "2026年11月".
inline std::string MonthWords(std::string_view month) {
  return std::string(month.substr(0, 4)) + "年" +
         std::to_string(std::atoi(std::string(month.substr(5)).c_str())) + "月";
}

// 成文日期: "2026年12月1日".
inline std::string DateWords(const Date& date) {
  return std::to_string(date.year) + "年" + std::to_string(date.month) + "月" + std::to_string(date.day) +
         "日";
}

inline std::optional<double> Share(int part, int whole) {
  if (whole <= 0) return std::nullopt;
  return static_cast<double>(part) / whole;
}

// "93.5%", "100%" (one decimal is too wide for a table cell at 100), "—" when absent.
inline std::string Percent(std::optional<double> share) {
  if (!share) return "—";
  if (*share >= 0.9995) return "100%";
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", 100 * *share);
  return text;
}

// Direct visits per pair, two decimals; "—" with no pair.
inline std::string PerPair(int visits, int pairs) {
  if (pairs <= 0) return "—";
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", static_cast<double>(visits) / pairs);
  return text;
}

// Writes `figures` as JSON when `path` ends in .json, else `document` as
// PDF, HTML or XLSX (WriteDocument); completely or not at all.
Status WriteFiguresOrDocument(const nlohmann::json& figures, const Document& document,
                              const std::string& path);

// The region or unit `code` names; kNotFound "区划不存在 …" / "单位不存在 …".
Result<Region> GetRegion(Store& store, std::string_view code);
Result<Unit> GetUnit(Store& store, std::string_view code);

}  // namespace lianxin::oversight_internal
