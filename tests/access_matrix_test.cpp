// The access matrix: every route of the server × every role × a caller whose
// scope holds the record and one whose scope does not, checked against the
// one allow table (src/http/access.cpp). A route missing from the table
// fails here, and so does a handler that forgets the caller's scope.
#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "lianxin/validate.hpp"

namespace lianxin::testing {
namespace {

using nlohmann::json;

// Records of the small demo county that a county scope holds and a scope of
// township 013 (where the fixture generates no households, and without a
// pairing run no unit holds a village) does not.
constexpr char kHousehold[] = "1499010010010001";
constexpr char kVillage[] = "149901001001";

class AccessMatrixTest : public ApiFixture {
 protected:
  // The first record of a kind that a county scope reaches, found as the
  // API itself lists it.
  std::string FirstOf(const std::string& kind, const Headers& county, const std::string& filter = "") {
    json page = Json(Call("GET", "/api/v1/" + kind + "?limit=1" + filter, "", county));
    EXPECT_FALSE(page["items"].empty()) << kind;
    return page["items"].empty() ? "" : page["items"][0]["code"].get<std::string>();
  }

  // The record of `kind` the paths name, as a body that passes validation
  // (masked and computed fields left out): unchanged for PUT, under a new
  // code for POST, so the handler gets as far as its scope check.
  json Sample(const std::string& kind, const std::string& id, const Headers& county) {
    json record = Json(Call("GET", "/api/v1/" + kind + "/" + id, "", county));
    for (const char* field : {"head_id_number", "id_number", "phone", "difficulty", "tier", "members"}) {
      record.erase(field);
    }
    return record;
  }
  std::string NewCode(const std::string& kind) {
    std::string code = samples_[kind]["code"];
    std::string suffix = std::to_string(900 + ++created_);
    return code.substr(0, code.size() - suffix.size()) + suffix;
  }

  std::string KindOf(const RouteInfo& route) {
    std::string rest = route.pattern.substr(std::string("/api/v1/").size());
    return rest.substr(0, rest.find('/'));
  }

  json BodyFor(const RouteInfo& route) {
    const std::string& p = route.pattern;
    std::string kind = KindOf(route);
    if (p.ends_with("/search")) return {{"q", kVillage}};
    if (samples_.count(kind) && !p.ends_with("/export") && !p.ends_with("/upload")) {
      json body = samples_[kind];
      if (route.method == "POST") body["code"] = NewCode(kind);
      return body;
    }
    if (p == "/api/v1/reveal") {
      return {{"kind", "households"}, {"id", kHousehold}, {"field", "phone"}, {"reason", "matrix"}};
    }
    if (p == "/api/v1/tasks/progress") {
      return {{"household", kHousehold}, {"need", "低收入"}, {"progress", 50}, {"cadre", cadre_}};
    }
    if (p == "/api/v1/visits") {
      return {{"household", kHousehold}, {"kind", "home_visit"}, {"cadre", cadre_}};
    }
    if (p == "/api/v1/appeals") {
      return {{"household", kHousehold}, {"type", "help"}, {"topic", "water"}, {"content", "matrix"}};
    }
    if (p == "/api/v1/appeals/{id}/actions") return {{"action", "sign"}};
    if (p == "/api/v1/decisions") {
      return {{"meeting", "矩阵会议"}, {"meeting_date", "2026-01-05"}, {"decision", "矩阵"},
              {"handler", cadre_},     {"supervisor", unit_},          {"deadline", "2026-12-31"}};
    }
    if (p == "/api/v1/decisions/{id}/progress") return {{"progress", 50}};
    if (p == "/api/v1/notices")
      return {{"region", std::string(kVillage).substr(0, 9) + "000"}, {"month", "2026-11"}};
    if (p == "/api/v1/inspections") {
      return {{"region", std::string(kVillage).substr(0, 9) + "000"},
              {"month", "2026-12"},
              {"seed", "matrix"},
              {"villages", 1},
              {"households", 1}};
    }
    if (p == "/api/v1/callbacks") {
      return {
          {"region", std::string(kVillage).substr(0, 9) + "000"}, {"month", "2026-12"}, {"seed", "matrix"}};
    }
    if (p == "/api/v1/callbacks/{id}") return {{"outcome", "confirmed"}};
    if (p == "/api/v1/inspections/{id}/checks") {
      return {{"household", kHousehold}, {"knows_cadre", true}, {"visits", "yes"}};
    }
    // The ledger's entries, for the county's township 001.
    const std::string township = std::string(kVillage).substr(0, 9) + "000";
    if (p == "/api/v1/ledger/calendar") return {{"month", "2026-08"}, {"note", "矩阵"}};
    if (p == "/api/v1/ledger/meetings") {
      return {{"region", township}, {"date", "2026-10-10"}, {"title", "矩阵会"},    {"minutes", 30},
              {"attendees", 5},     {"cost_yuan", 0},       {"approved_by", "矩阵"}};
    }
    if (p == "/api/v1/ledger/receptions") {
      return {{"region", township}, {"date", "2026-10-10"},    {"visitors", "矩阵"}, {"reported_to", "纪委"},
              {"companions", 1},    {"meal_people", 0},        {"meal_yuan", 0},     {"banquet", false},
              {"banners", false},   {"welcome_crowds", false}, {"carpets", false},   {"flowers", false}};
    }
    if (p == "/api/v1/ledger/expenses") {
      return {{"region", township},
              {"date", "2026-10-10"},
              {"line", "other"},
              {"item", "矩阵"},
              {"amount_yuan", 1}};
    }
    // The ledger's limits; each allowed PUT is one more version, so the
    // version is not known here: a stale one (409) still shows the gate let
    // the caller through.
    if (p == "/api/v1/settings/{section}") return {{"values", {{"max_companions", 4}}}, {"version", 0}};
    if (p == "/api/v1/settings/{section}/reset") return {{"version", 0}};
    if (p == "/api/v1/pairing/pins") {
      return {{"kind", "contact"}, {"holder", cadre_}, {"held", kHousehold}, {"reason", "matrix"}};
    }
    return json::object();
  }

