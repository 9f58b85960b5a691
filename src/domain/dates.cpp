#include "lianxin/validate.hpp"

namespace lianxin {

Date ChinaDateOf(std::int64_t millis) {
  constexpr std::int64_t kOffset = 8LL * 3600 * 1000;
  constexpr std::int64_t kDay = 86400LL * 1000;
  std::int64_t local = millis + kOffset;
  return DateFromDays((local >= 0 ? local : local - kDay + 1) / kDay);
}

}  // namespace lianxin
