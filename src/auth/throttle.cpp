#include "auth/throttle.hpp"

#include <algorithm>

namespace lianxin::auth_internal {

namespace {

constexpr std::int64_t kMinute = 60 * 1000;
constexpr std::int64_t kDay = 24 * 60 * kMinute;
// Beyond this many entries a map is swept of what has expired.
constexpr std::size_t kSweepAbove = 10000;

std::string PairKey(const std::string& account, const std::string& address) {
  return account + '\n' + address;
}

std::int64_t CeilSeconds(std::int64_t millis) { return std::max<std::int64_t>(1, (millis + 999) / 1000); }

}  // namespace

std::int64_t SignInThrottle::Count(Window& window, int limit, std::int64_t now, bool* first) {
  if (limit <= 0) return 0;
  if (now - window.start >= kMinute) window = {now, 0, false};
  if (window.count >= limit) {
    *first = !window.refused;
    window.refused = true;
    return CeilSeconds(window.start + kMinute - now);
  }
  ++window.count;
  return 0;
}

SignInThrottle::Admission SignInThrottle::Admit(const std::string& account, const std::string& address,
                                                std::int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  Sweep(now);
  Admission out;
  const std::string pair_key = PairKey(account, address);
  if (auto it = pairs_.find(pair_key); it != pairs_.end() && it->second.locked_until > now) {
    out.wait_seconds = CeilSeconds(it->second.locked_until - now);
    out.first_refusal = !it->second.refused;
    it->second.refused = true;
    out.reason = "locked";
    return out;
  }
  out.wait_seconds =
      Count(by_address_[address], policy_.signin_per_address_per_minute, now, &out.first_refusal);
  if (out.wait_seconds > 0) {
    out.reason = "address_rate";
    return out;
  }
  auto known = known_.find(pair_key);
  const bool is_known = known != known_.end() && now - known->second <= policy_.known_address_days * kDay;
  if (!is_known) {
    out.wait_seconds =
        Count(by_account_[account], policy_.signin_per_account_per_minute, now, &out.first_refusal);
    if (out.wait_seconds > 0) out.reason = "account_rate";
  }
  return out;
}

bool SignInThrottle::Failed(const std::string& account, const std::string& address, std::int64_t now,
                            int* minutes) {
  if (policy_.lockout_attempts <= 0) return false;
  std::lock_guard<std::mutex> lock(mu_);
  Pair& pair = pairs_[PairKey(account, address)];
  pair.last = now;
  // An attempt admitted just before the lock began (its argon2 ran
  // meanwhile) does not count towards the next one.
  if (pair.locked_until > now) return false;
  if (++pair.failures < policy_.lockout_attempts) return false;
  // The count starts again after the lock; each further lock doubles (等保
  // 8.1.4.1 b: 限制非法登录次数; OWASP: exponential back-off).
  pair.failures = 0;
  std::int64_t length = policy_.lockout_minutes;
  for (int i = 0; i < pair.locks && length < policy_.lockout_max_minutes; ++i) length *= 2;
  length = std::min<std::int64_t>(length, std::max(policy_.lockout_minutes, policy_.lockout_max_minutes));
  ++pair.locks;
  pair.locked_until = now + length * kMinute;
  pair.refused = false;
  if (minutes != nullptr) *minutes = static_cast<int>(length);
  return true;
}

void SignInThrottle::Succeeded(const std::string& account, const std::string& address, std::int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string key = PairKey(account, address);
  pairs_.erase(key);
  known_[key] = now;
}

void SignInThrottle::Clear(const std::string& account) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string prefix = account + '\n';
  for (auto it = pairs_.lower_bound(prefix); it != pairs_.end() && it->first.starts_with(prefix);) {
    it = pairs_.erase(it);
  }
  by_account_.erase(account);
}

bool SignInThrottle::Locked(const std::string& account, std::int64_t now) const {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string prefix = account + '\n';
  for (auto it = pairs_.lower_bound(prefix); it != pairs_.end() && it->first.starts_with(prefix); ++it) {
    if (it->second.locked_until > now) return true;
  }
  return false;
}

void SignInThrottle::Sweep(std::int64_t now) {
  auto sweep_windows = [now](auto& windows) {
    if (windows.size() <= kSweepAbove) return;
    std::erase_if(windows, [now](const auto& entry) { return now - entry.second.start >= kMinute; });
  };
  sweep_windows(by_address_);
  sweep_windows(by_account_);
  if (pairs_.size() > kSweepAbove) {
    // A pair neither locked nor failing for a day has nothing left to count.
    std::erase_if(pairs_, [now](const auto& entry) {
      return entry.second.locked_until <= now && now - entry.second.last >= kDay;
    });
  }
  if (known_.size() > kSweepAbove) {
    std::erase_if(known_, [this, now](const auto& entry) {
      return now - entry.second > policy_.known_address_days * kDay;
    });
  }
}

}  // namespace lianxin::auth_internal
