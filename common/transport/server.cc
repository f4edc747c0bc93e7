#include <zmq.hpp>

#include "common/transport/connection_monitor.h"
#include "common/transport/connection_table.h"
#include "common/transport/logger.h"
#include "common/transport/transport.h"
#include "common/transport/zap_handler.h"

namespace certshare::transport {

namespace {

// The ZAP domain the broker's socket announces; any value enables ZAP.
constexpr const char* kZapDomain = "certshare";
// How long closing the server waits for queued replies to be sent.
constexpr int kCloseLingerMs = 2000;

Status ZmqError(std::string_view what, const zmq::error_t& e) {
  return Status(ErrorCode::kTransportError, std::string(what) + ": " + e.what());
}

// The wake socket pair: each Notifier owns a PUSH socket connected to the
// server's PULL socket in the same context.
constexpr const char* kWakeEndpoint = "inproc://certshare-server-wake";

class ZmqNotifier final : public Notifier {
 public:
  explicit ZmqNotifier(zmq::socket_t socket) : socket_(std::move(socket)) {}
  void Notify() override {
    try {
      (void)socket_.send(zmq::const_buffer(nullptr, 0), zmq::send_flags::dontwait);
    } catch (const zmq::error_t&) {
      // A full queue already holds a wake-up; nothing else can go wrong
      // that the receiver would need to know about.
    }
  }

 private:
  zmq::socket_t socket_;
};

class ZmqServer final : public Server {
 public:
  ZmqServer(Authorize authorize, int max_connections_per_org)
      : table_(max_connections_per_org),
        zap_(context_, std::move(authorize), &table_),
        connections_(&table_) {}
  ~ZmqServer() override {
    // Give replies already queued (the ACKs of a graceful shutdown) a
    // bounded time to leave.
    try {
      socket_.set(zmq::sockopt::linger, kCloseLingerMs);
    } catch (const zmq::error_t&) {
    }
    socket_.close();
    wake_.close();
    connections_.Close();
    // ~ZapHandler joins its thread before ~context_t terminates the context
    // (members are destroyed in reverse order).
  }

  Status Init(const ServerOptions& options) {
    CERTSHARE_RETURN_IF_ERROR(zap_.Start());
    try {
      socket_ = zmq::socket_t(context_, zmq::socket_type::router);
      socket_.set(zmq::sockopt::linger, 0);
      socket_.set(zmq::sockopt::router_mandatory, 1);
      socket_.set(zmq::sockopt::sndhwm, options.send_high_water_mark);
      socket_.set(zmq::sockopt::rcvhwm, options.receive_high_water_mark);
      socket_.set(zmq::sockopt::maxmsgsize, options.max_frame_bytes + kCurveMessageOverhead);
      socket_.set(zmq::sockopt::handshake_ivl, static_cast<int>(options.handshake_timeout.count()));
      socket_.set(zmq::sockopt::zap_domain, kZapDomain);
      socket_.set(zmq::sockopt::curve_server, 1);
      socket_.set(zmq::sockopt::curve_secretkey,
                  zmq::const_buffer(options.secret_key->data(), 32));
      CERTSHARE_RETURN_IF_ERROR(connections_.Start(context_, socket_));
      socket_.bind(options.endpoint);
      endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
      socket_fd_ = socket_.get(zmq::sockopt::fd);
      wake_ = zmq::socket_t(context_, zmq::socket_type::pull);
      wake_.set(zmq::sockopt::linger, 0);
      wake_.bind(kWakeEndpoint);
    } catch (const zmq::error_t& e) {
      return ZmqError("cannot bind " + options.endpoint, e);
    }
    return Status::Ok();
  }

  const std::string& endpoint() const override { return endpoint_; }

  Result<std::unique_ptr<Notifier>> NewNotifier() override {
    try {
      zmq::socket_t push(context_, zmq::socket_type::push);
      push.set(zmq::sockopt::linger, 0);
      push.set(zmq::sockopt::sndhwm, 1);
      push.connect(kWakeEndpoint);
      return std::unique_ptr<Notifier>(new ZmqNotifier(std::move(push)));
    } catch (const zmq::error_t& e) {
      return ZmqError("creating a notifier", e);
    }
  }

