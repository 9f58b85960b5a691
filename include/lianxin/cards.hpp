// The household's contact card code (连心卡, PRODUCT.md §3–4): what the card's
// QR code carries, and what a household types on the public page with its
// head's surname to reach its cadre, file an appeal and follow it.
//
// A code is 80 random bits written as 16 Crockford base-32 characters in
// four groups (7KQ2-M9XD-4HTB-0RWE): no I, L, O or U to misread, and on
// input O is read as 0 and I or L as 1, case and hyphens ignored. The store
// keeps only the code's blind index (FieldCipher::BlindIndex("card", code)),
// so a copy of the database cannot be used to file in a household's name.
//
//   std::string code = NewCardCode();           // print FormatCardCode(code)
//   std::optional<std::string> typed = NormalizeCardCode("7kq2 m9xd 4htb 0rwe");
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lianxin {

inline constexpr int kCardCodeBits = 80;
inline constexpr size_t kCardCodeChars = 16;

// A fresh code from the system's secure random source, normalised (16
// characters, no hyphens).
std::string NewCardCode();

// "7KQ2M9XD4HTB0RWE" → "7KQ2-M9XD-4HTB-0RWE".
std::string FormatCardCode(std::string_view normalized);

// The code as typed, normalised; nullopt when it cannot be a code (wrong
// length or a character outside the alphabet). Callers answer a malformed
// code exactly as a wrong one, so the answer says nothing about codes.
std::optional<std::string> NormalizeCardCode(std::string_view typed);

}  // namespace lianxin
