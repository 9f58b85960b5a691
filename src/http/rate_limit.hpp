// A per-key limit on events a minute (fixed one-minute windows), for the
// public routes: per client address and per card code. Held in memory; a
// restart forgets it. Memory stays bounded under a flood from many keys:
// windows that have ended are dropped once the map grows.
//
//   WindowLimiter per_address;
//   if (!per_address.Admit(caller.remote(), 30, now)) return TooMany();
//
// Threads: Admit may be called from any thread (one lock inside).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace lianxin {

class WindowLimiter {
 public:
  // Counts one event for `key`; false when that makes more than `limit` in
  // the current minute (0 = no limit).
  bool Admit(std::string_view key, int limit, std::int64_t now_millis) {
    if (limit <= 0) return true;
    std::lock_guard lock(mu_);
    if (windows_.size() > kSweepAt) Sweep(now_millis);
    Window& w = windows_[std::string(key)];
    if (now_millis - w.start >= kMinute) w = {now_millis, 0};
    return ++w.count <= limit;
  }

 private:
  static constexpr std::int64_t kMinute = 60'000;
  static constexpr size_t kSweepAt = 100'000;
  struct Window {
    std::int64_t start = 0;
    int count = 0;
  };
  void Sweep(std::int64_t now) {
    for (auto it = windows_.begin(); it != windows_.end();) {
      it = now - it->second.start >= kMinute ? windows_.erase(it) : std::next(it);
    }
  }
  std::mutex mu_;
  std::map<std::string, Window, std::less<>> windows_;
};

}  // namespace lianxin
