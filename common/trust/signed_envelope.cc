#include "common/trust/signed_envelope.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>

#include "common/base/json.h"
#include "common/trust/fields.h"

namespace certshare::trust {

namespace {
constexpr std::string_view kSignatureDomain = "certshare/trust/v1";
}  // namespace

Result<SignedEnvelope> ParseEnvelope(std::string_view text, std::string_view expected_type,
                                     std::size_t max_payload) {
  rapidjson::Document doc;
  json::ParseLimits limits;
  limits.max_depth = 4;
  limits.max_bytes = 2 * max_payload + (64u << 10);
  if (Status s = json::Parse(text, &doc, limits); !s.ok()) {
    return Status(ErrorCode::kMalformedTrust, s.message());
  }
  internal::ObjectReader r(doc, "");
  SignedEnvelope env;
  std::string format;
  std::string payload_hex;
  if (r.String("format", &format, 1, 64) && format != kEnvelopeFormat) {
    r.Fail("\"format\" must be \"" + std::string(kEnvelopeFormat) + "\"");
  }
  if (r.String("payload_type", &env.payload_type, 1, 64) && env.payload_type != expected_type) {
    r.Fail("\"payload_type\" is \"" + env.payload_type + "\", expected \"" +
           std::string(expected_type) + "\"");
  }
  if (r.String("payload", &payload_hex, 2, 2 * max_payload)) {
    Bytes raw;
    if (!HexDecode(payload_hex, &raw)) {
      r.Fail("\"payload\" must be an even number of hex digits");
    } else {
      env.payload.assign(AsChars(raw));
    }
  }
  if (const rapidjson::Value* sigs = r.Array("signatures", 0, kMaxSignatures)) {
    for (rapidjson::SizeType i = 0; i < sigs->Size() && r.status().ok(); ++i) {
      internal::ObjectReader s((*sigs)[i], "signatures[" + std::to_string(i) + "]");
      EnvelopeSignature sig;
      s.Key32("key_id", &sig.key_id);
      s.Sig64("sig", &sig.sig);
      if (!s.Finish().ok()) return s.status();
      for (const EnvelopeSignature& other : env.signatures) {
        if (other.key_id == sig.key_id) {
          return internal::Malformed(s.where(), "a second signature by key " +
                                                    HexEncode(sig.key_id) +
                                                    " (each key signs once)");
        }
      }
      env.signatures.push_back(sig);
    }
  }
  if (!r.Finish().ok()) return r.status();
  return env;
}

std::string EncodeEnvelope(const SignedEnvelope& envelope) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("format");
  w.String(kEnvelopeFormat.data(), static_cast<rapidjson::SizeType>(kEnvelopeFormat.size()));
  w.Key("payload_type");
  w.String(envelope.payload_type);
  w.Key("payload");
  w.String(HexEncode(AsBytes(envelope.payload)));
  w.Key("signatures");
  w.StartArray();
  for (const EnvelopeSignature& sig : envelope.signatures) {
    w.StartObject();
    w.Key("key_id");
    w.String(HexEncode(sig.key_id));
    w.Key("sig");
    w.String(HexEncode(sig.sig));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

Bytes SignedMessage(std::string_view payload_type, std::string_view payload) {
  ByteWriter w;
  // Byte by byte: gcc 12 warns (-Wstringop-overflow, a false positive)
  // on a range insert into the empty vector here.
  for (char c : kSignatureDomain) w.U8(static_cast<std::uint8_t>(c));
  w.U8(0x00);
  w.Blob32(AsBytes(payload_type));
  w.Blob32(AsBytes(payload));
  return w.Take();
}

void AddSignature(SignedEnvelope* envelope, const crypto::SigningSecretKey& key) {
  const crypto::SigningPublicKey pub = crypto::SigningPublicFromSecret(key);
  EnvelopeSignature sig;
  sig.key_id = KeyIdOf(KeyKind::kEd25519, pub);
  sig.sig = crypto::Sign(key, SignedMessage(envelope->payload_type, envelope->payload));
  for (EnvelopeSignature& existing : envelope->signatures) {
    if (existing.key_id == sig.key_id) {
      existing = sig;
      return;
    }
  }
  envelope->signatures.push_back(sig);
}

std::size_t CountValidSignatures(const SignedEnvelope& envelope,
                                 const std::vector<crypto::SigningPublicKey>& authorised) {
  const Bytes message = SignedMessage(envelope.payload_type, envelope.payload);
  std::size_t valid = 0;
  // Each authorised key counts at most once: a key id appears at most once
  // in an envelope (ParseEnvelope), and each key is looked up once here.
  for (const crypto::SigningPublicKey& key : authorised) {
    const KeyId id = KeyIdOf(KeyKind::kEd25519, key);
    auto it = std::find_if(envelope.signatures.begin(), envelope.signatures.end(),
                           [&id](const EnvelopeSignature& s) { return s.key_id == id; });
    if (it != envelope.signatures.end() && crypto::Verify(key, message, it->sig)) ++valid;
  }
  return valid;
}

Status CheckThreshold(const SignedEnvelope& envelope,
                      const std::vector<crypto::SigningPublicKey>& authorised,
                      std::size_t threshold, std::string_view who) {
  const std::size_t valid = CountValidSignatures(envelope, authorised);
  if (valid >= threshold) return Status::Ok();
  return Status(ErrorCode::kUnderThreshold,
                std::to_string(valid) + " valid signature" + (valid == 1 ? "" : "s") + " by " +
                    std::string(who) + ", " + std::to_string(threshold) + " needed");
}

}  // namespace certshare::trust
