// The group-commit writer on a real SQLite file: many writers, one commit per
// batch, a failing write undone without taking its batch with it.
#include "lianxin/writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "lianxin/store_pool.hpp"
#include "test_util.hpp"

namespace lianxin {
namespace {

using testing::TempDir;

std::unique_ptr<Store> OpenAt(const std::string& path) {
  Result<std::unique_ptr<Store>> store = Store::Open(testing::DbTarget(path), testing::DbOptions(path));
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return std::move(*store);
}

std::string VillageCode(int i) {
  char code[13];
  std::snprintf(code, sizeof code, "149901001%03d", i);
  return code;
}

// A job that adds village `i` under township 149901001000.
GroupCommitWriter::Job AddVillage(int i) {
  return [i](Store& store) -> Status {
    LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("writer-test"));
    LX_RETURN_IF_ERROR(
        txn->Upsert(Region{VillageCode(i), "村" + std::to_string(i), RegionLevel::kVillage, "149901001000"})
            .status());
    return txn->Commit();
  };
}

void Seed(const std::string& path) {
  std::unique_ptr<Store> store = OpenAt(path);
  auto txn = store->Begin("seed");
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->Upsert(Region{"149901", "连心县", RegionLevel::kCounty, ""}).ok());
  ASSERT_TRUE((*txn)->Upsert(Region{"149901001000", "城关镇", RegionLevel::kTownship, "149901"}).ok());
  ASSERT_TRUE((*txn)->Commit().ok());
}

TEST(GroupCommitWriterTest, EveryAcknowledgedWriteIsCommittedAndJournaled) {
  TempDir dir;
  std::string path = dir / "w.db";
  Seed(path);
  Metrics metrics;
  constexpr int kThreads = 16, kPerThread = 20;
  {
    GroupCommitWriter writer(OpenAt(path), {.max_batch = 64}, &metrics);
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int k = 0; k < kPerThread; ++k) {
          if (!writer.Write(AddVillage(t * kPerThread + k)).ok()) ++failures;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(failures.load(), 0);
  }
  std::unique_ptr<Store> reader = OpenAt(path);
  Result<RegistryCounts> counts = reader->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->villages, kThreads * kPerThread);
  std::int64_t checked = 0;
  EXPECT_TRUE(reader->VerifyJournal(&checked).ok());
  EXPECT_EQ(checked, 2 + kThreads * kPerThread);
  std::string text = metrics.RenderPrometheus();
  EXPECT_NE(text.find("lianxin_store_writes_total{outcome=\"ok\"} " + std::to_string(kThreads * kPerThread)),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("lianxin_store_commit_batch_size_count"), std::string::npos);
}

// With reads always under way, as on a busy server, the WAL is still
// checkpointed and written again from its start: SQLite's own automatic
// checkpoint never restarts it then (and failed outright while a cached
// statement stayed mid-result), so it grew without end and slowed every
// read and write (B3b fell from 16 k to 11 k writes/s over 30 s).
TEST(GroupCommitWriterTest, TheWalStaysSmallUnderSteadyReads) {
  LX_SQLITE_ONLY();
  TempDir dir;
  std::string path = dir / "w.db";
  Seed(path);
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  StorePool pool([&path] { return Store::Open(testing::DbTarget(path), testing::DbOptions(path)); });
  // Overlapping readers: at any moment one of them is likely reading.
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (!stop) {
        StorePool::Lease lease = std::move(pool.Acquire()).value();
        if (lease->Counts().ok()) ++reads;
      }
    });
  }
  std::uintmax_t largest = 0;
  {
    // Wired as the server wires them (app.cpp): no snapshot is kept
    // between leases while a batch is written.
    WriterOptions options{.max_batch = 1};
    options.before_batch = [&pool] { pool.HoldReads(); };
    options.after_batch = [&pool] { pool.AllowKeptReads(); };
    GroupCommitWriter writer(OpenAt(path), options, nullptr);
    for (int k = 0; k < 1500; ++k) {
      // Renames 16 of 300 villages: every write is a commit of its own,
      // of a few dozen pages.
      Status written = writer.Write([k](Store& store) -> Status {
        LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("writer-test"));
        for (int j = 0; j < 16; ++j) {
          LX_RETURN_IF_ERROR(txn->Upsert(Region{VillageCode((k * 16 + j) % 300), "村" + std::to_string(k),
                                                RegionLevel::kVillage, "149901001000"})
                                 .status());
        }
        return txn->Commit();
      });
      ASSERT_TRUE(written.ok()) << written.ToString();
      if (k % 100 == 99) largest = std::max(largest, std::filesystem::file_size(path + "-wal"));
    }
  }
  stop = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_GT(reads.load(), 0);
  // kWalCheckpointBytes (32 MiB, in frames of the database's page size) and
  // one commit before each restart; 1,500 commits of a few dozen pages each would be far over
  // 100 MiB without one.
  EXPECT_LT(largest, 48u << 20) << "the WAL grew to " << largest << " bytes";
}

