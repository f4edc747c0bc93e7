// certshare::agent::sensor::Pipeline — the sensor's hot path, in three
// stages on three threads:
//
//   reader (the caller of Run):
//     read lines (LineSource) -> map each to STIX (EventMapper; bad lines
//     reported and skipped) -> route it (TLP and recipients, agent::Route,
//     cached per TLP) -> collect drafts into a batch, handed over when it
//     has PipelineOptions::batch_events events or its first waited
//     batch_delay
//   sealer (a thread Run starts and joins):
//     seal the batch under ONE signature (envelope::Sealer::SealBatch)
//   spooler (another):
//     hand the sealed records to a RecordSink (the agent's spool) in one
//     call, then tell PipelineOptions::spooled
//
// The batch is the unit of cost: one Ed25519 signature and one synced
// spool write per batch, so per event only the JSON work, an AEAD over the
// payload and one key wrap per recipient (with the Sealer's cached shared
// keys) remain. Each record still verifies alone (its Merkle proof), so
// recipients see no difference. Mapping is the largest cost per event,
// then the spool write, then sealing (sensor_bench prints each), and the
// spool's fsync is a wait, not work: with the three side by side, two
// cores do about 23,000 events a second where one thread did 12,000 and
// two stages 19,500. At most kQueuedBatches batches wait between two
// stages, so memory stays bounded and a slow sink holds the reader back.
//
// Nothing accepted is dropped: when the sink says the spool is full
// (kSpoolFull), the spooler keeps the batch and offers it again every
// full_retry while the reader waits (a followed file simply falls behind; a
// pipe or socket writer is held back). Any other sink error ends Run with
// that error and says how many events it had not taken.
//
// A batch whose sealing fails (a draft the envelope refuses) is sealed
// again event by event so that only the offending events are lost, each
// reported.
//
// Thread-safety: call Run from one thread; stats() from any. The reporter
// is called from all three threads, never concurrently.
#pragma once

#include <array>
#include <deque>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "agent/link/compose.h"
#include "agent/link/live_trust.h"
#include "agent/link/spool.h"
#include "agent/sensor/event.h"
#include "agent/sensor/follow.h"
#include "common/base/mutex.h"
#include "common/envelope/envelope.h"

namespace certshare::agent::sensor {

// Where sealed batches go.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Takes the records durably, all or none. `keys` holds each record's
  // dedupe key (envelope::EncodeRecordKey of the header the sealer made),
  // in the same order. kSpoolFull: none taken, offer them again later. Any
  // other error is final.
  virtual Status Accept(std::span<const Bytes> records, std::span<const std::string> keys) = 0;
};

// The agent's spool as a sink (Spool::AddKeyed: one synced write per batch,
// nothing decoded again).
class SpoolSink final : public RecordSink {
 public:
  explicit SpoolSink(Spool& spool) : spool_(spool) {}
  Status Accept(std::span<const Bytes> records, std::span<const std::string> keys) override {
    return spool_.AddKeyed(records, keys).status();
  }

 private:
  Spool& spool_;
};

// TLP and recipients for each event: agent::ChooseTlp (the event's own
// marking raised to the sensor's --tlp, never lowered) and agent::Route
// with the sensor's options, the routing computed once per TLP level.
//
// With a LiveTrust (federation mode), the routings follow the registry it
// makes current: once its generation changes, the next For computes them
// again from the new registry (a revoked organisation is left out of the
// GREEN community and groups from then on), checks each card with
// LiveTrust::Usable, and tells the warning Compose gives for what it left
// out through `warn`. Not thread-safe: the pipeline's reader calls For.
class RouteCache {
 public:
  // `registry` must outlive the cache.
  RouteCache(ComposeOptions options, const identity::Identity& me,
             const identity::Registry& registry)
      : options_(std::move(options)), me_(me), registry_(&registry) {}
  // Federation mode: the registry of `live`, which must outlive the cache.
  RouteCache(ComposeOptions options, const identity::Identity& me, const LiveTrust& live,
             std::function<void(const std::string&)> warn);
  // The routing for a document with this marking (`marked_by`: where it
  // is, SensorEvent::marked_by), or why there is none (a marking above
  // --tlp, AMBER without recipients, ...).
  Result<const Routing*> For(std::optional<Tlp> marked, std::string_view marked_by = {});

 private:
  // Takes the live registry if it changed, forgetting the routings.
  void Follow();

