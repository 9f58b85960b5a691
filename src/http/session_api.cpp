#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "lianxin/access.hpp"
#include "lianxin/api.hpp"
#include "lianxin/calendar.hpp"
#include "lianxin/document.hpp"

namespace lianxin {

namespace {

std::string CookieHeader(const ApiOptions& options, std::string_view value, bool expire) {
  std::string header = std::string(SessionCookieName(options)) + "=" + std::string(value) +
                       "; Path=/; HttpOnly; SameSite=Strict";
  if (options.tls) header += "; Secure";
  if (expire) header += "; Max-Age=0";
  return header;
}

// A response that also ends the browser's copy of the session cookie.
HttpResponse ClearingCookie(const ApiOptions& options, nlohmann::json body) {
  HttpResponse response = HttpResponse::Json(200, body);
  response.headers.Set("Set-Cookie", CookieHeader(options, "", true));
  return response;
}

// Whether the request says its body is JSON ("application/json", any
// parameters, any case).
bool JsonContentType(const HttpRequest& request) {
  std::string_view type = request.headers.Get("Content-Type").value_or("");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  while (!type.empty() && type.front() == ' ') type.remove_prefix(1);
  constexpr std::string_view kJson = "application/json";
  if (type.size() != kJson.size()) return false;
  for (std::size_t i = 0; i < type.size(); ++i) {
    char c = type[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kJson[i]) return false;
  }
  return true;
}

HttpResponse SignIn(AuthService& auth, const ApiOptions& options, HttpRequest& request) {
  // A form a foreign page can post without a CORS preflight (text/plain,
  // form encodings) must not sign the browser in as the attacker (login
  // CSRF): only application/json, which needs a preflight cross-site.
  if (!JsonContentType(request)) {
    return HttpResponse::ErrorWithCode(415, "unsupported_media_type",
                                       "登录请求须为 application/json (unsupported_media_type)",
                                       "Content-Type");
  }
  Result<nlohmann::json> body = JsonObjectBody(request);
  if (!body.ok()) return HttpResponse::Error(body.status());
  Result<std::string> username = StringField(*body, "username");
  if (!username.ok()) return HttpResponse::Error(username.status());
  Result<std::string> password = StringField(*body, "password");
  if (!password.ok()) return HttpResponse::Error(password.status());
  Result<std::string> totp = StringField(*body, "totp", false);
  if (!totp.ok()) return HttpResponse::Error(totp.status());
  std::int64_t retry_after = 0;
  Result<SignedIn> in = auth.SignIn(*username, *password, *totp, request.remote_address, &retry_after);
  if (!in.ok() && retry_after > 0) {
    HttpResponse limited = HttpResponse::ErrorWithCode(429, "rate_limited", in.status().message());
    limited.headers.Set("Retry-After", std::to_string(retry_after));
    return limited;
  }
  if (!in.ok()) return HttpResponse::Error(in.status());
  HttpResponse response = HttpResponse::Json(200, {{"csrf_token", in->csrf_token},
                                                   {"must_change_password", in->must_change_password},
                                                   {"must_enrol_totp", in->must_enrol_totp},
                                                   {"user", UserJson(in->user)}});
  response.headers.Set("Set-Cookie", CookieHeader(options, in->session_token, false));
  return response;
}

}  // namespace

Result<nlohmann::json> JsonObjectBody(const HttpRequest& request) {
  LX_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonBody(request.body, request.json_limits));
  if (!body.is_object()) return Status::Invalid("请求体应为 JSON 对象 (json_invalid)", "body");
  return body;
}

Result<std::string> StringField(const nlohmann::json& body, std::string_view name, bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) return Status::Invalid("缺少字段 " + std::string(name) + " (required)", std::string(name));
    return std::string();
  }
  if (!it->is_string()) {
    return Status::Invalid("字段 " + std::string(name) + " 应为字符串 (type)", std::string(name));
  }
  return it->get<std::string>();
}

Result<std::string> TextField(const nlohmann::json& body, std::string_view name, bool required) {
  LX_ASSIGN_OR_RETURN(std::string value, StringField(body, name, required));
  if (value.size() > kMaxNoteBytes) {
    return Status::Invalid(
        "字段 " + std::string(name) + " 过长,至多 " + std::to_string(kMaxNoteBytes) + " 字节 (too_long)",
        std::string(name));
  }
  if (required && value.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::Invalid("字段 " + std::string(name) + " 不能为空 (required)", std::string(name));
  }
  return value;
}

nlohmann::json TimeOrNull(std::int64_t millis) {
  return millis > 0 ? nlohmann::json(ChinaIsoTime(millis)) : nlohmann::json(nullptr);
}

Result<std::string> WrittenBytes(const std::string& id, std::string_view ext,
                                 const std::function<Status(const std::string&)>& write) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("lianxin-download-" + id + "." + std::string(ext));
  Status written = write(path.string());
  std::string bytes;
  if (written.ok()) {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (!written.ok()) return written;
  return bytes;
}

