// The OpenAPI document of the server (src/http/openapi.json), compiled in by
// cmake/embed_file.cmake so the binary needs no file beside it. Internal to
// the HTTP layer and its tests; users reach it as GET /api/v1/openapi.json.
//
//   nlohmann::json document = nlohmann::json::parse(OpenApiDocument());
#pragma once

#include <string_view>

namespace lianxin {

// The bytes of src/http/openapi.json as they were at build time; static
// storage, so the view stays valid for the life of the program.
std::string_view OpenApiDocument();

}  // namespace lianxin
