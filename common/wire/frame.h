// certshare::wire — the messages agents and the broker exchange, as bytes.
// One ZeroMQ frame carries one message (docs/protocol.md, "Wire protocol"):
//
//   frame = "CS" version:u8 command:u8 correlation:u64 body
//
// This module knows nothing of sockets; certshare::transport moves frames.
// Thread-safe: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/bytes.h"
#include "common/base/error_code.h"
#include "common/base/status.h"

namespace certshare::wire {

// Wire protocol version written by this code.
inline constexpr std::uint8_t kVersion = 1;

// Command codes are sent on the wire: never renumber them.
enum class Command : std::uint8_t {
  kPublish = 0x01,     // agent -> broker: body = record
  kAck = 0x02,         // broker -> agent: sequence:u64 flags:u8
  kError = 0x03,       // broker -> agent: code:u16 message:str16
  kSubscribe = 0x10,   // agent -> broker: a SubscribeRequest [flags:u8]
  kDeliver = 0x11,     // broker -> agent: sequence:u64 record
  kCaughtUp = 0x12,    // broker -> agent: head_sequence:u64
  kSubscribed = 0x13,  // broker -> agent: start:u64 head:u64 first:u64
  kConsumed = 0x14,    // agent -> broker: sequence:u64 (processed up to)
  kCredit = 0x15,      // agent -> broker: credit:u32 (more records allowed)
  kPositions = 0x16,   // agent -> broker: [flags:u8] ("my durable subscriptions")
  kPositionsOk = 0x17, // broker -> agent: head:u64 first:u64 count:u16
                       //   count x {name:str8 acknowledged:u64 state:u8 [lag:u64]}
  kPing = 0x20,        // either way: no body; answered with PONG
  kPong = 0x21,        // either way: no body
  kAdmin = 0x30,       // operator -> broker: command:u32-blob signature:64 bytes
  kAdminOk = 0x31,     // broker -> operator: result:u32-blob (JSON)
  kTrustGet = 0x40,    // agent -> broker: root_version:u64 registry_version:u64 (held)
  kTrust = 0x41,       // broker -> agent: latest_root:u64 latest_registry:u64
                       //   roots:u16 count x blob32, registries:u16 count x blob32,
                       //   timestamp:blob32 (empty: none)
  kTrustNotice = 0x42, // broker -> agent (correlation 0): root_version:u64
                       //   registry_version:u64 timestamp_issued_ms:u64
};

// Where a subscription starts. Sent on the wire: never renumber.
enum class StartKind : std::uint8_t {
  kResume = 0,    // after the stored cursor of a durable subscription
                  // (from the beginning if it has none)
  kSequence = 1,  // from this sequence
  kTime = 2,      // from the first record received at or after this time
                  // (milliseconds since the Unix epoch)
};

// What a subscriber asks for (SUBSCRIBE). Empty lists mean "any".
struct SubscribeRequest {
  std::string name;  // durable subscription name; empty = not durable
  StartKind start = StartKind::kResume;
  std::uint64_t start_value = 0;
  std::uint32_t credit = 0;  // records the broker may send before more credit
  std::vector<std::string> types;    // STIX types (the header's stix_type)
  std::vector<std::string> origins;  // origin organisations
  std::uint8_t tlp_min = 0;          // inclusive TLP range (Tlp values)
  std::uint8_t tlp_max = 4;
  std::vector<std::string> topics;   // any topic in the header matches
  // Take the durable subscription `name` over from the connection holding
  // it (which is told SUBSCRIPTION_TAKEN_OVER), instead of being refused
  // with SUBSCRIPTION_HELD. Sent as flag bit kSubscribeTakeOver.
  bool take_over = false;
};

// SUBSCRIBE flags: one optional byte after the filters, present only when
// not zero (a SUBSCRIBE without it is the original frame, so brokers and
// agents from before the byte still understand each other).
inline constexpr std::uint8_t kSubscribeTakeOver = 0x01;

// POSITIONS flags: an optional body byte, present only when not zero.
// kPositionsWithLag asks the broker for each connected subscription's lag.
inline constexpr std::uint8_t kPositionsWithLag = 0x01;

// Limits enforced by Decode.
inline constexpr std::size_t kMaxFilterEntries = 256;

// POSITIONS_OK: at most this many subscriptions (the broker lists the
// first ones by name).
inline constexpr std::size_t kMaxPositions = 1024;

// One durable subscription in POSITIONS_OK.
struct Position {
  std::string name;               // the durable name (1 to 255 bytes)
  std::uint64_t acknowledged = 0;  // its stored cursor; 0 if none yet
  bool connected = false;          // a live connection holds it now
  // The records it still has to process, as the broker counted them
  // (docs/broker.md, "Lag"); only for a connected subscription, and only
  // when POSITIONS asked with kPositionsWithLag.
  std::optional<std::uint64_t> lag = std::nullopt;
  bool operator==(const Position&) const = default;
};

// POSITIONS_OK state bits of one subscription.
inline constexpr std::uint8_t kPositionConnected = 0x01;
inline constexpr std::uint8_t kPositionHasLag = 0x02;  // lag:u64 follows

// Frame sizes (docs/protocol.md, wire protocol "Edge cases"). A PUBLISH is
// the 12-byte prefix and the record; a DELIVER adds the sequence:u64.
inline constexpr std::size_t kPrefixBytes = 12;
inline constexpr std::size_t kDeliverOverhead = kPrefixBytes + 8;
// The largest record anyone accepts: what envelope::Decode allows by
// default, and the most a broker's max_record_bytes may be.
inline constexpr std::size_t kMaxRecordBytes = 16u << 20;
// The largest frame a broker legitimately sends: a DELIVER of a record of
// kMaxRecordBytes (an ADMIN_OK of kMaxAdminResultBytes is 4 bytes
// smaller). Agents set their sockets' maximum message size to it.
inline constexpr std::size_t kMaxBrokerFrameBytes = kMaxRecordBytes + kDeliverOverhead;

// ACK flags.
inline constexpr std::uint8_t kAckDuplicate = 0x01;

// ADMIN: the command is JSON (broker/admin_command.h) signed with the
// operator's Ed25519 key over AdminSignedMessage(command). The wire only
// carries the bytes; the broker checks the signature.
// 17 MiB: an "apply" command carries a whole registry version file
// (docs/trust.md: at most 8 MiB of payload, as hex) in a JSON string.
inline constexpr std::size_t kMaxAdminCommandBytes = 17u << 20;
inline constexpr std::size_t kMaxAdminResultBytes = 16u << 20;
inline constexpr std::size_t kAdminSignatureBytes = 64;
using AdminSignature = std::array<std::uint8_t, kAdminSignatureBytes>;
// "certshare/admin/v1" || 0x00 || command: the domain keeps an operator's
// signature over an admin command from being valid for anything else
// certshare signs (records, docs/protocol.md), and the reverse.
inline constexpr std::string_view kAdminDomain = "certshare/admin/v1";
Bytes AdminSignedMessage(std::string_view command);

// TRUST_GET, TRUST, TRUST_NOTICE (docs/protocol.md, "Trust"): the files of
// the federation's root and registry versions (docs/trust.md), as stored.
// A TRUST lists at most this many roots and this many registry versions;
// no file is empty, and the whole frame is at most kMaxBrokerFrameBytes.
inline constexpr std::size_t kMaxTrustFiles = 1024;
struct TrustFiles {
  std::uint64_t latest_root = 0;      // the broker's current root version
  std::uint64_t latest_registry = 0;  // its current registry version (0: none)
  std::vector<std::string> roots;       // root versions after the agent's, in order
  std::vector<std::string> registries;  // registry versions after the agent's, in order
  std::string timestamp;                // the current signed timestamp; empty: none
  bool operator==(const TrustFiles&) const = default;
};

// A decoded message. Which fields are meaningful depends on `command`;
// `record` points into the frame it was decoded from.
struct Message {
  Command command = Command::kError;
  std::uint64_t correlation = 0;
  std::uint64_t sequence = 0;  // ACK, DELIVER; from (SUBSCRIBE); head (CAUGHT_UP)
  bool duplicate = false;      // ACK
  ErrorCode error = ErrorCode::kOk;  // ERROR
  std::string text;                  // ERROR
  ByteView record;                   // PUBLISH, DELIVER
  SubscribeRequest subscribe;        // SUBSCRIBE
  std::uint64_t head = 0;            // SUBSCRIBED, POSITIONS_OK
  std::uint64_t first = 0;           // SUBSCRIBED, POSITIONS_OK: oldest sequence
                                     // still held (POSITIONS_OK: 0 if none)
  std::vector<Position> positions;   // POSITIONS_OK
  bool positions_with_lag = false;   // POSITIONS: kPositionsWithLag was set
  std::uint32_t credit = 0;          // CREDIT
  std::string admin;                 // ADMIN: the command; ADMIN_OK: the result
  AdminSignature admin_signature{};  // ADMIN
  std::uint64_t root_version = 0;      // TRUST_GET: held; TRUST_NOTICE: current
  std::uint64_t registry_version = 0;  // TRUST_GET: held; TRUST_NOTICE: current
  std::uint64_t timestamp_issued_ms = 0;  // TRUST_NOTICE
  TrustFiles trust;                    // TRUST
};

Bytes EncodePublish(std::uint64_t correlation, ByteView record);
Bytes EncodeAck(std::uint64_t correlation, std::uint64_t sequence, bool duplicate);
Bytes EncodeError(std::uint64_t correlation, ErrorCode code, std::string_view text);
Bytes EncodeSubscribe(std::uint64_t correlation, const SubscribeRequest& request);
Bytes EncodeSubscribed(std::uint64_t correlation, std::uint64_t start, std::uint64_t head,
                       std::uint64_t first);
Bytes EncodeConsumed(std::uint64_t correlation, std::uint64_t sequence);
Bytes EncodeCredit(std::uint64_t correlation, std::uint32_t credit);
Bytes EncodePositions(std::uint64_t correlation, bool with_lag = false);
// REQUIRES: at most kMaxPositions entries, each name 1 to 255 bytes
// (callers check; Decode refuses anything else).
Bytes EncodePositionsOk(std::uint64_t correlation, std::uint64_t head, std::uint64_t first,
                        const std::vector<Position>& positions);
Bytes EncodePing(std::uint64_t correlation);
Bytes EncodePong(std::uint64_t correlation);
Bytes EncodeDeliver(std::uint64_t correlation, std::uint64_t sequence, ByteView record);
Bytes EncodeCaughtUp(std::uint64_t correlation, std::uint64_t head_sequence);
// REQUIRES: command of 1 to kMaxAdminCommandBytes bytes, result of at most
// kMaxAdminResultBytes (callers check; Decode refuses anything else).
Bytes EncodeAdmin(std::uint64_t correlation, std::string_view command,
                  const AdminSignature& signature);
Bytes EncodeAdminOk(std::uint64_t correlation, std::string_view result);
Bytes EncodeTrustGet(std::uint64_t correlation, std::uint64_t root_version,
                     std::uint64_t registry_version);
// REQUIRES: at most kMaxTrustFiles roots and registries, none empty
// (callers check; Decode refuses anything else). The caller keeps the
// frame within kMaxBrokerFrameBytes (TrustFrameBytes says how big it is).
Bytes EncodeTrust(std::uint64_t correlation, const TrustFiles& files);
// The size of EncodeTrust's frame for `files`, without building it.
std::size_t TrustFrameBytes(const TrustFiles& files);
Bytes EncodeTrustNotice(std::uint64_t root_version, std::uint64_t registry_version,
                        std::uint64_t timestamp_issued_ms);

// Decodes a frame. kMalformedFrame (bad magic, truncation, trailing bytes,
// unknown flags, a flags byte of 0 where it is optional, a POSITIONS_OK
// with more than kMaxPositions entries, an empty name or unknown state
// bits), kUnsupportedVersion, kUnknownCommand; the message says which. The correlation is filled in whenever the fixed prefix was read,
// so an error reply can still name the request.
Status Decode(ByteView frame, Message* out);

}  // namespace certshare::wire