namespace {

// RFC 8187: a file name in UTF-8 for Content-Disposition's filename*.
std::string PercentEncoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

HttpResponse ReportResponse(const nlohmann::json& figures, const std::function<Document()>& document,
                            const std::function<Status(const std::string&)>& write, std::string_view format,
                            const std::string& id, const std::string& title) {
  if (format.empty() || format == "json") return HttpResponse::Json(200, figures);
  if (format == "html") {
    HttpResponse response = HttpResponse::Text(200, DocumentHtml(document()), "text/html; charset=utf-8");
    // Escaped text and a style sheet, no script: nothing else may load.
    response.headers.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    return response;
  }
  if (format != "pdf" && format != "xlsx") {
    return HttpResponse::Error(Status::Invalid("format 应为 json、html、pdf 或 xlsx (format)", "format"));
  }
  Result<std::string> bytes = WrittenBytes(id, format, write);
  if (!bytes.ok()) return HttpResponse::Error(bytes.status());
  HttpResponse response = HttpResponse::Text(
      200, std::move(*bytes),
      format == "pdf" ? "application/pdf"
                      : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  const std::string name = title + "." + std::string(format);
  response.headers.Set("Content-Disposition", "attachment; filename=\"report." + std::string(format) +
                                                  "\"; filename*=UTF-8''" + PercentEncoded(name));
  return response;
}

Result<int> LimitParam(const HttpRequest& request) {
  std::optional<std::string_view> text = request.QueryParam("limit");
  if (!text) return kDefaultListLimit;
  int limit = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (ec != std::errc() || end != text->data() + text->size() || limit < 1 || limit > kMaxListLimit) {
    return Status::Invalid("limit 应为 1 到 1000 的整数 (limit)", "limit");
  }
  return limit;
}

nlohmann::json UserJson(const User& user) {
  nlohmann::json roles = nlohmann::json::array();
  for (Role role : user.roles) roles.push_back(RoleToken(role));
  return {{"username", user.username},
          {"display_name", user.display_name},
          {"roles", roles},
          {"scope", {{"kind", ScopeKindToken(user.scope.kind)}, {"code", user.scope.code}}}};
}

std::string_view SessionCookieName(const ApiOptions& options) {
  // __Host- binds the cookie to this host and path "/" and demands Secure,
  // which a browser only honours over HTTPS.
  return options.tls ? "__Host-lx_session" : "lx_session";
}

std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

void AddSessionRoutes(ApiRouter& api) {
  AuthService& auth = api.auth();
  const ApiOptions& options = api.options();
  api.Add("POST", "/api/v1/session",
          [&auth, options](HttpRequest& request, const Caller&) { return SignIn(auth, options, request); });
  api.Add("DELETE", "/api/v1/session", [&auth, options](HttpRequest& request, const Caller& caller) {
    Status out = auth.SignOut(caller.token(), request.remote_address);
    if (!out.ok()) return HttpResponse::Error(out);
    return ClearingCookie(options, {{"signed_out", true}});
  });
  api.Add("GET", "/api/v1/me", [](HttpRequest&, const Caller& caller) {
    return HttpResponse::Json(200, {{"user", UserJson(*caller.user())},
                                    {"must_change_password", caller.who()->must_change_password()},
                                    {"must_enrol_totp", caller.who()->must_enrol_totp()}});
  });
  api.Add("POST", "/api/v1/me/password", [&auth, options](HttpRequest& request, const Caller& caller) {
    Result<nlohmann::json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    Result<std::string> old_password = StringField(*body, "old_password");
    if (!old_password.ok()) return HttpResponse::Error(old_password.status());
    Result<std::string> new_password = StringField(*body, "new_password");
    if (!new_password.ok()) return HttpResponse::Error(new_password.status());
    Status changed =
        auth.ChangePassword(caller.user()->username, *old_password, *new_password, caller.remote());
    if (!changed.ok()) return HttpResponse::Error(changed);
    // Every session of the account has ended (ASVS 3.3.3): sign in again.
    return ClearingCookie(options, {{"password_changed", true}});
  });
  api.Add("POST", "/api/v1/me/totp", [&auth](HttpRequest&, const Caller& caller) {
    const std::string& username = caller.user()->username;
    Result<std::string> uri = auth.EnrolTotp({username, caller.remote()}, username);
    if (!uri.ok()) return HttpResponse::Error(uri.status());
    // The secret as an authenticator app takes it typed in, and the URI for
    // the QR code; shown this once.
    std::string secret;
    if (size_t at = uri->find("secret="); at != std::string::npos) {
      secret = uri->substr(at + 7, uri->find('&', at) - at - 7);
    }
    return HttpResponse::Json(200, {{"otpauth_uri", *uri}, {"secret", secret}});
  });
  api.Add("POST", "/api/v1/me/totp/confirm", [&auth](HttpRequest& request, const Caller& caller) {
    Result<nlohmann::json> body = JsonObjectBody(request);
    if (!body.ok()) return HttpResponse::Error(body.status());
    Result<std::string> code = StringField(*body, "code");
    if (!code.ok()) return HttpResponse::Error(code.status());
    const std::string& username = caller.user()->username;
    Status confirmed = auth.ConfirmTotp({username, caller.remote()}, username, *code);
    if (!confirmed.ok()) return HttpResponse::Error(confirmed);
    return HttpResponse::Json(200, {{"totp_confirmed", true}});
  });
}

}  // namespace lianxin
