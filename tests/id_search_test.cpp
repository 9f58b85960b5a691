// Search by ID number: only in a POST body (POST /api/v1/KIND/search), never
// in a URL; the GET list refuses a whole ID number in `q` and says where to go.
#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "lianxin/validate.hpp"

namespace lianxin::testing {
namespace {

using nlohmann::json;

std::string IdNumber(const std::string& date, int seq) {
  char first17[18];
  std::snprintf(first17, sizeof first17, "149901%s%03d", date.c_str(), seq);
  return std::string(first17) + IdCheckCharacter(first17);
}

class IdSearchTest : public ApiFixture {
 protected:
  // A household whose head holds `id`, created by the county.
  void AddHousehold(const std::string& code, const std::string& id) {
    SignedInAs county = SignIn("maker", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
    json household = {{"code", code},
                      {"village_code", "149901001001"},
                      {"head_name", "查找户"},
                      {"head_id_number", id},
                      {"size", 1},
                      {"income_per_capita", 6100},
                      {"address", "东岭村98号"},
                      {"members", {{{"id_number", id}, {"name", "查找户"}, {"relation", "户主"}}}}};
    HttpResponse made = Call("POST", "/api/v1/households", household.dump(), county.headers);
    ASSERT_EQ(made.status, 201) << made.body;
  }
};

TEST_F(IdSearchTest, AWholeIdNumberIsRefusedInTheUrlAndFoundInTheBody) {
  const std::string id = IdNumber("19700101", 31);
  AddHousehold("1499010010019031", id);
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});

  HttpResponse refused = Call("GET", "/api/v1/households?q=" + id, "", county.headers);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(Json(refused)["error"]["field"], "q");
  EXPECT_NE(refused.body.find("POST /api/v1/households/search"), std::string::npos) << refused.body;
  EXPECT_EQ(refused.body.find(id), std::string::npos) << "the answer does not echo the number";
  // Shaped like one but invalid (bad check digit): still not in a URL.
  std::string wrong = id.substr(0, 17) + (id[17] == '0' ? "1" : "0");
  EXPECT_EQ(Call("GET", "/api/v1/cadres?q=" + wrong, "", county.headers).status, 400);

  HttpResponse found =
      Call("POST", "/api/v1/households/search", json{{"q", id}, {"limit", 5}}.dump(), county.headers);
  ASSERT_EQ(found.status, 200) << found.body;
  json page = Json(found);
  EXPECT_EQ(page["total"], 1);
  ASSERT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["items"][0]["code"], "1499010010019031");

  // The caller's scope still holds.
  SignedInAs other = SignIn("other", {Role::kTownshipAdmin}, {ScopeKind::kRegion, kOtherTownship});
  HttpResponse outside = Call("POST", "/api/v1/households/search", json{{"q", id}}.dump(), other.headers);
  ASSERT_EQ(outside.status, 200) << outside.body;
  EXPECT_EQ(Json(outside)["total"], 0);
}

TEST_F(IdSearchTest, TheBodyTakesTheListFiltersAndNothingElse) {
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  // The same page as the GET list with the same filters.
  HttpResponse get = Call("GET", "/api/v1/households?region=149901001001&limit=3", "", county.headers);
  HttpResponse post = Call("POST", "/api/v1/households/search",
                           json{{"region", "149901001001"}, {"limit", 3}}.dump(), county.headers);
  ASSERT_EQ(get.status, 200) << get.body;
  ASSERT_EQ(post.status, 200) << post.body;
  EXPECT_EQ(Json(get)["items"], Json(post)["items"]);
  EXPECT_EQ(Json(get)["total"], Json(post)["total"]);
  EXPECT_GT(Json(post)["total"].get<int>(), 3);

  auto field_of = [&](const json& body) {
    HttpResponse r = Call("POST", "/api/v1/households/search", body.dump(), county.headers);
    EXPECT_EQ(r.status, 400) << r.body;
    return Json(r)["error"]["field"];
  };
  EXPECT_EQ(field_of({{"limit", 0}}), "limit");
  EXPECT_EQ(field_of({{"limit", "7"}}), "limit");
  EXPECT_EQ(field_of({{"q", 5}}), "q");
  EXPECT_EQ(field_of({{"id_number", "x"}}), "id_number");
}

}  // namespace
}  // namespace lianxin::testing
