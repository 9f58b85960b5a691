// The journal's hash chain: each entry's hash covers the previous entry's
// hash and every field of its own, so changing, removing or reordering any
// entry breaks every hash after it.
#pragma once

#include <string>

#include "lianxin/store.hpp"

namespace lianxin {

inline constexpr size_t kJournalHashSize = 32;

// BLAKE2b-256 over prev_hash and the length-prefixed fields of `entry`.
std::string JournalHash(const std::string& prev_hash, const JournalEntry& entry);

// The chain's anchor: the prev_hash of the first entry (32 zero bytes).
const std::string& JournalGenesis();

}  // namespace lianxin
