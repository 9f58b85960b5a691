#include "lianxin/validate.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/sensitive.hpp"

namespace lianxin {
namespace {

// The day the tests stand on; ID birth dates after it are refused.
constexpr Date kToday{2024, 3, 7};

// The English problem code at the end of a message: "… (id_checksum)".
std::string ProblemCode(const Status& status) {
  const std::string& m = status.message();
  std::size_t open = m.rfind(" (");
  if (open == std::string::npos || m.empty() || m.back() != ')') return {};
  return m.substr(open + 2, m.size() - open - 3);
}

// ---------------------------------------------------------------------------
// ID numbers

TEST(ValidateIdNumberTest, CheckCharacter) {
  // One body per check character, so every entry of GB 11643's table is used.
  struct Row {
    std::string_view first17;
    char check;
  };
  constexpr Row kRows[] = {
      {"14012119850610002", '0'},
      {"14012119850610007", '1'},
      {"14012119850610001", '2'},
      {"14012119850610006", '3'},
      {"14012119850610000", '4'},
      {"14012119850610005", '5'},
      {"14012119850610018", '6'},
      {"14012119850610004", '7'},
      {"14012119850610009", '8'},
      {"14012119850610003", '9'},
      {"14012119850610008", 'X'},
      // Independently known public samples.
      {"11010519491231002", 'X'},
      {"11010119900307451", '4'},
  };
  for (const Row& row : kRows) EXPECT_EQ(IdCheckCharacter(row.first17), row.check) << row.first17;
}

TEST(ValidateIdNumberTest, Valid) {
  struct Row {
    std::string_view input;
    std::string_view normalized;
    Date birth;
    Gender gender;
  };
  constexpr Row kRows[] = {
      // Widely published samples (GB 11643 examples and test data).
      {"11010519491231002X", "11010519491231002X", {1949, 12, 31}, Gender::kFemale},
      {"110101199003074514", "110101199003074514", {1990, 3, 7}, Gender::kMale},
      // A lower-case or full-width x is the same X.
      {"11010519491231002x", "11010519491231002X", {1949, 12, 31}, Gender::kFemale},
      {"11010519491231002Ｘ", "11010519491231002X", {1949, 12, 31}, Gender::kFemale},
      {" 110101199003074514\u3000", "110101199003074514", {1990, 3, 7}, Gender::kMale},
      // The demo county's prefix 149xxx, a leap day, the first day allowed, today.
      {"149001199001011235", "149001199001011235", {1990, 1, 1}, Gender::kMale},
      {"140527200002290019", "140527200002290019", {2000, 2, 29}, Gender::kMale},
      {"110101190001010014", "110101190001010014", {1900, 1, 1}, Gender::kMale},
      {"650101202403060023", "650101202403060023", {2024, 3, 6}, Gender::kFemale},
      {"140121198506100020", "140121198506100020", {1985, 6, 10}, Gender::kFemale},
      {"14012119850610008X", "14012119850610008X", {1985, 6, 10}, Gender::kFemale},
  };
  for (const Row& row : kRows) {
    Result<IdInfo> r = ParseIdNumber(row.input, kToday);
    ASSERT_TRUE(r.ok()) << row.input << ": " << r.status().ToString();
    EXPECT_EQ(r->normalized, row.normalized);
    EXPECT_EQ(r->birth_date, row.birth) << row.input;
    EXPECT_EQ(r->gender, row.gender) << row.input;
  }
}

TEST(ValidateIdNumberTest, ValidWithComputedCheckDigit) {
  // Every province code the header lists, and 14 9x xx.
  constexpr std::string_view kRegions[] = {"110101",
                                           "150102",
                                           "210102",
                                           "230102",
                                           "310101",
                                           "370102",
                                           "410102",
                                           "460105",
                                           "500101",
                                           "540102",
                                           "610102",
                                           "650102",
                                           "710000" /* 71 + not 0000 below */,
                                           "810001",
                                           "820001",
                                           "830001",
                                           "149001",
                                           "149999",
                                           "140527"};
  for (std::string_view region : kRegions) {
    std::string first17 = std::string(region) + "19800229123";
    if (region == "710000") first17 = "71000119800229123";
    std::string id = first17 + IdCheckCharacter(first17);
    Result<IdInfo> r = ParseIdNumber(id, kToday);
    ASSERT_TRUE(r.ok()) << id << ": " << r.status().ToString();
    EXPECT_EQ(r->normalized, id);
    EXPECT_EQ(r->birth_date, (Date{1980, 2, 29}));
    EXPECT_EQ(r->gender, Gender::kMale);
  }
}

TEST(ValidateIdNumberTest, Invalid) {
  struct Row {
    std::string_view input;
    std::string_view code;
    std::string_view message;  // exact when not empty
  };
  constexpr Row kRows[] = {
      // The check digit, with the expected one named.
      {"110101199003074515", "id_checksum", "身份证号 110101********4515 校验位错误,应为 4 (id_checksum)"},
      {"110105194912310021", "id_checksum", "身份证号 110105********0021 校验位错误,应为 X (id_checksum)"},
      {"14012119850610008x0", "id_length", ""},
      // Lengths, and the pre-1999 15-digit number.
      {"", "id_length", ""},
      {"11010519491231002", "id_length", "身份证号 110105*******1002 应为18位,实为 17 位 (id_length)"},
      {"1101011990030745144", "id_length", ""},
      {"110105491231002", "id_length",
       "身份证号 110105*****1002 是15位旧号码,请填写18位身份证号 (id_length)"},
      {"身份证号码一二三四五六七八九十", "id_length", ""},
      // Characters.
      {"11010119900307451A", "id_chars", ""},
      {"1101011990O3074514", "id_chars", ""},
      {"X10101199003074514", "id_chars", ""},
      {"110101 99003074514", "id_chars", ""},
      {"-10101199003074514", "id_chars", ""},
      // Regions: no such province, or a province with no county.
      {"000101199003074514", "id_region", ""},
      {"160101199003074514", "id_region", ""},
      {"990101199003074514", "id_region", ""},
      {"720101199003074514", "id_region", ""},
      {"110000199003074514", "id_region", "身份证号 110000********4514 的地区码 110000 无效 (id_region)"},
      // Birth dates: not a day, Feb 29 off a leap year (1900 is none), future, before 1900.
      {"110101199002304514", "id_birth_date", ""},
      {"110101202302290011", "id_birth_date",
       "身份证号 110101********0011 的出生日期不是有效日期 (id_birth_date)"},
      {"110101190002290011", "id_birth_date", ""},
      {"110101199013010011", "id_birth_date", ""},
      {"110101199000100011", "id_birth_date", ""},
      {"110101199001000011", "id_birth_date", ""},
      {"110101202403080011", "id_birth_date",
       "身份证号 110101********0011 的出生日期晚于今天 (id_birth_date)"},
      {"110101189912310011", "id_birth_date",
       "身份证号 110101********0011 的出生日期早于1900年 (id_birth_date)"},
  };
  for (const Row& row : kRows) {
    Result<IdInfo> r = ParseIdNumber(row.input, kToday);
    ASSERT_FALSE(r.ok()) << row.input;
    EXPECT_EQ(r.status().code(), Code::kInvalidInput);
    EXPECT_EQ(ProblemCode(r.status()), row.code) << row.input << ": " << r.status().message();
    if (!row.message.empty()) {
      EXPECT_EQ(r.status().message(), row.message);
    }
    // Never more than the masked form: the birth-date digits stay out of logs.
    if (row.input.size() == 18) {
      EXPECT_EQ(r.status().message().find(row.input.substr(6, 8)), std::string::npos) << r.status().message();
    }
  }
}

// ---------------------------------------------------------------------------
// Phones

TEST(ValidatePhoneTest, Valid) {
  struct Row {
    std::string_view input;
    std::string_view canonical;
  };
  constexpr Row kRows[] = {
      {"13812345678", "13812345678"},           {"19912345678", "19912345678"},
      {"+86 138 1234 5678", "13812345678"},     {"+8613812345678", "13812345678"},
      {"+86-138-1234-5678", "13812345678"},     {"8613812345678", "13812345678"},
      {"86 13812345678", "13812345678"},        {"138-1234-5678", "13812345678"},
      {" 138 1234 5678 ", "13812345678"},       {"0355-1234567", "0355-1234567"},
      {"03551234567", "0355-1234567"},          {"0355 1234567", "0355-1234567"},
      {"0355 - 1234567", "0355-1234567"},       {"0355－1234567", "0355-1234567"},
      {"0355-12345678", "0355-12345678"},       {"010-12345678", "010-12345678"},
      {"01012345678", "010-12345678"},          {"02112345678", "021-12345678"},
      {"010-12345678-123", "010-12345678-123"}, {"01012345678-123", "010-12345678-123"},
      {"0355-1234567-8", "0355-1234567-8"},
  };
  for (const Row& row : kRows) {
    Result<std::string> r = ParsePhone(row.input);
    ASSERT_TRUE(r.ok()) << row.input << ": " << r.status().ToString();
    EXPECT_EQ(*r, row.canonical) << row.input;
    // The canonical form reads back as itself.
    Result<std::string> again = ParsePhone(*r);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *r);
  }
}

TEST(ValidatePhoneTest, Invalid) {
  constexpr std::string_view kRows[] = {
      "",
      "-",
      "12345678901",           // no mobile range starts 12
      "10086",                 // a service number
      "1381234567",            // 10 digits
      "138123456789",          // 12 digits
      "+1 202 555 0123",       // not China
      "+86 0355 1234567",      // a landline after +86
      "0355-123456",           // local number too short
      "0355-123456789",        // too long
      "035-51234567",          // 035 is no area code; 4-digit codes are 0 + 3
      "0101-2345678",          // and 010 is a 3-digit one
      "00355-1234567",         // area codes do not start 00
      "0355123456712",         // an extension needs its hyphen
      "0355-1234567-1234567",  // extension too long
      "0355-1234567-12-3",     // too many parts
      "0355-123-4567",         // a split local number
      "138 1234 567a",
      "电话13812345678",
      "(0355)1234567",
      "400-123-4567",
      "１３８１２３４５６７８",  // full-width digits are the reader's job (NormalizeCell)
  };
  for (std::string_view input : kRows) {
    Result<std::string> r = ParsePhone(input);
    ASSERT_FALSE(r.ok()) << input << " gave " << *r;
    EXPECT_EQ(ProblemCode(r.status()), "phone_format") << r.status().message();
  }
  // The value is echoed masked only.
  Result<std::string> r = ParsePhone("1381234567");
  EXPECT_EQ(r.status().message(),
            "无法识别的电话号码“138***4567”,应为11位手机号或带区号的固定电话,如 13812345678、0355-1234567 "
            "(phone_format)");
}

// ---------------------------------------------------------------------------
// Region codes

TEST(ValidateRegionCodeTest, ParseByLevel) {
  struct Row {
    std::string_view input;
    RegionLevel level;
    std::string_view result_or_code;  // the code on success, else the problem code
    bool ok;
  };
  constexpr Row kRows[] = {
      {"140527", RegionLevel::kCounty, "140527", true},
      {"149001", RegionLevel::kCounty, "149001", true},
      {" 140527 ", RegionLevel::kCounty, "140527", true},
      {"140527104000", RegionLevel::kTownship, "140527104000", true},
      {"140527104213", RegionLevel::kVillage, "140527104213", true},
      {"140527104213001", RegionLevel::kGrid, "140527104213001", true},
      {"14052", RegionLevel::kCounty, "region_code_format", false},
      {"14052a", RegionLevel::kCounty, "region_code_format", false},
      {"", RegionLevel::kCounty, "region_code_format", false},
      {"1405271042130", RegionLevel::kVillage, "region_code_format", false},
      {"140527", RegionLevel::kTownship, "region_code_level", false},
      {"140527104000", RegionLevel::kVillage, "region_code_level", false},
      {"140527104213", RegionLevel::kTownship, "region_code_level", false},
      {"140527104213", RegionLevel::kCounty, "region_code_level", false},
      {"140527000000", RegionLevel::kTownship, "region_code_level", false},  // the county in 12 digits
      {"140527104000001", RegionLevel::kGrid, "region_code_level", false},   // a grid under a township
      {"140527104213001", RegionLevel::kVillage, "region_code_level", false},
  };
  for (const Row& row : kRows) {
    Result<std::string> r = ParseRegionCode(row.input, row.level);
    ASSERT_EQ(r.ok(), row.ok) << row.input << ": " << r.status().ToString();
    if (row.ok) {
      EXPECT_EQ(*r, row.result_or_code);
    } else {
      EXPECT_EQ(ProblemCode(r.status()), row.result_or_code) << r.status().message();
    }
  }
  EXPECT_EQ(ParseRegionCode("140527104213", RegionLevel::kTownship).status().message(),
            "区划代码“140527104213”是村级代码,此处应为乡镇级 (region_code_level)");
}

TEST(ValidateRegionCodeTest, LevelOfCode) {
  struct Row {
    std::string_view code;
    bool ok;
    RegionLevel level;
  };
  constexpr Row kRows[] = {
      {"140527", true, RegionLevel::kCounty},
      {"140527104000", true, RegionLevel::kTownship},
      {"140527104213", true, RegionLevel::kVillage},
      {"140527104213001", true, RegionLevel::kGrid},
      {"1405271", false, {}},
      {"140527000000", false, {}},
      {"140527104000001", false, {}},
      {"14052710421300a", false, {}},
  };
  for (const Row& row : kRows) {
    Result<RegionLevel> r = RegionLevelOfCode(row.code);
    ASSERT_EQ(r.ok(), row.ok) << row.code;
    if (row.ok) {
      EXPECT_EQ(*r, row.level) << row.code;
    } else {
      EXPECT_EQ(ProblemCode(r.status()), "region_code_format");
    }
  }
}

TEST(ValidateRegionCodeTest, Parent) {
  struct Row {
    std::string_view child;
    RegionLevel level;
    std::string_view parent;
    std::string_view code;  // empty when the parent is right
  };
  constexpr Row kRows[] = {
      {"140527104000", RegionLevel::kTownship, "140527", ""},
      {"140527104000", RegionLevel::kTownship, "140528", "region_parent"},
      {"140527104213", RegionLevel::kVillage, "140527104000", ""},
      {"140527104213", RegionLevel::kVillage, "140527105000", "region_parent"},
      {"140527104213", RegionLevel::kVillage, "140528104000", "region_parent"},
      {"140527104213001", RegionLevel::kGrid, "140527104213", ""},
      {"140527104213001", RegionLevel::kGrid, "140527104214", "region_parent"},
      {"140527", RegionLevel::kCounty, "", "region_parent"},
      {"140527104213", RegionLevel::kVillage, "140527", "region_code_level"},  // skips the township
      {"140527104213", RegionLevel::kTownship, "140527", "region_code_level"},
  };
  for (const Row& row : kRows) {
    Status s = CheckRegionParent(row.child, row.level, row.parent);
    EXPECT_EQ(s.ok(), row.code.empty()) << row.child << " under " << row.parent << ": " << s.ToString();
    EXPECT_EQ(ProblemCode(s), row.code) << s.message();
  }
  EXPECT_EQ(CheckRegionParent("140527104213", RegionLevel::kVillage, "140527105000").message(),
            "区划代码 140527104213 不在上级乡镇 140527105000 之下:前9位应相同 (region_parent)");
}

// ---------------------------------------------------------------------------
// Dates

TEST(ValidateDateTest, Valid) {
  struct Row {
    std::string_view input;
    Date date;
  };
  constexpr Row kRows[] = {
      {"2024-03-07", {2024, 3, 7}},
      {"2024/3/7", {2024, 3, 7}},
      {"2024.3.7", {2024, 3, 7}},
      {"2024年3月7日", {2024, 3, 7}},
      {"2024年03月07日", {2024, 3, 7}},
      {"2024年3月7号", {2024, 3, 7}},
      {"2024年3月7", {2024, 3, 7}},
      {"20240307", {2024, 3, 7}},
      {" 2024-03-07 ", {2024, 3, 7}},
      {"2024-03-07 10:30", {2024, 3, 7}},
      {"2024/3/7 8:05:59", {2024, 3, 7}},
      {"2024-03-07T10:30:00", {2024, 3, 7}},
      {"2000-02-29", {2000, 2, 29}},
      {"1900-01-01", {1900, 1, 1}},
      {"2100-12-31", {2100, 12, 31}},
      // Excel serials, 1900 system.
      {"45358", {2024, 3, 7}},
      {"45358.75", {2024, 3, 7}},  // a datetime: the date part
      {"1", {1900, 1, 1}},
      {"59", {1900, 2, 28}},
      {"61", {1900, 3, 1}},
      {"25569", {1970, 1, 1}},
      {"36526", {2000, 1, 1}},
      {"73415", {2100, 12, 31}},
  };
  for (const Row& row : kRows) {
    Result<Date> r = ParseDate(row.input);
    ASSERT_TRUE(r.ok()) << row.input << ": " << r.status().ToString();
    EXPECT_EQ(*r, row.date) << row.input;
  }
}

TEST(ValidateDateTest, Invalid) {
  constexpr std::string_view kRows[] = {
      "",
      "abc",
      "2024-02-30",
      "2023-02-29",  // not a leap year
      "1900-02-29",  // nor is 1900
      "2024-13-01",
      "2024-00-10",
      "2024-03-00",
      "2024-03-32",
      "1899-12-31",
      "2101-01-01",
      "2024-03",
      "2024-3/7",  // mixed separators
      "24-3-7",
      "2024-003-07",
      "2024-03-07x",
      "2024-03-07 25:00",
      "2024-03-07 10:60",
      "2024年3月",
      "20240230",
      "202403071",
      "0",
      "60",       // Excel's 1900-02-29, which never was
      "73416",    // 2101-01-01
      "2958465",  // 9999-12-31: a serial, but beyond 2100
      "2958466",
      "2024",    // a year alone, not the serial of a day in 1905
      "2024.3",  // a year and month
      "45358.",
      ".5",
      "-1",
      "1e5",
      "4.5358E4",
  };
  for (std::string_view input : kRows) {
    Result<Date> r = ParseDate(input);
    ASSERT_FALSE(r.ok()) << input << " gave " << r->ToString();
    EXPECT_EQ(ProblemCode(r.status()), "date_format") << r.status().message();
  }
  EXPECT_EQ(ParseDate("2023-02-29").status().message(), "日期“2023-02-29”不存在 (date_format)");
  EXPECT_EQ(ParseDate("60").status().message(), "Excel 日期序号“60”对应不存在的 1900-02-29 (date_format)");
  EXPECT_EQ(ParseDate("1899-12-31").status().message(),
            "日期“1899-12-31”的年份应在 1900–2100 之间 (date_format)");
}

TEST(ValidateDateTest, ToString) {
  struct Row {
    Date date;
    std::string_view text;
  };
  constexpr Row kRows[] = {
      {{2024, 3, 7}, "2024-03-07"}, {{1900, 1, 1}, "1900-01-01"}, {{2100, 12, 31}, "2100-12-31"}};
  for (const Row& row : kRows) {
    EXPECT_EQ(row.date.ToString(), row.text);
    EXPECT_EQ(*ParseDate(row.text), row.date);
  }
  EXPECT_LT((Date{2024, 3, 6}), (Date{2024, 3, 7}));
  EXPECT_LT((Date{2023, 12, 31}), (Date{2024, 1, 1}));
}

// ---------------------------------------------------------------------------
// Yes / no

TEST(ValidateYesNoTest, Values) {
  struct Row {
    std::string_view input;
    bool value;
  };
  constexpr Row kRows[] = {{"是", true},  {"否", false}, {"Y", true},    {"n", false},
                           {"1", true},   {"0", false},  {"TRUE", true}, {"false", false},
                           {"yes", true}, {"No", false}, {"", false},    {" 是 ", true}};
  for (const Row& row : kRows) {
    Result<bool> r = ParseYesNo(row.input);
    ASSERT_TRUE(r.ok()) << row.input;
    EXPECT_EQ(*r, row.value) << row.input;
  }
  Result<bool> r = ParseYesNo("也许");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "无法识别的是否值“也许”,可填:是、否 (enum_value)");
}