TEST(GroupCommitWriterTest, AFailingWriteIsUndoneAndItsBatchStillCommits) {
  TempDir dir;
  std::string path = dir / "w.db";
  Seed(path);
  Metrics metrics;
  GroupCommitWriter writer(OpenAt(path), {.max_batch = 64}, &metrics);
  Gauge& depth = metrics.gauge("lianxin_store_writer_queue_depth", "");

  // The first write holds the writer until the next two are queued, so they
  // share one batch.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> started{false};
  auto first = std::async(std::launch::async, [&] {
    return writer.Write([&started, released](Store& store) {
      started = true;
      released.wait();
      return AddVillage(1)(store);
    });
  });
  while (!started) std::this_thread::yield();
  auto good = std::async(std::launch::async, [&] { return writer.Write(AddVillage(2)); });
  auto bad = std::async(std::launch::async, [&] {
    return writer.Write([](Store& store) -> Status {
      LX_RETURN_IF_ERROR(AddVillage(3)(store));  // committed into the batch, then…
      LX_RETURN_IF_ERROR(AddVillage(4)(store));
      return Status::Invalid("refused after two writes");  // …the whole item is undone
    });
  });
  while (depth.Value() < 2) std::this_thread::yield();
  release.set_value();
  EXPECT_TRUE(first.get().ok());
  EXPECT_TRUE(good.get().ok());
  Status refused = bad.get();
  EXPECT_EQ(refused.code(), Code::kInvalidInput);
  writer.Stop();

  std::unique_ptr<Store> reader = OpenAt(path);
  Result<RegistryCounts> counts = reader->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->villages, 2);
  std::int64_t checked = 0;
  EXPECT_TRUE(reader->VerifyJournal(&checked).ok());
  EXPECT_EQ(checked, 4);  // county, township, villages 1 and 2: nothing of 3 or 4
}

// A write of thousands of rows inside the writer's batch: its savepoint's
// journal outgrows memory (sqlite::kStatementJournalSpill) and goes on in a
// temporary file, from which a failing write is still undone whole. (A
// spill past the 128 KiB the unix VFS writes at once failed with "database
// or disk is full"; an in-memory journal without bound made such a write
// slow as the square of its rows, which no test here times.)
TEST(GroupCommitWriterTest, AWriteOfThousandsOfRowsCommitsOrIsUndoneWhole) {
  TempDir dir;
  std::string path = dir / "w.db";
  Seed(path);
  constexpr int kVillages = 2000, kPerTownship = 500;
  auto code = [](int township, int village) {
    char text[32];
    std::snprintf(text, sizeof text, "149901%03d%03d", township + 1, village);
    return std::string(text);
  };
  auto township = [&](int t) { return code(t, 0); };
  auto village = [&](int i) { return code(i / kPerTownship, i % kPerTownship + 1); };
  auto name_all = [&](const std::string& name, bool fail) {
    return [&, name, fail](Store& store) -> Status {
      LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store.Begin("writer-test"));
      for (int t = 0; t < kVillages / kPerTownship; ++t) {
        LX_RETURN_IF_ERROR(
            txn->Upsert(Region{township(t), "镇" + std::to_string(t), RegionLevel::kTownship, "149901"})
                .status());
      }
      for (int i = 0; i < kVillages; ++i) {
        // Long names: the rows fill some hundred pages, megabytes of journal.
        Region row{village(i), name + std::to_string(i) + std::string(600, '.'), RegionLevel::kVillage,
                   township(i / kPerTownship)};
        LX_RETURN_IF_ERROR(txn->Upsert(row).status());
      }
      if (fail) return Status::Invalid("refused after every row");
      return txn->Commit();
    };
  };
  {
    GroupCommitWriter writer(OpenAt(path), {.max_batch = 64}, nullptr);
    ASSERT_TRUE(writer.Write(name_all("村", false)).ok());   // new rows
    Status renamed = writer.Write(name_all("新村", false));  // every row rewritten in place
    ASSERT_TRUE(renamed.ok()) << renamed.ToString();
    EXPECT_EQ(writer.Write(name_all("错村", true)).code(), Code::kInvalidInput);
  }
  std::unique_ptr<Store> reader = OpenAt(path);
  Result<RegistryCounts> counts = reader->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->villages, kVillages);
  std::int64_t checked = 0;
  EXPECT_TRUE(reader->VerifyJournal(&checked).ok());
  // The seed's two, the townships (the seed's one renamed), two namings.
  EXPECT_EQ(checked, 2 + kVillages / kPerTownship + 2 * kVillages);
  auto txn = reader->Begin("writer-test");
  ASSERT_TRUE(txn.ok());
  for (int i = 0; i < kVillages; i += 97) {
    Result<std::optional<Region>> found = (*txn)->FindRegion(village(i));
    ASSERT_TRUE(found.ok() && found->has_value()) << village(i);
    EXPECT_EQ((*found)->name, "新村" + std::to_string(i) + std::string(600, '.'));
  }
}

TEST(GroupCommitWriterTest, StopCommitsWhatIsQueuedAndRefusesLaterWrites) {
  TempDir dir;
  std::string path = dir / "w.db";
  Seed(path);
  GroupCommitWriter writer(OpenAt(path), {.max_batch = 1}, nullptr);
  std::vector<std::future<Status>> writes;
  for (int i = 0; i < 8; ++i) {
    writes.push_back(std::async(std::launch::async, [&, i] { return writer.Write(AddVillage(i)); }));
  }
  for (auto& write : writes) EXPECT_TRUE(write.get().ok());
  writer.Stop();
  EXPECT_EQ(writer.Write(AddVillage(99)).code(), Code::kUnavailable);
  Result<RegistryCounts> counts = OpenAt(path)->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->villages, 8);
}

TEST(GroupCommitWriterTest, AThrowingJobIsAnInternalErrorNotACrash) {
  TempDir dir;
  std::string path = dir / "w.db";
  Seed(path);
  GroupCommitWriter writer(OpenAt(path), {}, nullptr);
  Status status = writer.Write([](Store&) -> Status { throw std::runtime_error("boom"); });
  EXPECT_EQ(status.code(), Code::kInternal);
  EXPECT_TRUE(writer.Write(AddVillage(1)).ok());
}

}  // namespace
}  // namespace lianxin
