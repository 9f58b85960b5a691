// The HTTP server: Boost.Beast over Asio, one C++20 coroutine per connection.
//
// Shape: one io_context run by N threads (see http.hpp for why shared); an
// accept loop on its own strand; each connection a coroutine on its own
// strand, so its reads, writes, timer and the stop signals posted to it never
// run concurrently. A connection reads a request, runs the handler, writes
// the response, and only then reads the next one: pipelined requests wait in
// the read buffer, so responses can never be reordered.
//
// Stop: the acceptor closes (new connections are refused), each connection
// is told to drain — closed at once if it is between requests, otherwise it
// finishes the request in hand, answers with `Connection: close` and ends.
// Stop() waits for the last connection, up to drain_timeout, then closes the
// rest and joins the threads.
#include <fmt/format.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <utility>  // before Asio: Boost 1.74's Asio misses it under g++ 12 in C++20 mode

#include "http/internal.hpp"
#include "lianxin/http.hpp"

namespace lianxin {

namespace http_internal {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;
using SteadyTime = std::chrono::steady_clock::time_point;

// Bytes asked for at once while waiting for the next request.
constexpr size_t kReadChunk = 16 * 1024;
// A connection keeps its response-head buffer up to this between requests.
constexpr size_t kKeptHeadCapacity = 4 * 1024;
// After accept() fails (e.g. out of file descriptors), a pause so the loop
// does not spin while the condition lasts.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(50);
// After Stop() closes connections that outlived drain_timeout, how long it
// waits for their coroutines to unwind before stopping the io_context.
constexpr auto kForceCloseGrace = std::chrono::seconds(2);
// The route label of requests no route matched (or refused before routing);
// never the path itself, which may hold personal data and is unbounded.
constexpr std::string_view kUnmatchedRoute = "unmatched";
// Descriptors kept out of max_connections' reach: the store's connections
// (writer, readers, WAL and shm files), the log, the listening socket, and
// the accept()ed sockets that are answered 503.
constexpr long kReservedDescriptors = 256;

// max_connections, lowered to what RLIMIT_NOFILE leaves (after raising its
// soft limit to the hard one, as a server may).
int EffectiveMaxConnections(int configured) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return configured;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY) return configured;
  long spare = static_cast<long>(limit.rlim_cur) - kReservedDescriptors;
  return static_cast<int>(std::clamp<long>(spare, 1, configured));
}

auto Redirect(error_code& ec) { return net::redirect_error(net::use_awaitable, ec); }

unsigned ThreadCount(const ServerOptions& options) {
  if (options.threads > 0) return static_cast<unsigned>(options.threads);
  return std::max(1u, std::thread::hardware_concurrency());
}

// The method label of metrics and logs: a fixed set, so a client sending
// made-up methods cannot grow the metric without bound.
constexpr std::array<std::string_view, 8> kMethodLabels = {"GET",   "HEAD",   "POST",    "PUT",
                                                           "PATCH", "DELETE", "OPTIONS", "other"};
size_t MethodIndex(std::string_view method) {
  for (size_t i = 0; i + 1 < kMethodLabels.size(); ++i) {
    if (kMethodLabels[i] == method) return i;
  }
  return kMethodLabels.size() - 1;
}

std::string NewRequestId() {
  thread_local std::mt19937_64 generator = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  return fmt::format("{:016x}", generator());
}

bool IsApiPath(std::string_view path) {
  // Unknown (a request refused before its target was read): treat as API.
  return path.empty() || path == "/api" || path.starts_with("/api/");
}

// lianxin_http_requests_total and lianxin_http_request_duration_seconds,
// recorded without taking the Metrics lock once a (route, method, status)
// has been seen: each route keeps a few cached counter pointers.
class RequestMetrics {
 public:
  RequestMetrics(Metrics& metrics, const std::vector<RouteInfo>& routes) : metrics_(metrics) {
    auto add = [&](std::string_view route) {
      if (by_route_.count(route)) return;
      auto stats = std::make_unique<RouteStats>();
      stats->route = std::string(route);
      stats->duration =
          &metrics_.histogram(kDurationName, kDurationHelp, kHttpLatencyBuckets, {{"route", stats->route}});
      by_route_.emplace(stats->route, stats.get());
      stats_.push_back(std::move(stats));
    };
    for (const RouteInfo& route : routes) add(route.pattern);
    add(kUnmatchedRoute);
  }

  void Record(std::string_view method, std::string_view route, int status, double seconds) {
    size_t method_index = MethodIndex(method);
    auto it = by_route_.find(route);
    if (it == by_route_.end()) it = by_route_.find(kUnmatchedRoute);
    RouteStats& stats = *it->second;
    stats.duration->Observe(seconds);
    CounterFor(stats, method_index, status).Increment();
  }

