#include "common/trust/registry_version.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "common/base/json.h"
#include "common/trust/fields.h"

namespace certshare::trust {

namespace {

using internal::ObjectReader;

constexpr std::string_view kHashDomain{"certshare/registry-version/v1\0", 30};
constexpr std::string_view kKeyChangeDomain = "certshare/key-change/v1";

template <typename Key>
Status ParseKeyList(ObjectReader& r, const char* name, std::vector<Key>* out,
                    std::size_t max = identity::kMaxPreviousKeys) {
  const rapidjson::Value* list = r.Array(name, 1, max, false);
  if (list == nullptr) return r.status();
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const rapidjson::Value& item = (*list)[i];
    Key key{};
    if (!item.IsString() || !internal::DecodeHexArray<32>(
                                std::string_view(item.GetString(), item.GetStringLength()), &key)) {
      return internal::Malformed(r.At(name) + "[" + std::to_string(i) + "]",
                                 "must be 64 hex digits (a 32-byte key)");
    }
    out->push_back(key);
  }
  return Status::Ok();
}

Status ParseRoles(ObjectReader& r, Member* m) {
  const rapidjson::Value* roles = r.Array("roles", 1, 2);
  if (roles == nullptr) return r.status();
  for (rapidjson::SizeType i = 0; i < roles->Size(); ++i) {
    const rapidjson::Value& item = (*roles)[i];
    const std::string_view role =
        item.IsString() ? std::string_view(item.GetString(), item.GetStringLength()) : "";
    if (role != kRolePublish && role != kRoleSubscribe) {
      return internal::Malformed(r.At("roles") + "[" + std::to_string(i) + "]",
                                 "must be \"publish\" or \"subscribe\"");
    }
    if (m->HasRole(role)) return internal::Malformed(r.At("roles"), "a role listed twice");
    m->roles.emplace_back(role);
  }
  return Status::Ok();
}

Result<Member> ParseMember(const rapidjson::Value& value, const std::string& where) {
  ObjectReader r(value, where);
  Member m;
  identity::Card& c = m.card;
  if (r.String("org", &c.org, 1, 64) && !identity::IsValidOrgId(c.org)) {
    r.Fail("\"org\" must be 1-64 characters of A-Z a-z 0-9 . _ -");
  }
  r.String("name", &c.name, 1, 256);
  r.Key32("sign_public", &c.sign_key);
  r.Key32("box_public", &c.box_key);
  r.Key32("transport_public", &c.transport_key);
  r.Time("card_expires", &m.card_expires, &m.card_expires_ms);
  CERTSHARE_RETURN_IF_ERROR(ParseRoles(r, &m));
  if (r.String("home_broker", &m.home_broker, 1, 64) && !identity::IsValidOrgId(m.home_broker)) {
    r.Fail("\"home_broker\" must be 1-64 characters of A-Z a-z 0-9 . _ -");
  }
  StixMillis revoked_ms = 0;
  c.revoked = r.Time("revoked_at", &c.revoked_at, &revoked_ms, false);
  r.Time("compromised_since", &m.compromised_since, &m.compromised_since_ms, false);
  CERTSHARE_RETURN_IF_ERROR(ParseKeyList(r, "previous_sign_keys", &c.previous_sign_keys));
  CERTSHARE_RETURN_IF_ERROR(ParseKeyList(r, "previous_box_keys", &c.previous_box_keys));
  CERTSHARE_RETURN_IF_ERROR(
      ParseKeyList(r, "allowed_roots", &c.allowed_roots, identity::kMaxAllowedRoots));
  // The card carries what verifiers act on (identity::Card).
  c.card_expires = m.card_expires;
  c.compromised_since = m.compromised_since;
  if (const rapidjson::Value* kc = r.Object("key_change", false)) {
    ObjectReader k(*kc, r.At("key_change"));
    KeyChangeProof proof;
    crypto::Signature sig{};
    if (k.Sig64("old_key_sig", &sig, false)) proof.old_key_sig = sig;
    if (k.Sig64("new_key_sig", &sig, false)) proof.new_key_sig = sig;
    CERTSHARE_RETURN_IF_ERROR(k.Finish());
    if (!proof.old_key_sig && !proof.new_key_sig) {
      return internal::Malformed(k.where(), "holds no signature");
    }
    m.key_change = proof;
  }
  CERTSHARE_RETURN_IF_ERROR(r.Finish());
  return m;
}

Status ParseGroups(ObjectReader& r, RegistryVersion* v) {
  const rapidjson::Value* groups = r.Object("groups", false);
  if (groups == nullptr) return r.status();
  if (groups->MemberCount() > kMaxOrganisations) {
    return internal::Malformed(r.At("groups"), "more than " +
                                                   std::to_string(kMaxOrganisations) + " groups");
  }
  for (const auto& group : groups->GetObject()) {
    std::string name(group.name.GetString(), group.name.GetStringLength());
    const std::string where = r.At("groups") + "." + name;
    if (!group.value.IsArray() || group.value.Size() < 1 ||
        group.value.Size() > identity::kMaxGroupMembers) {
      return internal::Malformed(where, "must be an array of 1 to " +
                                            std::to_string(identity::kMaxGroupMembers) +
                                            " organisation ids");
    }
    std::vector<std::string> members;
    for (const auto& item : group.value.GetArray()) {
      if (!item.IsString()) return internal::Malformed(where, "members must be strings");
      members.emplace_back(item.GetString(), item.GetStringLength());
    }
    v->groups.emplace_back(std::move(name), std::move(members));
  }
  std::sort(v->groups.begin(), v->groups.end());
  return Status::Ok();
}

Status ParsePayload(std::string_view payload, RegistryVersion* v) {
  rapidjson::Document doc;
  json::ParseLimits limits;
  limits.max_depth = 5;
  limits.max_bytes = kMaxRegistryPayload;
  if (Status s = json::Parse(payload, &doc, limits); !s.ok()) {
    return Status(ErrorCode::kMalformedTrust, "payload: " + s.message());
  }
  ObjectReader r(doc, "payload");
  if (r.String("federation", &v->federation, 1, 64) && !IsValidFederationName(v->federation)) {
    r.Fail("\"federation\" must be 1-64 characters of a-z 0-9 . _ -");
  }
  r.Uint("version", &v->version, 1, internal::kMaxJsonInteger);
  r.Time("expires", &v->expires, &v->expires_ms);
  crypto::Hash256 previous{};
  if (r.Key32("previous", &previous, false)) v->previous = previous;
  if (r.status().ok() && (v->version == 1) == v->previous.has_value()) {
    r.Fail(v->version == 1 ? "version 1 has no \"previous\""
                           : "\"previous\" (the hash of version " +
                                 std::to_string(v->version - 1) + ") is missing");
  }
  if (const rapidjson::Value* orgs = r.Array("organisations", 0, kMaxOrganisations)) {
    for (rapidjson::SizeType i = 0; i < orgs->Size(); ++i) {
      const std::string where = "payload.organisations[" + std::to_string(i) + "]";
      CERTSHARE_ASSIGN_OR_RETURN(Member m, ParseMember((*orgs)[i], where));
      if (!v->members.empty() && v->members.back().card.org >= m.card.org) {
        return internal::Malformed(where, "organisation " + m.card.org +
                                              " is not after " + v->members.back().card.org +
                                              " (entries are sorted by id, each once)");
      }
      v->members.push_back(std::move(m));
    }
  }
  CERTSHARE_RETURN_IF_ERROR(ParseGroups(r, v));
  return r.Finish();
}

// The identity::Registry of the version's organisations and groups: its
// rules refuse a key of one organisation used by another, and groups
// naming unregistered or repeated members.
Status BuildRegistry(const RegistryVersion& v, identity::Registry* registry) {
  for (std::size_t i = 0; i < v.members.size(); ++i) {
    identity::Card card = v.members[i].card;
    card.roles = v.members[i].roles;  // what the broker enforces
    card.home_broker = v.members[i].home_broker;
    if (Status s = registry->Put(card); !s.ok()) {
      return internal::Malformed("payload.organisations[" + std::to_string(i) + "]", s.message());
    }
  }
  for (const auto& [name, members] : v.groups) {
    if (Status s = registry->PutGroup(name, members); !s.ok()) {
      return internal::Malformed("payload.groups." + name, s.message());
    }
  }
  return Status::Ok();
}

void WriteKeyList(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* name,
                  const std::vector<std::array<std::uint8_t, 32>>& keys) {
  if (keys.empty()) return;
  w.Key(name);
  w.StartArray();
  for (const auto& key : keys) w.String(HexEncode(key));
  w.EndArray();
}

void WriteMember(rapidjson::Writer<rapidjson::StringBuffer>& w, const Member& m) {
  const identity::Card& c = m.card;
  w.StartObject();
  w.Key("org");
  w.String(c.org);
  w.Key("name");
  w.String(c.name);
  w.Key("sign_public");
  w.String(HexEncode(c.sign_key));
  w.Key("box_public");
  w.String(HexEncode(c.box_key));
  w.Key("transport_public");
  w.String(HexEncode(c.transport_key));
  w.Key("card_expires");
  w.String(m.card_expires);
  w.Key("roles");
  w.StartArray();
  for (const std::string& role : m.roles) w.String(role);
  w.EndArray();
  w.Key("home_broker");
  w.String(m.home_broker);
  if (c.revoked) {
    w.Key("revoked_at");
    w.String(c.revoked_at);
  }
  if (!m.compromised_since.empty()) {
    w.Key("compromised_since");
    w.String(m.compromised_since);
  }
  WriteKeyList(w, "previous_sign_keys", c.previous_sign_keys);
  WriteKeyList(w, "previous_box_keys", c.previous_box_keys);
  WriteKeyList(w, "allowed_roots", c.allowed_roots);
  if (m.key_change) {
    w.Key("key_change");
    w.StartObject();
    if (m.key_change->old_key_sig) {
      w.Key("old_key_sig");
      w.String(HexEncode(*m.key_change->old_key_sig));
    }
    if (m.key_change->new_key_sig) {
      w.Key("new_key_sig");
      w.String(HexEncode(*m.key_change->new_key_sig));
    }
    w.EndObject();
  }
  w.EndObject();
}

std::string Name(const RegistryVersion& v) {
  return "registry version " + std::to_string(v.version);
}

bool SameKeys(const identity::Card& a, const identity::Card& b) {
  return a.sign_key == b.sign_key && a.box_key == b.box_key && a.transport_key == b.transport_key;
}

bool AllKeysNew(const identity::Card& old_card, const identity::Card& new_card) {
  auto in = [](const auto& list, const auto& key) {
    return std::find(list.begin(), list.end(), key) != list.end();
  };
  return new_card.sign_key != old_card.sign_key && new_card.box_key != old_card.box_key &&
         new_card.transport_key != old_card.transport_key &&
         !in(old_card.previous_sign_keys, new_card.sign_key) &&
         !in(old_card.previous_box_keys, new_card.box_key);
}

// What the next version may not rewrite of what `old_m` said
// (docs/trust.md, rule 6).
Status CheckHistory(const Member& old_m, const Member& new_m, const std::string& name) {
  const identity::Card& o = old_m.card;
  const identity::Card& n = new_m.card;
  auto rewritten = [&](const std::string& what) {
    return Status(ErrorCode::kHistoryRewritten, name + ": " + o.org + ": " + what);
  };
  if (o.revoked) {
    if (n.revoked && n.revoked_at != o.revoked_at) {
      return rewritten("revoked_at changed from " + o.revoked_at + " to " + n.revoked_at);
    }
    if (!n.revoked && !AllKeysNew(o, n)) {
      return rewritten("revoked at " + o.revoked_at +
                       ", reinstated without all-new signing, box and transport keys");
    }
  }
  // Previous keys are keys the organisation had: its current or previous
  // ones in the trusted version. Otherwise the registry signers could slip
  // in a key of their own, and records "signed before a rotation" with it
  // would verify as the organisation's.
  auto had = [](const auto& previous, const auto& current, const auto& key) {
    return key == current || std::find(previous.begin(), previous.end(), key) != previous.end();
  };
  for (const auto& key : n.previous_sign_keys) {
    if (!had(o.previous_sign_keys, o.sign_key, key)) {
      return rewritten("previous_sign_keys lists " + Fingerprint(KeyKind::kEd25519, key) +
                       ", which was never its signing key");
    }
  }
  for (const auto& key : n.previous_box_keys) {
    if (!had(o.previous_box_keys, o.box_key, key)) {
      return rewritten("previous_box_keys lists " + Fingerprint(KeyKind::kX25519, key) +
                       ", which was never its box key");
    }
  }
  if (!old_m.compromised_since.empty() && n.sign_key == o.sign_key) {
    if (new_m.compromised_since.empty()) {
      return rewritten("compromised_since " + old_m.compromised_since +
                       " dropped while the signing key stays");
    }
    if (new_m.compromised_since_ms > old_m.compromised_since_ms) {
      return rewritten("compromised_since moved later, from " + old_m.compromised_since +
                       " to " + new_m.compromised_since);
    }
  }
  return Status::Ok();
}

// A change of any of `org`'s keys: who vouched for it (rule 7).
Result<KeyChangeKind> CheckKeyChange(const std::string& federation, const Member& old_m,
                                     const Member& new_m, const std::string& name) {
  const identity::Card& o = old_m.card;
  const identity::Card& n = new_m.card;
  const Bytes message = KeyChangeMessage(federation, o, n);
  const std::string who = name + ": the key change of " + o.org;
  KeyChangeKind kind = KeyChangeKind::kRotated;
  if (o.revoked || !old_m.compromised_since.empty()) {
    // The old key may be in a thief's hands: it cannot vouch, and the
    // reinstatement rule (all-new keys) has been checked by CheckHistory.
    kind = KeyChangeKind::kReplacedAfterCompromise;
  } else if (!new_m.key_change || !new_m.key_change->old_key_sig ||
             !crypto::Verify(o.sign_key, message, *new_m.key_change->old_key_sig)) {
    return Status(ErrorCode::kRotationNotAuthorised,
                  who + " is not signed by its previous signing key " +
                      Fingerprint(KeyKind::kEd25519, o.sign_key) +
                      " (key_change.old_key_sig missing or invalid)");
  }
  if (n.sign_key != o.sign_key &&
      (!new_m.key_change || !new_m.key_change->new_key_sig ||
       !crypto::Verify(n.sign_key, message, *new_m.key_change->new_key_sig))) {
    return Status(ErrorCode::kNoProofOfPossession,
                  who + " is not signed by its new signing key " +
                      Fingerprint(KeyKind::kEd25519, n.sign_key) +
                      " (key_change.new_key_sig missing or invalid)");
  }
  return kind;
}

// Rules 4 to 7 of docs/trust.md: `next` against the trusted `prev`.
Result<std::vector<KeyChange>> CheckAgainstPrevious(const SignedRegistryVersion& prev,
                                                    const SignedRegistryVersion& next) {
  const RegistryVersion& p = prev.version;
  const RegistryVersion& n = next.version;
  const std::string name = Name(n);
  if (n.version < p.version) {
    return Status(ErrorCode::kRollback,
                  name + " is older than the trusted " + Name(p) + "; refused");
  }
  if (n.version == p.version) {
    if (next.hash == prev.hash) return std::vector<KeyChange>{};
    return Status(ErrorCode::kBrokenChain,
                  name + " differs from the trusted version of the same number (hash " +
                      HexEncode(prev.hash) + "): the registry signers signed two versions " +
                      std::to_string(n.version));
  }
  if (n.version != p.version + 1) {
    return Status(ErrorCode::kBrokenChain,
                  name + " does not follow the trusted " + Name(p) + ": versions " +
                      std::to_string(p.version + 1) + " to " + std::to_string(n.version - 1) +
                      " are missing (fetch the chain)");
  }
  if (!n.previous || *n.previous != prev.hash) {
    return Status(ErrorCode::kBrokenChain,
                  name + " names previous " + (n.previous ? HexEncode(*n.previous) : "none") +
                      ", but the trusted " +
                      Name(p) + " hashes to " + HexEncode(prev.hash));
  }
  for (const Member& new_m : n.members) {
    if (p.Find(new_m.card.org) == nullptr &&
        (!new_m.card.previous_sign_keys.empty() || !new_m.card.previous_box_keys.empty())) {
      return Status(ErrorCode::kHistoryRewritten,
                    name + ": " + new_m.card.org +
                        " is new in this version but lists previous keys it never had here");
    }
  }
  std::vector<KeyChange> changes;
  for (const Member& old_m : p.members) {
    const Member* new_m = n.Find(old_m.card.org);
    if (new_m == nullptr) {
      return Status(ErrorCode::kHistoryRewritten,
                    name + " drops organisation " + old_m.card.org + ", listed in " + Name(p) +
                        " (organisations are revoked, never removed)");
    }
    CERTSHARE_RETURN_IF_ERROR(CheckHistory(old_m, *new_m, name));
    if (!SameKeys(old_m.card, new_m->card)) {
      CERTSHARE_ASSIGN_OR_RETURN(KeyChangeKind kind,
                                 CheckKeyChange(n.federation, old_m, *new_m, name));
      changes.push_back(KeyChange{old_m.card.org, kind});
    }
  }
  return changes;
}

// Rules 1 to 7 (all but expiry).
Result<VerifiedRegistryVersion> VerifyStep(const Root& root, const SignedRegistryVersion* previous,
                                           std::string_view candidate) {
  CERTSHARE_ASSIGN_OR_RETURN(SignedRegistryVersion next, ParseRegistryVersion(candidate));
  const std::string name = Name(next.version);
  CERTSHARE_RETURN_IF_ERROR(CheckThreshold(next.envelope, root.registry.PublicKeys(),
                                           root.registry.threshold,
                                           "the registry keys of root version " +
                                               std::to_string(root.version))
                                .WithContext(name));
  if (next.version.federation != root.federation) {
    return Status(ErrorCode::kWrongFederation,
                  name + " is for federation \"" + next.version.federation + "\", not \"" +
                      root.federation + "\"");
  }
  VerifiedRegistryVersion out;
  if (previous != nullptr) {
    CERTSHARE_ASSIGN_OR_RETURN(out.key_changes, CheckAgainstPrevious(*previous, next));
  }
  out.version = std::move(next);
  return out;
}

Status CheckFresh(const RegistryVersion& v, StixMillis now) {
  if (now < v.expires_ms) return Status::Ok();
  return Status(ErrorCode::kTrustExpired,
                Name(v) + " of federation " + v.federation + " expired at " + v.expires +
                    "; the registry signers must sign a new version (or the broker serves a "
                    "stale one)");
}

}  // namespace

