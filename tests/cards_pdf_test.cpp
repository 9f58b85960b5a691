// Printed contact cards: eight to a page, every QR code read back by a
// scanner (zbarimg) as its household's page, the names in the text.
#include "lianxin/cards_pdf.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "test_util.hpp"

namespace lianxin::testing {
namespace {

TEST(CardsPdfTest, EveryQrCodeLeadsToItsHouseholdsPage) {
  std::vector<ContactCard> cards;
  std::set<std::string> urls;
  for (int i = 1; i <= 10; ++i) {
    ContactCard card;
    card.village = "东岭镇 南村";
    card.household_head = "户主" + std::to_string(i);
    card.household_code = "14990100100100" + std::to_string(10 + i);
    card.contact_cadre = "李四";
    card.contact_unit = "县农业农村局";
    card.contact_phone = "139****0001";
    if (i % 2) card.assistance_cadre = "王五";
    card.url = "https://county.example/h/" + std::string(16, static_cast<char>('A' + i));
    urls.insert(card.url);
    cards.push_back(card);
  }
  TempDir dir;
  std::string pdf = dir / "cards.pdf";
  ASSERT_TRUE(WriteCardsPdf(cards, pdf).ok());
  CliRun pages = RunShell("pdfinfo " + pdf + " | grep Pages");
  EXPECT_NE(pages.output.find("2"), std::string::npos)
      << "ten cards: eight on the first page, two on the second";
  CliRun text = RunShell("pdftotext " + pdf + " -");
  EXPECT_NE(text.output.find("户主10"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("县农业农村局"), std::string::npos);

  CliRun png = RunShell("pdftoppm -r 150 -png " + pdf + " " + (dir / "page"));
  ASSERT_EQ(png.exit_code, 0) << png.output;
  CliRun scan = RunShell("zbarimg --quiet --raw --nodbus " + (dir / "page-1.png") + " " +
                         (dir / "page-2.png") + " 2>/dev/null");
  ASSERT_EQ(scan.exit_code, 0) << scan.output;
  std::set<std::string> decoded;
  std::istringstream lines(scan.output);
  for (std::string line; std::getline(lines, line);) decoded.insert(line);
  EXPECT_EQ(decoded, urls);
}

}  // namespace
}  // namespace lianxin::testing
