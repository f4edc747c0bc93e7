// The receiving side: Verify (broker and recipients), Open (recipients).
#include "common/envelope/envelope.h"
#include "common/envelope/merkle.h"

namespace certshare::envelope {

crypto::Hash256 LeafHash(const Record& record) {
  return internal::LeafHash(record.header_bytes, record.payload);
}

std::optional<crypto::Hash256> SignedRoot(const Record& record) {
  return SignedRoot(record, LeafHash(record));
}

std::optional<crypto::Hash256> SignedRoot(const Record& record, const crypto::Hash256& leaf) {
  crypto::Hash256 root;
  if (!internal::RootFromAuditPath(record.auth.leaf_index, record.auth.leaf_count, leaf,
                                   record.auth.proof, &root)) {
    return std::nullopt;
  }
  return root;
}

Status Verify(const Record& record, const crypto::SigningPublicKey& origin_sign_key,
              VerifiedRoots* verified) {
  // The root from this record's own leaf and path, always: what the
  // signature (checked now or before) must cover.
  return Verify(record, SignedRoot(record), origin_sign_key, verified);
}

Status Verify(const Record& record, const std::optional<crypto::Hash256>& root,
              const crypto::SigningPublicKey& origin_sign_key, VerifiedRoots* verified) {
  if (!root) {
    return Status(ErrorCode::kBadSignature,
                  "Merkle proof does not fit leaf_index/leaf_count");
  }
  const crypto::Signature& signature = record.auth.signature;
  if (verified != nullptr && verified->Contains(origin_sign_key, *root, signature)) {
    return Status::Ok();
  }
  if (!crypto::Verify(origin_sign_key, internal::SignedMessage(*root), signature)) {
    return Status(ErrorCode::kBadSignature,
                  "signature does not verify under the origin's key");
  }
  if (verified != nullptr) verified->Remember(origin_sign_key, *root, signature);
  return Status::Ok();
}

Result<std::string> Open(const Record& record, std::string_view my_org,
                         const crypto::BoxSecretKey& my_box_key,
                         const crypto::SigningPublicKey& origin_sign_key,
                         const crypto::BoxPublicKey& origin_box_key,
                         const OpenMemory& memory) {
  CERTSHARE_RETURN_IF_ERROR(Verify(record, origin_sign_key, memory.verified_roots));
  return OpenVerified(record, my_org, my_box_key, origin_box_key, memory.shared_keys);
}

Result<std::string> OpenVerified(const Record& record, std::string_view my_org,
                                 const crypto::BoxSecretKey& my_box_key,
                                 const crypto::BoxPublicKey& origin_box_key,
                                 SharedKeys* shared_keys) {
  const Header& h = record.header;
  if (!h.encrypted) return std::string(AsChars(record.payload));
  const KeySlot* mine = nullptr;
  for (const KeySlot& slot : h.slots) {
    if (slot.org == my_org) {
      mine = &slot;
      break;
    }
  }
  if (mine == nullptr) {
    return Status(ErrorCode::kNotRecipient,
                  "no key slot for \"" + std::string(my_org) + "\"");
  }
  crypto::SharedKey shared;
  CERTSHARE_RETURN_IF_ERROR(
      (shared_keys != nullptr ? shared_keys->Get(my_box_key, origin_box_key, &shared)
                              : crypto::ComputeSharedKey(my_box_key, origin_box_key, &shared))
          .WithContext("origin box key"));
  crypto::ContentKey key;
  CERTSHARE_RETURN_IF_ERROR(crypto::UnwrapKey(shared, mine->wrapped, &key));
  std::string plaintext;
  CERTSHARE_RETURN_IF_ERROR(crypto::AeadOpen(
      key, h.payload_nonce, record.payload, record.header_bytes, &plaintext));
  return plaintext;
}

}  // namespace certshare::envelope
