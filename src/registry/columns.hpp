// The columns of each kind's spreadsheet: one table used by import (to find
// columns by header), export (to write them) and templates (an example row).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lianxin/registry.hpp"

namespace lianxin {

struct ColumnSpec {
  std::string_view field;                 // English name; also accepted as a header
  std::string_view header;                // the Chinese header we write
  std::vector<std::string_view> aliases;  // other headers offices use
  bool required = false;
  bool computed = false;     // exported for reading, ignored on import
  std::string_view example;  // for the template
};

const std::vector<ColumnSpec>& Columns(RecordKind kind);

// Header text as compared: spaces, required-markers (*) and a trailing
// bracketed hint (身份证号(18位)) removed; ASCII lower-cased.
std::string HeaderKey(std::string_view header);

// Whether FIELD holds a code or an ID number: digits that must stay text,
// which Excel silently rounds once the column is formatted as numbers.
bool DigitsColumn(std::string_view field);

// The known header of `kind` that `header` most likely meant (a typo, a word
// left out or added), or empty when none is close: for "column unknown"
// messages, so a misspelt column is named rather than silently dropped.
std::string ClosestHeader(RecordKind kind, std::string_view header);

// One record as export cells, in Columns(kind) order.
std::vector<std::string> Cells(const Region& r, bool reveal);
std::vector<std::string> Cells(const Unit& u, bool reveal);
std::vector<std::string> Cells(const Org& o, bool reveal);
std::vector<std::string> Cells(const Cadre& c, bool reveal);
std::vector<std::string> Cells(const Household& h, bool reveal);
std::vector<std::string> Cells(const Member& m, bool reveal);

// Shortest text that reads back as the same double.
std::string DecimalText(double value);

}  // namespace lianxin