// ---------------------------------------------------------------------------
// Numbers

TEST(ValidateNumberTest, Integers) {
  struct Row {
    std::string_view input;
    long long expected;
  };
  constexpr Row kRows[] = {
      {"3", 3},
      {"3.0", 3},
      {"3.00元", 3},
      {"007", 7},
      {"0", 0},
      {"-12", -12},
      {"+7", 7},
      {"1,234", 1234},
      {"1，234", 1234},
      {"1,234,567", 1234567},
      {"1234元", 1234},
      {"1234 元", 1234},
      {"1.5万元", 15000},
      {"2万", 20000},
      {"0.0001万元", 1},
      {"5人", 5},
      {"4口", 4},
      {"3户", 3},
      {"12亩", 12},
      {"9223372036854775807", 9223372036854775807LL},
      {"-9223372036854775808", -9223372036854775807LL - 1},
  };
  for (const Row& row : kRows) {
    Result<long long> r = ParseInteger(row.input, LLONG_MIN, LLONG_MAX);
    ASSERT_TRUE(r.ok()) << row.input << ": " << r.status().ToString();
    EXPECT_EQ(*r, row.expected) << row.input;
  }
}

TEST(ValidateNumberTest, BadIntegers) {
  struct Row {
    std::string_view input;
    long long min, max;
    std::string_view code;
  };
  constexpr Row kRows[] = {
      {"", 0, 100, "number_format"},
      {"abc", 0, 100, "number_format"},
      {"3.5", 0, 100, "number_format"},
      {"0.00001万元", 0, 100, "number_format"},  // 0.1 yuan
      {"1,5", 0, 100, "number_format"},          // a European decimal comma, not fifteen
      {"12,34", 0, 10000, "number_format"},
      {"1,2345", 0, 100000, "number_format"},
      {"1234,567", 0, 10000000, "number_format"},
      {",123", 0, 1000, "number_format"},
      {"123,", 0, 1000, "number_format"},
      {"1e5", 0, 1000000, "number_format"},
      {"nan", 0, 100, "number_format"},
      {"inf", 0, 100, "number_format"},
      {"0x10", 0, 100, "number_format"},
      {"1.2.3", 0, 100, "number_format"},
      {"--1", -100, 100, "number_format"},
      {"-", -100, 100, "number_format"},
      {"元", 0, 100, "number_format"},
      {"3元元", 0, 100, "number_format"},
      {"三", 0, 100, "number_format"},
      {"9223372036854775808", LLONG_MIN, LLONG_MAX, "number_range"},
      {"-9223372036854775809", LLONG_MIN, LLONG_MAX, "number_range"},
      {"99999999999999999999999999", LLONG_MIN, LLONG_MAX, "number_range"},
      {"101", 0, 100, "number_range"},
      {"-1", 0, 100, "number_range"},
  };
  for (const Row& row : kRows) {
    Result<long long> r = ParseInteger(row.input, row.min, row.max);
    ASSERT_FALSE(r.ok()) << row.input << " gave " << *r;
    EXPECT_EQ(ProblemCode(r.status()), row.code) << row.input << ": " << r.status().message();
  }
  EXPECT_EQ(ParseInteger("101", 0, 100).status().message(), "数值 101 超出范围 [0, 100] (number_range)");
  EXPECT_EQ(ParseInteger("1.5万元", 0, 10000).status().message(),
            "数值 1.5万元 超出范围 [0, 10000] (number_range)");
}

