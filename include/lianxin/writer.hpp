// The one writer: every write of the server goes through it, and it commits
// many requests' transactions together (group commit), so one fsync
// (synchronous=FULL) makes a whole batch durable. A request is answered only
// after the batch holding it has committed.
//
//   GroupCommitWriter writer(std::move(write_store), {.max_batch = 512}, &metrics);
//   Status status = writer.Write([&](Store& store) -> Status {
//     LX_ASSIGN_OR_RETURN(auto txn, store.Begin("alice"));
//     LX_RETURN_IF_ERROR(txn->Upsert(household).status());
//     return txn->Commit();  // joins the batch; durable when Write returns ok
//   });
//
// A job runs on the writer thread with the writer's Store, inside a batch
// item (Store::BeginBatchItem): when it returns an error or throws, every
// change it made is undone and the rest of the batch still commits. When the
// commit itself fails, every job of that batch gets its error.
//
// Metrics: lianxin_store_commit_batch_size (writes per commit),
// lianxin_store_writer_queue_depth (writes waiting), lianxin_store_commits_total
// and lianxin_store_writes_total{outcome="ok|refused"}.
//
// Threads: Write() may be called from any number of threads at once and
// blocks its caller until the commit; jobs run one at a time on the writer
// thread. Stop() (and the destructor) commit what is queued, then end the thread.
#pragma once

#include <functional>
#include <memory>

#include "lianxin/metrics.hpp"
#include "lianxin/status.hpp"
#include "lianxin/store.hpp"

namespace lianxin {

struct WriterOptions {
  // The most writes one commit takes; whatever is queued beyond waits for the
  // next. 1 turns group commit off (one commit per write), for comparison.
  int max_batch = 512;
  // Called on the writer thread before each batch begins and after its
  // commit (StorePool::HoldReads and AllowKeptReads on the server).
  std::function<void()> before_batch;
  std::function<void()> after_batch;
};

class GroupCommitWriter {
 public:
  using Job = std::function<Status(Store&)>;

  // Owns `store`, a connection used by the writer thread alone. `metrics`
  // may be null; otherwise it must outlive the writer.
  GroupCommitWriter(std::unique_ptr<Store> store, WriterOptions options, Metrics* metrics);
  ~GroupCommitWriter();
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  // Runs `job` in the next batch and returns, once that batch is durable,
  // the job's own status, or the commit's error. kUnavailable after Stop().
  Status Write(Job job);

  // Commits every write already queued, refuses new ones and joins the
  // writer thread. Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lianxin
