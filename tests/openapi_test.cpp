// The OpenAPI document (src/http/openapi.json) against the server as users
// reach it: App::BuildRouter's routes plus the server's built-ins. The
// document parses, names every route (method + pattern) and no other, says
// for each the roles the allow table lets in, and is served byte for byte.
// When a route is added, this test names it until the document and the
// allow table (src/http/access.cpp) describe it.
#include "http/openapi.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "lianxin/access.hpp"
#include "lianxin/app.hpp"
#include "test_util.hpp"

namespace lianxin::testing {
namespace {

using nlohmann::json;

// The keys of an OpenAPI path item that are operations.
const std::set<std::string> kOperationKeys = {"get",     "put",  "post",  "delete",
                                              "options", "head", "patch", "trace"};

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

std::string Name(const RouteInfo& route) { return route.method + " " + route.pattern; }

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A fresh, empty database is enough: the routes do not depend on data.
    const std::string path = dir_ / "openapi.db";
    Result<std::unique_ptr<Store>> store = Store::Open(DbTarget(path), DbOptions(path));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store->reset();
    Config config;
    config.key_file = path + ".key";
    Result<std::unique_ptr<App>> app = App::Open(DbTarget(path), config, SystemClock());
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = std::move(app).value();
    // Through HttpServer, which adds /healthz and /metrics: the router users
    // reach. It is never started.
    ServerOptions options = app_->server_options();
    options.threads = 1;
    server_ = std::make_unique<HttpServer>(options, app_->BuildRouter(), app_->metrics());
    document_ = json::parse(OpenApiDocument(), nullptr, false);
    ASSERT_TRUE(document_.is_object()) << "src/http/openapi.json is not a JSON object";
  }

  const json* Operation(const RouteInfo& route) const {
    const json& paths = document_["paths"];
    auto item = paths.find(route.pattern);
    if (item == paths.end()) return nullptr;
    auto operation = item->find(Lower(route.method));
    return operation == item->end() ? nullptr : &*operation;
  }

  // A parameter object, its $ref (#/components/parameters/NAME) followed.
  const json& Resolved(const json& parameter) const {
    auto ref = parameter.find("$ref");
    if (ref == parameter.end()) return parameter;
    static const std::string kPrefix = "#/components/parameters/";
    std::string target = ref->get<std::string>();
    if (target.rfind(kPrefix, 0) != 0) return parameter;
    return document_["components"]["parameters"][target.substr(kPrefix.size())];
  }

  std::vector<RouteInfo> Routes() const { return server_->router().Routes(); }

  TempDir dir_;
  std::unique_ptr<App> app_;
  std::unique_ptr<HttpServer> server_;  // after app_: destroyed first
  json document_;
};

TEST_F(OpenApiTest, DocumentIsOpenApi303) {
  EXPECT_EQ(document_.value("openapi", ""), "3.0.3");
  EXPECT_EQ(document_["info"].value("title", ""), "连心 Lianxin API");
  EXPECT_EQ(document_["info"].value("version", ""), "1");
  EXPECT_EQ(document_["servers"], json::parse(R"([{"url":"/"}])"));
  const json& schemes = document_["components"]["securitySchemes"];
  EXPECT_EQ(schemes["session"]["in"], "cookie");
  EXPECT_EQ(schemes["session"]["name"], "lx_session");
  EXPECT_EQ(schemes["csrf"]["in"], "header");
  EXPECT_EQ(schemes["csrf"]["name"], "X-CSRF-Token");
  for (const char* schema : {"Error", "Problem", "Page", "Region", "Unit", "Org", "Cadre", "Household",
                             "Member", "User", "AuditRecord", "PairingSummary"}) {
    EXPECT_TRUE(document_["components"]["schemas"].contains(schema)) << "no components/schemas/" << schema;
  }
}

