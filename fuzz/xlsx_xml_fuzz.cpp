// Fuzzes the XLSX XML handling directly: the input (after one selector byte)
// becomes xl/worksheets/sheet1.xml or xl/sharedStrings.xml of a stored zip
// with valid CRCs, so mutations reach expat and the handlers.
#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "lianxin/table_io.hpp"

namespace {
void Put16(std::string& s, uint16_t v) {
  s.push_back(v & 0xFF);
  s.push_back(v >> 8);
}
void Put32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back((v >> (8 * i)) & 0xFF);
}
struct Entry {
  std::string name, data;
};
std::string StoredZip(const Entry* e, int n) {
  std::string out, cd;
  for (int i = 0; i < n; ++i) {
    uint32_t crc = crc32(0, reinterpret_cast<const Bytef*>(e[i].data.data()), e[i].data.size());
    uint32_t off = out.size();
    Put32(out, 0x04034b50);
    Put16(out, 20);
    Put16(out, 0);
    Put16(out, 0);
    Put16(out, 0);
    Put16(out, 0);
    Put32(out, crc);
    Put32(out, e[i].data.size());
    Put32(out, e[i].data.size());
    Put16(out, e[i].name.size());
    Put16(out, 0);
    out += e[i].name;
    out += e[i].data;
    Put32(cd, 0x02014b50);
    Put16(cd, 20);
    Put16(cd, 20);
    Put16(cd, 0);
    Put16(cd, 0);
    Put16(cd, 0);
    Put16(cd, 0);
    Put32(cd, crc);
    Put32(cd, e[i].data.size());
    Put32(cd, e[i].data.size());
    Put16(cd, e[i].name.size());
    Put16(cd, 0);
    Put16(cd, 0);
    Put16(cd, 0);
    Put16(cd, 0);
    Put32(cd, 0);
    Put32(cd, off);
    cd += e[i].name;
  }
  uint32_t cd_off = out.size();
  out += cd;
  Put32(out, 0x06054b50);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, n);
  Put16(out, n);
  Put32(out, cd.size());
  Put32(out, cd_off);
  Put16(out, 0);
  return out;
}
const char kSst[] =
    "<sst><si><r><t>张</t></r><r><t>三 </t></r><rPh><t>z</t></rPh></si><si><t>１</t></si></sst>";
const char kSheet[] =
    "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" "
    "t=\"s\"><v>1</v></c></row></sheetData></worksheet>";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string xml(reinterpret_cast<const char*>(data) + 1, size - 1);
  Entry e[2];
  if (data[0] & 1) {
    e[0] = {"xl/sharedStrings.xml", xml};
    e[1] = {"xl/worksheets/sheet1.xml", kSheet};
  } else {
    e[0] = {"xl/sharedStrings.xml", kSst};
    e[1] = {"xl/worksheets/sheet1.xml", xml};
  }
  auto reader = lianxin::OpenXlsx(StoredZip(e, 2));
  if (!reader.ok()) return 0;
  lianxin::TableRow row;
  while (true) {
    auto more = (*reader)->Next(row);
    if (!more.ok() || !*more) break;
    if (row.number < 1 || row.cells.empty() || row.cells.back().empty()) __builtin_trap();
  }
  return 0;
}