TEST(ValidateNumberTest, Decimals) {
  struct Row {
    std::string_view input;
    double expected;
  };
  constexpr Row kRows[] = {
      {"2.5", 2.5}, {"2.5亩", 2.5},   {" 2.5 亩 ", 2.5},   {"3", 3},           {".5", 0.5},
      {"5.", 5},    {"-0.25", -0.25}, {"1,234.5", 1234.5}, {"1.5万元", 15000}, {"0.12345万", 1234.5},
      {"0.1", 0.1}, {"1000000", 1e6},
  };
  for (const Row& row : kRows) {
    Result<double> r = ParseDecimal(row.input, -1e12, 1e12);
    ASSERT_TRUE(r.ok()) << row.input << ": " << r.status().ToString();
    EXPECT_DOUBLE_EQ(*r, row.expected) << row.input;
  }
}

TEST(ValidateNumberTest, BadDecimals) {
  struct Row {
    std::string_view input;
    double min, max;
    std::string_view code;
  };
  constexpr Row kRows[] = {
      {"NaN", 0, 100, "number_format"},       {"inf", 0, 100, "number_format"},
      {"-Infinity", 0, 100, "number_format"}, {"1e3", 0, 10000, "number_format"},
      {"2,5", 0, 100, "number_format"},       {"亩", 0, 100, "number_format"},
      {".", 0, 100, "number_format"},         {"1.5.亩", 0, 100, "number_format"},
      {"2.5亩地", 0, 100, "number_format"},   {"100.5", 0, 100, "number_range"},
      {"-0.1", 0, 100, "number_range"},       {"0.6", 0, 0.5, "number_range"},
  };
  for (const Row& row : kRows) {
    Result<double> r = ParseDecimal(row.input, row.min, row.max);
    ASSERT_FALSE(r.ok()) << row.input << " gave " << *r;
    EXPECT_EQ(ProblemCode(r.status()), row.code) << row.input << ": " << r.status().message();
  }
  EXPECT_EQ(ParseDecimal("100.5", 0, 100).status().message(), "数值 100.5 超出范围 [0, 100] (number_range)");
  EXPECT_EQ(ParseDecimal("0.6", 0, 0.5).status().message(), "数值 0.6 超出范围 [0, 0.5] (number_range)");
  // A huge number is out of range, not infinity or a format error.
  EXPECT_EQ(ProblemCode(ParseDecimal(std::string(79, '9'), 0, 1e12).status()), "number_range");
  EXPECT_EQ(ProblemCode(ParseDecimal(std::string(400, '9'), 0, 1e300).status()), "number_range");
  EXPECT_EQ(ProblemCode(ParseInteger(std::string(400, '9'), 0, 100).status()), "number_range");
  // Leading zeros are not significant, however many.
  EXPECT_EQ(*ParseInteger(std::string(400, '0') + "42", 0, 100), 42);
  EXPECT_DOUBLE_EQ(*ParseDecimal("0." + std::string(40, '0') + "1", 0, 1), 1e-41);
}

