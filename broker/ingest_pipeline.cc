#include "broker/ingest_pipeline.h"

#include <chrono>
#include <string>

#include "common/base/thread_name.h"

namespace certshare::broker {

IngestPipeline::IngestPipeline(storage::Log* log, CheckFn check, std::function<void()> wake,
                               Metrics* metrics, const IngestOptions& options)
    : log_(log),
      check_(std::move(check)),
      wake_(std::move(wake)),
      metrics_(metrics),
      options_(options) {
  int workers = options_.workers > 0 ? options_.workers
                                     : static_cast<int>(std::thread::hardware_concurrency());
  if (workers < 1) workers = 1;
  for (int i = 0; i < workers; ++i) {
    workers_.emplace_back([this, i] {
      SetThreadName("ingest-" + std::to_string(i));
      VerifyLoop();
    });
  }
  committer_ = std::thread([this] {
    SetThreadName("committer");
    CommitLoop();
  });
}

IngestPipeline::~IngestPipeline() { Drain(); }

void IngestPipeline::Submit(IngestJob job) {
  job.ticket = next_ticket_++;
  job.received_ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  ++in_flight_;
  {
    MutexLock lock(&verify_mu_);
    to_verify_.push_back(std::move(job));
  }
  verify_cv_.Signal();
}

void IngestPipeline::TakeCompleted(std::vector<IngestJob>* out) {
  std::vector<IngestJob> done;
  {
    MutexLock lock(&done_mu_);
    done.swap(done_);
  }
  in_flight_ -= done.size();
  for (auto& job : done) out->push_back(std::move(job));
}

void IngestPipeline::Drain() {
  {
    MutexLock lock(&verify_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  verify_cv_.SignalAll();
  for (auto& t : workers_) t.join();
  {
    MutexLock lock(&commit_mu_);
    commit_stopping_ = true;
  }
  commit_cv_.SignalAll();
  committer_.join();
}

void IngestPipeline::VerifyLoop() {
  while (true) {
    IngestJob job;
    {
      MutexLock lock(&verify_mu_);
      while (!stopping_ && to_verify_.empty()) verify_cv_.Wait(&verify_mu_);
      if (to_verify_.empty()) return;  // stopping, and nothing left
      job = std::move(to_verify_.front());
      to_verify_.pop_front();
    }
    job.status = check_(job);
    {
      MutexLock lock(&commit_mu_);
      checked_.emplace(job.ticket, std::move(job));
    }
    commit_cv_.Signal();
  }
}

void IngestPipeline::CommitLoop() {
  while (true) {
    std::vector<IngestJob> run;
    {
      MutexLock lock(&commit_mu_);
      while (!commit_stopping_ && checked_.count(next_commit_) == 0) {
        commit_cv_.Wait(&commit_mu_);
      }
      // Take the consecutive tickets that are ready: arrival order.
      for (auto it = checked_.find(next_commit_);
           it != checked_.end() && it->first == next_commit_ && run.size() < options_.max_batch;
           it = checked_.find(next_commit_)) {
        run.push_back(std::move(it->second));
        checked_.erase(it);
        ++next_commit_;
      }
      if (run.empty() && commit_stopping_) return;
    }
    if (!run.empty()) CommitRun(run);
  }
}

// One group commit: every checked record of the run in one synced write.
// A failed write fails every record of it; a record the log refuses alone
// fails alone.
void IngestPipeline::CommitRun(std::vector<IngestJob>& run) {
  std::vector<storage::Entry> entries;
  std::vector<IngestJob*> appended;
  for (auto& job : run) {
    if (!job.status.ok()) continue;
    entries.push_back({job.dedupe_key, job.record, job.received_ms, job.object_id,
                       job.version_key});
    appended.push_back(&job);
  }
  if (!entries.empty()) {
    auto start = std::chrono::steady_clock::now();
    auto results = log_->AppendBatch(entries);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (metrics_ != nullptr) metrics_->Commit(entries.size(), took.count());
    for (std::size_t i = 0; i < appended.size(); ++i) {
      if (!results.ok()) {
        appended[i]->status = results.status();
      } else if (const Result<storage::AppendResult>& r = (*results)[i]; r.ok()) {
        appended[i]->stored = *r;
      } else {
        // The check (CheckFn) bounds every key, so this is a bug, not the
        // publisher's input: never INVALID_ARGUMENT on the wire.
        appended[i]->status =
            Status(ErrorCode::kInternal, "the log refused this record: " + r.status().ToString());
      }
    }
  }
  {
    MutexLock lock(&done_mu_);
    for (auto& job : run) done_.push_back(std::move(job));
  }
  wake_();
}

}  // namespace certshare::broker