 private:
  static constexpr std::string_view kRequestsName = "lianxin_http_requests_total";
  static constexpr std::string_view kRequestsHelp =
      "HTTP requests answered, by method, route pattern and status.";
  static constexpr std::string_view kDurationName = "lianxin_http_request_duration_seconds";
  static constexpr std::string_view kDurationHelp =
      "Time from a request being read to its response being ready to send, by route pattern.";
  // Distinct (method, status) pairs cached per route; more than this and the
  // rest go through the Metrics lock, which is only slower.
  static constexpr size_t kCacheSlots = 16;

  struct RouteStats {
    std::string route;
    Histogram* duration = nullptr;
    std::array<std::atomic<int>, kCacheSlots> keys{};  // 0 = free
    std::array<std::atomic<Counter*>, kCacheSlots> counters{};
  };

  Counter& Lookup(const RouteStats& stats, size_t method_index, int status) {
    return metrics_.counter(kRequestsName, kRequestsHelp,
                            {{"method", std::string(kMethodLabels[method_index])},
                             {"route", stats.route},
                             {"status", std::to_string(status)}});
  }

  Counter& CounterFor(RouteStats& stats, size_t method_index, int status) {
    const int key = static_cast<int>(method_index) * 1000 + status;  // status is 200..599
    for (size_t i = 0; i < kCacheSlots; ++i) {
      int seen = stats.keys[i].load(std::memory_order_acquire);
      if (seen == 0 && stats.keys[i].compare_exchange_strong(seen, key, std::memory_order_acq_rel)) {
        Counter* counter = &Lookup(stats, method_index, status);
        stats.counters[i].store(counter, std::memory_order_release);
        return *counter;
      }
      if (seen == key) {
        // Null only while the slot's claimer is still looking it up.
        if (Counter* counter = stats.counters[i].load(std::memory_order_acquire)) return *counter;
        break;
      }
    }
    return Lookup(stats, method_index, status);
  }

  Metrics& metrics_;
  std::vector<std::unique_ptr<RouteStats>> stats_;
  std::unordered_map<std::string_view, RouteStats*> by_route_;  // read-only once built
};

Result<tcp::endpoint> ParseListen(std::string_view listen) {
  Status bad =
      Status::Invalid(fmt::format("监听地址应为 host:port 或 [v6]:port,而不是 {}", listen), "listen");
  std::string_view host;
  std::string_view port;
  if (listen.starts_with('[')) {
    size_t close = listen.find(']');
    if (close == std::string_view::npos || close + 1 >= listen.size() || listen[close + 1] != ':') return bad;
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    size_t colon = listen.rfind(':');
    if (colon == std::string_view::npos) return bad;
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return bad;
  }
  unsigned number = 0;
  auto [end, parse_error] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (port.empty() || parse_error != std::errc() || end != port.data() + port.size() || number > 65535) {
    return bad;
  }
  if (host == "localhost") host = "127.0.0.1";
  error_code ec;
  net::ip::address address = net::ip::make_address(std::string(host), ec);
  if (ec) return bad;
  return tcp::endpoint(address, static_cast<std::uint16_t>(number));
}

Result<std::unique_ptr<net::ssl::context>> MakeTlsContext(const ServerOptions& options) {
  if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
    return Status::Invalid("HTTPS 需要同时给出证书和私钥",
                           options.tls_cert_file.empty() ? "tls_cert" : "tls_key");
  }
  auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1 | net::ssl::context::no_compression |
                       net::ssl::context::single_dh_use);
  // TLS 1.2 and later only; for 1.2, forward-secret AEAD suites only (1.3's
  // suites are all of that kind already).
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_cipher_list(context->native_handle(), "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL");
  error_code ec;
  context->use_certificate_chain_file(options.tls_cert_file, ec);
  if (ec) {
    return Status::Invalid(fmt::format("无法读取 TLS 证书 {}: {}", options.tls_cert_file, ec.message()),
                           "tls_cert");
  }
  context->use_private_key_file(options.tls_key_file, net::ssl::context::pem, ec);
  if (ec || SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return Status::Invalid(fmt::format("无法读取 TLS 私钥 {},或与证书不符: {}", options.tls_key_file,
                                       ec ? ec.message() : "mismatch"),
                           "tls_key");
  }
  return context;
}

// What a connection is told from outside its strand. Both post to the strand.
class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  // Finish the request in hand (if any), then close.
  virtual void Drain() = 0;
  // Close now, whatever is in hand.
  virtual void ForceClose() = 0;
  // Before the coroutine starts, for connections accepted during a stop.
  void MarkStopping() { stopping_ = true; }

 protected:
  bool stopping_ = false;  // touched only on the connection's strand
};

