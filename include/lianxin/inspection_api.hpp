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
