// Fuzz target: the routing header (docs/protocol.md, "Routing header"),
// the part of a record the broker routes by. The input is the header's
// bytes alone; the target frames them as a record with a small payload and
// a signature by the fixed origin (tests/fuzz/fuzz_support.h) and runs
// envelope::Decode, Verify and Open on it, so every mutation lands in the
// header instead of in the record framing.
//
// Contract checked beyond "no crash, no sanitizer report":
//   * a refused header carries kMalformedHeader, kUnsupportedVersion,
//     kBadKeySlots or kMalformedRecord (payload too short for the tag);
//   * an accepted header is kept byte for byte (what the signature and the
//     AEAD bind), its fields obey the format's rules: TLP 0-4, one key slot
//     per recipient in order when encrypted and none otherwise, valid
//     organisation ids, limits on recipients and topics, a stix_id of at
//     most kMaxStixIdLength bytes, a `modified` that is a STIX timestamp;
//   * its dedupe key (RecordKeyOf, EncodeRecordKey) fits
//     kMaxDedupeKeyLength (what the broker's storage keys rely on), names
//     the same instant in its canonical spelling, and ParseRecordKey reads
//     it back as the same key;
//   * the record verifies, and Open fails for non-recipients;
//   * MayReceive (routing.h) follows TLP, encryption, named recipients
//     and the GREEN community.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "common/base/timestamp.h"
#include "common/envelope/envelope.h"
#include "common/envelope/record_key.h"
#include "common/envelope/routing.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using certshare::Bytes;
using certshare::ByteView;
using certshare::ErrorCode;
using certshare::Result;
using namespace certshare::envelope;
namespace fuzz = certshare::fuzz;

bool IsOrgId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void CheckHeader(const Header& h) {
  FUZZ_REQUIRE(h.version == kVersion);
  FUZZ_REQUIRE(static_cast<int>(h.tlp) <= 4);
  FUZZ_REQUIRE(IsOrgId(h.origin));
  FUZZ_REQUIRE(h.recipients.size() <= kMaxRecipients);
  FUZZ_REQUIRE(h.topics.size() <= kMaxTopics);
  FUZZ_REQUIRE(!h.stix_id.empty() && h.stix_id.size() <= kMaxStixIdLength);
  FUZZ_REQUIRE(certshare::IsStixTimestamp(h.modified));
  const RecordKey key = RecordKeyOf(h);
  const std::string encoded = EncodeRecordKey(key);
  FUZZ_REQUIRE(encoded.size() <= kMaxDedupeKeyLength);
  FUZZ_REQUIRE(key.origin == h.origin && key.stix_id == h.stix_id);
  FUZZ_REQUIRE(certshare::IsStixTimestamp(key.modified));
  FUZZ_REQUIRE(certshare::CompareStixTimestamps(key.modified, h.modified) == 0);
  FUZZ_REQUIRE(certshare::CanonicalStixTimestamp(key.modified) == key.modified);
  // The key read back from a store is the key (record_key.h).
  Result<RecordKey> parsed = ParseRecordKey(encoded);
  FUZZ_REQUIRE(parsed.ok() && *parsed == key);
  std::set<std::string> seen;
  for (const std::string& r : h.recipients) {
    FUZZ_REQUIRE(IsOrgId(r));
    FUZZ_REQUIRE(seen.insert(r).second);
  }
  if (h.encrypted) {
    FUZZ_REQUIRE(h.slots.size() == h.recipients.size());
    for (std::size_t i = 0; i < h.slots.size(); ++i) {
      FUZZ_REQUIRE(h.slots[i].org == h.recipients[i]);
    }
  } else {
    FUZZ_REQUIRE(h.slots.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView header(data, size);
  // 32 bytes: long enough for an encrypted payload's 16-byte tag.
  static const Bytes kPayload(32, 0x5a);
  const Bytes bytes = fuzz::SignAlone(header, kPayload);
  Result<Record> record = Decode(bytes);
  if (!record.ok()) {
    const ErrorCode code = record.status().code();
    FUZZ_REQUIRE(code == ErrorCode::kMalformedHeader || code == ErrorCode::kUnsupportedVersion ||
                 code == ErrorCode::kBadKeySlots || code == ErrorCode::kMalformedRecord ||
                 code == ErrorCode::kRecordTooLarge);
    FUZZ_REQUIRE(!record.status().message().empty());
    return 0;
  }
  FUZZ_REQUIRE(record->header_bytes == Bytes(header.begin(), header.end()));
  FUZZ_REQUIRE(record->payload == kPayload);
  CheckHeader(record->header);
  FUZZ_REQUIRE(Verify(*record, fuzz::OriginSignPublic()).ok());
  const Result<std::string> opened =
      Open(*record, fuzz::kOutsider, fuzz::BoxSecret(fuzz::kOutsider), fuzz::OriginSignPublic(),
           fuzz::BoxPublic(fuzz::kOrigin));
  if (record->header.encrypted) {
    bool outsider_has_slot = false;
    for (const KeySlot& slot : record->header.slots) outsider_has_slot |= slot.org == fuzz::kOutsider;
    // The payload is not a real ciphertext: even a slot holder fails.
    FUZZ_REQUIRE(!opened.ok());
    FUZZ_REQUIRE(opened.status().code() ==
                 (outsider_has_slot ? ErrorCode::kDecryptFailed : ErrorCode::kNotRecipient));
  } else {
    FUZZ_REQUIRE(opened.ok());
  }
  // The routing rule (routing.h), with every organisation as the GREEN
  // community and with one that leaves the outsider out.
  const RoutingPolicy everyone;
  const RoutingPolicy community{{std::string(fuzz::kRecipient)}};
  for (std::string_view org : {fuzz::kRecipient, fuzz::kOutsider}) {
    bool named = false;
    for (const std::string& r : record->header.recipients) named |= r == org;
    const bool clear = !record->header.encrypted && record->header.tlp == certshare::Tlp::kClear;
    const bool green = !record->header.encrypted && record->header.tlp == certshare::Tlp::kGreen;
    FUZZ_REQUIRE(MayReceive(everyone, record->header, org) == (named || clear || green));
    FUZZ_REQUIRE(MayReceive(community, record->header, org) ==
                 (named || clear || (green && org == fuzz::kRecipient)));
  }
  return 0;
}
