// TOTP (RFC 6238) over HOTP (RFC 4226), with HMAC-SHA1 because that is what
// every authenticator app computes from an otpauth:// URI without an
// algorithm override; SHA-1's collision weakness does not touch HMAC.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <array>
#include <cstdio>

#include "auth/internal.hpp"
#include "lianxin/auth.hpp"

namespace lianxin {

namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// RFC 4226 §5.3: HMAC over the 8-byte big-endian counter, dynamic
// truncation to 31 bits, the low `digits` decimal digits.
std::string Hotp(std::string_view key, std::uint64_t counter, int digits) {
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_length = 0;
  if (HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), message.data(), message.size(), mac.data(),
           &mac_length) == nullptr ||
      mac_length != 20) {
    sodium_memzero(mac.data(), mac.size());
    return {};
  }
  std::size_t offset = mac[19] & 0x0F;
  std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7F) << 24) |
                         (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                         (static_cast<std::uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  sodium_memzero(mac.data(), mac.size());
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code(static_cast<std::size_t>(digits), '0');
  std::uint32_t value = binary % modulus;
  for (int i = digits - 1; i >= 0; --i) {
    code[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return code;
}

bool TotpParametersOk(std::string_view secret, int digits, int period_seconds) {
  return !secret.empty() && secret.size() <= 1024 && digits >= 6 && digits <= 8 && period_seconds > 0;
}

// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}

}  // namespace

std::string NewTotpSecret() {
  if (!auth_internal::SodiumReady().ok()) return {};
  std::string secret(20, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string Base32Encode(std::string_view bytes, bool padding) {
  std::string out;
  out.reserve((bytes.size() + 4) / 5 * 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char ch : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(ch);
    bits += 8;
    while (bits >= 5) {
      out += kBase32Alphabet[(buffer >> (bits - 5)) & 0x1F];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32Alphabet[(buffer << (5 - bits)) & 0x1F];
  if (padding) {
    while (out.size() % 8 != 0) out += '=';
  }
  sodium_memzero(&buffer, sizeof buffer);
  return out;
}

std::string TotpUri(std::string_view issuer, std::string_view account, std::string_view secret, int digits,
                    int period_seconds) {
  std::string encoded_secret = Base32Encode(secret, /*padding=*/false);
  std::string encoded_issuer = PercentEncode(issuer);
  std::string uri = "otpauth://totp/" + encoded_issuer + ":" + PercentEncode(account) +
                    "?secret=" + encoded_secret + "&issuer=" + encoded_issuer +
                    "&algorithm=SHA1&digits=" + std::to_string(digits) +
                    "&period=" + std::to_string(period_seconds);
  auth_internal::Wipe(encoded_secret);
  return uri;
}

std::string TotpCode(std::string_view secret, std::int64_t unix_seconds, int digits, int period_seconds) {
  if (!TotpParametersOk(secret, digits, period_seconds) || unix_seconds < 0) return {};
  return Hotp(secret, static_cast<std::uint64_t>(unix_seconds / period_seconds), digits);
}

bool VerifyTotp(std::string_view secret, std::string_view code, std::int64_t unix_seconds, int skew_steps,
                std::int64_t* last_used_step, int digits, int period_seconds) {
  if (!TotpParametersOk(secret, digits, period_seconds) || unix_seconds < 0 || skew_steps < 0 ||
      skew_steps > 10 || code.size() != static_cast<std::size_t>(digits)) {
    return false;
  }
  for (char ch : code) {
    if (ch < '0' || ch > '9') return false;
  }
  std::int64_t now_step = unix_seconds / period_seconds;
  std::int64_t matched = -1;
  // Every candidate step is computed and compared, whether or not an earlier
  // one matched, so the time taken does not say which step it was.
  for (std::int64_t step = now_step - skew_steps; step <= now_step + skew_steps; ++step) {
    if (step < 0) continue;
    std::string expected = Hotp(secret, static_cast<std::uint64_t>(step), digits);
    bool equal =
        expected.size() == code.size() && sodium_memcmp(expected.data(), code.data(), code.size()) == 0;
    auth_internal::Wipe(expected);
    bool replayed = last_used_step != nullptr && step <= *last_used_step;
    if (equal && !replayed && matched < 0) matched = step;
  }
  if (matched < 0) return false;
  if (last_used_step != nullptr) *last_used_step = matched;
  return true;
}

}  // namespace lianxin
