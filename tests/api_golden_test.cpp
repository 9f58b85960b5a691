// Golden API exchanges (STYLE.md §5): each tests/data/api/NAME.txt is one
// scenario, run top to bottom through the whole server's router on its own
// fresh copy of the small demo county (ApiFixture), every answer compared
// with the status and JSON the file expects. A file reads:
//
//   # 县级管理员查看一户 a county admin reads one household
//   as county county_admin region:149901
//   GET /api/v1/households/1499010010010001
//   ----
//   200
//   { …the expected JSON… }
//
//   as nobody
//   POST /api/v1/session
//   {"username": "county", "password": "wrong"}
//   ----
//   401
//   { … }
//
// Lines starting with # are comments. `as NAME ROLE[,ROLE…] SCOPE` (SCOPE is
// `none` or KIND:CODE, e.g. region:149901) creates the account NAME with
// password kApiPassword and signs it in; `as NAME` switches back to its
// session; `as nobody` sends no session. A request is a `METHOD TARGET` line,
// an optional body (any lines, sent as they are), `----`, the expected status,
// then the expected body up to a blank line: JSON, `(any)` for a body that
// cannot be fixed (a file, a document), or `(empty)`. `200 ignoring KEY[,KEY…]`
// leaves those members out of the comparison (e.g. a list thousands long).
// In a target or body, {{KEY}} is member KEY of the last answer, e.g.
// {{next}}, a page cursor. Values that vary from run to run (kVolatileKeys)
// are compared as "<…>".
//
// LIANXIN_UPDATE_GOLDEN=1 rewrites every status and body from what the server
// answered (normalised, keeping `(any)` and `ignoring`); a new file can hold
// `(expected)` in place of status and body (or of the body alone) for it to
// fill in. Review the change before committing it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api_fixture.hpp"

