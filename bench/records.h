// certshare bench: the records the load generator publishes. Each is a
// TLP:AMBER STIX incident of about 3 KB (a record of about 3.5 KB once
// sealed, the size of a sensor's sighting bundle), from one origin to four
// recipients, sealed with the project's own code (agent::Route for the
// recipients' keys, envelope::Sealer::SealBatch): `batch` records under one
// signature, 1 for records signed alone.
//
// Record number i (0, 1, ...) is "incident--<run>-0000-4000-8000-<i, 12
// hex digits>", <run> random per RecordSource, so that a new run is never
// taken for duplicates of a store filled by an earlier one; RecordNumber
// reads i back from a header's stix_id (latency: when was it sent).
//
// Sealing costs about as much CPU as the broker's verification: the
// records of a measured run are sealed before it starts (Preseal); a store
// is filled from a sealing thread that keeps a few batches ahead
// (StartSealing).
//
// Thread-safety: Next may be called from any number of threads.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/base/bytes.h"
#include "common/base/mutex.h"
#include "common/base/status.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::bench {

struct SealedBatch {
  std::size_t first = 0;  // the number of its first record
  std::vector<Bytes> records;
};

class RecordSource {
 public:
  RecordSource(const identity::Identity& origin, const identity::Registry& registry,
               std::vector<std::string> recipients, std::size_t count, std::size_t batch);
  ~RecordSource();

  // Seals every record now.
  Status Preseal();
  // Seals on a thread, keeping at most `ahead` batches ready.
  void StartSealing(std::size_t ahead);
  // The next batch, waiting for the sealer if needed; nullopt when every
  // record has been handed out (or sealing failed: status() says).
  std::optional<SealedBatch> Next() EXCLUDES(mu_);
  Status status() EXCLUDES(mu_);
  // The average size of the records sealed so far, in bytes.
  double average_bytes() EXCLUDES(mu_);

 private:
  Result<SealedBatch> SealOne(std::size_t first);
  void SealLoop(std::size_t ahead);

  const identity::Identity& origin_;
  const identity::Registry& registry_;
  std::vector<std::string> recipients_;
  const std::size_t count_;
  const std::size_t batch_;
  const std::string run_;

  Mutex mu_;
  CondVar changed_;
  std::deque<SealedBatch> ready_ GUARDED_BY(mu_);
  std::size_t sealed_ GUARDED_BY(mu_) = 0;  // records sealed (handed out or ready)
  std::uint64_t sealed_bytes_ GUARDED_BY(mu_) = 0;
  Status status_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread sealer_;
};

// The record number from a header's stix_id, or nullopt for a record
// RecordSource did not make.
std::optional<std::size_t> RecordNumber(std::string_view stix_id);

}  // namespace certshare::bench
