#include "lianxin/open311_api.hpp"

#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>

#include "http/internal.hpp"
#include "http/rate_limit.hpp"
#include "lianxin/api.hpp"
#include "lianxin/open311.hpp"

namespace lianxin {

namespace {

constexpr std::int64_t kDefaultWindowDays = 90;
constexpr int kMaxRequests = 1000;

std::string_view ContentType(Open311Format format) {
  return format == Open311Format::kJson ? "application/json; charset=utf-8" : "text/xml; charset=utf-8";
}

HttpResponse Document(int status, std::string body, Open311Format format) {
  return HttpResponse::Text(status, std::move(body), std::string(ContentType(format)));
}

HttpResponse Fail(int status, const std::string& description, Open311Format format) {
  return Document(status, Open311Error(status, description, format), format);
}

int Digits(std::string_view text, size_t at, size_t n, bool* ok) {
  int value = 0;
  if (at + n > text.size()) {
    *ok = false;
    return 0;
  }
  auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + n, value);
  if (ec != std::errc() || end != text.data() + at + n) *ok = false;
  return value;
}

// The parameters of a form-encoded body (a=1&b=2), or of a JSON object.
std::optional<std::map<std::string, std::string>> BodyParams(const HttpRequest& request) {
  std::map<std::string, std::string> params;
  const std::string type(request.headers.Get("Content-Type").value_or(""));
  if (type.starts_with("application/json")) {
    Result<nlohmann::json> body = JsonObjectBody(request);
    if (!body.ok()) return std::nullopt;
    for (const auto& [key, value] : body->items()) {
      if (value.is_string()) params[key] = value.get<std::string>();
      if (value.is_number()) params[key] = value.dump();
    }
    return params;
  }
  std::string_view rest = request.body;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::optional<std::string> key = http_internal::PercentDecode(pair.substr(0, eq), true);
    std::optional<std::string> value =
        http_internal::PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    params[*key] = *value;
  }
  return params;
}

class Open311Api {
 public:
  explicit Open311Api(const AppealsApiDeps& deps) : deps_(deps) {}

