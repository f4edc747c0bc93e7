#include "agent/link/broker_client.h"

namespace certshare::agent {

Result<std::unique_ptr<BrokerClient>> BrokerClient::Connect(
    const std::string& endpoint, const identity::Card& broker, const identity::Identity& me,
    std::chrono::milliseconds connect_timeout) {
  transport::ClientOptions options;
  options.endpoint = endpoint;
  options.connect_timeout = connect_timeout;
  options.server_key = broker.transport_key;
  options.public_key = me.card.transport_key;
  options.secret_key = &me.transport_secret;
  CERTSHARE_ASSIGN_OR_RETURN(std::unique_ptr<transport::WireClient> wire,
                             transport::WireClient::Connect(options));
  return std::unique_ptr<BrokerClient>(new BrokerClient(std::move(wire)));
}

Result<Ack> BrokerClient::Publish(ByteView record, std::chrono::milliseconds timeout) {
  std::uint64_t correlation = wire_->NewCorrelation();
  const std::string no_answer =
      "no acknowledgement from the broker within " + std::to_string(timeout.count()) + " ms";
  CERTSHARE_ASSIGN_OR_RETURN(
      Received r, wire_->Request(correlation, wire::EncodePublish(correlation, record),
                                 {wire::Command::kAck, "the broker refused the record", no_answer},
                                 timeout));
  return Ack{r.msg.sequence, r.msg.duplicate};
}

Result<std::uint64_t> BrokerClient::SendPublish(ByteView record) {
  std::uint64_t correlation = wire_->NewCorrelation();
  CERTSHARE_RETURN_IF_ERROR(wire_->Send(wire::EncodePublish(correlation, record)));
  return correlation;
}

Result<wire::Message> BrokerClient::Subscribe(const wire::SubscribeRequest& request,
                                               std::chrono::milliseconds timeout) {
  std::uint64_t correlation = wire_->NewCorrelation();
  CERTSHARE_ASSIGN_OR_RETURN(
      Received r,
      wire_->Request(correlation, wire::EncodeSubscribe(correlation, request),
                     {wire::Command::kSubscribed, "the broker refused the subscription",
                      "the broker did not answer the subscription"},
                     timeout));
  return std::move(r.msg);
}

Status BrokerClient::Acknowledge(std::uint64_t sequence, std::uint32_t credit) {
  CERTSHARE_RETURN_IF_ERROR(wire_->Send(wire::EncodeConsumed(wire_->NewCorrelation(), sequence)));
  if (credit == 0) return Status::Ok();
  return wire_->Send(wire::EncodeCredit(wire_->NewCorrelation(), credit));
}

Status BrokerClient::Ping() { return wire_->Send(wire::EncodePing(wire_->NewCorrelation())); }

Result<SubscriptionPositions> BrokerClient::Positions(std::chrono::milliseconds timeout) {
  // Asked with the lag; a broker from before the lag refuses the flags
  // byte as MALFORMED_FRAME and is asked again without it, within the same
  // timeout.
  const std::string no_answer = "the broker did not list the subscriptions within " +
                                std::to_string(timeout.count()) + " ms";
  bool with_lag = true;
  std::uint64_t correlation = wire_->NewCorrelation();
  CERTSHARE_RETURN_IF_ERROR(wire_->Send(wire::EncodePositions(correlation, with_lag)));
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    CERTSHARE_ASSIGN_OR_RETURN(
        Received r, wire_->Await(correlation, wire::Command::kPositionsOk, deadline, no_answer));
    if (r.msg.command == wire::Command::kPositionsOk) {
      return SubscriptionPositions{r.msg.head, r.msg.first, std::move(r.msg.positions)};
    }
    if (!with_lag || r.msg.error != ErrorCode::kMalformedFrame) {
      return transport::Refusal(r.msg, "the broker refused to list the subscriptions");
    }
    with_lag = false;
    correlation = wire_->NewCorrelation();
    CERTSHARE_RETURN_IF_ERROR(wire_->Send(wire::EncodePositions(correlation, with_lag)));
  }
}

Result<wire::TrustFiles> BrokerClient::FetchTrust(std::uint64_t root_version,
                                                  std::uint64_t registry_version,
                                                  std::chrono::milliseconds timeout) {
  std::uint64_t correlation = wire_->NewCorrelation();
  CERTSHARE_ASSIGN_OR_RETURN(
      Received r,
      wire_->Request(correlation, wire::EncodeTrustGet(correlation, root_version, registry_version),
                     {wire::Command::kTrust, "the broker refused to send the federation's trust "
                                             "files",
                      "the broker did not send the federation's trust files"},
                     timeout));
  return std::move(r.msg.trust);
}

Result<std::uint64_t> BrokerClient::SendTrustGet(std::uint64_t root_version,
                                                  std::uint64_t registry_version) {
  std::uint64_t correlation = wire_->NewCorrelation();
  CERTSHARE_RETURN_IF_ERROR(
      wire_->Send(wire::EncodeTrustGet(correlation, root_version, registry_version)));
  return correlation;
}

Result<Received> BrokerClient::Next(std::chrono::milliseconds timeout) {
  return wire_->Next(timeout);
}

}  // namespace certshare::agent
