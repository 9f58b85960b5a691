// The monthly notice (每月公示) over HTTP (notice.hpp counts and prints it):
//
//   GET  /api/v1/notice?region=CODE&month=YYYY-MM[&format=json|html|pdf|xlsx]
//        → the published notice of that region and month, or else a draft
//          counted now ("published": null); region defaults to the caller's
//          scope, month to the current one. For those who oversee a region.
//   POST /api/v1/notices {"region","month"} → 201 the notice as published:
//        its figures kept unchangeable with the journal's head they were
//        counted at; 409 notice_published when that month is already out.
//        The county's admins.
//   GET  /api/v1/bulletin?region=CODE&month=YYYY-MM[&format=…] → the situation
//        bulletin (情况通报, bulletin.hpp), counted now. The same readers.
//   GET  /api/v1/cadres/{id}/dossier[?from=&to=&format=…] → one cadre's
//        dossier (考核档案, dossier.hpp) for promotion review: the county's
//        admins and the discipline office, within their scope.
//   GET  /api/v1/public/notices[?region=CODE] → {"items": [...]} every
//        published notice, newest month first (no sign-in: they are public).
//   GET  /api/v1/public/notices/{id}[?format=…] → one published notice;
//        its digest is checked on every read (a changed row is 500, logged).
#pragma once

#include "lianxin/access.hpp"
#include "lianxin/appeals_api.hpp"

namespace lianxin {

// Holds references to all it is given, which must outlive the router.
void AddNoticeRoutes(ApiRouter& api, const AppealsApiDeps& deps);

}  // namespace lianxin
