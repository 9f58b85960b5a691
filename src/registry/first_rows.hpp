// Which row of a file first held each key (a household code, an ID number),
// for the importer's duplicate checks: a million keys a city file holds, so
// one flat table of hashes with the keys side by side in one buffer, instead
// of a node and a string allocated for each.
//
//   FirstRows first;
//   auto [row, fresh] = first.Emplace("1499010010010001", 7);  // {7, true}
//   std::tie(row, fresh) = first.Emplace("1499010010010001", 9);  // {7, false}: row 7 held it
//
// Threads: one at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lianxin {

class FirstRows {
 public:
  // The row that first held `key` and whether that is `row` (the key is new).
  std::pair<int, bool> Emplace(std::string_view key, int row) {
    if ((used_ + 1) * 4 > slots_.size() * 3) Grow();
    const std::uint64_t hash = std::hash<std::string_view>{}(key);
    for (size_t i = hash & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& slot = slots_[i];
      if (!slot.used) {
        slot = {hash, keys_.size(), static_cast<std::uint32_t>(key.size()), row, true};
        keys_.append(key);
        ++used_;
        return {row, true};
      }
      if (slot.hash == hash && std::string_view(keys_).substr(slot.offset, slot.size) == key) {
        return {slot.row, false};
      }
    }
  }
  size_t size() const { return used_; }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    size_t offset = 0;  // of the key in keys_
    std::uint32_t size = 0;
    int row = 0;
    bool used = false;
  };
  // Twice the slots, each key placed again by its hash (the keys stay put).
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    for (const Slot& slot : old) {
      if (!slot.used) continue;
      size_t i = slot.hash & (slots_.size() - 1);
      while (slots_[i].used) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = slot;
    }
  }
  std::vector<Slot> slots_;
  std::string keys_;
  size_t used_ = 0;
};

}  // namespace lianxin
