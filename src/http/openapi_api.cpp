// GET /api/v1/openapi.json (api.hpp): the document served as it was written,
// byte for byte, never parsed or rebuilt here; openapi_test.cpp checks that it
// parses and that it names every route and no other.
#include <string>

#include "http/openapi.hpp"
#include "lianxin/access.hpp"
#include "lianxin/api.hpp"

namespace lianxin {

void AddOpenApiRoute(ApiRouter& api) {
  api.Add("GET", "/api/v1/openapi.json", [](HttpRequest&, const Caller&) {
    return HttpResponse::Text(200, std::string(OpenApiDocument()), "application/json; charset=utf-8");
  });
}

}  // namespace lianxin
