// certshare::agent::ReceiptBatcher — a recipient's side of delivery
// receipts (docs/receipts.md, "At the recipient"): the subscriber's Feed
// tells it of each record from another organisation whose output is
// committed (processed) or which it quarantined after the record verified
// as its origin's (rejected, with the error code); it signs a receipt for
// each with this organisation's signing key and, per origin, seals up to
// max_batch receipts (or what max_wait collected) as one batch of records
// under one record signature (envelope::Sealer::SealBatch), each a
// `certshare-receipt` object, TLP:AMBER+STRICT, encrypted to the origin
// only, and hands the batch to `spool` (the caller's store-and-forward
// spool, which sends it like any record).
//
// Receipts wait in memory until their batch is sealed and spooled: a crash
// in that window (at most max_wait) loses them, never a record. A record
// delivered again after a crash (not yet acknowledged) is recognised as
// already output and gets its receipt again.
//
// Thread-safety: one thread per ReceiptBatcher.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/receive/receipt.h"
#include "common/base/bytes.h"
#include "common/base/status.h"
#include "common/envelope/envelope.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::agent {

using ReceiptClock = std::chrono::steady_clock;

// Stores one sealed batch durably (a spool's Add): OK means it will be sent.
using ReceiptSpooler = std::function<Status(const std::vector<envelope::Sealed>& batch)>;

struct ReceiptBatcherOptions {
  // Receipts per sealed batch at most (one origin). Default 256.
  std::size_t max_batch = 256;
  // How long a receipt waits for others to the same origin. Default 1 s.
  std::chrono::milliseconds max_wait{1000};
  ReceiptSpooler spool;  // required
};

// A record whose origin signed it, as a receipt names it.
struct ReceiptSubject {
  std::string origin;
  crypto::Hash256 leaf{};
  std::string record_id;
  std::string record_modified;
};

// The record's origin, leaf, id and `modified` when it decodes and its
// origin's signature verifies under a key of the origin's card in
// `registry` (current or previous); nullopt otherwise (no receipt is ever
// sent for a record that did not verify as its origin's).
std::optional<ReceiptSubject> AuthenticatedSubject(ByteView record,
                                                   const identity::Registry& registry);

class ReceiptBatcher {
 public:
  // `me` and `registry` must outlive the batcher.
  ReceiptBatcher(const identity::Identity& me, const identity::Registry& registry,
                 ReceiptBatcherOptions options);

  // Signs a receipt about `subject` (state, code, now) and queues it;
  // seals and spools the origin's batch when it is full. Receipts about
  // this organisation's own records are not made (OK, nothing queued).
  // Errors: sealing's (an origin no longer in the registry) or the spool's;
  // the queued receipts of that origin stay queued.
  Status Add(const ReceiptSubject& subject, ReceiptState state, ErrorCode code = ErrorCode::kOk);

  // When the oldest queued receipt is max_wait old; nullopt when none waits.
  std::optional<ReceiptClock::time_point> Deadline() const;
  // Seals and spools every origin's batch whose oldest receipt is due at
  // `now` (all of them with `all`).
  Status Flush(ReceiptClock::time_point now, bool all);

  // Receipts handed to the spool so far.
  std::uint64_t spooled() const { return spooled_; }
  // Receipts queued, not yet spooled.
  std::size_t queued() const;

 private:
  struct Queue {
    std::vector<Receipt> receipts;
    ReceiptClock::time_point first;
  };
  Status Seal(const std::string& origin);

  const identity::Identity& me_;
  const identity::Registry& registry_;
  ReceiptBatcherOptions o_;
  envelope::Sealer sealer_;
  std::map<std::string, Queue> queues_;
  std::uint64_t spooled_ = 0;
};

}  // namespace certshare::agent
