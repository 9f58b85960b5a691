// A new record's id: a letter saying what it is and 16 random hex digits,
// so it says nothing of who made it, when, or how many there are.
//
//   visit.id = NewRecordId('V');  // "V3f9c0a1b2d4e5f60"
#pragma once

#include <string>

namespace lianxin {

std::string NewRecordId(char prefix);

}  // namespace lianxin
