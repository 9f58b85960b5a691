// The built web app served from `/` (lianxin/static_files.hpp): encodings,
// cache headers, client-route fallback, the CSP and path traversal.
#include "lianxin/static_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_util.hpp"

namespace lianxin {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("lianxin-static-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    root_ = base_ / "dist";
    Write(root_ / "index.html", "<!doctype html><title>连心</title>");
    Write(root_ / "assets/index-abc123.js", "console.log(1)");
    Write(root_ / "assets/index-abc123.js.gz", "GZ");
    Write(root_ / "assets/index-abc123.js.br", "BR");
    Write(root_ / ".env", "secret");
    Write(base_ / "outside.txt", "outside the root");
    ASSERT_TRUE(AddStaticFiles(router_, root_.string()));
  }
  void TearDown() override { fs::remove_all(base_); }

  HttpResponse Get(std::string_view target, std::string accept_encoding = {}) {
    HttpRequest request;
    request.method = "GET";
    EXPECT_TRUE(request.SetTarget(target).ok()) << target;
    if (!accept_encoding.empty()) request.headers.Set("Accept-Encoding", accept_encoding);
    return router_.Handle(request);
  }

  fs::path base_, root_;
  Router router_;
};

TEST_F(StaticFilesTest, IndexIsRevalidatedAndCarriesThePolicy) {
  HttpResponse response = Get("/");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "<!doctype html><title>连心</title>");
  EXPECT_EQ(response.headers.Get("Cache-Control"), "no-cache");
  EXPECT_EQ(response.headers.Get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(response.headers.Get("Content-Security-Policy"), kWebCsp);
  EXPECT_NE(kWebCsp.find("default-src 'self'"), std::string_view::npos);
  EXPECT_EQ(kWebCsp.find("script-src 'self' 'unsafe-inline'"), std::string_view::npos);
}

TEST_F(StaticFilesTest, HashedAssetsAreImmutableAndPrecompressed) {
  HttpResponse plain = Get("/assets/index-abc123.js");
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, "console.log(1)");
  EXPECT_FALSE(plain.headers.Has("Content-Encoding"));
  EXPECT_EQ(plain.headers.Get("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(plain.headers.Get("Content-Type"), "text/javascript; charset=utf-8");

  HttpResponse brotli = Get("/assets/index-abc123.js", "gzip, deflate, br");
  EXPECT_EQ(brotli.body, "BR");
  EXPECT_EQ(brotli.headers.Get("Content-Encoding"), "br");
  EXPECT_EQ(brotli.headers.Get("Vary"), "Accept-Encoding");

  HttpResponse gzip = Get("/assets/index-abc123.js", "gzip, br;q=0");
  EXPECT_EQ(gzip.body, "GZ");
  EXPECT_EQ(gzip.headers.Get("Content-Encoding"), "gzip");
}

// The cadre's phone app under /m/ and the household's page under /h/ are
// entries of their own: an address under each gets that entry's page, and
// the cadre's service worker is revalidated like a page, never kept a year.
TEST_F(StaticFilesTest, EachEntryAnswersTheAddressesUnderIt) {
  Write(root_ / "m/index.html", "cadre");
  Write(root_ / "sw.js", "self.addEventListener('fetch', () => {})");  // at the root, scope /m/
  Write(root_ / "m/manifest.webmanifest", "{}");
  Write(root_ / "h/index.html", "household");
  EXPECT_EQ(Get("/m/").body, "cadre");
  EXPECT_EQ(Get("/m/households/1499010010010001").body, "cadre");
  EXPECT_EQ(Get("/h/").body, "household");
  EXPECT_EQ(Get("/h/appeal/A0123456789abcdef").body, "household");
  EXPECT_EQ(Get("/households").body, "<!doctype html><title>连心</title>");
  EXPECT_EQ(Get("/mine").body, "<!doctype html><title>连心</title>") << "only the m/ folder is the cadre's";
  HttpResponse worker = Get("/sw.js");
  EXPECT_EQ(worker.headers.Get("Cache-Control"), "no-cache");
  EXPECT_EQ(worker.headers.Get("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("/m/manifest.webmanifest").headers.Get("Content-Type"),
            "application/manifest+json; charset=utf-8");
  EXPECT_EQ(Get("/m/missing.js").status, 404);
}

TEST_F(StaticFilesTest, ClientRoutesGetTheAppButApiAndFilesDoNot) {
  HttpResponse route = Get("/households/1499010010001");
  EXPECT_EQ(route.status, 200);
  EXPECT_EQ(route.body, "<!doctype html><title>连心</title>");
  EXPECT_EQ(route.headers.Get("Cache-Control"), "no-cache");

  EXPECT_EQ(Get("/api/v1/nothing-here").status, 404);
  EXPECT_EQ(Get("/api/v1/nothing-here").headers.Get("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(Get("/assets/missing-123.js").status, 404);
}

TEST_F(StaticFilesTest, RefusesPathTraversalAndDotFiles) {
  for (const char* target :
       {"/../outside.txt", "/assets/../../outside.txt", "/%2e%2e/outside.txt",
        "/assets/%2e%2e%2f%2e%2e%2foutside.txt", "/.env", "/assets/..%5c..%5coutside.txt"}) {
    HttpResponse response = Get(target);
    EXPECT_NE(response.status, 200) << target;
    EXPECT_EQ(response.body.find("outside the root"), std::string::npos) << target;
    EXPECT_EQ(response.body.find("secret"), std::string::npos) << target;
  }
}

TEST(StaticFilesRootTest, NothingIsAddedWithoutABuild) {
  Router router;
  EXPECT_FALSE(AddStaticFiles(router, "/nonexistent/lianxin/web/dist"));
  EXPECT_TRUE(router.Routes().empty());
}

}  // namespace
}  // namespace lianxin