// The server proper; HttpServer::Impl is this, named so that connections can
// reach it.
class ServerCore {
 public:
  ServerCore(ServerOptions options, Router router, std::shared_ptr<Metrics> metrics)
      : options_(std::move(options)),
        router_(std::move(router)),
        metrics_(std::move(metrics)),
        connections_open_(metrics_->gauge("lianxin_http_connections_open", "Open HTTP connections.")),
        refused_total_(metrics_->counter(kRefusedName, kRefusedHelp, {{"reason", "total"}})),
        refused_address_(metrics_->counter(kRefusedName, kRefusedHelp, {{"reason", "address"}})),
        ioc_(static_cast<int>(ThreadCount(options_))) {}

  ~ServerCore() { Stop(); }

  Status Start();
  void BeginStop();
  void Stop();
  Status RunUntilSignal();
  std::uint16_t port() const { return port_.load(); }
  Metrics& metrics() { return *metrics_; }
  const Router& router() const { return router_; }

  // For connections.
  const ServerOptions& options() const { return options_; }
  Gauge& connections_open() { return connections_open_; }
  // Gives back the slot Admit() took for `address`.
  void Release(const std::string& address);
  // Whether Stop() has begun; read without the lock on every response.
  bool draining() const { return draining_.load(std::memory_order_relaxed); }
  HttpResponse Dispatch(HttpRequest& request);
  // Dispatch() on the handler pool when there is one (handlers may block on
  // a commit without holding an IO thread), resuming on the caller's strand;
  // a read (RunsOnIoThread) right here.
  net::awaitable<HttpResponse> DispatchAsync(HttpRequest& request);
  // GET and HEAD of a route that is not heavy.
  bool RunsOnIoThread(const HttpRequest& request) const;
  // Withheld 5xx details logged, security headers set, invalid responses
  // replaced by a 500. True when the handler asked to close the connection.
  bool Finalize(const HttpRequest& request, HttpResponse& response);
  void Record(const HttpRequest& request, int status, SteadyTime start);
  void Unregister(ConnectionBase* connection);

 private:
  net::awaitable<void> AcceptLoop();
  void Launch(tcp::socket socket);
  void Register(const std::shared_ptr<ConnectionBase>& connection);
  // Takes a slot for a connection from `address`; false (and counted) when
  // the server or that address has none left.
  bool Admit(const std::string& address);
  // Answers a connection Admit() turned away 503 and closes it.
  void Refuse(tcp::socket socket);

  static constexpr std::string_view kRefusedName = "lianxin_http_connections_refused_total";
  static constexpr std::string_view kRefusedHelp =
      "Connections answered 503 and closed at once: the server's (total) or one address's slots were taken.";

  const ServerOptions options_;
  Router router_;
  std::shared_ptr<Metrics> metrics_;
  Gauge& connections_open_;
  Counter& refused_total_;
  Counter& refused_address_;
  std::unique_ptr<RequestMetrics> request_metrics_;
  std::unique_ptr<net::ssl::context> tls_;
  std::atomic<std::uint16_t> port_{0};
  std::atomic<bool> draining_{false};

  std::mutex slots_mu_;      // guards the slot counts
  int max_connections_ = 0;  // set by Start()
  int slots_taken_ = 0;
  std::unordered_map<std::string, int> slots_by_address_;

  std::mutex mu_;  // guards the fields below, with cv_
  std::condition_variable cv_;
  std::unordered_map<ConnectionBase*, std::weak_ptr<ConnectionBase>> connections_;
  bool started_ = false;
  bool stopping_ = false;
  bool accepting_ = false;  // the accept loop is running

  std::mutex join_mu_;  // one Stop() at a time waits and joins
  std::vector<std::thread> threads_;
  std::optional<net::thread_pool> handlers_;  // when options_.handler_threads > 0

  // Declared after everything a connection touches from its destructor: the
  // io_context destroys the coroutines still pending in it, and with them
  // their connections.
  net::io_context ioc_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::optional<tcp::acceptor> acceptor_;
  std::optional<net::signal_set> signals_;
};

// The IO threads of which server the current thread is one, so Stop() can
// tell it is being called from a handler.
thread_local const ServerCore* t_io_thread_of = nullptr;

using SslStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
class Connection final : public ConnectionBase, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, SslStream>;

  template <class... StreamArgs>
  Connection(ServerCore& server, tcp::endpoint remote, StreamArgs&&... stream_args)
      : server_(server),
        stream_(std::forward<StreamArgs>(stream_args)...),
        executor_(beast::get_lowest_layer(stream_).get_executor()),
        remote_(std::move(remote)),
        remote_address_(remote_.address().to_string()) {
    server_.connections_open().Add(1);
  }

  ~Connection() override {
    server_.connections_open().Add(-1);
    server_.Release(remote_address_);
    server_.Unregister(this);
  }

  const net::any_io_executor& executor() const { return executor_; }

  // The connection's whole life. `self` keeps it alive until the coroutine ends.
  static net::awaitable<void> Serve(std::shared_ptr<Connection> self) {
    try {
      co_await self->Loop();
    } catch (const std::exception& e) {
      // The last resort for this connection; handler exceptions never get here.
      spdlog::error("http: connection from {} failed: {}", self->remote_address_, e.what());
    }
    self->Lowest().close();
  }

  void Drain() override {
    net::post(executor_, [self = this->shared_from_this()] {
      self->stopping_ = true;
      if (self->phase_ == Phase::kWaiting) self->Lowest().close();
    });
  }

  void ForceClose() override {
    net::post(executor_, [self = this->shared_from_this()] { self->Lowest().close(); });
  }

 private:
  // kWaiting: no part of a request in hand — waiting for one, or lingering
  // after a refusal — so a drain may close the connection right away.
  enum class Phase { kWaiting, kBusy };

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  net::awaitable<void> Loop() {
    const ServerOptions& options = server_.options();
    error_code ec;
    if constexpr (kTls) {
      Lowest().expires_after(options.read_timeout);
      co_await stream_.async_handshake(net::ssl::stream_base::server, Redirect(ec));
      if (ec) co_return;
    }
    bool first = true;
    while (true) {
      if (buffer_.size() == 0) {
        // Waiting for a request's first bytes is apart from reading the rest,
        // so the idle and read timeouts differ, and a drain knows it is not
        // cutting a request in half.
        phase_ = Phase::kWaiting;
        if (stopping_) co_return;
        Lowest().expires_after(first ? options.read_timeout : options.idle_timeout);
        size_t n = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), Redirect(ec));
        if (ec) co_return;  // closed, timed out or drained: nothing to answer
        buffer_.commit(n);
      }
      phase_ = Phase::kBusy;
      first = false;
      if (!co_await ServeOne()) co_return;
    }
  }

  // Reads, handles and answers one request; false when the connection is done.
  net::awaitable<bool> ServeOne() {
    const ServerOptions& options = server_.options();
    error_code ec;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(options.header_limit);
    parser.body_limit(options.body_limit);
    Lowest().expires_after(options.read_timeout);
    co_await bhttp::async_read_header(stream_, buffer_, parser, Redirect(ec));
    std::uint64_t body_limit = options.body_limit;
    if (!ec && !parser.is_done()) {
      // A route's own, smaller limit, before a byte of the body is read.
      boost::beast::string_view target = parser.get().target();
      std::string_view path(target.data(), std::min(target.size(), target.find('?')));
      const RouteLimits* limits = server_.router().LimitsFor(ToStd(parser.get().method_string()), path);
      if (limits != nullptr && limits->body_limit > 0 && limits->body_limit < body_limit) {
        body_limit = limits->body_limit;
        if (parser.content_length().value_or(0) > body_limit) {
          ec = bhttp::error::body_limit;
        } else {
          parser.body_limit(body_limit);  // counted down chunk by chunk
        }
      }
    }
    if (!ec && !parser.is_done()) {
      // curl and others hold large bodies back until told to go on.
      auto expect = parser.get()[bhttp::field::expect];
      if (parser.get().version() >= 11 && EqualsIgnoreCase({expect.data(), expect.size()}, "100-continue")) {
        bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
        co_await bhttp::async_write(stream_, go_on, Redirect(ec));
      }
      if (!ec) co_await bhttp::async_read(stream_, buffer_, parser, Redirect(ec));
    }
    const SteadyTime start = std::chrono::steady_clock::now();

    HttpRequest request;
    request.id = NewRequestId();
    request.remote_address = remote_address_;
    request.remote_port = remote_.port();
    if (ec) {
      std::optional<HttpResponse> refusal = RefusalFor(ec, body_limit);
      if (!refusal) co_return false;  // the peer left or timed out: nobody to answer
      if (parser.is_header_done()) {
        request.method = std::string(parser.get().method_string());
        if (request.SetTarget(ToStd(parser.get().target())).ok()) {
          request.route = std::string(server_.router().PatternFor(request.method, request.path));
        }
      }
      co_await Respond(request, *refusal, parser.is_header_done() ? parser.get().version() : 11, start,
                       /*keep_alive=*/false);
      co_await Linger();
      co_return false;
    }

    bhttp::request<bhttp::string_body>& message = parser.get();
    request.method = std::string(message.method_string());
    Status target = request.SetTarget(ToStd(message.target()));
    for (const auto& field : message) request.headers.Add(ToStd(field.name_string()), ToStd(field.value()));
    request.body = std::move(message.body());
    request.json_limits = options.json;
    // Not a ?: expression: g++ 12 destroys a co_await's result twice there.
    HttpResponse response;
    if (target.ok()) {
      response = co_await server_.DispatchAsync(request);
    } else {
      response = HttpResponse::Error(target);
    }
    // A request answered during a stop is the connection's last, so the
    // client knows not to send another on it.
    bool keep_alive = co_await Respond(request, response, message.version(), start,
                                       message.keep_alive() && !stopping_ && !server_.draining());
    if (!keep_alive) co_await Shutdown();
    co_return keep_alive;
  }

  // The answer to a request that could not be read whole, or nullopt when
  // there is no one to answer (the peer closed, reset or timed out).
  std::optional<HttpResponse> RefusalFor(const error_code& ec, std::uint64_t body_limit) const {
    const ServerOptions& options = server_.options();
    if (ec == bhttp::error::body_limit) {
      return HttpResponse::ErrorWithCode(413, "payload_too_large",
                                         fmt::format("请求体超过 {} 字节的上限", body_limit));
    }
    if (ec == bhttp::error::header_limit) {
      return HttpResponse::ErrorWithCode(431, "header_too_large",
                                         fmt::format("请求头超过 {} 字节的上限", options.header_limit));
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return HttpResponse::Error(Status::Invalid("请求格式错误"));
    }
    return std::nullopt;
  }

  // Writes the response; true when the connection stays open for another
  // request (written, and neither side asked to close).
  net::awaitable<bool> Respond(HttpRequest& request, HttpResponse& response, unsigned version,
                               SteadyTime start, bool keep_alive) {
    if (server_.Finalize(request, response)) keep_alive = false;
    // The head is written here, into a buffer the connection keeps, and sent
    // with the body in one gather write: building a Beast message instead
    // cost an allocation per header field and a third of the server core's
    // user time (bench/NOTES.md, B3d).
    head_.clear();
    if (head_.capacity() > kKeptHeadCapacity) head_.shrink_to_fit();
    auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(response.status));
    fmt::format_to(std::back_inserter(head_), "HTTP/1.{} {} {}\r\n", version == 10 ? 0 : 1, response.status,
                   std::string_view(reason.data(), reason.size()));
    for (const auto& [name, value] : response.headers) {
      head_.append(name).append(": ").append(value).append("\r\n");
    }
    // No body, nor a length, on 204 and 304 (Finalize emptied the body).
    if (response.status != 204 && response.status != 304) {
      fmt::format_to(std::back_inserter(head_), "Content-Length: {}\r\n", response.body.size());
    }
    if (version >= 11 && !keep_alive) head_.append("Connection: close\r\n");
    if (version == 10 && keep_alive) head_.append("Connection: keep-alive\r\n");
    head_.append("\r\n");
    std::array<net::const_buffer, 2> buffers = {net::buffer(head_), net::buffer(response.body)};
    if (request.method == "HEAD") buffers[1] = net::const_buffer();
    // Recorded before the write, so a client that has its response can rely
    // on /metrics already counting it; the write's time is the network's.
    server_.Record(request, response.status, start);
    error_code ec;
    Lowest().expires_after(server_.options().write_timeout);
    co_await net::async_write(stream_, buffers, Redirect(ec));
    co_return !ec && keep_alive;
  }

  // After refusing a request whose bytes may still be arriving: reading and
  // discarding them for a while lets the client finish sending and read the
  // refusal; closing at once would reset the connection under it.
  net::awaitable<void> Linger() {
    error_code ec;
    if constexpr (!kTls) Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    phase_ = Phase::kWaiting;
    if (stopping_) co_return;
    Lowest().expires_after(server_.options().linger_timeout);
    buffer_.clear();
    while (!ec) co_await stream_.async_read_some(buffer_.prepare(kReadChunk), Redirect(ec));
  }

  // Ends a connection after a `Connection: close` response.
  net::awaitable<void> Shutdown() {
    error_code ec;
    if constexpr (kTls) {
      // close_notify, so the client knows the response was not truncated;
      // skipped while stopping, where it could hold the drain for a client
      // that never answers it.
      if (stopping_) co_return;
      phase_ = Phase::kWaiting;
      Lowest().expires_after(server_.options().linger_timeout);
      co_await stream_.async_shutdown(Redirect(ec));
    } else {
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  static std::string ToStd(boost::beast::string_view text) { return std::string(text.data(), text.size()); }

  ServerCore& server_;
  Stream stream_;
  net::any_io_executor executor_;
  tcp::endpoint remote_;
  std::string remote_address_;
  beast::flat_buffer buffer_;
  std::string head_;  // the response head being written
  Phase phase_ = Phase::kWaiting;
};

HttpResponse ServerCore::Dispatch(HttpRequest& request) {
  // The boundary no handler exception crosses: it becomes a 500 with an id.
  try {
    return router_.Handle(request);
  } catch (const std::exception& e) {
    return HttpResponse::Error(Status::Internal(fmt::format("处理请求时抛出异常: {}", e.what())));
  } catch (...) {
    return HttpResponse::Error(Status::Internal("处理请求时抛出未知异常"));
  }
}

bool ServerCore::RunsOnIoThread(const HttpRequest& request) const {
  if (request.method != "GET" && request.method != "HEAD") return false;
  const RouteLimits* limits = router_.LimitsFor(request.method, request.path);
  return limits == nullptr || !limits->heavy;
}

net::awaitable<HttpResponse> ServerCore::DispatchAsync(HttpRequest& request) {
  // Handing a request to the pool and back costs two thread wake-ups, more
  // than a read's whole work: reads stay here (see ServerOptions).
  if (!handlers_ || RunsOnIoThread(request)) co_return Dispatch(request);
  // The connection's strand as its concrete type. Completing an awaitable
  // handler from the pool through the type-erased any_io_executor was seen
  // to free the strand while a stream timer still held it (a use-after-free
  // under ASan with Boost 1.74); a timer cancelled on the concrete strand
  // keeps every completion on Asio's ordinary path.
  using Strand = net::strand<net::io_context::executor_type>;
  auto executor = co_await net::this_coro::executor;
  const Strand* found = executor.target<Strand>();
  if (found == nullptr) co_return Dispatch(request);
  Strand strand = *found;
  // A timer that never fires on its own: the pool thread cancels it (on the
  // strand) once the response is ready, which wakes the coroutine.
  net::steady_timer ready(strand, net::steady_timer::time_point::max());
  HttpResponse response;
  net::post(*handlers_, [this, &request, &response, &ready, strand] {
    response = Dispatch(request);
    net::post(strand, [&ready] { ready.cancel(); });
  });
  error_code ec;
  co_await ready.async_wait(Redirect(ec));
  co_return response;
}

bool ServerCore::Finalize(const HttpRequest& request, HttpResponse& response) {
  std::string_view route = request.route.empty() ? kUnmatchedRoute : std::string_view(request.route);
  std::string_view method = kMethodLabels[MethodIndex(request.method)];
  if (std::optional<Status> detail = ResponseAccess::TakeWithheld(response, request.id)) {
    spdlog::error("http {} {} {} id={}: {}", method, route, response.status, request.id, detail->ToString());
  }
  bool valid = response.status >= 200 && response.status <= 599;
  for (const auto& [name, value] : response.headers) valid = valid && IsSendableHeader(name, value);
  if (!valid) {
    spdlog::error(
        "http {} {} id={}: the handler's response cannot be sent (status {} or a header name/value)", method,
        route, request.id, response.status);
    response = HttpResponse::Error(Status::Internal("invalid response"));
    (void)ResponseAccess::TakeWithheld(response, request.id);
  }
  // 1xx, 204 and 304 carry no body (RFC 9110); Beast refuses to send one.
  if (response.status == 204 || response.status == 304) response.body.clear();

  bool close = false;
  if (auto connection = response.headers.Get("Connection")) close = EqualsIgnoreCase(*connection, "close");
  // Framing and connection management are the server's; no version banner.
  for (std::string_view name :
       {"Connection", "Content-Length", "Transfer-Encoding", "Keep-Alive", "Server"}) {
    response.headers.Remove(name);
  }
  response.headers.Set("X-Request-Id", request.id);
  response.headers.Set("X-Content-Type-Options", "nosniff");
  response.headers.Set("Referrer-Policy", "no-referrer");
  if (tls_) response.headers.Set("Strict-Transport-Security", "max-age=31536000");
  if (IsApiPath(request.path)) {
    response.headers.Set("Cache-Control", "no-store");
  } else if (!response.headers.Has("Content-Security-Policy")) {
    response.headers.Set("Content-Security-Policy", "default-src 'self'");
  }
  return close;
}

void ServerCore::Record(const HttpRequest& request, int status, SteadyTime start) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string_view route = request.route.empty() ? kUnmatchedRoute : std::string_view(request.route);
  request_metrics_->Record(request.method, route, status, seconds);
  // Never the target, query or body: they may hold personal data.
  if (options_.access_log) {
    spdlog::info("http {} {} {} {:.3f}ms id={}", kMethodLabels[MethodIndex(request.method)], route, status,
                 seconds * 1000, request.id);
  }
}

