// Read connections for request threads. A Store may be used by one thread at
// a time (store.hpp) and the writer's Store belongs to the writer thread
// (writer.hpp), so a handler that reads leases a Store of its own from the
// pool and gives it back when the lease ends. Stores are opened on demand
// and kept for the next request, so the pool grows to the number of
// requests reading at once and no further.
//
//   StorePool reads([&] { return Store::Open(path, {.create = false}); });
//   LX_ASSIGN_OR_RETURN(StorePool::Lease lease, reads.Acquire());
//   LX_ASSIGN_OR_RETURN(PairingState pairs, lease->Pairs());  // lease.store() is the Store
//   // the Store goes back to the pool when `lease` goes out of scope
//
// A leased Store is the lessee's alone until the lease ends; it must end
// with no WriteTxn of its own left open (destroy it first: that rolls it
// back). Writes still go through GroupCommitWriter, never a lease.
//
// Threads: Acquire() may be called from any number of threads at once. The
// pool must outlive every lease it gave.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "lianxin/status.hpp"
#include "lianxin/store.hpp"

namespace lianxin {

class StorePool {
 public:
  using Opener = std::function<Result<std::unique_ptr<Store>>()>;

  // `open` makes a new connection when no idle one is left; it may be
  // called from several threads at once.
  explicit StorePool(Opener open);
  StorePool(const StorePool&) = delete;
  StorePool& operator=(const StorePool&) = delete;

  // One Store, lent until the lease is destroyed (or moved from and the
  // target destroyed).
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    ~Lease();
    Store& store() const { return *store_; }
    Store& operator*() const { return *store_; }
    Store* operator->() const { return store_.get(); }

   private:
    friend class StorePool;
    Lease(StorePool* pool, std::unique_ptr<Store> store) : pool_(pool), store_(std::move(store)) {}
    void Return();
    StorePool* pool_ = nullptr;
    std::unique_ptr<Store> store_;
  };

  // An idle Store, or a new one from `open`; the opener's error when it fails
  // (nothing is kept then, and the next Acquire tries again).
  Result<Lease> Acquire();

  // A Store goes back with its read snapshot kept open (Store::KeepRead),
  // so the next lease need not take the read lock again while nothing has
  // been committed. A kept snapshot holds its place in the WAL, and the
  // checkpoint after a commit waits (up to 20 ms) for every reader there:
  // so the writer calls HoldReads before a batch, which ends the idle
  // Stores' snapshots and keeps none until AllowKeptReads, after the commit.
  void HoldReads();
  void AllowKeptReads();

 private:
  void Release(std::unique_ptr<Store> store);

  Opener open_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Store>> idle_;  // guarded by mutex_
  int writes_under_way_ = 0;                  // guarded by mutex_
};

}  // namespace lianxin
