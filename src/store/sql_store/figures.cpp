// The dashboard's figures behind the Store interface: the repository written
// once on the SQL seam (oversight/figures_repository.hpp) does the work.
#include "store/sql_store/internal.hpp"

namespace lianxin::sql_store {

Result<std::vector<AreaFigures>> SqlStore::FiguresUnder(std::string_view region, const Date& from,
                                                        const Date& to, std::int64_t now_millis) {
  return FiguresRepository(seam()).Under(region, from, to, now_millis);
}

Result<std::vector<UnitFigures>> SqlStore::UnitFiguresUnder(std::string_view region, const Date& from,
                                                            const Date& to) {
  return FiguresRepository(seam()).UnitsUnder(region, from, to);
}

Result<std::vector<SilentCadre>> SqlStore::SilentCadresUnder(std::string_view region, const Date& from,
                                                             const Date& to) {
  return FiguresRepository(seam()).SilentUnder(region, from, to);
}

}  // namespace lianxin::sql_store