namespace lianxin::testing {
namespace {

using nlohmann::json;

std::filesystem::path GoldenDir() { return DataDir() / "api"; }

// --- Normalisation -----------------------------------------------------------

// Values that differ from run to run, replaced (unless null) by kVolatile in
// the expected and the actual body alike before they are compared: by key
// anywhere, "id" (the request id) inside an "error" object, and the keys an
// exchange says it ignores.
constexpr char kVolatile[] = "<…>";
const std::set<std::string> kVolatileKeys = {
    "csrf_token",         // random per session
    "one_time_password",  // random per account created or reset
    "at_millis",          // the audit log's clock
    "last_login_millis",  // the accounts' clock
    "requested_millis",   // when a change awaiting approval was asked for
    "seconds",            // how long a pairing run took
    "objective",  // a pairing's price: tests check it against independent solves, goldens never pin it
    "seq",        // journal sequence numbers, shifted by any other write
    "next",       // page cursors, signed with a key made per database
};

void Normalise(json& value, const std::set<std::string>& ignoring = {}, bool in_error = false) {
  if (value.is_object()) {
    for (auto& [key, member] : value.items()) {
      if (member.is_null()) continue;
      if (kVolatileKeys.count(key) > 0 || ignoring.count(key) > 0 || (in_error && key == "id")) {
        member = kVolatile;
      } else {
        Normalise(member, ignoring, key == "error");
      }
    }
  } else if (value.is_array()) {
    for (json& item : value) Normalise(item, ignoring);
  }
}

std::string Pretty(const json& value) { return value.dump(2, ' ', false, json::error_handler_t::replace); }

// --- The file ----------------------------------------------------------------

constexpr char kAny[] = "(any)";
constexpr char kEmpty[] = "(empty)";
constexpr char kPlaceholder[] = "(expected)";

struct Step {
  int line = 0;  // 1-based, for messages
  // `as`: the account, and its roles and scope when it is to be created.
  bool is_as = false;
  std::string username, roles, scope;
  // A request and what it must answer.
  std::string method, target, body;
  size_t expected_begin = 0, expected_end = 0;  // its lines after ----, [begin, end)
  bool placeholder = false;
  int status = 0;
  std::set<std::string> ignoring;  // `200 ignoring a,b`: members not compared
  std::string expected;            // JSON text, kAny or kEmpty
};

struct Scenario {
  std::vector<std::string> lines;
  std::vector<Step> steps;
};

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// The scenario in `text`, or a message naming the line that does not parse.
Result<Scenario> Parse(const std::string& text) {
  Scenario scenario{SplitLines(text), {}};
  const std::vector<std::string>& lines = scenario.lines;
  auto error = [](size_t i, const std::string& what) {
    return Status::Invalid("line " + std::to_string(i + 1) + ": " + what);
  };
  for (size_t i = 0; i < lines.size();) {
    const std::string& line = lines[i];
    std::vector<std::string> words = Words(line);
    if (words.empty() || line[0] == '#') {
      ++i;
      continue;
    }
    Step step;
    step.line = static_cast<int>(i + 1);
    if (words[0] == "as") {
      if (words.size() != 2 && words.size() != 4) return error(i, "expected `as NAME [ROLES SCOPE]`");
      step.is_as = true;
      step.username = words[1];
      if (words.size() == 4) step.roles = words[2], step.scope = words[3];
      scenario.steps.push_back(step);
      ++i;
      continue;
    }
    if (words.size() != 2 || words[0].find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
      return error(i, "expected a comment, `as …` or `METHOD TARGET`");
    }
    step.method = words[0];
    step.target = words[1];
    for (++i; i < lines.size() && lines[i] != "----"; ++i) {
      step.body += (step.body.empty() ? "" : "\n") + lines[i];
    }
    if (i == lines.size()) return error(step.line - 1, "request without `----`");
    step.expected_begin = ++i;
    if (i < lines.size() && lines[i] == kPlaceholder) {
      step.placeholder = true;
      ++i;
    } else {
      std::vector<std::string> status = i < lines.size() ? Words(lines[i]) : std::vector<std::string>();
      if (status.empty() || status[0].find_first_not_of("0123456789") != std::string::npos ||
          (status.size() != 1 && (status.size() != 3 || status[1] != "ignoring"))) {
        return error(i, "expected the status after `----`, e.g. `200` or `200 ignoring KEY[,KEY…]`");
      }
      step.status = std::stoi(status[0]);
      if (status.size() == 3) {
        std::istringstream keys(status[2]);
        for (std::string key; std::getline(keys, key, ',');) step.ignoring.insert(key);
      }
      for (++i; i < lines.size() && !lines[i].empty(); ++i) {
        step.expected += (step.expected.empty() ? "" : "\n") + lines[i];
      }
      if (step.expected.empty()) return error(i, "expected a body after the status (JSON, (any) or (empty))");
      step.placeholder = step.expected == kPlaceholder;
    }
    step.expected_end = i;
    scenario.steps.push_back(step);
  }
  return scenario;
}

// The expected part as update mode writes it, from what the server answered.
std::vector<std::string> ExpectedLines(const Step& step, const HttpResponse& response) {
  std::string status = std::to_string(response.status);
  for (const std::string& key : step.ignoring) {
    status += (key == *step.ignoring.begin() ? " ignoring " : ",") + key;
  }
  std::vector<std::string> lines = {status};
  json body = json::parse(response.body, nullptr, false);
  if (!step.placeholder && step.expected == kAny) {
    lines.push_back(kAny);
  } else if (response.body.empty()) {
    lines.push_back(kEmpty);
  } else if (body.is_discarded()) {
    lines.push_back(kAny);
  } else {
    Normalise(body, step.ignoring);
    for (std::string& line : SplitLines(Pretty(body))) lines.push_back(std::move(line));
  }
  return lines;
}

// --- Diff ----------------------------------------------------------------------

// A line diff of two texts ("-" expected, "+" actual), with three lines of
// context around each change.
std::string LineDiff(const std::string& expected, const std::string& actual) {
  std::vector<std::string> a = SplitLines(expected), b = SplitLines(actual);
  const size_t n = a.size(), m = b.size();
  if (n * m > 4'000'000) return "--- expected\n" + expected + "\n+++ actual\n" + actual + "\n";
  std::vector<std::vector<int>> common(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      common[i][j] = a[i] == b[j] ? common[i + 1][j + 1] + 1 : std::max(common[i + 1][j], common[i][j + 1]);
    }
  }
  std::vector<std::pair<char, std::string>> ops;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      ops.push_back({' ', a[i++]});
      ++j;
    } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
      ops.push_back({'-', a[i++]});
    } else {
      ops.push_back({'+', b[j++]});
    }
  }
  constexpr size_t kContext = 3;
  std::vector<bool> shown(ops.size(), false);
  for (size_t k = 0; k < ops.size(); ++k) {
    if (ops[k].first == ' ') continue;
    for (size_t c = k >= kContext ? k - kContext : 0; c <= std::min(ops.size() - 1, k + kContext); ++c) {
      shown[c] = true;
    }
  }
  std::string out;
  for (size_t k = 0; k < ops.size(); ++k) {
    if (shown[k]) {
      out += std::string(1, ops[k].first) + " " + ops[k].second + "\n";
    } else if (k == 0 || shown[k - 1]) {
      out += "  …\n";
    }
  }
  return out;
}

