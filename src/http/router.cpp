// Requests, responses and the router: everything of HTTP that needs no socket.
#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "http/internal.hpp"
#include "lianxin/http.hpp"

namespace lianxin {

namespace http_internal {

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Shown to users in place of a 5xx detail; the detail goes to the log.
std::string_view GenericMessage(Code code) {
  if (code == Code::kUnavailable) return "服务暂时不可用,请稍后再试";
  return "服务器内部错误;请把错误编号告诉管理员";
}
}  // namespace

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // no overlong forms
      if (c == 0xED) hi = 0x9F;  // no UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // no overlong forms
      if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return false;
    }
    if (i + len > n) return false;
    if (s[i + 1] < lo || s[i + 1] > hi) return false;
    for (size_t k = 2; k < len; ++k) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return false;
    }
    i += len;
  }
  return true;
}

void AppendJsonString(std::string& out, std::string_view text) {
  if (!IsValidUtf8(text)) {  // rare: let the json library repair it
    out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t plain = 0;  // the start of the run of bytes copied as they are
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text, plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(text, plain);
  out.push_back('"');
}

std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  if (out.find('\0') != std::string::npos || !IsValidUtf8(out)) return std::nullopt;
  return out;
}

std::string_view MessageToken(std::string_view message) {
  if (!message.ends_with(")")) return {};
  const size_t open = message.rfind('(');
  if (open == std::string_view::npos) return {};
  const std::string_view token = message.substr(open + 1, message.size() - open - 2);
  const bool word = std::all_of(token.begin(), token.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  return word ? token : std::string_view();
}

std::string ErrorBody(std::string_view code, std::string_view message, std::string_view field,
                      std::string_view id) {
  nlohmann::json error = {{"code", std::string(code)}, {"message", std::string(message)}};
  if (!field.empty()) error["field"] = std::string(field);
  if (std::string_view token = MessageToken(message); !token.empty()) error["reason"] = std::string(token);
  if (!id.empty()) error["id"] = std::string(id);
  return nlohmann::json{{"error", std::move(error)}}.dump(-1, ' ', false,
                                                          nlohmann::json::error_handler_t::replace);
}

bool IsSendableHeader(std::string_view name, std::string_view value) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) return false;
  // Beast stores a field's length in 16 bits and throws beyond it.
  if (name.size() + value.size() > kMaxHeaderBytes) return false;
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::optional<Status> ResponseAccess::TakeWithheld(HttpResponse& response, std::string_view id) {
  if (!response.withheld_) return std::nullopt;
  Status detail = std::move(*response.withheld_);
  response.withheld_.reset();
  Code code = detail.ok() ? Code::kInternal : detail.code();
  response.body = ErrorBody(CodeName(code), GenericMessage(code), {}, id);
  return detail;
}

}  // namespace http_internal

using http_internal::EqualsIgnoreCase;

// --- HttpHeaders ---------------------------------------------------------------

std::optional<std::string_view> HttpHeaders::Get(std::string_view name) const {
  for (const Field& field : fields_) {
    if (EqualsIgnoreCase(field.first, name)) return field.second;
  }
  return std::nullopt;
}

std::vector<std::string_view> HttpHeaders::GetAll(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const Field& field : fields_) {
    if (EqualsIgnoreCase(field.first, name)) out.push_back(field.second);
  }
  return out;
}

void HttpHeaders::Set(std::string name, std::string value) {
  Remove(name);
  fields_.emplace_back(std::move(name), std::move(value));
}

void HttpHeaders::Add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void HttpHeaders::Remove(std::string_view name) {
  std::erase_if(fields_, [&](const Field& field) { return EqualsIgnoreCase(field.first, name); });
}

// --- HttpRequest ---------------------------------------------------------------