void ServerCore::Register(const std::shared_ptr<ConnectionBase>& connection) {
  std::lock_guard lock(mu_);
  if (stopping_) connection->MarkStopping();
  connections_.emplace(connection.get(), connection);
}

void ServerCore::Unregister(ConnectionBase* connection) {
  {
    std::lock_guard lock(mu_);
    connections_.erase(connection);
  }
  cv_.notify_all();
}

bool ServerCore::Admit(const std::string& address) {
  std::lock_guard lock(slots_mu_);
  if (slots_taken_ >= max_connections_) {
    refused_total_.Increment();
    return false;
  }
  int& taken = slots_by_address_[address];
  if (taken >= options_.max_connections_per_address) {
    if (taken == 0) slots_by_address_.erase(address);
    refused_address_.Increment();
    return false;
  }
  ++taken;
  ++slots_taken_;
  return true;
}

void ServerCore::Release(const std::string& address) {
  std::lock_guard lock(slots_mu_);
  --slots_taken_;
  auto it = slots_by_address_.find(address);
  if (it != slots_by_address_.end() && --it->second <= 0) slots_by_address_.erase(it);
}

void ServerCore::Refuse(tcp::socket socket) {
  error_code ec;
  if (!tls_) {
    // One non-blocking send into an empty socket buffer: it never waits, so
    // a refusal costs the accept loop no more than the accept did.
    static const std::string kBusy = [] {
      std::string body = ErrorBody("unavailable", "连接数已满,请稍后再试");
      return fmt::format(
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
          "Content-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{}",
          body.size(), body);
    }();
    socket.non_blocking(true, ec);
    if (!ec) socket.write_some(net::buffer(kBusy), ec);
    socket.shutdown(tcp::socket::shutdown_send, ec);
  }
  socket.close(ec);
}

