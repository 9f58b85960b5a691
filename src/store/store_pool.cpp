#include "lianxin/store_pool.hpp"

#include <utility>

namespace lianxin {

StorePool::StorePool(Opener open) : open_(std::move(open)) {}

StorePool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), store_(std::move(other.store_)) {}

StorePool::Lease& StorePool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Return();
    pool_ = std::exchange(other.pool_, nullptr);
    store_ = std::move(other.store_);
  }
  return *this;
}

StorePool::Lease::~Lease() { Return(); }

void StorePool::Lease::Return() {
  if (pool_ != nullptr && store_ != nullptr) pool_->Release(std::move(store_));
  pool_ = nullptr;
  store_.reset();
}

Result<StorePool::Lease> StorePool::Acquire() {
  std::unique_ptr<Store> store;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      store = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (store == nullptr) {
    // Opened outside the lock: an open reads the key file and checks the
    // schema, and other requests need not wait for it.
    LX_ASSIGN_OR_RETURN(store, open_());
    if (store == nullptr) return Status::Internal("StorePool: the opener returned no Store");
  }
  store->BeginRead();  // one snapshot, and one read lock, for the whole lease
  return Lease(this, std::move(store));
}

void StorePool::Release(std::unique_ptr<Store> store) {
  // Under the lock, so HoldReads cannot end the idle snapshots between the
  // choice and the push and miss this one.
  std::lock_guard<std::mutex> lock(mutex_);
  if (writes_under_way_ > 0) {
    store->EndRead();  // the next lessee reads the newest commit
  } else {
    store->KeepRead();  // ended anyway unless still current
  }
  idle_.push_back(std::move(store));
}

void StorePool::HoldReads() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++writes_under_way_;
  for (std::unique_ptr<Store>& store : idle_) store->EndRead();
}

void StorePool::AllowKeptReads() {
  std::lock_guard<std::mutex> lock(mutex_);
  --writes_under_way_;
}

}  // namespace lianxin
