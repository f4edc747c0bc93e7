#include "common/transport/zap_handler.h"

#include <spdlog/spdlog.h>

#include <cstring>
#include <vector>

namespace certshare::transport {

namespace {
constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
constexpr auto kStopCheck = std::chrono::milliseconds(100);

// One ZMTP metadata property: name-length:u8 name value-length:u32 value.
std::string ClientKeyProperty(const zmq::message_t& key) {
  std::string name(kClientKeyProperty);
  std::string value = HexEncode(ByteView(static_cast<const std::uint8_t*>(key.data()), key.size()));
  std::string out;
  out.push_back(static_cast<char>(name.size()));
  out += name;
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value.size() >> shift) & 0xff));
  }
  out += value;
  return out;
}
}  // namespace

ZapHandler::ZapHandler(zmq::context_t& context, Authorize authorize)
    : context_(context), authorize_(std::move(authorize)) {}

ZapHandler::~ZapHandler() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

Status ZapHandler::Start() {
  try {
    socket_ = zmq::socket_t(context_, zmq::socket_type::rep);
    socket_.set(zmq::sockopt::linger, 0);
    socket_.bind(kZapEndpoint);
  } catch (const zmq::error_t& e) {
    return Status(ErrorCode::kTransportError,
                  std::string("cannot start the ZAP handler: ") + e.what());
  }
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void ZapHandler::Run() {
  try {
    while (!stop_) {
      zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(&item, 1, kStopCheck);
      if (item.revents & ZMQ_POLLIN) HandleRequest();
    }
  } catch (const zmq::error_t& e) {
    if (e.num() != ETERM) spdlog::error("ZAP handler stopped: {}", e.what());
  }
  socket_.close();
}

// Request frames (RFC 27): version, request id, domain, address, routing id,
// mechanism, credentials...; for CURVE one credential: the client's key.
void ZapHandler::HandleRequest() {
  std::vector<zmq::message_t> request;
  while (true) {
    zmq::message_t part;
    if (!socket_.recv(part)) return;
    bool more = part.more();
    request.push_back(std::move(part));
    if (!more) break;
  }
  if (request.size() < 6) return;  // not a ZAP request: REP needs a reply anyway
  std::string status = "400";
  std::string text = "unknown key";
  std::string user_id;
  std::string mechanism = request[5].to_string();
  std::string address = request[3].to_string();
  if (mechanism == "CURVE" && request.size() == 7 && request[6].size() == 32) {
    crypto::BoxPublicKey key;
    std::memcpy(key.data(), request[6].data(), key.size());
    Result<std::string> org = authorize_(key);
    if (org.ok()) {
      status = "200";
      text = "OK";
      user_id = *org;
      spdlog::info("admitted {} from {}", *org, address);
    } else {
      // 500 tells the client its organisation is revoked, 400 that its key
      // is unknown (transport.h, Authorize): the status code is all that
      // libzmq passes on to it.
      if (org.status().code() == ErrorCode::kRevoked) status = "500";
      text = org.status().message();
      spdlog::warn("refused connection from {}: {}", address, org.status().message());
    }
  } else {
    text = "CURVE required";
    spdlog::warn("refused connection from {}: mechanism {} is not CURVE", address, mechanism);
  }
  // Metadata (ZMTP property list): the client's CURVE key, which ZeroMQ
  // then attaches to every message of the connection (Incoming::client_key),
  // so the server can tell which of an organisation's keys a connection
  // was admitted with after the registry changes.
  std::string metadata;
  if (status == "200") metadata = ClientKeyProperty(request[6]);
  std::vector<zmq::const_buffer> reply = {
      zmq::str_buffer("1.0"), zmq::buffer(request[1].data(), request[1].size()),
      zmq::buffer(status), zmq::buffer(text), zmq::buffer(user_id),
      zmq::buffer(metadata)};
  for (std::size_t i = 0; i < reply.size(); ++i) {
    socket_.send(reply[i], i + 1 < reply.size() ? zmq::send_flags::sndmore
                                                : zmq::send_flags::none);
  }
}

}  // namespace certshare::transport