void ServerCore::Launch(tcp::socket socket) {
  error_code ec;
  tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) return;  // gone before we looked
  if (!Admit(remote.address().to_string())) {
    Refuse(std::move(socket));
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  auto spawn = [this](auto connection) {
    Register(connection);
    auto executor = connection->executor();
    using C = typename decltype(connection)::element_type;
    net::co_spawn(executor, C::Serve(std::move(connection)), [](std::exception_ptr error) {
      if (!error) return;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        spdlog::error("http: connection coroutine failed: {}", e.what());
      } catch (...) {
        spdlog::error("http: connection coroutine failed");
      }
    });
  };
  if (tls_) {
    spawn(std::make_shared<Connection<SslStream>>(*this, remote, std::move(socket), *tls_));
  } else {
    spawn(std::make_shared<Connection<beast::tcp_stream>>(*this, remote, std::move(socket)));
  }
}

net::awaitable<void> ServerCore::AcceptLoop() {
  while (true) {
    tcp::socket socket(net::make_strand(ioc_));
    error_code ec;
    co_await acceptor_->async_accept(socket, Redirect(ec));
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor_->is_open()) break;
      spdlog::warn("http: accept failed: {}", ec.message());
      net::steady_timer pause(co_await net::this_coro::executor, kAcceptRetryDelay);
      co_await pause.async_wait(Redirect(ec));
      continue;
    }
    Launch(std::move(socket));
  }
  {
    std::lock_guard lock(mu_);
    accepting_ = false;
  }
  cv_.notify_all();
}

