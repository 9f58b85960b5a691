// Which row of a file first held each key (a household code, an ID number),
// for the importer's duplicate checks: a million keys a city file holds, so
// the keys side by side in one buffer and a flat table of small slots,
// instead of a node and a string allocated for each.
//
//   FirstRows first;
//   auto [row, fresh] = first.Emplace("1499010010010001", 7);  // {7, true}
//   std::tie(row, fresh) = first.Emplace("1499010010010001", 9);  // {7, false}: row 7 held it
//
// Keys that come in ascending order (an office's export, sorted by its
// code) cannot repeat one before, and are only kept until one comes out of
// order; then every key so far is placed in the table by its hash, and the
// table answers from there on.
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
    if (ascending_) {
      if (entries_.empty() || key > KeyOf(entries_.back())) {
        Keep(key, row, Hash(key));
        return {row, true};
      }
      ascending_ = false;
      PlaceAll();
    }
    if ((entries_.size() + 1) * 2 > slots_.size()) Grow();
    const std::uint64_t hash = Hash(key);
    const std::uint32_t tag = TagOf(hash);
    for (size_t i = hash & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& slot = slots_[i];
      if (slot.entry == 0) {
        Keep(key, row, hash);
        slot = {tag, static_cast<std::uint32_t>(entries_.size())};
        return {row, true};
      }
      if (slot.tag == tag) {
        const Entry& entry = entries_[slot.entry - 1];
        if (KeyOf(entry) == key) return {entry.row, false};
      }
    }
  }
  size_t size() const { return entries_.size(); }
  // Starts bringing the slot `key` is looked up in into the cache, for an
  // Emplace of it a little later: a city's table is larger than the cache,
  // and a look-up would otherwise wait on memory for most of its time.
  void Prefetch(std::string_view key) const {
    if (!ascending_ && !slots_.empty()) __builtin_prefetch(&slots_[Hash(key) & (slots_.size() - 1)]);
  }

 private:
  struct Entry {
    size_t offset = 0;  // of the key in keys_
    std::uint32_t size = 0;
    int row = 0;
    std::uint64_t hash = 0;  // kept: the table grows without reading the keys again
  };
  // A slot holds its entry's number (1-based; 0: empty) and a part of its
  // hash, so a probe reads another key only when that part matches.
  struct Slot {
    std::uint32_t tag = 0;
    std::uint32_t entry = 0;
  };
  static std::uint64_t Hash(std::string_view key) { return std::hash<std::string_view>{}(key); }
  static std::uint32_t TagOf(std::uint64_t hash) { return static_cast<std::uint32_t>(hash >> 32); }
  std::string_view KeyOf(const Entry& entry) const {
    return std::string_view(keys_).substr(entry.offset, entry.size);
  }
  void Keep(std::string_view key, int row, std::uint64_t hash) {
    entries_.push_back({keys_.size(), static_cast<std::uint32_t>(key.size()), row, hash});
    keys_.append(key);
  }
  // Each entry in the first empty slot from its hash's.
  void Place(std::uint32_t number) {
    const std::uint64_t hash = entries_[number - 1].hash;
    size_t i = hash & (slots_.size() - 1);
    while (slots_[i].entry != 0) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = {TagOf(hash), number};
  }
  void PlaceAll() {
    size_t size = 1024;
    while (size < (entries_.size() + 1) * 2) size *= 2;
    slots_.assign(size, Slot{});
    for (std::uint32_t number = 1; number <= entries_.size(); ++number) Place(number);
  }
  // Twice the slots (at most half of them used, so a probe is short).
  void Grow() {
    slots_.assign(slots_.empty() ? 1024 : slots_.size() * 2, Slot{});
    for (std::uint32_t number = 1; number <= entries_.size(); ++number) Place(number);
  }
  bool ascending_ = true;  // every key so far came after the one before
  std::vector<Entry> entries_;
  std::vector<Slot> slots_;
  std::string keys_;
};

}  // namespace lianxin
