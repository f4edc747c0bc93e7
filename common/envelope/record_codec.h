// Private to common/envelope: the record's bytes around the header
// (docs/protocol.md, "Record"). Decode itself is public (envelope.h).
#pragma once

#include <string_view>

#include "common/base/bytes.h"
#include "common/envelope/envelope.h"

namespace certshare::envelope::internal {

inline constexpr std::string_view kRecordMagic = "CSR1";
// auth_kind 1: Ed25519 over a BLAKE2b-256 Merkle root. Sent on the wire:
// never renumber.
inline constexpr std::uint8_t kAuthMerkleEd25519 = 1;
inline constexpr std::size_t kTagBytes = 16;  // Poly1305

// REQUIRES: header and payload fit a u32 length, proof fits kMaxProofLength.
Bytes EncodeRecord(ByteView header_bytes, ByteView payload, const Auth& auth);

}  // namespace certshare::envelope::internal
