// Households scored again when the rules of their difficulty change.
#include "lianxin/registry_io.hpp"
#include "registry/one_record.hpp"

namespace lianxin {

Result<std::int64_t> RescoreHouseholds(Store& store, WriteTxn& txn, const Config& config) {
  // Read first, then write: no statement reads the table while it is written.
  std::vector<Household> changed;
  EachRecord<Household> each([&](const Household& h) {
    Household next = h;
    ScoreDifficulty(config, next);
    if (next.difficulty != h.difficulty || next.tier != h.tier) changed.push_back(std::move(next));
    return Status::Ok();
  });
  LX_RETURN_IF_ERROR(store.Scan(RecordKind::kHouseholds, each));
  for (const Household& h : changed) LX_RETURN_IF_ERROR(txn.Upsert(h).status());
  return static_cast<std::int64_t>(changed.size());
}

}  // namespace lianxin