  Result<std::optional<Incoming>> Receive(std::chrono::milliseconds timeout,
                                          bool accept_messages) override {
    if (std::optional<std::string> failed = zap_.failure()) {
      return Status(ErrorCode::kTransportError,
                    "the ZAP handler failed (" + *failed +
                        "): no new connection can be authenticated, so the server stops");
    }
    try {
      // After a Send found a peer's queue full, also wake when the socket
      // is told that some queue has room again: its file descriptor signals
      // every command ZeroMQ sends it, including "a pipe has room". The
      // queues hold few frames (their bytes are bounded), so waiting for
      // the caller's timeout instead would throttle replies and
      // deliveries.
      const bool wake_on_room = send_was_busy_;
      send_was_busy_ = false;
      zmq::pollitem_t items[4] = {{wake_.handle(), 0, ZMQ_POLLIN, 0},
                                  {connections_.handle(), 0, ZMQ_POLLIN, 0}};
      std::size_t polled = 2;
      if (wake_on_room) items[polled++] = {nullptr, socket_fd_, ZMQ_POLLIN, 0};
      const std::size_t socket_item = polled;
      if (accept_messages) items[polled++] = {socket_.handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(items, polled, timeout);
      // Let the socket take the commands that woke it (ZMQ_EVENTS does), so
      // that the next Send sees the room and the descriptor is quiet again;
      // with the socket's own item polled, zmq::poll has done it already.
      if (wake_on_room && !accept_messages) (void)socket_.get(zmq::sockopt::events);
      if (items[0].revents & ZMQ_POLLIN) DrainWakeUps();
      // Before every message, so that a closed connection is known closed
      // before a new one that reuses its descriptor speaks
      // (connection_monitor.h).
      connections_.Drain();
      if (!accept_messages || !(items[socket_item].revents & ZMQ_POLLIN)) {
        return std::optional<Incoming>();
      }
      zmq::message_t routing_id, body;
      if (!socket_.recv(routing_id, zmq::recv_flags::dontwait)) {
        return std::optional<Incoming>();
      }
      if (!routing_id.more()) return std::optional<Incoming>();
      (void)socket_.recv(body);
      // A certshare message is one frame: the rest of a multi-part message
      // is dropped and the message is handed on as an empty (malformed)
      // frame. The sender's identity is read from the first part, which
      // carries the connection's properties (a fresh message_t has none:
      // asking it threw and stopped the broker; tests/hostile_input_test).
      bool multipart = false;
      for (bool extra = body.more(); extra;) {
        zmq::message_t skip;
        (void)socket_.recv(skip);
        extra = skip.more();
        multipart = true;
      }
      Incoming in;
      in.peer = routing_id.to_string();
      const char* user = zmq_msg_gets(body.handle(), "User-Id");
      in.org = user ? user : "";
      Bytes key;
      const char* hex = zmq_msg_gets(body.handle(), kClientKeyProperty);
      if (hex != nullptr && HexDecode(hex, &key) && key.size() == in.client_key.size()) {
        std::copy(key.begin(), key.end(), in.client_key.begin());
      }
      if (!multipart) {
        const auto* data = static_cast<const std::uint8_t*>(body.data());
        in.frame.assign(data, data + body.size());
      }
      ConnectionMonitor::Seen seen =
          connections_.Note(zmq_msg_get(body.handle(), ZMQ_SRCFD), in.peer, in.org);
      in.peer_address = std::move(seen.address);
      in.beyond_connection_limit = seen.beyond_limit;
      return std::optional<Incoming>(std::move(in));
    } catch (const zmq::error_t& e) {
      // A signal (SIGTERM) interrupted the wait: no message, let the caller
      // look at its stop flag.
      if (e.num() == EINTR) return std::optional<Incoming>();
      return ZmqError("receive", e);
    }
  }

  std::vector<std::string> TakeClosedPeers() override { return connections_.TakeClosed(); }

  void DrainWakeUps() {
    zmq::message_t msg;
    while (wake_.recv(msg, zmq::recv_flags::dontwait)) {
    }
  }

  SendOutcome Send(const std::string& peer, ByteView frame) override {
    try {
      auto sent = socket_.send(zmq::buffer(peer),
                               zmq::send_flags::sndmore | zmq::send_flags::dontwait);
      if (!sent) {
        send_was_busy_ = true;
        return SendOutcome::kBusy;
      }
      (void)socket_.send(zmq::buffer(frame.data(), frame.size()),
                         zmq::send_flags::dontwait);
      return SendOutcome::kSent;
    } catch (const zmq::error_t& e) {
      if (e.num() == EHOSTUNREACH) return SendOutcome::kGone;
      Logger()->warn("send failed: {}", e.what());
      return SendOutcome::kGone;
    }
  }

 private:
  zmq::context_t context_;
  ConnectionTable table_;  // before zap_ and connections_, which use it
  ZapHandler zap_;
  zmq::socket_t socket_;
  zmq::socket_t wake_;
  ConnectionMonitor connections_;
  zmq::fd_t socket_fd_ = -1;     // ZMQ_FD of socket_
  bool send_was_busy_ = false;  // a Send found a full queue since the last Receive
  std::string endpoint_;
};

}  // namespace

bool HasCurve() { return zmq_has("curve") == 1; }

Result<std::unique_ptr<Server>> Server::Bind(const ServerOptions& options) {
  if (!HasCurve()) {
    return Status(ErrorCode::kTransportError, "this libzmq was built without CURVE");
  }
  if (options.secret_key == nullptr || !options.authorize) {
    return Status(ErrorCode::kInvalidArgument, "server needs a secret key and an authorizer");
  }
  if (options.max_connections_per_org < 0 || options.receive_high_water_mark < 1 ||
      options.send_high_water_mark < 1) {
    return Status(ErrorCode::kInvalidArgument,
                  "connection limit must be >= 0 and high-water marks >= 1");
  }
  auto server = std::make_unique<ZmqServer>(options.authorize, options.max_connections_per_org);
  CERTSHARE_RETURN_IF_ERROR(server->Init(options));
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace certshare::transport