Status ServerCore::Start() {
  {
    std::lock_guard lock(mu_);
    if (started_ || stopping_) return Status(Code::kConflict, "HTTP 服务器只能启动一次");
  }
  LX_ASSIGN_OR_RETURN(tcp::endpoint endpoint, ParseListen(options_.listen));
  if (!options_.tls_cert_file.empty() || !options_.tls_key_file.empty()) {
    LX_ASSIGN_OR_RETURN(tls_, MakeTlsContext(options_));
  }
  acceptor_.emplace(net::make_strand(ioc_));
  error_code ec;
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(options_.backlog, ec);
  if (ec) {
    acceptor_.reset();
    return Status(Code::kUnavailable, fmt::format("无法监听 {}: {}", options_.listen, ec.message()),
                  "listen");
  }
  port_ = acceptor_->local_endpoint(ec).port();
  {
    std::lock_guard lock(slots_mu_);
    max_connections_ = EffectiveMaxConnections(options_.max_connections);
  }
  request_metrics_ = std::make_unique<RequestMetrics>(*metrics_, router_.Routes());
  {
    std::lock_guard lock(mu_);
    started_ = true;
    accepting_ = true;
  }
  work_.emplace(ioc_.get_executor());
  if (options_.handler_threads > 0) handlers_.emplace(static_cast<size_t>(options_.handler_threads));
  net::co_spawn(acceptor_->get_executor(), AcceptLoop(), [](std::exception_ptr error) {
    if (error) spdlog::critical("http: the accept loop failed; no new connections will be accepted");
  });
  unsigned threads = ThreadCount(options_);
  for (unsigned i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      t_io_thread_of = this;
      ioc_.run();
    });
  }
  spdlog::info("http: listening on {}:{}{} ({} threads, at most {} connections)",
               endpoint.address().to_string(), port_.load(), tls_ ? " (TLS)" : "", threads, max_connections_);
  return Status::Ok();
}

