// Encryption at rest for sensitive fields (ID numbers, phones).
//
// One 32-byte master key lives in a key file outside the database (hex, mode
// 0600, created on first use). From it libsodium's KDF derives an AEAD key
// (XChaCha20-Poly1305, the column name and the row's key bound in as
// associated data — `Binding` — so a ciphertext cannot be moved to another
// column or another row) and a BLAKE2b key for the
// blind index, a keyed hash that finds a record by exact value without the
// value being stored.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "lianxin/status.hpp"

namespace lianxin {

class FieldCipher {
 public:
  static constexpr size_t kBlindIndexSize = 16;

  // Loads the key file, creating it (mode 0600, never overwriting) when
  // missing and `create` is set. A key file readable by group or others is
  // refused, as is one of the wrong length.
  static Result<FieldCipher> FromKeyFile(const std::string& path, bool create);

  // The associated data that binds a field to its column ("households.phone")
  // and its row (the record's natural key, as the journal names it).
  static std::string Binding(std::string_view column, std::string_view row_key);
  // The same, written over `out` (a buffer kept for many rows).
  static void Binding(std::string& out, std::string_view column, std::string_view row_key);

  // nonce ‖ ciphertext ‖ tag, bound to `binding` (see Binding; databases
  // before schema 5 bound the column name alone). Threads may share it: the
  // nonce counter is taken atomically (a load seals on two).
  std::string Encrypt(std::string_view plain, std::string_view binding) const;
  // kInternal when the ciphertext was altered or belongs to another column,
  // row or key.
  Result<std::string> Decrypt(std::string_view sealed, std::string_view binding) const;
  // Deterministic for (domain, value): "id" and "phone" indexes never collide.
  std::string BlindIndex(std::string_view domain, std::string_view plain) const;

 private:
  std::array<unsigned char, 32> aead_key_{};
  std::array<unsigned char, 32> index_key_{};
  // Nonces are a random 16-byte prefix drawn once per instance and a 64-bit
  // counter: unique without a system call per encryption.
  std::array<unsigned char, 16> nonce_prefix_{};
  // XChaCha20's subkey for every nonce this instance makes, HChaCha20 of
  // the key and the prefix they share: derived once instead of per field
  // (the ciphertext is the same, and opens by the nonce it carries).
  std::array<unsigned char, 32> prefix_key_{};
  alignas(std::atomic_ref<std::uint64_t>::required_alignment) mutable std::uint64_t nonce_counter_ = 0;
};

// Lower-case hex of bytes.
std::string ToHex(std::string_view bytes);
// The same, appended to `out`.
void AppendHex(std::string& out, std::string_view bytes);
// The same, written at `out`, which has room for twice the bytes; returns
// the end of what it wrote.
char* WriteHex(char* out, std::string_view bytes);

}  // namespace lianxin
