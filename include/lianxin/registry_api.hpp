// The registry under /api/v1/ (PRODUCT.md §1): regions, units, orgs, cadres
// and households with their members, behind the access gate (access.hpp).
//
// For each KIND of regions, units, orgs, cadres, households:
//   GET  /api/v1/KIND?region=CODE&q=TEXT&limit=N&cursor=C
//        → {"items":[…],"next":"…"|null,"total":N}; only what the caller's
//          scope reaches; limit 1..1000 (default 50)
//   GET  /api/v1/KIND/{id}          one record by its natural key (a
//                                   household with "members":[…])
//   POST /api/v1/KIND               create → 201 (409 exists)
//   PUT  /api/v1/KIND/{id}          update → 200 (404 unknown): the members
//                                   given replace the stored values, the
//                                   rest (masked ID numbers and phones
//                                   included) are kept
//   POST /api/v1/KIND/upload[?dry_run=true]   a CSV or XLSX file as the body
//   GET  /api/v1/KIND/export?format=xlsx|csv  the caller's records as a file
// and POST /api/v1/members/upload, GET /api/v1/members/export.
//
// A record is a JSON object whose members are the columns of the import
// files by their English names (registry/columns.cpp: "code", "village_code",
// "head_name", …), every value as the export writes it: text, with ID numbers
// and phones masked. Create and update take the same object (numbers,
// booleans and arrays of text are accepted too) and go through the same
// validation as `lianxin import`, so an API write and a file row are refused
// for the same reasons; the refusal is 400 with every problem:
//   {"error":{"code":"invalid_input","message":…,"field":…},
//    "problems":[{"row":…,"column":…,"field":…,"message":…}]}
// (row and column are the file's for an upload; field is the JSON member).
// Every write is one group-commit job, all of it or nothing, journaled, and
// refused (403 out_of_scope, nothing written) when any record it writes
// would lie outside the caller's scope.
//
//   POST /api/v1/reveal {"kind":"households"|"cadres"|"members","id":…,
//        "field":"head_id_number"|"id_number"|"phone","member":N,"reason":…}
//        → {"value":…}: one ID number or phone in full, for a record in the
//          caller's scope, with a reason; audited (action "reveal") before it
//          is answered. `member` is the index in the household's "members".
// Exports are audited too (action "export").
#pragma once

#include "lianxin/access.hpp"
#include "lianxin/auth.hpp"
#include "lianxin/config.hpp"
#include "lianxin/settings.hpp"
#include "lianxin/store_pool.hpp"
#include "lianxin/writer.hpp"

namespace lianxin {

struct RegistryApiDeps {
  GroupCommitWriter& writer;  // every write
  StorePool& reads;           // every read
  const LiveConfig& config;   // validation rules (needs, skills), as in force
  UserRepository& audit;      // reveals and exports are audited here
  const Clock& clock;
};

void AddRegistryRoutes(ApiRouter& api, const RegistryApiDeps& deps);

}  // namespace lianxin
