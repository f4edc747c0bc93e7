#include "broker/tools/admin_client.h"

#include <ostream>

#include "common/base/file_util.h"
#include "common/base/json.h"
#include "common/base/timestamp.h"
#include "common/trust/key_id.h"

namespace certshare::broker {

namespace {

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
  if (const rapidjson::Value* trust = json::Member(doc, "trust")) {
    answer.trust_json = json::Write(*trust);
  }
  if (const rapidjson::Value* holds = json::Member(doc, "quarantine")) {
    answer.quarantine_json = json::Write(*holds);
  }
  return answer;
}

// What `admin show` prints last: one line per hold,
//   withheld <org> received <since> to <until>|on  sequences <first> to <last>|on
void PrintHolds(const AdminAnswer& answer, std::ostream& out) {
  rapidjson::Document doc;
  if (!json::Parse(answer.quarantine_json, &doc).ok() || !doc.IsArray()) return;
  for (const auto& hold : doc.GetArray()) {
    if (!hold.IsObject()) continue;
    std::string org, since, until;
    json::GetString(hold, "org", &org);
    json::GetString(hold, "since", &since);
    json::GetString(hold, "until", &until);
    auto number = [&hold](const char* name) {
      const rapidjson::Value* v = json::Member(hold, name);
      return v != nullptr && v->IsUint64() ? std::to_string(v->GetUint64()) : std::string();
    };
    const std::string last = number("last_sequence");
    out << "withheld\t" << org << "\treceived " << since << (until.empty() ? " on" : " to " + until)
        << "\tsequences " << number("first_sequence") << (last.empty() ? " on" : " to " + last)
        << "\n";
  }
}

// What `admin show` prints first in federation mode.
void PrintTrustState(const AdminAnswer& answer, std::ostream& out) {
  rapidjson::Document doc;
  if (!json::Parse(answer.trust_json, &doc).ok() || !doc.IsObject()) return;
  auto text = [&doc](const char* name) {
    std::string value;
    json::GetString(doc, name, &value);
    return value;
  };
  auto number = [&doc](const char* name) {
    const rapidjson::Value* v = json::Member(doc, name);
    return v != nullptr && v->IsUint64() ? std::to_string(v->GetUint64()) : std::string("?");
  };
  out << "federation\t" << text("federation") << "\n";
  out << "root\tversion " << number("root_version") << "\texpires " << text("root_expires")
      << "\n";
  out << "registry\tversion " << number("registry_version") << "\texpires "
      << text("registry_expires") << "\n";
  std::string issued = text("timestamp_issued");
  out << "timestamp\t" << (issued.empty() ? "none" : "issued " + issued) << "\n";
  if (const rapidjson::Value* warnings = json::Member(doc, "warnings");
      warnings != nullptr && warnings->IsArray()) {
    for (const auto& w : warnings->GetArray()) {
      if (w.IsString()) out << "warning\t" << w.GetString() << "\n";
    }
  }
  for (const auto& [org, card] : answer.registry.cards()) {
    out << "keys\t" << org << "\tsign " << trust::Fingerprint(trust::KeyKind::kEd25519, card.sign_key)
        << "\tbox " << trust::Fingerprint(trust::KeyKind::kX25519, card.box_key)
        << "\ttransport " << trust::Fingerprint(trust::KeyKind::kX25519, card.transport_key)
        << "\n";
  }
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
  CERTSHARE_ASSIGN_OR_RETURN(std::unique_ptr<transport::WireClient> wire,
                             transport::WireClient::Connect(options));
  return std::unique_ptr<AdminClient>(
      new AdminClient(std::move(wire), broker.transport_key, me.sign_secret.Clone()));
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
  std::uint64_t correlation = wire_->NewCorrelation();
  const std::string no_answer =
      "no answer from the broker within " + std::to_string(timeout.count()) + " ms";
  CERTSHARE_ASSIGN_OR_RETURN(
      transport::Received r,
      wire_->Request(correlation, wire::EncodeAdmin(correlation, json, signature),
                     {wire::Command::kAdminOk, "the broker refused", no_answer}, timeout));
  return ParseAnswer(r.msg.admin);
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
    if (request.forget_previous_keys) command.keep_previous_keys = false;
    if (request.keep_previous_keys) command.keep_previous_keys = true;
  }
  if (request.kind == AdminKind::kRevoke || request.kind == AdminKind::kQuarantine ||
      request.kind == AdminKind::kRelease) {
    if (!identity::IsValidOrgId(request.org)) {
      return report(Status(ErrorCode::kInvalidArgument,
                           "\"" + request.org + "\" is not an organisation id"),
                    kAdminExitInvalidInput);
    }
    command.org = request.org;
  }
  if (request.kind == AdminKind::kQuarantine) {
    auto time = [&](const std::string& text, const char* flag, std::uint64_t* ms) {
      Result<StixMillis> parsed = ParseTimestamp(text);
      if (!parsed.ok() || *parsed <= 0) {
        return Status(ErrorCode::kInvalidArgument,
                      std::string(flag) + " \"" + text +
                          "\" is not a time (RFC 3339 UTC, e.g. 2026-11-27T08:00:00Z)");
      }
      *ms = static_cast<std::uint64_t>(*parsed);
      return Status::Ok();
    };
    Status s = time(request.since, "--since", &command.since_ms);
    if (s.ok() && !request.until.empty()) s = time(request.until, "--until", &command.until_ms);
    if (s.ok() && command.until_ms != 0 && command.until_ms < command.since_ms) {
      s = Status(ErrorCode::kInvalidArgument, "--until is before --since");
    }
    if (!s.ok()) return report(s, kAdminExitInvalidInput);
  }
  if (request.kind == AdminKind::kApply) {
    auto file = files::Read(request.file_path, wire::kMaxAdminCommandBytes);
    if (!file.ok()) return report(file.status(), kAdminExitInvalidInput);
    command.file = std::move(*file);
  }

  auto client = AdminClient::Connect(request.broker, *broker, *me);
  if (!client.ok()) return report(client.status(), kAdminExitInvalidInput);
  auto answer = (*client)->Send(command, std::chrono::seconds(request.timeout_seconds));
  if (!answer.ok()) {
    return report(answer.status(), transport::BrokerNotReached(answer.status())
                                       ? kAdminExitUnreachable
                                       : kAdminExitRefused);
  }
  if (request.kind == AdminKind::kShow) {
    if (request.json) {
      out << answer->registry.ToJson();
    } else {
      if (!answer->trust_json.empty()) PrintTrustState(*answer, out);
      out << identity::Describe(answer->registry);
      PrintHolds(*answer, out);
    }
    return kAdminExitOk;
  }
  out << answer->summary << "\n";
  return kAdminExitOk;
}

}  // namespace certshare::broker
