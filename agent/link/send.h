// certshare::agent — store and forward of the records one command made
// (`certshare publish`, a builder's --publish; docs/agent.md, "Store and
// forward"):
//
//   SpoolRecords    writes them to the spool in one synced write, each with
//                   the PublishedNote the spool keeps once it is stored
//                   (published.h). From then on they are safe.
//   ForwardRecords  sends what the spool holds, oldest first (records
//                   spooled earlier and still pending go first, in the
//                   order they were accepted), until nothing is pending, or
//                   the broker has acknowledged nothing for the idle
//                   timeout, or `stop`; and says what became of this
//                   command's records and of the earlier ones sent on the
//                   way.
//   CompareWithStored
//                   for a record the broker acknowledged, whether the
//                   version it stored under the record's id and `modified`
//                   is this one (known only when this spool sent it).
//
// The caller prints the results (agent/cli/send_records.h).
//
// Thread-safety: call from one thread. The Spool may be shared as Spool
// allows and must outlive the calls.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/link/compose.h"
#include "agent/link/forwarder.h"
#include "agent/link/published.h"
#include "agent/link/spool.h"
#include "common/base/status.h"

namespace certshare::agent {

// Adds `records` to `spool` in one synced write; their spool ids, in the
// same order. The spool's errors (kSpoolFull: nothing was accepted; its
// disk) are returned.
Result<std::vector<std::uint64_t>> SpoolRecords(Spool& spool, const std::vector<Composed>& records);

// What ForwardRecords did.
struct SendResult {
  // Each of this command's records, by spool id: how it was settled, or
  // nullopt while the broker has not answered for it (it stays spooled).
  std::map<std::uint64_t, std::optional<Outcome>> own;
  std::uint64_t own_settled = 0;  // how many of `own` were settled
  // Records spooled earlier that were settled on the way.
  std::uint64_t earlier_acked = 0;
  std::vector<Outcome> earlier_refused;
  // Forwarder::Drain's result: OK once nothing is pending (or on `stop`),
  // else why it gave up.
  Status drained;

  // Of this command's records, how many were settled as `kind`.
  std::uint64_t Count(Outcome::Kind kind) const;
};

// Forwards `spool` with a Forwarder connecting through `connect`
// (Forwarder::Drain(idle_timeout, stop)) and sorts the outcomes into this
// command's records (`ids`, from SpoolRecords) and earlier ones.
// `on_settled`, if set, is called with own_settled each time one of this
// command's records is settled. `trust`: federation mode
// (Forwarder::KeepTrustCurrent); null in local mode.
SendResult ForwardRecords(Spool& spool, Forwarder::Connector connect,
                          const std::vector<std::uint64_t>& ids,
                          std::chrono::milliseconds idle_timeout,
                          const std::atomic<bool>* stop = nullptr,
                          const std::function<void(std::uint64_t)>& on_settled = nullptr,
                          TrustRefresh* trust = nullptr);

// How one of this command's records compares with the version the broker
// stored under its id and `modified` (an acknowledged Outcome).
struct Comparison {
  bool known = false;                // this spool sent the stored version
  PublishedNote stored;              // its note, when known
  std::vector<std::string> differs;  // what differs from `mine` (Differences); empty: the same
};
Comparison CompareWithStored(Spool& spool, const Outcome& outcome, const PublishedNote& mine);

}  // namespace certshare::agent
