// The situation bulletin (情况通报, PRODUCT.md §4): for a county or a
// township and a month, on demand — the rankings (townships by how many of
// their households were visited, units by direct visits per pair) and the
// named lists: cadres with no direct contact, appeals under 督办 (reminded
// twice and so named here), findings of the month's inspections, visits the
// household denied when called back. Counted once (CountBulletin) and printed
// as PDF, HTML, XLSX or JSON from the same figures, like the notice.
//
//   LX_ASSIGN_OR_RETURN(BulletinFigures figures, CountBulletin(*store, "149901", "2026-11", rules, now));
//   LX_RETURN_IF_ERROR(WriteBulletin(figures, "bulletin.pdf"));
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/notice.hpp"

namespace lianxin {

struct BulletinAppeal {
  std::string id, township, topic, handler, handler_name;
  int reminders = 0;
  std::int64_t deadline_millis = 0;
};
struct BulletinFinding {
  std::string inspection_id, village, village_name, household, cadre, cadre_name, findings;
  bool task = false;
};
struct BulletinDenial {
  std::string visit_id, visited_on, household, cadre, cadre_name, note;
};

struct BulletinFigures {
  NoticeFigures notice;  // the month's figures: rankings and the silent cadres come from them
  std::vector<NoticeRow> townships_ranked;  // by visited households' share, then visits per pair
  std::vector<NoticeRow> units_ranked;      // by direct visits per pair, then fewer silent cadres
  std::vector<BulletinAppeal> supervised;
  std::vector<BulletinFinding> findings;
  std::vector<BulletinDenial> denials;
};

// Counts the bulletin of `region` (a county or a township) for `month`.
// Errors as CountNotice's.
Result<BulletinFigures> CountBulletin(Store& store, std::string_view region, std::string_view month,
                                      const AppealRules& rules, std::int64_t now_millis);

Document BulletinDocument(const BulletinFigures& figures);
nlohmann::json BulletinJson(const BulletinFigures& figures);
// As WriteNotice: .pdf, .html, .xlsx or .json, completely or not at all.
Status WriteBulletin(const BulletinFigures& figures, const std::string& path);

}  // namespace lianxin
