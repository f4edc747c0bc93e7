// Fuzz target: records (common/envelope/envelope.h) as the broker and a
// recipient receive them: envelope::Decode, then Verify and Open with the
// fixed keys of tests/fuzz/fuzz_support.h (the seed records in
// corpus/envelope/ are sealed with them, so the fuzzer starts from records
// that verify and open).
//
// Signatures stop almost every mutated record at Verify. So that Open's
// slot lookup, key unwrapping and AEAD also meet hostile headers and
// payloads, every decoded record is also re-signed alone with the origin's
// fixed key (what a malicious but registered origin can send) and opened.
//
// Contract checked beyond "no crash, no sanitizer report":
//   * Decode refuses with one of its documented codes and a message;
//   * a decoded record re-signed alone decodes again to the same header
//     bytes and payload and verifies; a record of one that verified as
//     received re-signs to exactly the bytes received (Ed25519 is
//     deterministic and the format canonical);
//   * Open never succeeds where Verify fails; a plaintext record opens to
//     its payload; an encrypted one opens only for a slot holder, and
//     never for an organisation without a slot.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/envelope/envelope.h"
#include "common/envelope/record_key.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using certshare::Bytes;
using certshare::ByteView;
using certshare::ErrorCode;
using certshare::Result;
using certshare::Status;
using namespace certshare::envelope;
namespace fuzz = certshare::fuzz;

bool HasSlot(const Header& header, std::string_view org) {
  for (const KeySlot& slot : header.slots) {
    if (slot.org == org) return true;
  }
  return false;
}

void CheckDecodeError(const Status& status) {
  const ErrorCode code = status.code();
  FUZZ_REQUIRE(code == ErrorCode::kRecordTooLarge || code == ErrorCode::kMalformedRecord ||
               code == ErrorCode::kMalformedHeader ||
               code == ErrorCode::kUnsupportedVersion || code == ErrorCode::kBadKeySlots);
  FUZZ_REQUIRE(!status.message().empty());
}

// Verify and Open as each fixed organisation; returns whether it verified.
bool VerifyAndOpen(const Record& record) {
  const bool verified = Verify(record, fuzz::OriginSignPublic()).ok();
  for (std::string_view me : {fuzz::kRecipient, fuzz::kSecondRecipient, fuzz::kOutsider}) {
    Result<std::string> opened = Open(record, me, fuzz::BoxSecret(me), fuzz::OriginSignPublic(),
                                      fuzz::BoxPublic(fuzz::kOrigin));
    if (!verified) {
      FUZZ_REQUIRE(!opened.ok() && opened.status().code() == ErrorCode::kBadSignature);
      continue;
    }
    if (!record.header.encrypted) {
      FUZZ_REQUIRE(opened.ok());
      FUZZ_REQUIRE(*opened == std::string(certshare::AsChars(record.payload)));
    } else if (!HasSlot(record.header, me)) {
      FUZZ_REQUIRE(!opened.ok() && opened.status().code() == ErrorCode::kNotRecipient);
    } else if (!opened.ok()) {
      FUZZ_REQUIRE(opened.status().code() == ErrorCode::kDecryptFailed);
    }
  }
  (void)EncodeRecordKey(RecordKeyOf(record.header));
  return verified;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView bytes(data, size);
  Result<Record> record = Decode(bytes);
  if (!record.ok()) {
    CheckDecodeError(record.status());
    return 0;
  }
  const bool verified = VerifyAndOpen(*record);

  const Bytes resigned = fuzz::SignAlone(record->header_bytes, record->payload);
  if (verified && record->auth.leaf_count == 1) {
    FUZZ_REQUIRE(resigned == Bytes(bytes.begin(), bytes.end()));
  }
  Result<Record> again = Decode(resigned);
  FUZZ_REQUIRE(again.ok());
  FUZZ_REQUIRE(again->header_bytes == record->header_bytes);
  FUZZ_REQUIRE(again->payload == record->payload);
  FUZZ_REQUIRE(VerifyAndOpen(*again));

  // A receiver with a smaller limit refuses the record by size alone.
  if (size > 0) {
    Result<Record> small = Decode(bytes, size - 1);
    FUZZ_REQUIRE(!small.ok() && small.status().code() == ErrorCode::kRecordTooLarge);
  }
  return 0;
}
