// certshare::transport::WireClient — a Client that speaks the wire protocol
// (certshare::wire) to a broker: it numbers requests, decodes what arrives,
// answers the broker's PINGs, and waits for the reply to one request. The
// request/reply loop of every client of the broker (the agent's
// BrokerClient, the operator's AdminClient) is this one.
//
// A request and its reply (docs/protocol.md, "Wire protocol"): the client
// sends a frame carrying a fresh correlation id; the broker's answer
// carries the same id. Meanwhile other messages may arrive (a DELIVER or a
// PING, an answer to an earlier request that was given up on): waiting for
// a reply skips them.
//
// Outcomes: a frame that does not decode is reported with its code
// (kMalformedFrame, ...) in context "a message from the broker"; every
// failure of the connection as transport::Client reports it (kTimeout,
// kUnreachable, kUnauthenticated, kRevoked, kTransportError). Request and
// Await report kTimeout, with the caller's message, once their deadline has
// passed without the reply.
//
// Thread-safety: one thread per WireClient, as for the Client it owns.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/bytes.h"
#include "common/base/status.h"
#include "common/transport/transport.h"
#include "common/wire/frame.h"

namespace certshare::transport {

// A message from the broker, owning its bytes (msg.record points into them).
struct Received {
  Bytes frame;
  wire::Message msg;
};

// How long Send may wait for room in the socket's queue: 5 s.
inline constexpr std::chrono::milliseconds kWireSendTimeout{5000};

// What a request waits for (WireClient::Request).
struct Reply {
  // The command that answers the request (ACK, SUBSCRIBED, ...).
  wire::Command answer = wire::Command::kAck;
  // An ERROR naming the request becomes Status(its code,
  // "<refused>: <its text>"), e.g. "the broker refused the record".
  std::string_view refused;
  // The message of kTimeout once the deadline has passed.
  std::string_view no_answer;
};

class WireClient {
 public:
  // Connects as transport::Client::Connect does, with
  // options.max_frame_bytes set to wire::kMaxBrokerFrameBytes: nothing
  // larger can come from a broker, so a bigger frame is dropped before it
  // is allocated (docs/protocol.md, wire protocol "Edge cases").
  static Result<std::unique_ptr<WireClient>> Connect(ClientOptions options);

  explicit WireClient(std::unique_ptr<Client> client) : client_(std::move(client)) {}

  // A correlation id not used before on this connection: 1, 2, ...
  std::uint64_t NewCorrelation() { return next_correlation_++; }

  // Queues one frame; kTimeout if it cannot be queued within
  // kWireSendTimeout.
  Status Send(ByteView frame);

  // The next message from the broker, or kTimeout. A PING is answered with
  // a PONG here (and still returned).
  Result<Received> Next(std::chrono::milliseconds timeout);

  // Waits until `deadline` for the message naming `correlation` whose
  // command is `answer` or ERROR, and returns it (an ERROR as a message:
  // the caller decides what it means). Other messages are skipped (PINGs
  // answered). kTimeout: with `no_answer` when the deadline passed while
  // it skipped other messages, or Next's own when nothing arrived before
  // the deadline.
  Result<Received> Await(std::uint64_t correlation, wire::Command answer,
                         std::chrono::steady_clock::time_point deadline,
                         std::string_view no_answer);

  // Sends `frame` (a request numbered `correlation`, from NewCorrelation)
  // and waits up to `timeout`, counted once it is sent, for its reply:
  // `reply.answer`, or the broker's ERROR as Refusal(error,
  // reply.refused), or kTimeout (reply.no_answer).
  Result<Received> Request(std::uint64_t correlation, ByteView frame, const Reply& reply,
                           std::chrono::milliseconds timeout);

 private:
  std::unique_ptr<Client> client_;
  std::uint64_t next_correlation_ = 1;
};

// The broker's ERROR message `error` as a Status: its code, and the message
// "<refused>: <its text>".
Status Refusal(const wire::Message& error, std::string_view refused);

// Whether `s`, from a WireClient call, says the broker was not reached:
// no answer (TIMEOUT), a transport failure (TRANSPORT_ERROR), nothing
// accepting connections (UNREACHABLE) or the handshake refused
// (UNAUTHENTICATED). A handshake refused as REVOKED is the broker's answer,
// not a failure to reach it; so is any ERROR the broker sends.
bool BrokerNotReached(const Status& s);

}  // namespace certshare::transport
