// The built web app (web/dist, made by `npm run build` in web/), served from
// `/` by `lianxin serve` next to the API.
//
//   Router router = app->BuildRouter();
//   LX_RETURN_IF_ERROR(AddStaticFiles(router, WebRoot(config)));
//
// What it answers, for GET and HEAD of any path the API does not route:
//   - a file under `root`: its bytes, with a Content-Type from its
//     extension; when the request's Accept-Encoding allows it and the build
//     left `FILE.br` / `FILE.gz` beside it, that one instead, with
//     Content-Encoding (br preferred) and `Vary: Accept-Encoding`;
//   - `Cache-Control: public, max-age=31536000, immutable` under /assets/
//     (Vite names those by their content's hash), `no-cache` for the rest
//     (index.html must be revalidated so a new build is picked up at once);
//   - a path that names no file and has no extension is a client route of
//     the app (vue-router's history mode): index.html. A path under /api/,
//     or one with an extension, that names no file: 404 JSON.
//   - a path with a `..`, `.` or empty segment, a backslash or a NUL: 400,
//     so nothing outside `root` is ever read; dot files are not served.
//   - the content security policy of kWebCsp on every answer.
#pragma once

#include <string>
#include <string_view>

#include "lianxin/config.hpp"
#include "lianxin/http.hpp"

namespace lianxin {

// The policy of the web app. `default-src 'self'`: scripts, fonts, images
// and API calls only from this origin, and no inline script (Vite emits
// none). Styles allow 'unsafe-inline' because Element Plus and Vant set
// element styles at run time (positions of popovers, dialogs' z-index);
// a style cannot run code, so this is the one relaxation. `data:` images
// for the icons the UI libraries inline. No framing (clickjacking).
inline constexpr std::string_view kWebCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'";

// Where the built app lives: [server] web_root, or when it is empty the
// source tree's web/dist (where `./dev run` builds it).
std::string WebRoot(const Config& config);

// Adds GET `/` and GET `/{path...}` serving `root`. When `root` has no
// index.html nothing is added (the API alone is served) and false returned.
bool AddStaticFiles(Router& router, const std::string& root);

}  // namespace lianxin
