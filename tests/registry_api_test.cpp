// The registry API through the whole server's router (App::BuildRouter) on a
// small demo county: lists, paging and filters, scope, create/update with
// the importer's validation, uploads, exports, reveals and their audit.
#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "lianxin/validate.hpp"

namespace lianxin::testing {
namespace {

using nlohmann::json;

// A valid ID number born on `date` (YYYYMMDD) with sequence `seq`, in the demo county.
std::string IdNumber(const std::string& date, int seq) {
  char first17[18];
  std::snprintf(first17, sizeof first17, "149901%s%03d", date.c_str(), seq);
  return std::string(first17) + IdCheckCharacter(first17);
}

json NewHousehold(const std::string& code, const std::string& head_id) {
  return {{"code", code},
          {"village_code", "149901001001"},
          {"head_name", "测试户"},
          {"head_id_number", head_id},
          {"phone", "13912345678"},
          {"size", 2},
          {"income_per_capita", 6100},
          {"needs", {"低收入"}},
          {"address", "东岭村99号"},
          {"members",
           {{{"id_number", head_id}, {"name", "测试户"}, {"relation", "户主"}},
            {{"id_number", IdNumber("20100304", 22)}, {"name", "测试子"}, {"relation", "子女"}}}}};
}

class RegistryApiTest : public ApiFixture {};

TEST_F(RegistryApiTest, ListsPageThroughEveryHouseholdInScope) {
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  HttpResponse first = Call("GET", "/api/v1/households?limit=7", "", county.headers);
  ASSERT_EQ(first.status, 200) << first.body;
  std::int64_t total = Json(first)["total"];
  ASSERT_GT(total, 7);
  std::set<std::string> seen;
  std::string target = "/api/v1/households?limit=7";
  for (int pages = 0; pages < 1000; ++pages) {
    json page = Json(Call("GET", target, "", county.headers));
    for (const json& item : page["items"]) {
      EXPECT_TRUE(seen.insert(item["code"].get<std::string>()).second) << item["code"];
      std::string id = item["head_id_number"];
      EXPECT_TRUE(id.empty() || id.find('*') != std::string::npos) << "masked: " << id;
    }
    if (page["next"].is_null()) break;
    target = "/api/v1/households?limit=7&cursor=" + page["next"].get<std::string>();
  }
  EXPECT_EQ(static_cast<std::int64_t>(seen.size()), total);

  // A township admin elsewhere sees none of them, and no single one.
  SignedInAs other = SignIn("other", {Role::kTownshipAdmin}, {ScopeKind::kRegion, kOtherTownship});
  EXPECT_EQ(Json(Call("GET", "/api/v1/households", "", other.headers))["total"], 0);
  // Out of scope and nonexistent answer alike: the same status, the same body.
  HttpResponse outside = Call("GET", "/api/v1/households/" + *seen.begin(), "", other.headers);
  HttpResponse missing = Call("GET", "/api/v1/households/1499010010019999", "", other.headers);
  EXPECT_EQ(outside.status, 404);
  EXPECT_EQ(outside.status, missing.status);
  EXPECT_EQ(outside.body, missing.body);

  EXPECT_EQ(Call("GET", "/api/v1/households?limit=0", "", county.headers).status, 400);
  EXPECT_EQ(Json(Call("GET", "/api/v1/households?limit=x", "", county.headers))["error"]["field"], "limit");
  EXPECT_EQ(Call("GET", "/api/v1/households?cursor=garbage!", "", county.headers).status, 400);
  json villages = Json(Call("GET", "/api/v1/regions?region=149901001000&q=村", "", county.headers));
  EXPECT_GT(villages["total"].get<int>(), 0);
  for (const json& region : villages["items"]) {
    EXPECT_EQ(region["code"].get<std::string>().substr(0, 9), "149901001");
  }
}

TEST_F(RegistryApiTest, GetsAHouseholdWithItsMembers) {
  SignedInAs cadre = SignIn("cadre", {Role::kCadre}, {ScopeKind::kRegion, kTownship});
  HttpResponse got = Call("GET", "/api/v1/households/1499010010010001", "", cadre.headers);
  ASSERT_EQ(got.status, 200) << got.body;
  json household = Json(got);
  EXPECT_EQ(household["code"], "1499010010010001");
  ASSERT_FALSE(household["members"].empty());
  EXPECT_EQ(household["members"][0].count("household_code"), 0u);
  EXPECT_EQ(Call("GET", "/api/v1/households/1499010010019999", "", cadre.headers).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/households/1499010010010001").status, 401) << "not signed in";
}

TEST_F(RegistryApiTest, CreatesAndUpdatesWithTheImportersValidation) {
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  std::string head = IdNumber("19700101", 11);
  json household = NewHousehold("1499010010019001", head);

  HttpResponse created = Call("POST", "/api/v1/households", household.dump(), county.headers);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Json(created)["members"].size(), 2u);
  EXPECT_EQ(Json(created)["head_id_number"].get<std::string>().find(head), std::string::npos) << "masked";
  EXPECT_EQ(Call("POST", "/api/v1/households", household.dump(), county.headers).status, 409);

  // Every problem, by JSON field; nothing written.
  json bad = NewHousehold("1499010010019002", head.substr(0, 17) + (head[17] == '1' ? "2" : "1"));
  bad["size"] = "many";
  HttpResponse refused = Call("POST", "/api/v1/households", bad.dump(), county.headers);
  ASSERT_EQ(refused.status, 400) << refused.body;
  std::set<std::string> fields;
  json problems = Json(refused)["problems"];
  for (const json& problem : problems) fields.insert(problem["field"].get<std::string>());
  EXPECT_TRUE(fields.count("head_id_number")) << refused.body;
  EXPECT_TRUE(fields.count("size")) << refused.body;
  EXPECT_EQ(Call("GET", "/api/v1/households/1499010010019002", "", county.headers).status, 404);

  json unknown = household;
  unknown["colour"] = "red";
  EXPECT_EQ(Json(Call("POST", "/api/v1/households", unknown.dump(), county.headers))["error"]["field"],
            "colour");

  // Update: the address changes, the journal says who.
  json update = {{"village_code", "149901001001"}, {"head_name", "测试户"},
                 {"head_id_number", head},         {"size", 2},
                 {"income_per_capita", 6100},      {"address", "东岭村100号"}};
  HttpResponse updated = Call("PUT", "/api/v1/households/1499010010019001", update.dump(), county.headers);
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(Json(updated)["address"], "东岭村100号");
  // Only what is given changes: the ID number and phone, which the client
  // only ever sees masked, stay as they were.
  HttpResponse address_only = Call("PUT", "/api/v1/households/1499010010019001",
                                   json{{"address", "东岭村101号"}}.dump(), county.headers);
  ASSERT_EQ(address_only.status, 200) << address_only.body;
  EXPECT_EQ(Json(address_only)["address"], "东岭村101号");
  EXPECT_EQ(Json(address_only)["phone"], Json(created)["phone"]);
  json reveal = {
      {"kind", "households"}, {"id", "1499010010019001"}, {"field", "head_id_number"}, {"reason", "核对"}};
  EXPECT_EQ(Json(Call("POST", "/api/v1/reveal", reveal.dump(), county.headers))["value"], head);
  update["code"] = "1499010010019003";
  EXPECT_EQ(Call("PUT", "/api/v1/households/1499010010019001", update.dump(), county.headers).status, 400);
  EXPECT_EQ(Call("PUT", "/api/v1/households/1499010010019555", json{{"address", "x"}}.dump(), county.headers)
                .status,
            404);

  std::unique_ptr<Store> store =
      std::move(Store::Open(DbTarget(path_), DbOptions(path_, nullptr, false))).value();
  std::int64_t checked = 0;
  EXPECT_TRUE(store->VerifyJournal(&checked).ok());
  Result<std::vector<JournalEntry>> journal = store->ReadJournal(checked - 1, 5);
  ASSERT_TRUE(journal.ok());
  ASSERT_FALSE(journal->empty());
  EXPECT_EQ(journal->back().actor, "county");
}

TEST_F(RegistryApiTest, WritesOutsideTheScopeAreRefusedWhole) {
  SignedInAs other = SignIn("other", {Role::kTownshipAdmin}, {ScopeKind::kRegion, kOtherTownship});
  json household = NewHousehold("1499010010019001", IdNumber("19700101", 11));
  HttpResponse refused = Call("POST", "/api/v1/households", household.dump(), other.headers);
  EXPECT_EQ(refused.status, 404) << refused.body;
  EXPECT_NE(refused.body.find("not_found"), std::string::npos);
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  EXPECT_EQ(Call("GET", "/api/v1/households/1499010010019001", "", county.headers).status, 404)
      << "nothing written";
  SignedInAs cadre = SignIn("cadre", {Role::kCadre}, {ScopeKind::kRegion, kCounty});
  EXPECT_EQ(Call("POST", "/api/v1/households", household.dump(), cadre.headers).status, 403)
      << "cadres read only";
}

TEST_F(RegistryApiTest, UploadsACsvAllOrNothingWithRowsAndColumns) {
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  std::string good =
      "区划代码,名称,级别,上级代码\n149901001091,新村一,村,149901001000\n149901001092,新村二,村,"
      "149901001000\n";
  HttpResponse dry = Call("POST", "/api/v1/regions/upload?dry_run=true", good, county.headers);
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(Json(dry)["rows"], 2);
  EXPECT_EQ(Call("GET", "/api/v1/regions/149901001091", "", county.headers).status, 404) << "dry run";
  HttpResponse done = Call("POST", "/api/v1/regions/upload", good, county.headers);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(Json(done)["inserted"], 2);
  EXPECT_EQ(Call("GET", "/api/v1/regions/149901001091", "", county.headers).status, 200);

  std::string bad =
      "区划代码,名称,级别,上级代码\n149901001093,新村三,村,149901001000\n14990100109X,新村四,村,"
      "149901001000\n";
  HttpResponse refused = Call("POST", "/api/v1/regions/upload", bad, county.headers);
  ASSERT_EQ(refused.status, 400) << refused.body;
  json problem = Json(refused)["problems"][0];
  EXPECT_EQ(problem["row"], 3);
  EXPECT_EQ(problem["column"], "区划代码");
  EXPECT_EQ(Call("GET", "/api/v1/regions/149901001093", "", county.headers).status, 404) << "all or nothing";
}

TEST_F(RegistryApiTest, ExportsAreMaskedScopedAndAudited) {
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  HttpResponse csv = Call("GET", "/api/v1/households/export?format=csv", "", county.headers);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_NE(std::string(csv.headers.Get("Content-Type").value_or("")).find("text/csv"), std::string::npos);
  EXPECT_NE(csv.body.find("1499010010010001"), std::string::npos);
  EXPECT_NE(csv.body.find("*"), std::string::npos);
  HttpResponse xlsx = Call("GET", "/api/v1/households/export", "", county.headers);
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.rfind("PK", 0), 0u);

