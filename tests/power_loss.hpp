// Power loss, simulated: a SQLite VFS that keeps every write in a page cache
// of its own until the file is synced, and a harness that cuts the power at a
// random write or sync while the group-commit writer is busy, then checks
// the file as the next start would find it.
//
// What a cut loses, and why this is the model: the operating system's page
// cache. Every xWrite and xTruncate since a file's last xSync is dropped,
// whole (a synced write is never torn; SQLite's own -wal checksums catch a
// torn frame, and we do not claim more than POWERSAFE_OVERWRITE here). The
// -shm file is shared memory: after a cut it is as good as gone, and SQLite
// rebuilds it from the -wal when the first connection opens the database
// (the unix VFS resets a -shm nobody else holds). Deleting a file is taken as
// durable at once: SQLite deletes only a -wal or rollback journal it has
// already made redundant with a sync.
//
// A crash test that kills the process (crash_test.cpp) keeps the page cache,
// so it would pass with synchronous=OFF; this one would not: with
// `lying_sync` the VFS drops what a sync should have kept, and the harness
// must then find acknowledged writes missing (the negative control).
//
// Used by tests/power_loss_test.cpp (a few rounds in ./dev test) and
// bench/power_loss_bench.cpp (hundreds of rounds in ./dev bench).
#pragma once

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lianxin/store.hpp"
#include "lianxin/writer.hpp"

namespace lianxin::powerloss {

// What a file holds that no sync has made durable yet, shared by every handle
// on the same path, as the page cache is shared by every descriptor of a file.
struct PendingFile {
  struct Op {
    bool truncate = false;
    std::int64_t offset = 0;  // a write's offset, or a truncate's new size
    std::string bytes;
  };
  std::mutex mutex;
  std::vector<Op> ops;
};

class Vfs {
 public:
  // Registers itself as SQLite's default VFS, wrapping the current default.
  Vfs() {
    base_ = sqlite3_vfs_find(nullptr);
    vfs_ = *base_;
    vfs_.zName = "lianxin_power_loss";
    vfs_.szOsFile = static_cast<int>(sizeof(File)) + base_->szOsFile;
    vfs_.pAppData = this;
    vfs_.xOpen = &Vfs::Open;
    vfs_.xDelete = &Vfs::Delete;
    sqlite3_vfs_register(&vfs_, 1);
  }
  // Restores the wrapped VFS as the default. Every connection opened through
  // this one must be closed first.
  ~Vfs() {
    sqlite3_vfs_unregister(&vfs_);
    sqlite3_vfs_register(base_, 1);
  }
  Vfs(const Vfs&) = delete;
  Vfs& operator=(const Vfs&) = delete;

  // The power goes at the `n`th write, truncate or sync from now on (that
  // operation fails, and so does every one after it); 0 disarms.
  void CutAt(std::int64_t n) {
    operations_ = 0;
    cut_at_ = n;
  }
  // Cuts the power now.
  void Cut() {
    std::lock_guard lock(files_mutex_);
    cut_ = true;
    for (auto& [path, file] : files_) {
      std::lock_guard file_lock(file->mutex);
      file->ops.clear();
    }
  }
  bool cut() const { return cut_; }
  // Power back: a new start, with whatever the files durably hold.
  void Restore() {
    std::lock_guard lock(files_mutex_);
    cut_ = false;
    cut_at_ = 0;
    files_.clear();
  }
  // A disk that acknowledges syncs it never did: stands in for synchronous=OFF.
  void set_lying_sync(bool lying) { lying_sync_ = lying; }
  std::int64_t operations() const { return operations_; }
  std::int64_t main_file_syncs() const { return main_file_syncs_; }

 private:
  struct File {
    sqlite3_file base;  // must come first: SQLite sees a File as a sqlite3_file
    Vfs* vfs;
    std::shared_ptr<PendingFile> pending;
    bool main_db;
    sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
  };

  static Vfs* Of(sqlite3_file* file) { return reinterpret_cast<File*>(file)->vfs; }
  static File* AsFile(sqlite3_file* file) { return reinterpret_cast<File*>(file); }

  // Counts one mutating operation; false when the power is (now) off.
  bool Tick() {
    if (cut_) return false;
    std::int64_t n = ++operations_;
    if (cut_at_ > 0 && n >= cut_at_) {
      Cut();
      return false;
    }
    return true;
  }

  std::shared_ptr<PendingFile> PendingFor(const char* path) {
    std::lock_guard lock(files_mutex_);
    std::shared_ptr<PendingFile>& file = files_[path ? path : ""];
    if (!file) file = std::make_shared<PendingFile>();
    return file;
  }

