// Unannounced inspections on a Store (inspections.hpp holds the types):
// the draw from the store's villages and households, opening the drawn
// inspection, filling in a household's checklist (a finding made a task for
// its cadre), and the JSON the API and the CLI print.
//
//   LX_ASSIGN_OR_RETURN(Inspection opened, OpenInspection(*store, {.region_code = "149901", .month =
//   "2026-12",
//                                                                  .seed = head}, "cli:root"));
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/draw.hpp"
#include "lianxin/inspections.hpp"
#include "lianxin/store.hpp"

namespace lianxin {

// The sample `params` draws (its region, month, seed and the two counts):
// per township its villages, per village its households. kInvalidInput
// naming "region", "month", "seed", "villages" or "households" for what is
// out of range (a county or township; 1–50 villages; 1–100 households; a
// seed of 1–200 characters); kNotFound for a region that does not exist.
Result<InspectionDraw> DrawFromStore(Store& store, const Inspection& params);

// Draws and opens the inspection in one transaction as `actor`; the
// inspection as opened.
Result<Inspection> OpenDrawnInspection(Store& store, const Inspection& params, const std::string& actor);

// Keeps `check` (its inspection and household, the answers) in one
// transaction as `actor`; with `make_task` and a finding, the finding
// becomes a task for the household's contact cadre, due `task_days` after
// `today` (kInvalidInput naming "findings" when there is none to make).
Status RecordCheck(Store& store, InspectionCheck check, bool make_task, const std::string& actor,
                   const Date& today, int task_days = 30);

// {"id","region","month","seed","villages_per_township","households_per_village","state",
//  "opened_by","opened_at","closed_at","figures"?, "checks"?}
nlohmann::json InspectionJson(const Inspection& inspection, const std::vector<InspectionCheck>* checks);

}  // namespace lianxin
