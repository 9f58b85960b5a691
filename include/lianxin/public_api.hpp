// The household's public API (PRODUCT.md §3, 连心卡): no sign-in. With the
// code on its contact card and its head's surname, a household sees who its
// cadres are, files an appeal, follows its appeals and rates the answer.
// The code travels in the request body, never in a URL (which lands in
// logs and browser history).
//
//   GET  /api/v1/public/topics → 200 {"items":[{"code","label"}…]}: what an appeal may be about.
//   POST /api/v1/public/card {"code","surname"} → 200 {"household":{"code","head_name"},
//        "contact","assistance","recent_visits"}: each cadre {"name","title","unit","phone"}
//        or null; the last ten visits {"id","date","kind","kind_label","by","confirmed"}.
//   POST /api/v1/public/visits/{id}/confirm {"code","surname"} → 200 {"id","confirmed":true}:
//        the household confirms a visit to it took place (404 for any other visit).
//   POST /api/v1/public/appeals {"code","surname","type","topic","content"[,"urgency"]}
//        → 201 the appeal: filed through the card (channel card) and sent at once to the
//        household's contact cadre (appeals_api.hpp's route).
//   POST /api/v1/public/appeals/list {"code","surname"} → 200 {"items":[appeal…]}: the
//        household's appeals, newest first, each with its steps (what was done and when,
//        never who by).
//   POST /api/v1/public/appeals/{id}/rate {"code","surname","solved","satisfaction"[,"note"]}
//        → 200 the appeal: once it is 办结; 不满意 reopens it (重办).
//
// A wrong code, a revoked or expired one, a malformed one and a wrong
// surname all get the same answer — 404 card_not_found — after the same
// work (one look-up by the code's blind index), so the answer tells nothing
// about which codes exist. Requests are limited per client address and per
// code ([server] public_per_address_per_minute, public_per_code_per_minute):
// over either, 429 rate_limited with Retry-After. Journaled as
// "household:<code>".
//
//   AddPublicRoutes(gate, {writer, reads, config, clock, notifier});
#pragma once

#include "lianxin/appeals_api.hpp"

namespace lianxin {

// Holds references to all it is given, which must outlive the router.
void AddPublicRoutes(ApiRouter& api, const AppealsApiDeps& deps);

}  // namespace lianxin
