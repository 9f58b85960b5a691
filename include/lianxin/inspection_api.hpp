// Unannounced inspections (不打招呼督查, inspect.hpp) over HTTP:
//
//   POST /api/v1/inspections {"region","month","seed"[,"villages","households"]}
//        → 201 the inspection drawn and opened, with its checklist. County
//          admins and inspectors.
//   GET  /api/v1/inspections[?region=CODE] → {"items": [...]} newest first.
//   GET  /api/v1/inspections/{id} → one, with its figures (知晓率 …) and checklist.
//   POST /api/v1/inspections/{id}/checks {"household","knows_cadre","visits"
//        [,"satisfaction","findings","task"]} → 200 the inspection: one
//        household's answers; "task": true makes the finding a task for its
//        cadre. 409 inspection_closed once closed.
//   POST /api/v1/inspections/{id}/close → 200 the inspection, closed.
//   POST /api/v1/callbacks {"region","month","seed"[,"share"]} → 201 a share
//        (default 5 %) of the month's direct visits drawn for callback checks
//        (回访核验), {"items","cadres","added"}. County admins and inspectors.
//   GET  /api/v1/callbacks[?region=&month=] → {"items": […], "cadres": [per
//        cadre: drawn, confirmed, denied, unreachable, pending, denial_rate]}.
//   POST /api/v1/callbacks/{visit} {"outcome","note"} → 200 what the household
//        said: confirmed (属实), denied (否认) or unreachable (联系不上).
//        Operators too. Cadres never see who is called back.
// The sample stays hidden from the inspected until the inspection closes:
// a township's admin sees its township's closed inspections only (an open
// one answers 404, as one that does not exist); inspectors, county admins
// and the discipline office see them all within their scope.
#pragma once

#include "lianxin/access.hpp"
#include "lianxin/appeals_api.hpp"

namespace lianxin {

// Holds references to all it is given, which must outlive the router.
void AddInspectionRoutes(ApiRouter& api, const AppealsApiDeps& deps);

}  // namespace lianxin