  static int Open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* out, int flags, int* out_flags) {
    Vfs* self = static_cast<Vfs*>(vfs->pAppData);
    // SQLite hands over raw memory and calls xClose only after a successful
    // open: the File is built only then.
    out->pMethods = nullptr;
    if (self->cut_) return SQLITE_CANTOPEN;
    File* file = AsFile(out);
    auto* real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(out) + sizeof(File));
    int rc = self->base_->xOpen(self->base_, name, real, flags, out_flags);
    if (rc != SQLITE_OK) return rc;
    new (file) File{{}, self, self->PendingFor(name), (flags & SQLITE_OPEN_MAIN_DB) != 0};
    static const sqlite3_io_methods kMethods = {
        3,
        &Vfs::Close,
        &Vfs::Read,
        &Vfs::Write,
        &Vfs::Truncate,
        &Vfs::Sync,
        &Vfs::Size,
        &Vfs::Lock,
        &Vfs::Unlock,
        &Vfs::CheckReserved,
        &Vfs::Control,
        &Vfs::Sector,
        &Vfs::Device,
        &Vfs::ShmMap,
        &Vfs::ShmLock,
        &Vfs::ShmBarrier,
        &Vfs::ShmUnmap,
        &Vfs::Fetch,
        &Vfs::Unfetch,
    };
    file->base.pMethods = &kMethods;
    return SQLITE_OK;
  }

  static int Delete(sqlite3_vfs* vfs, const char* path, int sync_dir) {
    Vfs* self = static_cast<Vfs*>(vfs->pAppData);
    if (self->cut_) return SQLITE_IOERR_DELETE;
    {
      std::lock_guard lock(self->files_mutex_);
      auto it = self->files_.find(path);
      if (it != self->files_.end()) {
        std::lock_guard file_lock(it->second->mutex);
        it->second->ops.clear();
      }
    }
    return self->base_->xDelete(self->base_, path, sync_dir);
  }

  static int Close(sqlite3_file* f) {
    File* file = AsFile(f);
    int rc = file->real()->pMethods->xClose(file->real());
    file->~File();
    return rc;
  }

  // The size the file has with its unsynced operations applied.
  static std::int64_t LogicalSize(File* file, std::int64_t real_size) {
    std::int64_t size = real_size;
    for (const PendingFile::Op& op : file->pending->ops) {
      size = op.truncate ? op.offset : std::max<std::int64_t>(size, op.offset + std::ssize(op.bytes));
    }
    return size;
  }

  static int Read(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset) {
    File* file = AsFile(f);
    if (file->vfs->cut_) return SQLITE_IOERR_READ;
    int rc = file->real()->pMethods->xRead(file->real(), buffer, amount, offset);
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
    sqlite3_int64 real_size = 0;
    int size_rc = file->real()->pMethods->xFileSize(file->real(), &real_size);
    if (size_rc != SQLITE_OK) return size_rc;
    auto* out = static_cast<char*>(buffer);
    std::lock_guard lock(file->pending->mutex);
    if (rc == SQLITE_IOERR_SHORT_READ) {
      // The real read zero-filled past the real end; keep that.
    }
    for (const PendingFile::Op& op : file->pending->ops) {
      if (op.truncate) {
        if (op.offset < offset + amount) {
          std::int64_t from = std::max<std::int64_t>(op.offset, offset);
          std::memset(out + (from - offset), 0, static_cast<size_t>(offset + amount - from));
        }
        continue;
      }
      std::int64_t begin = std::max<std::int64_t>(op.offset, offset);
      std::int64_t end = std::min<std::int64_t>(op.offset + std::ssize(op.bytes), offset + amount);
      if (begin < end) {
        std::memcpy(out + (begin - offset), op.bytes.data() + (begin - op.offset),
                    static_cast<size_t>(end - begin));
      }
    }
    return LogicalSize(file, real_size) >= offset + amount ? SQLITE_OK : SQLITE_IOERR_SHORT_READ;
  }

  static int Write(sqlite3_file* f, const void* buffer, int amount, sqlite3_int64 offset) {
    File* file = AsFile(f);
    if (!file->vfs->Tick()) return SQLITE_IOERR_WRITE;
    std::lock_guard lock(file->pending->mutex);
    file->pending->ops.push_back({false, offset, std::string(static_cast<const char*>(buffer), amount)});
    return SQLITE_OK;
  }

  static int Truncate(sqlite3_file* f, sqlite3_int64 size) {
    File* file = AsFile(f);
    if (!file->vfs->Tick()) return SQLITE_IOERR_TRUNCATE;
    std::lock_guard lock(file->pending->mutex);
    file->pending->ops.push_back({true, size, {}});
    return SQLITE_OK;
  }

  // Makes the file's unsynced operations durable: they reach the real file
  // (no real fsync: the process never dies here, only the simulated cache).
  static int Sync(sqlite3_file* f, int flags) {
    File* file = AsFile(f);
    Vfs* vfs = file->vfs;
    if (!vfs->Tick()) return SQLITE_IOERR_FSYNC;
    (void)flags;
    if (vfs->lying_sync_) return SQLITE_OK;
    if (file->main_db) ++vfs->main_file_syncs_;
    std::lock_guard lock(file->pending->mutex);
    sqlite3_file* real = file->real();
    for (const PendingFile::Op& op : file->pending->ops) {
      int rc = op.truncate ? real->pMethods->xTruncate(real, op.offset)
                           : real->pMethods->xWrite(real, op.bytes.data(), static_cast<int>(op.bytes.size()),
                                                    op.offset);
      if (rc != SQLITE_OK) return rc;
    }
    file->pending->ops.clear();
    return SQLITE_OK;
  }

  static int Size(sqlite3_file* f, sqlite3_int64* size) {
    File* file = AsFile(f);
    if (file->vfs->cut_) return SQLITE_IOERR_FSTAT;
    sqlite3_int64 real_size = 0;
    int rc = file->real()->pMethods->xFileSize(file->real(), &real_size);
    if (rc != SQLITE_OK) return rc;
    std::lock_guard lock(file->pending->mutex);
    *size = LogicalSize(file, real_size);
    return SQLITE_OK;
  }

  static int Lock(sqlite3_file* f, int level) {
    return AsFile(f)->real()->pMethods->xLock(AsFile(f)->real(), level);
  }
  static int Unlock(sqlite3_file* f, int level) {
    return AsFile(f)->real()->pMethods->xUnlock(AsFile(f)->real(), level);
  }
  static int CheckReserved(sqlite3_file* f, int* out) {
    return AsFile(f)->real()->pMethods->xCheckReservedLock(AsFile(f)->real(), out);
  }
  static int Control(sqlite3_file* f, int op, void* arg) {
    // A size hint would extend the real file behind the cache's back.
    if (op == SQLITE_FCNTL_SIZE_HINT || op == SQLITE_FCNTL_CHUNK_SIZE) return SQLITE_NOTFOUND;
    return AsFile(f)->real()->pMethods->xFileControl(AsFile(f)->real(), op, arg);
  }
  static int Sector(sqlite3_file* f) { return AsFile(f)->real()->pMethods->xSectorSize(AsFile(f)->real()); }
  static int Device(sqlite3_file* f) {
    return AsFile(f)->real()->pMethods->xDeviceCharacteristics(AsFile(f)->real());
  }
  static int ShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
    return AsFile(f)->real()->pMethods->xShmMap(AsFile(f)->real(), page, size, extend, out);
  }
  static int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
    return AsFile(f)->real()->pMethods->xShmLock(AsFile(f)->real(), offset, n, flags);
  }
  static void ShmBarrier(sqlite3_file* f) { AsFile(f)->real()->pMethods->xShmBarrier(AsFile(f)->real()); }
  static int ShmUnmap(sqlite3_file* f, int delete_flag) {
    return AsFile(f)->real()->pMethods->xShmUnmap(AsFile(f)->real(), delete_flag);
  }
  // No memory-mapped reads: they would see the real file, not the cache.
  static int Fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
    *out = nullptr;
    return SQLITE_OK;
  }
  static int Unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

  sqlite3_vfs* base_ = nullptr;
  sqlite3_vfs vfs_{};
  std::mutex files_mutex_;
  std::map<std::string, std::shared_ptr<PendingFile>> files_;
  std::atomic<bool> cut_{false};
  std::atomic<bool> lying_sync_{false};
  std::atomic<std::int64_t> operations_{0};
  std::atomic<std::int64_t> cut_at_{0};
  std::atomic<std::int64_t> main_file_syncs_{0};
};

