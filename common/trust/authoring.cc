#include "common/trust/authoring.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "common/base/json.h"
#include "common/trust/fields.h"
#include "common/trust/key_id.h"
#include "common/trust/timestamp.h"

namespace certshare::trust {

namespace {

Status Invalid(std::string_view what) {
  return Status(ErrorCode::kInvalidArgument, std::string(what));
}

Status SetTime(std::string_view flag, const std::string& text, std::string* out,
               StixMillis* ms) {
  std::string_view why = internal::WhyNotTrustTime(text, ms);
  if (!why.empty()) {
    return Invalid(std::string(flag) + " \"" + text + "\": " + std::string(why) +
                   " (write YYYY-MM-DDTHH:MM:SSZ)");
  }
  *out = text;
  return Status::Ok();
}

Result<KeyRole> MakeRole(std::string_view what, const std::vector<identity::Card>& cards,
                         std::size_t threshold) {
  KeyRole role;
  for (const identity::Card& card : cards) role.keys.push_back({card.sign_key, card.org});
  if (role.keys.empty() || role.keys.size() > kMaxRoleKeys) {
    return Invalid(std::string(what) + ": 1 to " + std::to_string(kMaxRoleKeys) +
                   " keys (cards of identities made by certshare keygen)");
  }
  if (threshold < 1 || threshold > role.keys.size()) {
    return Invalid(std::string(what) + " threshold must be 1 to " +
                   std::to_string(role.keys.size()));
  }
  role.threshold = threshold;
  return role;
}

// A role of the next root: the cards given (or the current keys) and the
// threshold given (or the current one).
Result<KeyRole> NextRole(std::string_view what, const KeyRole& current,
                         const std::vector<identity::Card>& cards, std::size_t threshold) {
  if (cards.empty()) {
    KeyRole role = current;
    if (threshold != 0) role.threshold = threshold;
    if (role.threshold > role.keys.size()) {
      return Invalid(std::string(what) + " threshold must be 1 to " +
                     std::to_string(role.keys.size()));
    }
    return role;
  }
  return MakeRole(what, cards, threshold != 0 ? threshold : current.threshold);
}

// The format's own limits, checked by reading the unsigned file back.
template <typename T, typename Parse>
Status CheckByParsing(const SignedEnvelope& envelope, Parse parse) {
  Result<T> back = parse(EncodeEnvelope(envelope));
  return back.ok() ? Status::Ok() : back.status();
}

Result<Member> MemberFrom(const MemberSpec& spec) {
  Member m;
  m.card = identity::PublicCard(spec.card);
  m.roles = spec.roles;
  if (m.roles.empty()) m.roles = {std::string(kRolePublish), std::string(kRoleSubscribe)};
  m.home_broker = spec.home_broker;
  CERTSHARE_RETURN_IF_ERROR(
      SetTime("--card-expires", spec.card_expires, &m.card_expires, &m.card_expires_ms));
  return m;
}

void Insert(RegistryVersion* v, Member m) {
  auto at = std::lower_bound(v->members.begin(), v->members.end(), m.card.org,
                             [](const Member& a, const std::string& org) { return a.card.org < org; });
  v->members.insert(at, std::move(m));
}

Member* FindMember(RegistryVersion* v, const std::string& org) {
  return const_cast<Member*>(v->Find(org));
}

template <typename Key>
void KeepPrevious(std::vector<Key>* list, const Key& key) {
  if (std::find(list->begin(), list->end(), key) != list->end()) return;
  list->push_back(key);
  if (list->size() > identity::kMaxPreviousKeys) list->erase(list->begin());
}

Status ApplyEdit(RegistryVersion* v, const RegistryEdit& edit) {
  for (const MemberSpec& spec : edit.add) {
    if (v->Find(spec.card.org) != nullptr) {
      return Status(ErrorCode::kAlreadyExists,
                    spec.card.org + " is already in the registry (use --key-change to change "
                    "its keys)");
    }
    CERTSHARE_ASSIGN_OR_RETURN(Member m, MemberFrom(spec));
    Insert(v, std::move(m));
  }
  for (const auto& [org, at] : edit.revoke) {
    Member* m = FindMember(v, org);
    if (m == nullptr) return Status(ErrorCode::kUnknownOrganisation, org + " is not registered");
    if (m->card.revoked) {
      return Status(ErrorCode::kRevoked, org + " was revoked at " + m->card.revoked_at);
    }
    StixMillis ms = 0;
    CERTSHARE_RETURN_IF_ERROR(SetTime("--at", at, &m->card.revoked_at, &ms));
    m->card.revoked = true;
  }
  for (const auto& [org, since] : edit.compromised) {
    Member* m = FindMember(v, org);
    if (m == nullptr) return Status(ErrorCode::kUnknownOrganisation, org + " is not registered");
    CERTSHARE_RETURN_IF_ERROR(
        SetTime("--since", since, &m->compromised_since, &m->compromised_since_ms));
  }
  for (const auto& [org, root] : edit.allow_roots) {
    Member* m = FindMember(v, org);
    if (m == nullptr) return Status(ErrorCode::kUnknownOrganisation, org + " is not registered");
    std::vector<crypto::Hash256>& list = m->card.allowed_roots;
    if (std::find(list.begin(), list.end(), root) != list.end()) continue;
    if (list.size() >= identity::kMaxAllowedRoots) {
      return Invalid(org + " already lists " + std::to_string(list.size()) +
                     " allowed roots, the most a version may");
    }
    list.push_back(root);
  }
  for (const KeyChangeFile& change : edit.key_changes) {
    const std::string& org = change.new_card.org;
    if (change.federation != v->federation) {
      return Invalid("the key change of " + org + " is for federation " + change.federation);
    }
    Member* m = FindMember(v, org);
    if (m == nullptr) return Status(ErrorCode::kUnknownOrganisation, org + " is not registered");
    const identity::Card& now = m->card;
    if (now.sign_key != change.old_card.sign_key || now.box_key != change.old_card.box_key ||
        now.transport_key != change.old_card.transport_key) {
      return Invalid("the key change of " + org + " replaces keys that are not its current "
                     "ones in this registry (made from another secret file?)");
    }
    if (now.sign_key != change.new_card.sign_key) {
      KeepPrevious(&m->card.previous_sign_keys, now.sign_key);
    }
    if (now.box_key != change.new_card.box_key) {
      KeepPrevious(&m->card.previous_box_keys, now.box_key);
    }
    m->card.sign_key = change.new_card.sign_key;
    m->card.box_key = change.new_card.box_key;
    m->card.transport_key = change.new_card.transport_key;
    m->card.name = change.new_card.name;
    m->key_change = KeyChangeProof{change.old_key_sig, change.new_key_sig};
  }
  return Status::Ok();
}

std::string Describe(const TrustKey& k, std::string_view role) {
  return std::string(role) + "\t" + Fingerprint(KeyKind::kEd25519, k.key) + "\t" + k.holder;
}

}  // namespace

Result<Root> NewRoot(const RootSpec& spec) {
  Root r;
  if (!IsValidFederationName(spec.federation)) {
    return Invalid("--federation \"" + spec.federation + "\": 1 to 64 of a-z 0-9 . _ -");
  }
  r.federation = spec.federation;
  r.version = 1;
  CERTSHARE_RETURN_IF_ERROR(SetTime("--expires", spec.expires, &r.expires, &r.expires_ms));
  CERTSHARE_ASSIGN_OR_RETURN(r.root, MakeRole("--root-key", spec.root_keys, spec.root_threshold));
  CERTSHARE_ASSIGN_OR_RETURN(
      r.registry, MakeRole("--registry-key", spec.registry_keys, spec.registry_threshold));
  CERTSHARE_RETURN_IF_ERROR(CheckByParsing<SignedRoot>(UnsignedRoot(r), ParseRoot));
  return r;
}

Result<Root> NextRoot(const Root& current, const RootSpec& spec) {
  Root r = current;
  r.version = current.version + 1;
  CERTSHARE_RETURN_IF_ERROR(SetTime("--expires", spec.expires, &r.expires, &r.expires_ms));
  CERTSHARE_ASSIGN_OR_RETURN(r.root, NextRole("--root-key", current.root, spec.root_keys,
                                              spec.root_threshold));
  CERTSHARE_ASSIGN_OR_RETURN(r.registry, NextRole("--registry-key", current.registry,
                                                  spec.registry_keys, spec.registry_threshold));
  CERTSHARE_RETURN_IF_ERROR(CheckByParsing<SignedRoot>(UnsignedRoot(r), ParseRoot));
  return r;
}

Result<RegistryVersion> NewRegistry(const Root& root, const RegistryEdit& edit) {
  if (!edit.revoke.empty() || !edit.compromised.empty() || !edit.key_changes.empty() ||
      !edit.allow_roots.empty()) {
    return Invalid("a first registry version only adds organisations (--add)");
  }
  RegistryVersion v;
  v.federation = root.federation;
  v.version = 1;
  CERTSHARE_RETURN_IF_ERROR(SetTime("--expires", edit.expires, &v.expires, &v.expires_ms));
  CERTSHARE_RETURN_IF_ERROR(ApplyEdit(&v, edit));
  CERTSHARE_RETURN_IF_ERROR(
      CheckByParsing<SignedRegistryVersion>(UnsignedRegistryVersion(v), ParseRegistryVersion));
  return v;
}

Result<RegistryVersion> NextRegistry(const SignedRegistryVersion& previous,
                                     const RegistryEdit& edit) {
  RegistryVersion v = previous.version;
  v.version = previous.version.version + 1;
  v.previous = previous.hash;
  for (Member& m : v.members) m.key_change.reset();
  CERTSHARE_RETURN_IF_ERROR(SetTime("--expires", edit.expires, &v.expires, &v.expires_ms));
  CERTSHARE_RETURN_IF_ERROR(ApplyEdit(&v, edit));
  CERTSHARE_RETURN_IF_ERROR(
      CheckByParsing<SignedRegistryVersion>(UnsignedRegistryVersion(v), ParseRegistryVersion));
  return v;
}

// --- Key change files.

KeyChangeFile MakeKeyChange(std::string_view federation, const identity::Identity& old_id,
                            const identity::Identity& new_id) {
  KeyChangeFile change;
  change.federation = std::string(federation);
  change.old_card = identity::PublicCard(old_id.card);
  change.new_card = identity::PublicCard(new_id.card);
  Bytes message = KeyChangeMessage(federation, change.old_card, change.new_card);
  change.old_key_sig = crypto::Sign(old_id.sign_secret, message);
  change.new_key_sig = crypto::Sign(new_id.sign_secret, message);
  return change;
}

std::string KeyChangeFileToJson(const KeyChangeFile& change) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("format");
  w.String(kKeyChangeFormat.data(), static_cast<rapidjson::SizeType>(kKeyChangeFormat.size()));
  w.Key("federation");
  w.String(change.federation);
  for (const auto& [name, card] : {std::pair{"old_card", &change.old_card},
                                   std::pair{"new_card", &change.new_card}}) {
    std::string json = identity::CardToJson(*card);
    w.Key(name);
    w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  }
  w.Key("old_key_sig");
  w.String(HexEncode(change.old_key_sig));
  w.Key("new_key_sig");
  w.String(HexEncode(change.new_key_sig));
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

Result<KeyChangeFile> ParseKeyChangeFile(std::string_view text) {
  rapidjson::Document doc;
  json::ParseLimits limits;
  limits.max_depth = 6;
  limits.max_bytes = 64u << 10;
  Status parsed = json::Parse(text, &doc, limits);
  if (!parsed.ok()) return Invalid("key change file: " + parsed.message());
  if (!doc.IsObject()) return Invalid("key change file: not a JSON object");
  KeyChangeFile change;
  std::string format, sig;
  if (!json::GetString(doc, "format", &format) || format != kKeyChangeFormat) {
    return Invalid("key change file: \"format\" must be \"" + std::string(kKeyChangeFormat) +
                   "\"");
  }
  if (!json::GetString(doc, "federation", &change.federation) ||
      !IsValidFederationName(change.federation)) {
    return Invalid("key change file: \"federation\" must be a federation name");
  }
  for (const auto& [name, card] : {std::pair{"old_card", &change.old_card},
                                   std::pair{"new_card", &change.new_card}}) {
    const rapidjson::Value* value = json::Member(doc, name);
    if (value == nullptr) return Invalid(std::string("key change file: \"") + name + "\" is missing");
    Result<identity::Card> c = identity::ParseCard(*value);
    if (!c.ok()) return Invalid(std::string("key change file: \"") + name + "\": " + c.status().message());
    *card = identity::PublicCard(*c);
  }
  if (change.old_card.org != change.new_card.org) {
    return Invalid("key change file: the old and new cards name different organisations");
  }
  for (const auto& [name, out] : {std::pair{"old_key_sig", &change.old_key_sig},
                                  std::pair{"new_key_sig", &change.new_key_sig}}) {
    if (!json::GetString(doc, name, &sig) || !internal::DecodeHexArray(sig, out)) {
      return Invalid(std::string("key change file: \"") + name + "\" must be 128 hex digits");
    }
  }
  return change;
}

// --- Any signed file.

Result<std::string> SignFile(std::string_view text, const crypto::SigningSecretKey& key) {
  rapidjson::Document doc;
  json::ParseLimits limits;
  limits.max_depth = 4;
  limits.max_bytes = 2 * kMaxRegistryPayload + (64u << 10);
  std::string type;
  if (!json::Parse(text, &doc, limits).ok() || !doc.IsObject() ||
      !json::GetString(doc, "payload_type", &type)) {
    return Status(ErrorCode::kMalformedTrust, "not a signed trust file (no \"payload_type\")");
  }
  std::size_t max = type == kRootPayloadType ? kMaxRootPayload : kMaxRegistryPayload;
  CERTSHARE_ASSIGN_OR_RETURN(SignedEnvelope envelope, ParseEnvelope(text, type, max));
  AddSignature(&envelope, key);
  return EncodeEnvelope(envelope);
}

Result<std::string> DescribeSignedFile(std::string_view text, const Root* root) {
  std::string out;
  auto signatures = [&out](const SignedEnvelope& env, const std::vector<TrustKey>& known) {
    for (const EnvelopeSignature& s : env.signatures) {
      const TrustKey* by = nullptr;
      for (const TrustKey& k : known) {
        if (KeyIdOf(KeyKind::kEd25519, k.key) == s.key_id) by = &k;
      }
      if (by == nullptr) {
        out += "signature\tunknown key (key id " + HexEncode(s.key_id).substr(0, 16) + "...)\n";
        continue;
      }
      bool valid = CountValidSignatures(env, {by->key}) == 1;
      out += "signature\t" + Fingerprint(KeyKind::kEd25519, by->key) + "\t" + by->holder + "\t" +
             (valid ? "valid" : "INVALID") + "\n";
    }
  };
  if (Result<SignedRoot> r = ParseRoot(text); r.ok()) {
    const Root& root_v = r->root;
    out += "root\t" + root_v.federation + "\tversion " + std::to_string(root_v.version) +
           "\texpires " + root_v.expires + "\n";
    out += "root keys\tthreshold " + std::to_string(root_v.root.threshold) + " of " +
           std::to_string(root_v.root.keys.size()) + "\n";
    for (const TrustKey& k : root_v.root.keys) out += Describe(k, "root key") + "\n";
    out += "registry keys\tthreshold " + std::to_string(root_v.registry.threshold) + " of " +
           std::to_string(root_v.registry.keys.size()) + "\n";
    for (const TrustKey& k : root_v.registry.keys) out += Describe(k, "registry key") + "\n";
    std::vector<TrustKey> known = root_v.root.keys;
    if (root != nullptr) known.insert(known.end(), root->root.keys.begin(), root->root.keys.end());
    signatures(r->envelope, known);
    return out;
  }
  if (Result<SignedTimestamp> t = ParseSignedTimestamp(text); t.ok()) {
    const Timestamp& ts = t->timestamp;
    out += "timestamp\t" + ts.federation + "\tregistry version " +
           std::to_string(ts.registry_version) + "\tissued " + ts.issued + "\texpires " +
           ts.expires + "\n";
    out += "registry hash\t" + HexEncode(ts.registry_hash) + "\n";
    if (root != nullptr) {
      signatures(t->envelope, root->registry.keys);
    } else {
      out += "signatures\t" + std::to_string(t->envelope.signatures.size()) +
             " (give --root to name and check them)\n";
    }
    return out;
  }
  CERTSHARE_ASSIGN_OR_RETURN(SignedRegistryVersion v, ParseRegistryVersion(text));
  out += "registry version\t" + v.version.federation + "\tversion " +
         std::to_string(v.version.version) + "\texpires " + v.version.expires + "\n";
  out += "hash\t" + HexEncode(v.hash) + "\n";
  for (const Member& m : v.version.members) {
    const identity::Card& c = m.card;
    std::string roles;
    for (const std::string& role : m.roles) roles += (roles.empty() ? "" : ",") + role;
    out += "organisation\t" + c.org + "\t" + roles + "\thome " + m.home_broker +
           "\tcard expires " + m.card_expires +
           (c.revoked ? "\trevoked " + c.revoked_at : std::string()) +
           (m.compromised_since.empty() ? std::string()
                                        : "\tcompromised since " + m.compromised_since) +
           (m.key_change ? "\tkeys changed" : std::string()) + "\n";
    out += "  sign\t" + Fingerprint(KeyKind::kEd25519, c.sign_key) + "\n";
    out += "  box\t" + Fingerprint(KeyKind::kX25519, c.box_key) + "\n";
    out += "  transport\t" + Fingerprint(KeyKind::kX25519, c.transport_key) + "\n";
  }
  if (root != nullptr) {
    signatures(v.envelope, root->registry.keys);
  } else {
    out += "signatures\t" + std::to_string(v.envelope.signatures.size()) +
           " (give --root to name and check them)\n";
  }
  return out;
}

}  // namespace certshare::trust
