// Storage sits below the services it serves: the store's header and the
// domain headers it speaks include no configuration, no auth service, no
// pairing engine and no HTTP, directly or through another header.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace lianxin::testing {
namespace {

// The project headers `header` includes, directly and through others.
std::set<std::string> Reach(const std::string& header) {
  std::set<std::string> seen;
  std::vector<std::string> todo{header};
  const std::regex include(R"(^#include "(lianxin/[a-z_]+\.hpp)\")");
  while (!todo.empty()) {
    const std::string name = todo.back();
    todo.pop_back();
    std::ifstream in(SourceDir() / "include" / name);
    EXPECT_TRUE(in) << name;
    std::string line;
    std::smatch match;
    while (std::getline(in, line)) {
      if (std::regex_search(line, match, include) && seen.insert(match[1]).second) todo.push_back(match[1]);
    }
  }
  return seen;
}

TEST(LayeringTest, TheStoreAndTheDomainHeadersIncludeNoService) {
  for (const char* header : {"lianxin/store.hpp", "lianxin/registry.hpp", "lianxin/pairs.hpp",
                             "lianxin/tasks.hpp", "lianxin/accounts.hpp"}) {
    const std::set<std::string> reached = Reach(header);
    for (const char* service : {"lianxin/config.hpp", "lianxin/auth.hpp", "lianxin/pairing.hpp",
                                "lianxin/pairing_service.hpp", "lianxin/http.hpp", "lianxin/api.hpp"}) {
      EXPECT_FALSE(reached.contains(service)) << header << " includes " << service;
    }
  }
  // And the check sees what it is meant to: the engine's header does reach the configuration.
  EXPECT_TRUE(Reach("lianxin/pairing.hpp").contains("lianxin/config.hpp"));
}

}  // namespace
}  // namespace lianxin::testing