// What one round found after the power came back.
struct RoundResult {
  int acknowledged = 0;   // writes the writer answered ok before the cut
  int lost = 0;           // acknowledged writes missing after the restart
  int refused = 0;        // writes answered with an error (the cut)
  std::string integrity;  // PRAGMA integrity_check's answer
  Status journal;         // Store::VerifyJournal's answer
  std::int64_t operations = 0;
};

inline std::string Pad3(int n) {
  std::string digits = std::to_string(n % 1000);
  return std::string(3 - digits.size(), '0') + digits;
}

inline std::string TownshipCode(int round) { return "149901" + Pad3(round % 999 + 1) + "000"; }
inline std::string VillageCode(int round, int i) { return "149901" + Pad3(round % 999 + 1) + Pad3(i + 1); }

inline Result<std::unique_ptr<Store>> OpenStore(const std::string& path) { return Store::Open(path, {}); }

// Creates the county (once) and the round's township through the normal VFS.
inline Status Prepare(const std::string& path, int round) {
  LX_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(path));
  LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, store->Begin("power-loss"));
  LX_RETURN_IF_ERROR(txn->Upsert(Region{"149901", "连心县", RegionLevel::kCounty, ""}).status());
  LX_RETURN_IF_ERROR(txn->Upsert(Region{TownshipCode(round), "第" + std::to_string(round) + "镇",
                                        RegionLevel::kTownship, "149901"})
                         .status());
  return txn->Commit();
}