// ---------------------------------------------------------------------------
// Lists, needs and skills

TEST(ValidateListTest, Split) {
  struct Row {
    std::string_view input;
    std::vector<std::string> items;
  };
  const Row kRows[] = {
      {"政策、宣讲", {"政策", "宣讲"}},
      {"政策，宣讲", {"政策", "宣讲"}},
      {" a , b ,, c ", {"a", "b", "c"}},
      {"a；b;c/d|e", {"a", "b", "c", "d", "e"}},
      {"a\u3000b\tc\nd", {"a", "b", "c", "d"}},
      {"", {}},
      {"、、 ，", {}},
      {"技能:电焊", {"技能:电焊"}},
      {"低收入户", {"低收入户"}},
  };
  for (const Row& row : kRows) EXPECT_EQ(SplitList(row.input), row.items) << row.input;
}

Dictionary NeedDictionary() {
  return {{{"低收入", {"低收入户", "贫困户"}}, {"失学", {"辍学"}}, {"欠薪", {"拖欠工资"}}}};
}

Dictionary SkillDictionary() { return {{{"政策", {"政策精通"}}, {"宣讲", {"演讲"}}, {"技能", {"手艺"}}}}; }

struct TagRow {
  std::string_view input;
  std::vector<std::string> tags;
};

