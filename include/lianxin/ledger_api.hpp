// The 八项规定 ledger (ledger.hpp, yearend.hpp) over HTTP:
//
//   GET  /api/v1/ledger/calendar → {"county", "items": [{"month","note","set_by","set_at"}]}
//        the caller's county's no-meeting months (无会月).
//   POST /api/v1/ledger/calendar {"month", "no_meeting" (default true), "note"}
//        → 200 the calendar: a county admin marks a month, or takes the mark back.
//   GET  /api/v1/ledger[?from=&to=&region=&unit=] → {"meetings", "receptions",
//        "expenses"}: the entries in scope (this year by default), corrected
//        ones included with "superseded": true.
//   POST /api/v1/ledger/meetings {"date","title","minutes","attendees",
//        "cost_yuan","approved_by"[,"region","unit","exempt","exempt_reason",
//        "corrects"]} → 201 the meeting. 409 no_meeting_month in a no-meeting
//        month unless exempt; only a county admin may exempt (403 exempt_forbidden).
//   POST /api/v1/ledger/receptions {"date","visitors","reported_to",
//        "companions","meal_people","meal_yuan", the five flags "banquet",
//        "banners","welcome_crowds","carpets","flowers"[,"purpose","region",
//        "unit","corrects"]} → 201 the report with the breaches it shows.
//   POST /api/v1/ledger/expenses {"date","line","item","amount_yuan"
//        [,"meeting","reception","region","unit","corrects"]} → 201 the expense.
//   GET  /api/v1/ledger/yearend?year=[&region=&format=json|html|pdf|xlsx]
//        the year-end special inspection (专项检查).
//   GET  /api/v1/ledger/audit?year=[&region=&format=xlsx|pdf|html|json] the
//        three registers in full, for the audit office.
// Units' heads write and read their unit's entries; townships' admins their
// township's own; county admins the county's. Inspectors and the discipline
// office read everything in their scope and write nothing.
#pragma once

#include "lianxin/access.hpp"
#include "lianxin/appeals_api.hpp"

namespace lianxin {

// Holds references to all it is given, which must outlive the router.
void AddLedgerRoutes(ApiRouter& api, const AppealsApiDeps& deps);

}  // namespace lianxin
