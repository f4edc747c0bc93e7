#include "common/transport/zap_handler.h"

#include <cstring>
#include <vector>

#include "common/base/thread_name.h"
#include "common/transport/logger.h"

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

ZapHandler::ZapHandler(zmq::context_t& context, Authorize authorize,
                       ConnectionTable* connections)
    : context_(context), authorize_(std::move(authorize)), connections_(connections) {}

ZapHandler::~ZapHandler() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  socket_.close();
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
  thread_ = std::thread([this] {
    SetThreadName("zap");
    Run();
  });
  return Status::Ok();
}

std::optional<std::string> ZapHandler::failure() const {
  if (!failed_.load()) return std::nullopt;
  MutexLock lock(&failure_mu_);
  return failure_;
}

// On failure the socket is left bound and unanswered (closed only by the
// destructor): libzmq then keeps sending ZAP requests that nobody answers,
// so no handshake completes, instead of admitting clients unauthenticated.
void ZapHandler::Run() {
  try {
    while (!stop_) {
      zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
      try {
        zmq::poll(&item, 1, kStopCheck);
      } catch (const zmq::error_t& e) {
        if (e.num() == EINTR) continue;  // a signal, not a failure
        throw;
      }
      if (item.revents & ZMQ_POLLIN) HandleRequest();
      LogSuppressed();
    }
  } catch (const zmq::error_t& e) {
    Fail(e.what());
  } catch (const std::exception& e) {
    Fail(e.what());
  } catch (...) {
    Fail("an unknown exception");
  }
}

void ZapHandler::Fail(const std::string& why) {
  {
    MutexLock lock(&failure_mu_);
    failure_ = why;
  }
  failed_ = true;
  Logger()->critical("ZAP handler failed: {}; no new connection is admitted (fail closed), "
                     "and the server stops",
                     why);
}

void ZapHandler::LogSuppressed() {
  for (const LogThrottle::Suppressed& s : throttle_.TakeSuppressed()) {
    Logger()->warn("{} more like this not logged in the last {} s: {}", s.count,
                   std::chrono::duration_cast<std::chrono::seconds>(throttle_.options().interval)
                     .count(),
                   s.key);
  }
}

// Request frames (RFC 27): version, request id, domain, address, routing id,
// mechanism, credentials...; for CURVE one credential: the client's key.
// Reply status: 200 admitted; 400 refused: key not registered; 500 refused:
// the organisation is revoked. Both refusals reach the client as a CURVE
// ERROR with the status (ZMQ_EVENT_HANDSHAKE_FAILED_AUTH), and libzmq
// closes the connection. 300 ("temporary failure", RFC 27) for an
// organisation at its connection limit (kConnectionLimitStatus): libzmq
// sends no ERROR for it, so the client is not told; the connection stays
// unanswered until the server's handshake timeout closes it.
void ZapHandler::HandleRequest() {
  std::vector<zmq::message_t> request;
  while (true) {
    zmq::message_t part;
    if (!socket_.recv(part)) return;
    bool more = part.more();
    request.push_back(std::move(part));
    if (!more) break;
  }
  std::string status = "400";
  std::string text = "unknown key";
  std::string user_id;
  if (request.size() < 6) {
    // Not a ZAP request (only libzmq writes here): a REP socket still owes
    // it a reply, a refusal.
    text = "malformed ZAP request";
  } else {
    std::string mechanism = request[5].to_string();
    std::string address = request[3].to_string();
    if (mechanism == "CURVE" && request.size() == 7 && request[6].size() == 32) {
      crypto::BoxPublicKey key;
      std::memcpy(key.data(), request[6].data(), key.size());
      Result<std::string> org = authorize_(key);
      int open = 0;
      if (!org.ok()) {
        // 500 tells the client its organisation is revoked, 400 that its
        // key is unknown (transport.h, Authorize): the status code is all
        // that libzmq passes on to it.
        if (org.status().code() == ErrorCode::kRevoked) status = "500";
        text = org.status().message();
        if (throttle_.Allow("connections refused from " + address + ": " +
                            std::string(ErrorCodeName(org.status().code())))) {
          Logger()->warn("refused connection from {}: {}", address, org.status().message());
        }
      } else if (!connections_->Admit(*org, ConnectionTable::Clock::now(), &open)) {
        status = kConnectionLimitStatus;
        text = "too many connections";
        if (throttle_.Allow("connections of " + *org + " refused at its connection limit")) {
          Logger()->warn("refused a connection of {} from {}: it has {} connections open, the "
                         "most allowed (max_connections_per_org)",
                         *org, address, open);
        }
      } else {
        status = "200";
        text = "OK";
        user_id = *org;
        if (throttle_.Allow("connections of " + *org + " admitted")) {
          Logger()->info("admitted {} from {}", *org, address);
        }
      }
    } else {
      text = "CURVE required";
      if (throttle_.Allow("connections refused from " + address + ": not CURVE")) {
        Logger()->warn("refused connection from {}: mechanism {} is not CURVE", address,
                       mechanism);
      }
    }
  }
  // Metadata (ZMTP property list): the client's CURVE key, which ZeroMQ
  // then attaches to every message of the connection (Incoming::client_key),
  // so the server can tell which of an organisation's keys a connection
  // was admitted with after the registry changes.
  std::string metadata;
  if (status == "200") metadata = ClientKeyProperty(request[6]);
  zmq::const_buffer request_id =
      request.size() > 1 ? zmq::buffer(request[1].data(), request[1].size()) : zmq::const_buffer();
  std::vector<zmq::const_buffer> reply = {zmq::str_buffer("1.0"), request_id,
                                          zmq::buffer(status),    zmq::buffer(text),
                                          zmq::buffer(user_id),   zmq::buffer(metadata)};
  for (std::size_t i = 0; i < reply.size(); ++i) {
    socket_.send(reply[i], i + 1 < reply.size() ? zmq::send_flags::sndmore
                                                : zmq::send_flags::none);
  }
}

}  // namespace certshare::transport
