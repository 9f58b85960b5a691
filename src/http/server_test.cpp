// The HTTP core end to end: a real server on 127.0.0.1 (a free port), driven
// by cpp-httplib and, where a client library would hide the wire (pipelining,
// 100-continue), by a raw socket. No assertion depends on timing; where a
// test must wait for the server it polls with a generous bound.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

// Debian's cpp-httplib is a compiled library built with these; the header
// must see the same (its pkg-config Cflags set them when linked that way).
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT
#endif
#ifndef CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#endif
#ifndef CPPHTTPLIB_BROTLI_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#endif
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <httplib.h>
#pragma GCC diagnostic pop

#include <gtest/gtest.h>

#include "http/internal.hpp"
#include "lianxin/http.hpp"
#include "lianxin/metrics.hpp"

namespace lianxin {
namespace {

using nlohmann::json;

HttpRequest MakeRequest(std::string method, std::string_view target) {
  HttpRequest request;
  request.method = std::move(method);
  EXPECT_TRUE(request.SetTarget(target).ok()) << target;
  return request;
}

ServerOptions TestOptions() {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = 4;
  options.access_log = false;
  return options;
}

std::unique_ptr<HttpServer> StartServer(Router router, ServerOptions options = TestOptions()) {
  auto server = std::make_unique<HttpServer>(std::move(options), std::move(router));
  Status status = server->Start();
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_NE(server->port(), 0);
  return server;
}

// Routes like the real API's, answering with what they were given.
Router EchoRouter() {
  Router router;
  router.Get("/api/v1/households/{id}", [](HttpRequest& request) {
    return HttpResponse::Json(200, {{"id", request.PathParam("id")}, {"route", request.route}});
  });
  router.Put("/api/v1/households/{id}", [](HttpRequest& request) {
    return HttpResponse::Json(200, {{"id", request.PathParam("id")}, {"body", request.body}});
  });
  router.Get("/api/v1/households/export", [](HttpRequest&) {
    return HttpResponse::Json(200, {{"export", true}});
  });
  router.Get("/api/v1/villages/{village}/households/{id}", [](HttpRequest& request) {
    return HttpResponse::Json(200,
                              {{"village", request.PathParam("village")}, {"id", request.PathParam("id")}});
  });
  router.Get("/api/v1/search", [](HttpRequest& request) {
    json query = json::array();
    for (const auto& [key, value] : request.query) query.push_back({key, value});
    return HttpResponse::Json(200, {{"query", query}});
  });
  router.Post("/api/v1/echo", [](HttpRequest& request) {
    return HttpResponse::Json(200, {{"size", request.body.size()}});
  });
  router.Get("/api/v1/whoami", [](HttpRequest& request) {
    return HttpResponse::Json(200, {{"port", request.remote_port}, {"address", request.remote_address}});
  });
  router.Get("/p/{page}", [](HttpRequest&) {
    return HttpResponse::Text(200, "<!doctype html><title>公示</title>", "text/html; charset=utf-8");
  });
  router.Get("/assets/{file...}", [](HttpRequest& request) {
    return HttpResponse::Json(200, {{"file", request.PathParam("file")}});
  });
  return router;
}

json Body(const httplib::Result& result) { return json::parse(result->body); }

bool CanConnect(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return connected;
}

// Writes `request` on a fresh connection, then reads until the server closes.
std::string RawExchange(std::uint16_t port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return "";
  }
  EXPECT_EQ(::send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  std::string out;
  char buffer[4096];
  ssize_t n;
  while ((n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) out.append(buffer, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

// --- Requests and the router, without a socket ----------------------------------

TEST(HttpRequestTest, DecodesQueryParameters) {
  HttpRequest request =
      MakeRequest("GET", "/api/v1/search?q=%E5%BC%A0%E4%B8%89&page=2&flag&name=a+b&&empty=&plus=%2B");
  EXPECT_EQ(request.path, "/api/v1/search");
  std::vector<std::pair<std::string, std::string>> expected = {{"q", "张三"},   {"page", "2"}, {"flag", ""},
                                                               {"name", "a b"}, {"empty", ""}, {"plus", "+"}};
  EXPECT_EQ(request.query, expected);
  EXPECT_EQ(request.QueryParam("q"), "张三");
  EXPECT_EQ(request.QueryParam("missing"), std::nullopt);
}

TEST(HttpRequestTest, RefusesBadTargets) {
  for (std::string_view target : {"no-slash", "", "/s?q=%zz", "/s?q=%", "/s?q=%E5", "/s?q=%E5%BC", "/s?q=%00",
                                  "/s?q=%C0%AF", "/s?q=%ED%A0%80"}) {
    HttpRequest request;
    Status status = request.SetTarget(target);
    EXPECT_EQ(status.code(), Code::kInvalidInput) << target;
  }
}

TEST(HttpRequestTest, HeadersAreCaseInsensitive) {
  HttpHeaders headers;
  headers.Add("Set-Cookie", "a=1");
  headers.Add("set-cookie", "b=2");
  headers.Set("Content-Type", "text/plain");
  EXPECT_EQ(headers.Get("SET-COOKIE"), "a=1");
  EXPECT_EQ(headers.GetAll("Set-Cookie").size(), 2u);
  headers.Set("content-type", "application/json");
  EXPECT_EQ(headers.GetAll("Content-Type").size(), 1u);
  EXPECT_EQ(headers.Get("CONTENT-TYPE"), "application/json");
  headers.Remove("SET-cookie");
  EXPECT_FALSE(headers.Has("set-cookie"));
}

TEST(HttpRouterTest, MatchesParamsAndPrefersLiterals) {
  Router router = EchoRouter();
  HttpRequest request = MakeRequest("GET", "/api/v1/households/H001");
  HttpResponse response = router.Handle(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(json::parse(response.body)["id"], "H001");
  EXPECT_EQ(request.route, "/api/v1/households/{id}");

  request = MakeRequest("GET", "/api/v1/households/export");
  response = router.Handle(request);
  EXPECT_EQ(json::parse(response.body)["export"], true);
  EXPECT_EQ(request.route, "/api/v1/households/export");

  request = MakeRequest("GET", "/api/v1/villages/%E4%B8%9C%E6%9D%91/households/H%2F2");
  response = router.Handle(request);
  EXPECT_EQ(json::parse(response.body), json({{"village", "东村"}, {"id", "H/2"}}));

  request = MakeRequest("GET", "/assets/js/app.js");
  response = router.Handle(request);
  EXPECT_EQ(json::parse(response.body)["file"], "js/app.js");
}

TEST(HttpRouterTest, AnswersUnknownPathsAndMethods) {
  Router router = EchoRouter();
  HttpRequest request = MakeRequest("GET", "/api/v1/nothing");
  HttpResponse response = router.Handle(request);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(json::parse(response.body)["error"]["code"], "not_found");
  EXPECT_EQ(request.route, "");

  // A trailing slash or an empty segment is another path.
  request = MakeRequest("GET", "/api/v1/households/");
  EXPECT_EQ(router.Handle(request).status, 404);

  request = MakeRequest("DELETE", "/api/v1/households/H001");
  response = router.Handle(request);
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(json::parse(response.body)["error"]["code"], "method_not_allowed");
  EXPECT_EQ(response.headers.Get("Allow"), "GET, HEAD, PUT");
  EXPECT_EQ(request.route, "/api/v1/households/{id}");

  // A bad escape in the path refuses the request rather than matching.
  request = MakeRequest("GET", "/api/v1/households/%FF");
  response = router.Handle(request);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(json::parse(response.body)["error"]["field"], "target");
}

TEST(HttpRouterTest, HeadUsesGet) {
  Router router = EchoRouter();
  HttpRequest request = MakeRequest("HEAD", "/api/v1/households/H1");
  EXPECT_EQ(router.Handle(request).status, 200);
  EXPECT_EQ(router.PatternFor("HEAD", "/api/v1/households/H1"), "/api/v1/households/{id}");
  EXPECT_EQ(router.PatternFor("POST", "/api/v1/households/H1"), "");
}

TEST(HttpRouterTest, RefusesBadOrConflictingRoutes) {
  Router router = EchoRouter();
  auto ok = [](HttpRequest&) { return HttpResponse::Json(200, json::object()); };
  EXPECT_THROW(router.Get("/api/v1/households/{id}", ok), std::logic_error);      // duplicate
  EXPECT_THROW(router.Get("/api/v1/households/{code}/x", ok), std::logic_error);  // param renamed
  EXPECT_THROW(router.Get("api/v1", ok), std::logic_error);                       // no leading '/'
  EXPECT_THROW(router.Get("/a//b", ok), std::logic_error);                        // empty segment
  EXPECT_THROW(router.Get("/a/{rest...}/b", ok), std::logic_error);               // rest not last
  EXPECT_THROW(router.Get("/a/x{id}", ok), std::logic_error);                     // brace in a literal
  EXPECT_THROW(router.Add("get", "/a", ok), std::logic_error);                    // method case
  EXPECT_NO_THROW(router.Post("/api/v1/households/{id}/visits", ok));
}

// Answers written straight as text read exactly as the json library would
// print them: quotes, backslashes, every control character, Chinese, and
// bytes that are not UTF-8 (repaired, not thrown on).
TEST(HttpResponseTest, JsonStringsWrittenAsTextMatchTheJsonLibrary) {
  std::vector<std::string> texts = {
      "",         "plain",        "引号\"与\\反斜杠", "鹿湾村1号",
      "\x7f del", "\xff\xfe bad", "half \xe4\xb8",    std::string("nul\0inside", 10)};
  std::string every_control;
  for (char c = 1; c < 0x20; ++c) every_control.push_back(c);
  texts.push_back(every_control);
  for (const std::string& text : texts) {
    std::string written;
    http_internal::AppendJsonString(written, text);
    EXPECT_EQ(written, nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        << "for " << nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

TEST(HttpRouterTest, HeavyRoutesRunAFewAtATime) {
  Router router;
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  std::mutex mu;
  std::set<std::thread::id> threads;
  router.Post("/api/v1/heavy", [&](HttpRequest&) {
    {
      std::lock_guard lock(mu);
      threads.insert(std::this_thread::get_id());
    }
    int now = ++running;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    // Long enough that the eight callers overlap unless they are held back.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    --running;
    return HttpResponse::Json(200, {});
  });
  router.Limit("POST", "/api/v1/heavy", {.heavy = true});
  router.SetHeavyConcurrency(2, 8);
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    callers.emplace_back([&] {
      HttpRequest request = MakeRequest("POST", "/api/v1/heavy");
      if (router.Handle(request).status == 200) ++ok;
    });
  }
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_GE(most.load(), 1);
  EXPECT_LE(most.load(), 2) << "more heavy handlers ran at once than allowed";
  // The same two threads take every turn, so their arenas are reused.
  EXPECT_LE(threads.size(), 2u) << "heavy handlers ran on the callers' threads";
  EXPECT_THROW(router.Limit("POST", "/api/v1/nowhere", {}), std::logic_error);
  EXPECT_THROW(router.SetHeavyConcurrency(0, 8), std::logic_error);
}

TEST(HttpRouterTest, HeavyRoutesRefuseBeyondTheirQueue) {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  bool release = false;
  Router router;
  router.Post("/api/v1/heavy", [&](HttpRequest&) {
    std::unique_lock lock(mu);
    entered = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
    return HttpResponse::Json(200, {});
  });
  router.Limit("POST", "/api/v1/heavy", {.heavy = true});
  router.SetHeavyConcurrency(1, 0);
  int first_status = 0;
  std::thread first([&] {
    HttpRequest request = MakeRequest("POST", "/api/v1/heavy");
    first_status = router.Handle(request).status;
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return entered; });
  }
  // One running, none may wait: refused at once, not queued.
  HttpRequest second = MakeRequest("POST", "/api/v1/heavy");
  HttpResponse refused = router.Handle(second);
  EXPECT_EQ(refused.status, 503);
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  first.join();
  EXPECT_EQ(first_status, 200);
}

TEST(HttpRouterTest, ListsEveryRouteIncludingBuiltins) {
  HttpServer server(TestOptions(), EchoRouter());
  std::vector<RouteInfo> routes = server.router().Routes();
  auto has = [&](std::string method, std::string pattern) {
    return std::find(routes.begin(), routes.end(), RouteInfo{method, pattern}) != routes.end();
  };
  EXPECT_TRUE(has("GET", "/api/v1/households/{id}"));
  EXPECT_TRUE(has("PUT", "/api/v1/households/{id}"));
  EXPECT_TRUE(has("GET", "/healthz"));
  EXPECT_TRUE(has("GET", "/metrics"));
  EXPECT_EQ(routes.size(), EchoRouter().Routes().size() + 2);

  Router clash;
  clash.Get("/healthz", [](HttpRequest&) { return HttpResponse::Json(200, json::object()); });
  EXPECT_THROW(HttpServer(TestOptions(), std::move(clash)), std::logic_error);
}

TEST(HttpRouterTest, ErrorsWithholdServerSideDetail) {
  HttpResponse response = HttpResponse::Error(Status::Internal("disk /var/lib/x failed"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("/var/lib"), std::string::npos);
  std::optional<Status> detail = http_internal::ResponseAccess::TakeWithheld(response, "abc123");
  ASSERT_TRUE(detail.has_value());
  EXPECT_EQ(detail->message(), "disk /var/lib/x failed");
  EXPECT_EQ(json::parse(response.body)["error"]["id"], "abc123");

  response = HttpResponse::Error(Status::Invalid("身份证号无效", "id_number"));
  EXPECT_EQ(
      json::parse(response.body),
      json({{"error", {{"code", "invalid_input"}, {"message", "身份证号无效"}, {"field", "id_number"}}}}));
  EXPECT_FALSE(http_internal::ResponseAccess::TakeWithheld(response, "x").has_value());
}

// --- Metrics -------------------------------------------------------------------

TEST(HttpMetricsTest, RendersPrometheusText) {
  Metrics metrics;
  metrics.counter("lianxin_things_total", "Things.\nSecond line.", {{"kind", "a\"b"}}).Increment(3);
  metrics.counter("lianxin_things_total", "ignored", {{"kind", "plain"}}).Increment();
  metrics.gauge("lianxin_depth", "Depth.").Set(2.5);
  Histogram& histogram = metrics.histogram("lianxin_batch", "Batch sizes.", {1, 10});
  histogram.Observe(1);
  histogram.Observe(5);
  histogram.Observe(50);
  std::string text = metrics.RenderPrometheus();
  EXPECT_NE(text.find("# HELP lianxin_things_total Things.\\nSecond line.\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE lianxin_things_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("lianxin_things_total{kind=\"a\\\"b\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lianxin_things_total{kind=\"plain\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("lianxin_depth 2.5\n"), std::string::npos);
  EXPECT_NE(text.find("lianxin_batch_bucket{le=\"1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lianxin_batch_bucket{le=\"10\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("lianxin_batch_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("lianxin_batch_sum 56\n"), std::string::npos);
  EXPECT_NE(text.find("lianxin_batch_count 3\n"), std::string::npos);
}

TEST(HttpMetricsTest, RefusesInconsistentRegistration) {
  Metrics metrics;
  metrics.counter("lianxin_x_total", "X.", {{"a", "1"}});
  EXPECT_THROW(metrics.gauge("lianxin_x_total", "X."), std::logic_error);
  EXPECT_THROW(metrics.counter("lianxin_x_total", "X.", {{"b", "1"}}), std::logic_error);
  EXPECT_THROW(metrics.counter("bad-name", "X."), std::logic_error);
  EXPECT_THROW(metrics.histogram("lianxin_h", "H.", {1, 1}), std::logic_error);
  metrics.histogram("lianxin_h2", "H.", {1, 2});
  EXPECT_THROW(metrics.histogram("lianxin_h2", "H.", {1, 3}), std::logic_error);
  // The same series twice is the same object.
  EXPECT_EQ(&metrics.counter("lianxin_x_total", "X.", {{"a", "1"}}),
            &metrics.counter("lianxin_x_total", "X.", {{"a", "1"}}));
}

// --- The server ------------------------------------------------------------------

TEST(HttpServerTest, RoutesParamsAndDecodesChineseQuery) {
  auto server = StartServer(EchoRouter());
  httplib::Client client("127.0.0.1", server->port());
  client.set_url_encode(false);  // send the targets exactly as written

  auto result = client.Get("/api/v1/villages/%E4%B8%9C%E6%9D%91/households/H%20001");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(Body(result), json({{"village", "东村"}, {"id", "H 001"}}));

  result = client.Get("/api/v1/search?q=%E5%BC%A0%E4%B8%89&town=%E5%A4%A7%E5%BA%99+%E9%95%87&n=1");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(Body(result)["query"], json::parse(R"([["q","张三"],["town","大庙 镇"],["n","1"]])"));

  result = client.Get("/api/v1/search?q=%E5%BC");  // cut mid-character
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_EQ(Body(result)["error"]["code"], "invalid_input");
  EXPECT_EQ(Body(result)["error"]["field"], "target");

  result = client.Put("/api/v1/households/H9", "{\"name\":\"李四\"}", "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(Body(result), json({{"id", "H9"}, {"body", "{\"name\":\"李四\"}"}}));
}

TEST(HttpServerTest, UnknownPathIs404AndWrongMethodIs405) {
  auto server = StartServer(EchoRouter());
  httplib::Client client("127.0.0.1", server->port());
  auto result = client.Get("/api/v1/no-such-thing");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 404);
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(Body(result)["error"]["code"], "not_found");
  EXPECT_TRUE(Body(result)["error"]["message"].is_string());

  result = client.Delete("/api/v1/households/H1");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 405);
  EXPECT_EQ(result->get_header_value("Allow"), "GET, HEAD, PUT");
  EXPECT_EQ(Body(result)["error"]["code"], "method_not_allowed");
}

TEST(HttpServerTest, HeadAnswersHeadersOnly) {
  auto server = StartServer(EchoRouter());
  httplib::Client client("127.0.0.1", server->port());
  auto get = client.Get("/api/v1/households/H7");
  auto head = client.Head("/api/v1/households/H7");
  ASSERT_TRUE(get && head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(head->get_header_value("Content-Length"), std::to_string(get->body.size()));
}

TEST(HttpServerTest, BodyOverTheLimitIs413) {
  ServerOptions options = TestOptions();
  options.body_limit = 64 * 1024;
  auto server = StartServer(EchoRouter(), options);
  httplib::Client client("127.0.0.1", server->port());

  auto result = client.Post("/api/v1/echo", std::string(64 * 1024, 'x'), "text/plain");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(Body(result)["size"], 64 * 1024);

  result = client.Post("/api/v1/echo", std::string(1024 * 1024, 'x'), "text/plain");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 413);
  EXPECT_EQ(Body(result)["error"]["code"], "payload_too_large");

  // The server is none the worse.
  httplib::Client again("127.0.0.1", server->port());
  result = again.Get("/healthz");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
}

TEST(HttpServerTest, HeaderOverTheLimitIs431) {
  ServerOptions options = TestOptions();
  options.header_limit = 2048;
  auto server = StartServer(EchoRouter(), options);
  httplib::Client client("127.0.0.1", server->port());
  client.set_default_headers({{"X-Padding", std::string(8192, 'p')}});
  auto result = client.Get("/healthz");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 431);
  EXPECT_EQ(Body(result)["error"]["code"], "header_too_large");
}

TEST(HttpServerTest, ExpectContinueIsHonoured) {
  auto server = StartServer(EchoRouter());
  std::string reply = RawExchange(server->port(),
                                  "POST /api/v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                                  "Expect: 100-continue\r\nConnection: close\r\n\r\nhello");
  EXPECT_EQ(reply.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << reply;
  EXPECT_NE(reply.find("{\"size\":5}"), std::string::npos) << reply;
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = StartServer(EchoRouter());
  std::string reply =
      RawExchange(server->port(),
                  "GET /api/v1/households/first HTTP/1.1\r\nHost: t\r\n\r\n"
                  "GET /api/v1/households/second HTTP/1.1\r\nHost: t\r\n\r\n"
                  "GET /api/v1/households/third HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  size_t first = reply.find("\"first\"");
  size_t second = reply.find("\"second\"");
  size_t third = reply.find("\"third\"");
  ASSERT_NE(first, std::string::npos) << reply;
  ASSERT_NE(second, std::string::npos) << reply;
  ASSERT_NE(third, std::string::npos) << reply;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
}

TEST(HttpServerTest, MalformedRequestIs400) {
  auto server = StartServer(EchoRouter());
  std::string reply = RawExchange(server->port(), "GET /healthz HTTP/1.1\r\nHost t\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("\"invalid_input\""), std::string::npos) << reply;
}

TEST(HttpServerTest, SlowClientsAreCutOff) {
  ServerOptions options = TestOptions();
  options.read_timeout = std::chrono::milliseconds(200);
  options.idle_timeout = std::chrono::milliseconds(200);
  auto server = StartServer(EchoRouter(), options);
  // Half a request, then silence: the server closes without answering. (If it
  // did not, RawExchange would wait for ever and the test time out.)
  EXPECT_EQ(RawExchange(server->port(), "GET /healthz HTTP/1.1\r\nHost: t\r\n"), "");
  // A connection that never sends a byte is closed too.
  EXPECT_EQ(RawExchange(server->port(), ""), "");
}

// A socket connected to the server from `source` (any 127.x address is this
// host), or -1.
int ConnectFrom(std::uint16_t port, const char* source) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Everything the server sends on `fd` until it closes, without sending.
std::string ReadToEnd(int fd) {
  std::string out;
  char buffer[4096];
  ssize_t n;
  while ((n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) out.append(buffer, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

// Polls (bounded) until the server counts `open` connections.
bool WaitForOpen(HttpServer& server, int open) {
  const std::string line = "lianxin_http_connections_open " + std::to_string(open) + "\n";
  for (int i = 0; i < 500; ++i) {
    if (server.metrics().RenderPrometheus().find(line) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(HttpServerTest, ConnectionSlotsAreCappedPerAddressAndInTotal) {
  ServerOptions options = TestOptions();
  options.max_connections = 6;
  options.max_connections_per_address = 3;
  auto server = StartServer(EchoRouter(), options);
  const std::uint16_t port = server->port();
  // Three clients from one address that connect and say nothing take its slots…
  std::vector<int> idle;
  for (int i = 0; i < 3; ++i) idle.push_back(ConnectFrom(port, "127.0.0.2"));
  ASSERT_TRUE(std::all_of(idle.begin(), idle.end(), [](int fd) { return fd >= 0; }));
  ASSERT_TRUE(WaitForOpen(*server, 3));
  // …so a fourth from there is answered 503 and closed at once…
  int fourth = ConnectFrom(port, "127.0.0.2");
  ASSERT_GE(fourth, 0);
  std::string refused = ReadToEnd(fourth);
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 503")) << refused;
  EXPECT_NE(refused.find("\"unavailable\""), std::string::npos) << refused;
  // …while another address is served.
  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  ASSERT_TRUE(WaitForOpen(*server, 3));

  // The total cap: three more from a third address fill the server.
  for (int i = 0; i < 3; ++i) idle.push_back(ConnectFrom(port, "127.0.0.3"));
  ASSERT_TRUE(WaitForOpen(*server, 6));
  int over = ConnectFrom(port, "127.0.0.4");
  ASSERT_GE(over, 0);
  EXPECT_TRUE(ReadToEnd(over).starts_with("HTTP/1.1 503"));
  std::string metrics = server->metrics().RenderPrometheus();
  EXPECT_NE(metrics.find("lianxin_http_connections_refused_total{reason=\"address\"} 1"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("lianxin_http_connections_refused_total{reason=\"total\"} 1"), std::string::npos)
      << metrics;

  // Slots come back when their connections close.
  for (int fd : idle) ::close(fd);
  ASSERT_TRUE(WaitForOpen(*server, 0));
  health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST(HttpServerTest, KeepAliveReusesOneConnection) {
  auto server = StartServer(EchoRouter());
  httplib::Client client("127.0.0.1", server->port());
  client.set_keep_alive(true);
  std::set<int> ports;
  for (int i = 0; i < 50; ++i) {
    auto result = client.Get("/api/v1/whoami");
    ASSERT_TRUE(result);
    ASSERT_EQ(result->status, 200);
    EXPECT_EQ(Body(result)["address"], "127.0.0.1");
    ports.insert(Body(result)["port"].get<int>());
  }
  EXPECT_EQ(ports.size(), 1u);
}

TEST(HttpServerTest, Healthz) {
  auto server = StartServer(Router());
  httplib::Client client("127.0.0.1", server->port());
  auto result = client.Get("/healthz");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(Body(result), json({{"status", "ok"}}));
}

TEST(HttpServerTest, SecurityHeadersOnEveryResponse) {
  auto server = StartServer(EchoRouter());
  httplib::Client client("127.0.0.1", server->port());
  for (const char* path : {"/api/v1/households/H1", "/api/v1/missing", "/p/notice", "/nowhere"}) {
    auto result = client.Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->get_header_value("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(result->get_header_value("Referrer-Policy"), "no-referrer") << path;
    EXPECT_FALSE(result->has_header("Server")) << path;
    EXPECT_FALSE(result->has_header("Strict-Transport-Security")) << path << ": HSTS is for TLS only";
    EXPECT_EQ(result->get_header_value("X-Request-Id").size(), 16u) << path;
    bool api = std::string_view(path).starts_with("/api/");
    EXPECT_EQ(result->get_header_value("Cache-Control"), api ? "no-store" : "") << path;
    EXPECT_EQ(result->get_header_value("Content-Security-Policy"), api ? "" : "default-src 'self'") << path;
  }
}

TEST(HttpServerTest, RendersEveryStatusCode) {
  Router router;
  router.Get("/error/{code}", [](HttpRequest& request) -> HttpResponse {
    std::string_view code = request.PathParam("code");
    if (code == "invalid") return HttpResponse::Error(Status::Invalid("身份证号无效", "id_number"));
    if (code == "not_found") return HttpResponse::Error(Status::NotFound("没有这户"));
    if (code == "conflict") return HttpResponse::Error(Status::Conflict("已结对"));
    if (code == "unauthenticated") return HttpResponse::Error(Status(Code::kUnauthenticated, "请先登录"));
    if (code == "permission_denied") return HttpResponse::Error(Status(Code::kPermissionDenied, "无权访问"));
    if (code == "unavailable") return HttpResponse::Error(Status(Code::kUnavailable, "secret-queue-full"));
    if (code == "internal") return HttpResponse::Error(Status::Internal("secret-sqlite-path /var/lib/db"));
    if (code == "ok") return HttpResponse::Error(Status::Ok());
    if (code == "throw") throw std::runtime_error("secret-exception-text");
    return HttpResponse::Json(200, json::object());
  });
  auto server = StartServer(std::move(router));
  httplib::Client client("127.0.0.1", server->port());

  struct Case {
    std::string path;
    int status;
    std::string code;
    std::string message;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{{"invalid", 400, "invalid_input", "身份证号无效", "id_number"},
                                         {"not_found", 404, "not_found", "没有这户", ""},
                                         {"conflict", 409, "conflict", "已结对", ""},
                                         {"unauthenticated", 401, "unauthenticated", "请先登录", ""},
                                         {"permission_denied", 403, "permission_denied", "无权访问", ""}}) {
    auto result = client.Get("/error/" + c.path);
    ASSERT_TRUE(result) << c.path;
    EXPECT_EQ(result->status, c.status) << c.path;
    json error = Body(result)["error"];
    EXPECT_EQ(error["code"], c.code) << c.path;
    EXPECT_EQ(error["message"], c.message) << c.path;
    EXPECT_EQ(error.value("field", ""), c.field) << c.path;
    EXPECT_FALSE(error.contains("id")) << c.path;
  }
  for (auto [path, status, code] :
       std::vector<std::tuple<std::string, int, std::string>>{{"internal", 500, "internal"},
                                                              {"unavailable", 503, "unavailable"},
                                                              {"ok", 500, "internal"},
                                                              {"throw", 500, "internal"}}) {
    auto result = client.Get("/error/" + path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, status) << path;
    EXPECT_EQ(result->body.find("secret"), std::string::npos) << path << ": " << result->body;
    json error = Body(result)["error"];
    EXPECT_EQ(error["code"], code) << path;
    EXPECT_EQ(error["id"], result->get_header_value("X-Request-Id")) << path;
    EXPECT_FALSE(error["message"].get<std::string>().empty()) << path;
  }
}

TEST(HttpServerTest, InvalidHandlerResponsesBecome500) {
  Router router;
  router.Get("/split", [](HttpRequest&) {
    HttpResponse response = HttpResponse::Json(200, json::object());
    response.headers.Set("X-Evil", "a\r\nSet-Cookie: stolen=1");
    return response;
  });
  router.Get("/status", [](HttpRequest&) { return HttpResponse::Json(1000, json::object()); });
  auto server = StartServer(std::move(router));
  httplib::Client client("127.0.0.1", server->port());
  for (const char* path : {"/split", "/status"}) {
    auto result = client.Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 500) << path;
    EXPECT_FALSE(result->has_header("Set-Cookie")) << path;
  }
}

TEST(HttpServerTest, MetricsCountRequests) {
  auto server = StartServer(EchoRouter());
  server->metrics().counter("lianxin_test_commits_total", "Commits.", {{"store", "sqlite"}}).Increment(5);
  server->metrics().gauge("lianxin_test_queue_depth", "Queue depth.").Set(7);
  httplib::Client client("127.0.0.1", server->port());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client.Get("/api/v1/households/H" + std::to_string(i)));
  ASSERT_TRUE(client.Get("/not/here"));
  ASSERT_TRUE(client.Delete("/api/v1/households/H1"));

  auto result = client.Get("/metrics");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = result->body;
  for (const char* line : {
           "# TYPE lianxin_http_requests_total counter\n",
           "lianxin_http_requests_total{method=\"GET\",route=\"/api/v1/households/{id}\",status=\"200\"} 3\n",
           "lianxin_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1\n",
           "lianxin_http_requests_total{method=\"DELETE\",route=\"/api/v1/households/{id}\",status=\"405\"} "
           "1\n",
           "# TYPE lianxin_http_request_duration_seconds histogram\n",
           "lianxin_http_request_duration_seconds_bucket{route=\"/api/v1/households/{id}\",le=\"0.0005\"} ",
           "lianxin_http_request_duration_seconds_bucket{route=\"/api/v1/households/{id}\",le=\"5\"} ",
           "lianxin_http_request_duration_seconds_bucket{route=\"/api/v1/households/{id}\",le=\"+Inf\"} 4\n",
           "lianxin_http_request_duration_seconds_count{route=\"/api/v1/households/{id}\"} 4\n",
           "lianxin_http_request_duration_seconds_sum{route=\"/api/v1/households/{id}\"} ",
           "# TYPE lianxin_http_connections_open gauge\n",
           "\nlianxin_http_connections_open ",
           "lianxin_test_commits_total{store=\"sqlite\"} 5\n",
           "lianxin_test_queue_depth 7\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "\n" << text;
  }
  // No path, query or other request data in labels.
  EXPECT_EQ(text.find("/not/here"), std::string::npos);
  EXPECT_EQ(text.find("H1"), std::string::npos);
}

TEST(HttpServerTest, ConcurrentClientsAllSucceed) {
  ServerOptions options = TestOptions();
  options.threads = 4;
  auto server = StartServer(EchoRouter(), options);
  constexpr int kClients = 8;
  constexpr int kRequests = 200;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", server->port());
      client.set_keep_alive(true);
      for (int i = 0; i < kRequests; ++i) {
        std::string id = std::to_string(c) + "-" + std::to_string(i);
        auto result = client.Get("/api/v1/households/" + id);
        if (result && result->status == 200 && json::parse(result->body)["id"] == id) ++ok;
      }
    });
  }
  for (std::thread& thread : clients) thread.join();
  EXPECT_EQ(ok.load(), kClients * kRequests);
  std::string text = server->metrics().RenderPrometheus();
  EXPECT_NE(
      text.find(
          "lianxin_http_requests_total{method=\"GET\",route=\"/api/v1/households/{id}\",status=\"200\"} " +
          std::to_string(kClients * kRequests) + "\n"),
      std::string::npos);
}

// With a handler pool, handlers that block (waiting for a group commit) hold
// no IO thread: eight requests all wait inside their handlers at once on a
// server with a single IO thread, and then all complete.
TEST(HttpServerTest, BlockingHandlersRunOnTheHandlerPool) {
  constexpr int kClients = 8;
  std::mutex mu;
  std::condition_variable cv;
  int waiting = 0;
  Router router;
  router.Post("/api/v1/wait", [&](HttpRequest&) {
    std::unique_lock lock(mu);
    ++waiting;
    cv.notify_all();
    bool all = cv.wait_for(lock, std::chrono::seconds(30), [&] { return waiting == kClients; });
    return HttpResponse::Json(200, {{"all_waited_together", all}});
  });
  ServerOptions options = TestOptions();
  options.threads = 1;
  options.handler_threads = kClients;
  auto server = StartServer(std::move(router), options);
  std::atomic<int> together{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      httplib::Client client("127.0.0.1", server->port());
      client.set_read_timeout(60, 0);
      auto result = client.Post("/api/v1/wait", "{}", "application/json");
      if (result && result->status == 200 && json::parse(result->body)["all_waited_together"] == true) {
        ++together;
      }
    });
  }
  for (std::thread& thread : clients) thread.join();
  EXPECT_EQ(together.load(), kClients);
}

TEST(HttpServerTest, ReadsRunOnTheIoThreadsWritesOnThePoolHeavyWorkOnItsOwnThreads) {
  std::mutex mu;
  std::map<std::string, std::thread::id> ran_on;
  auto note = [&](const char* name) {
    return [&, name](HttpRequest&) {
      std::lock_guard lock(mu);
      ran_on[name] = std::this_thread::get_id();
      return HttpResponse::Json(200, {});
    };
  };
  Router router;
  router.Post("/api/v1/write", note("write"));
  router.Get("/api/v1/read", note("read"));
  router.Get("/api/v1/export", note("export"));
  router.Limit("GET", "/api/v1/export", {.heavy = true});
  ServerOptions options = TestOptions();
  options.threads = 1;
  options.handler_threads = 1;  // one pool thread: every pool handler runs on it
  auto server = StartServer(std::move(router), options);
  httplib::Client client("127.0.0.1", server->port());
  for (const char* path : {"/api/v1/write", "/api/v1/read", "/api/v1/export"}) {
    auto result = std::string_view(path) == "/api/v1/write" ? client.Post(path, "{}", "application/json")
                                                            : client.Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 200) << path;
  }
  std::lock_guard lock(mu);
  ASSERT_EQ(ran_on.size(), 3u);
  EXPECT_NE(ran_on["read"], ran_on["write"]) << "a read was handed to the pool";
  EXPECT_NE(ran_on["export"], ran_on["read"]) << "a heavy read stayed on the IO thread";
  // On the pool, each heavy request would leave its memory in the arena of
  // whichever pool thread took it.
  EXPECT_NE(ran_on["export"], ran_on["write"]) << "heavy work ran on the handler pool";
}

// A regression test: with the handler pool, a connection that closed and
// one opened after it once met a freed strand (ASan: heap-use-after-free).
TEST(HttpServerTest, HandlerPoolServesConnectionsOneAfterAnother) {
  ServerOptions options = TestOptions();
  options.handler_threads = 4;
  options.idle_timeout = std::chrono::milliseconds(200);
  auto server = StartServer(EchoRouter(), options);
  for (int i = 0; i < 3; ++i) {
    {
      httplib::Client client("127.0.0.1", server->port());
      auto result = client.Get("/api/v1/households/" + std::to_string(i));
      ASSERT_TRUE(result) << "request " << i;
      EXPECT_EQ(result->status, 200);
    }
    // Past the idle timeout, so the closed connection's timers complete.
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
  }
}

TEST(HttpServerTest, StopFinishesInFlightRequestAndRefusesNewConnections) {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  bool release = false;
  Router router = EchoRouter();
  router.Get("/slow", [&](HttpRequest&) {
    std::unique_lock lock(mu);
    entered = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
    return HttpResponse::Json(200, {{"done", true}});
  });
  ServerOptions options = TestOptions();
  options.threads = 2;
  // Long enough that, were idle connections not closed at once, Stop() would
  // visibly hang instead of returning.
  options.drain_timeout = std::chrono::minutes(10);
  auto server = StartServer(std::move(router), options);
  const std::uint16_t port = server->port();

  // An idle keep-alive connection must not hold the stop up.
  httplib::Client idle("127.0.0.1", port);
  idle.set_keep_alive(true);
  ASSERT_TRUE(idle.Get("/healthz"));

  int slow_status = 0;
  std::string slow_body;
  std::string slow_connection;
  std::thread slow_client([&] {
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);  // so "Connection: close" below is the server's doing
    client.set_read_timeout(120, 0);
    auto result = client.Get("/slow");
    if (result) {
      slow_status = result->status;
      slow_body = result->body;
      slow_connection = result->get_header_value("Connection");
    }
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return entered; });
  }
  std::thread stopper([&] { server->Stop(); });

  bool refused = false;
  for (int i = 0; i < 1000 && !refused; ++i) {
    refused = !CanConnect(port);
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(refused);
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  slow_client.join();
  stopper.join();
  EXPECT_EQ(slow_status, 200);
  EXPECT_EQ(slow_body, R"({"done":true})");
  EXPECT_EQ(slow_connection, "close");
  EXPECT_FALSE(CanConnect(port));
  server->Stop();  // idempotent
}

TEST(HttpServerTest, StopClosesWhatOutlivesTheDrainTimeout) {
  ServerOptions options = TestOptions();
  options.read_timeout = std::chrono::minutes(10);
  options.drain_timeout = std::chrono::milliseconds(100);
  auto server = StartServer(EchoRouter(), options);

  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(server->port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  // Half a request: not idle, so the drain leaves it, and the 10-minute read
  // timeout would hold Stop() were the drain timeout not enforced.
  std::string partial = "GET /healthz HTTP/1.1\r\nHost: t\r\n";
  ASSERT_EQ(::send(fd, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let it arrive (coverage, not correctness)
  server->Stop();
  char byte;
  EXPECT_LE(::recv(fd, &byte, 1, 0), 0);  // closed, unanswered
  ::close(fd);
}

TEST(HttpServerTest, StopFromAHandlerOnlyBeginsTheStop) {
  HttpServer* self = nullptr;
  Router router;
  router.Post("/admin/stop", [&](HttpRequest&) {
    self->Stop();  // must not deadlock by joining its own thread
    return HttpResponse::Json(200, {{"stopping", true}});
  });
  auto server = StartServer(std::move(router));
  self = server.get();
  httplib::Client client("127.0.0.1", server->port());
  client.set_keep_alive(true);
  auto result = client.Post("/admin/stop", "", "text/plain");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Connection"), "close");
  server->Stop();  // finishes it
  EXPECT_FALSE(CanConnect(server->port()));
}

TEST(HttpServerTest, RunUntilSignalStopsOnSigterm) {
  HttpServer server(TestOptions(), EchoRouter());
  Status result = Status::Internal("not returned");
  std::thread runner([&] { result = server.RunUntilSignal(); });
  bool up = false;
  for (int i = 0; i < 1000 && !up; ++i) {
    if (server.port() != 0) {
      httplib::Client client("127.0.0.1", server.port());
      auto health = client.Get("/healthz");
      up = health && health->status == 200;
    }
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(up);
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  runner.join();
  EXPECT_TRUE(result.ok()) << result.ToString();
}

TEST(HttpServerTest, StartReportsBadOptions) {
  ServerOptions options = TestOptions();
  options.listen = "nonsense";
  EXPECT_EQ(HttpServer(options, Router()).Start().code(), Code::kInvalidInput);
  options.listen = "127.0.0.1:99999";
  EXPECT_EQ(HttpServer(options, Router()).Start().code(), Code::kInvalidInput);

  auto first = StartServer(Router());
  options.listen = "127.0.0.1:" + std::to_string(first->port());
  Status taken = HttpServer(options, Router()).Start();
  EXPECT_EQ(taken.code(), Code::kUnavailable);
  EXPECT_EQ(taken.field(), "listen");

  options = TestOptions();
  options.tls_cert_file = "/nonexistent/cert.pem";
  options.tls_key_file = "/nonexistent/key.pem";
  Status tls = HttpServer(options, Router()).Start();
  EXPECT_EQ(tls.code(), Code::kInvalidInput);
  EXPECT_EQ(tls.field(), "tls_cert");
}

class HttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lianxin_https_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter_));
    std::filesystem::create_directories(dir_);
    cert_ = (dir_ / "cert.pem").string();
    key_ = (dir_ / "key.pem").string();
    std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout '" +
        key_ + "' -out '" + cert_ + "' 2>/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::string cert_;
  std::string key_;
  static inline int counter_ = 0;
};

TEST_F(HttpsTest, RoundTrip) {
  ServerOptions options = TestOptions();
  options.tls_cert_file = cert_;
  options.tls_key_file = key_;
  auto server = StartServer(EchoRouter(), options);

  httplib::SSLClient client("127.0.0.1", server->port());
  client.set_ca_cert_path(cert_.c_str());
  client.enable_server_certificate_verification(true);
  client.set_keep_alive(true);
  for (int i = 0; i < 3; ++i) {
    auto result = client.Get("/api/v1/households/%E5%BC%A0");
    ASSERT_TRUE(result) << httplib::to_string(result.error());
    EXPECT_EQ(result->status, 200);
    EXPECT_EQ(Body(result)["id"], "张");
  }
  auto result = client.Post("/api/v1/echo", std::string(100000, 'y'), "text/plain");
  ASSERT_TRUE(result);
  EXPECT_EQ(Body(result)["size"], 100000);
  // HSTS: a browser that once reached the server over TLS never again tries
  // plain HTTP for it.
  EXPECT_EQ(result->get_header_value("Strict-Transport-Security"), "max-age=31536000");

  // Plain HTTP to the HTTPS port gets no HTTP answer.
  httplib::Client plain("127.0.0.1", server->port());
  auto refused = plain.Get("/healthz");
  EXPECT_TRUE(!refused || refused->status != 200);
}

TEST_F(HttpsTest, KeyMismatchIsRefused) {
  std::string other_key = (dir_ / "other.pem").string();
  ASSERT_EQ(std::system(("openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:prime256v1 -out '" +
                         other_key + "' 2>/dev/null")
                            .c_str()),
            0);
  ServerOptions options = TestOptions();
  options.tls_cert_file = cert_;
  options.tls_key_file = other_key;
  Status status = HttpServer(options, Router()).Start();
  EXPECT_EQ(status.code(), Code::kInvalidInput);
  EXPECT_EQ(status.field(), "tls_key");
}

}  // namespace
}  // namespace lianxin
