// The one record of type R a Store::Get emits, caught by a sink:
//
//   OneRecord<Unit> sink;
//   LX_RETURN_IF_ERROR(store.Get(RecordKind::kUnits, code, sink));
//   if (sink.found) …
#pragma once

#include <optional>
#include <type_traits>

#include "lianxin/registry.hpp"

namespace lianxin {

template <typename R>
class OneRecord final : public RegistrySink {
 public:
  Status Add(const Region& r) override { return Take(r); }
  Status Add(const Unit& u) override { return Take(u); }
  Status Add(const Org& o) override { return Take(o); }
  Status Add(const Cadre& c) override { return Take(c); }
  Status Add(const Household& h) override { return Take(h); }
  Status Add(const Member& m) override { return Take(m); }
  std::optional<R> found;

 private:
  template <typename T>
  Status Take(const T& record) {
    if constexpr (std::is_same_v<T, R>) found = record;
    return Status::Ok();
  }
};

}  // namespace lianxin