TEST_F(OpenApiTest, DocumentNamesEveryRouteAndNoOther) {
  std::vector<RouteInfo> routes = Routes();
  ASSERT_FALSE(routes.empty());
  std::set<std::pair<std::string, std::string>> routed;
  for (const RouteInfo& route : routes) {
    routed.insert({route.method, route.pattern});
    EXPECT_NE(Operation(route), nullptr) << Name(route) << " is routed but not in src/http/openapi.json";
  }
  for (const auto& [pattern, item] : document_["paths"].items()) {
    for (const auto& [key, operation] : item.items()) {
      if (!kOperationKeys.count(key)) continue;
      EXPECT_TRUE(routed.count({Upper(key), pattern}))
          << Upper(key) << " " << pattern << " is in src/http/openapi.json but no route of the server";
    }
  }
}

TEST_F(OpenApiTest, EveryOperationDescribesItsRoute) {
  static const std::regex kParam(R"(\{([a-z_]+)\})");
  for (const RouteInfo& route : Routes()) {
    const json* operation = Operation(route);
    if (operation == nullptr) continue;  // reported by DocumentNamesEveryRouteAndNoOther
    EXPECT_FALSE(operation->value("summary", "").empty()) << Name(route) << ": no summary";
    EXPECT_TRUE(operation->contains("responses") && !(*operation)["responses"].empty())
        << Name(route) << ": no responses";
    // Every {param} of the pattern is a path parameter of the operation.
    for (std::sregex_iterator it(route.pattern.begin(), route.pattern.end(), kParam), end; it != end; ++it) {
      std::string name = (*it)[1];
      bool found = false;
      for (const json& parameter : operation->value("parameters", json::array())) {
        const json& p = Resolved(parameter);
        found = found || (p.value("in", "") == "path" && p.value("name", "") == name);
      }
      EXPECT_TRUE(found) << Name(route) << ": no path parameter " << name;
    }
  }
}

// The roles each operation names (x-roles, and its description) are the
// allow table's, so a reader of the document is told what the gate does.
TEST_F(OpenApiTest, RolesAreTheAllowTables) {
  for (const RouteInfo& route : Routes()) {
    const json* operation = Operation(route);
    const AccessRule* rule = FindRule(route.method, route.pattern);
    if (operation == nullptr || rule == nullptr) continue;  // reported by the other tests
    std::set<std::string> expected;
    if (rule->public_route) {
      expected.insert("public");
    } else {
      for (Role role : rule->roles) expected.insert(std::string(RoleToken(role)));
    }
    std::set<std::string> documented;
    for (const json& role : operation->value("x-roles", json::array()))
      documented.insert(role.get<std::string>());
    EXPECT_EQ(documented, expected) << Name(route) << ": x-roles differ from the allow table";
    // Public: no scheme; otherwise the session, and the CSRF token on an unsafe method.
    json security = operation->value("security", json());
    if (rule->public_route) {
      EXPECT_EQ(security, json::array()) << Name(route) << ": a public route needs no session";
    } else {
      json expected_security = {{{"session", json::array()}}};
      if (route.method != "GET") expected_security[0]["csrf"] = json::array();
      EXPECT_EQ(security, expected_security) << Name(route) << ": security";
    }
  }
}

TEST_F(OpenApiTest, EveryRouteHasARuleAndEveryRuleARoute) {
  std::set<std::pair<std::string, std::string>> routed;
  for (const RouteInfo& route : Routes()) {
    routed.insert({route.method, route.pattern});
    EXPECT_NE(FindRule(route.method, route.pattern), nullptr)
        << Name(route) << " is routed but has no rule in AllowTable() (src/http/access.cpp)";
  }
  for (const AccessRule& rule : AllowTable()) {
    EXPECT_TRUE(routed.count({rule.method, rule.pattern}))
        << rule.method << " " << rule.pattern << " has a rule in AllowTable() but no route";
  }
}

TEST_F(OpenApiTest, ServedByteForByte) {
  HttpRequest request;
  request.method = "GET";
  ASSERT_TRUE(request.SetTarget("/api/v1/openapi.json").ok());
  request.remote_address = "127.0.0.1";
  HttpResponse response = server_->router().Handle(request);
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.headers.Get("Content-Type").value_or("").rfind("application/json", 0), 0u);
  EXPECT_TRUE(response.body == OpenApiDocument()) << "the body differs from src/http/openapi.json";
}

}  // namespace
}  // namespace lianxin::testing