TEST(ValidateTagTest, Needs) {
  const TagRow kRows[] = {
      {"", {}},
      {"低收入", {"低收入"}},
      {"欠薪、低收入", {"低收入", "欠薪"}},  // dictionary order
      {"贫困户,低收入", {"低收入"}},         // a synonym and its label: once
      {"辍学 拖欠工资", {"失学", "欠薪"}},
  };
  for (const TagRow& row : kRows) {
    Result<std::vector<std::string>> r = ParseNeeds(row.input, NeedDictionary());
    ASSERT_TRUE(r.ok()) << row.input << ": " << r.status().ToString();
    EXPECT_EQ(*r, row.tags) << row.input;
  }
  Result<std::vector<std::string>> bad = ParseNeeds("低收入、打工、低保", NeedDictionary());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "无法识别的需求“打工”、“低保”,可填:低收入、失学、欠薪 (need_unknown)");
  // Needs take no named trades.
  EXPECT_FALSE(ParseNeeds("技能:电焊", NeedDictionary()).ok());
  // Labels match whole and exactly.
  EXPECT_FALSE(ParseNeeds("低收", NeedDictionary()).ok());
}

TEST(ValidateTagTest, Skills) {
  const TagRow kRows[] = {
      {"政策", {"政策"}},
      {"技能:电焊、政策", {"政策", "技能:电焊"}},
      {"技能：电焊", {"技能:电焊"}},
      {"技能: 电焊", {"技能:电焊"}},
      {"手艺", {"技能"}},
      {"技能", {"技能"}},
      {"技能:电焊,技能:电焊,演讲", {"宣讲", "技能:电焊"}},
      {"技能:木工 技能:电焊 政策精通", {"政策", "技能:木工", "技能:电焊"}},  // trades in input order
  };
  for (const TagRow& row : kRows) {
    Result<std::vector<std::string>> r = ParseSkills(row.input, SkillDictionary());
    ASSERT_TRUE(r.ok()) << row.input << ": " << r.status().ToString();
    EXPECT_EQ(*r, row.tags) << row.input;
  }
  constexpr std::string_view kBad[] = {"技能:", "技能：", "唱歌", "技能电焊", "政策、唱歌"};
  for (std::string_view input : kBad) {
    Result<std::vector<std::string>> r = ParseSkills(input, SkillDictionary());
    ASSERT_FALSE(r.ok()) << input;
    EXPECT_EQ(ProblemCode(r.status()), "skill_unknown") << r.status().message();
  }
  EXPECT_EQ(ParseSkills("唱歌", SkillDictionary()).status().message(),
            "无法识别的技能“唱歌”,可填:政策、宣讲、技能 或 技能:工种 (skill_unknown)");
  // Without 技能 in the dictionary, no named trades.
  Dictionary no_trades{{{"政策", {}}}};
  EXPECT_FALSE(ParseSkills("技能:电焊", no_trades).ok());
}

