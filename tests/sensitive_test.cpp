// Sensitive values serialise to JSON masked (printing is tested in validate_test).
#include "lianxin/sensitive.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace lianxin {
namespace {

TEST(SensitiveTest, JsonSeesOnlyTheMask) {
  IdNumber id("110101199003074514");
  Phone phone("13812345678");
  nlohmann::json json = {{"id", id}, {"phone", phone}};
  std::string dumped = json.dump();
  EXPECT_EQ(dumped.find("199003074514"), std::string::npos) << dumped;
  EXPECT_EQ(json["id"], "110101********4514");
  EXPECT_EQ(json["phone"], "138****5678");
}

}  // namespace
}  // namespace lianxin