// --- The runner ------------------------------------------------------------------

// "region:149901" or "none".
Result<Scope> ParseScopeWord(const std::string& word) {
  if (word == "none") return Scope{};
  size_t colon = word.find(':');
  std::optional<ScopeKind> kind = ParseScopeKind(word.substr(0, colon));
  if (colon == std::string::npos || !kind) {
    return Status::Invalid("scope " + word + ": expected none or KIND:CODE");
  }
  return Scope{*kind, word.substr(colon + 1)};
}

Result<std::set<Role>> ParseRoleWords(const std::string& word) {
  std::set<Role> roles;
  std::istringstream in(word);
  for (std::string token; std::getline(in, token, ',');) {
    Result<Role> role = ParseRole(token);
    if (!role.ok()) return role.status();
    roles.insert(*role);
  }
  return roles;
}

class ApiGoldenTest : public ApiFixture, public ::testing::WithParamInterface<std::string> {
 protected:
  // Signs in or switches to the account of an `as` line; false (and a
  // failure) when the line cannot be followed.
  bool Become(const std::string& where, const Step& step) {
    if (step.username == "nobody") {
      current_ = {};
      return true;
    }
    if (step.roles.empty()) {
      auto it = sessions_.find(step.username);
      if (it == sessions_.end()) {
        ADD_FAILURE() << where << "`as " << step.username << "` before `as " << step.username
                      << " ROLES SCOPE`";
        return false;
      }
      current_ = it->second;
      return true;
    }
    if (sessions_.count(step.username) > 0) {
      ADD_FAILURE() << where << step.username << " is created twice; switch back with `as " << step.username
                    << "`";
      return false;
    }
    Result<std::set<Role>> roles = ParseRoleWords(step.roles);
    Result<Scope> scope = ParseScopeWord(step.scope);
    if (!roles.ok() || !scope.ok()) {
      ADD_FAILURE() << where << (roles.ok() ? scope.status() : roles.status()).ToString();
      return false;
    }
    current_ = SignIn(step.username, *roles, *scope).headers;
    sessions_[step.username] = current_;
    if (current_.empty()) ADD_FAILURE() << where << "could not sign in " << step.username;
    return !current_.empty();
  }

  // `text` with each {{KEY}} replaced by member KEY of the last answer (e.g.
  // {{next}}, a page cursor), which the golden file cannot hold as it varies.
  std::string Substitute(const std::string& where, std::string text) {
    for (size_t at = text.find("{{"); at != std::string::npos; at = text.find("{{", at)) {
      size_t end = text.find("}}", at);
      if (end == std::string::npos) break;
      std::string key = text.substr(at + 2, end - at - 2);
      json value = last_answer_.is_object() && last_answer_.contains(key) ? last_answer_[key] : json();
      if (value.is_null()) ADD_FAILURE() << where << "{{" << key << "}}: the last answer has no " << key;
      std::string replacement = value.is_string() ? value.get<std::string>() : value.dump();
      text.replace(at, end + 2 - at, replacement);
      at += replacement.size();
    }
    return text;
  }

