// Pieces of the HTTP layer shared by router.cpp and server.cpp (and their
// tests), not part of the public contract in lianxin/http.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "lianxin/http.hpp"

namespace lianxin::http_internal {

// Decodes %XX escapes (and '+' as a space when `plus_as_space`, the form
// encoding used in query strings). nullopt when an escape is malformed or
// the result is not valid UTF-8 or holds a NUL: such bytes would otherwise
// reach the store, logs and JSON (which refuses invalid UTF-8).
std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space);

bool IsValidUtf8(std::string_view text);

// `text` as a JSON string, quoted and escaped byte for byte as
// HttpResponse::Json prints it (invalid UTF-8 repaired to U+FFFD), for
// answers written straight to text rather than through a json tree.
void AppendJsonString(std::string& out, std::string_view text);

// The message's own token, "… (no_meeting_month)" → "no_meeting_month",
// for a client to branch on without reading the words; "" when it has none.
std::string_view MessageToken(std::string_view message);

// {"error":{"code":…,"message":…[,"field":…][,"reason":…][,"id":…]}}
std::string ErrorBody(std::string_view code, std::string_view message, std::string_view field = {},
                      std::string_view id = {});

// The longest header field (name + value) a handler may send.
constexpr size_t kMaxHeaderBytes = 60'000;

// A header the server may send: the name a token, the value free of CR, LF
// and NUL (which would let a handler's data split the response), and not
// longer than kMaxHeaderBytes.
bool IsSendableHeader(std::string_view name, std::string_view value);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

struct ResponseAccess {
  // When `response` came from HttpResponse::Error() for a 5xx, rewrites its
  // body to carry `id` and returns the withheld Status for the log.
  static std::optional<Status> TakeWithheld(HttpResponse& response, std::string_view id);
};

}  // namespace lianxin::http_internal
