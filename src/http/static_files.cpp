// Serves the built web app; the contract is in lianxin/static_files.hpp.
#include "lianxin/static_files.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include "http/internal.hpp"

#ifndef LIANXIN_SOURCE_DIR
#define LIANXIN_SOURCE_DIR "."
#endif

namespace lianxin {

namespace {

namespace fs = std::filesystem;

std::string_view ContentType(std::string_view path) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".webmanifest", "application/manifest+json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},
      {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {".csv", "text/csv; charset=utf-8"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (path.ends_with(ext)) return type;
  }
  return "application/octet-stream";
}

// Whether Accept-Encoding lists `coding` (or `*`) with a q above zero.
bool Accepts(const HttpRequest& request, std::string_view coding) {
  for (std::string_view header : request.headers.GetAll("Accept-Encoding")) {
    while (!header.empty()) {
      size_t comma = header.find(',');
      std::string_view item = header.substr(0, comma);
      header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
      size_t semi = item.find(';');
      std::string_view name = item.substr(0, semi);
      while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
      while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
      if (!http_internal::EqualsIgnoreCase(name, coding) && name != "*") continue;
      if (semi != std::string_view::npos) {
        std::string_view params = item.substr(semi + 1);
        size_t q = params.find("q=");
        if (q != std::string_view::npos) {
          std::string value(params.substr(q + 2));
          if (std::strtod(value.c_str(), nullptr) <= 0) continue;
        }
      }
      return true;
    }
  }
  return false;
}

std::optional<std::string> ReadFile(const fs::path& path) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

// The path's segments if every one is a plain name: no "", ".", "..",
// dot files, backslashes or NULs (the router decoded %2e%2e and %2f already).
std::optional<fs::path> SafeRelative(std::string_view path) {
  fs::path relative;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view segment = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (segment.empty() || segment.front() == '.' ||
        segment.find_first_of(std::string_view("\\\0:", 3)) != std::string_view::npos) {
      return std::nullopt;
    }
    relative /= std::string(segment);
  }
  return relative;
}

HttpResponse WithPolicy(HttpResponse response) {
  response.headers.Set("Content-Security-Policy", std::string(kWebCsp));
  response.headers.Set("X-Frame-Options", "DENY");
  return response;
}

HttpResponse Serve(const fs::path& root, std::string_view relative_name, const HttpRequest& request) {
  std::optional<fs::path> relative = SafeRelative(relative_name);
  if (!relative) {
    return WithPolicy(HttpResponse::ErrorWithCode(400, "invalid_input", "路径不合法 (path_invalid)", "path"));
  }
  fs::path file = root / *relative;
  std::optional<std::string> body = ReadFile(file);
  if (!body) {
    bool client_route =
        relative->extension().empty() && !relative_name.starts_with("api/") && relative_name != "api";
    if (!client_route) {
      return WithPolicy(HttpResponse::ErrorWithCode(404, "not_found", "找不到该页面 (not_found)"));
    }
    // The page of the entry the address is under (/m/… the cadre's phone
    // app, /h/… the household's page), else the admin's at the root.
    const std::string asked(relative_name);
    relative_name = "index.html";
    for (std::string_view entry : {"m/index.html", "h/index.html"}) {
      const std::string_view dir = entry.substr(0, 1);
      if (asked == dir || asked.starts_with(std::string(dir) + "/")) relative_name = entry;
    }
    file = root / std::string(relative_name);
    body = ReadFile(file);
    if (!body) return WithPolicy(HttpResponse::ErrorWithCode(404, "not_found", "找不到该页面 (not_found)"));
  }
  HttpResponse response = HttpResponse::Text(200, {}, std::string(ContentType(file.string())));
  for (std::string_view coding : {"br", "gzip"}) {
    if (!Accepts(request, coding)) continue;
    std::optional<std::string> encoded = ReadFile(file.string() + (coding == "br" ? ".br" : ".gz"));
    if (!encoded) continue;
    body = std::move(encoded);
    response.headers.Set("Content-Encoding", std::string(coding));
    break;
  }
  response.headers.Set("Vary", "Accept-Encoding");
  response.body = std::move(*body);
  response.headers.Set("Cache-Control", relative_name.starts_with("assets/")
                                            ? "public, max-age=31536000, immutable"
                                            : "no-cache");
  return WithPolicy(std::move(response));
}

}  // namespace

std::string WebRoot(const Config& config) {
  if (!config.server.web_root.empty()) return config.server.web_root;
  return std::string(LIANXIN_SOURCE_DIR) + "/web/dist";
}

bool AddStaticFiles(Router& router, const std::string& root) {
  std::error_code error;
  if (!fs::is_regular_file(fs::path(root) / "index.html", error)) {
    spdlog::warn("网页未构建, 只提供接口 web app not built, serving the API only: {}/index.html missing",
                 root);
    return false;
  }
  fs::path base(root);
  router.Get("/", [base](HttpRequest& request) { return Serve(base, "index.html", request); });
  router.Get("/{path...}",
             [base](HttpRequest& request) { return Serve(base, request.PathParam("path"), request); });
  return true;
}

}  // namespace lianxin