std::optional<std::string_view> HttpRequest::QueryParam(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string_view HttpRequest::PathParam(std::string_view name) const {
  for (const auto& [key, value] : path_params) {
    if (key == name) return value;
  }
  return {};
}

Status HttpRequest::SetTarget(std::string_view new_target) {
  if (new_target.empty() || new_target[0] != '/') {
    return Status::Invalid("请求地址必须以 / 开头", "target");
  }
  size_t question = new_target.find('?');
  std::string_view raw_query = question == std::string_view::npos ? "" : new_target.substr(question + 1);
  std::vector<std::pair<std::string, std::string>> decoded;
  while (!raw_query.empty()) {
    size_t amp = raw_query.find('&');
    std::string_view piece = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? "" : raw_query.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::optional<std::string> key = http_internal::PercentDecode(piece.substr(0, eq), true);
    std::optional<std::string> value = http_internal::PercentDecode(
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1), true);
    // The message names no value: it may be personal data.
    if (!key || !value) return Status::Invalid("查询参数的百分号编码无效或不是 UTF-8", "target");
    decoded.emplace_back(std::move(*key), std::move(*value));
  }
  target = std::string(new_target);
  path = std::string(new_target.substr(0, question));
  query = std::move(decoded);
  return Status::Ok();
}

// --- HttpResponse --------------------------------------------------------------

