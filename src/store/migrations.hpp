// The schema's numbered migrations, compiled in from src/store/migrations/.
#pragma once

#include <string>
#include <vector>

namespace lianxin {

struct Migration {
  int number;
  const char* name;
  const char* sql;
};

// In ascending order of number.
const std::vector<Migration>& Migrations();

}  // namespace lianxin
