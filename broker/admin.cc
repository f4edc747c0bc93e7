// Registry changes while the broker runs (ADMIN, from its operator only),
// and the check every message passes first: is its sender still admitted
// under the registry of this moment? (docs/identity.md, "Revocation",
// "Rotation"; docs/operations.md, "Changing the registry while the broker
// runs".)
//
//   HandleAdmin     socket thread   ApplyAdmin, then ADMIN_OK or ERROR
//   ApplyAdmin      socket thread   operator's signature → parse → this
//                                   broker? → fresh, never seen → apply to
//                                   a copy → write the file → publish the
//                                   copy → close what it no longer admits
//
// Every step runs on the socket thread, so two admin commands never race;
// the new registry reaches the ZAP handler and the ingest workers through
// RegistryHolder.

#include <utility>
#include <vector>

#include "broker/broker.h"
#include "broker/logger.h"
#include "common/base/file_util.h"

namespace certshare::broker {

Status Broker::CheckSpeaker(const std::string& org, const crypto::BoxPublicKey& client_key,
                            wire::Command command) const {
  bool control = command == wire::Command::kPing || command == wire::Command::kPong;
  if (org == kOperatorUserId) {
    if (!operator_ || client_key != operator_->transport_key) {
      return Status(ErrorCode::kUnauthenticated, "not the broker's operator");
    }
    if (command == wire::Command::kAdmin || command == wire::Command::kTrustGet || control) {
      return Status::Ok();
    }
    return Status(ErrorCode::kNotAuthorized,
                  "the broker's operator may only send admin commands, not publish or "
                  "subscribe");
  }
  std::shared_ptr<const identity::Registry> registry = registry_->Get();
  const identity::Card* card = registry->Find(org);
  if (card == nullptr) {
    return Status(ErrorCode::kUnauthenticated, org + " is not registered");
  }
  if (card->revoked) {
    return Status(ErrorCode::kRevoked, org + " was revoked at " + card->revoked_at +
                                           "; the broker accepts nothing more from it");
  }
  if (card->transport_key != client_key) {
    return Status(ErrorCode::kUnauthenticated,
                  "this connection's transport key is no longer " + org +
                      "'s (its keys were rotated); reconnect with the new identity");
  }
  if (!options_.name.empty() && !card->home_broker.empty() &&
      card->home_broker != options_.name) {
    return Status(ErrorCode::kNotAuthorized,
                  org + " is homed at broker " + card->home_broker + " in the registry, not at " +
                      options_.name + "; connect to its home broker");
  }
  if (command == wire::Command::kAdmin) {
    return Status(ErrorCode::kNotAuthorized,
                  "only the broker's operator may send admin commands");
  }
  return Status::Ok();
}

void Broker::HandleAdmin(const transport::Incoming& in, const wire::Message& msg) {
  std::string result;
  Status applied = ApplyAdmin(msg, &result);
  if (!applied.ok()) {
    Refuse(in.peer, in.org, msg.correlation, applied.WithContext("admin command refused"));
    return;
  }
  SendTo(in.peer, wire::EncodeAdminOk(msg.correlation, result));
}

Status Broker::ApplyAdmin(const wire::Message& msg, std::string* result) {
  if (!operator_) {
    return Status(ErrorCode::kNotAuthorized,
                  "admin is disabled: the broker's config has no operator_card");
  }
  // The signature first: nothing unauthenticated is parsed.
  if (!VerifyAdminCommand(msg.admin, msg.admin_signature, operator_->sign_key)) {
    return Status(ErrorCode::kBadSignature,
                  "the signature does not verify under the operator's signing key");
  }
  CERTSHARE_ASSIGN_OR_RETURN(AdminCommand command, ParseAdminCommand(msg.admin));
  if (command.broker_key != identity_.card.transport_key) {
    return Status(ErrorCode::kNotAuthorized,
                  "the command is for another broker (its \"broker\" key is not this "
                  "broker's transport key)");
  }
  std::uint64_t now = NowMs();
  CERTSHARE_RETURN_IF_ERROR(admin_replays_.Admit(command.nonce, command.issued_at_ms, now));

  if (command.kind == AdminKind::kQuarantine || command.kind == AdminKind::kRelease) {
    Result<AdminOutcome> outcome = ApplyQuarantine(command, now);
    if (!outcome.ok()) {
      Logger()->warn("admin: {} refused: {}", AdminKindName(command.kind),
                     outcome.status().ToString());
      return outcome.status();
    }
    *result = AdminResultToJson(command, *outcome, trust_ ? TrustStateJson() : std::string(),
                                quarantine_.ToJson());
    return Status::Ok();
  }

  // Every answer lists the holds (the quarantine commands change them).
  const std::string holds = quarantine_.ToJson();
  if (command.kind == AdminKind::kApply || (trust_ && command.kind != AdminKind::kShow)) {
    Result<AdminOutcome> outcome = command.kind == AdminKind::kApply
                                       ? ApplyTrustFile(command.file)
                                       : ApplyLocalAdmin(command, now);
    if (!outcome.ok()) {
      Logger()->warn("admin: {} refused: {}", AdminKindName(command.kind),
                     outcome.status().ToString());
      return outcome.status();
    }
    *result = AdminResultToJson(command, *outcome, TrustStateJson(), holds);
    return Status::Ok();
  }
  std::shared_ptr<const identity::Registry> current = registry_->Get();
  CERTSHARE_ASSIGN_OR_RETURN(AdminOutcome outcome,
                             ApplyAdminCommand(*current, command, *operator_, now));
  *result = AdminResultToJson(command, outcome, trust_ ? TrustStateJson() : std::string(), holds);
  if (result->size() > wire::kMaxAdminResultBytes) {
    return Status(ErrorCode::kUnavailable, "the registry is too large to send");
  }
  if (!outcome.changed) {
    Logger()->info("admin: {} ({})", AdminKindName(command.kind), outcome.summary);
    return Status::Ok();
  }
  // On disk first: a change the broker acts on survives a restart.
  Status saved = files::WriteAtomic(options_.registry, outcome.registry.ToJson());
  if (!saved.ok()) {
    Logger()->error("admin: {} NOT applied: cannot write the registry: {}", outcome.summary,
                    saved.ToString());
    return saved.WithContext("the registry was not changed (the change is not in force)");
  }
  UseRegistry(std::move(outcome.registry));
  Logger()->info("admin: {}; registry written to {}", outcome.summary, options_.registry);
  return Status::Ok();
}

void Broker::UseRegistry(identity::Registry registry) {
  registry_->Set(std::move(registry));
  CloseSubscriptionsNoLongerAdmitted();
}

Result<AdminOutcome> Broker::ApplyLocalAdmin(const AdminCommand& command, std::uint64_t now) {
  const std::string& org = command.kind == AdminKind::kRevoke ? command.org : command.card.org;
  const trust::SignedRegistryVersion* version = trust_->registry();
  if (version != nullptr && version->registry.Find(org) != nullptr) {
    const std::string why =
        org + " is in the federation registry (version " +
        std::to_string(version->version.version) +
        "): the broker applies what the registry signers sign. Make the next version with "
        "`certshare trust registry next` (the registry signers), then `certshare-broker admin "
        "apply FILE`";
    if (command.kind == AdminKind::kAddOrg) {
      return Status(ErrorCode::kAlreadyExists, why + " (a local addition never redefines it)");
    }
    return Status(ErrorCode::kNotAuthorized, why);
  }
  if (options_.local_registry.empty()) {
    return Status(ErrorCode::kNotAuthorized,
                  "in federation mode add-org, rotate and revoke change only the broker's local "
                  "additions, and its config has no local_registry; organisations of the "
                  "federation change with `certshare trust registry next` and `admin apply`");
  }
  CERTSHARE_ASSIGN_OR_RETURN(AdminOutcome outcome,
                             ApplyAdminCommand(local_additions_, command, *operator_, now));
  CERTSHARE_ASSIGN_OR_RETURN(identity::Registry combined,
                             CombinedRegistry(*trust_, outcome.registry));
  Status saved = files::WriteAtomic(options_.local_registry, outcome.registry.ToJson());
  if (!saved.ok()) {
    Logger()->error("admin: {} NOT applied: cannot write the registry: {}", outcome.summary,
                    saved.ToString());
    return saved.WithContext("the local additions were not changed (the change is not in force)");
  }
  local_additions_ = std::move(outcome.registry);
  Logger()->info("admin: {}; registry written to {}", outcome.summary, options_.local_registry);
  outcome.registry = combined;
  UseRegistry(std::move(combined));
  return outcome;
}

Result<AdminOutcome> Broker::ApplyQuarantine(const AdminCommand& command, std::uint64_t now) {
  std::shared_ptr<const identity::Registry> registry = registry_->Get();
  AdminOutcome outcome{*registry, "", true};
  if (command.kind == AdminKind::kRelease) {
    CERTSHARE_RETURN_IF_ERROR(quarantine_.Release(command.org));
    outcome.summary = "released " + command.org + "'s records: they are delivered again";
    Logger()->info("admin: {}", outcome.summary);
    return outcome;
  }
  // A revoked organisation stays listed; one never registered has no
  // records to hold.
  if (registry->Find(command.org) == nullptr) {
    return Status(ErrorCode::kUnknownOrganisation, command.org + " is not registered");
  }
  if (command.since_ms > now || command.until_ms > now) {
    return Status(ErrorCode::kInvalidArgument,
                  "--since and --until must not be in the future (the broker's clock says " +
                      Rfc3339(now) + "): a hold without --until already holds what comes");
  }
  Hold hold;
  hold.since_ms = command.since_ms;
  hold.until_ms = command.until_ms;
  hold.made_ms = now;
  CERTSHARE_ASSIGN_OR_RETURN(hold.first, log_->FirstReceivedAtOrAfter(command.since_ms));
  if (!hold.open()) {
    CERTSHARE_ASSIGN_OR_RETURN(std::uint64_t after,
                               log_->FirstReceivedAtOrAfter(command.until_ms + 1));
    hold.last = after - 1;
  }
  CERTSHARE_RETURN_IF_ERROR(quarantine_.Set(command.org, hold));
  outcome.summary = "withholding " + command.org + "'s records received from " +
                    Rfc3339(hold.since_ms) +
                    (hold.open() ? " on (sequence " + std::to_string(hold.first) +
                                       " on, and whatever it publishes next)"
                                 : " to " + Rfc3339(hold.until_ms) + " (sequences " +
                                       std::to_string(hold.first) + " to " +
                                       std::to_string(hold.last) + ")") +
                    ": stored, delivered to nobody until released";
  Logger()->info("admin: {}", outcome.summary);
  return outcome;
}

void Broker::CloseSubscriptionsNoLongerAdmitted() {
  std::vector<std::pair<std::string, Status>> closing;
  for (const auto& [peer, sub] : subscriptions_) {
    auto known = peers_.find(peer);
    crypto::BoxPublicKey key{};
    if (known != peers_.end()) key = known->second.client_key;
    Status allowed = CheckSpeaker(sub.org, key, wire::Command::kSubscribe);
    if (!allowed.ok()) closing.emplace_back(peer, std::move(allowed));
  }
  for (auto& [peer, why] : closing) {
    // What waits in the outbox is not sent: the subscription ends now.
    outbox_.erase(peer);
    SendTo(peer, wire::EncodeError(0, why.code(), why.message()));
    CloseSubscription(peer, ErrorCodeName(why.code()).data());
  }
}

}  // namespace certshare::broker