HttpResponse HttpResponse::Json(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.headers.Set("Content-Type", "application/json; charset=utf-8");
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

HttpResponse HttpResponse::JsonText(int status, std::string body) {
  return Text(status, std::move(body), "application/json; charset=utf-8");
}

HttpResponse HttpResponse::Text(int status, std::string body, std::string content_type) {
  HttpResponse response;
  response.status = status;
  response.headers.Set("Content-Type", std::move(content_type));
  response.body = std::move(body);
  return response;
}

HttpResponse HttpResponse::Error(const Status& status) {
  int http_status = status.ok() ? 500 : HttpStatusFor(status.code());
  HttpResponse response;
  response.status = http_status;
  response.headers.Set("Content-Type", "application/json; charset=utf-8");
  if (http_status >= 500) {
    response.withheld_ =
        status.ok() ? Status::Internal("HttpResponse::Error() was given an ok Status") : status;
    // Replaced (with the id) by the server; this body is what Router::Handle
    // callers without a server see.
    Code code = status.ok() ? Code::kInternal : status.code();
    response.body = http_internal::ErrorBody(CodeName(code), http_internal::GenericMessage(code));
    return response;
  }
  response.body = http_internal::ErrorBody(CodeName(status.code()), status.message(), status.field());
  return response;
}

HttpResponse HttpResponse::ErrorWithCode(int http_status, std::string_view code, std::string_view message,
                                         std::string_view field) {
  HttpResponse response;
  response.status = http_status;
  response.headers.Set("Content-Type", "application/json; charset=utf-8");
  response.body = http_internal::ErrorBody(code, message, field);
  return response;
}

// --- JSON bodies -----------------------------------------------------------------

namespace {

// nlohmann's DOM builder behind a counter: every event is checked against
// the limits first, and refusing one stops the parse where it stands.
class LimitedDomBuilder {
 public:
  using Json = nlohmann::json;
  enum class Fault { kNone, kSyntax, kDepth, kValues };

  LimitedDomBuilder(Json& result, const JsonLimits& limits) : dom_(result, false), limits_(limits) {}

  bool null() { return Value() && dom_.null(); }
  bool boolean(bool value) { return Value() && dom_.boolean(value); }
  bool number_integer(Json::number_integer_t value) { return Value() && dom_.number_integer(value); }
  bool number_unsigned(Json::number_unsigned_t value) { return Value() && dom_.number_unsigned(value); }
  bool number_float(Json::number_float_t value, const Json::string_t& text) {
    return Value() && dom_.number_float(value, text);
  }
  bool string(Json::string_t& value) { return Value() && dom_.string(value); }
  bool binary(Json::binary_t& value) { return Value() && dom_.binary(value); }
  bool start_object(std::size_t size) { return Open() && dom_.start_object(size); }
  bool key(Json::string_t& value) { return dom_.key(value); }
  bool end_object() {
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t size) { return Open() && dom_.start_array(size); }
  bool end_array() {
    --depth_;
    return dom_.end_array();
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    fault_ = Fault::kSyntax;
    return false;
  }

  Fault fault() const { return fault_; }

 private:
  bool Value() {
    if (++values_ <= limits_.max_values) return true;
    fault_ = Fault::kValues;
    return false;
  }
  bool Open() {
    if (!Value()) return false;
    if (++depth_ <= limits_.max_depth) return true;
    fault_ = Fault::kDepth;
    return false;
  }

  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  const JsonLimits& limits_;
  int depth_ = 0;
  std::int64_t values_ = 0;
  Fault fault_ = Fault::kNone;
};

}  // namespace

Result<nlohmann::json> ParseJsonBody(std::string_view body, const JsonLimits& limits) {
  nlohmann::json result;
  LimitedDomBuilder builder(result, limits);
  bool parsed = nlohmann::json::sax_parse(body, &builder);
  if (parsed && builder.fault() == LimitedDomBuilder::Fault::kNone) return result;
  // What was built so far is bounded by the limits, and freed here.
  switch (builder.fault()) {
    case LimitedDomBuilder::Fault::kDepth:
      return Status::Invalid(fmt::format("请求体 JSON 嵌套超过 {} 层 (json_too_deep)", limits.max_depth),
                             "body");
    case LimitedDomBuilder::Fault::kValues:
      return Status::Invalid(fmt::format("请求体 JSON 超过 {} 个值 (json_too_large)", limits.max_values),
                             "body");
    default:
      return Status::Invalid("请求体不是有效的 JSON (json_invalid)", "body");
  }
}

// --- Router --------------------------------------------------------------------

namespace http_internal {
struct RouteNode {
  struct Entry {
    std::string method;
    std::string pattern;
    HttpHandler handler;
    std::optional<RouteLimits> limits;
  };
  std::map<std::string, std::unique_ptr<RouteNode>, std::less<>> literals;
  std::unique_ptr<RouteNode> param;  // `{name}`
  std::string param_name;
  std::unique_ptr<RouteNode> rest;  // `{name...}`, always a leaf
  std::string rest_name;
  std::vector<Entry> entries;  // routes ending here, one per method

  // The entry for `method`; a GET entry also serves HEAD.
  const Entry* Find(std::string_view method) const {
    const Entry* get = nullptr;
    for (const Entry& entry : entries) {
      if (entry.method == method) return &entry;
      if (entry.method == "GET") get = &entry;
    }
    return method == "HEAD" ? get : nullptr;
  }
};
}  // namespace http_internal

using http_internal::RouteNode;

namespace http_internal {
// Heavy handlers (pairing solves, uploads, exports) run on the gate's own
// threads, at most `limit` at once, never on the handler pool's. glibc keeps
// a thread's freed memory in that thread's arena: were each preview to run on
// whichever of the 64 handler threads took it, every arena it touched would
// keep a solve's worth of pages (8 previews: 230 MiB held after). On a few
// threads of their own, the same arenas are reused and trimmed after each.
class HeavyGate {
 public:
  HeavyGate() = default;
  HeavyGate(const HeavyGate&) = delete;
  HeavyGate& operator=(const HeavyGate&) = delete;
  ~HeavyGate() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (std::thread& worker : workers_) worker.join();
  }

  void SetLimit(int limit, int max_waiting) {
    std::lock_guard lock(mu_);
    limit_ = limit;
    max_waiting_ = max_waiting;
  }

  // Runs the handler on a gate thread and waits for its answer; 503 at once
  // when max_waiting others are already waiting (each holds a handler
  // thread, which the other requests need too).
  HttpResponse Run(const HttpHandler& handler, HttpRequest& request) {
    std::packaged_task<HttpResponse()> task([&handler, &request] { return handler(request); });
    std::future<HttpResponse> answer = task.get_future();
    {
      std::lock_guard lock(mu_);
      // Queued tasks beyond the free slots are the ones that wait.
      if (static_cast<int>(queue_.size()) >= limit_ - busy_ + max_waiting_) {
        return HttpResponse::Error(Status(Code::kUnavailable, "too many heavy requests waiting"));
      }
      queue_.push_back(std::move(task));
      int idle = static_cast<int>(workers_.size()) - busy_;
      if (static_cast<int>(queue_.size()) > idle && static_cast<int>(workers_.size()) < limit_) {
        workers_.emplace_back([this] { Work(); });
      }
    }
    cv_.notify_one();
    return answer.get();  // rethrows what the handler threw
  }

 private:
  void Work() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left to answer
      std::packaged_task<HttpResponse()> task = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
      lock.unlock();
      task();
      // Returns the free pages of every glibc arena to the system. The
      // release build allocates through jemalloc (CMakeLists.txt), which
      // gives pages back by itself once they stay free, so there this
      // finds nothing (B5 measured the same with either: 183 and 182 MiB).
      // Not under AddressSanitizer, whose allocator has no glibc arenas:
      // there the first malloc_trim on a thread attaches it to glibc's main
      // arena uncounted, and glibc aborts when two such threads exit.
#if !defined(__SANITIZE_ADDRESS__)
      malloc_trim(0);
#endif
      lock.lock();
      --busy_;
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::packaged_task<HttpResponse()>> queue_;
  std::vector<std::thread> workers_;
  int limit_ = 1;
  int max_waiting_ = 16;
  int busy_ = 0;
  bool stopping_ = false;
};
}  // namespace http_internal

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