// ---------------------------------------------------------------------------
// Masks

TEST(SensitiveMaskTest, IdNumbersAndPhones) {
  struct Row {
    std::string_view plain;
    std::string_view id_mask;
    std::string_view phone_mask;
  };
  constexpr Row kRows[] = {
      {"110101199003074514", "110101********4514", "110***********4514"},
      {"11010519491231002X", "110105********002X", "110***********002X"},
      {"13812345678", "138123*5678", "138****5678"},
      {"0355-1234567", "0355-1**4567", "035*****4567"},
      // Too short to keep both ends: only the last character.
      {"1234567890", "*********0", "123***7890"},
      {"1234567", "******7", "******7"},
      {"12345", "****5", "****5"},
      {"a", "a", "a"},
      {"", "", ""},
      // UTF-8: characters, never bytes.
      {"不详", "*详", "*详"},
      {"无", "无", "无"},
      {"身份证号码是一二三四五六七八九十", "身份证号码是******七八九十", "身份证*********七八九十"},
  };
  for (const Row& row : kRows) {
    EXPECT_EQ(MaskIdNumber(std::string(row.plain)), row.id_mask) << row.plain;
    EXPECT_EQ(MaskPhone(std::string(row.plain)), row.phone_mask) << row.plain;
  }
}

TEST(SensitiveMaskTest, SensitiveMasksWhenPrinted) {
  IdNumber id("110101199003074514");
  Phone phone("13812345678");
  std::ostringstream out;
  out << id << " " << phone;
  EXPECT_EQ(out.str(), "110101********4514 138****5678");
  EXPECT_EQ(id.Reveal(), "110101199003074514");
}

}  // namespace
}  // namespace lianxin
