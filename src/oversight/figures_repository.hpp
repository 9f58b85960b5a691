// The dashboard's figures (PRODUCT.md §4), read once on the SQL seam for
// every database: for each area directly under a region, its households and
// their coverage, the direct visits of a period, and its open and overdue
// appeals — a few grouped reads, whatever the number of areas. The store
// behind the Store interface delegates here (store/sql_store/figures.cpp).
//
//   FiguresRepository figures(db);
//   LX_ASSIGN_OR_RETURN(std::vector<AreaFigures> areas, figures.Under("149901", from, to, now));
//
// Threads: one repository per connection, one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lianxin/store.hpp"
#include "store/sql/sql.hpp"

namespace lianxin {

class FiguresRepository {
 public:
  explicit FiguresRepository(sql::Connection& db) : db_(db) {}

  // As Store::FiguresUnder says; kInvalidInput for a code that is not a
  // region's (6 or 12 digits), kNotFound for one that does not exist.
  Result<std::vector<AreaFigures>> Under(std::string_view region, const Date& from, const Date& to,
                                         std::int64_t now_millis);
  // As Store::UnitFiguresUnder and Store::SilentCadresUnder say.
  Result<std::vector<UnitFigures>> UnitsUnder(std::string_view region, const Date& from, const Date& to);
  Result<std::vector<SilentCadre>> SilentUnder(std::string_view region, const Date& from, const Date& to);

 private:
  struct Region {
    std::string name, level;
  };
  // The region's name and level; kInvalidInput or kNotFound as Under says.
  Result<Region> Resolve(std::string_view region);

  sql::Connection& db_;
};

}  // namespace lianxin