inline std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  std::string answer;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr) == SQLITE_OK) {
      while (sqlite3_step(statement) == SQLITE_ROW) {
        if (!answer.empty()) answer += "; ";
        answer += reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
      }
    }
    sqlite3_finalize(statement);
  } else {
    answer = sqlite3_errmsg(db);
  }
  sqlite3_close(db);
  return answer;
}

// One round on the database at `path` (kept from round to round, so the -wal
// grows and checkpoints into the main file on the way): `clients` threads
// write villages through one GroupCommitWriter until the power goes at a
// random operation drawn from `seed`; then the power returns and the file is
// opened as a new start would open it.
// `cut_at` 0 draws the cut; -1 cuts only once every write is answered.
inline RoundResult RunRound(Vfs& vfs, const std::string& path, int round, std::uint32_t seed,
                            std::int64_t cut_at = 0, int clients = 8, int per_client = 110) {
  RoundResult result;
  std::mt19937 random(seed);
  // Somewhere between the first commits and a little past the last one, so a
  // round sometimes loses power with nothing in flight.
  std::uniform_int_distribution<std::int64_t> cut_point(1, 12 * clients * per_client / 8 + 50);
  if (cut_at == 0) cut_at = cut_point(random);
  std::set<std::string> acknowledged;
  {
    Result<std::unique_ptr<Store>> store = OpenStore(path);
    if (!store.ok()) {
      result.journal = store.status();
      return result;
    }
    vfs.CutAt(cut_at > 0 ? cut_at : 0);
    GroupCommitWriter writer(std::move(*store), {.max_batch = 64}, nullptr);
    std::mutex mutex;
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        for (int i = 0; i < per_client; ++i) {
          std::string code = VillageCode(round, c * per_client + i);
          Status status = writer.Write([&](Store& s) -> Status {
            LX_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, s.Begin("power-loss"));
            LX_RETURN_IF_ERROR(
                txn->Upsert(Region{code, "村" + code.substr(9), RegionLevel::kVillage, TownshipCode(round)})
                    .status());
            return txn->Commit();
          });
          std::lock_guard lock(mutex);
          if (status.ok()) {
            acknowledged.insert(code);
          } else {
            ++result.refused;
            return;  // the power is gone: this client stops
          }
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    if (!vfs.cut()) vfs.Cut();  // every write done: the power goes now
    writer.Stop();
  }  // the writer's connection closes with the power off: nothing more reaches the disk
  result.operations = vfs.operations();
  vfs.Restore();
  result.acknowledged = static_cast<int>(acknowledged.size());

  result.integrity = IntegrityCheck(path);
  Result<std::unique_ptr<Store>> reopened = OpenStore(path);
  if (!reopened.ok()) {
    result.journal = reopened.status();
    return result;
  }
  std::int64_t checked = 0;
  result.journal = (*reopened)->VerifyJournal(&checked);
  Result<std::unique_ptr<WriteTxn>> txn = (*reopened)->Begin("power-loss-check");
  if (!txn.ok()) {
    result.journal = txn.status();
    return result;
  }
  for (const std::string& code : acknowledged) {
    Result<std::optional<Region>> found = (*txn)->FindRegion(code);
    if (!found.ok() || !found->has_value()) ++result.lost;
  }
  return result;
}

}  // namespace lianxin::powerloss
