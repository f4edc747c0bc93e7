// certshare::agent::Feed — what a subscriber does with each delivered
// record, apart from talking to the broker: verify and decrypt it
// (agent::Verify), quarantine it if that fails, drop it if it was already
// passed on, else hand it to the Output; commit the output when due; and
// say up to which sequence everything is safely done, i.e. what may be
// acknowledged (CONSUMED) to the broker.
//
// Exactly once. The broker delivers at least once after the last
// acknowledgement. A record is passed on at most once because:
//  - within a run, a sequence at or below the last one taken is a
//    redelivery (after the subscriber subscribed again) and is skipped;
//  - across runs, the SeenStore holds the dedupe key (origin, STIX id,
//    `modified`: envelope::RecordKey) of every record committed, recorded
//    by the output's journal in the same synced write as its redo action
//    (agent/receive/output.h); a record whose key is there is skipped.
// And at least once because nothing is acknowledged before the output
// holding it is committed: DoneThrough() stays below the first record
// written but not yet committed.
//
// Quarantine. A record failing any check is put in the Quarantine (when
// there is one) and counts as done: it is acknowledged like the others, so
// the broker does not deliver it forever, and it is never given to the
// output. Its key is not recorded (an unverified header proves nothing).
//
// Receipts (docs/receipts.md). A record of type kReceiptType is never
// given to the output: the ReceiptKeeper checks and keeps it (when there
// is one) and it counts as done. With a ReceiptBatcher, a record from
// another organisation gets a signed receipt: `processed` once its output
// is committed (or when it is recognised as already output), `rejected`
// with the error code when it is quarantined after its origin's signature
// verified; none for a record that did not verify as its origin's, for a
// receipt, or for this organisation's own records.
//
// Errors from Take or Commit (an output or quarantine that cannot write,
// the seen store) leave the failing records unacknowledged: the caller
// stops and a later run receives them again.
//
// Thread-safety: one thread per Feed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "agent/receive/output.h"
#include "agent/receive/quarantine.h"
#include "agent/receive/render.h"
#include "agent/receive/receipt_batcher.h"
#include "agent/receive/receipt_keeper.h"
#include "common/base/bytes.h"
#include "common/base/status.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"
#include "storage/seen_store.h"

namespace certshare::agent {

struct FeedParts {
  std::unique_ptr<Output> output;  // required
  // The duplicate check across runs. Null: only redeliveries within a run
  // are recognised.
  std::unique_ptr<storage::SeenStore> seen;
  // Null: rejected records are only reported.
  std::unique_ptr<Quarantine> quarantine;
  // How records are verified (render.h). Without its memory the Feed uses
  // its own: each batch's signature is checked once, each origin's shared
  // key computed once.
  VerifyOptions verify;
  // Null: receipt records are skipped unread (and counted as done).
  std::unique_ptr<ReceiptKeeper> receipts_in;
  // Null: no receipts are sent (`subscribe --receipts none`).
  std::unique_ptr<ReceiptBatcher> receipts_out;
};

// What Take did with a record.
struct Taken {
  enum class What {
    kWritten,      // given to the output (passed on once committed)
    kDuplicate,    // already passed on (or taken in this run): skipped
    kQuarantined,  // failed a check: quarantined (or only reported)
    kReceipt,      // a receipt record: kept (`kept` receipts) or skipped, never output
  };
  What what = What::kWritten;
  Status why;               // kQuarantined: the failed check
  std::string quarantined;  // kQuarantined: the .json file, if any
  std::size_t kept = 0;     // kReceipt: receipts kept in the receipts store
};

class Feed {
 public:
  // Finishes what a crash interrupted (the seen store's pending redo
  // actions, through Output::Recover) before anything new is written.
  // `me` and `registry` must outlive the Feed.
  static Result<std::unique_ptr<Feed>> Open(FeedParts parts, const identity::Identity& me,
                                            const identity::Registry& registry);

  Result<Taken> Take(std::uint64_t sequence, ByteView record);

  bool CommitDue(OutputClock::time_point now) const { return parts_.output->CommitDue(now); }
  // The output's deadline, or the receipts' (ReceiptBatcher::Deadline) if
  // sooner.
  std::optional<OutputClock::time_point> CommitDeadline() const;
  // Seals and spools the receipts that are due at `now` (all with `all`).
  Status FlushReceipts(OutputClock::time_point now, bool all);
  // Commits what was written (a no-op when nothing was).
  Status Commit();

  // Every record taken up to this sequence is done (committed, skipped or
  // quarantined): the sequence to acknowledge. 0 before anything was done.
  std::uint64_t DoneThrough() const;
  // Records written and not yet committed.
  std::size_t Pending() const { return pending_keys_.size(); }

  const Output& output() const { return *parts_.output; }

 private:
  Feed(FeedParts parts, const identity::Identity& me, const identity::Registry& registry)
      : parts_(std::move(parts)), me_(me), registry_(registry) {
    envelope::OpenMemory& memory = parts_.verify.memory;
    if (memory.verified_roots == nullptr) memory.verified_roots = &verified_roots_;
    if (memory.shared_keys == nullptr) memory.shared_keys = &shared_keys_;
  }
  Result<bool> AlreadyPassedOn(const std::string& key) const;
  // A receipt record: kept by receipts_in, never output.
  Result<Taken> TakeReceipt(std::uint64_t sequence, const Verified& verified);
  // Queues a `rejected` receipt for a quarantined record that verified as
  // its origin's.
  Status ReceiptForRejected(ByteView record, const Status& why);

  // A batch's signature is checked once and each origin's shared key is
  // computed once (unless the parts bring their own memory).
  envelope::VerifiedRoots verified_roots_;
  envelope::SharedKeys shared_keys_;
  FeedParts parts_;
  const identity::Identity& me_;
  const identity::Registry& registry_;
  std::uint64_t last_taken_ = 0;
  std::uint64_t first_pending_ = 0;  // 0: nothing pending
  std::vector<std::string> pending_keys_;
  std::unordered_set<std::string> pending_set_;
  // The records written and not yet committed, as their receipts name them.
  std::vector<ReceiptSubject> pending_receipts_;
};

}  // namespace certshare::agent
