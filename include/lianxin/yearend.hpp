// The year-end special inspection of the 八项规定 ledger
// (「每年年底对执行情况进行专项检查」, PRODUCT.md §4), and the audit office's
// export of the ledger: counted once from the store for a county or a
// township and a year, printed as PDF, HTML, XLSX or JSON.
//
// The inspection lists what the discipline office looks at — the
// no-meeting months and every meeting held in one (exempt, with its
// reason), each unit's meetings and their cost, every reception report
// with the breaches it showed, spending by budget line against the year
// before, and every correction made to the ledger. The audit export is the
// three registers entry by entry (corrected ones included and marked), one
// worksheet each, amounts as numbers.
//
//   LX_ASSIGN_OR_RETURN(YearEndFigures y, CountYearEnd(*store, "149901", 2026));
//   LX_RETURN_IF_ERROR(WriteYearEnd(y, "yearend.pdf"));
//   LX_RETURN_IF_ERROR(WriteLedgerAudit(y, "audit.xlsx"));
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lianxin/document.hpp"
#include "lianxin/ledger.hpp"
#include "lianxin/store.hpp"

namespace lianxin {

struct YearEndFigures {
  std::string region_code, region_name, title, issuer;
  int year = 0;
  std::vector<NoMeetingMonth> no_meeting_months;  // the county's, in the year
  LedgerBook book;                                // the year's entries, corrected ones included
  std::map<std::string, std::string> unit_names;  // code → name, for every unit in the book

  // Counted over the entries in force (not superseded).
  struct UnitRow {
    std::string unit_code;  // "" for a township's own
    std::string name;
    int meetings = 0, minutes = 0, attendees = 0;
    std::int64_t meeting_fen = 0;
    int receptions = 0, breaches = 0;
    std::int64_t spent_fen = 0;
  };
  std::vector<UnitRow> units;  // by code
  int meetings = 0, meetings_in_no_meeting_months = 0;
  int receptions = 0, receptions_with_breaches = 0;
  std::map<std::string, int> breaches_by_item;  // companions … flowers
  std::array<std::int64_t, std::size(kBudgetLines)> spent_fen{}, spent_fen_year_before{};
  int corrections = 0;  // entries superseded by a later one
};

// The ledger of `region` (a county or a township) for `year`; kNotFound for
// no such region.
Result<YearEndFigures> CountYearEnd(Store& store, const std::string& region, int year);

Document YearEndDocument(const YearEndFigures& figures);
nlohmann::json YearEndJson(const YearEndFigures& figures);
// .pdf, .html, .xlsx or .json, completely or not at all.
Status WriteYearEnd(const YearEndFigures& figures, const std::string& path);

// The three registers in full for the audit office: .xlsx (one worksheet
// each, and a summary) or .pdf / .html; completely or not at all.
Document LedgerAuditDocument(const YearEndFigures& figures);
Status WriteLedgerAudit(const YearEndFigures& figures, const std::string& path);

}  // namespace lianxin
