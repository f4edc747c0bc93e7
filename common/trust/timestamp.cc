#include "common/trust/timestamp.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/base/bytes.h"
#include "common/base/json.h"
#include "common/trust/fields.h"

namespace certshare::trust {

namespace {

using internal::ObjectReader;

Status ParseTimestampPayload(std::string_view payload, Timestamp* t) {
  rapidjson::Document doc;
  json::ParseLimits limits;
  limits.max_depth = 2;
  limits.max_bytes = kMaxTimestampPayload;
  if (Status s = json::Parse(payload, &doc, limits); !s.ok()) {
    return Status(ErrorCode::kMalformedTrust, "payload: " + s.message());
  }
  ObjectReader r(doc, "payload");
  if (r.String("federation", &t->federation, 1, 64) && !IsValidFederationName(t->federation)) {
    r.Fail("\"federation\" must be 1-64 characters of a-z 0-9 . _ -");
  }
  r.Uint("registry_version", &t->registry_version, 1, internal::kMaxJsonInteger);
  r.Key32("registry_hash", &t->registry_hash);
  r.Time("issued", &t->issued, &t->issued_ms);
  r.Time("expires", &t->expires, &t->expires_ms);
  CERTSHARE_RETURN_IF_ERROR(r.Finish());
  if (t->expires_ms <= t->issued_ms) {
    return internal::Malformed("payload.expires", "must be after \"issued\"");
  }
  return Status::Ok();
}

std::string Name(const Timestamp& t) {
  return "the timestamp issued at " + t.issued + " for registry version " +
         std::to_string(t.registry_version);
}

}  // namespace

Result<SignedTimestamp> ParseSignedTimestamp(std::string_view text) {
  SignedTimestamp out;
  CERTSHARE_ASSIGN_OR_RETURN(out.envelope,
                             ParseEnvelope(text, kTimestampPayloadType, kMaxTimestampPayload));
  CERTSHARE_RETURN_IF_ERROR(ParseTimestampPayload(out.envelope.payload, &out.timestamp));
  return out;
}

std::string TimestampPayload(const Timestamp& t) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("federation");
  w.String(t.federation);
  w.Key("registry_version");
  w.Uint64(t.registry_version);
  w.Key("registry_hash");
  w.String(HexEncode(t.registry_hash));
  w.Key("issued");
  w.String(t.issued);
  w.Key("expires");
  w.String(t.expires);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

SignedEnvelope UnsignedTimestamp(const Timestamp& t) {
  SignedEnvelope env;
  env.payload_type = std::string(kTimestampPayloadType);
  env.payload = TimestampPayload(t);
  return env;
}

Timestamp TimestampFor(const SignedRegistryVersion& version, StixMillis issued_ms,
                       StixMillis valid_ms) {
  Timestamp t;
  t.federation = version.version.federation;
  t.registry_version = version.version.version;
  t.registry_hash = version.hash;
  t.issued_ms = issued_ms - issued_ms % 1000;
  t.expires_ms = t.issued_ms + valid_ms - valid_ms % 1000;
  t.issued = FormatUtc(t.issued_ms / 1000);
  t.expires = FormatUtc(t.expires_ms / 1000);
  return t;
}

Result<SignedTimestamp> VerifyTimestamp(const Root& root, const SignedRegistryVersion& held,
                                        const SignedTimestamp* previous,
                                        std::string_view candidate, StixMillis now) {
  CERTSHARE_ASSIGN_OR_RETURN(SignedTimestamp next, ParseSignedTimestamp(candidate));
  const Timestamp& t = next.timestamp;
  CERTSHARE_RETURN_IF_ERROR(CheckThreshold(next.envelope, root.registry.PublicKeys(),
                                           root.registry.threshold,
                                           "the registry keys of root version " +
                                               std::to_string(root.version))
                                .WithContext(Name(t)));
  if (t.federation != root.federation) {
    return Status(ErrorCode::kWrongFederation, Name(t) + " is for federation \"" +
                                                   t.federation + "\", not \"" +
                                                   root.federation + "\"");
  }
  const RegistryVersion& v = held.version;
  if (t.registry_version != v.version) {
    return Status(ErrorCode::kBrokenChain,
                  Name(t) + " does not name the registry version held (" +
                      std::to_string(v.version) + ")");
  }
  if (t.registry_hash != held.hash) {
    return Status(ErrorCode::kBrokenChain,
                  Name(t) + " names another registry version " +
                      std::to_string(v.version) + " than the one held (a fork)");
  }
  if (previous != nullptr && t.issued_ms < previous->timestamp.issued_ms) {
    return Status(ErrorCode::kRollback, Name(t) + " is older than the one held (issued at " +
                                            previous->timestamp.issued + ")");
  }
  if (!t.Fresh(now)) {
    return Status(ErrorCode::kTrustExpired,
                  Name(t) + " expired at " + t.expires +
                      "; the registry signers sign a new one every hour");
  }
  return next;
}

}  // namespace certshare::trust
