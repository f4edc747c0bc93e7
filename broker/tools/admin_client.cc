#include "broker/tools/admin_client.h"

#include <ostream>

#include "common/base/json.h"

namespace certshare::broker {

namespace {

constexpr auto kSendTimeout = std::chrono::seconds(5);

Result<AdminAnswer> ParseAnswer(const std::string& text) {
  rapidjson::Document doc;
  json::ParseLimits limits;
  limits.max_bytes = wire::kMaxAdminResultBytes;
  Status s = json::Parse(text, &doc, limits);
  if (!s.ok()) return s.WithContext("the broker's answer");
  AdminAnswer answer;
  const rapidjson::Value* registry = json::Member(doc, "registry");
  if (!json::GetString(doc, "summary", &answer.summary) || registry == nullptr) {
    return Status(ErrorCode::kMalformedFrame,
                  "the broker's answer lacks \"summary\" or \"registry\"");
  }
  answer.registry_json = json::Write(*registry);
  Result<identity::Registry> parsed = identity::Registry::Parse(answer.registry_json);
  if (!parsed.ok()) return parsed.status().WithContext("the registry the broker sent");
  answer.registry = std::move(*parsed);
  return answer;
}

}  // namespace

Result<std::unique_ptr<AdminClient>> AdminClient::Connect(const std::string& endpoint,
                                                          const identity::Card& broker,
                                                          const identity::Identity& me) {
  transport::ClientOptions options;
  options.endpoint = endpoint;
  options.server_key = broker.transport_key;
  options.public_key = me.card.transport_key;
  options.secret_key = &me.transport_secret;
  // Nothing larger can come from a broker: a bigger frame is dropped
  // before it is allocated (docs/protocol.md, wire protocol "Edge cases").
  options.max_frame_bytes = static_cast<std::int64_t>(wire::kMaxBrokerFrameBytes);
  CERTSHARE_ASSIGN_OR_RETURN(std::unique_ptr<transport::Client> client,
                             transport::Client::Connect(options));
  return std::unique_ptr<AdminClient>(
      new AdminClient(std::move(client), broker.transport_key, me.sign_secret.Clone()));
}

wire::AdminSignature AdminClient::Sign(std::string_view json) const {
  return SignAdminCommand(json, sign_key_);
}

Result<AdminAnswer> AdminClient::Send(const AdminCommand& command,
                                      std::chrono::milliseconds timeout) {
  std::string json = AdminCommandToJson(command);
  return SendSigned(json, Sign(json), timeout);
}

Result<AdminAnswer> AdminClient::SendSigned(std::string_view json,
                                            const wire::AdminSignature& signature,
                                            std::chrono::milliseconds timeout) {
  if (json.empty() || json.size() > wire::kMaxAdminCommandBytes) {
    return Status(ErrorCode::kInvalidArgument, "an admin command is 1 to " +
                                                   std::to_string(wire::kMaxAdminCommandBytes) +
                                                   " bytes");
  }
  std::uint64_t correlation = next_correlation_++;
  CERTSHARE_RETURN_IF_ERROR(
      client_->Send(wire::EncodeAdmin(correlation, json, signature), kSendTimeout));
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return Status(ErrorCode::kTimeout, "no answer from the broker within " +
                                             std::to_string(timeout.count()) + " ms");
    }
    CERTSHARE_ASSIGN_OR_RETURN(Bytes frame, client_->Receive(left));
    wire::Message msg;
    Status decoded = wire::Decode(frame, &msg);
    if (!decoded.ok()) return decoded.WithContext("a message from the broker");
    if (msg.correlation != correlation) continue;  // a stale answer
    if (msg.command == wire::Command::kAdminOk) return ParseAnswer(msg.admin);
    if (msg.command == wire::Command::kError) {
      return Status(msg.error, "the broker refused: " + msg.text);
    }
  }
}

int RunAdmin(const AdminRequest& request, std::ostream& out, std::ostream& err) {
  auto report = [&err](const Status& s, int exit) {
    err << "certshare-broker: " << s.ToString() << "\n";
    return exit;
  };
  auto me = identity::LoadIdentity(request.operator_secret);
  if (!me.ok()) return report(me.status(), kAdminExitInvalidInput);
  auto broker = identity::LoadCard(request.broker_card);
  if (!broker.ok()) return report(broker.status(), kAdminExitInvalidInput);

  AdminCommand command = NewAdminCommand(request.kind, broker->transport_key);
  if (request.kind == AdminKind::kAddOrg || request.kind == AdminKind::kRotate) {
    auto card = identity::LoadCard(request.card_path);
    if (!card.ok()) return report(card.status(), kAdminExitInvalidInput);
    command.card = identity::PublicCard(*card);
    command.keep_previous_keys = !request.forget_previous_keys;
  }
  if (request.kind == AdminKind::kRevoke) {
    if (!identity::IsValidOrgId(request.org)) {
      return report(Status(ErrorCode::kInvalidArgument,
                           "\"" + request.org + "\" is not an organisation id"),
                    kAdminExitInvalidInput);
    }
    command.org = request.org;
  }

  auto client = AdminClient::Connect(request.broker, *broker, *me);
  if (!client.ok()) return report(client.status(), kAdminExitInvalidInput);
  auto answer = (*client)->Send(command, std::chrono::seconds(request.timeout_seconds));
  if (!answer.ok()) {
    ErrorCode code = answer.status().code();
    bool unreachable = code == ErrorCode::kTimeout || code == ErrorCode::kTransportError ||
                       code == ErrorCode::kUnreachable || code == ErrorCode::kUnauthenticated;
    return report(answer.status(), unreachable ? kAdminExitUnreachable : kAdminExitRefused);
  }
  if (request.kind == AdminKind::kShow) {
    if (request.json) {
      out << answer->registry.ToJson();
    } else {
      out << identity::Describe(answer->registry);
    }
    return kAdminExitOk;
  }
  out << answer->summary << "\n";
  return kAdminExitOk;
}

}  // namespace certshare::broker
