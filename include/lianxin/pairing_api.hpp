// The pairing API for county admins (PRODUCT.md §2): run the pairing, preview
// it, explain a household, and pin or unpin a pair by hand. The same work as
// `lianxin pair` and `lianxin pin`, through pairing_service.hpp.
//
//   POST   /api/v1/pairing/run           {["exit_override"]} → 200 the summary
//                                        (PairingSummaryJson), written by one writer job;
//                                        409 exit_gate when a unit would leave a village
//                                        where its cadres' tasks are open, unless
//                                        exit_override gives the reason (journaled)
//   POST   /api/v1/pairing/preview       {} → 200 the summary of a dry run on a read
//                                        connection ("written": false)
//   GET    /api/v1/pairing/explain/{id}  → 200 ExplanationJson of household {id} in the
//                                        stored pairing (ExplainPairing)
//   GET    /api/v1/pairing/uncovered     → 200 {"scope","uncovered":[{kind,id,reason,pairing}]}:
//                                        what the last run recorded, within scope
//   POST   /api/v1/pairing/pins          {"kind","holder","held","reason"} → 201
//                                        {"pinned":true,"next_run_applies":true}
//   DELETE /api/v1/pairing/pins          {"kind","holder","held"} → 200
//                                        {"unpinned":true,"next_run_applies":true}
// Who may call which is the allow table's (access.cpp): the county admin all
// of them, a township admin preview, explain and the uncovered list, a unit
// head explain.
//
// A preview rolls its transaction back, but while it writes and undoes the
// pairs it holds SQLite's write lock (BEGIN IMMEDIATE), so the writer waits
// for it (busy_timeout) as it would for another run.
//
// Failures: a body that is not a JSON object, a missing field, an empty
// reason or an unknown kind (unit_village|assistance|contact|contact_point)
// is 400 naming the field; an unknown household (explain), an unknown held or
// holder record (pin) or no such pin (unpin) is 404; a household (explain)
// or a held or holder record (pin) outside the caller's scope is 403
// out_of_scope. For a pin the held record is a village (unit_village), a
// household (assistance, contact) or an org (contact_point); the holder a
// unit (unit_village) or a cadre. Unpinning checks the held record's scope
// only, so a pin whose holder has left can still be removed.
//
// A pin is a manual override kept by every later run while it breaks no hard
// rule; it takes effect at the next run, not at once. Pins and runs are
// journaled under the caller's username.
//
//   AddPairingRoutes(gate, writer, reads, config);
//
// Holds references to `writer`, `reads` and `config`, which must outlive the
// router and the server. Handlers are thread-safe: reads lease their own
// Store, writes queue on the writer.
#pragma once

#include "lianxin/access.hpp"
#include "lianxin/config.hpp"
#include "lianxin/settings.hpp"
#include "lianxin/store_pool.hpp"
#include "lianxin/writer.hpp"

namespace lianxin {

void AddPairingRoutes(ApiRouter& api, GroupCommitWriter& writer, StorePool& reads, const LiveConfig& config);

}  // namespace lianxin
