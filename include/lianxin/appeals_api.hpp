// The appeals API (诉求, PRODUCT.md §3): an operator, a cadre after a visit
// or an admin files an appeal; it goes at once to the first handler of its
// route (the household's contact cadre, then unit, township, department);
// each step of the 12345 loop is one call; queues list it; the three rates
// are counted for any subtree and month.
//
//   POST /api/v1/appeals {"household" (or "region"),"type","topic","content"[,"urgency",
//        "channel","dispatch"]} → 201 the appeal. `type` inquiry|help|complaint|report|
//        suggestion (or 咨询…); `topic` a code or label of [[appeals.topics]]; `urgency`
//        emergency|urgent|general (default)|complex; `channel` visit|reception|operator
//        (default: visit for a cadre, operator otherwise); "dispatch": false leaves it 受理
//        for the dispatcher. A cadre files for its own households only.
//   GET  /api/v1/appeals[?state,open,overdue,bulletin,handler,cadre,household,region,month,
//        cursor,limit] → 200 {"items":[appeal…],"next"}: what the caller's scope reaches;
//        open and overdue queues by deadline, other lists newest first.
//   GET  /api/v1/appeals/{id} → 200 the appeal with "steps" (its history), "actions" (what
//        this caller may do now) and "suggested_handler" (the next of its route).
//   POST /api/v1/appeals/{id}/actions {"action",…} → 200 the appeal after it:
//        dispatch {"handler"}; return {"note"}; sign; progress {"note"}; extend
//        {"days","note"}; reply {"note"}; close; rate {"solved","satisfaction"[,"note"]};
//        supervise. A step the state does not allow is 409 appeal_transition naming
//        the allowed ones; one this caller may not take is 403 forbidden.
//   GET  /api/v1/rates[?region=CODE&month=YYYY-MM] → 200 {"region","month","weights",
//        "total","townships","units","cadres"}: 响应率, 解决率, 满意率 and the weighted
//        score of the appeals received that month (default: this month; the caller's
//        region), each group's rates with its counts; a rate with nothing to count is null.
//
// Who may take a step: dispatch and close — operators and the county's and
// townships' admins (the dispatchers); return, sign, progress, extend and
// reply — the handler (its cadre, its unit's head, its township's admin) or
// a dispatcher entering it for them; rate — an operator calling back or a
// dispatcher (households rate through the public API); supervise — a
// dispatcher or an inspector. The handler is notified of a new appeal and
// of each 督办, the household asked to rate once it is 办结.
//
//   AddAppealRoutes(gate, {writer, reads, config, clock, notifier});
#pragma once

#include <nlohmann/json.hpp>

#include "lianxin/access.hpp"
#include "lianxin/clock.hpp"
#include "lianxin/config.hpp"
#include "lianxin/notify.hpp"
#include "lianxin/settings.hpp"
#include "lianxin/store_pool.hpp"
#include "lianxin/writer.hpp"

namespace lianxin {

struct AppealsApiDeps {
  GroupCommitWriter& writer;
  StorePool& reads;
  const LiveConfig& config;  // the rules in force when a request starts
  const Clock& clock;
  Notifier& notifier;
};

// Holds references to all it is given, which must outlive the router.
void AddAppealRoutes(ApiRouter& api, const AppealsApiDeps& deps);

// Files `appeal` as `actor` in one transaction and, with `dispatch`, sends
// it to the first handler of its route (the step journaled as the actor's);
// the appeal as filed. Shared by the signed-in and the public routes.
Result<Appeal> FileAndRoute(Store& store, const Appeal& appeal, const std::string& actor, bool dispatch,
                            const Config& config, std::int64_t now);
// The members every way of filing shares — "type", "topic" (a code or label
// of the dictionary), "urgency" (general when absent) and "content" — from
// `body` into `appeal`. An error names its member after `path` ("appeal."
// for a visit's promise). Without `content_required` an absent content is
// left empty for the caller to fill.
Status ParseAppealFields(const nlohmann::json& body, const AppealRules& rules, std::string_view path,
                         bool content_required, Appeal& appeal);
// Tells the handler of a freshly filed and dispatched appeal.
void TellFiled(Notifier& notifier, const Appeal& filed, std::int64_t now);

// Sends the overdue notice of every open appeal past its deadline that has
// not had one, and marks each (journaled, as "system"); how many were sent.
// The server calls it every minute.
Result<int> NotifyOverdueAppeals(GroupCommitWriter& writer, const Clock& clock, Notifier& notifier);

}  // namespace lianxin