  // Whether the answer is what the step expects; a readable failure if not.
  void Check(const std::string& where, const Step& step, const HttpResponse& response) {
    if (step.placeholder) {
      ADD_FAILURE() << where << ": (expected) placeholder: run with LIANXIN_UPDATE_GOLDEN=1 to fill it in";
      return;
    }
    std::string problem;
    if (response.status != step.status) {
      problem += "status: expected " + std::to_string(step.status) + ", got " +
                 std::to_string(response.status) + "\n";
    }
    if (step.expected == kEmpty) {
      if (!response.body.empty()) problem += "body: expected none, got\n" + response.body + "\n";
    } else if (step.expected != kAny) {
      json expected = json::parse(step.expected, nullptr, false);
      json actual = json::parse(response.body, nullptr, false);
      if (expected.is_discarded()) {
        problem += "the expected body is not JSON (nor (any) or (empty))\n";
      } else if (actual.is_discarded()) {
        problem += "body: not JSON:\n" + response.body + "\n";
      } else {
        Normalise(expected, step.ignoring);
        Normalise(actual, step.ignoring);
        if (expected != actual) {
          problem += "body (- expected, + actual):\n" + LineDiff(Pretty(expected), Pretty(actual));
        }
      }
    }
    if (!problem.empty()) ADD_FAILURE() << where << "\n" << problem;
  }

  Headers current_;
  json last_answer_;
  std::map<std::string, Headers> sessions_;
};

TEST_P(ApiGoldenTest, Exchanges) {
  const std::filesystem::path path = GoldenDir() / (GetParam() + ".txt");
  Result<Scenario> scenario = Parse(ReadFile(path));
  ASSERT_TRUE(scenario.ok()) << path.filename().string() << ": " << scenario.status().ToString();
  const bool update = std::getenv("LIANXIN_UPDATE_GOLDEN") != nullptr;
  std::vector<std::vector<std::string>> answered;  // per request step, for update mode
  std::string as = "nobody";
  for (const Step& step : scenario->steps) {
    std::string where = path.filename().string() + ":" + std::to_string(step.line) + ": ";
    if (step.is_as) {
      ASSERT_TRUE(Become(where, step));
      as = step.username;
      continue;
    }
    HttpResponse response =
        Call(step.method, Substitute(where, step.target), Substitute(where, step.body), current_);
    last_answer_ = json::parse(response.body, nullptr, false);
    if (update) {
      answered.push_back(ExpectedLines(step, response));
    } else {
      Check(where + step.method + " " + step.target + " (as " + as + ")", step, response);
    }
  }
  if (!update) return;
  // The file with each expected part replaced, everything else as it was.
  std::string out;
  const std::vector<std::string>& lines = scenario->lines;
  size_t next = 0, k = 0;
  for (const Step& step : scenario->steps) {
    if (step.is_as) continue;
    for (; next < step.expected_begin; ++next) out += lines[next] + "\n";
    for (const std::string& line : answered[k++]) out += line + "\n";
    next = step.expected_end;
    if (next < lines.size() && !lines[next].empty()) out += "\n";
  }
  for (; next < lines.size(); ++next) out += lines[next] + "\n";
  WriteFile(path, out);
}

// The scenario files by name (their stems, sorted), found when the tests are
// listed.
std::vector<std::string> GoldenFiles() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(GoldenDir(), ec)) {
    if (entry.path().extension() == ".txt") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Files, ApiGoldenTest, ::testing::ValuesIn(GoldenFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

// A missing or emptied directory would otherwise pass by running nothing.
TEST(ApiGoldenFilesTest, AreThere) { EXPECT_GE(GoldenFiles().size(), 10u) << GoldenDir(); }

}  // namespace
}  // namespace lianxin::testing
