#include "registry/columns.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "lianxin/validate.hpp"

namespace lianxin {

namespace {
// Columns of every kind, in file order; the natural key first.
const std::vector<ColumnSpec> kRegionColumns = {
    {"code", "区划代码", {"行政区划代码", "统计用区划代码", "代码"}, true, false, "149901001001"},
    {"name", "名称", {"区划名称", "村名", "乡镇名称"}, true, false, "东岭村"},
    {"level", "级别", {"层级", "区划级别"}, false, false, "村"},
    {"parent_code", "上级代码", {"上级区划代码", "上级"}, false, false, "149901001000"},
};
const std::vector<ColumnSpec> kUnitColumns = {
    {"code", "单位代码", {"代码", "单位编号"}, true, false, "149901U001"},
    {"name", "单位名称", {"名称", "单位"}, true, false, "县委组织部"},
    {"county_code", "所属县", {"所属县代码", "县代码"}, false, false, "149901"},
    {"staff", "编制人数", {"人数", "编制", "在编人数"}, true, false, "45"},
    {"strength", "单位实力", {"实力"}, false, false, "强"},
};
const std::vector<ColumnSpec> kOrgColumns = {
    {"code", "组织代码", {"代码", "党组织代码", "组织编号"}, true, false, "149901001001B"},
    {"name", "组织名称", {"名称", "党组织名称"}, true, false, "东岭村党支部"},
    {"kind", "组织类型", {"类型", "党组织类型"}, true, false, "村党支部"},
    {"region_code", "所在区划", {"所在村", "区划代码", "所在地"}, true, false, "149901001001"},
    {"rating", "评定等次", {"等次", "评定等级", "星级评定"}, false, false, "一般"},
};
const std::vector<ColumnSpec> kCadreColumns = {
    {"code", "干部编号", {"编号", "干部代码"}, true, false, "149901C00001"},
    {"name", "姓名", {"干部姓名"}, true, false, "王建华"},
    {"gender", "性别", {}, false, false, "男"},
    {"id_number", "身份证号", {"身份证号码", "公民身份号码", "身份证"}, false, false, "149901198203150017"},
    {"phone",
     "手机号",
     {"联系电话", "电话", "手机", "手机号码", "联系方式", "联系电话号码"},
     false,
     false,
     "13803550001"},
    {"unit_code", "所在单位", {"单位代码", "单位"}, false, false, "149901U001"},
    {"village_code", "所在村", {"村代码"}, false, false, ""},
    {"rank", "职级", {"级别", "职务级别"}, true, false, "副科级"},
    {"education", "文化程度", {"学历"}, false, false, "本科"},
    {"skills", "特长", {"专长", "技能特长"}, false, false, "政策、宣讲"},
    {"title", "职务", {}, false, false, "副部长"},
    {"unit_head", "单位一把手", {"是否一把手", "一把手"}, false, false, "否"},
};
const std::vector<ColumnSpec> kHouseholdColumns = {
    {"code", "户编号", {"户号", "户码"}, true, false, "1499010010010001"},
    {"village_code", "所属村", {"村代码", "所在村"}, true, false, "149901001001"},
    {"head_name", "户主姓名", {"户主", "户主名"}, true, false, "李秀英"},
    {"head_id_number",
     "户主身份证号",
     {"户主身份证号码", "户主公民身份号码", "身份证号", "身份证号码", "公民身份号码", "身份证"},
     false,
     false,
     "149901196505120028"},
    {"phone",
     "联系电话",
     {"电话", "手机号", "手机", "手机号码", "联系方式", "联系电话号码", "户主电话"},
     false,
     false,
     "13903550002"},
    {"size", "家庭人口", {"人口数", "家庭人数", "人口", "家庭人口数", "家庭成员数"}, true, false, "4"},
    {"income_per_capita", "人均纯收入", {"人均收入", "家庭人均纯收入"}, true, false, "5200"},
    {"housing", "住房状况", {"住房", "住房情况", "住房安全"}, false, false, "一般"},
    {"land_mu", "耕地面积", {"耕地", "耕地面积(亩)"}, false, false, "3.5"},
    {"needs",
     "需求",
     {"需求标签", "困难类型", "主要需求", "困难与需求"},
     false,
     false,
     "低收入、技能培训意愿"},
    {"address", "地址", {"住址", "家庭住址", "家庭地址", "详细地址"}, false, false, "东岭村12号"},
    {"difficulty", "富裕难度分", {}, false, true, ""},
    {"tier", "富裕难度", {"难度等级"}, false, true, ""},
};
const std::vector<ColumnSpec> kMemberColumns = {
    {"id_number", "身份证号", {"身份证号码", "公民身份号码", "身份证"}, true, false, "149901196505120028"},
    {"household_code", "户编号", {"户号", "户码"}, true, false, "1499010010010001"},
    {"name", "姓名", {}, true, false, "李秀英"},
    {"relation", "与户主关系", {"关系"}, true, false, "户主"},
    {"birth_date", "出生日期", {"出生年月", "出生年月日"}, false, false, "1965-05-12"},
    {"gender", "性别", {}, false, false, "女"},
    {"education", "文化程度", {"学历"}, false, false, "小学"},
    {"labour", "劳动能力", {"劳动力状况"}, false, false, "普通劳动力"},
    {"health", "健康状况", {"健康"}, false, false, "健康"},
    {"disability", "残疾情况", {"残疾类别"}, false, false, ""},
    // Import only (exported empty): the household a member leaves, which a
    // row must name to move a member (registry_io.hpp).
    {"from_household_code", "原户编号", {"迁出户编号", "原户号"}, false, false, ""},
};

template <typename T>
std::string Shown(const T& value, bool reveal) {
  return reveal ? value.Reveal() : value.Masked();
}
}  // namespace

const std::vector<ColumnSpec>& Columns(RecordKind kind) {
  // In RecordKind order.
  static const std::vector<ColumnSpec>* const kByKind[] = {
      &kRegionColumns, &kUnitColumns, &kOrgColumns, &kCadreColumns, &kHouseholdColumns, &kMemberColumns};
  return *kByKind[static_cast<size_t>(kind)];
}

std::string HeaderKey(std::string_view header) {
  std::string out;
  // Drop a bracketed hint at the end: 身份证号(18位), 耕地面积（亩）.
  for (std::string_view open : {"(", "（", "["}) {
    size_t at = header.find(open);
    if (at != std::string_view::npos && at > 0) header = header.substr(0, at);
  }
  for (size_t i = 0; i < header.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(header[i]);
    if (c == ' ' || c == '\t' || c == '*') continue;
    if (header.substr(i, 3) == "＊" || header.substr(i, 3) == "\u3000") {
      i += 2;
      continue;
    }
    out.push_back(c < 0x80 ? static_cast<char>(std::tolower(c)) : static_cast<char>(c));
  }
  return out;
}

bool DigitsColumn(std::string_view field) {
  return field == "code" || field.ends_with("_code") || field.ends_with("id_number");
}

namespace {
// Code points of UTF-8 text (a malformed byte counts as one).
std::vector<char32_t> CodePoints(std::string_view text) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n = c < 0x80 ? 1 : c >> 5 == 0x6 ? 2 : c >> 4 == 0xE ? 3 : c >> 3 == 0x1E ? 4 : 1;
    if (i + n > text.size()) n = 1;
    char32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

size_t EditDistance(const std::vector<char32_t>& a, const std::vector<char32_t>& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string ClosestHeader(RecordKind kind, std::string_view header) {
  std::vector<char32_t> wanted = CodePoints(HeaderKey(header));
  if (wanted.empty()) return {};
  std::string best;
  size_t best_distance = SIZE_MAX;
  for (const ColumnSpec& column : Columns(kind)) {
    if (column.computed) continue;
    std::vector<std::string_view> names = {column.header, column.field};
    names.insert(names.end(), column.aliases.begin(), column.aliases.end());
    for (std::string_view name : names) {
      std::vector<char32_t> known = CodePoints(HeaderKey(name));
      size_t distance = EditDistance(wanted, known);
      // Close: a third of the longer name may differ (one character of a
      // Chinese header of three), or one name holds the other whole.
      size_t longer = std::max(wanted.size(), known.size());
      bool close = distance * 3 <= longer ||
                   (known.size() >= 2 && HeaderKey(header).find(HeaderKey(name)) != std::string::npos) ||
                   (wanted.size() >= 2 && HeaderKey(name).find(HeaderKey(header)) != std::string::npos);
      if (close && distance < best_distance) {
        best_distance = distance;
        best = std::string(column.header);
      }
    }
  }
  return best;
}

std::string DecimalText(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::string("0");
}

std::vector<std::string> Cells(const Region& r, bool) {
  return {r.code, r.name, std::string(Label(r.level)), r.parent_code};
}
std::vector<std::string> Cells(const Unit& u, bool) {
  return {u.code, u.name, u.county_code, std::to_string(u.staff), std::string(Label(u.strength))};
}
std::vector<std::string> Cells(const Org& o, bool) {
  return {o.code, o.name, std::string(Label(o.kind)), o.region_code, std::string(Label(o.rating))};
}
std::vector<std::string> Cells(const Cadre& c, bool reveal) {
  return {c.code,
          c.name,
          c.gender == Gender::kUnknown ? std::string() : std::string(Label(c.gender)),
          Shown(c.id_number, reveal),
          Shown(c.phone, reveal),
          c.unit_code,
          c.village_code,
          std::string(Label(c.rank)),
          std::string(Label(c.education)),
          JoinList(c.skills),
          c.title,
          c.unit_head ? "是" : "否"};
}
std::vector<std::string> Cells(const Household& h, bool reveal) {
  return {h.code,
          h.village_code,
          h.head_name,
          Shown(h.head_id_number, reveal),
          Shown(h.phone, reveal),
          std::to_string(h.size),
          std::to_string(h.income_per_capita),
          std::string(Label(h.housing)),
          DecimalText(h.land_mu),
          JoinList(h.needs),
          h.address,
          DecimalText(h.difficulty),
          std::string(Label(h.tier))};
}
std::vector<std::string> Cells(const Member& m, bool reveal) {
  return {Shown(m.id_number, reveal),
          m.household_code,
          m.name,
          m.relation,
          m.birth_date,
          m.gender == Gender::kUnknown ? std::string() : std::string(Label(m.gender)),
          std::string(Label(m.education)),
          std::string(Label(m.labour)),
          std::string(Label(m.health)),
          m.disability,
          ""};
}

}  // namespace lianxin