  SignedInAs other = SignIn("other", {Role::kTownshipAdmin}, {ScopeKind::kRegion, kOtherTownship});
  HttpResponse none = Call("GET", "/api/v1/households/export?format=csv", "", other.headers);
  ASSERT_EQ(none.status, 200);
  EXPECT_EQ(none.body.find("1499010010010001"), std::string::npos) << "out of scope";

  Result<std::vector<AuditRecord>> audit = app_->users().ReadAudit({.action = "export"});
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 3u);
  EXPECT_EQ(audit->back().event.actor, "county");
}

TEST_F(RegistryApiTest, RevealNeedsAReasonAndIsAudited) {
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  std::string head = IdNumber("19700101", 11);
  ASSERT_EQ(Call("POST", "/api/v1/households", NewHousehold("1499010010019001", head).dump(), county.headers)
                .status,
            201);
  json ask = {{"kind", "households"}, {"id", "1499010010019001"}, {"field", "head_id_number"}};
  HttpResponse no_reason = Call("POST", "/api/v1/reveal", ask.dump(), county.headers);
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(Json(no_reason)["error"]["field"], "reason");
  ask["reason"] = "核实低保申请 checking an application";
  HttpResponse shown = Call("POST", "/api/v1/reveal", ask.dump(), county.headers);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(Json(shown)["value"], head);
  json member = {{"kind", "members"},
                 {"id", "1499010010019001"},
                 {"member", 1},
                 {"field", "id_number"},
                 {"reason", "入户核对"}};
  HttpResponse child = Call("POST", "/api/v1/reveal", member.dump(), county.headers);
  ASSERT_EQ(child.status, 200) << child.body;
  EXPECT_EQ(Json(child)["value"], IdNumber("20100304", 22));

  SignedInAs other = SignIn("other", {Role::kTownshipAdmin}, {ScopeKind::kRegion, kOtherTownship});
  EXPECT_EQ(Call("POST", "/api/v1/reveal", ask.dump(), other.headers).status, 404);
  SignedInAs operator_ = SignIn("operator1", {Role::kOperator}, {ScopeKind::kRegion, kCounty});
  EXPECT_EQ(Call("POST", "/api/v1/reveal", ask.dump(), operator_.headers).status, 403)
      << "not a revealing role";

  Result<std::vector<AuditRecord>> audit = app_->users().ReadAudit({.action = "reveal"});
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_NE(audit->front().event.detail.find("入户核对"), std::string::npos);
  EXPECT_EQ(audit->front().event.detail.find(head), std::string::npos) << "the value is never logged";
}

}  // namespace
}  // namespace lianxin::testing
