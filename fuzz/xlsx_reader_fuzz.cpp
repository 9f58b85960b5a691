// Feeds arbitrary bytes to the XLSX reader and reads every row: it must end
// with rows or an error, never a crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lianxin/table_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto reader = lianxin::OpenXlsx(std::string(reinterpret_cast<const char*>(data), size));
  if (!reader.ok()) return 0;
  lianxin::TableRow row;
  while (true) {
    lianxin::Result<bool> more = (*reader)->Next(row);
    if (!more.ok() || !*more) break;
    // Blank rows are skipped and trailing empty cells dropped.
    if (row.number < 1 || row.cells.empty() || row.cells.back().empty()) __builtin_trap();
  }
  return 0;
}
