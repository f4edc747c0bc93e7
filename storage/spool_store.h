// certshare::storage::SpoolStore — the RocksDB half of the agent's spool
// (agent/link/spool.h states the contract the agent relies on; docs/agent.md,
// "Store and forward", the guarantees). It lives here so that RocksDB stays
// behind storage/; it knows nothing of envelopes: the caller names each
// record by its dedupe key (envelope::RecordKey, common/envelope/record_key.h).
//
// One small RocksDB database in its own directory (mode 0700). Column
// families (byte layout in spool_format.h): "pending" (spool id -> record),
// "keys" (dedupe key -> spool id of the pending record), "refused" (spool
// id -> record and refusal), "meta" (format marker; last id and counters).
// Every change is one atomic WriteBatch that also rewrites the counters, so
// the counters always match the records, after a crash too.
//
// Durability: Add is synced (fsync of the WAL) before it returns. Remove,
// Refuse and the refused-area operations are written to the WAL without
// fsync (they survive the process being killed; a machine crash can lose
// them, and then a record is merely sent again). A write that fails puts
// the store in a failed state: every later write returns kUnavailable
// until it is reopened.
//
// Thread-safety: every method may be called from any thread. Writes are
// serialised by one mutex held across the RocksDB write, including Add's
// fsync. One process at a time opens a directory (RocksDB's LOCK).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base/bytes.h"
#include "common/base/status.h"
#include "storage/env.h"

namespace certshare::storage {

struct SpoolOptions {
  // Most bytes of records the spool holds, pending and refused together
  // (record bytes; RocksDB's own overhead is extra). Default 1 GiB: about a
  // day of a busy sensor's output. Lower it on a small disk.
  std::uint64_t max_bytes = 1ull << 30;
  // Most records it holds, pending and refused together. Default 1,000,000.
  std::uint64_t max_records = 1'000'000;
  // How long Open waits when another process has the spool open. Default
  // 0: fail at once with kUnavailable.
  std::chrono::milliseconds lock_wait{0};
  // What the spool writes through (storage/env.h): every change, and the
  // write that creates the spool. Not owned; it must outlive the spool.
  // Default Env::Default(), RocksDB itself; tests pass an EnvWrapper that
  // fails or counts writes.
  Env* env = Env::Default();
};

struct SpooledRecord {
  std::uint64_t id = 0;           // local spool id: 1, 2, ... never reused
  std::string dedupe_key;         // as given to Add
  std::uint64_t accepted_ms = 0;  // when Add accepted it, Unix milliseconds
  Bytes record;
};

struct RefusedRecord {
  SpooledRecord spooled;
  std::uint64_t refused_ms = 0;  // when the refusal was recorded
  ErrorCode code = ErrorCode::kOk;
  std::string message;
};

struct SpoolCounts {
  std::uint64_t pending = 0;
  std::uint64_t pending_bytes = 0;
  std::uint64_t refused = 0;
  std::uint64_t refused_bytes = 0;
  // accepted_ms of the oldest pending record; nullopt when none is pending.
  std::optional<std::uint64_t> oldest_accepted_ms;
};

// One record offered to Add. The dedupe key must not be empty.
struct SpoolEntry {
  std::string dedupe_key;
  ByteView record;
  // What to remember of the record once the broker has stored it (Sent);
  // empty: nothing (a sensor's records).
  ByteView note;
};

// What the spool remembers of a record it sent, by dedupe key: the note
// given to Add, and once the broker acknowledged that very record as
// stored (not as a duplicate of another), its sequence. The caller
// compares a later record the broker calls a duplicate with it
// (agent/link/published.h). Kept for good: one entry of the note's size plus
// about 30 bytes per record published with a note.
struct SentRecord {
  std::uint64_t spool_id = 0;   // the record's spool id
  std::uint64_t sequence = 0;   // the broker's sequence; 0: not (yet) stored
  std::uint64_t stored_ms = 0;  // when it was acknowledged, Unix milliseconds
  std::string note;
};

// The broker's answer to one pending record.
struct Acknowledgement {
  std::uint64_t id = 0;        // spool id
  std::uint64_t sequence = 0;  // the broker's sequence; 0: not known
  bool duplicate = false;      // acknowledged as a duplicate of a stored record
};

class SpoolStore {
 public:
  // Opens (creating it, mode 0700, if missing) the spool in `dir`.
  // kUnavailable when another process holds it past options.lock_wait;
  // kCorruption when `dir` holds a database that is not a certshare spool
  // or is damaged; kIoError / kStorageError otherwise.
  static Result<std::unique_ptr<SpoolStore>> Open(const std::string& dir,
                                                  const SpoolOptions& options = {});
  // Read-only views of a spool another process may hold (no lock taken):
  // its counts, and up to `max` refused records. Empty when `dir` holds no
  // spool.
  static Result<SpoolCounts> Inspect(const std::string& dir);
  static Result<std::vector<RefusedRecord>> InspectRefused(const std::string& dir,
                                                           std::size_t max);
  // Read as Inspect does: the sent records (SpoolStore::Sent) whose dedupe
  // keys start with `key_prefix` ("origin\nstix_id\n": every version of one
  // object; "origin\n": everything sent), in dedupe key order, each with its
  // key. A scan: for `certshare status <id>` and the receipts it checks.
  // Empty when `dir` holds no spool.
  static Result<std::vector<std::pair<std::string, SentRecord>>> InspectSent(
      const std::string& dir, std::string_view key_prefix);

