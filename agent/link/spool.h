// certshare::agent::Spool — the agent's local store-and-forward queue: every
// record the agent accepts is written here, synced, before any command
// reports success, and stays until the broker acknowledges it (then
// Remove) or refuses it (then Refuse: kept apart, with the broker's error).
// docs/agent.md, "Store and forward", states the guarantees and the policy.
//
// A spool is a small RocksDB database in its own directory (mode 0700; it
// holds signed records, and TLP:CLEAR or plaintext GREEN payloads in
// clear), kept by storage::SpoolStore (storage/spool_store.h: RocksDB stays
// behind storage/). This class adds what needs the envelope: each record is
// decoded for its dedupe key. Every change is one atomic WriteBatch that
// also rewrites the counters, so the counters always match the records,
// after a crash too.
//
// Durability:
//   Add       synced (fsync of the WAL) before it returns: an id returned
//             means the record survives SIGKILL and power loss.
//   Remove,   written to the WAL without fsync. Such a write survives the
//   Refuse,   process being killed (it is in the kernel's page cache); only
//   ...       a machine crash can lose it, and then the record is simply
//             still pending: it is sent again and the broker acknowledges
//             it as a duplicate (same STIX id and modified). An fsync per
//             acknowledgement would cost more than the resend it prevents.
//   A write that fails puts the spool in a failed state (as storage::Log):
//   every later write returns kUnavailable until it is reopened.
//
// Limits: SpoolOptions::max_bytes and max_records bound everything stored
// (pending and refused). Add refuses a batch that would pass either limit
// with kSpoolFull and writes nothing of it: nothing is ever dropped to make
// room.
//
// Ids: 1, 2, 3, ... in acceptance order, never reused. Records are sent in
// id order.
//
// Dedupe: a record whose dedupe key (envelope::RecordKey, record_key.h:
// origin, STIX id and modified) is already pending is not stored again; Add returns the id of
// the pending one. This matches the broker, which stores one record per
// origin, STIX id and modified.
//
// Processes: one process at a time opens a spool for writing (RocksDB's
// LOCK file); Open waits up to SpoolOptions::lock_wait for another to
// finish and then fails with kUnavailable. Inspect reads a spool another
// process holds (read-only, for `certshare status`).
//
// Thread-safety: every method may be called from any thread (a sensor adds
// on one thread while a Forwarder sends on another). Writes are serialised
// by one mutex held across the RocksDB write, including Add's fsync.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/base/bytes.h"
#include "common/base/status.h"
#include "storage/spool_store.h"

namespace certshare::agent {

// Options (limits, lock wait, the Env it writes through) and the record
// types are the store's: see storage/spool_store.h for each field and its
// default.
using SpoolOptions = storage::SpoolOptions;
using SpooledRecord = storage::SpooledRecord;  // id, dedupe_key, accepted_ms, record
using RefusedRecord = storage::RefusedRecord;  // spooled, refused_ms, code, message
using SpoolCounts = storage::SpoolCounts;
using SentRecord = storage::SentRecord;            // spool_id, sequence, stored_ms, note
using Acknowledgement = storage::Acknowledgement;  // id, sequence, duplicate

class Spool {
 public:
  // Opens (creating it, mode 0700, if missing) the spool in `dir`.
  // kUnavailable when another process holds it past options.lock_wait;
  // kCorruption when `dir` holds a database that is not a certshare spool
  // or is damaged; kIoError / kStorageError otherwise.
  static Result<std::unique_ptr<Spool>> Open(const std::string& dir,
                                             const SpoolOptions& options = {});
  // The counts of the spool in `dir` without taking it: works while
  // another process has it open (a read-only view as of now). All zero
  // when `dir` holds no spool.
  static Result<SpoolCounts> Inspect(const std::string& dir);
  // Up to `max` refused records (oldest id first) of the spool in `dir`,
  // read as Inspect does. Empty when `dir` holds no spool.
  static Result<std::vector<RefusedRecord>> InspectRefused(const std::string& dir,
                                                           std::size_t max);

  // The sent records of the spool in `dir` whose dedupe keys start with
  // `key_prefix`, read as Inspect does (storage::SpoolStore::InspectSent).
  static Result<std::vector<std::pair<std::string, SentRecord>>> InspectSent(
      const std::string& dir, std::string_view key_prefix) {
    return storage::SpoolStore::InspectSent(dir, key_prefix);
  }

  explicit Spool(std::unique_ptr<storage::SpoolStore> store) : store_(std::move(store)) {}

