// The sign-in throttle of AuthService: rate limits per client address and per
// account name, and the lock-out of one account from one address with
// back-off (auth.hpp, AuthPolicy). Held in memory: a restart forgets it,
// which lifts locks early but never locks anyone out. Private to src/auth.
//
// Threads: every member may be called from any thread (one lock inside).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "lianxin/auth.hpp"

namespace lianxin::auth_internal {

class SignInThrottle {
 public:
  explicit SignInThrottle(const AuthPolicy& policy) : policy_(policy) {}

  struct Admission {
    std::int64_t wait_seconds = 0;  // 0: the attempt may go on (it has been counted)
    bool first_refusal = false;     // the first refusal of this key's window or lock
    std::string reason;             // "address_rate", "account_rate" or "locked"
  };
  // Whether an attempt at `account` from `address` may spend argon2 work now.
  Admission Admit(const std::string& account, const std::string& address, std::int64_t now_millis);
  // A wrong password or code: true when it locks the pair now; *minutes is
  // then the length of that lock.
  bool Failed(const std::string& account, const std::string& address, std::int64_t now_millis, int* minutes);
  // A success: the pair's count and back-off start again and the address
  // becomes known to the account.
  void Succeeded(const std::string& account, const std::string& address, std::int64_t now_millis);
  // Lifts every lock of the account (the security admin's unlock).
  void Clear(const std::string& account);
  // Whether some address is locked out of the account at `now_millis`.
  bool Locked(const std::string& account, std::int64_t now_millis) const;

 private:
  struct Window {
    std::int64_t start = 0;
    int count = 0;
    bool refused = false;  // a refusal of this window was reported already
  };
  struct Pair {
    int failures = 0;
    int locks = 0;  // locks since the last success: the back-off exponent
    std::int64_t locked_until = 0;
    std::int64_t last = 0;
    bool refused = false;  // this lock's first refusal was reported already
  };
  // Counts one attempt in `window`; the seconds to wait when over `limit`.
  static std::int64_t Count(Window& window, int limit, std::int64_t now, bool* first);
  // Forgets what can no longer matter once the maps grow, bounding memory
  // under a flood from many addresses.
  void Sweep(std::int64_t now);

  const AuthPolicy& policy_;
  mutable std::mutex mu_;
  std::map<std::string, Window, std::less<>> by_address_, by_account_;
  std::map<std::string, Pair, std::less<>> pairs_;          // account '\n' address
  std::map<std::string, std::int64_t, std::less<>> known_;  // account '\n' address → last success
};

}  // namespace lianxin::auth_internal
