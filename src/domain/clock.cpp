#include "lianxin/clock.hpp"

#include <chrono>

namespace lianxin {

namespace {
class RealClock final : public Clock {
 public:
  std::int64_t NowMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};
}  // namespace

const Clock& SystemClock() {
  static const RealClock kClock;
  return kClock;
}

}  // namespace lianxin