bool IsParamName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::vector<std::string_view> SplitSegments(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path == "/") return segments;
  path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

// The outcome of walking the tree for one request.
struct RouteMatch {
  std::string_view method;
  const RouteNode::Entry* entry = nullptr;
  Params params;
  std::string_view first_pattern;  // of any route matching the path, for 405
  std::set<std::string> allowed;   // methods of every route matching the path
};

void NoteEntries(const RouteNode& node, RouteMatch& match) {
  for (const auto& entry : node.entries) {
    if (match.first_pattern.empty()) match.first_pattern = entry.pattern;
    match.allowed.insert(entry.method);
    if (entry.method == "GET") match.allowed.insert("HEAD");
  }
}

// Depth-first, literal before `{name}` before `{name...}`, stopping at the
// first route for the method; routes for other methods are noted on the way.
bool Walk(const RouteNode& node, const std::vector<std::string>& segments, size_t i, Params& params,
          RouteMatch& match) {
  if (i == segments.size()) {
    if (const auto* entry = node.Find(match.method)) {
      match.entry = entry;
      match.params = params;
      return true;
    }
    NoteEntries(node, match);
    return false;
  }
  if (auto it = node.literals.find(segments[i]); it != node.literals.end()) {
    if (Walk(*it->second, segments, i + 1, params, match)) return true;
  }
  if (node.param && !segments[i].empty()) {
    params.emplace_back(node.param_name, segments[i]);
    if (Walk(*node.param, segments, i + 1, params, match)) return true;
    params.pop_back();
  }
  if (node.rest) {
    std::string rest;
    for (size_t k = i; k < segments.size(); ++k) {
      if (k > i) rest += '/';
      rest += segments[k];
    }
    if (!rest.empty()) {
      if (const auto* entry = node.rest->Find(match.method)) {
        match.entry = entry;
        match.params = params;
        match.params.emplace_back(node.rest_name, std::move(rest));
        return true;
      }
      NoteEntries(*node.rest, match);
    }
  }
  return false;
}

// Decoded path segments, or nullopt when one is badly encoded.
std::optional<std::vector<std::string>> DecodeSegments(std::string_view path) {
  std::vector<std::string> decoded;
  for (std::string_view segment : SplitSegments(path)) {
    std::optional<std::string> text = http_internal::PercentDecode(segment, false);
    if (!text) return std::nullopt;
    decoded.push_back(std::move(*text));
  }
  return decoded;
}

}  // namespace

