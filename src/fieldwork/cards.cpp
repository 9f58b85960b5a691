#include "lianxin/cards.hpp"

#include <sodium.h>

#include <array>
#include <cctype>
#include <cstdlib>

namespace lianxin {

namespace {

// Crockford's base 32: digits and letters less I, L, O and U.
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

}  // namespace

std::string NewCardCode() {
  static_assert(kCardCodeBits == 5 * kCardCodeChars);
  // Idempotent and thread-safe; it seeds the generator on first use.
  if (sodium_init() < 0) std::abort();
  std::array<unsigned char, kCardCodeChars> draws{};
  // One uniform 5-bit symbol per byte: the low five bits of a random byte.
  randombytes_buf(draws.data(), draws.size());
  std::string code;
  for (unsigned char byte : draws) code += kAlphabet[byte & 31];
  return code;
}

std::string FormatCardCode(std::string_view normalized) {
  std::string out;
  for (size_t i = 0; i < normalized.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += '-';
    out += normalized[i];
  }
  return out;
}

std::optional<std::string> NormalizeCardCode(std::string_view typed) {
  std::string code;
  for (char raw : typed) {
    if (raw == '-' || raw == ' ') continue;
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (kAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    code += c;
    if (code.size() > kCardCodeChars) return std::nullopt;
  }
  if (code.size() != kCardCodeChars) return std::nullopt;
  return code;
}

}  // namespace lianxin
