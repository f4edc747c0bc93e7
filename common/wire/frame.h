// certshare::wire — the messages agents and the broker exchange, as bytes.
// One ZeroMQ frame carries one message (docs/protocol.md, "Wire protocol"):
//
//   frame = "CS" version:u8 command:u8 correlation:u64 body
//
// This module knows nothing of sockets; certshare::transport moves frames.
// Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "common/base/bytes.h"
#include "common/base/error_code.h"
#include "common/base/status.h"

namespace certshare::wire {

// Wire protocol version written by this code.
inline constexpr std::uint8_t kVersion = 1;

// Command codes are sent on the wire: never renumber them.
enum class Command : std::uint8_t {
  kPublish = 0x01,    // agent -> broker: body = record
  kAck = 0x02,        // broker -> agent: sequence:u64 flags:u8
  kError = 0x03,      // broker -> agent: code:u16 message:str16
  kSubscribe = 0x10,  // agent -> broker: from_sequence:u64
  kDeliver = 0x11,    // broker -> agent: sequence:u64 record
  kCaughtUp = 0x12,   // broker -> agent: head_sequence:u64
};

// ACK flags.
inline constexpr std::uint8_t kAckDuplicate = 0x01;

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
};

Bytes EncodePublish(std::uint64_t correlation, ByteView record);
Bytes EncodeAck(std::uint64_t correlation, std::uint64_t sequence, bool duplicate);
Bytes EncodeError(std::uint64_t correlation, ErrorCode code, std::string_view text);
Bytes EncodeSubscribe(std::uint64_t correlation, std::uint64_t from_sequence);
Bytes EncodeDeliver(std::uint64_t correlation, std::uint64_t sequence, ByteView record);
Bytes EncodeCaughtUp(std::uint64_t correlation, std::uint64_t head_sequence);

// Decodes a frame. kMalformedFrame (bad magic, truncation, trailing bytes,
// unknown flags), kUnsupportedVersion, kUnknownCommand; the message says
// which. The correlation is filled in whenever the fixed prefix was read,
// so an error reply can still name the request.
Status Decode(ByteView frame, Message* out);

}  // namespace certshare::wire
