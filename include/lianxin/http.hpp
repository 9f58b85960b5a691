// The HTTP server core: requests, responses, the router and the server.
//
// No business rules and no authentication live here; handlers (src/http/...)
// are plain functions from a request to a response, wired by the caller:
//
//   Router router;
//   router.Get("/api/v1/households/{id}", [&](HttpRequest& request) {
//     Result<Household> household = store.GetHousehold(std::string(request.PathParam("id")));
//     if (!household.ok()) return HttpResponse::Error(household.status());
//     return HttpResponse::Json(200, ToJson(*household));
//   });
//   ServerOptions options;
//   options.listen = config.listen;
//   HttpServer server(options, std::move(router));
//   return server.RunUntilSignal();  // until SIGINT/SIGTERM, then drains and returns
//
// What every response gets without the handler asking (see HttpServer):
//   - a request id, in the `X-Request-Id` header and in the body of 5xx errors;
//   - `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`;
//     `Cache-Control: no-store` under /api/ (personal data must not sit in
//     caches); `Content-Security-Policy: default-src 'self'` elsewhere unless
//     the handler set its own; no `Server` banner; under TLS,
//     `Strict-Transport-Security: max-age=31536000` (browsers then refuse
//     plain HTTP to this host for a year).
//   - JSON errors in one shape: {"error":{"code":"…","message":"…","field":"…"}}
//     ("field" only when the fault is in one input field; "id" for 5xx).
//
// Error codes beyond status.hpp's table, for faults the HTTP layer finds
// before any handler runs: "method_not_allowed" (405, with an Allow header),
// "payload_too_large" (413), "header_too_large" (431); a malformed request
// or a badly percent-encoded target is "invalid_input" (400) and an unknown
// path "not_found" (404).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lianxin/metrics.hpp"
#include "lianxin/status.hpp"

namespace lianxin {

namespace http_internal {
struct ResponseAccess;
struct RouteNode;
class HeavyGate;
}  // namespace http_internal

// Header fields in arrival order; names compare case-insensitively (RFC 9110).
class HttpHeaders {
 public:
  // The first value of `name`, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  // Every value of `name`, in order (e.g. several Set-Cookie).
  std::vector<std::string_view> GetAll(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  // Replaces every field called `name` with one.
  void Set(std::string name, std::string value);
  // Appends a field, keeping any of the same name.
  void Add(std::string name, std::string value);
  void Remove(std::string_view name);

  using Field = std::pair<std::string, std::string>;
  std::vector<Field>::const_iterator begin() const { return fields_.begin(); }
  std::vector<Field>::const_iterator end() const { return fields_.end(); }
  size_t size() const { return fields_.size(); }

 private:
  std::vector<Field> fields_;
};

// Bounds on a JSON request body, applied while it is parsed (ParseJsonBody):
// a body nested deeper than max_depth, or holding more than max_values
// values (scalars, arrays and objects, at any depth), is refused before the
// document is built, so what a hostile body can cost is bounded by these and
// not by its size (an 8 MiB "[[[…" would otherwise take ~600 MB; a deeply
// nested one, the stack of whatever walks it recursively).
struct JsonLimits {
  int max_depth = 32;
  std::int64_t max_values = 100'000;
};

// The request body parsed as JSON within `limits`. kInvalidInput, field
// "body": "请求体不是有效的 JSON (json_invalid)", "请求体 JSON 嵌套超过 N 层
// (json_too_deep)" or "请求体 JSON 超过 N 个值 (json_too_large)". Every handler
// that reads JSON goes through this (api.hpp's JsonObjectBody does).
Result<nlohmann::json> ParseJsonBody(std::string_view body, const JsonLimits& limits);

// One request, as a handler sees it. Handlers may modify it (e.g. an auth
// layer attaching what it learned); it lives until the response is written.
//
// Personal data (ID numbers, phones, names) can sit in `target`, `query` and
// `body`: never log them. Log `route` and `id` instead.
struct HttpRequest {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // as sent, e.g. "/api/v1/search?q=%E5%BC%A0"
  std::string path;    // the target before '?', still percent-encoded
  // Query parameters in order, percent-decoded ('+' is a space), valid UTF-8.
  std::vector<std::pair<std::string, std::string>> query;
  HttpHeaders headers;
  std::string body;
  std::string remote_address;  // the peer's IP (a proxy's, behind one)
  std::uint16_t remote_port = 0;
  std::string id;  // unique per request: quoted to users in 5xx errors, in logs
  // Filled by the router: the matched pattern ("" when none; for a 405, the
  // pattern the path matched) and the {param} values, percent-decoded and
  // valid UTF-8.
  std::string route;
  std::vector<std::pair<std::string, std::string>> path_params;
  // What ParseJsonBody may accept of `body`: the server's (ServerOptions::json),
  // or the route's own when Router::Limit gave it some.
  JsonLimits json_limits;

