// The monthly public notice (每月公示, PRODUCT.md §4): for a county or a
// township and a month — per township, village and unit — coverage, direct
// visits per pair, tasks done, the month's appeals and their three rates,
// and the named list of cadres who made no direct contact that month. The
// figures are counted once (CountNotice) at one read of the store, with the
// journal's head at that read, and everything else — the PDF, HTML and XLSX
// (document.hpp), the API's JSON, a published notice — is made from them,
// so the three formats and a re-read of a published notice always agree.
//
//   LX_ASSIGN_OR_RETURN(NoticeFigures figures, CountNotice(*store, "149901", "2026-11", rules, now));
//   LX_RETURN_IF_ERROR(WriteDocument(NoticeDocument(figures), "notice.pdf"));
//
// Publishing keeps the figures' JSON unchanged (Store::PublishNotice, with a
// digest); NoticeFromJson reads it back for printing again.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/appeals.hpp"
#include "lianxin/document.hpp"
#include "lianxin/status.hpp"
#include "lianxin/store.hpp"

namespace lianxin {

// One row of a notice's tables: a township, a village or a unit. Areas
// count their households; units the cadres that hold pairs in the region.
struct NoticeRow {
  std::string code, name, parent;   // parent: a village's township name
  int households = 0, covered = 0;  // areas
  int cadres = 0;                   // units
  int pairs = 0, direct_visits = 0, visited_households = 0;
  int tasks = 0, tasks_done = 0;
  int silent = 0;       // cadres with no direct contact in the month
  int received = 0;     // appeals received in the month
  AppealRates appeals;  // their three rates, as of the count
  // Areas: the month's closed unannounced inspections — households checked,
  // those that knew their cadre's name (知晓率), those with a finding.
  int inspected = 0, knows_cadre = 0, findings = 0;
};

struct NoticeFigures {
  std::string region, region_name, level;  // level: county or township
  std::string month;                       // YYYY-MM
  std::string title, issuer;
  std::int64_t counted_millis = 0;  // when the figures were read
  std::int64_t journal_seq = 0;     // the journal's head at that read
  std::string journal_hash;
  NoticeRow total;
  std::vector<NoticeRow> townships;  // a county's (empty for a township's notice)
  std::vector<NoticeRow> villages;
  std::vector<NoticeRow> units;
  std::vector<SilentCadre> silent;
  // Set once published (Store::PublishNotice's record).
  std::int64_t published_millis = 0;
  std::string published_by;
};

// Counts the notice of `region` (a county's or a township's code) for
// `month` ("YYYY-MM") from `store` in one read snapshot; `issuer` empty
// means "中共<county>委组织部". kInvalidInput naming "region" or "month",
// kNotFound for a region that does not exist.
Result<NoticeFigures> CountNotice(Store& store, std::string_view region, std::string_view month,
                                  const AppealRules& rules, std::int64_t now_millis, std::string issuer = {});

// The notice as a document: title, issuing body and date, the summary, the
// tables per township, village and unit, the named list, and the journal's
// root hash at the foot of every page.
Document NoticeDocument(const NoticeFigures& figures);

// Writes the notice to PATH as .pdf, .html or .xlsx (NoticeDocument), or
// .json (NoticeJson), completely or not at all.
Status WriteNotice(const NoticeFigures& figures, const std::string& path);

// The figures as JSON (the API's answer, a published notice's stored form)
// and back; rates absent stay null. NoticeFromJson is kInvalidInput naming
// the first field that is missing or of the wrong type.
nlohmann::json NoticeJson(const NoticeFigures& figures);
Result<NoticeFigures> NoticeFromJson(const nlohmann::json& json);

// What a published notice keeps: the figures' JSON (compact, keys sorted),
// its BLAKE2b-256 digest, and the head it was counted at; `published_by` the actor.
NoticeRecord NoticeRecordOf(const NoticeFigures& figures, const std::string& published_by);
// A published record's figures, after checking its digest (kTampered when
// the JSON no longer matches it).
Result<NoticeFigures> NoticeOfRecord(const NoticeRecord& record);

// The id a notice is kept under: "<region>:<month>".
std::string NoticeId(std::string_view region, std::string_view month);

}  // namespace lianxin
