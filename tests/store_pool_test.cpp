// The read pool: a Store returned is lent again, concurrent leases never
// share a Store, and an opener's failure reaches the caller.
#include "lianxin/store_pool.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <set>
#include <thread>

#include "test_util.hpp"

namespace lianxin::testing {
namespace {

// Takes records and keeps none: the tests ask only whether Get found one.
struct Ignore final : RegistrySink {
  Status Add(const Region&) override { return Status::Ok(); }
  Status Add(const Unit&) override { return Status::Ok(); }
  Status Add(const Org&) override { return Status::Ok(); }
  Status Add(const Cadre&) override { return Status::Ok(); }
  Status Add(const Household&) override { return Status::Ok(); }
  Status Add(const Member&) override { return Status::Ok(); }
};

class StorePoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_ / "pool.db";
    // Created once here, so the pool's opens find the database and its key.
    ASSERT_NE(OpenOrDie(path_), nullptr);
  }
  StorePool::Opener CountingOpener() {
    return [this]() -> Result<std::unique_ptr<Store>> {
      ++opens_;
      return Store::Open(DbTarget(path_), DbOptions(path_, nullptr, false));
    };
  }
  TempDir dir_;
  std::string path_;
  std::atomic<int> opens_{0};
};

TEST_F(StorePoolTest, AReturnedStoreIsLentAgain) {
  StorePool pool(CountingOpener());
  Store* first = nullptr;
  {
    Result<StorePool::Lease> lease = pool.Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status().ToString();
    first = &**lease;
    EXPECT_TRUE((*lease)->SchemaVersion().ok());
  }
  Result<StorePool::Lease> again = pool.Acquire();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(&**again, first);
  EXPECT_EQ(opens_, 1);

  // A moved lease returns its Store once, when the one holding it ends.
  StorePool::Lease moved = std::move(*again);
  EXPECT_EQ(&*moved, first);
  Result<StorePool::Lease> second = pool.Acquire();
  ASSERT_TRUE(second.ok());
  EXPECT_NE(&**second, first) << "the first is still lent";
  EXPECT_EQ(opens_, 2);
}

TEST_F(StorePoolTest, ConcurrentLeasesGetDistinctStores) {
  StorePool pool(CountingOpener());
  constexpr int kThreads = 8;
  std::latch all_held(kThreads);
  std::vector<Store*> seen(kThreads, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Result<StorePool::Lease> lease = pool.Acquire();
      if (lease.ok()) {
        seen[static_cast<size_t>(t)] = &**lease;
        (void)(*lease)->SchemaVersion();
      }
      // Every thread holds its lease until all have one.
      all_held.arrive_and_wait();
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<Store*> distinct(seen.begin(), seen.end());
  EXPECT_EQ(distinct.count(nullptr), 0u) << "every Acquire succeeded";
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kThreads));
  EXPECT_EQ(opens_, kThreads);

  // All eight are idle again and lent without opening more.
  std::vector<StorePool::Lease> leases;
  for (int t = 0; t < kThreads; ++t) leases.push_back(std::move(pool.Acquire()).value());
  EXPECT_EQ(opens_, kThreads);
  std::set<Store*> reused;
  for (StorePool::Lease& lease : leases) reused.insert(&*lease);
  EXPECT_EQ(reused, distinct);
}

// A lease reads one snapshot (one read lock for a request's several reads):
// a commit made meanwhile shows in the next lease, not in this one.
TEST_F(StorePoolTest, ALeaseReadsOneSnapshot) {
  StorePool pool(CountingOpener());
  std::unique_ptr<Store> writer = OpenOrDie(path_);
  auto add_county = [&](const std::string& code) {
    Region county;
    county.code = code;
    county.name = "县" + code;
    county.level = RegionLevel::kCounty;
    auto txn = std::move(writer->Begin("test")).value();
    ASSERT_TRUE(txn->Upsert(county).ok());
    ASSERT_TRUE(txn->Commit().ok());
  };
  // Get resets its statement: without the lease's snapshot each Get would
  // be a read of its own and see the newest commit.
  Ignore sink;
  add_county("149901");
  {
    StorePool::Lease lease = std::move(pool.Acquire()).value();
    ASSERT_TRUE(lease->Get(RecordKind::kRegions, "149901", sink).ok());
    add_county("149902");
    EXPECT_EQ(lease->Get(RecordKind::kRegions, "149902", sink).code(), Code::kNotFound)
        << "a lease saw a commit made after its first read";
    // A write begun on a leased Store ends its snapshot first and succeeds.
    {
      auto txn = lease->Begin("test");
      ASSERT_TRUE(txn.ok()) << txn.status().ToString();
    }
  }
  StorePool::Lease next = std::move(pool.Acquire()).value();
  EXPECT_TRUE(next->Get(RecordKind::kRegions, "149902", sink).ok());
}

// A snapshot kept between leases (nothing committed in this process since)
// shows another process's commit once it is kKeptReadMillis old: a
// connection SQLite opens directly stands for that process here.
TEST_F(StorePoolTest, AKeptSnapshotShowsAnotherProcessesCommitSoon) {
  StorePool pool(CountingOpener());
  Ignore sink;
  {
    StorePool::Lease lease = std::move(pool.Acquire()).value();
    EXPECT_EQ(lease->Get(RecordKind::kRegions, "149903", sink).code(), Code::kNotFound);
  }
  RawSql(path_,
         "INSERT INTO regions (code, name, level, parent_code, county_code) "
         "VALUES ('149903', '别县', 'county', NULL, '149903')");
  std::this_thread::sleep_for(std::chrono::milliseconds(Store::kKeptReadMillis + 50));
  StorePool::Lease later = std::move(pool.Acquire()).value();
  EXPECT_TRUE(later->Get(RecordKind::kRegions, "149903", sink).ok())
      << "a kept snapshot outlived " << Store::kKeptReadMillis << " ms";
}

TEST_F(StorePoolTest, AFailingOpenReturnsItsError) {
  StorePool missing([this] {
    return Store::Open(DbTarget(dir_ / "missing.db"), DbOptions(dir_ / "missing.db", nullptr, false));
  });
  Result<StorePool::Lease> lease = missing.Acquire();
  ASSERT_FALSE(lease.ok());
  EXPECT_EQ(lease.status().code(), Code::kNotFound) << lease.status().ToString();

  int calls = 0;
  StorePool failing([&calls]() -> Result<std::unique_ptr<Store>> {
    ++calls;
    return Status(Code::kUnavailable, "disk gone");
  });
  EXPECT_EQ(failing.Acquire().status().message(), "disk gone");
  EXPECT_EQ(failing.Acquire().status().code(), Code::kUnavailable);
  EXPECT_EQ(calls, 2) << "nothing is kept from a failed open: the next Acquire tries again";
}

}  // namespace
}  // namespace lianxin::testing
