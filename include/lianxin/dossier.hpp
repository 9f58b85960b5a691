// A cadre's dossier (考核档案, PRODUCT.md §4): the whole record of one cadre's
// contact work over a period, for promotion review (「作为选拔、使用党政领导干部
// 的重要依据」) — who they are, the score and each indicator behind it, direct
// visits month by month, the tasks they carry, the appeals of their
// households and their three rates, what unannounced inspections and
// callbacks found. Counted once and printed as PDF, HTML, XLSX or JSON.
//
//   LX_ASSIGN_OR_RETURN(DossierFigures d, CountDossier(*store, "149901C00001", config, from, today, now));
//   LX_RETURN_IF_ERROR(WriteDossier(d, "dossier.pdf"));
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lianxin/config.hpp"
#include "lianxin/document.hpp"
#include "lianxin/inspections.hpp"
#include "lianxin/scoring.hpp"
#include "lianxin/store.hpp"

namespace lianxin {

struct DossierFigures {
  std::string cadre_code, name, unit, rank, title, county_name;
  Date from, to;
  int households = 0;  // held now (contact and assistance)
  struct Month {
    std::string month;
    int direct = 0, other = 0;  // other: phone calls and visits by someone else
  };
  std::vector<Month> months;
  std::vector<Task> tasks;
  int tasks_done = 0, tasks_overdue = 0;
  int appeals_received = 0;
  AppealRates appeals;
  InspectionFigures inspections;
  std::vector<std::string> findings;
  CallbackRates callbacks;
  int ratings = 0, ratings_satisfied = 0;  // 民主评议 in the period's years
  CadreScore score;
};

// The dossier of `cadre_code` over [from, to]; kNotFound for no such cadre.
Result<DossierFigures> CountDossier(Store& store, const std::string& cadre_code, const Config& config,
                                    const Date& from, const Date& to);

Document DossierDocument(const DossierFigures& dossier);
nlohmann::json DossierJson(const DossierFigures& dossier);
// .pdf, .html, .xlsx or .json, completely or not at all.
Status WriteDossier(const DossierFigures& dossier, const std::string& path);

}  // namespace lianxin
