// Hostile requests, sent for real over loopback to the whole API (App's
// router behind an HttpServer): each is refused with a 4xx before it can
// cost memory or the process, and the server answers /healthz afterwards.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "api_fixture.hpp"
#include "lianxin/http.hpp"

namespace lianxin::testing {
namespace {

// VmRSS of this process in KiB, or -1 where /proc has none.
long ResidentKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return -1;
}

std::string Nested(size_t depth, std::string_view inner = "0") {
  return std::string(depth, '[') + std::string(inner) + std::string(depth, ']');
}

class HostileRequestTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    if (HasFatalFailure()) return;
    ServerOptions options = app_->server_options();
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    options.handler_threads = 4;
    options.access_log = false;
    server_ = std::make_unique<HttpServer>(options, app_->BuildRouter(), app_->metrics());
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(60, 0);
    client_->set_write_timeout(60, 0);
  }
  void TearDown() override {
    if (server_) server_->Stop();
    app_->Stop();
  }

  // The error code and message of a JSON error response.
  static std::string Message(const httplib::Result& result) {
    nlohmann::json body = nlohmann::json::parse(result->body, nullptr, false);
    return body.is_object() ? body["error"].value("message", "") : result->body;
  }

  void ExpectHealthy() {
    httplib::Result health = client_->Get("/healthz");
    ASSERT_TRUE(health) << "the server no longer answers";
    EXPECT_EQ(health->status, 200);
  }

  httplib::Headers Signed(const SignedInAs& who) {
    httplib::Headers headers;
    for (const auto& [name, value] : who.headers) headers.emplace(name, value);
    return headers;
  }

  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HostileRequestTest, SignInRefusesAHugeNestedBodyUnread) {
  // 8 MiB of '[' (just within the server's body limit): once ~600 MB of
  // arrays, built before anyone had signed in, and kept by the allocator.
  long before = ResidentKiB();
  httplib::Result result =
      client_->Post("/api/v1/session", std::string(8 * 1024 * 1024 - 64, '['), "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 413) << result->body;
  long after = ResidentKiB();
  if (before > 0 && after > 0) {
    EXPECT_LT(after - before, 64 * 1024) << "KiB grown by one refused request";
  }
  ExpectHealthy();
}

TEST_F(HostileRequestTest, SignInRefusesNestingWithinItsBodyLimit) {
  httplib::Result result =
      client_->Post("/api/v1/session", "{\"username\":" + Nested(2000) + "}", "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400) << result->body;
  EXPECT_NE(Message(result).find("json_too_deep"), std::string::npos) << result->body;
  ExpectHealthy();
}

TEST_F(HostileRequestTest, HouseholdWriteRefusesMembersNestedDeep) {
  SignedInAs admin = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  // ~200,000 deep once killed the process (SIGSEGV) on the way through.
  std::string body =
      R"({"code":"1499010010019001","village_code":"149901001001","members":)" + Nested(200'000, "{}") + "}";
  httplib::Result result = client_->Post("/api/v1/households", Signed(admin), body, "application/json");
  ASSERT_TRUE(result) << "no answer: the server died";
  EXPECT_EQ(result->status, 400) << result->body.substr(0, 200);
  EXPECT_NE(Message(result).find("json_too_deep"), std::string::npos) << result->body.substr(0, 200);
  ExpectHealthy();
}

TEST_F(HostileRequestTest, HouseholdWriteRefusesTooManyValues) {
  SignedInAs admin = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  const std::int64_t limit = app_->config().server.json_max_values;
  std::string members;
  for (std::int64_t i = 0; i <= limit; ++i) members += i == 0 ? "0" : ",0";
  std::string body = R"({"code":"1499010010019001","members":[)" + members + "]}";
  httplib::Result result = client_->Post("/api/v1/households", Signed(admin), body, "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400) << result->body.substr(0, 200);
  EXPECT_NE(Message(result).find("json_too_large"), std::string::npos) << result->body.substr(0, 200);
  ExpectHealthy();
}

TEST(JsonBodyTest, LimitsDepthAndValuesAndKeepsWhatFits) {
  JsonLimits limits{.max_depth = 3, .max_values = 6};
  Result<nlohmann::json> fits = ParseJsonBody(R"({"a":[1,{"b":2}]})", limits);
  ASSERT_TRUE(fits.ok()) << fits.status().ToString();
  EXPECT_EQ((*fits)["a"][1]["b"], 2);
  Result<nlohmann::json> deep = ParseJsonBody(R"({"a":[[{"b":2}]]})", limits);
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().field(), "body");
  EXPECT_NE(deep.status().message().find("json_too_deep"), std::string::npos);
  Result<nlohmann::json> many = ParseJsonBody("[1,2,3,4,5,6]", limits);  // seven with the array
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.status().message().find("json_too_large"), std::string::npos);
  Result<nlohmann::json> broken = ParseJsonBody(R"({"a":)", limits);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("json_invalid"), std::string::npos);
}

}  // namespace
}  // namespace lianxin::testing
