// Helpers shared by the io readers and writers; not part of the contract.
#pragma once

#include <string>
#include <string_view>

#include "lianxin/status.hpp"

namespace lianxin::io_internal {

// NormalizeCell on a string in place, without allocating when nothing changes
// (encoding.cpp).
void NormalizeCellInPlace(std::string& cell);
// Gb18030ToUtf8 into a caller's buffer; on failure `bad_offset` is the first
// undecodable byte (encoding.cpp).
Status Gb18030ToUtf8Into(std::string_view bytes, std::string& out, size_t& bad_offset);

// Writers put their output in a temporary file beside PATH and rename it into
// place only when complete, so a failed export never leaves half a file that
// looks like a whole one (csv.cpp).
Result<std::string> CreateTempBeside(const std::string& path, int& fd);
Status CommitTemp(const std::string& temp, const std::string& path);

}  // namespace lianxin::io_internal
