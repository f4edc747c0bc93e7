#include "common/transport/wire_client.h"

#include <string>

namespace certshare::transport {

Result<std::unique_ptr<WireClient>> WireClient::Connect(ClientOptions options) {
  options.max_frame_bytes = static_cast<std::int64_t>(wire::kMaxBrokerFrameBytes);
  CERTSHARE_ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Client::Connect(options));
  return std::make_unique<WireClient>(std::move(client));
}

Status WireClient::Send(ByteView frame) { return client_->Send(frame, kWireSendTimeout); }

Result<Received> WireClient::Next(std::chrono::milliseconds timeout) {
  Received r;
  CERTSHARE_ASSIGN_OR_RETURN(r.frame, client_->Receive(timeout));
  Status s = wire::Decode(r.frame, &r.msg);
  if (!s.ok()) return s.WithContext("a message from the broker");
  if (r.msg.command == wire::Command::kPing) {
    CERTSHARE_RETURN_IF_ERROR(Send(wire::EncodePong(r.msg.correlation)));
  }
  return r;
}

Result<Received> WireClient::Await(std::uint64_t correlation, wire::Command answer,
                                   std::chrono::steady_clock::time_point deadline,
                                   std::string_view no_answer) {
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Status(ErrorCode::kTimeout, std::string(no_answer));
    CERTSHARE_ASSIGN_OR_RETURN(Received r, Next(left));
    if (r.msg.correlation != correlation) continue;  // a stale answer, or a push
    if (r.msg.command == answer || r.msg.command == wire::Command::kError) return r;
  }
}

Result<Received> WireClient::Request(std::uint64_t correlation, ByteView frame,
                                     const Reply& reply, std::chrono::milliseconds timeout) {
  CERTSHARE_RETURN_IF_ERROR(Send(frame));
  CERTSHARE_ASSIGN_OR_RETURN(
      Received r, Await(correlation, reply.answer, std::chrono::steady_clock::now() + timeout,
                        reply.no_answer));
  if (r.msg.command == wire::Command::kError) return Refusal(r.msg, reply.refused);
  return r;
}

Status Refusal(const wire::Message& error, std::string_view refused) {
  return Status(error.error, std::string(refused) + ": " + error.text);
}

bool BrokerNotReached(const Status& s) {
  switch (s.code()) {
    case ErrorCode::kTimeout:
    case ErrorCode::kTransportError:
    case ErrorCode::kUnreachable:
    case ErrorCode::kUnauthenticated:
      return true;
    default:
      return false;
  }
}

}  // namespace certshare::transport
