#include "broker/admin_command.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>

#include "common/base/json.h"
#include "common/base/timestamp.h"

namespace certshare::broker {

namespace {

constexpr std::size_t kNonceBytes = 16;

Status Invalid(std::string_view what) {
  return Status(ErrorCode::kInvalidArgument, "admin command: " + std::string(what));
}

Result<AdminKind> KindFromName(std::string_view name) {
  for (AdminKind kind : {AdminKind::kAddOrg, AdminKind::kRotate, AdminKind::kRevoke,
                         AdminKind::kShow, AdminKind::kApply, AdminKind::kQuarantine,
                         AdminKind::kRelease}) {
    if (AdminKindName(kind) == name) return kind;
  }
  return Invalid(
      "\"command\" must be add-org, rotate, revoke, show, apply, quarantine or release");
}

// Whether `card` may join `registry` beside the operator: none of its keys
// is one of the operator's.
Status CheckNotOperatorKeys(const identity::Registry& registry, const identity::Card& op,
                            const std::string& org) {
  identity::Registry probe = registry;
  identity::Card as_operator = identity::PublicCard(op);
  as_operator.org = std::string(kOperatorUserId);
  if (!probe.Put(as_operator).ok()) {
    return Status(ErrorCode::kInvalidConfig,
                  "the card of " + org + " uses a key of the broker's operator");
  }
  return Status::Ok();
}

}  // namespace

std::string_view AdminKindName(AdminKind kind) {
  switch (kind) {
    case AdminKind::kAddOrg: return "add-org";
    case AdminKind::kRotate: return "rotate";
    case AdminKind::kRevoke: return "revoke";
    case AdminKind::kShow: return "show";
    case AdminKind::kApply: return "apply";
    case AdminKind::kQuarantine: return "quarantine";
    case AdminKind::kRelease: return "release";
  }
  return "show";
}

std::uint64_t NowMs() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

std::string Rfc3339(std::uint64_t ms) { return FormatUtc(static_cast<std::int64_t>(ms / 1000)); }

AdminCommand NewAdminCommand(AdminKind kind, const crypto::BoxPublicKey& broker_key) {
  AdminCommand command;
  command.kind = kind;
  command.broker_key = broker_key;
  command.issued_at_ms = NowMs();
  crypto::Nonce random = crypto::RandomNonce();
  command.nonce = HexEncode(ByteView(random.data(), kNonceBytes));
  return command;
}

std::string AdminCommandToJson(const AdminCommand& command) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("format");
  w.String(kAdminFormat.data(), static_cast<rapidjson::SizeType>(kAdminFormat.size()));
  w.Key("broker");
  w.String(HexEncode(command.broker_key));
  w.Key("issued_at_ms");
  w.Uint64(command.issued_at_ms);
  w.Key("nonce");
  w.String(command.nonce);
  w.Key("command");
  std::string_view kind = AdminKindName(command.kind);
  w.String(kind.data(), static_cast<rapidjson::SizeType>(kind.size()));
  if (command.kind == AdminKind::kAddOrg || command.kind == AdminKind::kRotate) {
    rapidjson::Document card;
    if (json::Parse(identity::CardToJson(identity::PublicCard(command.card)), &card).ok()) {
      w.Key("card");
      card.Accept(w);
    }
  }
  if (command.kind == AdminKind::kRotate && command.keep_previous_keys.has_value()) {
    w.Key("keep_previous_keys");
    w.Bool(*command.keep_previous_keys);
  }
  const bool names_org = command.kind == AdminKind::kRevoke ||
                         command.kind == AdminKind::kQuarantine ||
                         command.kind == AdminKind::kRelease;
  if (names_org) {
    w.Key("org");
    w.String(command.org);
  }
  if (command.kind == AdminKind::kQuarantine) {
    w.Key("since_ms");
    w.Uint64(command.since_ms);
    if (command.until_ms != 0) {
      w.Key("until_ms");
      w.Uint64(command.until_ms);
    }
  }
  if (command.kind == AdminKind::kApply) {
    w.Key("file");
    w.String(command.file);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<AdminCommand> ParseAdminCommand(std::string_view text) {
  rapidjson::Document doc;
  json::ParseLimits limits;
  limits.max_depth = 8;
  limits.max_bytes = wire::kMaxAdminCommandBytes;
  CERTSHARE_RETURN_IF_ERROR(json::Parse(text, &doc, limits));
  if (!doc.IsObject()) return Invalid("not a JSON object");
  std::string format;
  if (!json::GetString(doc, "format", &format) || format != kAdminFormat) {
    return Invalid("\"format\" must be \"" + std::string(kAdminFormat) + "\"");
  }
  AdminCommand command;
  std::string text_field;
  Bytes raw;
  if (!json::GetString(doc, "broker", &text_field) || !HexDecode(text_field, &raw) ||
      raw.size() != command.broker_key.size()) {
    return Invalid("\"broker\" must be the broker's transport key, 64 hex digits");
  }
  std::copy(raw.begin(), raw.end(), command.broker_key.begin());
  const rapidjson::Value* issued = json::Member(doc, "issued_at_ms");
  if (issued == nullptr || !issued->IsUint64()) {
    return Invalid("\"issued_at_ms\" must be milliseconds since the Unix epoch");
  }
  command.issued_at_ms = issued->GetUint64();
  if (!json::GetString(doc, "nonce", &command.nonce) || !HexDecode(command.nonce, &raw) ||
      raw.size() != kNonceBytes) {
    return Invalid("\"nonce\" must be 32 hex digits");
  }
  if (!json::GetString(doc, "command", &text_field)) return Invalid("\"command\" is missing");
  CERTSHARE_ASSIGN_OR_RETURN(command.kind, KindFromName(text_field));
  if (command.kind == AdminKind::kAddOrg || command.kind == AdminKind::kRotate) {
    const rapidjson::Value* card = json::Member(doc, "card");
    if (card == nullptr) return Invalid("\"card\" is missing");
    Result<identity::Card> parsed = identity::ParseCard(*card);
    if (!parsed.ok()) return Invalid("\"card\": " + parsed.status().message());
    command.card = identity::PublicCard(*parsed);
  }
  if (command.kind == AdminKind::kRotate) {
    if (const rapidjson::Value* keep = json::Member(doc, "keep_previous_keys")) {
      if (!keep->IsBool()) return Invalid("\"keep_previous_keys\" must be true or false");
      command.keep_previous_keys = keep->GetBool();
    }
  }
  if (command.kind == AdminKind::kRevoke || command.kind == AdminKind::kQuarantine ||
      command.kind == AdminKind::kRelease) {
    if (!json::GetString(doc, "org", &command.org) || !identity::IsValidOrgId(command.org)) {
      return Invalid("\"org\" must be an organisation id");
    }
  }
  if (command.kind == AdminKind::kQuarantine) {
    const rapidjson::Value* since = json::Member(doc, "since_ms");
    if (since == nullptr || !since->IsUint64() || since->GetUint64() == 0) {
      return Invalid("\"since_ms\" must be milliseconds since the Unix epoch");
    }
    command.since_ms = since->GetUint64();
    if (const rapidjson::Value* until = json::Member(doc, "until_ms")) {
      if (!until->IsUint64() || until->GetUint64() < command.since_ms) {
        return Invalid("\"until_ms\" must be milliseconds since the Unix epoch, not before "
                       "\"since_ms\"");
      }
      command.until_ms = until->GetUint64();
    }
  }
  if (command.kind == AdminKind::kApply &&
      (!json::GetString(doc, "file", &command.file) || command.file.empty())) {
    return Invalid("\"file\" must be the text of a signed root, registry version or timestamp");
  }
  return command;
}

wire::AdminSignature SignAdminCommand(std::string_view json,
                                      const crypto::SigningSecretKey& operator_key) {
  crypto::Signature signature = crypto::Sign(operator_key, wire::AdminSignedMessage(json));
  wire::AdminSignature out;
  std::copy(signature.begin(), signature.end(), out.begin());
  return out;
}

bool VerifyAdminCommand(std::string_view json, const wire::AdminSignature& signature,
                        const crypto::SigningPublicKey& operator_key) {
  crypto::Signature sig;
  std::copy(signature.begin(), signature.end(), sig.begin());
  return crypto::Verify(operator_key, wire::AdminSignedMessage(json), sig);
}

Result<AdminOutcome> ApplyAdminCommand(const identity::Registry& current,
                                       const AdminCommand& command,
                                       const identity::Card& operator_card,
                                       std::uint64_t now_ms) {
  AdminOutcome outcome{current, "", false};
  identity::Registry& next = outcome.registry;
  switch (command.kind) {
    case AdminKind::kShow: {
      std::size_t revoked = 0;
      for (const auto& [org, card] : current.cards()) revoked += card.revoked ? 1 : 0;
      outcome.summary = std::to_string(current.cards().size()) + " organisations (" +
                        std::to_string(revoked) + " revoked), " +
                        std::to_string(current.groups().size()) + " groups";
      return outcome;
    }
    case AdminKind::kAddOrg:
      CERTSHARE_RETURN_IF_ERROR(next.Add(command.card));
      CERTSHARE_RETURN_IF_ERROR(CheckNotOperatorKeys(next, operator_card, command.card.org));
      outcome.summary = "added " + command.card.org + " (signing key " +
                        HexEncode(command.card.sign_key).substr(0, 16) + "…)";
      break;
    case AdminKind::kRotate: {
      const identity::Card* before = current.Find(command.card.org);
      CERTSHARE_RETURN_IF_ERROR(next.Rotate(command.card, command.keep_previous_keys));
      CERTSHARE_RETURN_IF_ERROR(CheckNotOperatorKeys(next, operator_card, command.card.org));
      std::string changed;
      auto note = [&changed](bool differs, const char* what) {
        if (differs) changed += (changed.empty() ? "" : ", ") + std::string(what);
      };
      note(before->sign_key != command.card.sign_key, "signing");
      note(before->box_key != command.card.box_key, "box");
      note(before->transport_key != command.card.transport_key, "transport");
      outcome.summary = (before->revoked ? "reinstated " + command.card.org +
                                               " (revoked at " + before->revoked_at + "): "
                                         : std::string()) +
                        "rotated the " + changed + " keys of " + command.card.org +
                        (command.keep_previous_keys.value_or(!before->revoked)
                             ? " (replaced signing and box keys kept for earlier records)"
                             : " (replaced keys forgotten: earlier records no longer verify)");
      break;
    }
    case AdminKind::kApply:
      return Invalid("apply is not a registry edit (the broker's trust store applies it)");
    case AdminKind::kQuarantine:
    case AdminKind::kRelease:
      return Invalid("quarantine and release are not registry edits (the broker's quarantine "
                     "applies them)");
    case AdminKind::kRevoke: {
      std::string when = Rfc3339(now_ms);
      CERTSHARE_RETURN_IF_ERROR(next.Revoke(command.org, when));
      outcome.summary = "revoked " + command.org + " at " + when;
      break;
    }
  }
  outcome.changed = true;
  return outcome;
}

std::string AdminResultToJson(const AdminCommand& command, const AdminOutcome& outcome,
                              std::string_view trust_json, std::string_view quarantine_json) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("command");
  std::string_view kind = AdminKindName(command.kind);
  w.String(kind.data(), static_cast<rapidjson::SizeType>(kind.size()));
  w.Key("summary");
  w.String(outcome.summary);
  w.Key("registry");
  std::string registry = outcome.registry.ToJson();
  w.RawValue(registry.data(), registry.size(), rapidjson::kObjectType);
  if (!trust_json.empty()) {
    w.Key("trust");
    w.RawValue(trust_json.data(), trust_json.size(), rapidjson::kObjectType);
  }
  if (!quarantine_json.empty()) {
    w.Key("quarantine");
    w.RawValue(quarantine_json.data(), quarantine_json.size(), rapidjson::kArrayType);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<identity::Card> LoadOperatorCard(const Options& options,
                                        const identity::Registry& registry) {
  CERTSHARE_ASSIGN_OR_RETURN(identity::Card card, identity::LoadTrustedCard(options.operator_card));
  card = identity::PublicCard(card);
  for (const auto& [org, other] : registry.cards()) {
    identity::Registry just_one;
    if (just_one.Put(other).ok() && !CheckNotOperatorKeys(just_one, card, org).ok()) {
      return Status(ErrorCode::kInvalidConfig,
                    options.operator_card + ": the operator card uses a key of organisation " +
                        org + "; the operator needs an identity of its own (certshare keygen "
                        "--org OPERATOR)");
    }
  }
  return card;
}

}  // namespace certshare::broker
