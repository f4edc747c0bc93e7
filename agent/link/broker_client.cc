#include "agent/link/broker_client.h"

namespace certshare::agent {

namespace {
constexpr auto kSendTimeout = std::chrono::seconds(5);
}

Result<std::unique_ptr<BrokerClient>> BrokerClient::Connect(
    const std::string& endpoint, const identity::Card& broker, const identity::Identity& me,
    std::chrono::milliseconds connect_timeout) {
  transport::ClientOptions options;
  options.endpoint = endpoint;
  options.connect_timeout = connect_timeout;
  options.server_key = broker.transport_key;
  options.public_key = me.card.transport_key;
  options.secret_key = &me.transport_secret;
  // Nothing larger can come from a broker: a bigger frame is dropped
  // before it is allocated (docs/protocol.md, wire protocol "Edge cases").
  options.max_frame_bytes = static_cast<std::int64_t>(wire::kMaxBrokerFrameBytes);
  auto client = transport::Client::Connect(options);
  if (!client.ok()) return client.status();
  return std::unique_ptr<BrokerClient>(new BrokerClient(std::move(*client)));
}

Result<Ack> BrokerClient::Publish(ByteView record, std::chrono::milliseconds timeout) {
  std::uint64_t correlation = next_correlation_++;
  CERTSHARE_RETURN_IF_ERROR(client_->Send(wire::EncodePublish(correlation, record), kSendTimeout));
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return Status(ErrorCode::kTimeout, "no acknowledgement from the broker within " +
                                             std::to_string(timeout.count()) + " ms");
    }
    CERTSHARE_ASSIGN_OR_RETURN(Received r, Next(left));
    if (r.msg.correlation != correlation) continue;  // a stale answer
    if (r.msg.command == wire::Command::kAck) {
      return Ack{r.msg.sequence, r.msg.duplicate};
    }
    if (r.msg.command == wire::Command::kError) {
      return Status(r.msg.error, "the broker refused the record: " + r.msg.text);
    }
  }
}

Result<std::uint64_t> BrokerClient::SendPublish(ByteView record) {
  std::uint64_t correlation = next_correlation_++;
  CERTSHARE_RETURN_IF_ERROR(client_->Send(wire::EncodePublish(correlation, record), kSendTimeout));
  return correlation;
}

Result<wire::Message> BrokerClient::Subscribe(const wire::SubscribeRequest& request,
                                               std::chrono::milliseconds timeout) {
  std::uint64_t correlation = next_correlation_++;
  CERTSHARE_RETURN_IF_ERROR(
      client_->Send(wire::EncodeSubscribe(correlation, request), kSendTimeout));
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return Status(ErrorCode::kTimeout, "the broker did not answer the subscription");
    }
    CERTSHARE_ASSIGN_OR_RETURN(Received r, Next(left));
    if (r.msg.correlation != correlation) continue;
    if (r.msg.command == wire::Command::kSubscribed) return r.msg;
    if (r.msg.command == wire::Command::kError) {
      return Status(r.msg.error, "the broker refused the subscription: " + r.msg.text);
    }
  }
}

Status BrokerClient::Acknowledge(std::uint64_t sequence, std::uint32_t credit) {
  CERTSHARE_RETURN_IF_ERROR(
      client_->Send(wire::EncodeConsumed(next_correlation_++, sequence), kSendTimeout));
  if (credit == 0) return Status::Ok();
  return client_->Send(wire::EncodeCredit(next_correlation_++, credit), kSendTimeout);
}

Status BrokerClient::Ping() {
  return client_->Send(wire::EncodePing(next_correlation_++), kSendTimeout);
}

Result<SubscriptionPositions> BrokerClient::Positions(std::chrono::milliseconds timeout) {
  // Asked with the lag; a broker from before the lag refuses the flags
  // byte as MALFORMED_FRAME and is asked again without it.
  bool with_lag = true;
  std::uint64_t correlation = next_correlation_++;
  CERTSHARE_RETURN_IF_ERROR(
      client_->Send(wire::EncodePositions(correlation, with_lag), kSendTimeout));
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return Status(ErrorCode::kTimeout, "the broker did not list the subscriptions within " +
                                             std::to_string(timeout.count()) + " ms");
    }
    CERTSHARE_ASSIGN_OR_RETURN(Received r, Next(left));
    if (r.msg.correlation != correlation) continue;  // a stale answer, or a push
    if (r.msg.command == wire::Command::kPositionsOk) {
      return SubscriptionPositions{r.msg.head, r.msg.first, std::move(r.msg.positions)};
    }
    if (r.msg.command == wire::Command::kError && with_lag &&
        r.msg.error == ErrorCode::kMalformedFrame) {
      with_lag = false;
      correlation = next_correlation_++;
      CERTSHARE_RETURN_IF_ERROR(
          client_->Send(wire::EncodePositions(correlation, with_lag), kSendTimeout));
      continue;
    }
    if (r.msg.command == wire::Command::kError) {
      return Status(r.msg.error, "the broker refused to list the subscriptions: " + r.msg.text);
    }
  }
}

Result<Received> BrokerClient::Next(std::chrono::milliseconds timeout) {
  Received r;
  CERTSHARE_ASSIGN_OR_RETURN(r.frame, client_->Receive(timeout));
  Status s = wire::Decode(r.frame, &r.msg);
  if (!s.ok()) return s.WithContext("a message from the broker");
  if (r.msg.command == wire::Command::kPing) {
    CERTSHARE_RETURN_IF_ERROR(
        client_->Send(wire::EncodePong(r.msg.correlation), kSendTimeout));
  }
  return r;
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

}  // namespace certshare::agent
