#include "crypto/random_id.hpp"

#include <sodium.h>

namespace lianxin {

std::string NewRecordId(char prefix) {
  unsigned char bytes[8];
  randombytes_buf(bytes, sizeof bytes);
  char hex[2 * sizeof bytes + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  std::string id(1, prefix);  // appended: GCC 12 -O3 warns falsely (-Wrestrict) on "I" + hex
  id.append(hex);
  return id;
}

}  // namespace lianxin
