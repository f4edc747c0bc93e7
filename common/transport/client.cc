#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>
#include <zmq.hpp>

#include "common/transport/transport.h"

namespace certshare::transport {

namespace {

Status ZmqError(std::string_view what, const zmq::error_t& e) {
  return Status(ErrorCode::kTransportError, std::string(what) + ": " + e.what());
}

// What the client watches for, to tell an operator why the broker does
// not answer instead of timing out silently: handshake failures, and
// whether the TCP connection could be made at all (CONNECTED once it is;
// CONNECT_RETRIED after each attempt that was refused or found no route).
constexpr int kMonitoredEvents = ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                                 ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                 ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                                 ZMQ_EVENT_CONNECTED | ZMQ_EVENT_CONNECT_RETRIED;

// The ZAP status codes the broker refuses a key with (transport.h,
// Authorize), as libzmq reports them in ZMQ_EVENT_HANDSHAKE_FAILED_AUTH.
constexpr std::uint32_t kZapRevoked = 500;

class ZmqClient final : public Client {
 public:
  ~ZmqClient() override {
    monitor_.close();
    socket_.close();
  }

  Status Init(const ClientOptions& options) {
    endpoint_ = options.endpoint;
    connect_timeout_ = options.connect_timeout;
    started_ = std::chrono::steady_clock::now();
    static std::atomic<int> counter{0};
    std::string monitor_endpoint =
        "inproc://certshare-client-monitor-" + std::to_string(counter++);
    try {
      socket_ = zmq::socket_t(context_, zmq::socket_type::dealer);
      socket_.set(zmq::sockopt::linger, 0);
      socket_.set(zmq::sockopt::sndhwm, options.send_high_water_mark);
      socket_.set(zmq::sockopt::rcvhwm, options.receive_high_water_mark);
      socket_.set(zmq::sockopt::maxmsgsize, options.max_frame_bytes + kCurveMessageOverhead);
      socket_.set(zmq::sockopt::curve_serverkey,
                  zmq::const_buffer(options.server_key.data(), 32));
      socket_.set(zmq::sockopt::curve_publickey,
                  zmq::const_buffer(options.public_key.data(), 32));
      socket_.set(zmq::sockopt::curve_secretkey,
                  zmq::const_buffer(options.secret_key->data(), 32));
      if (zmq_socket_monitor(socket_.handle(), monitor_endpoint.c_str(),
                             kMonitoredEvents) != 0) {
        throw zmq::error_t();
      }
      monitor_ = zmq::socket_t(context_, zmq::socket_type::pair);
      monitor_.set(zmq::sockopt::linger, 0);
      monitor_.connect(monitor_endpoint);
      socket_.connect(options.endpoint);
    } catch (const zmq::error_t& e) {
      return ZmqError("cannot connect to " + options.endpoint, e);
    }
    return Status::Ok();
  }

  Status Send(ByteView frame, std::chrono::milliseconds timeout) override {
    CERTSHARE_RETURN_IF_ERROR(refused_);
    try {
      socket_.set(zmq::sockopt::sndtimeo, static_cast<int>(timeout.count()));
      if (!socket_.send(zmq::buffer(frame.data(), frame.size()), zmq::send_flags::none)) {
        // A handshake the broker refused before this send leaves libzmq no
        // connection to queue on, so the send waits out its timeout: say
        // why, as Receive would have.
        CERTSHARE_RETURN_IF_ERROR(ReadPendingMonitorEvents());
        return Status(ErrorCode::kTimeout, "the broker is not accepting messages");
      }
      return Status::Ok();
    } catch (const zmq::error_t& e) {
      return ZmqError("send", e);
    }
  }

  Result<Bytes> Receive(std::chrono::milliseconds timeout) override {
    CERTSHARE_RETURN_IF_ERROR(refused_);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    try {
      while (true) {
        CERTSHARE_RETURN_IF_ERROR(CheckReachable());
        zmq::pollitem_t items[] = {{socket_.handle(), 0, ZMQ_POLLIN, 0},
                                   {monitor_.handle(), 0, ZMQ_POLLIN, 0}};
        auto wake = deadline;
        if (!connected_ && failed_attempts_ > 0) wake = std::min(wake, started_ + connect_timeout_);
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            wake - std::chrono::steady_clock::now());
        if (left.count() < 0) left = std::chrono::milliseconds(0);
        try {
          zmq::poll(items, 2, left);
        } catch (const zmq::error_t& e) {
          if (e.num() != EINTR) throw;
          continue;  // a signal: wait again until the deadline
        }
        if (items[0].revents & ZMQ_POLLIN) {
          zmq::message_t msg;
          (void)socket_.recv(msg);
          const auto* data = static_cast<const std::uint8_t*>(msg.data());
          return Bytes(data, data + msg.size());
        }
        if (items[1].revents & ZMQ_POLLIN) {
          Status refused = ReadMonitorEvent();
          if (!refused.ok()) return refused;
          continue;
        }
        CERTSHARE_RETURN_IF_ERROR(CheckReachable());
        if (std::chrono::steady_clock::now() >= deadline) {
          return Status(ErrorCode::kTimeout, "no answer from the broker");
        }
      }
    } catch (const zmq::error_t& e) {
      return ZmqError("receive", e);
    }
  }

