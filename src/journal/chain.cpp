#include "journal/chain.hpp"

#include <sodium.h>

namespace lianxin {

namespace {
void Absorb(crypto_generichash_state& state, std::string_view field) {
  // Length prefixes keep ("ab","c") and ("a","bc") from hashing alike.
  std::uint64_t size = field.size();
  unsigned char prefix[8];
  for (int i = 0; i < 8; ++i) prefix[i] = static_cast<unsigned char>(size >> (8 * i));
  crypto_generichash_update(&state, prefix, sizeof prefix);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(field.data()), field.size());
}
}  // namespace

std::string JournalHash(const std::string& prev_hash, const JournalEntry& entry) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kJournalHashSize);
  Absorb(state, prev_hash);
  Absorb(state, std::to_string(entry.seq));
  Absorb(state, std::to_string(entry.at_millis));
  Absorb(state, entry.actor);
  Absorb(state, entry.action);
  Absorb(state, entry.entity);
  Absorb(state, entry.key);
  Absorb(state, entry.before);
  Absorb(state, entry.after);
  std::string out(kJournalHashSize, '\0');
  crypto_generichash_final(&state, reinterpret_cast<unsigned char*>(out.data()), out.size());
  return out;
}

const std::string& JournalGenesis() {
  static const std::string kGenesis(kJournalHashSize, '\0');
  return kGenesis;
}

}  // namespace lianxin
