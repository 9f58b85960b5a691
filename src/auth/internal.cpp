#include "auth/internal.hpp"

#include <sodium.h>

#include <vector>

namespace lianxin::auth_internal {

Status SodiumReady() {
  if (sodium_init() < 0) return Status::Internal("libsodium 初始化失败 (sodium_init)");
  return Status::Ok();
}

std::string RandomBase64Url(std::size_t bytes) {
  if (!SodiumReady().ok()) return {};
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes, kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(), kVariant);
  out.resize(out.size() - 1);  // the terminating NUL libsodium writes
  sodium_memzero(raw.data(), raw.size());
  return out;
}

void Wipe(std::string& secret) {
  if (!secret.empty()) sodium_memzero(secret.data(), secret.size());
  secret.clear();
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

bool UsernameWellFormed(std::string_view username) {
  if (username.size() < 3 || username.size() > 64) return false;
  auto alnum = [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'); };
  if (!alnum(username[0])) return false;
  for (char ch : username) {
    if (!alnum(ch) && ch != '.' && ch != '_' && ch != '-') return false;
  }
  return true;
}

}  // namespace lianxin::auth_internal