  virtual ~SpoolStore() = default;

  // One synced WriteBatch for all entries. One id per entry, in order; an
  // entry whose dedupe key is pending (or repeated in `entries`) gets the
  // id of the first. kSpoolFull (nothing written) when the new records
  // would pass a limit; kInvalidArgument for an empty dedupe key; the
  // write's error (then failed); kUnavailable when failed.
  virtual Result<std::vector<std::uint64_t>> Add(std::span<const SpoolEntry> entries) = 0;
  // Up to `max` pending records with id >= `from`, in id order.
  virtual Result<std::vector<SpooledRecord>> Pending(std::uint64_t from, std::size_t max) = 0;
  // Forgets pending records (not synced). Ids not pending are ignored.
  // The sent records are left as they are.
  virtual Status Remove(std::span<const std::uint64_t> ids) = 0;
  // Forgets acknowledged records as Remove does and, in the same write,
  // updates their sent records: one whose spool id is the acknowledged
  // record's and not yet stored takes the sequence (stored), or is
  // forgotten (a duplicate: the broker holds another version, which this
  // spool did not send or no longer knows).
  virtual Status Acknowledge(std::span<const Acknowledgement> acks) = 0;
  // The sent record of `dedupe_key`, if any. Add writes one for each new
  // record with a note, unless one of that key is already stored.
  virtual Result<std::optional<SentRecord>> Sent(const std::string& dedupe_key) = 0;
  // Moves a pending record to the refused area (not synced). Ignored if
  // `id` is not pending.
  virtual Status Refuse(std::uint64_t id, const Status& why) = 0;
  virtual Result<std::vector<RefusedRecord>> Refused(std::size_t max) = 0;
  // Refused records back to pending with their ids (one whose dedupe key is
  // pending again is dropped instead); synced. Returns how many moved.
  virtual Result<std::uint64_t> RetryRefused() = 0;
  // Deletes every refused record; synced. Returns how many.
  virtual Result<std::uint64_t> DropRefused() = 0;
  // Replaces the pending or refused record `id` by `entry`, a new record
  // of the same dedupe key (`certshare flush --reseal`), which becomes
  // pending under a new id (returned); the old record's sent record, if
  // not yet stored, follows it and takes `entry.note` unless that is
  // empty. One synced write: after a crash the spool holds
  // the old record or the new one, never both. kNotFound when `id` is
  // neither pending nor refused; kInvalidArgument when the dedupe keys
  // differ; kSpoolFull as Add; the write's error (then failed).
  virtual Result<std::uint64_t> Replace(std::uint64_t id, const SpoolEntry& entry) = 0;

  virtual std::uint64_t Depth() const = 0;  // pending records (in memory)
  virtual Result<SpoolCounts> Counts() = 0;
  virtual std::uint64_t LastId() const = 0;  // highest id ever assigned
  // Waits until LastId() > `last_id` or `timeout` passes; whether it did.
  virtual bool WaitForNewerThan(std::uint64_t last_id, std::chrono::milliseconds timeout) = 0;
  virtual const std::string& dir() const = 0;
};

}  // namespace certshare::storage
