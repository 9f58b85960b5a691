// Sensitive values mask themselves however they leave the program.
#include "lianxin/sensitive.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace lianxin {
namespace {

TEST(SensitiveTest, JsonAndStreamsSeeOnlyTheMask) {
  IdNumber id("110101199003074514");
  Phone phone("13812345678");
  nlohmann::json json = {{"id", id}, {"phone", phone}};
  std::string dumped = json.dump();
  EXPECT_EQ(dumped.find("199003074514"), std::string::npos) << dumped;
  EXPECT_EQ(json["id"], "110101********4514");
  EXPECT_EQ(json["phone"], "138****5678");
  std::ostringstream out;
  out << id << " " << phone;
  EXPECT_EQ(out.str(), "110101********4514 138****5678");
  EXPECT_EQ(id.Reveal(), "110101199003074514");
}

}  // namespace
}  // namespace lianxin
