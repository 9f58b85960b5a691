// Open311 GeoReport v2 as a client uses it on the small demo county:
// discovery and services in JSON and XML, a request posted form-encoded as
// FixMyStreet posts it (403 without a key), looked up by id, by token and
// with requests.xml?service_request_id=, followed through
// servicerequestupdates until closed; a household's own appeals never show.
#include "lianxin/open311_api.hpp"

#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace lianxin::testing {
namespace {

using nlohmann::json;

class Open311ApiTest : public ApiFixture {
 protected:
  void SetUp() override {
    manual_clock_ = true;  // the per-address limit counts calls a minute
    ApiFixture::SetUp();
    if (HasFatalFailure()) return;
    Status added = app_->writer().Write([&](Store& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("test"));
      LX_ASSIGN_OR_RETURN(key_, txn->AddApiKey("fixmystreet", kCounty));
      return txn->Commit();
    });
    ASSERT_TRUE(added.ok()) << added.ToString();
  }

  HttpResponse Form(const std::string& path, const std::string& body) {
    return Call("POST", path, body, {{"Content-Type", "application/x-www-form-urlencoded"}});
  }

  std::string key_;
};

TEST_F(Open311ApiTest, DiscoveryAndServicesInJsonAndXml) {
  HttpResponse discovery = Call("GET", "/open311/v2/discovery.json");
  ASSERT_EQ(discovery.status, 200) << discovery.body;
  EXPECT_EQ(json::parse(discovery.body)["endpoints"][0]["specification"],
            "http://wiki.open311.org/GeoReport_v2");
  HttpResponse services = Call("GET", "/open311/v2/services.json");
  ASSERT_EQ(services.status, 200);
  json list = json::parse(services.body);
  ASSERT_EQ(list.size(), Config::Defaults().appeals.topics.size());
  EXPECT_EQ(list[0]["service_code"], "roads");
  EXPECT_EQ(list[0]["metadata"], false);
  HttpResponse xml = Call("GET", "/open311/v2/services.xml");
  EXPECT_EQ(xml.headers.Get("Content-Type").value_or("").rfind("text/xml", 0), 0u);
  EXPECT_NE(xml.body.find("<services><service><service_code>roads</service_code>"), std::string::npos)
      << xml.body;
  HttpResponse definition = Call("GET", "/open311/v2/services/water.xml");
  EXPECT_EQ(definition.status, 200);
  EXPECT_NE(definition.body.find("<service_definition><service_code>water</service_code>"),
            std::string::npos);
  HttpResponse unknown = Call("GET", "/open311/v2/services/weather.json");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(json::parse(unknown.body)[0]["code"], 404);
  EXPECT_EQ(Call("GET", "/open311/v2/services").status, 404) << "a document needs its format";
}

