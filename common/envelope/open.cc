// The receiving side: Verify (broker and recipients), Open (recipients).
#include "common/envelope/envelope.h"
#include "common/envelope/merkle.h"

namespace certshare::envelope {

std::optional<crypto::Hash256> SignedRoot(const Record& record) {
  const crypto::Hash256 leaf = internal::LeafHash(record.header_bytes, record.payload);
  crypto::Hash256 root;
  if (!internal::RootFromAuditPath(record.auth.leaf_index, record.auth.leaf_count, leaf,
                                   record.auth.proof, &root)) {
    return std::nullopt;
  }
  return root;
}

Status Verify(const Record& record,
              const crypto::SigningPublicKey& origin_sign_key) {
  const std::optional<crypto::Hash256> root = SignedRoot(record);
  if (!root) {
    return Status(ErrorCode::kBadSignature,
                  "Merkle proof does not fit leaf_index/leaf_count");
  }
  if (!crypto::Verify(origin_sign_key, internal::SignedMessage(*root),
                      record.auth.signature)) {
    return Status(ErrorCode::kBadSignature,
                  "signature does not verify under the origin's key");
  }
  return Status::Ok();
}

Result<std::string> Open(const Record& record, std::string_view my_org,
                         const crypto::BoxSecretKey& my_box_key,
                         const crypto::SigningPublicKey& origin_sign_key,
                         const crypto::BoxPublicKey& origin_box_key) {
  CERTSHARE_RETURN_IF_ERROR(Verify(record, origin_sign_key));
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
      crypto::ComputeSharedKey(my_box_key, origin_box_key, &shared)
          .WithContext("origin box key"));
  crypto::ContentKey key;
  CERTSHARE_RETURN_IF_ERROR(crypto::UnwrapKey(shared, mine->wrapped, &key));
  std::string plaintext;
  CERTSHARE_RETURN_IF_ERROR(crypto::AeadOpen(
      key, h.payload_nonce, record.payload, record.header_bytes, &plaintext));
  return plaintext;
}

}  // namespace certshare::envelope
