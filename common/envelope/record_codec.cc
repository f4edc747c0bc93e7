// EncodeRecord and Decode: the record framing, then the header.
#include "common/envelope/record_codec.h"

#include <algorithm>
#include <string>

#include "common/envelope/header_codec.h"
#include "common/envelope/merkle.h"

namespace certshare::envelope {

namespace {

Status Malformed(std::string_view message) {
  return Status(ErrorCode::kMalformedRecord, message);
}
Status Truncated(std::string_view field) {
  return Malformed("record truncated in " + std::string(field));
}

Status ReadAuth(ByteReader* r, Auth* auth) {
  std::uint8_t kind;
  if (!r->U8(&kind)) return Truncated("auth_kind");
  if (kind != internal::kAuthMerkleEd25519) {
    return Malformed("unknown auth_kind " + std::to_string(kind));
  }
  if (!r->U32(&auth->leaf_index)) return Truncated("leaf_index");
  if (!r->U32(&auth->leaf_count)) return Truncated("leaf_count");
  if (auth->leaf_count == 0) return Malformed("leaf_count is zero");
  if (auth->leaf_index >= auth->leaf_count) {
    return Malformed("leaf_index " + std::to_string(auth->leaf_index) +
                     " >= leaf_count " + std::to_string(auth->leaf_count));
  }
  std::uint8_t proof_length;
  if (!r->U8(&proof_length)) return Truncated("proof length");
  if (proof_length > kMaxProofLength) {
    return Malformed("proof of " + std::to_string(proof_length) +
                     " hashes exceeds " + std::to_string(kMaxProofLength));
  }
  const std::size_t expected =
      internal::AuditPathLength(auth->leaf_index, auth->leaf_count);
  if (proof_length != expected) {
    return Malformed("proof of " + std::to_string(proof_length) +
                     " hashes where leaf " + std::to_string(auth->leaf_index) +
                     " of " + std::to_string(auth->leaf_count) + " needs " +
                     std::to_string(expected));
  }
  auth->proof.resize(proof_length);
  for (crypto::Hash256& hash : auth->proof) {
    ByteView b;
    if (!r->Raw(hash.size(), &b)) return Truncated("proof");
    std::copy(b.begin(), b.end(), hash.begin());
  }
  ByteView sig;
  if (!r->Raw(auth->signature.size(), &sig)) return Truncated("signature");
  std::copy(sig.begin(), sig.end(), auth->signature.begin());
  return Status::Ok();
}

}  // namespace

namespace internal {

Bytes EncodeRecord(ByteView header_bytes, ByteView payload, const Auth& auth) {
  ByteWriter w;
  // The exact size (docs/protocol.md): without it the vector reallocated
  // and copied the payload once more for the auth bytes after it, ~6% of
  // sealing a sensor's 3 KB records (agent/sensor/sensor_bench).
  w.Reserve(kRecordMagic.size() + 4 + header_bytes.size() + 4 + payload.size() + 1 + 4 + 4 +
            1 + auth.proof.size() * sizeof(crypto::Hash256) + auth.signature.size());
  w.Raw(AsBytes(kRecordMagic));
  w.Blob32(header_bytes);
  w.Blob32(payload);
  w.U8(kAuthMerkleEd25519);
  w.U32(auth.leaf_index);
  w.U32(auth.leaf_count);
  w.U8(static_cast<std::uint8_t>(auth.proof.size()));
  for (const crypto::Hash256& hash : auth.proof) w.Raw(hash);
  w.Raw(auth.signature);
  return w.Take();
}

}  // namespace internal

Result<Record> Decode(ByteView bytes, std::size_t max_bytes) {
  if (bytes.size() > max_bytes) {
    return Status(ErrorCode::kRecordTooLarge,
                  "record of " + std::to_string(bytes.size()) +
                      " bytes exceeds the limit of " +
                      std::to_string(max_bytes));
  }
  ByteReader r(bytes);
  ByteView magic, header, payload;
  if (!r.Raw(internal::kRecordMagic.size(), &magic)) return Truncated("magic");
  if (AsChars(magic) != internal::kRecordMagic) {
    return Malformed("bad record magic");
  }
  if (!r.Blob32(&header)) return Truncated("header");
  if (!r.Blob32(&payload)) return Truncated("payload");
  Record record;
  CERTSHARE_RETURN_IF_ERROR(ReadAuth(&r, &record.auth));
  if (!r.Done()) return Malformed("trailing bytes after signature");

  CERTSHARE_RETURN_IF_ERROR(internal::DecodeHeader(header, &record.header));
  if (record.header.encrypted && payload.size() < internal::kTagBytes) {
    return Malformed("encrypted payload shorter than its tag");
  }
  record.header_bytes.assign(header.begin(), header.end());
  record.payload.assign(payload.begin(), payload.end());
  return record;
}

}  // namespace certshare::envelope
