#include "lianxin/writer.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace lianxin {

namespace {

struct Pending {
  GroupCommitWriter::Job job;
  std::promise<Status> done;
};

const std::vector<double> kBatchBuckets = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

// Runs one job, turning an escaping exception into an error (a bug, but not
// one that may take the other writes of the batch with it).
Status RunJob(const GroupCommitWriter::Job& job, Store& store) {
  try {
    return job(store);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("写入时抛出异常: ") + e.what());
  } catch (...) {
    return Status::Internal("写入时抛出未知异常");
  }
}

}  // namespace

struct GroupCommitWriter::Impl {
  std::unique_ptr<Store> store;
  WriterOptions options;
  Histogram* batch_size = nullptr;
  Gauge* queue_depth = nullptr;
  Counter* commits = nullptr;
  Counter* writes_ok = nullptr;
  Counter* writes_refused = nullptr;

  std::mutex mu;
  std::condition_variable wake;
  std::deque<std::unique_ptr<Pending>> queue;
  bool stopping = false;
  std::thread thread;

  void Loop() {
    std::vector<std::unique_ptr<Pending>> batch;
    for (;;) {
      {
        std::unique_lock lock(mu);
        wake.wait(lock, [&] { return stopping || !queue.empty(); });
        if (queue.empty()) return;  // stopping, and everything queued is committed
        size_t take = std::min(queue.size(), static_cast<size_t>(std::max(1, options.max_batch)));
        for (size_t i = 0; i < take; ++i) {
          batch.push_back(std::move(queue.front()));
          queue.pop_front();
        }
        if (queue_depth) queue_depth->Set(static_cast<double>(queue.size()));
      }
      Commit(batch);
      batch.clear();
    }
  }

  void Commit(std::vector<std::unique_ptr<Pending>>& batch) {
    if (options.before_batch) options.before_batch();
    struct After {
      const std::function<void()>& after;
      ~After() {
        if (after) after();
      }
    } after{options.after_batch};
    std::vector<Status> results(batch.size());
    Status begun = store->BeginBatch();
    if (!begun.ok()) {
      for (auto& pending : batch) pending->done.set_value(begun);
      return;
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      Status item = store->BeginBatchItem();
      if (!item.ok()) {
        results[i] = item;
        continue;
      }
      results[i] = RunJob(batch[i]->job, *store);
      Status ended = store->EndBatchItem(results[i].ok());
      if (!ended.ok()) {
        spdlog::error("ending a write of a group commit failed: {}", ended.message());
        if (results[i].ok()) results[i] = ended;
      }
    }
    Status committed = store->EndBatch();
    if (!committed.ok())
      spdlog::error("group commit of {} writes failed: {}", batch.size(), committed.message());
    if (commits) commits->Increment();
    if (batch_size) batch_size->Observe(static_cast<double>(batch.size()));
    for (size_t i = 0; i < batch.size(); ++i) {
      Status result = committed.ok() ? results[i] : committed;
      if (writes_ok) (result.ok() ? writes_ok : writes_refused)->Increment();
      batch[i]->done.set_value(std::move(result));
    }
  }
};

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<Store> store, WriterOptions options, Metrics* metrics)
    : impl_(std::make_unique<Impl>()) {
  impl_->store = std::move(store);
  impl_->options = options;
  if (metrics) {
    impl_->batch_size =
        &metrics->histogram("lianxin_store_commit_batch_size", "Writes per group commit.", kBatchBuckets);
    impl_->queue_depth = &metrics->gauge("lianxin_store_writer_queue_depth", "Writes waiting for a commit.");
    impl_->commits = &metrics->counter("lianxin_store_commits_total", "Group commits written.");
    impl_->writes_ok =
        &metrics->counter("lianxin_store_writes_total", "Writes by outcome.", {{"outcome", "ok"}});
    impl_->writes_refused =
        &metrics->counter("lianxin_store_writes_total", "Writes by outcome.", {{"outcome", "refused"}});
  }
  impl_->thread = std::thread([impl = impl_.get()] { impl->Loop(); });
}

GroupCommitWriter::~GroupCommitWriter() { Stop(); }

Status GroupCommitWriter::Write(Job job) {
  auto pending = std::make_unique<Pending>();
  pending->job = std::move(job);
  std::future<Status> done = pending->done.get_future();
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopping) return Status(Code::kUnavailable, "服务正在停止,未写入 (writer_stopped)");
    impl_->queue.push_back(std::move(pending));
    if (impl_->queue_depth) impl_->queue_depth->Set(static_cast<double>(impl_->queue.size()));
  }
  impl_->wake.notify_one();
  return done.get();
}

void GroupCommitWriter::Stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopping && !impl_->thread.joinable()) return;
    impl_->stopping = true;
  }
  impl_->wake.notify_one();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace lianxin