 private:
  // Reads the monitor events already queued, without waiting: the first
  // handshake refusal among them, else OK.
  Status ReadPendingMonitorEvents() {
    zmq::pollitem_t item = {monitor_.handle(), 0, ZMQ_POLLIN, 0};
    while (zmq::poll(&item, 1, std::chrono::milliseconds(0)) > 0) {
      CERTSHARE_RETURN_IF_ERROR(ReadMonitorEvent());
    }
    return Status::Ok();
  }

  // Monitor events are two frames: (event:u16, value:u32) and the endpoint.
  Status ReadMonitorEvent() {
    zmq::message_t event, address;
    (void)monitor_.recv(event);
    if (event.more()) (void)monitor_.recv(address);
    if (event.size() < 6) return Status::Ok();
    std::uint16_t id;
    std::uint32_t value;
    std::memcpy(&id, event.data(), 2);
    std::memcpy(&value, static_cast<const char*>(event.data()) + 2, 4);
    if (id == ZMQ_EVENT_CONNECTED) {
      connected_ = true;
      return Status::Ok();
    }
    if (id == ZMQ_EVENT_CONNECT_RETRIED) {
      ++failed_attempts_;
      return Status::Ok();
    }
    // A key the broker refused: libzmq closes the connection for good
    // (no reconnection), so every later call gets the same answer.
    if (id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH && value == kZapRevoked) {
      refused_ = Status(ErrorCode::kRevoked,
                        "the broker refused this organisation's transport key because its "
                        "registry marks the organisation revoked (ZAP status 500): it accepts "
                        "nothing from it; ask the broker's operator");
      return refused_;
    }
    if (id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
      refused_ = Status(ErrorCode::kUnauthenticated,
                        "the broker refused this organisation's transport key (status " +
                            std::to_string(value) + "): is it in the broker's registry?");
      return refused_;
    }
    if (id == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
      // The connection closed during the handshake. A broker that cannot
      // open our HELLO (we hold the wrong public key for it) does that, but
      // so does a network cut or a broker restarting: callers retry it like
      // an unreachable broker, and the message names both causes.
      return Status(ErrorCode::kTransportError,
                    "the connection to the broker closed during the CURVE handshake (" +
                        std::string(std::strerror(static_cast<int>(value))) +
                        "): the network, a restarting broker, the wrong public key for the "
                        "broker (check its card), or this organisation holding the most "
                        "connections the broker allows (max_connections_per_org)");
    }
    return Status(ErrorCode::kUnauthenticated,
                  "the CURVE handshake with the broker failed: check the broker's "
                  "public key (its card) and that this organisation is registered");
  }

  // kUnreachable once the first connection has failed for connect_timeout_
  // (ClientOptions::connect_timeout) without ever succeeding.
  Status CheckReachable() const {
    if (connected_ || failed_attempts_ == 0 ||
        std::chrono::steady_clock::now() < started_ + connect_timeout_) {
      return Status::Ok();
    }
    return Status(ErrorCode::kUnreachable,
                  "nothing accepted a connection at " + endpoint_ + " (" +
                      std::to_string(failed_attempts_) + " attempts in " +
                      std::to_string(connect_timeout_.count()) +
                      " ms were refused or found no route): is the broker running, and is "
                      "the endpoint right?");
  }

  zmq::context_t context_;
  zmq::socket_t socket_;
  zmq::socket_t monitor_;
  std::string endpoint_;
  std::chrono::milliseconds connect_timeout_{1000};
  std::chrono::steady_clock::time_point started_;
  Status refused_;                   // the broker refused our key: final
  bool connected_ = false;           // a TCP connection was made once
  std::uint64_t failed_attempts_ = 0;  // connection attempts refused or unroutable
};

}  // namespace

Result<std::unique_ptr<Client>> Client::Connect(const ClientOptions& options) {
  if (!HasCurve()) {
    return Status(ErrorCode::kTransportError, "this libzmq was built without CURVE");
  }
  if (options.secret_key == nullptr) {
    return Status(ErrorCode::kInvalidArgument, "client needs a secret key");
  }
  auto client = std::make_unique<ZmqClient>();
  CERTSHARE_RETURN_IF_ERROR(client->Init(options));
  return std::unique_ptr<Client>(std::move(client));
}

}  // namespace certshare::transport
