// The Origin check of state-changing requests: a browser on the server's own
// address (which always sends Origin) may write without any `origin`
// configured; a foreign Origin is refused; the configured one is allowed too.
#include <gtest/gtest.h>

#include "api_fixture.hpp"

namespace lianxin::testing {
namespace {

class SameOriginTest : public ApiFixture {
 protected:
  // Signs out (an unsafe request) with these Origin and Host headers.
  HttpResponse SignOut(const SignedInAs& who, std::string origin, std::string host) {
    Headers headers = who.headers;
    headers.emplace_back("Origin", std::move(origin));
    headers.emplace_back("Host", std::move(host));
    return Call("DELETE", "/api/v1/session", "", headers);
  }
};

TEST_F(SameOriginTest, TheServersOwnOriginMayWriteUnconfigured) {
  SignedInAs admin = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  // Another site, another port, another scheme: refused.
  for (const char* foreign :
       {"http://evil.example", "http://127.0.0.1:9090", "https://127.0.0.1:8080", "null"}) {
    HttpResponse refused = SignOut(admin, foreign, "127.0.0.1:8080");
    EXPECT_EQ(refused.status, 403) << foreign;
    EXPECT_NE(refused.body.find("origin_mismatch"), std::string::npos) << foreign << ": " << refused.body;
  }
  // The page the server itself served: allowed.
  HttpResponse same = SignOut(admin, "http://127.0.0.1:8080", "127.0.0.1:8080");
  EXPECT_EQ(same.status, 200) << same.body;
}

TEST_F(SameOriginTest, TheConfiguredOriginIsStillAllowed) {
  Config config = app_->config();
  config.server.origin = "https://lianxin.example.gov.cn";
  app_->Stop();
  app_.reset();
  Result<std::unique_ptr<App>> app = App::Open(DbTarget(path_), config, SystemClock());
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  app_ = std::move(*app);
  router_ = app_->BuildRouter();
  SignedInAs admin = SignIn("county", {Role::kCountyAdmin}, {ScopeKind::kRegion, kCounty});
  // Behind a proxy that forwards another Host, the configured origin passes.
  HttpResponse proxied = SignOut(admin, "https://lianxin.example.gov.cn", "10.0.0.5:8080");
  EXPECT_EQ(proxied.status, 200) << proxied.body;
}

}  // namespace
}  // namespace lianxin::testing
