#include "lianxin/validate.hpp"

namespace lianxin {

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += "、";
    out += item;
  }
  return out;
}

}  // namespace lianxin
