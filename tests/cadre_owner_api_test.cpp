// The owner of a unit's cadres is the unit's county (store.hpp): through the
// API a township admin neither reads nor changes a unit's cadres, even when
// the unit holds villages of its township, and sees its own village members.
#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace lianxin::testing {
namespace {

using nlohmann::json;

class CadreOwnerApiTest : public ApiFixture {};

TEST_F(CadreOwnerApiTest, ATownshipAdminReachesNoUnitCadre) {
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  SignedInAs township = SignIn("township", {Role::kTownshipAdmin}, {ScopeKind::kRegion, kTownship});
  HttpResponse paired = Call("POST", "/api/v1/pairing/run", "{}", county.headers);
  ASSERT_EQ(paired.status, 200) << paired.body;
  // The units that hold the township's villages: the township sees them.
  json units = Json(Call("GET", "/api/v1/units?limit=1000", "", township.headers));
  ASSERT_GT(units["total"].get<int>(), 0) << "the demo pairs units with the township's villages";
  std::string unit = units["items"][0]["code"];
  // Their cadres, as the county sees them.
  json all = Json(Call("GET", "/api/v1/cadres?limit=1000", "", county.headers));
  std::string unit_cadre;
  for (const json& c : all["items"]) {
    if (c["unit_code"] == unit) unit_cadre = c["code"];
  }
  ASSERT_FALSE(unit_cadre.empty());

  json listed = Json(Call("GET", "/api/v1/cadres?limit=1000", "", township.headers));
  for (const json& c : listed["items"]) EXPECT_EQ(c["unit_code"], "") << c.dump();
  EXPECT_EQ(Call("GET", "/api/v1/cadres/" + unit_cadre, "", township.headers).status, 404);
  json record = Json(Call("GET", "/api/v1/cadres/" + unit_cadre, "", county.headers));
  // Refused for scope before anything else is looked at (the county would
  // be told about the masked fields instead).
  record["title"] = "改过";
  EXPECT_EQ(Call("PUT", "/api/v1/cadres/" + unit_cadre, record.dump(), township.headers).status, 404);
  EXPECT_EQ(Call("PUT", "/api/v1/cadres/" + unit_cadre, record.dump(), county.headers).status, 400);
}

}  // namespace
}  // namespace lianxin::testing
