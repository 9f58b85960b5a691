#include "lianxin/status.hpp"

namespace lianxin {

namespace {
struct CodeRow {
  Code code;
  std::string_view name;
  int exit_code;
  int http_status;
};
// The one table that maps error codes to names, exit codes and HTTP statuses.
constexpr CodeRow kCodes[] = {
    {Code::kOk, "ok", 0, 200},
    {Code::kInvalidInput, "invalid_input", 1, 400},
    {Code::kNotFound, "not_found", 1, 404},
    {Code::kConflict, "conflict", 1, 409},
    {Code::kUsage, "usage", 2, 400},
    {Code::kUnauthenticated, "unauthenticated", 1, 401},
    {Code::kPermissionDenied, "permission_denied", 1, 403},
    {Code::kUnavailable, "unavailable", 3, 503},
    {Code::kTampered, "tampered", 4, 500},
    {Code::kInternal, "internal", 3, 500},
};

const CodeRow& RowFor(Code code) {
  for (const CodeRow& row : kCodes) {
    if (row.code == code) return row;
  }
  return kCodes[std::size(kCodes) - 1];
}
}  // namespace

std::string_view CodeName(Code code) { return RowFor(code).name; }
int ExitCodeFor(Code code) { return RowFor(code).exit_code; }
int HttpStatusFor(Code code) { return RowFor(code).http_status; }

std::string Status::ToString() const {
  std::string out(CodeName(code_));
  if (!message_.empty()) out += ": " + message_;
  if (!field_.empty()) out += " [" + field_ + "]";
  return out;
}

}  // namespace lianxin
