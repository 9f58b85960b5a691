// Feeds arbitrary bytes to the CSV reader and reads every row: it must end
// with rows or an error, never a crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lianxin/table_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto reader = lianxin::OpenCsv(std::string(reinterpret_cast<const char*>(data), size));
  if (!reader.ok()) return 0;
  lianxin::TableRow row;
  int last = 0;
  while (true) {
    lianxin::Result<bool> more = (*reader)->Next(row);
    if (!more.ok() || !*more) break;
    // Rows come out in order, numbered from 1, never blank.
    if (row.number <= last || row.cells.empty() || row.cells.back().empty()) __builtin_trap();
    last = row.number;
  }
  return 0;
}
