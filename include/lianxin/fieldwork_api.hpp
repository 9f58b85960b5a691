// The field-work API (PRODUCT.md §3): a cadre logs a visit (民情日记) with two
// fields, anyone who reads a household reads its visits, a cadre sees its
// own households with their last visit and when the next is due, and its
// tasks, and reports progress on them.
//
//   POST /api/v1/visits        {"household","kind"[,"date","heard","promised","cadre"]} → 201
//        the visit. `kind` home_visit|talk|reception|stay|shared_labour|phone|by_proxy (or
//        the Chinese label); `date` defaults to today in China and is neither in the future
//        nor more than a year back; the cadre is the signed-in one (a cadre scope), or
//        `cadre` for an admin entering a paper diary. Phone calls and visits by proxy are
//        kept but answer "direct": false — they never count as direct contact. With
//        "appeal": {"type","topic"[,"urgency","content"]} the promise becomes an appeal in
//        the same step (content defaults to "promised", else "heard"; both or neither are
//        written), routed as POST /api/v1/appeals routes it; the answer then has "appeal".
//        With "task": {["deadline","level"]} the promise becomes the cadre's task (need
//        "承诺 <visit id>", due in 30 days by default; "promised" required); the answer has "task".
//   GET  /api/v1/households/{id}/visits → 200 {"household","items":[visit…]}, newest first
//   GET  /api/v1/visits[?region,cadre,household,from,to,cursor,limit] → 200 {"items","next"}:
//        the visits the caller's scope reaches (store.hpp's FieldworkQuery), newest first.
//   GET  /api/v1/tasks[?region,cadre,household,status,overdue,cursor,limit] → 200
//        {"items","next"}: the tasks in scope, by deadline; overdue=1 the open ones past it.
//   GET  /api/v1/me/households → 200 {"items":[{"household","head_name","pairing",
//        "since","last_visit","next_due","overdue"}…]}: the signed-in cadre's contact and
//        assistance households, overdue first, then by the day each is due.
//   GET  /api/v1/me/tasks → 200 {"items":[task…]}: the signed-in cadre's tasks, open first
//        by deadline, with "overdue".
//   POST /api/v1/tasks/progress {"household","need","progress"[,"notes","cadre"]} → 200 the
//        task: the percentage and a dated note line; 100 marks it done; a task no longer
//        open is 409 task_closed.
//   POST /api/v1/decisions {"meeting","meeting_date","decision","handler","supervisor",
//        "deadline"[,"level"]} → 201 the decision (会议决定事项): its cadre is told.
//   GET  /api/v1/decisions[?handler,supervisor,open=1,overdue=1] → 200 {"items"}, by deadline.
//   POST /api/v1/decisions/{id}/progress {"progress"[,"notes"]} → 200: by its cadre (or an
//        admin entering it); the supervising office is told (progress_report).
//   GET  /api/v1/flags[?region=CODE] → 200 {"cadres_checked","items":[{"kind","cadre",
//        "cadre_name","household","explanation","visits"}…]}: the three phenomena
//        (三种现象) of every cadre in scope, thresholds and campaign dates from [visits].
//
// Failures: a malformed body or field is 400 naming it; a household or
// cadre outside the caller's scope, or missing, is 404 not_found. Visits
// are journaled under the caller's username, through the group-commit writer.
//
//   AddFieldworkRoutes(gate, {writer, reads, config, clock, notifier});
#pragma once

#include "lianxin/access.hpp"
#include "lianxin/clock.hpp"
#include "lianxin/config.hpp"
#include "lianxin/notify.hpp"
#include "lianxin/settings.hpp"
#include "lianxin/store_pool.hpp"
#include "lianxin/writer.hpp"

namespace lianxin {

struct FieldworkDeps {
  GroupCommitWriter& writer;
  StorePool& reads;
  const LiveConfig& config;  // the rules in force when a request starts
  const Clock& clock;
  Notifier& notifier;
};

// Holds references to all it is given, which must outlive the router.
void AddFieldworkRoutes(ApiRouter& api, const FieldworkDeps& deps);

}  // namespace lianxin
