#include "common/trust/root.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/base/bytes.h"
#include "common/base/json.h"
#include "common/trust/fields.h"

namespace certshare::trust {

namespace {

using internal::ObjectReader;

Status ParseRole(ObjectReader& r, const char* keys_name, const char* threshold_name,
                 KeyRole* role) {
  const rapidjson::Value* keys = r.Array(keys_name, 1, kMaxRoleKeys);
  if (keys == nullptr) return r.status();
  for (rapidjson::SizeType i = 0; i < keys->Size(); ++i) {
    ObjectReader k((*keys)[i], r.At(keys_name) + "[" + std::to_string(i) + "]");
    TrustKey key;
    k.Key32("public", &key.key);
    k.String("holder", &key.holder, 1, 128);
    CERTSHARE_RETURN_IF_ERROR(k.Finish());
    for (const TrustKey& other : role->keys) {
      if (other.key == key.key) return internal::Malformed(k.where(), "a key listed twice");
    }
    role->keys.push_back(std::move(key));
  }
  std::uint64_t threshold = 0;
  if (r.Uint(threshold_name, &threshold, 1, role->keys.size())) role->threshold = threshold;
  return r.status();
}

Status ParseRootPayload(std::string_view payload, Root* root) {
  rapidjson::Document doc;
  json::ParseLimits limits;
  limits.max_depth = 4;
  limits.max_bytes = kMaxRootPayload;
  if (Status s = json::Parse(payload, &doc, limits); !s.ok()) {
    return Status(ErrorCode::kMalformedTrust, "payload: " + s.message());
  }
  ObjectReader r(doc, "payload");
  if (r.String("federation", &root->federation, 1, 64) &&
      !IsValidFederationName(root->federation)) {
    r.Fail("\"federation\" must be 1-64 characters of a-z 0-9 . _ -");
  }
  r.Uint("version", &root->version, 1, internal::kMaxJsonInteger);
  r.Time("expires", &root->expires, &root->expires_ms);
  CERTSHARE_RETURN_IF_ERROR(ParseRole(r, "root_keys", "root_threshold", &root->root));
  CERTSHARE_RETURN_IF_ERROR(
      ParseRole(r, "registry_keys", "registry_threshold", &root->registry));
  CERTSHARE_RETURN_IF_ERROR(r.Finish());
  for (const TrustKey& key : root->registry.keys) {
    for (const TrustKey& root_key : root->root.keys) {
      if (key.key == root_key.key) {
        return internal::Malformed(
            "payload", "key " + HexEncode(key.key) +
                           " is both a root key and a registry key (root keys stay offline)");
      }
    }
  }
  return Status::Ok();
}

void WriteRole(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* keys_name,
               const char* threshold_name, const KeyRole& role) {
  w.Key(keys_name);
  w.StartArray();
  for (const TrustKey& key : role.keys) {
    w.StartObject();
    w.Key("public");
    w.String(HexEncode(key.key));
    w.Key("holder");
    w.String(key.holder);
    w.EndObject();
  }
  w.EndArray();
  w.Key(threshold_name);
  w.Uint64(role.threshold);
}

std::string VersionName(const Root& root) {
  return "root version " + std::to_string(root.version);
}

}  // namespace

bool IsValidFederationName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::vector<crypto::SigningPublicKey> KeyRole::PublicKeys() const {
  std::vector<crypto::SigningPublicKey> out;
  out.reserve(keys.size());
  for (const TrustKey& key : keys) out.push_back(key.key);
  return out;
}

Result<SignedRoot> ParseRoot(std::string_view text) {
  SignedRoot out;
  CERTSHARE_ASSIGN_OR_RETURN(out.envelope,
                             ParseEnvelope(text, kRootPayloadType, kMaxRootPayload));
  CERTSHARE_RETURN_IF_ERROR(ParseRootPayload(out.envelope.payload, &out.root));
  return out;
}

std::string RootPayload(const Root& root) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("federation");
  w.String(root.federation);
  w.Key("version");
  w.Uint64(root.version);
  w.Key("expires");
  w.String(root.expires);
  WriteRole(w, "root_keys", "root_threshold", root.root);
  WriteRole(w, "registry_keys", "registry_threshold", root.registry);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

SignedEnvelope UnsignedRoot(const Root& root) {
  SignedEnvelope env;
  env.payload_type = std::string(kRootPayloadType);
  env.payload = RootPayload(root);
  return env;
}

Result<SignedRoot> VerifyPinnedRoot(std::string_view text) {
  CERTSHARE_ASSIGN_OR_RETURN(SignedRoot root, ParseRoot(text));
  CERTSHARE_RETURN_IF_ERROR(CheckThreshold(root.envelope, root.root.root.PublicKeys(),
                                           root.root.root.threshold,
                                           "its own root keys (" + VersionName(root.root) + ")"));
  return root;
}

Result<SignedRoot> VerifyRootUpdate(const Root& trusted, std::string_view candidate) {
  CERTSHARE_ASSIGN_OR_RETURN(SignedRoot next, ParseRoot(candidate));
  const std::string name = VersionName(next.root);
  // 1. The keys we trust vouch for it, before anything it says is believed.
  CERTSHARE_RETURN_IF_ERROR(
      CheckThreshold(next.envelope, trusted.root.PublicKeys(), trusted.root.threshold,
                     "the root keys of the trusted " + VersionName(trusted))
          .WithContext(name));
  if (next.root.federation != trusted.federation) {
    return Status(ErrorCode::kWrongFederation,
                  name + " is for federation \"" + next.root.federation + "\", not \"" +
                      trusted.federation + "\"");
  }
  if (next.root.version <= trusted.version) {
    return Status(ErrorCode::kRollback, name + " is not newer than the trusted " +
                                            VersionName(trusted));
  }
  if (next.root.version != trusted.version + 1) {
    return Status(ErrorCode::kWrongRootVersion,
                  name + " skips versions: after " + VersionName(trusted) +
                      " only version " + std::to_string(trusted.version + 1) +
                      " is accepted (apply each root version in turn)");
  }
  // 2. The new keys accept their role (no root update to keys nobody holds).
  CERTSHARE_RETURN_IF_ERROR(CheckThreshold(next.envelope, next.root.root.PublicKeys(),
                                           next.root.root.threshold, "its own root keys")
                                .WithContext(name));
  return next;
}

Status CheckRootFresh(const Root& root, StixMillis now) {
  if (now < root.expires_ms) return Status::Ok();
  return Status(ErrorCode::kTrustExpired,
                VersionName(root) + " of federation " + root.federation + " expired at " +
                    root.expires + "; its root key holders must sign a new version");
}

Result<std::vector<SignedRoot>> VerifyRootChain(const SignedRoot& trusted,
                                                const std::vector<std::string>& candidates,
                                                StixMillis now) {
  std::vector<SignedRoot> path{trusted};
  for (const std::string& candidate : candidates) {
    CERTSHARE_ASSIGN_OR_RETURN(SignedRoot next, VerifyRootUpdate(path.back().root, candidate));
    path.push_back(std::move(next));
  }
  CERTSHARE_RETURN_IF_ERROR(CheckRootFresh(path.back().root, now));
  return path;
}

}  // namespace certshare::trust
