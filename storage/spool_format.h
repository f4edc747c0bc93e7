// The bytes of the agent spool's RocksDB entries (private to
// storage/spool_store.cc). docs/agent.md, "Store and forward", describes
// the layout:
//
//   pending   key = id:u64          value = accepted_ms:u64 dedupe:blob32 record
//   refused   key = id:u64          value = accepted_ms:u64 refused_ms:u64
//                                           code:u16 dedupe:blob32 message:blob32 record
//   keys      key = dedupe key      value = id:u64
//   meta      "format"              "certshare-spool-v1"
//             "state"               last_id:u64 pending:u64 pending_bytes:u64
//                                   refused:u64 refused_bytes:u64
//             "sent:" dedupe key    spool_id:u64 sequence:u64 stored_ms:u64 note
//
// (The "sent:" entries, SpoolStore::Sent, live in meta so that a spool made
// before them opens unchanged and an older agent still opens a newer one.)
//
// All integers big-endian, so ids sort in numeric order. `record` is the
// rest of the value. Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/bytes.h"
#include "storage/spool_store.h"

namespace certshare::storage::spool_format {

inline constexpr std::string_view kPendingFamily = "pending";
inline constexpr std::string_view kKeysFamily = "keys";
inline constexpr std::string_view kRefusedFamily = "refused";
inline constexpr std::string_view kMetaFamily = "meta";
inline constexpr std::string_view kFormatKey = "format";
inline constexpr std::string_view kFormatValue = "certshare-spool-v1";
inline constexpr std::string_view kStateKey = "state";
inline constexpr std::string_view kSentPrefix = "sent:";

struct State {
  std::uint64_t last_id = 0;  // highest id assigned
  std::uint64_t pending = 0;
  std::uint64_t pending_bytes = 0;
  std::uint64_t refused = 0;
  std::uint64_t refused_bytes = 0;
};

std::string EncodeId(std::uint64_t id);
std::optional<std::uint64_t> DecodeId(std::string_view key);

std::string EncodeState(const State& state);
std::optional<State> DecodeState(std::string_view value);

std::string EncodePending(const SpooledRecord& r);
// The same from parts, without copying the record first.
std::string EncodePendingValue(std::uint64_t accepted_ms, std::string_view dedupe_key,
                               ByteView record);
// `id` comes from the key.
std::optional<SpooledRecord> DecodePending(std::uint64_t id, std::string_view value);

// The meta key of the sent record of `dedupe_key`.
std::string SentKey(std::string_view dedupe_key);
std::string EncodeSent(const SentRecord& r);
std::optional<SentRecord> DecodeSent(std::string_view value);

std::string EncodeRefused(const RefusedRecord& r);
std::optional<RefusedRecord> DecodeRefused(std::uint64_t id, std::string_view value);

}  // namespace certshare::storage::spool_format
