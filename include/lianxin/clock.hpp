// The clock, injected everywhere so a test can stand on any instant.
#pragma once

#include <cstdint>

namespace lianxin {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, UTC. Thread-safe.
  virtual std::int64_t NowMillis() const = 0;
};

// The system's real-time clock.
const Clock& SystemClock();

// A clock that stands still until told to move; for tests.
class ManualClock : public Clock {
 public:
  explicit ManualClock(std::int64_t now_millis) : now_(now_millis) {}
  std::int64_t NowMillis() const override { return now_; }
  void Advance(std::int64_t millis) { now_ += millis; }
  void Set(std::int64_t now_millis) { now_ = now_millis; }

 private:
  std::int64_t now_;
};

}  // namespace lianxin
