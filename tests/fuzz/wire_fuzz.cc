// Fuzz target: wire frames (common/wire/frame.h, wire::Decode), as the
// broker and agents receive them from a peer.
//
// Contract checked beyond "no crash, no sanitizer report":
//   * a refused frame carries kMalformedFrame, kUnsupportedVersion or
//     kUnknownCommand and a message;
//   * the encoding is canonical: every accepted frame, except ERROR, encodes
//     back to exactly the same bytes (two different frames never mean the
//     same message); an accepted ERROR keeps its text.
#include <cstddef>
#include <cstdint>

#include "common/wire/frame.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using certshare::Bytes;
using certshare::ByteView;
using namespace certshare::wire;

Bytes Reencode(const Message& m) {
  switch (m.command) {
    case Command::kPublish:
      return EncodePublish(m.correlation, m.record);
    case Command::kAck:
      return EncodeAck(m.correlation, m.sequence, m.duplicate);
    case Command::kSubscribe:
      return EncodeSubscribe(m.correlation, m.subscribe);
    case Command::kDeliver:
      return EncodeDeliver(m.correlation, m.sequence, m.record);
    case Command::kCaughtUp:
      return EncodeCaughtUp(m.correlation, m.sequence);
    case Command::kSubscribed:
      return EncodeSubscribed(m.correlation, m.sequence, m.head, m.first);
    case Command::kConsumed:
      return EncodeConsumed(m.correlation, m.sequence);
    case Command::kCredit:
      return EncodeCredit(m.correlation, m.credit);
    case Command::kPositions:
      return EncodePositions(m.correlation, m.positions_with_lag);
    case Command::kPositionsOk:
      return EncodePositionsOk(m.correlation, m.head, m.first, m.positions);
    case Command::kPing:
      return EncodePing(m.correlation);
    case Command::kPong:
      return EncodePong(m.correlation);
    case Command::kAdmin:
      return EncodeAdmin(m.correlation, m.admin, m.admin_signature);
    case Command::kAdminOk:
      return EncodeAdminOk(m.correlation, m.admin);
    case Command::kTrustGet:
      return EncodeTrustGet(m.correlation, m.root_version, m.registry_version);
    case Command::kTrust:
      return EncodeTrust(m.correlation, m.trust);
    case Command::kTrustNotice:
      return EncodeTrustNotice(m.root_version, m.registry_version, m.timestamp_issued_ms);
    case Command::kError:
      break;
  }
  return {};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView frame(data, size);
  Message message;
  const certshare::Status status = Decode(frame, &message);
  if (!status.ok()) {
    const certshare::ErrorCode code = status.code();
    FUZZ_REQUIRE(code == certshare::ErrorCode::kMalformedFrame ||
                 code == certshare::ErrorCode::kUnsupportedVersion ||
                 code == certshare::ErrorCode::kUnknownCommand);
    FUZZ_REQUIRE(!status.message().empty());
    return 0;
  }
  if (message.command == Command::kError) {
    // ERROR text is cut to 1024 bytes when encoded and unknown codes map to
    // one value, so only the text of a short one must survive.
    Message again;
    const Bytes bytes = EncodeError(message.correlation, message.error, message.text);
    FUZZ_REQUIRE(Decode(bytes, &again).ok());
    if (message.text.size() <= 1024) FUZZ_REQUIRE(again.text == message.text);
    return 0;
  }
  const Bytes again = Reencode(message);
  FUZZ_REQUIRE(Bytes(frame.begin(), frame.end()) == again);
  return 0;
}