  ComposeOptions options_;
  const identity::Identity& me_;
  const identity::Registry* registry_;
  const LiveTrust* live_ = nullptr;
  LiveTrust::Snapshot snapshot_;  // keeps *registry_ alive in federation mode
  std::function<void(const std::string&)> warn_;
  std::array<std::optional<Result<Routing>>, kMaxTlp + 1> cache_;
};

struct PipelineOptions {
  // Most events in one batch (one signature). Default 256: large enough
  // that the signature and the synced spool write are a small part of
  // each event's cost, small enough to keep a batch under a megabyte.
  std::size_t batch_events = 256;
  // Longest an event waits for its batch to fill. Default 100 ms: the
  // latency a quiet sensor adds.
  std::chrono::milliseconds batch_delay{100};
  // How often a full spool is offered the batch again. Default 1 s.
  std::chrono::milliseconds full_retry{1000};
  // Bad lines reported one by one; after that they are only counted (the
  // summary has the total). Default 100.
  std::size_t max_reports = 100;
  // Called on the spooler's thread after each batch the sink took, with the
  // batch's last line: every line up to it is spooled or was not an
  // event. `certshare sensor` saves a followed file's position with it.
  std::function<void(const Line& last)> spooled;
};

struct PipelineStats {
  std::uint64_t lines = 0;      // lines read
  std::uint64_t published = 0;  // events sealed and taken by the sink
  std::uint64_t skipped = 0;    // lines that are not events (non-alert EVE, blank)
  std::uint64_t bad = 0;        // lines refused: malformed, invalid, too long, unroutable
  std::uint64_t batches = 0;    // batches taken by the sink
};

class Pipeline {
 public:
  // Messages for the operator (bad lines, input notices, a full spool).
  using Reporter = std::function<void(const std::string&)>;

  // Batches waiting between the reader and the sealer, at most.
  static constexpr std::size_t kQueuedBatches = 2;

  // Everything passed in must outlive the Pipeline.
  Pipeline(LineSource& source, EventMapper& mapper, RouteCache& routes,
           envelope::Sealer& sealer, RecordSink& sink, PipelineOptions options,
           Reporter report);

  // Runs until the input ends or `stop` is true, then seals and hands over
  // what is batched. OK, or the sink's or the input's final error.
  Status Run(const std::atomic<bool>& stop);

  // A snapshot of the counters.
  PipelineStats stats() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Batch {
    std::vector<envelope::Draft> drafts;
    std::vector<Line> lines;  // each draft's line number (no text), for messages
  };

  // Reader.
  Status Read(const std::atomic<bool>& stop);
  void Take(const Line& line);
  Status Submit();
  // Records sealed from a batch, each with its dedupe key.
  struct Records {
    std::vector<Bytes> records;
    std::vector<std::string> keys;  // envelope::EncodeRecordKey, one per record
  };
  // A batch sealed, waiting for the spooler.
  struct Sealed {
    Records sealed;
    std::size_t events = 0;     // drafts it came from
    std::optional<Line> last;   // the batch's last line (for options_.spooled)
  };

  // Sealer.
  void SealLoop();
  Records Seal(const Batch& batch);
  // Spooler.
  void SpoolLoop(const std::atomic<bool>& stop);
  Status Hand(const Records& sealed, const std::atomic<bool>& stop);
  // Either thread.
  void Bad(const Line& line, const std::string& why);
  void Say(const std::string& message);

  LineSource& source_;
  EventMapper& mapper_;
  RouteCache& routes_;
  envelope::Sealer& sealer_;
  RecordSink& sink_;
  PipelineOptions options_;
  Reporter report_;

  Batch batch_;  // the reader's batch being filled
  Clock::time_point batch_started_;

  mutable Mutex mu_;
  CondVar changed_;  // queue_, sealed_, closed_, sealing_done_ or failed_ changed
  std::deque<Batch> queue_ GUARDED_BY(mu_);     // reader -> sealer
  std::deque<Sealed> sealed_ GUARDED_BY(mu_);   // sealer -> spooler
  bool closed_ GUARDED_BY(mu_) = false;         // the reader will submit nothing more
  bool sealing_done_ GUARDED_BY(mu_) = false;   // the sealer will hand over nothing more
  Status failed_ GUARDED_BY(mu_);               // the spooler's final error; all stop
  std::size_t lost_ GUARDED_BY(mu_) = 0;  // events in batches the sealer could not hand over
  PipelineStats stats_ GUARDED_BY(mu_);
  Mutex report_mu_;  // one message at a time
};

}  // namespace certshare::agent::sensor
