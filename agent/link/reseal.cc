#include "agent/link/reseal.h"

#include <algorithm>

#include "agent/link/published.h"

namespace certshare::agent {

namespace {

// The STIX payload of `me`'s own record. An encrypted one is opened through
// any of its key slots: the origin shares each slot's wrapping key with
// that recipient (its box secret and the recipient's box key, current or
// previous), and Open checks the signature with `me`'s signing key first.
Result<std::string> OpenOwn(const envelope::Record& record, const identity::Identity& me,
                            const identity::Registry& registry) {
  if (!record.header.encrypted) {
    CERTSHARE_RETURN_IF_ERROR(envelope::Verify(record, me.card.sign_key));
    return std::string(AsChars(record.payload));
  }
  Status last(ErrorCode::kDecryptFailed,
              "none of its recipients' box keys in this agent's registry opens it");
  for (const std::string& org : record.header.recipients) {
    const identity::Card* card = registry.Find(org);
    if (card == nullptr) continue;
    std::vector<crypto::BoxPublicKey> keys = {card->box_key};
    keys.insert(keys.end(), card->previous_box_keys.begin(), card->previous_box_keys.end());
    for (const crypto::BoxPublicKey& key : keys) {
      Result<std::string> opened =
          envelope::Open(record, org, me.box_secret, me.card.sign_key, key);
      if (opened.ok()) return opened;
      last = opened.status();
      if (last.code() == ErrorCode::kBadSignature) return last;  // no key will help
    }
  }
  return last;
}

}  // namespace

Result<std::optional<Resealed>> ResealWithoutRevoked(ByteView bytes,
                                                     const identity::Identity& me,
                                                     const identity::Registry& registry,
                                                     envelope::Sealer& sealer) {
  CERTSHARE_ASSIGN_OR_RETURN(envelope::Record record, envelope::Decode(bytes));
  const envelope::Header& h = record.header;
  if (h.origin != me.card.org) {
    return Status(ErrorCode::kOriginMismatch,
                  "the record is " + h.origin + "'s, not " + me.card.org + "'s");
  }
  Resealed out;
  envelope::Draft draft;
  for (const std::string& org : h.recipients) {
    const identity::Card* card = registry.Find(org);
    if (card != nullptr && card->revoked) {
      out.dropped.push_back(org);
    } else if (card == nullptr) {
      return Status(ErrorCode::kUnknownOrganisation,
                    "recipient " + org + " is not in this agent's registry");
    } else {
      draft.recipients.push_back({org, card->box_key});
    }
  }
  if (out.dropped.empty()) return std::optional<Resealed>();
  if (draft.recipients.empty()) {
    return Status(ErrorCode::kRevoked, "every recipient of the record was revoked; nobody is "
                                       "left to send it to (drop it: certshare flush "
                                       "--drop-refused)");
  }
  CERTSHARE_ASSIGN_OR_RETURN(draft.payload, OpenOwn(record, me, registry));
  draft.stix_type = h.stix_type;
  draft.stix_id = h.stix_id;
  draft.modified = h.modified;
  draft.tlp = h.tlp;
  draft.encrypt = h.encrypted;
  draft.topics = h.topics;
  out.content = ContentDigest(draft.payload);
  CERTSHARE_ASSIGN_OR_RETURN(envelope::Sealed sealed, sealer.Seal(draft));
  out.record = std::move(sealed.record);
  out.header = std::move(sealed.header);
  return std::optional<Resealed>(std::move(out));
}

}  // namespace certshare::agent