  // The first value of query parameter `name`, or nullopt.
  std::optional<std::string_view> QueryParam(std::string_view name) const;
  // The value of path parameter `name`; "" when the route has no such param.
  std::string_view PathParam(std::string_view name) const;

  // Sets target, path and query from a request target. kInvalidInput (field
  // "target") when it does not start with '/', or a query escape is malformed
  // or decodes to invalid UTF-8 or a NUL. For tests that call Router::Handle
  // directly, and for the server.
  Status SetTarget(std::string_view target);
};

struct HttpResponse {
  int status = 200;
  HttpHeaders headers;
  std::string body;

  // `body` serialised, Content-Type application/json; charset=utf-8. Strings
  // that are not valid UTF-8 are repaired (U+FFFD) rather than thrown on.
  static HttpResponse Json(int status, const nlohmann::json& body);
  // A body already written as JSON text.
  static HttpResponse JsonText(int status, std::string body);
  static HttpResponse Text(int status, std::string body,
                           std::string content_type = "text/plain; charset=utf-8");
  // The JSON error for a non-ok Status, with HttpStatusFor(code). For 5xx the
  // message is replaced by a generic one and the detail withheld: the server
  // logs it with the request id and adds {"id": request id} to the body, so a
  // user can quote the id and an operator find the detail. An ok Status is a
  // bug and answers 500.
  static HttpResponse Error(const Status& status);
  // A JSON error with a status and code the Status table does not have
  // (e.g. 405 "method_not_allowed"). Never use it for 5xx; use Error().
  static HttpResponse ErrorWithCode(int http_status, std::string_view code, std::string_view message,
                                    std::string_view field = {});

 private:
  friend struct http_internal::ResponseAccess;
  std::optional<Status> withheld_;  // the 5xx detail, kept out of the body
};

// A handler answers one request. It runs concurrently with other requests
// (so it must be thread-safe), on a server IO thread, or on the handler pool
// when ServerOptions::handler_threads is set and the request is not a GET or
// HEAD of a route that is not heavy; there it may block (e.g. for a group
// commit) without holding up other connections. An exception escaping
// it is caught at the connection and answered 500 with a request id.
using HttpHandler = std::function<HttpResponse(HttpRequest&)>;

// One route's own limits, tighter than the server's (Router::Limit).
struct RouteLimits {
  // Bytes of request body; 0 = ServerOptions::body_limit, which also caps it.
  // Checked as soon as the headers are read, before any of the body is: a
  // sign-in needs a few hundred bytes, not the 8 MiB an upload does.
  std::uint64_t body_limit = 0;
  // Replaces ServerOptions::json for this route when set.
  std::optional<JsonLimits> json;
  // The handler's work takes much memory for a while (a pairing solve, an
  // upload's parse, an export): at most Router::SetHeavyConcurrency() such
  // handlers run at once (a few others wait their turn), and after each the
  // allocator gives what was freed back to the system (malloc_trim), so the
  // server's memory after a burst returns to where it was instead of staying
  // spread over the allocator's per-thread arenas.
  bool heavy = false;
};

struct RouteInfo {
  std::string method;
  std::string pattern;
  bool operator==(const RouteInfo&) const = default;
};

// Routes by method and path pattern. A pattern is '/'-separated segments,
// each a literal or a `{name}` matching one whole non-empty segment; the last
// segment may be `{name...}`, matching the rest of the path (one or more
// segments, decoded as a whole — a static-file handler must refuse "..").
// Literal segments win over `{name}`, which wins over `{name...}`, so
// `/households/export` and `/households/{id}` coexist. A GET route also
// answers HEAD (the server drops the body).
//
// Thread-safety: Add() is for wiring, before the server starts; afterwards
// the router is immutable and Handle() may run on any number of threads.
class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Throws std::logic_error — a wiring bug, found at startup — when the
  // pattern is malformed, the method+pattern is already routed, or a
  // parameter at the same position has a different name in another pattern.
  Router& Add(std::string_view method, std::string_view pattern, HttpHandler handler);
  Router& Get(std::string_view pattern, HttpHandler handler) {
    return Add("GET", pattern, std::move(handler));
  }
  Router& Post(std::string_view pattern, HttpHandler handler) {
    return Add("POST", pattern, std::move(handler));
  }
  Router& Put(std::string_view pattern, HttpHandler handler) {
    return Add("PUT", pattern, std::move(handler));
  }
  Router& Patch(std::string_view pattern, HttpHandler handler) {
    return Add("PATCH", pattern, std::move(handler));
  }
  Router& Delete(std::string_view pattern, HttpHandler handler) {
    return Add("DELETE", pattern, std::move(handler));
  }

