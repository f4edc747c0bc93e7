// Federation mode (docs/trust.md, "Operation"; docs/protocol.md, "Trust"):
// serving the signed files to agents and applying new ones.
//
//   HandleTrustGet       socket thread   TRUST with the versions the peer
//                                        lacks (NOT_FEDERATED in local mode);
//                                        the peer is told of later changes
//   ApplyTrustFile       socket thread   ADMIN apply: verify as an agent
//                                        would → store (fsynced) → use →
//                                        close what is no longer admitted →
//                                        TRUST_NOTICE
//   NoticeTrustListeners socket thread   TRUST_NOTICE to every open
//                                        connection that sent TRUST_GET

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "broker/broker.h"
#include "broker/logger.h"

namespace certshare::broker {

void Broker::HandleTrustGet(const transport::Incoming& in, const wire::Message& msg) {
  if (!trust_) {
    Refuse(in.peer, in.org, msg.correlation,
           Status(ErrorCode::kNotFederated,
                  "this broker has no federation root (local mode): its registry is the "
                  "operator's file; ask the operator for it"));
    return;
  }
  trust_listeners_.insert(in.peer);
  SendTo(in.peer, wire::EncodeTrust(msg.correlation,
                                    trust_->FilesAfter(msg.root_version, msg.registry_version)));
}

Result<AdminOutcome> Broker::ApplyTrustFile(const std::string& file) {
  if (!trust_) {
    return Status(ErrorCode::kNotFederated,
                  "this broker has no federation root (config \"root\"): there is nothing "
                  "signed to apply; use add-org, rotate and revoke");
  }
  CERTSHARE_ASSIGN_OR_RETURN(TrustStore::Applied applied, trust_->Apply(file, TrustNow()));
  AdminOutcome outcome;
  outcome.summary = applied.summary;
  if (!applied.changed) {
    outcome.registry = *registry_->Get();
    return outcome;
  }
  for (const trust::KeyChange& change : applied.key_changes) {
    Logger()->info("trust: keys of {} changed in registry version {} ({})", change.org,
                   applied.version,
                   change.kind == trust::KeyChangeKind::kRotated
                       ? "rotation signed by its previous key"
                       : "replacement after revocation or compromise");
  }
  // A version that now lists an organisation the broker had as a local
  // addition: the federation's card wins, the local one is dropped.
  identity::Registry local;
  const trust::SignedRegistryVersion* version = trust_->registry();
  for (const auto& [org, card] : local_additions_.cards()) {
    if (version != nullptr && version->registry.Find(org) != nullptr) {
      Logger()->warn("trust: local addition {} dropped: registry version {} lists it", org,
                     version->version.version);
      continue;
    }
    CERTSHARE_RETURN_IF_ERROR(local.Put(card));
  }
  for (const auto& [name, members] : local_additions_.groups()) {
    if (local.PutGroup(name, members).ok()) continue;
    Logger()->warn("trust: local group {} dropped: its members changed", name);
  }
  Result<identity::Registry> combined = CombinedRegistry(*trust_, local);
  if (!combined.ok()) {
    // Stored already: the broker keeps admitting with what it had, and
    // says so; a restart would refuse the same combination.
    Logger()->error("trust: {} stored but NOT in use: {}", applied.summary,
                    combined.status().ToString());
    return combined.status().WithContext(
        applied.summary + " is stored but not in use: fix local_registry");
  }
  local_additions_ = std::move(local);
  outcome.registry = *combined;
  outcome.changed = true;
  UseRegistry(std::move(*combined));
  Logger()->info("trust: applied {}", applied.summary);
  NoticeTrustListeners();
  return outcome;
}

void Broker::NoticeTrustListeners() {
  const trust::SignedRegistryVersion* version = trust_->registry();
  Bytes notice = wire::EncodeTrustNotice(trust_->root().root.version,
                                         version == nullptr ? 0 : version->version.version,
                                         trust_->timestamp_issued_ms());
  for (const std::string& peer : trust_listeners_) SendTo(peer, notice);
}

std::string Broker::TrustStateJson() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  const trust::Root& root = trust_->root().root;
  w.Key("federation");
  w.String(root.federation);
  w.Key("root_version");
  w.Uint64(root.version);
  w.Key("root_expires");
  w.String(root.expires);
  const trust::SignedRegistryVersion* version = trust_->registry();
  w.Key("registry_version");
  w.Uint64(version == nullptr ? 0 : version->version.version);
  w.Key("registry_expires");
  w.String(version == nullptr ? "" : version->version.expires);
  w.Key("timestamp_issued");
  w.String(trust_->timestamp_issued_ms() == 0 ? "" : Rfc3339(trust_->timestamp_issued_ms()));
  w.Key("local_additions");
  w.StartArray();
  for (const auto& [org, card] : local_additions_.cards()) w.String(org);
  w.EndArray();
  w.Key("warnings");
  w.StartArray();
  for (const std::string& warning : trust_->Warnings(TrustNow())) w.String(warning);
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace certshare::broker