  // An upload of one new record of the route's kind, with English headers.
  std::string UploadFor(const RouteInfo& route) {
    std::string kind = KindOf(route);
    if (kind == "members") {
      char first17[18];
      std::snprintf(first17, sizeof first17, "14990120100101%03d", ++created_);
      return std::string("id_number,household_code,name,relation\n") + first17 + IdCheckCharacter(first17) +
             "," + kHousehold + ",矩阵子,子女\n";
    }
    if (!samples_.count(kind)) return "x\n";
    json body = samples_[kind];
    body["code"] = NewCode(kind);
    std::string header, row;
    for (const auto& [field, value] : body.items()) {
      header += (header.empty() ? "" : ",") + field;
      row += (row.empty() ? "" : ",") + value.get<std::string>();
    }
    return header + "\n" + row + "\n";
  }

  std::string PathFor(const RouteInfo& route) {
    std::string path = route.pattern;
    if (size_t section = path.find("{section}"); section != std::string::npos)
      return path.replace(section, 9, "ledger");
    size_t at = path.find("{id}");
    if (at == std::string::npos) return path;
    std::string id = kHousehold;
    if (path.rfind("/api/v1/regions/", 0) == 0) id = kVillage;
    if (path.rfind("/api/v1/units/", 0) == 0) id = unit_;
    if (path.rfind("/api/v1/cadres/", 0) == 0) id = cadre_;
    if (path.rfind("/api/v1/orgs/", 0) == 0) id = org_;
    if (path.rfind("/api/v1/users/", 0) == 0) id = "nobody";
    return path.replace(at, 4, id);
  }

