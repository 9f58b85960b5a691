// Printing contact cards (连心卡, PRODUCT.md §4): eight cards to an A4 page
// with cut marks, each with the household head, the contact and assistance
// cadres with unit and phone, the household's code, and a QR code of its
// public page — the page that opens when a phone scans it.
//
//   std::vector<ContactCard> cards = …;   // one per household
//   LX_RETURN_IF_ERROR(WriteCardsPdf(cards, "cards.pdf"));
#pragma once

#include <string>
#include <vector>

#include "lianxin/status.hpp"

namespace lianxin {

struct ContactCard {
  std::string village;         // 东岭镇 南村
  std::string household_head;  // 户主
  std::string household_code;
  std::string card_code;  // as printed (FormatCardCode), for typing in; empty: the household code is shown
  std::string contact_cadre, contact_unit, contact_phone;
  std::string assistance_cadre, assistance_unit, assistance_phone;  // empty: none
  std::string url;  // the household's public page, what the QR code holds
};

// Cards are 85 × 54 mm (a bank card), two across and four down, with cut
// marks at their corners. The whole file or nothing is written.
Status WriteCardsPdf(const std::vector<ContactCard>& cards, const std::string& path);

}  // namespace lianxin