void ServerCore::BeginStop() {
  std::vector<std::shared_ptr<ConnectionBase>> live;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    draining_ = true;
    for (const auto& [pointer, weak] : connections_) {
      if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
  }
  cv_.notify_all();
  if (acceptor_) {
    net::post(acceptor_->get_executor(), [this] {
      error_code ec;
      acceptor_->close(ec);
    });
  }
  for (const auto& connection : live) connection->Drain();
}

void ServerCore::Stop() {
  BeginStop();
  if (t_io_thread_of == this) return;  // joining ourselves would deadlock
  std::lock_guard join_lock(join_mu_);
  if (threads_.empty()) return;
  auto done = [this] { return connections_.empty() && !accepting_; };
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, options_.drain_timeout, done)) {
    std::vector<std::shared_ptr<ConnectionBase>> live;
    for (const auto& [pointer, weak] : connections_) {
      if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
    spdlog::warn("http: {} connections still open after the drain timeout; closing them", live.size());
    lock.unlock();
    for (const auto& connection : live) connection->ForceClose();
    live.clear();
    lock.lock();
    cv_.wait_for(lock, kForceCloseGrace, done);
  }
  lock.unlock();
  work_.reset();
  ioc_.stop();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  // Before the io_context (and with it the requests handlers refer to) goes.
  if (handlers_) handlers_->join();
  spdlog::info("http: stopped");
}

Status ServerCore::RunUntilSignal() {
  // Installed before Start(), so a signal is caught from the first request on.
  signals_.emplace(ioc_, SIGINT, SIGTERM);
  signals_->async_wait([this](const error_code& ec, int signal_number) {
    if (ec) return;
    spdlog::info("http: signal {} received; stopping", signal_number);
    BeginStop();
  });
  bool started;
  {
    std::lock_guard lock(mu_);
    started = started_;
  }
  if (!started) {
    Status status = Start();
    if (!status.ok()) {
      signals_.reset();
      return status;
    }
  }
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return stopping_; });
  }
  Stop();
  signals_.reset();
  return Status::Ok();
}

}  // namespace
}  // namespace http_internal

class HttpServer::Impl : public http_internal::ServerCore {
  using ServerCore::ServerCore;
};

namespace {
Router WithBuiltins(Router router, const std::shared_ptr<Metrics>& metrics) {
  for (const RouteInfo& route : router.Routes()) {
    if (route.method == "GET" && (route.pattern == "/healthz" || route.pattern == "/metrics")) {
      throw std::logic_error("GET " + route.pattern + " is built into HttpServer");
    }
  }
  router.Get("/healthz", [](HttpRequest&) {
    // The text, not a JSON document built and dumped on every probe.
    HttpResponse response = HttpResponse::Text(200, R"({"status":"ok"})", "application/json; charset=utf-8");
    response.headers.Set("Cache-Control", "no-store");
    return response;
  });
  // A weak pointer: the router lives inside the server, which holds the Metrics.
  router.Get("/metrics", [weak = std::weak_ptr<Metrics>(metrics)](HttpRequest&) {
    std::shared_ptr<Metrics> metrics = weak.lock();
    HttpResponse response = HttpResponse::Text(200, metrics ? metrics->RenderPrometheus() : "",
                                               "text/plain; version=0.0.4; charset=utf-8");
    response.headers.Set("Cache-Control", "no-store");
    return response;
  });
  return router;
}

std::shared_ptr<Metrics> OrNew(std::shared_ptr<Metrics> metrics) {
  return metrics ? std::move(metrics) : std::make_shared<Metrics>();
}
}  // namespace

HttpServer::HttpServer(ServerOptions options, Router router, std::shared_ptr<Metrics> metrics) {
  metrics = OrNew(std::move(metrics));
  Router routed = WithBuiltins(std::move(router), metrics);
  impl_ = std::make_unique<Impl>(std::move(options), std::move(routed), std::move(metrics));
}

HttpServer::~HttpServer() = default;

Status HttpServer::Start() { return impl_->Start(); }
std::uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::Stop() { impl_->Stop(); }
Status HttpServer::RunUntilSignal() { return impl_->RunUntilSignal(); }
Metrics& HttpServer::metrics() { return impl_->metrics(); }
const Router& HttpServer::router() const { return impl_->router(); }

}  // namespace lianxin
