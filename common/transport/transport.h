// certshare::transport — the only module that touches ZeroMQ.
//
// Server: a ROUTER socket secured with CURVE. A ZAP handler (RFC 27) in the
// same ZeroMQ context admits only client transport keys that `authorize`
// maps to an organisation, and stamps that organisation on every message
// as the ZAP User-Id, so the broker always knows who is speaking.
// Client: a DEALER socket that authenticates with its organisation's
// transport key and pins the broker's public key.
//
// One frame = one certshare wire message (certshare::wire). ZeroMQ
// exceptions are caught here and become Status values.
//
// Thread-safety: a Server or Client belongs to one thread (ZeroMQ sockets
// are not thread-safe). The `authorize` callback runs on the ZAP thread and
// must be thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/base/bytes.h"
#include "common/base/status.h"
#include "common/crypto/keys.h"

namespace certshare::transport {

// Maps a client's CURVE public key to its organisation id (the ZAP
// User-Id), or refuses it: kRevoked for the key of an organisation the
// registry marks revoked, any other error for a key it does not know. The
// client learns which (docs/protocol.md, "Connection"): the ZAP handler
// answers status 500 for kRevoked and 400 otherwise, and libzmq hands the
// client that status (Client::Receive: kRevoked, kUnauthenticated). The
// status is all that reaches the client; the message is for the server's
// log. Called for every new connection, so a key it stops admitting is
// refused from the next handshake on. If it throws, the ZAP handler fails
// closed: no connection is admitted any more, and Server::Receive reports
// the failure (the server must stop).
using Authorize = std::function<Result<std::string>(const crypto::BoxPublicKey& client_key)>;

// What CURVE adds to a frame on the wire ("\x07MESSAGE", the nonce, the
// MAC and a flags byte): ZMQ_MAXMSGSIZE counts it, so the sockets are set
// to max_frame_bytes plus this.
inline constexpr std::int64_t kCurveMessageOverhead = 33;

// The ZAP status with which a Server refuses a handshake beyond
// max_connections_per_org (docs/protocol.md, "Security of the connection"):
// 300, "temporary failure" (RFC 27). libzmq sends the client no ERROR for
// it (the two statuses a client can see are taken: 400 unknown key, 500
// revoked); the connection stays unanswered until the server's handshake
// timeout closes it, and the client then retries it as a connection lost.
inline constexpr const char* kConnectionLimitStatus = "300";

struct ServerOptions {
  // Where to bind, e.g. "tcp://127.0.0.1:7700"; "tcp://127.0.0.1:*" picks an
  // ephemeral port (see Server::endpoint()).
  std::string endpoint;
  crypto::BoxPublicKey public_key{};
  const crypto::BoxSecretKey* secret_key = nullptr;  // copied at Bind
  Authorize authorize;
  // Messages ZeroMQ queues per connection, each way: beyond
  // send_high_water_mark, Send reports kBusy; beyond
  // receive_high_water_mark, ZeroMQ stops reading the connection (TCP
  // back-pressure). At least 1. What they cost in bytes is the caller's
  // arithmetic: at most high-water mark x largest message, per connection
  // (the broker's, docs/broker.md "Limits").
  int send_high_water_mark = 10000;
  int receive_high_water_mark = 10000;
  // Frames (certshare messages) larger than this are dropped by ZeroMQ
  // before allocation and the peer disconnected. Default 64 MiB.
  std::int64_t max_frame_bytes = 64ll << 20;
  // How long a connection may take to complete its CURVE handshake before
  // the server closes it (ZMQ_HANDSHAKE_IVL). Also how long a handshake
  // refused for the connection limit waits before it is closed (see
  // kConnectionLimitStatus). Default 10 s: a handshake takes a few round
  // trips, well under a second on a slow link.
  std::chrono::milliseconds handshake_timeout{10000};
  // Connections one organisation may hold at once; 0: no limit. The ZAP
  // handler refuses a handshake beyond it (ZAP status
  // kConnectionLimitStatus; a Client reports kTransportError naming the
  // limit, and libzmq retries the connection). A connection counts from
  // its handshake (pending, for up to 10 s) and from its first message
  // until ZeroMQ reports it closed; see Incoming::beyond_connection_limit
  // for one that stays silent longer. Only connections whose messages
  // carry their descriptor (ZMQ_SRCFD: libzmq attaches it when it knows
  // the peer's address, as for TCP) are counted.
  int max_connections_per_org = 0;
};

struct Incoming {
  std::string peer;  // ZeroMQ routing id: opaque, for replies
  std::string org;   // authenticated organisation (ZAP User-Id)
  // Where the connection comes from, "IP:port" ("[IPv6]:port"); "" if
  // unknown. For messages to people (logs, refusals), never for decisions.
  std::string peer_address;
  // The CURVE public key the connection was admitted with (from the ZAP
  // handler's metadata): lets the server refuse a connection whose key
  // has since been rotated or revoked. All zero if unknown.
  crypto::BoxPublicKey client_key{};
  Bytes frame;
  // The connection is beyond its organisation's max_connections_per_org:
  // it stayed silent past its handshake while the organisation opened
  // others, and spoke once it held the most allowed. Refuse its messages.
  bool beyond_connection_limit = false;
};

enum class SendOutcome {
  kSent,
  kBusy,  // the peer's queue is full; try again later
  kGone,  // the peer disconnected
};

// Wakes a Server's Receive() from another thread (e.g. when work done
// elsewhere needs the socket thread's attention). One Notifier belongs to
// one thread; Notify() never blocks.
class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual void Notify() = 0;
};