  // Every call counts against its address ([server]
  // open311_per_address_per_minute): 429 in the spec's error list, in the
  // format the path asks for, with Retry-After.
  std::optional<HttpResponse> Throttled(const HttpRequest& request, const Caller& caller) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    if (per_address_.Admit(caller.remote(), config->server.open311_per_address_per_minute,
                           deps_.clock.NowMillis())) {
      return std::nullopt;
    }
    const Open311Format format = request.path.ends_with(".xml") ? Open311Format::kXml : Open311Format::kJson;
    HttpResponse r = Fail(429, "请求过于频繁,请一分钟后再试 (too many requests)", format);
    r.headers.Set("Retry-After", "60");
    return r;
  }

  HttpResponse Get(HttpRequest& request) {
    Open311Format format = Open311Format::kJson;
    std::optional<std::string> stem = Open311Stem(request.PathParam("doc"), &format);
    if (!stem) return Fail(404, "未知的文档,须以 .json 或 .xml 结尾 (not found)", Open311Format::kJson);
    if (*stem == "discovery") return Document(200, Open311Discovery(Endpoint(request), format), format);
    if (*stem == "services") return Document(200, Open311Services(Services(), format), format);
    if (*stem == "requests") return Requests(request, format);
    if (*stem == "servicerequestupdates") return Updates(request, format);
    return Fail(404, "未知的文档 (not found): " + *stem, format);
  }

  HttpResponse Service(HttpRequest& request) {
    Open311Format format = Open311Format::kJson;
    std::optional<std::string> code = Open311Stem(request.PathParam("id"), &format);
    if (!code) return Fail(404, "须以 .json 或 .xml 结尾 (not found)", Open311Format::kJson);
    for (const Open311Service& s : Services()) {
      if (s.code == *code) return Document(200, Open311ServiceDefinition(s, format), format);
    }
    return Fail(404, "没有这项服务 (service not found): " + *code, format);
  }

  HttpResponse Request(HttpRequest& request, bool token) {
    Open311Format format = Open311Format::kJson;
    std::optional<std::string> id = Open311Stem(request.PathParam("id"), &format);
    if (!id) return Fail(404, "须以 .json 或 .xml 结尾 (not found)", Open311Format::kJson);
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return Fail(503, "暂时无法读取 (unavailable)", format);
    Result<std::optional<Appeal>> appeal = (*store)->GetAppeal(*id);
    if (!appeal.ok()) return Fail(503, "暂时无法读取 (unavailable)", format);
    if (!*appeal || (*appeal)->channel != AppealChannel::kOpen311)
      return Fail(404, "没有这条请求 (request not found): " + *id, format);
    if (token) {
      const std::string out =
          format == Open311Format::kJson
              ? nlohmann::json::array({{{"service_request_id", *id}, {"token", *id}}}).dump()
              : "<?xml version=\"1.0\" encoding=\"utf-8\"?><service_requests><request><service_request_id>" +
                    *id + "</service_request_id><token>" + *id + "</token></request></service_requests>";
      return Document(200, out, format);
    }
    return Document(200, Open311Requests({View(**appeal)}, format), format);
  }

  HttpResponse Post(HttpRequest& request) {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    Open311Format format = Open311Format::kJson;
    std::optional<std::string> stem = Open311Stem(request.PathParam("doc"), &format);
    if (!stem || *stem != "requests")
      return Fail(404, "只能提交到 requests.json 或 requests.xml (not found)", Open311Format::kJson);
    std::optional<std::map<std::string, std::string>> params = BodyParams(request);
    if (!params) return Fail(400, "请求体无法解析 (malformed body)", format);
    auto param = [&](const char* name) {
      auto it = params->find(name);
      if (it != params->end()) return it->second;
      return std::string(request.QueryParam(name).value_or(""));
    };
    const std::string key = param("api_key");
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return Fail(503, "暂时无法读取 (unavailable)", format);
    Result<std::optional<ApiKeyRecord>> client =
        key.empty() ? std::optional<ApiKeyRecord>() : (*store)->FindApiKey(key);
    if (!client.ok()) return Fail(503, "暂时无法读取 (unavailable)", format);
    if (!*client) return Fail(403, "api_key 无效或缺失 (invalid api_key)", format);
    const std::string service = param("service_code");
    const AppealTopic* topic = config->appeals.FindTopic(service);
    if (service.empty()) return Fail(400, "缺少 service_code (service_code required)", format);
    if (topic == nullptr) return Fail(404, "没有这项服务 (service not found): " + service, format);
    Appeal appeal;
    appeal.channel = AppealChannel::kOpen311;
    appeal.type = AppealType::kHelp;
    appeal.topic = topic->code;
    appeal.region_code = (*client)->region_code;
    appeal.content = param("description");
    if (appeal.content.empty()) appeal.content = topic->label;
    const std::string where = param("address_string");
    const std::string lat = param("lat"), lon = param("long");
    if (!where.empty()) appeal.content += "\n地点: " + where;
    if (!lat.empty() && !lon.empty()) appeal.content += "\n坐标: " + lat + "," + lon;
    if (appeal.content.size() > kMaxNoteBytes) return Fail(400, "description 过长 (too long)", format);
    const std::int64_t now = deps_.clock.NowMillis();
    Appeal filed;
    Status written = deps_.writer.Write([&](Store& s) -> Status {
      LX_ASSIGN_OR_RETURN(filed, FileAndRoute(s, appeal, "apikey:" + (*client)->name, true, *config, now));
      return Status::Ok();
    });
    if (!written.ok()) {
      const int status = written.code() == Code::kInvalidInput ? 400 : 503;
      return Fail(status,
                  written.code() == Code::kInvalidInput ? written.message() : "暂时无法受理 (unavailable)",
                  format);
    }
    TellFiled(deps_.notifier, filed, now);
    return Document(200, Open311Created(filed.id, "已受理,编号 " + filed.id, format), format);
  }

 private:
  std::string Endpoint(const HttpRequest& request) const {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    const std::string host(request.headers.Get("Host").value_or("localhost"));
    return (config->server.tls_cert.empty() ? "http://" : "https://") + host + "/open311/v2/";
  }

  std::vector<Open311Service> Services() const {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    std::vector<Open311Service> services;
    for (const AppealTopic& t : config->appeals.topics)
      services.push_back({t.code, t.label, t.label, "诉求", {}});
    return services;
  }

  Open311Request View(const Appeal& a) const {
    const std::shared_ptr<const Config> config = deps_.config.Current();
    const AppealTopic* topic = config->appeals.FindTopic(a.topic);
    return ToOpen311(a, topic ? topic->label : a.topic, a.handler);
  }

  // The window [from, to) of start_date / end_date, default the last 90 days.
  std::optional<std::pair<std::int64_t, std::int64_t>> Window(const HttpRequest& request) const {
    const std::int64_t now = deps_.clock.NowMillis();
    std::int64_t to = now + 1, from = now - kDefaultWindowDays * kMillisPerDay;
    if (auto end = request.QueryParam("end_date")) {
      std::optional<std::int64_t> t = ParseIsoTime(*end);
      if (!t) return std::nullopt;
      to = *t + 1;
      if (!request.QueryParam("start_date")) from = to - kDefaultWindowDays * kMillisPerDay;
    }
    if (auto start = request.QueryParam("start_date")) {
      std::optional<std::int64_t> t = ParseIsoTime(*start);
      if (!t) return std::nullopt;
      from = *t;
    }
    return std::pair{from, to};
  }

  HttpResponse Requests(HttpRequest& request, Open311Format format) {
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return Fail(503, "暂时无法读取 (unavailable)", format);
    std::vector<Open311Request> out;
    if (auto ids = request.QueryParam("service_request_id")) {
      std::string_view rest = *ids;
      while (!rest.empty() && out.size() < kMaxRequests) {
        const size_t comma = rest.find(',');
        const std::string id(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        Result<std::optional<Appeal>> appeal = (*store)->GetAppeal(id);
        if (!appeal.ok()) return Fail(503, "暂时无法读取 (unavailable)", format);
        if (*appeal && (*appeal)->channel == AppealChannel::kOpen311) out.push_back(View(**appeal));
      }
      return Document(200, Open311Requests(out, format), format);
    }
    std::optional<std::pair<std::int64_t, std::int64_t>> window = Window(request);
    if (!window) return Fail(400, "start_date 或 end_date 不是 ISO 8601 时间 (bad date)", format);
    const std::string status(request.QueryParam("status").value_or(""));
    if (!status.empty() && status != "open" && status != "closed")
      return Fail(400, "status 应为 open 或 closed (bad status)", format);
    const std::string service(request.QueryParam("service_code").value_or(""));
    AppealQuery query;
    query.unscoped = true;
    query.channel = AppealChannel::kOpen311;
    query.received_from = window->first;
    query.received_to = window->second;
    query.limit = kMaxRequests;
    Result<AppealPage> page = (*store)->ListAppeals(query);
    if (!page.ok()) return Fail(503, "暂时无法读取 (unavailable)", format);
    for (const Appeal& a : page->items) {
      if (!service.empty() && a.topic != service) continue;
      if (!status.empty() && Open311Status(a.state) != status) continue;
      out.push_back(View(a));
    }
    return Document(200, Open311Requests(out, format), format);
  }

  HttpResponse Updates(HttpRequest& request, Open311Format format) {
    std::optional<std::pair<std::int64_t, std::int64_t>> window = Window(request);
    if (!window) return Fail(400, "start_date 或 end_date 不是 ISO 8601 时间 (bad date)", format);
    Result<StorePool::Lease> store = deps_.reads.Acquire();
    if (!store.ok()) return Fail(503, "暂时无法读取 (unavailable)", format);
    // A request's steps fall after it was received: those received up to a
    // year before the window may have steps in it.
    AppealQuery query;
    query.unscoped = true;
    query.channel = AppealChannel::kOpen311;
    query.received_from = window->first - 365 * kMillisPerDay;
    query.received_to = window->second;
    std::vector<Open311Update> updates;
    Status scanned = (*store)->ScanAppeals(query, [&](const Appeal& a) -> Status {
      LX_ASSIGN_OR_RETURN(std::vector<AppealStep> steps, (*store)->AppealSteps(a.id));
      for (const AppealStep& s : steps) {
        if (s.at_millis < window->first || s.at_millis >= window->second || s.action == "file") continue;
        std::optional<AppealAction> action = ParseAppealAction(s.action);
        std::string description(action ? Label(*action) : std::string_view(s.action));
        if (s.action == "reply") description += ": " + s.note;
        updates.push_back({a.id + "-" + std::to_string(s.seq), a.id, std::string(Open311Status(s.state)),
                           s.at_millis, description});
      }
      return Status::Ok();
    });
    if (!scanned.ok()) return Fail(503, "暂时无法读取 (unavailable)", format);
    std::sort(updates.begin(), updates.end(), [](const Open311Update& x, const Open311Update& y) {
      return x.updated_millis < y.updated_millis;
    });
    return Document(200, Open311Updates(updates, format), format);
  }

  AppealsApiDeps deps_;
  WindowLimiter per_address_;
};

}  // namespace