  // Accepts records durably: one synced WriteBatch for all of them. Returns
  // one id per record, in input order (a record already pending, or
  // repeated in `records`, gets the id of the first). Errors, with nothing
  // written: kMalformedRecord / kMalformedHeader / ... for a record that
  // does not decode ("record 3 of 10: ..."); kSpoolFull when the new
  // records would pass max_bytes or max_records; the write's error, after
  // which the spool is failed; kUnavailable when it already is. An empty
  // `records` returns {}. `notes`: empty, or one per record: what to
  // remember of it once stored (Sent; agent/link/published.h).
  Result<std::vector<std::uint64_t>> Add(std::span<const Bytes> records,
                                         std::span<const std::string> notes = {});
  // As Add, for records whose dedupe keys the caller already has (the
  // EncodeRecordKey of the header it sealed: Composed::header): nothing
  // is decoded again. `keys` holds one per record (else kInvalidArgument).
  Result<std::vector<std::uint64_t>> AddKeyed(std::span<const Bytes> records,
                                              std::span<const std::string> keys,
                                              std::span<const std::string> notes = {});

  // Up to `max` pending records with id >= `from`, in id order.
  Result<std::vector<SpooledRecord>> Pending(std::uint64_t from, std::size_t max) {
    return store_->Pending(from, max);
  }
  // Forgets acknowledged records (not synced: see the file comment). Ids
  // not pending are ignored.
  Status Remove(std::span<const std::uint64_t> ids) { return store_->Remove(ids); }
  // Forgets acknowledged records and records which were stored
  // (storage::SpoolStore::Acknowledge; not synced).
  Status Acknowledge(std::span<const Acknowledgement> acks) { return store_->Acknowledge(acks); }
  // What this spool remembers of the record it sent under `dedupe_key`.
  Result<std::optional<SentRecord>> Sent(const std::string& dedupe_key) {
    return store_->Sent(dedupe_key);
  }
  // Moves a pending record to the refused area with the broker's error
  // (not synced). An id not pending is ignored.
  Status Refuse(std::uint64_t id, const Status& why) { return store_->Refuse(id, why); }

  // Up to `max` refused records, oldest id first.
  Result<std::vector<RefusedRecord>> Refused(std::size_t max) { return store_->Refused(max); }
  // Moves every refused record back to pending (same id), e.g. after the
  // broker's registry was fixed; a refused record whose dedupe key is
  // pending again meanwhile is dropped instead. Returns how many moved.
  Result<std::uint64_t> RetryRefused() { return store_->RetryRefused(); }
  // Deletes every refused record. Returns how many were deleted.
  Result<std::uint64_t> DropRefused() { return store_->DropRefused(); }
  // Replaces the pending or refused record `id` by `record`, the same
  // record sealed again (agent/link/reseal.h) under the same dedupe key
  // `key`; it is pending under the returned new id, and what the spool
  // remembers of the old one, if it was sent and not yet stored, becomes
  // `note` (published.h). One synced write (storage::SpoolStore::Replace).
  Result<std::uint64_t> Replace(std::uint64_t id, const Bytes& record, const std::string& key,
                                std::string_view note) {
    return store_->Replace(id, storage::SpoolEntry{key, record, AsBytes(note)});
  }

  // Pending records (cheap: kept in memory).
  std::uint64_t Depth() const { return store_->Depth(); }
  // Counters and the oldest pending record's acceptance time.
  Result<SpoolCounts> Counts() { return store_->Counts(); }
  // How long the oldest pending record has waited; nullopt when none.
  Result<std::optional<std::chrono::milliseconds>> OldestAge();

  // The highest id ever assigned (0 for a new spool).
  std::uint64_t LastId() const { return store_->LastId(); }
  // Waits until LastId() > `last_id` or `timeout` passes; returns whether
  // it did. Lets a forwarding thread sleep until a record is added.
  bool WaitForNewerThan(std::uint64_t last_id, std::chrono::milliseconds timeout) {
    return store_->WaitForNewerThan(last_id, timeout);
  }

  const std::string& dir() const { return store_->dir(); }

 private:
  std::unique_ptr<storage::SpoolStore> store_;
};

// The dedupe key of a sealed record (envelope::EncodeRecordKey of its header;
// kMalformedRecord / kMalformedHeader / ... if it does not decode).
Result<std::string> DedupeKeyOf(ByteView record);

}  // namespace certshare::agent