Router::Router()
    : root_(std::make_unique<RouteNode>()), heavy_(std::make_unique<http_internal::HeavyGate>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

Router& Router::Add(std::string_view method, std::string_view pattern, HttpHandler handler) {
  auto fail = [&](std::string_view why) {
    throw std::logic_error(fmt::format("route {} {}: {}", method, pattern, why));
  };
  if (method.empty() ||
      !std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    fail("the method must be upper-case letters");
  }
  if (pattern.empty() || pattern[0] != '/') fail("the pattern must start with '/'");
  if (!handler) fail("no handler");
  std::vector<std::string_view> segments = SplitSegments(pattern);
  RouteNode* node = root_.get();
  for (size_t i = 0; i < segments.size(); ++i) {
    std::string_view segment = segments[i];
    if (segment.empty()) fail("empty segment");
    bool braced = segment.front() == '{' && segment.back() == '}' && segment.size() > 2;
    if (!braced) {
      if (segment.find_first_of("{}") != std::string_view::npos) fail("a '{' or '}' outside a {param}");
      auto it = node->literals.find(segment);
      if (it == node->literals.end()) {
        it = node->literals.emplace(std::string(segment), std::make_unique<RouteNode>()).first;
      }
      node = it->second.get();
      continue;
    }
    std::string_view name = segment.substr(1, segment.size() - 2);
    bool rest = name.size() > 3 && name.substr(name.size() - 3) == "...";
    if (rest) name.remove_suffix(3);
    if (!IsParamName(name)) fail("a parameter name must be letters, digits and '_'");
    std::unique_ptr<RouteNode>& child = rest ? node->rest : node->param;
    std::string& child_name = rest ? node->rest_name : node->param_name;
    if (rest && i + 1 != segments.size()) fail("{name...} must be the last segment");
    if (child && child_name != name) {
      fail(fmt::format("parameter '{}' where another route has '{}'", name, child_name));
    }
    if (!child) {
      child = std::make_unique<RouteNode>();
      child_name = std::string(name);
    }
    node = child.get();
  }
  for (const RouteNode::Entry& entry : node->entries) {
    if (entry.method == method) fail(fmt::format("already routed (as {})", entry.pattern));
  }
  node->entries.push_back({std::string(method), std::string(pattern), std::move(handler)});
  routes_.push_back({std::string(method), std::string(pattern)});
  return *this;
}

Router& Router::Limit(std::string_view method, std::string_view pattern, RouteLimits limits) {
  RouteNode* node = root_.get();
  for (std::string_view segment : SplitSegments(pattern)) {
    if (node == nullptr) break;
    if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}') {
      node = segment.ends_with("...}") ? node->rest.get() : node->param.get();
    } else {
      auto it = node->literals.find(segment);
      node = it == node->literals.end() ? nullptr : it->second.get();
    }
  }
  if (node != nullptr) {
    for (RouteNode::Entry& entry : node->entries) {
      if (entry.method == method && entry.pattern == pattern) {
        entry.limits = std::move(limits);
        return *this;
      }
    }
  }
  throw std::logic_error(fmt::format("route {} {}: limits for a route that is not routed", method, pattern));
}

const RouteLimits* Router::LimitsFor(std::string_view method, std::string_view path) const {
  if (path.empty() || path[0] != '/') return nullptr;
  std::optional<std::vector<std::string>> segments = DecodeSegments(path);
  if (!segments) return nullptr;
  RouteMatch match;
  match.method = method;
  Params params;
  if (!Walk(*root_, *segments, 0, params, match) || !match.entry->limits) return nullptr;
  return &*match.entry->limits;
}

Router& Router::SetHeavyConcurrency(int concurrency, int max_waiting) {
  if (concurrency < 1 || max_waiting < 0) {
    throw std::logic_error("heavy handlers: concurrency must be at least 1, waiting at least 0");
  }
  heavy_->SetLimit(concurrency, max_waiting);
  return *this;
}

std::vector<RouteInfo> Router::Routes() const { return routes_; }

std::string_view Router::PatternFor(std::string_view method, std::string_view path) const {
  if (path.empty() || path[0] != '/') return {};
  std::optional<std::vector<std::string>> segments = DecodeSegments(path);
  if (!segments) return {};
  RouteMatch match;
  match.method = method;
  Params params;
  if (Walk(*root_, *segments, 0, params, match)) return match.entry->pattern;
  return {};
}

HttpResponse Router::Handle(HttpRequest& request) const {
  request.route.clear();
  request.path_params.clear();
  if (request.path.empty() || request.path[0] != '/') {
    return HttpResponse::Error(Status::Invalid("请求地址必须以 / 开头", "target"));
  }
  std::optional<std::vector<std::string>> segments = DecodeSegments(request.path);
  if (!segments)
    return HttpResponse::Error(Status::Invalid("请求地址的百分号编码无效或不是 UTF-8", "target"));
  RouteMatch match;
  match.method = request.method;
  Params params;
  if (Walk(*root_, *segments, 0, params, match)) {
    request.route = match.entry->pattern;
    request.path_params = std::move(match.params);
    const std::optional<RouteLimits>& limits = match.entry->limits;
    if (limits && limits->json) request.json_limits = *limits->json;
    if (limits && limits->heavy) return heavy_->Run(match.entry->handler, request);
    return match.entry->handler(request);
  }
  if (!match.allowed.empty()) {
    request.route = std::string(match.first_pattern);
    std::string allow;
    for (const std::string& method : match.allowed) {
      if (!allow.empty()) allow += ", ";
      allow += method;
    }
    HttpResponse response = HttpResponse::ErrorWithCode(405, "method_not_allowed",
                                                        fmt::format("该地址不支持 {} 方法", request.method));
    response.headers.Set("Allow", std::move(allow));
    return response;
  }
  return HttpResponse::Error(Status::NotFound("找不到该地址"));
}

}  // namespace lianxin