  int created_ = 0;
  std::string unit_, cadre_, org_;
  std::map<std::string, json> samples_;
};

TEST_F(AccessMatrixTest, EveryRouteRoleAndScopeMatchesTheAllowTable) {
  SignedInAs county = SignIn("probe", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  unit_ = FirstOf("units", county.headers);
  cadre_ = FirstOf("cadres", county.headers);
  org_ = FirstOf("orgs", county.headers, "&region=" + std::string(kVillage));
  samples_ = {{"households", Sample("households", kHousehold, county.headers)},
              {"regions", Sample("regions", kVillage, county.headers)},
              {"units", Sample("units", unit_, county.headers)},
              {"cadres", Sample("cadres", cadre_, county.headers)},
              {"orgs", Sample("orgs", org_, county.headers)}};

  std::vector<RouteInfo> routes = router_.Routes();
  ASSERT_GT(routes.size(), 40u);
  // One account per role and scope; each check signs in afresh, so a route
  // that ends the session (sign-out, password change) cannot spoil the next.
  struct Account {
    std::string username;
    Role role;
    bool in_scope;
  };
  std::vector<Account> accounts;
  for (Role role : AllRoles()) {
    if (role == Role::kPublic) continue;
    for (bool in_scope : {true, false}) {
      std::string name = std::string(RoleToken(role)) + (in_scope ? "-in" : "-out");
      std::replace(name.begin(), name.end(), '_', '.');
      Scope scope = {ScopeKind::kRegion, in_scope ? kCounty : kOtherTownship};
      if (IsSeparatedAdmin(role)) scope = {};
      Actor cli{"cli:test", "local"};
      ASSERT_TRUE(app_->auth().CreateUser(cli, name, name, {role}, scope).ok()) << name;
      ASSERT_TRUE(app_->auth().SetPassword(cli, name, kApiPassword, false).ok()) << name;
      accounts.push_back({name, role, in_scope});
    }
  }

  int checks = 0;
  for (const RouteInfo& route : routes) {
    const AccessRule* rule = FindRule(route.method, route.pattern);
    ASSERT_NE(rule, nullptr) << route.method << " " << route.pattern << " is not in the allow table";
    std::string path = PathFor(route);
    bool upload = route.pattern.ends_with("/upload");

    // Nobody signed in.
    HttpResponse anonymous = Call(route.method, path, upload ? UploadFor(route) : BodyFor(route).dump());
    if (rule->public_route) {
      EXPECT_NE(anonymous.status, 401) << route.method << " " << route.pattern;
    } else {
      EXPECT_EQ(anonymous.status, 401) << route.method << " " << route.pattern << ": " << anonymous.body;
    }
    if (rule->public_route) continue;

    for (const Account& account : accounts) {
      std::string what = route.method + " " + route.pattern + " as " + account.username;
      HttpResponse in = Call("POST", "/api/v1/session",
                             json{{"username", account.username}, {"password", kApiPassword}}.dump());
      ASSERT_EQ(in.status, 200) << what << ": " << in.body;
      std::string cookie(in.headers.Get("Set-Cookie").value_or(""));
      Headers headers = {{"Cookie", "lx_session=" + std::string(CookieValue(cookie, "lx_session"))},
                         {"X-CSRF-Token", json::parse(in.body)["csrf_token"].get<std::string>()}};
      HttpResponse response =
          Call(route.method, path, upload ? UploadFor(route) : BodyFor(route).dump(), headers);
      ++checks;
      bool role_allowed = rule->roles.count(account.role) > 0;
      if (!role_allowed) {
        EXPECT_EQ(response.status, 403) << what << ": " << response.body;
        EXPECT_NE(response.body.find("forbidden"), std::string::npos) << what << ": " << response.body;
        continue;
      }
      EXPECT_NE(response.status, 401) << what << ": " << response.body;
      bool out = !account.in_scope && !IsSeparatedAdmin(account.role);
      if (!out || rule->scope == ScopeUse::kNone) {
        EXPECT_NE(response.status, 403) << what << ": " << response.body;
      } else if (rule->scope == ScopeUse::kRecord) {
        // Out of scope answers as if the record did not exist.
        EXPECT_EQ(response.status, 404) << what << ": " << response.body;
        EXPECT_NE(response.body.find("not_found"), std::string::npos) << what << ": " << response.body;
      } else {  // kFilter: answered, with nothing of the county's township 001 in it
        EXPECT_EQ(response.status, 200) << what << ": " << response.body;
        EXPECT_EQ(response.body.find(kHousehold), std::string::npos) << what;
        EXPECT_EQ(response.body.find(kVillage), std::string::npos) << what;
      }
    }
  }
  EXPECT_GT(checks, 500);
}

// A restricted session (a one-time password not yet changed) reaches the
// routes that resolve it and nothing else.
TEST_F(AccessMatrixTest, ARestrictedSessionReachesOnlyItsWayOut) {
  Actor cli{"cli:test", "local"};
  Result<CreatedUser> created = app_->auth().CreateUser(cli, "newcomer", "newcomer", {Role::kCountyAdmin},
                                                        {ScopeKind::kRegion, kCounty});
  ASSERT_TRUE(created.ok());
  for (const RouteInfo& route : router_.Routes()) {
    const AccessRule* rule = FindRule(route.method, route.pattern);
    ASSERT_NE(rule, nullptr) << route.pattern;
    if (rule->public_route || route.pattern == "/api/v1/session") continue;
    HttpResponse in = Call("POST", "/api/v1/session",
                           json{{"username", "newcomer"}, {"password", created->one_time_password}}.dump());
    ASSERT_EQ(in.status, 200) << in.body;
    std::string cookie(in.headers.Get("Set-Cookie").value_or(""));
    Headers headers = {{"Cookie", "lx_session=" + std::string(CookieValue(cookie, "lx_session"))},
                       {"X-CSRF-Token", json::parse(in.body)["csrf_token"].get<std::string>()}};
    std::string path = route.pattern;
    if (size_t at = path.find("{id}"); at != std::string::npos) path.replace(at, 4, kHousehold);
    HttpResponse response = Call(route.method, path, "{}", headers);
    std::string what = route.method + " " + route.pattern;
    if (rule->restricted_ok) {
      EXPECT_NE(response.status, 403) << what << ": " << response.body;
    } else {
      EXPECT_EQ(response.status, 403) << what << ": " << response.body;
      EXPECT_NE(response.body.find("restricted_session"), std::string::npos) << what << ": " << response.body;
    }
  }
}

}  // namespace
}  // namespace lianxin::testing
