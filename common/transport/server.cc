#include <spdlog/spdlog.h>

#include <zmq.hpp>

#include "common/transport/transport.h"
#include "common/transport/zap_handler.h"

namespace certshare::transport {

namespace {

// The ZAP domain the broker's socket announces; any value enables ZAP.
constexpr const char* kZapDomain = "certshare";

Status ZmqError(std::string_view what, const zmq::error_t& e) {
  return Status(ErrorCode::kTransportError, std::string(what) + ": " + e.what());
}

class ZmqServer final : public Server {
 public:
  explicit ZmqServer(Authorize authorize) : zap_(context_, std::move(authorize)) {}
  ~ZmqServer() override {
    socket_.close();
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
      socket_.set(zmq::sockopt::maxmsgsize, options.max_frame_bytes);
      socket_.set(zmq::sockopt::zap_domain, kZapDomain);
      socket_.set(zmq::sockopt::curve_server, 1);
      socket_.set(zmq::sockopt::curve_secretkey,
                  zmq::const_buffer(options.secret_key->data(), 32));
      socket_.bind(options.endpoint);
      endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
    } catch (const zmq::error_t& e) {
      return ZmqError("cannot bind " + options.endpoint, e);
    }
    return Status::Ok();
  }

  const std::string& endpoint() const override { return endpoint_; }

  Result<std::optional<Incoming>> Receive(std::chrono::milliseconds timeout) override {
    try {
      zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(&item, 1, timeout);
      if (!(item.revents & ZMQ_POLLIN)) return std::optional<Incoming>();
      zmq::message_t routing_id, body;
      if (!socket_.recv(routing_id, zmq::recv_flags::dontwait)) {
        return std::optional<Incoming>();
      }
      if (!routing_id.more()) return std::optional<Incoming>();
      (void)socket_.recv(body);
      bool extra = body.more();
      while (extra) {  // a certshare message is one frame: drop the rest
        zmq::message_t skip;
        (void)socket_.recv(skip);
        extra = skip.more();
        body = zmq::message_t();  // treat as malformed: empty frame
      }
      Incoming in;
      in.peer = routing_id.to_string();
      const char* user = body.gets("User-Id");
      in.org = user ? user : "";
      const auto* data = static_cast<const std::uint8_t*>(body.data());
      in.frame.assign(data, data + body.size());
      return std::optional<Incoming>(std::move(in));
    } catch (const zmq::error_t& e) {
      // A signal (SIGTERM) interrupted the wait: no message, let the caller
      // look at its stop flag.
      if (e.num() == EINTR) return std::optional<Incoming>();
      return ZmqError("receive", e);
    }
  }

  SendOutcome Send(const std::string& peer, ByteView frame) override {
    try {
      auto sent = socket_.send(zmq::buffer(peer),
                               zmq::send_flags::sndmore | zmq::send_flags::dontwait);
      if (!sent) return SendOutcome::kBusy;
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
  ZapHandler zap_;
  zmq::socket_t socket_;
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
  auto server = std::make_unique<ZmqServer>(options.authorize);
  CERTSHARE_RETURN_IF_ERROR(server->Init(options));
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace certshare::transport
