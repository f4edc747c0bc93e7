// The origin's side: checks a draft, encrypts and wraps its content key for
// each recipient, builds the header, then signs one Merkle root over every
// record of the call.
#include <limits>
#include <set>
#include <string>

#include "common/base/timestamp.h"
#include "common/envelope/envelope.h"
#include "common/envelope/header_codec.h"
#include "common/envelope/merkle.h"
#include "common/envelope/record_codec.h"

namespace certshare::envelope {

namespace {

Status Invalid(std::string_view message) {
  return Status(ErrorCode::kInvalidArgument, message);
}

Status CheckLength(std::string_view field, std::string_view value,
                   std::size_t max) {
  if (value.empty()) return Invalid(std::string(field) + " is empty");
  if (value.size() > max) {
    return Invalid(std::string(field) + " is " + std::to_string(value.size()) +
                   " bytes, longer than the envelope allows (" +
                   std::to_string(max) + ")");
  }
  return Status::Ok();
}

Status CheckOrgId(std::string_view role, std::string_view org) {
  if (!internal::IsValidOrgId(org)) {
    return Invalid(std::string(role) + " \"" + std::string(org) +
                   "\" is not a valid organisation id ([A-Za-z0-9._-]{1,64})");
  }
  return Status::Ok();
}

// Everything Decode would refuse, reported as kInvalidArgument before any
// work is done.
Status CheckDraft(std::string_view origin, const Draft& d) {
  constexpr std::size_t kMax8 = std::numeric_limits<std::uint8_t>::max();
  CERTSHARE_RETURN_IF_ERROR(CheckOrgId("origin", origin));
  CERTSHARE_RETURN_IF_ERROR(CheckLength("stix_type", d.stix_type, kMax8));
  CERTSHARE_RETURN_IF_ERROR(CheckLength("stix_id", d.stix_id, kMaxStixIdLength));
  CERTSHARE_RETURN_IF_ERROR(CheckLength("modified", d.modified, kMax8));
  if (std::string_view why = WhyNotStixTimestamp(d.modified); !why.empty()) {
    return Invalid("modified \"" + d.modified + "\" " + std::string(why));
  }
  if (static_cast<std::uint8_t>(d.tlp) > kMaxTlp) {
    return Invalid("tlp " + std::to_string(static_cast<int>(d.tlp)) +
                   " is not a TLP level");
  }
  if (TlpRequiresEncryption(d.tlp) && !d.encrypt) {
    return Invalid("TLP:" + std::string(TlpName(d.tlp)) +
                   " requires encryption (encrypt=false)");
  }
  if (TlpRequiresEncryption(d.tlp) && d.recipients.empty()) {
    return Invalid("TLP:" + std::string(TlpName(d.tlp)) +
                   " requires at least one recipient");
  }
  if (d.encrypt && d.recipients.empty()) {
    return Invalid("encrypt=true needs at least one recipient");
  }
  if (d.recipients.size() > kMaxRecipients) {
    return Invalid(std::to_string(d.recipients.size()) +
                   " recipients, more than " + std::to_string(kMaxRecipients));
  }
  std::set<std::string_view> seen;
  for (const Recipient& rcpt : d.recipients) {
    CERTSHARE_RETURN_IF_ERROR(CheckOrgId("recipient", rcpt.org));
    if (!seen.insert(rcpt.org).second) {
      return Invalid("duplicate recipient \"" + rcpt.org + "\"");
    }
  }
  if (d.topics.size() > kMaxTopics) {
    return Invalid(std::to_string(d.topics.size()) + " topics, more than " +
                   std::to_string(kMaxTopics));
  }
  for (const std::string& topic : d.topics) {
    if (topic.size() > kMax8) {
      return Invalid("topic of " + std::to_string(topic.size()) +
                     " bytes, longer than its length prefix allows (255)");
    }
  }
  if (d.payload.empty()) return Invalid("payload is empty");
  if (d.payload.size() >
      std::numeric_limits<std::uint32_t>::max() - internal::kTagBytes) {
    return Invalid("payload longer than its length prefix allows");
  }
  return Status::Ok();
}

// A record before authentication: the leaf covers exactly these bytes.
struct Unsigned {
  Bytes header;
  Bytes payload;
  Header decoded;  // `header` as a receiver decodes it
};

Result<Unsigned> BuildUnsigned(
    std::string_view origin, const Draft& d,
    const std::vector<const crypto::SharedKey*>& shared) {
  Header h;
  h.tlp = d.tlp;
  h.encrypted = d.encrypt;
  h.stix_type = d.stix_type;
  h.stix_id = d.stix_id;
  h.modified = d.modified;
  h.origin = std::string(origin);
  for (const Recipient& rcpt : d.recipients) h.recipients.push_back(rcpt.org);
  h.topics = d.topics;

  Unsigned out;
  if (d.encrypt) {
    // A fresh key per record: a nonce is never reused under a key, and
    // revealing one record's key reveals nothing else.
    const crypto::ContentKey key = crypto::NewContentKey();
    h.payload_nonce = crypto::RandomNonce();
    for (std::size_t i = 0; i < d.recipients.size(); ++i) {
      h.slots.push_back(
          {d.recipients[i].org, crypto::WrapKey(*shared[i], key)});
    }
    out.header = internal::EncodeHeader(h);
    // The AD is the header as sent: slots, routing and TLP are bound to
    // the ciphertext, not only to the signature.
    out.payload =
        crypto::AeadSeal(key, h.payload_nonce, AsBytes(d.payload), out.header);
  } else {
    out.header = internal::EncodeHeader(h);
    out.payload.assign(d.payload.begin(), d.payload.end());
  }

  // Never emit what a receiver would refuse; what it decodes is what the
  // caller gets back (Sealed::header).
  Status decoded = internal::DecodeHeader(out.header, &out.decoded);
  if (!decoded.ok()) {
    return Status(ErrorCode::kInternal,
                  "sealed header fails to decode: " + decoded.ToString());
  }
  return out;
}

// One signature over the Merkle root of every record; each record carries
// its own audit path.
std::vector<Sealed> SignAll(const crypto::SigningSecretKey& key,
                            std::vector<Unsigned> records) {
  std::vector<crypto::Hash256> leaves;
  leaves.reserve(records.size());
  for (const Unsigned& u : records) {
    leaves.push_back(internal::LeafHash(u.header, u.payload));
  }
  std::vector<std::vector<crypto::Hash256>> paths;
  const crypto::Hash256 root = internal::BuildTree(leaves, &paths);
  const crypto::Signature signature =
      crypto::Sign(key, internal::SignedMessage(root));

  std::vector<Sealed> out;
  out.reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    Auth auth;
    auth.leaf_index = static_cast<std::uint32_t>(i);
    auth.leaf_count = static_cast<std::uint32_t>(records.size());
    auth.proof = std::move(paths[i]);
    auth.signature = signature;
    out.push_back(
        {internal::EncodeRecord(records[i].header, records[i].payload, auth),
         std::move(records[i].decoded), leaves[i]});
  }
  return out;
}

// Checks `d`, looks up each recipient's shared key with `shared_key_for`
// (the Sealer's cache) and builds the unsigned record.
template <typename SharedKeyFn>
Result<Unsigned> Prepare(std::string_view origin, const Draft& d,
                         SharedKeyFn&& shared_key_for) {
  CERTSHARE_RETURN_IF_ERROR(CheckDraft(origin, d));
  std::vector<const crypto::SharedKey*> shared(d.recipients.size());
  if (d.encrypt) {
    for (std::size_t i = 0; i < d.recipients.size(); ++i) {
      Status s = shared_key_for(d.recipients[i].box_key, &shared[i]);
      if (!s.ok()) {
        return s.WithContext("recipient \"" + d.recipients[i].org + "\"");
      }
    }
  }
  return BuildUnsigned(origin, d, shared);
}

}  // namespace