  // Gives the route `method` `pattern` (as added) its own limits. Throws
  // std::logic_error when there is no such route. For wiring, like Add().
  Router& Limit(std::string_view method, std::string_view pattern, RouteLimits limits);
  // The limits of the route `method` `path` matches; null when it has none
  // of its own or no route matches.
  const RouteLimits* LimitsFor(std::string_view method, std::string_view path) const;
  // How many `heavy` handlers may run at once (≥ 1; 1 unless set), and how
  // many more may wait for a turn (≥ 0; 16 unless set): beyond, 503
  // "unavailable" at once, since each waiting one holds a thread.
  Router& SetHeavyConcurrency(int concurrency, int max_waiting);

  // Every route, in the order added, so tests can check that an access table
  // and the OpenAPI document cover each one.
  std::vector<RouteInfo> Routes() const;

  // The pattern `path` matches for `method`, or "" (no route, or none for
  // that method).
  std::string_view PatternFor(std::string_view method, std::string_view path) const;

  // Finds the route for request.method and request.path, fills
  // request.route and request.path_params (and request.json_limits when the
  // route has its own) and runs the handler. Without a route: 404 JSON;
  // with routes for the path but not the method: 405 JSON with Allow. A path parameter that decodes to
  // invalid UTF-8 or a NUL: 400. Exceptions from the handler propagate (the server catches them). Needs no
  // server, so golden API tests can call it directly.
  HttpResponse Handle(HttpRequest& request) const;

