// The one error model of Lianxin.
//
// Every fallible call returns `Status` or `Result<T>`. A Status carries a code
// from a small set, a message for people (Chinese first where a user reads
// it) and, where the fault is in one input field, the name of that field.
// Codes map to CLI exit codes and HTTP statuses in one table each
// (`ExitCodeFor`, `HttpStatusFor`), so no caller invents its own mapping.
//
//   Result<Household> h = store.GetHousehold(code);
//   if (!h.ok()) return h.status();
//   Use(*h);
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace lianxin {

enum class Code {
  kOk,
  kInvalidInput,      // the caller's input was refused (bad file, bad field)
  kNotFound,          // the named record does not exist
  kConflict,          // the change collides with existing state
  kUsage,             // the command line was wrong
  kUnauthenticated,   // no valid session
  kPermissionDenied,  // signed in, but not allowed
  kUnavailable,       // a resource is busy or gone for now
  kInternal,          // a bug or an environment fault
  kTampered,          // stored data was changed behind the program's back (journal verify)
};

// A stable English name for the code, used in JSON errors and logs.
std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return {}; }
  static Status Invalid(std::string message, std::string field = {}) {
    return {Code::kInvalidInput, std::move(message), std::move(field)};
  }
  static Status NotFound(std::string message) { return {Code::kNotFound, std::move(message)}; }
  static Status Conflict(std::string message) { return {Code::kConflict, std::move(message)}; }
  static Status Usage(std::string message) { return {Code::kUsage, std::move(message)}; }
  static Status Internal(std::string message) { return {Code::kInternal, std::move(message)}; }
  static Status Tampered(std::string message) { return {Code::kTampered, std::move(message)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }
  // "code: message" (with " [field]" when set), for logs and the CLI.
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::string field_;
};

// The process exit status for a code: 0 done, 1 input refused, 2 usage, 3 other,
// 4 the stored data was tampered with (tampering is not bad input).
int ExitCodeFor(Code code);
// The HTTP status for a code (200, 400, 404, 409, 401, 403, 503, 500; tampering 500).
int HttpStatusFor(Code code);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "a Result holding a Status must hold an error");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace lianxin

// Propagates a non-ok Status from an expression that yields Status.
#define LX_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::lianxin::Status lx_status_ = (expr);   \
    if (!lx_status_.ok()) return lx_status_; \
  } while (0)

#define LX_CONCAT_INNER(a, b) a##b
#define LX_CONCAT(a, b) LX_CONCAT_INNER(a, b)
// `LX_ASSIGN_OR_RETURN(auto x, Compute());` binds x or returns the error.
#define LX_ASSIGN_OR_RETURN(lhs, expr) LX_ASSIGN_OR_RETURN_IMPL(LX_CONCAT(lx_result_, __LINE__), lhs, expr)
#define LX_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
