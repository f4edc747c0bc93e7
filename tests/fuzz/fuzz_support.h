// Shared by the fuzz targets and the corpus generator (tests/fuzz): fixed
// organisations with fixed keys, so that seed records sealed by
// make_corpus verify and open inside the targets, and a helper that signs a
// header and payload as a record of its own.
//
// These keys are public test data. Never use them for anything else.
#pragma once

#include <string_view>

#include "common/base/bytes.h"
#include "common/crypto/keys.h"

namespace certshare::fuzz {

// The origin of every seed record, the two recipients it addresses and an
// organisation that is never addressed.
inline constexpr std::string_view kOrigin = "CERT-EE";
inline constexpr std::string_view kRecipient = "CERT-UA";
inline constexpr std::string_view kSecondRecipient = "CERT-EU";
inline constexpr std::string_view kOutsider = "CERT-XX";

const crypto::SigningSecretKey& OriginSignSecret();
const crypto::SigningPublicKey& OriginSignPublic();
// X25519 key pairs of the organisations above (kOrigin, kRecipient,
// kSecondRecipient, kOutsider); aborts for any other name.
const crypto::BoxSecretKey& BoxSecret(std::string_view org);
const crypto::BoxPublicKey& BoxPublic(std::string_view org);
// A transport key per organisation (cards and registries need one).
const crypto::BoxPublicKey& TransportPublic(std::string_view org);

// A record (docs/protocol.md, "Record") of `header_bytes` and `payload`
// exactly as given, signed alone (leaf 0 of 1) with OriginSignSecret().
// Nothing is checked: the header may be anything.
Bytes SignAlone(ByteView header_bytes, ByteView payload);

[[noreturn]] void ContractBroken(const char* condition, const char* file, int line);

}  // namespace certshare::fuzz

// Aborts unless `condition` holds: a broken contract is a finding like a
// crash, and libFuzzer keeps the input that caused it.
#define FUZZ_REQUIRE(condition)                                              \
  do {                                                                       \
    if (!(condition)) {                                                      \
      ::certshare::fuzz::ContractBroken(#condition, __FILE__, __LINE__);     \
    }                                                                        \
  } while (0)
