#include "lianxin/sensitive.hpp"

#include <cstddef>
#include <string_view>

namespace lianxin {

namespace {

// The length of the UTF-8 character starting at text[i]: a well-formed lead
// byte with its continuation bytes, or 1 for a stray byte, so masking never
// cuts a character in half (a half character would corrupt the log line).
std::size_t CharLength(std::string_view text, std::size_t i) {
  auto lead = static_cast<unsigned char>(text[i]);
  std::size_t n = lead < 0x80           ? 1
                  : (lead >> 5) == 0x6  ? 2
                  : (lead >> 4) == 0xE  ? 3
                  : (lead >> 3) == 0x1E ? 4
                                        : 1;
  if (n == 1 || i + n > text.size()) return 1;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

bool IsAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Keeps the first `head` and last `tail` characters and writes one '*' for
// each character between. A value with no more characters than are kept
// would leak whole, so it keeps only its last character.
std::string Mask(std::string_view plain, std::size_t head, std::size_t tail) {
  if (plain.empty()) return {};
  if (IsAscii(plain)) {
    // The common case (digits, X, '-'): bytes are characters.
    std::size_t n = plain.size();
    if (n <= head + tail) {
      head = 0;
      tail = 1;
    }
    std::string out(plain.substr(0, head));
    out.append(n - head - tail, '*');
    out.append(plain.substr(n - tail));
    return out;
  }
  // Character boundaries, so the kept parts are whole characters.
  std::size_t count = 0;
  for (std::size_t i = 0; i < plain.size(); i += CharLength(plain, i)) ++count;
  if (count <= head + tail) {
    head = 0;
    tail = 1;
  }
  std::string out;
  std::size_t index = 0;
  for (std::size_t i = 0; i < plain.size(); ++index) {
    std::size_t len = CharLength(plain, i);
    if (index < head || index >= count - tail) {
      out.append(plain.substr(i, len));
    } else {
      out.push_back('*');
    }
    i += len;
  }
  return out;
}

}  // namespace

// GB 11643: the first 6 digits are the registering region, public in any
// case; the birth date and sequence between them identify the person.
std::string MaskIdNumber(const std::string& plain) { return Mask(plain, 6, 4); }

// 138****5678: the carrier prefix and last 4, the form banks and 12345 use.
std::string MaskPhone(const std::string& plain) { return Mask(plain, 3, 4); }

}  // namespace lianxin
