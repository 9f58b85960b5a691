// The one record of type R a Store::Get emits, caught by a sink:
//
//   OneRecord<Unit> sink;
//   LX_RETURN_IF_ERROR(store.Get(RecordKind::kUnits, code, sink));
//   if (sink.found) …
//
// and each record of type R a scan emits, handed to a function:
//
//   EachRecord<Household> each([&](const Household& h) { …; return Status::Ok(); });
//   LX_RETURN_IF_ERROR(store.Scan(RecordKind::kHouseholds, each));
#pragma once

#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

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

template <typename R>
class EachRecord final : public RegistrySink {
 public:
  explicit EachRecord(std::function<Status(const R&)> each) : each_(std::move(each)) {}
  Status Add(const Region& r) override { return Take(r); }
  Status Add(const Unit& u) override { return Take(u); }
  Status Add(const Org& o) override { return Take(o); }
  Status Add(const Cadre& c) override { return Take(c); }
  Status Add(const Household& h) override { return Take(h); }
  Status Add(const Member& m) override { return Take(m); }

 private:
  template <typename T>
  Status Take(const T& record) {
    if constexpr (std::is_same_v<T, R>) return each_(record);
    return Status::Ok();
  }
  std::function<Status(const R&)> each_;
};

}  // namespace lianxin