std::optional<std::int64_t> ParseIsoTime(std::string_view text) {
  bool ok = true;
  const int year = Digits(text, 0, 4, &ok), month = Digits(text, 5, 2, &ok), day = Digits(text, 8, 2, &ok);
  if (!ok || text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  Result<Date> date = ParseDate(std::string(text.substr(0, 10)));
  if (!date.ok() || date->year != year || date->month != month || date->day != day) return std::nullopt;
  if (text.size() == 10) return StartOfChinaDay(*date);
  if (text[10] != 'T' && text[10] != ' ') return std::nullopt;
  const int hour = Digits(text, 11, 2, &ok), minute = Digits(text, 14, 2, &ok),
            second = Digits(text, 17, 2, &ok);
  if (!ok || text.size() < 19 || text[13] != ':' || text[16] != ':' || hour > 23 || minute > 59 ||
      second > 60)
    return std::nullopt;
  std::string_view zone = text.substr(19);
  if (!zone.empty() && zone.front() == '.') {  // fractions of a second, ignored
    zone.remove_prefix(1);
    while (!zone.empty() && zone.front() >= '0' && zone.front() <= '9') zone.remove_prefix(1);
  }
  std::int64_t offset_minutes = 0;
  if (zone == "Z" || zone == "z") {
    offset_minutes = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    const int h = Digits(zone, 1, 2, &ok), m = Digits(zone, 4, 2, &ok);
    if (!ok || h > 23 || m > 59) return std::nullopt;
    offset_minutes = (zone[0] == '-' ? -1 : 1) * (h * 60 + m);
  } else if (zone.empty()) {
    offset_minutes = 8 * 60;  // no zone: China's time
  } else {
    return std::nullopt;
  }
  return DaysFromDate(*date) * kMillisPerDay + ((hour * 60 + minute - offset_minutes) * 60 + second) * 1000LL;
}

void AddOpen311Routes(ApiRouter& api, const AppealsApiDeps& deps) {
  auto routes = std::make_shared<Open311Api>(deps);
  // Each route through the per-address limit first.
  auto add = [&](const char* method, const char* pattern, auto handle) {
    api.Add(method, pattern, [routes, handle](HttpRequest& request, const Caller& caller) {
      if (std::optional<HttpResponse> refused = routes->Throttled(request, caller))
        return std::move(*refused);
      return handle(*routes, request);
    });
  };
  add("GET", "/open311/v2/{doc}", [](Open311Api& r, HttpRequest& request) { return r.Get(request); });
  add("POST", "/open311/v2/{doc}", [](Open311Api& r, HttpRequest& request) { return r.Post(request); });
  add("GET", "/open311/v2/services/{id}",
      [](Open311Api& r, HttpRequest& request) { return r.Service(request); });
  add("GET", "/open311/v2/requests/{id}",
      [](Open311Api& r, HttpRequest& request) { return r.Request(request, false); });
  add("GET", "/open311/v2/tokens/{id}",
      [](Open311Api& r, HttpRequest& request) { return r.Request(request, true); });
}

}  // namespace lianxin