Sealer::Sealer(std::string origin, const crypto::SigningSecretKey& sign_key,
               const crypto::BoxSecretKey& box_key)
    : origin_(std::move(origin)),
      sign_key_(sign_key.Clone()),
      box_key_(box_key.Clone()) {
  // Failure is reported by every crypto call (which aborts, as libsodium
  // would, when there is no randomness); nothing useful to do here.
  crypto::Init().IgnoreError();
}

Status Sealer::SharedKeyFor(const crypto::BoxPublicKey& theirs,
                            const crypto::SharedKey** out) {
  // One X25519 per recipient for the life of the Sealer, then only cheap
  // boxes per record (see common/crypto/wrap.cc).
  auto it = shared_keys_.find(theirs);
  if (it == shared_keys_.end()) {
    crypto::SharedKey shared;
    CERTSHARE_RETURN_IF_ERROR(
        crypto::ComputeSharedKey(box_key_, theirs, &shared));
    it = shared_keys_.emplace(theirs, std::move(shared)).first;
  }
  *out = &it->second;
  return Status::Ok();
}

Result<Sealed> Sealer::Seal(const Draft& draft) {
  auto shared_key_for = [this](const crypto::BoxPublicKey& theirs,
                               const crypto::SharedKey** out) {
    return SharedKeyFor(theirs, out);
  };
  std::vector<Unsigned> records;
  CERTSHARE_ASSIGN_OR_RETURN(Unsigned u,
                             Prepare(origin_, draft, shared_key_for));
  records.push_back(std::move(u));
  return std::move(SignAll(sign_key_, std::move(records)).front());
}

Result<std::vector<Sealed>> Sealer::SealBatch(const std::vector<Draft>& drafts) {
  if (drafts.empty()) return Invalid("empty batch");
  if (drafts.size() > std::numeric_limits<std::uint32_t>::max()) {
    return Invalid("batch larger than leaf_count allows");
  }
  auto shared_key_for = [this](const crypto::BoxPublicKey& theirs,
                               const crypto::SharedKey** out) {
    return SharedKeyFor(theirs, out);
  };
  std::vector<Unsigned> records;
  records.reserve(drafts.size());
  for (std::size_t i = 0; i < drafts.size(); ++i) {
    Result<Unsigned> u = Prepare(origin_, drafts[i], shared_key_for);
    if (!u.ok()) {
      return u.status().WithContext("draft " + std::to_string(i));
    }
    records.push_back(std::move(u).value());
  }
  return SignAll(sign_key_, std::move(records));
}

}  // namespace certshare::envelope
