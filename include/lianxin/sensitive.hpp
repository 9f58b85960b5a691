// Personal data that must never leak: ID numbers and phone numbers.
//
// A `Sensitive` value masks itself wherever it is printed or serialised
// (operator<<, `Masked()`, JSON through to_json). The plaintext is reachable
// only through `Reveal()`, which reads as what it is at every call site.
//
//   IdNumber id("110101199003074514");
//   std::cout << id;          // 110101********4514
//   store.Encrypt(id.Reveal());
#pragma once

#include <ostream>
#include <string>
#include <utility>

namespace lianxin {

enum class SensitiveKind { kIdNumber, kPhone };

template <SensitiveKind K>
class Sensitive {
 public:
  Sensitive() = default;
  explicit Sensitive(std::string plain) : plain_(std::move(plain)) {}

  const std::string& Reveal() const { return plain_; }
  bool empty() const { return plain_.empty(); }
  std::string Masked() const;

  bool operator==(const Sensitive& other) const = default;

 private:
  std::string plain_;
};

using IdNumber = Sensitive<SensitiveKind::kIdNumber>;
using Phone = Sensitive<SensitiveKind::kPhone>;

// ID numbers keep the 6-digit region and the last 4 (110101********4514);
// phones keep the first 3 and last 4 (138****5678); a short value keeps only
// its last character.
std::string MaskIdNumber(const std::string& plain);
std::string MaskPhone(const std::string& plain);

template <>
inline std::string Sensitive<SensitiveKind::kIdNumber>::Masked() const {
  return MaskIdNumber(plain_);
}
template <>
inline std::string Sensitive<SensitiveKind::kPhone>::Masked() const {
  return MaskPhone(plain_);
}

template <SensitiveKind K>
std::ostream& operator<<(std::ostream& out, const Sensitive<K>& value) {
  return out << value.Masked();
}

// JSON (nlohmann::json finds this by argument-dependent lookup) gets the
// masked form too; there is deliberately no from_json that could round-trip.
template <typename Json, SensitiveKind K>
void to_json(Json& json, const Sensitive<K>& value) {
  json = value.Masked();
}

}  // namespace lianxin
