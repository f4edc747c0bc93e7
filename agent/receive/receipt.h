// certshare::agent::Receipt — a recipient's signed statement to a record's
// origin that it processed the record (its output is committed) or
// rejected it (quarantined after it verified as the origin's), with the
// error code, at a time (docs/receipts.md specifies every byte).
//
// The signature (the recipient's Ed25519 signing key) covers
//
//   "certshare/receipt/v1" 0x00 || Blob32(origin) || Blob32(recipient) ||
//   leaf(32) || state:u8 || code:u16 || time_ms:u64          (big-endian)
//
// where `leaf` is the record's Merkle leaf hash (envelope::LeafHash), which
// the origin's own signature covers, so a receipt names exactly one record.
// A receipt travels as a STIX 2.1 object of the type kReceiptType, defined
// by the extension definition kReceiptExtensionId (`new-sdo`): ToStix and
// ParseReceipt write and read it. `record_id` and `record_modified` are
// hints (not signed) that let the origin find its note of the record; the
// origin checks the note's leaf against the signed one.
//
// Thread-safe: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "common/base/bytes.h"
#include "common/base/error_code.h"
#include "common/base/status.h"
#include "common/base/timestamp.h"
#include "common/crypto/keys.h"
#include "common/envelope/envelope.h"

namespace certshare::agent {

// The STIX type of a receipt, and the extension definition that defines it.
inline constexpr std::string_view kReceiptType = envelope::kReceiptStixType;
inline constexpr std::string_view kReceiptExtensionId =
    "extension-definition--3c2a4d8e-6b1f-4f0a-9e57-1d2c3b4a5f60";
// The domain string of the signed bytes.
inline constexpr std::string_view kReceiptDomain = "certshare/receipt/v1";

// Signed and stored: never renumber.
enum class ReceiptState : std::uint8_t {
  kProcessed = 1,  // the record's output is committed
  kRejected = 2,   // quarantined after it verified as the origin's (with `code`)
};
// "processed", "rejected".
std::string_view ReceiptStateName(ReceiptState state);

struct Receipt {
  std::string origin;     // the record's origin (who the receipt is for)
  std::string recipient;  // who signs the receipt
  crypto::Hash256 leaf{};  // the record's Merkle leaf hash
  ReceiptState state = ReceiptState::kProcessed;
  ErrorCode code = ErrorCode::kOk;  // kOk when processed; why, when rejected
  StixMillis time_ms = 0;           // when, milliseconds since the epoch (UTC)
  crypto::Signature signature{};
  // Hints, not signed: the record's STIX id and `modified` as in its header.
  std::string record_id;
  std::string record_modified;
};

// The exact bytes signed (above).
Bytes ReceiptMessage(const Receipt& receipt);
// Fills receipt->signature with `key`'s signature over ReceiptMessage.
void SignReceipt(Receipt* receipt, const crypto::SigningSecretKey& key);
// Whether receipt.signature is `key`'s over ReceiptMessage(receipt).
[[nodiscard]] bool ReceiptSignedBy(const Receipt& receipt, const crypto::SigningPublicKey& key);

// The receipt as a STIX 2.1 object (compact JSON) with this id
// ("certshare-receipt--<uuid>"), marked TLP:AMBER+STRICT; `created` and
// `modified` are its time.
std::string ToStix(const Receipt& receipt, std::string_view id);

// Reads a receipt object (ToStix's form). kBadReceipt, naming the member,
// for anything else: another type, a missing or malformed member, an
// unknown state, a processed receipt with a code or a rejected one without,
// a time that is not a STIX timestamp with milliseconds. The signature is
// not checked (ReceiptSignedBy).
Result<Receipt> ParseReceipt(const rapidjson::Value& object);

}  // namespace certshare::agent
