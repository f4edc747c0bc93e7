#include <spdlog/spdlog.h>

#include <zmq.hpp>

#include <atomic>
#include <cstring>
#include <vector>

#include "common/transport/connection_table.h"
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
// Where the ROUTER's monitor publishes connections accepted and closed,
// which ConnectionTable counts.
constexpr const char* kMonitorEndpoint = "inproc://certshare-server-monitor";
constexpr int kMonitorEvents = ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED;

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
      : connections_(max_connections_per_org),
        zap_(context_, std::move(authorize), &connections_) {}
  ~ZmqServer() override {
    // Give replies already queued (the ACKs of a graceful shutdown) a
    // bounded time to leave.
    try {
      socket_.set(zmq::sockopt::linger, kCloseLingerMs);
    } catch (const zmq::error_t&) {
    }
    socket_.close();
    wake_.close();
    monitor_.close();
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
      socket_.set(zmq::sockopt::zap_domain, kZapDomain);
      socket_.set(zmq::sockopt::curve_server, 1);
      socket_.set(zmq::sockopt::curve_secretkey,
                  zmq::const_buffer(options.secret_key->data(), 32));
      // The monitor before the bind, so that no connection is missed.
      if (zmq_socket_monitor(socket_.handle(), kMonitorEndpoint, kMonitorEvents) != 0) {
        throw zmq::error_t();
      }
      monitor_ = zmq::socket_t(context_, zmq::socket_type::pair);
      monitor_.set(zmq::sockopt::linger, 0);
      monitor_.connect(kMonitorEndpoint);
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
      std::vector<zmq::pollitem_t> items = {{wake_.handle(), 0, ZMQ_POLLIN, 0},
                                            {monitor_.handle(), 0, ZMQ_POLLIN, 0}};
      if (wake_on_room) items.push_back({nullptr, socket_fd_, ZMQ_POLLIN, 0});
      const std::size_t socket_item = items.size();
      if (accept_messages) items.push_back({socket_.handle(), 0, ZMQ_POLLIN, 0});
      zmq::poll(items.data(), items.size(), timeout);
      // Let the socket take the commands that woke it (ZMQ_EVENTS does), so
      // that the next Send sees the room and the descriptor is quiet again;
      // with the socket's own item polled, zmq::poll has done it already.
      if (wake_on_room && !accept_messages) (void)socket_.get(zmq::sockopt::events);
      if (items[0].revents & ZMQ_POLLIN) DrainWakeUps();
      if (items[1].revents & ZMQ_POLLIN) DrainMonitor();
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
      // The monitor has reported this connection's acceptance by now (it
      // came before its first message); read it before counting.
      DrainMonitor();
      in.beyond_connection_limit =
          !in.org.empty() && !connections_.WithinLimit(zmq_msg_get(body.handle(), ZMQ_SRCFD),
                                                       in.org, in.peer,
                                                       ConnectionTable::Clock::now());
      return std::optional<Incoming>(std::move(in));
    } catch (const zmq::error_t& e) {
      // A signal (SIGTERM) interrupted the wait: no message, let the caller
      // look at its stop flag.
      if (e.num() == EINTR) return std::optional<Incoming>();
      return ZmqError("receive", e);
    }
  }

  void DrainWakeUps() {
    zmq::message_t msg;
    while (wake_.recv(msg, zmq::recv_flags::dontwait)) {
    }
  }

  // Monitor events are two frames: (event:u16, value:u32) in host order,
  // then the endpoint; for both events here the value is the descriptor.
  void DrainMonitor() {
    zmq::message_t event;
    while (monitor_.recv(event, zmq::recv_flags::dontwait)) {
      bool more = event.more();
      while (more) {
        zmq::message_t rest;
        if (!monitor_.recv(rest, zmq::recv_flags::dontwait)) break;
        more = rest.more();
      }
      if (event.size() < 6) continue;
      std::uint16_t id;
      std::uint32_t value;
      std::memcpy(&id, event.data(), 2);
      std::memcpy(&value, static_cast<const char*>(event.data()) + 2, 4);
      if (id == ZMQ_EVENT_ACCEPTED) connections_.Accepted(static_cast<int>(value));
      if (id == ZMQ_EVENT_DISCONNECTED) connections_.Disconnected(static_cast<int>(value));
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
      spdlog::warn("send failed: {}", e.what());
      return SendOutcome::kGone;
    }
  }

 private:
  zmq::context_t context_;
  ConnectionTable connections_;  // before zap_, which uses it
  ZapHandler zap_;
  zmq::socket_t socket_;
  zmq::socket_t wake_;
  zmq::socket_t monitor_;
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
