// Helpers shared by the files of src/auth. Private to src/auth; the contract
// is include/lianxin/auth.hpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "lianxin/status.hpp"

namespace lianxin::auth_internal {

// sodium_init is idempotent and thread-safe; every entry point that draws
// randomness or hashes calls this first.
Status SodiumReady();

// `bytes` random bytes as unpadded base64url (RFC 4648 §5): 32 bytes give 43
// characters, safe in a cookie, a header and a URL.
std::string RandomBase64Url(std::size_t bytes);

// Overwrites the characters of `secret` before it is freed or reused.
void Wipe(std::string& secret);

// ASCII lower case; other bytes unchanged.
std::string AsciiLower(std::string_view text);

// [a-z0-9][a-z0-9._-]{2,63}: the form CreateUser accepts.
bool UsernameWellFormed(std::string_view username);

}  // namespace lianxin::auth_internal