bool Member::HasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

const Member* RegistryVersion::Find(std::string_view org) const {
  auto it = std::lower_bound(members.begin(), members.end(), org,
                             [](const Member& m, std::string_view o) { return m.card.org < o; });
  return it != members.end() && it->card.org == org ? &*it : nullptr;
}

crypto::Hash256 PayloadHash(std::string_view payload) {
  return crypto::Hash({AsBytes(kHashDomain), AsBytes(payload)});
}

Result<SignedRegistryVersion> ParseRegistryVersion(std::string_view text) {
  SignedRegistryVersion out;
  CERTSHARE_ASSIGN_OR_RETURN(out.envelope,
                             ParseEnvelope(text, kRegistryPayloadType, kMaxRegistryPayload));
  CERTSHARE_RETURN_IF_ERROR(ParsePayload(out.envelope.payload, &out.version));
  CERTSHARE_RETURN_IF_ERROR(BuildRegistry(out.version, &out.registry));
  out.hash = PayloadHash(out.envelope.payload);
  return out;
}

std::string RegistryVersionPayload(const RegistryVersion& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("federation");
  w.String(v.federation);
  w.Key("version");
  w.Uint64(v.version);
  w.Key("expires");
  w.String(v.expires);
  if (v.previous) {
    w.Key("previous");
    w.String(HexEncode(*v.previous));
  }
  w.Key("organisations");
  w.StartArray();
  for (const Member& m : v.members) WriteMember(w, m);
  w.EndArray();
  if (!v.groups.empty()) {
    w.Key("groups");
    w.StartObject();
    for (const auto& [name, members] : v.groups) {
      w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
      w.StartArray();
      for (const std::string& org : members) w.String(org);
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

SignedEnvelope UnsignedRegistryVersion(const RegistryVersion& version) {
  SignedEnvelope env;
  env.payload_type = std::string(kRegistryPayloadType);
  env.payload = RegistryVersionPayload(version);
  return env;
}

Bytes KeyChangeMessage(std::string_view federation, const identity::Card& old_card,
                       const identity::Card& new_card) {
  ByteWriter w;
  // Byte by byte: gcc 12 warns (-Wstringop-overflow, a false positive)
  // on a range insert into the empty vector here.
  for (char c : kKeyChangeDomain) w.U8(static_cast<std::uint8_t>(c));
  w.U8(0x00);
  w.Blob32(AsBytes(federation));
  w.Blob32(AsBytes(old_card.org));
  for (const identity::Card* c : {&old_card, &new_card}) {
    w.Raw(c->sign_key);
    w.Raw(c->box_key);
    w.Raw(c->transport_key);
  }
  return w.Take();
}

Result<VerifiedRegistryVersion> VerifyRegistryVersion(const Root& root,
                                                      const SignedRegistryVersion* previous,
                                                      std::string_view candidate,
                                                      StixMillis now) {
  CERTSHARE_ASSIGN_OR_RETURN(VerifiedRegistryVersion out, VerifyStep(root, previous, candidate));
  CERTSHARE_RETURN_IF_ERROR(CheckFresh(out.version.version, now));
  return out;
}

Result<VerifiedRegistryVersion> VerifyRegistryChain(const std::vector<SignedRoot>& roots,
                                                    const SignedRegistryVersion* previous,
                                                    const std::vector<std::string>& candidates,
                                                    StixMillis now) {
  if (roots.empty()) return Status(ErrorCode::kInvalidArgument, "no root to verify against");
  if (candidates.empty() && previous == nullptr) {
    return Status(ErrorCode::kInvalidArgument, "no registry version to verify");
  }
  VerifiedRegistryVersion current;
  if (previous != nullptr) current.version = *previous;
  std::vector<KeyChange> all_changes;
  const SignedRegistryVersion* trusted = previous != nullptr ? &current.version : nullptr;
  std::size_t vouching = 0;  // the root that vouched for `current`
  for (const std::string& candidate : candidates) {
    Result<VerifiedRegistryVersion> step = VerifyStep(roots[vouching].root, trusted, candidate);
    // Signed by the registry keys of a later root: a root changed them.
    while (!step.ok() && step.status().code() == ErrorCode::kUnderThreshold &&
           vouching + 1 < roots.size()) {
      step = VerifyStep(roots[++vouching].root, trusted, candidate);
    }
    if (!step.ok()) return step.status();
    current = std::move(*step);
    trusted = &current.version;
    all_changes.insert(all_changes.end(), current.key_changes.begin(), current.key_changes.end());
  }
  const Root& latest = roots.back().root;
  if (vouching + 1 < roots.size()) {
    CERTSHARE_RETURN_IF_ERROR(
        CheckThreshold(current.version.envelope, latest.registry.PublicKeys(),
                       latest.registry.threshold,
                       "the registry keys of root version " + std::to_string(latest.version))
            .WithContext(Name(current.version.version) +
                         ", the latest registry version, signed before the root changed the "
                         "registry keys: it waits for a version the new keys sign"));
  }
  CERTSHARE_RETURN_IF_ERROR(CheckFresh(current.version.version, now));
  current.key_changes = std::move(all_changes);
  return current;
}

}  // namespace certshare::trust