class Server {
 public:
  static Result<std::unique_ptr<Server>> Bind(const ServerOptions& options);
  virtual ~Server() = default;

  // A notifier whose Notify() makes a pending or the next Receive() return
  // early (with nullopt). Call from the socket thread; hand the result to
  // the thread that will notify. Must be destroyed before the Server.
  virtual Result<std::unique_ptr<Notifier>> NewNotifier() = 0;

  // The endpoint actually bound (the ephemeral port resolved).
  virtual const std::string& endpoint() const = 0;
  // Waits up to `timeout` for one message; nullopt when none arrived or a
  // Notifier fired. With `accept_messages` false it only waits for a
  // notification (back-pressure: messages stay queued in ZeroMQ).
  // After a Send reported kBusy, it also returns early once ZeroMQ says
  // some peer's queue has room again. kTransportError if the socket
  // failed, or if the ZAP handler failed (then no new connection can be
  // authenticated: stop serving).
  virtual Result<std::optional<Incoming>> Receive(std::chrono::milliseconds timeout,
                                                  bool accept_messages = true) = 0;
  virtual SendOutcome Send(const std::string& peer, ByteView frame) = 0;

  // The peers (routing ids, as in Incoming::peer) whose connection closed
  // since the last call, each named once; a connection that never sent a
  // message is not named. Call after each Receive, before handling its
  // message: a Receive that noticed a connection close returns at once
  // (nullopt if no message came), so the caller learns of it within its
  // poll, not after a heartbeat timeout. A peer's last messages may still
  // be received after it was named.
  virtual std::vector<std::string> TakeClosedPeers() = 0;
};

struct ClientOptions {
  std::string endpoint;
  crypto::BoxPublicKey server_key{};  // the broker's transport key (pinned)
  crypto::BoxPublicKey public_key{};  // our transport key
  const crypto::BoxSecretKey* secret_key = nullptr;  // copied at Connect
  int send_high_water_mark = 10000;
  int receive_high_water_mark = 10000;
  // Frames from the server larger than this are dropped by ZeroMQ before
  // allocation and the connection closed. Default: a little above the
  // largest frame a certshare broker sends (wire::kMaxBrokerFrameBytes,
  // 16 MiB + 20 bytes), which the agent passes exactly.
  std::int64_t max_frame_bytes = (16ll << 20) + 1024;
  // How long the first connection may keep failing before Receive gives up
  // with kUnreachable: every attempt to open it was refused or found no
  // route (ZeroMQ retries every 100 ms), and none has succeeded since
  // Connect. Default 1 s: a broker that is not running is reported at
  // once instead of after the caller's whole answer timeout. An endpoint
  // that neither answers nor refuses (packets dropped) still waits for the
  // caller's timeout, and once a connection was made, losing it is left to
  // ZeroMQ's reconnection as before.
  std::chrono::milliseconds connect_timeout{1000};
};

class Client {
 public:
  static Result<std::unique_ptr<Client>> Connect(const ClientOptions& options);
  virtual ~Client() = default;

  // Queues a frame; kTimeout if it cannot be queued within `timeout`. A
  // handshake the broker refused before the call leaves nothing to queue
  // on: then the refusal, as Receive reports it (kUnauthenticated,
  // kRevoked, ...).
  virtual Status Send(ByteView frame, std::chrono::milliseconds timeout) = 0;
  // Waits up to `timeout` for a frame: kTimeout when none came,
  // kUnreachable when no connection could be made for connect_timeout
  // (see ClientOptions), kUnauthenticated when the broker refused our key
  // during the handshake (kRevoked: as the key of a revoked organisation),
  // kTransportError when the connection closed during the handshake.
  virtual Result<Bytes> Receive(std::chrono::milliseconds timeout) = 0;
};

// Whether this libzmq supports CURVE (it must, or nothing starts).
bool HasCurve();

}  // namespace certshare::transport