TEST_F(Open311ApiTest, AClientPostsARequestAndFollowsItUntilClosed) {
  // Without a key, or with a wrong one: 403 in the spec's error list.
  HttpResponse no_key = Form("/open311/v2/requests.xml", "service_code=roads&description=pothole");
  EXPECT_EQ(no_key.status, 403);
  EXPECT_NE(no_key.body.find("<errors><error><code>403</code>"), std::string::npos) << no_key.body;
  EXPECT_EQ(Form("/open311/v2/requests.json", "api_key=lx_wrong&service_code=roads").status, 403);
  EXPECT_EQ(Form("/open311/v2/requests.json", "api_key=" + key_ + "&service_code=weather").status, 404);

  HttpResponse posted = Form("/open311/v2/requests.json",
                             "api_key=" + key_ +
                                 "&service_code=roads&description=%E6%9D%91%E5%8F%A3%E8%B7%AF%E5%9D%91"
                                 "&lat=36.11&long=113.20&address_string=%E4%B8%9C%E5%B2%AD%E6%9D%91"
                                 "&email=a%40example.org&first_name=Li&last_name=Si");
  ASSERT_EQ(posted.status, 200) << posted.body;
  const std::string id = json::parse(posted.body)[0]["service_request_id"];
  ASSERT_FALSE(id.empty());

  // FixMyStreet looks a request up with requests.xml?service_request_id=.
  HttpResponse looked = Call("GET", "/open311/v2/requests.xml?service_request_id=" + id);
  ASSERT_EQ(looked.status, 200);
  EXPECT_NE(looked.body.find("<service_request_id>" + id + "</service_request_id><status>open</status>"),
            std::string::npos)
      << looked.body;
  json one = json::parse(Call("GET", "/open311/v2/requests/" + id + ".json").body);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0]["service_code"], "roads");
  EXPECT_NE(one[0]["description"].get<std::string>().find("村口路坑"), std::string::npos);
  EXPECT_NE(one[0]["description"].get<std::string>().find("东岭村"), std::string::npos);
  EXPECT_EQ(one[0]["description"].get<std::string>().find("example.org"), std::string::npos)
      << "the reporter's contact is not published";
  EXPECT_EQ(json::parse(Call("GET", "/open311/v2/tokens/" + id + ".json").body)[0]["service_request_id"], id);

  // A household's own appeal is never listed.
  SignedInAs op = SignIn("op12345", {Role::kOperator}, {ScopeKind::kRegion, kCounty});
  SignedInAs county = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  HttpResponse private_appeal = Call(
      "POST", "/api/v1/appeals",
      json{{"household", "1499010010010001"}, {"type", "help"}, {"topic", "roads"}, {"content", "家里的事"}}
          .dump(),
      op.headers);
  ASSERT_EQ(private_appeal.status, 201) << private_appeal.body;
  const std::string private_id = json::parse(private_appeal.body)["id"];
  json all = json::parse(Call("GET", "/open311/v2/requests.json").body);
  ASSERT_EQ(all.size(), 1u) << all.dump();
  EXPECT_EQ(all[0]["service_request_id"], id);
  EXPECT_EQ(Call("GET", "/open311/v2/requests/" + private_id + ".json").status, 404);

  // The county takes it round the loop; the client sees each step.
  auto act = [&](json body) {
    HttpResponse r = Call("POST", "/api/v1/appeals/" + id + "/actions", body.dump(), county.headers);
    EXPECT_EQ(r.status, 200) << body.dump() << " " << r.body;
  };
  act({{"action", "dispatch"}, {"handler", kTownship}});
  act({{"action", "sign"}});
  act({{"action", "reply"}, {"note", "已安排修路"}});
  act({{"action", "close"}});
  json closed = json::parse(Call("GET", "/open311/v2/requests/" + id + ".json").body);
  EXPECT_EQ(closed[0]["status"], "closed");
  EXPECT_EQ(closed[0]["status_notes"], "已安排修路");
  EXPECT_EQ(json::parse(Call("GET", "/open311/v2/requests.json?status=open").body).size(), 0u);
  HttpResponse updates = Call("GET", "/open311/v2/servicerequestupdates.xml");
  ASSERT_EQ(updates.status, 200);
  EXPECT_NE(updates.body.find("<service_requests_updates><request_update>"), std::string::npos)
      << updates.body;
  json steps = json::parse(Call("GET", "/open311/v2/servicerequestupdates.json").body);
  ASSERT_EQ(steps.size(), 4u) << steps.dump();
  EXPECT_EQ(steps[3]["status"], "closed");
  EXPECT_EQ(steps[2]["description"], "答复: 已安排修路");
  EXPECT_EQ(Call("GET", "/open311/v2/requests.json?start_date=yesterday").status, 400);
}

TEST(Open311TimeTest, IsoTimesInAnyOffsetOrABareDate) {
  const std::int64_t noon_china = StartOfChinaDay({2026, 12, 5}) + 12 * 3'600'000;
  EXPECT_EQ(ParseIsoTime("2026-12-05T12:00:00+08:00"), noon_china);
  EXPECT_EQ(ParseIsoTime("2026-12-05T04:00:00Z"), noon_china);
  EXPECT_EQ(ParseIsoTime("2026-12-04T23:00:00-05:00"), noon_china);
  EXPECT_EQ(ParseIsoTime("2026-12-05T04:00:00.250Z"), noon_china);
  EXPECT_EQ(ParseIsoTime("2026-12-05"), StartOfChinaDay({2026, 12, 5}));
  for (const char* bad : {"", "2026-13-01", "2026-12-05T25:00:00Z", "2026-12-05T12:00:00+0800", "yesterday"})
    EXPECT_FALSE(ParseIsoTime(bad)) << bad;
}

TEST_F(Open311ApiTest, OneAddressIsLimitedToItsCallsAMinute) {
  const int limit = app_->config().server.open311_per_address_per_minute;
  ASSERT_GT(limit, 0);
  int refused = 0;
  for (int i = 0; i < limit + 5; ++i) {
    HttpResponse r = Call("GET", i % 2 ? "/open311/v2/services.xml" : "/open311/v2/requests.json");
    if (r.status != 429) continue;
    ++refused;
    EXPECT_EQ(r.headers.Get("Retry-After").value_or(""), "60");
    if (i % 2) {
      EXPECT_NE(r.body.find("<code>429</code>"), std::string::npos) << r.body;
    }
  }
  EXPECT_EQ(refused, 5);
  EXPECT_EQ(Form("/open311/v2/requests.json", "api_key=" + key_ + "&service_code=roads").status, 429)
      << "posting counts too";
  clock_.Advance(60'000);
  EXPECT_EQ(Call("GET", "/open311/v2/services.json").status, 200) << "a minute later";
}

}  // namespace
}  // namespace lianxin::testing
