// certshare::broker::IngestPipeline — the stages a published record goes
// through after the socket thread has read it:
//
//   Submit (socket thread)
//     → Check on a worker thread: decode, authenticate origin, verify the
//       Ed25519 signature (the most expensive step, so it runs on every
//       core, off the socket thread)
//     → group commit on the committer thread: every checked record waiting,
//       in arrival order, goes into ONE synced RocksDB write
//       (storage::Log::AppendBatch). A failed write fails every record in
//       it; a record the log refuses alone (it should never: the check
//       bounds its keys) fails alone, with kInternal.
//     → TakeCompleted (socket thread): ACK or ERROR for each, in arrival
//       order, after the write that holds it is durable.
//
// Arrival order is kept end to end, so the records of one publisher are
// stored in the order it sent them.
//
// Thread-safety: Submit, TakeCompleted, InFlight and Drain are called from
// the socket thread only; the pipeline's own threads are internal.
// Lock order: verify_mu_ and commit_mu_ and done_mu_ are never held
// together.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "broker/metrics.h"
#include "common/base/mutex.h"
#include "common/base/status.h"
#include "common/envelope/envelope.h"
#include "storage/log.h"

namespace certshare::broker {

struct IngestJob {
  // Filled in by the socket thread.
  std::string peer;
  std::string org;  // authenticated sender
  std::uint64_t correlation = 0;
  Bytes record;
  std::size_t charged_bytes = 0;  // held in the broker's Budget until taken
  // Filled in by the pipeline.
  std::uint64_t ticket = 0;
  std::uint64_t received_ms = 0;
  // Set by the check: the storage keys encoded from the record's key
  // (origin, STIX id, canonical `modified`; record_key.h).
  std::string dedupe_key;   // EncodeRecordKey
  std::string object_id;    // EncodeObjectId: origin and STIX id
  std::string version_key;  // EncodeVersionKey: sortable `modified`
  envelope::Header header;  // decoded by the check, for the fan-out (Tail)
  Status status;                   // why it was refused, or OK
  storage::AppendResult stored;    // when status is OK
};

struct IngestOptions {
  // Threads checking signatures. Default 0: one per core.
  int workers = 0;
  // Most records merged into one write. Default 1024: a sync costs about
  // the same for 1 record as for 1024 (docs/storage.md), so larger batches
  // mostly add latency for the first waiter.
  std::size_t max_batch = 1024;
};

class IngestPipeline {
 public:
  // Checks one record (job.org, job.record): decode, authenticate the
  // origin, verify, and every limit that belongs to the record alone, so
  // that nothing the publisher sent can make the group commit fail. On
  // success fills job.dedupe_key, object_id and version_key, each within
  // storage::kMaxKeyLength. Must be thread-safe.
  using CheckFn = std::function<Status(IngestJob& job)>;

  // `wake` is called (from pipeline threads) whenever jobs complete.
  IngestPipeline(storage::Log* log, CheckFn check, std::function<void()> wake,
                 Metrics* metrics, const IngestOptions& options = {});
  ~IngestPipeline();  // Drain()s and joins
  IngestPipeline(const IngestPipeline&) = delete;
  IngestPipeline& operator=(const IngestPipeline&) = delete;

  void Submit(IngestJob job);
  // Appends the jobs completed so far, in arrival order.
  void TakeCompleted(std::vector<IngestJob>* out);
  // Jobs submitted and not yet taken.
  std::size_t InFlight() const { return in_flight_; }
  // Waits until every submitted job has completed, then stops the threads.
  void Drain();

 private:
  void VerifyLoop();
  void CommitLoop();
  void CommitRun(std::vector<IngestJob>& run);

  storage::Log* log_;
  CheckFn check_;
  std::function<void()> wake_;
  Metrics* metrics_;
  IngestOptions options_;

  std::uint64_t next_ticket_ = 1;  // socket thread only
  std::size_t in_flight_ = 0;      // socket thread only

  Mutex verify_mu_;
  CondVar verify_cv_;
  std::deque<IngestJob> to_verify_ GUARDED_BY(verify_mu_);
  bool stopping_ GUARDED_BY(verify_mu_) = false;

  Mutex commit_mu_;
  CondVar commit_cv_;
  std::map<std::uint64_t, IngestJob> checked_ GUARDED_BY(commit_mu_);  // by ticket
  std::uint64_t next_commit_ GUARDED_BY(commit_mu_) = 1;
  bool commit_stopping_ GUARDED_BY(commit_mu_) = false;

  Mutex done_mu_;
  std::vector<IngestJob> done_ GUARDED_BY(done_mu_);

  std::vector<std::thread> workers_;
  std::thread committer_;
};

}  // namespace certshare::broker