 private:
  std::unique_ptr<http_internal::RouteNode> root_;
  std::vector<RouteInfo> routes_;
  std::unique_ptr<http_internal::HeavyGate> heavy_;
};

// Every limit the server enforces, by name.
struct ServerOptions {
  // "host:port" or "[v6]:port"; host an IP literal or "localhost"; port 0
  // picks a free port (see HttpServer::port()).
  std::string listen = "127.0.0.1:8080";
  // IO threads; 0 means one per hardware thread.
  int threads = 0;
  // Threads that run handlers, apart from the IO threads, so a handler
  // waiting for a group commit holds none of them and many requests can
  // wait for one commit together; 0 runs handlers on the IO threads (the
  // best for handlers that never block). Even with a pool, GET and HEAD
  // run on the IO threads unless their route is `heavy` (RouteLimits): a
  // read's work is shorter than the two thread wake-ups of a hand-off, so
  // a GET handler must not wait for a commit.
  int handler_threads = 0;
  // Largest request body accepted (413 beyond). Big enough for an import file.
  std::uint64_t body_limit = 8 * 1024 * 1024;
  // Largest request line + headers accepted (431 beyond).
  std::uint32_t header_limit = 16 * 1024;
  // What a JSON body may hold (HttpRequest::json_limits), unless its route
  // says otherwise.
  JsonLimits json;
  // Connections open at once. One more is answered 503 and closed at once
  // (under TLS closed without an answer, which would need a handshake),
  // so the server's descriptors (RLIMIT_NOFILE, raised to its hard limit at
  // Start()) cannot be used up by clients that connect and dawdle: /healthz
  // and every other client keep being served. Capped at Start() to leave a
  // margin of descriptors below RLIMIT_NOFILE for the store and the logs.
  int max_connections = 10'000;
  // Connections open at once from one IP address (503 beyond), so one
  // client cannot take every slot. Behind a reverse proxy every connection
  // has the proxy's address: raise it to max_connections there.
  int max_connections_per_address = 512;
  // Once a request's first byte arrives, the whole request must arrive within
  // this (also the TLS handshake and a new connection's first request), so a
  // slow client cannot hold a connection open by trickling bytes.
  std::chrono::milliseconds read_timeout{30'000};
  // How long a response may take to be accepted by the client.
  std::chrono::milliseconds write_timeout{30'000};
  // How long a keep-alive connection may sit between requests.
  std::chrono::milliseconds idle_timeout{60'000};
  // After refusing a request mid-upload (413, 400), how long unread request
  // bytes are drained before closing, so the client reads the error instead
  // of a connection reset.
  std::chrono::milliseconds linger_timeout{5'000};
  // How long Stop() waits for in-flight requests before closing connections.
  std::chrono::milliseconds drain_timeout{10'000};
  // Pending connections the kernel queues before accept().
  int backlog = 1024;
  // PEM files; both set → HTTPS only (TLS 1.2 and later), neither → HTTP.
  std::string tls_cert_file;
  std::string tls_key_file;
  // One info line per request: method, route pattern, status, duration, id.
  bool access_log = true;
};

// Buckets of lianxin_http_request_duration_seconds.
inline const std::vector<double> kHttpLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                        0.1,    0.25,  0.5,    1,     2.5,  5};

// An HTTP/1.1 server (Boost.Beast) over a Router, with keep-alive, requests on
// one connection answered strictly in order (pipelining-safe), the limits of
// ServerOptions, optional TLS and a graceful stop.
//
// Built-in routes, added to the router (and so listed by router().Routes()):
//   GET /healthz  200 {"status":"ok"}
//   GET /metrics  Prometheus text: lianxin_http_requests_total{method,route,status},
//                 lianxin_http_request_duration_seconds{route} (from the request
//                 read to the response ready to send; both are recorded before
//                 the response is written, so a client holding its response
//                 can rely on them), lianxin_http_connections_open,
//                 lianxin_http_connections_refused_total{reason="total"|"address"},
//                 and whatever else was registered on metrics().
//
// Threads: one io_context shared by `threads` threads; each connection is a
// coroutine on its own strand. A handler that blocks holds one thread while
// the others keep serving every other connection — with one io_context per
// thread, the connections pinned to that thread would stall with it.
//
// Thread-safety: Start(), Stop() and RunUntilSignal() are for the owning
// thread (Stop() may also be called from another thread, once). port(),
// metrics() and router() may be called from anywhere. A server runs once:
// after Stop() it cannot be started again.
class HttpServer {
 public:
  // `metrics` may be shared with other modules (so one /metrics shows all);
  // null → the server makes its own. Throws std::logic_error if `router`
  // already has GET /healthz or GET /metrics.
  HttpServer(ServerOptions options, Router router, std::shared_ptr<Metrics> metrics = nullptr);
  // Stops (gracefully) if running.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the IO threads; returns once connections are
  // accepted. kInvalidInput (field "listen", "tls_cert" or "tls_key") for a
  // bad address or unreadable certificate/key; kUnavailable when the address
  // cannot be bound (e.g. in use).
  Status Start();
  // The bound port (useful after listening on port 0); 0 before Start().
  std::uint16_t port() const;
  // Stops accepting (new connections are refused), closes idle connections,
  // lets in-flight requests finish and answers them with `Connection: close`,
  // waits up to drain_timeout for that, then closes whatever is left and
  // returns once every IO thread has exited. A handler still running holds
  // Stop() until it returns. Idempotent. Called from a handler (an IO
  // thread) it only begins the stop and returns; the owner's Stop() or the
  // destructor finishes it.
  void Stop();
  // Start() (unless started), wait for SIGINT or SIGTERM (or a Stop() from
  // another thread), then Stop(). Returns Start()'s error, else ok.
  Status RunUntilSignal();

  Metrics& metrics();
  const Router& router() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lianxin
