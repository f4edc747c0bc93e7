// Decode against hand-made hostile records: every rule and its error code.
#include <string>

#include "common/envelope/envelope_test_util.h"
#include "common/envelope/header_codec.h"

namespace certshare::envelope::testing {
namespace {

// Header byte offsets (docs/protocol.md): magic 0-3, version 4, tlp 5,
// flags 6. The record puts the header at offset 8 (magic + u32 length).
constexpr std::size_t kVersionAt = 4;
constexpr std::size_t kTlpAt = 5;
constexpr std::size_t kFlagsAt = 6;
constexpr std::size_t kHeaderInRecord = 8;

class DecodeTest : public EnvelopeTest {
 protected:
  DecodeTest() : good_(SealAndDecode(MakeDraft(Tlp::kAmber, true))) {}

  // Decodes `h` re-encoded with good_'s payload and auth.
  Status DecodeHeader(const Header& h) {
    return Decode(Assemble(h, good_.payload, good_.auth)).status();
  }
  Status DecodeRawHeader(ByteView header_bytes) {
    return Decode(AssembleRaw(header_bytes, good_.payload, good_.auth))
        .status();
  }
  Header Plain(Tlp tlp) {
    Header h = good_.header;
    h.tlp = tlp;
    h.encrypted = false;
    h.slots.clear();
    h.payload_nonce = {};
    return h;
  }
  Bytes GoodBytes() {
    return Assemble(good_.header, good_.payload, good_.auth);
  }

  void ExpectCode(const Status& s, ErrorCode code, std::string_view part) {
    EXPECT_EQ(s.code(), code) << s.ToString();
    EXPECT_NE(s.message().find(part), std::string::npos) << s.ToString();
  }

  Record good_;
};

TEST_F(DecodeTest, ReassembledGoodRecordDecodesAndVerifies) {
  Result<Record> r = Decode(GoodBytes());
  ASSERT_OK(r.status());
  ASSERT_OK(Verify(*r, origin_.sign.public_key));
}

TEST_F(DecodeTest, TooLarge) {
  Bytes bytes = GoodBytes();
  ExpectCode(Decode(bytes, bytes.size() - 1).status(),
             ErrorCode::kRecordTooLarge, "exceeds the limit");
  ASSERT_OK(StatusOf(Decode(bytes, bytes.size())));
  ExpectCode(Decode(bytes, 0).status(), ErrorCode::kRecordTooLarge, "limit");
}

TEST_F(DecodeTest, RecordFraming) {
  Bytes bytes = GoodBytes();
  Bytes bad = bytes;
  bad[0] = 'X';
  ExpectCode(Decode(bad).status(), ErrorCode::kMalformedRecord, "magic");
  bad = bytes;
  bad.push_back(0);
  ExpectCode(Decode(bad).status(), ErrorCode::kMalformedRecord, "trailing");
  ExpectCode(Decode({}).status(), ErrorCode::kMalformedRecord, "truncated");
  // A header length that runs past the end.
  bad = bytes;
  bad[4] = 0x7f;
  ExpectCode(Decode(bad).status(), ErrorCode::kMalformedRecord,
             "truncated in header");
}

// Offsets into the auth part, counted from the end of a single record:
// auth_kind, leaf_index(4), leaf_count(4), proof count(1), signature(64).
TEST_F(DecodeTest, AuthFields) {
  const Bytes bytes = GoodBytes();
  const std::size_t auth_at = bytes.size() - (1 + 4 + 4 + 1 + 64);
  Bytes bad = bytes;
  bad[auth_at] = 2;
  ExpectCode(Decode(bad).status(), ErrorCode::kMalformedRecord,
             "unknown auth_kind 2");
  bad = bytes;
  bad[auth_at + 4] = 1;  // leaf_index = 1 of 1
  ExpectCode(Decode(bad).status(), ErrorCode::kMalformedRecord,
             "leaf_index 1 >= leaf_count 1");
  bad = bytes;
  bad[auth_at + 8] = 0;  // leaf_count = 0
  ExpectCode(Decode(bad).status(), ErrorCode::kMalformedRecord,
             "leaf_count is zero");
  bad = bytes;
  bad[auth_at + 8] = 2;  // leaf_count = 2 needs a proof of one hash
  ExpectCode(Decode(bad).status(), ErrorCode::kMalformedRecord, "needs 1");

  // A proof of 33 hashes is refused before it is read.
  Auth auth = good_.auth;
  auth.leaf_count = 0xffffffff;
  auth.proof.assign(33, crypto::Hash256{});
  ExpectCode(
      Decode(AssembleRaw(good_.header_bytes, good_.payload, auth)).status(),
      ErrorCode::kMalformedRecord, "exceeds 32");
  // 32 hashes is the most: the right length for leaf 0 of 2^32 - 1 leaves.
  auth.proof.assign(32, crypto::Hash256{});
  Result<Record> r =
      Decode(AssembleRaw(good_.header_bytes, good_.payload, auth));
  ASSERT_OK(r.status());
  EXPECT_CODE(Verify(*r, origin_.sign.public_key), ErrorCode::kBadSignature);
}

TEST_F(DecodeTest, UnsupportedVersion) {
  Bytes bytes = GoodBytes();
  bytes[kHeaderInRecord + kVersionAt] = 2;
  ExpectCode(Decode(bytes).status(), ErrorCode::kUnsupportedVersion,
             "version 2");
  bytes[kHeaderInRecord + kVersionAt] = 0;
  EXPECT_CODE(StatusOf(Decode(bytes)), ErrorCode::kUnsupportedVersion);
}

TEST_F(DecodeTest, HeaderBytes) {
  const Bytes& h = good_.header_bytes;
  Bytes bad = h;
  bad[1] = 'x';
  ExpectCode(DecodeRawHeader(bad), ErrorCode::kMalformedHeader, "magic");
  bad = h;
  bad[kTlpAt] = 5;
  ExpectCode(DecodeRawHeader(bad), ErrorCode::kMalformedHeader, "tlp 5");
  for (int bit = 1; bit < 8; ++bit) {
    bad = h;
    bad[kFlagsAt] |= static_cast<std::uint8_t>(1 << bit);
    ExpectCode(DecodeRawHeader(bad), ErrorCode::kMalformedHeader,
               "unknown flag bits");
  }
  bad = h;
  bad.push_back(0);
  ExpectCode(DecodeRawHeader(bad), ErrorCode::kMalformedHeader, "trailing");
  for (std::size_t len = 0; len < h.size(); ++len) {
    Status s = DecodeRawHeader(ByteView(h.data(), len));
    EXPECT_EQ(s.code(), ErrorCode::kMalformedHeader) << len << s.ToString();
    EXPECT_NE(s.message().find("truncated"), std::string::npos) << s.ToString();
  }
}

TEST_F(DecodeTest, EmptyRequiredFields) {
  Header h = good_.header;
  h.stix_type.clear();
  ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader, "empty stix_type");
  h = good_.header;
  h.stix_id.clear();
  ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader, "empty stix_id");
  h = good_.header;
  h.modified.clear();
  ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader, "empty modified");
  h = good_.header;
  h.origin.clear();
  ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader, "origin");
}

TEST_F(DecodeTest, StixIdLimit) {
  Header h = good_.header;
  h.stix_id = "indicator--" + std::string(kMaxStixIdLength - 11, 'a');
  ASSERT_OK(DecodeHeader(h));  // exactly the limit
  h.stix_id += 'a';
  ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader,
             "stix_id of 1025 bytes, longer than the limit of 1024");
  // What the str16 prefix allows, far beyond the limit.
  h.stix_id = std::string(65535, 'i');
  ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader, "stix_id of 65535 bytes");
}

// `modified` is a STIX timestamp: UTC with Z, a date and a time that exist.
TEST_F(DecodeTest, ModifiedMustBeAStixTimestamp) {
  struct Case {
    std::string modified;
    const char* message;
  };
  for (const Case& c : {
           Case{"garbage", "modified \"garbage\" is not of the form"},
           Case{"2026-13-45T99:99:99Z",
                "modified \"2026-13-45T99:99:99Z\" names a date that does not exist"},
           Case{"2026-01-01T24:00:00Z", "names a time that does not exist"},
           Case{"2026-01-01T10:00:00+01:00", "must end in Z (UTC)"},
           Case{"2026-01-01T10:00:00", "must end in Z (UTC)"},
           Case{"2026-01-01T10:00:00.Z", "is not of the form"},
           Case{"2026-01-01T10:00:00Z ", "is not of the form"},
           // Control bytes never reach a message (or a log line).
           Case{std::string("2026\n01"), "modified (7 bytes, not printable text)"},
       }) {
    Header h = good_.header;
    h.modified = c.modified;
    ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader, c.message);
  }
  for (const char* ok : {"2026-01-01T10:00:00Z", "2026-01-01T10:00:00.5Z",
                         "2016-12-31T23:59:60.000Z", "2024-02-29T00:00:00.123456789Z"}) {
    SCOPED_TRACE(ok);
    Header h = good_.header;
    h.modified = ok;
    EXPECT_OK(DecodeHeader(h));
  }
}

TEST_F(DecodeTest, OrganisationIds) {
  Header h = good_.header;
  h.origin = "cert a";
  ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader, "origin");
  h = good_.header;
  h.origin = std::string(65, 'a');
  ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader, "origin");
  h = good_.header;
  h.recipients[0] = "";
  h.slots[0].org = "";
  ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader,
             "not a valid organisation id");
  h = good_.header;
  h.recipients[1] = "x/y";
  h.slots[1].org = "x/y";
  ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader,
             "not a valid organisation id");
}

TEST_F(DecodeTest, DuplicateRecipients) {
  Header h = good_.header;
  h.recipients[1] = h.recipients[0];
  h.slots[1].org = h.slots[0].org;
  ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader,
             "duplicate recipient");
}

TEST_F(DecodeTest, CountLimits) {
  Header h = Plain(Tlp::kGreen);
  h.recipients.clear();
  for (std::size_t i = 0; i <= kMaxRecipients; ++i) {
    h.recipients.push_back("o" + std::to_string(i));
  }
  ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader,
             "recipient count 1025");
  h.recipients.pop_back();
  ASSERT_OK(DecodeHeader(h));  // exactly the limit

  h = Plain(Tlp::kGreen);
  h.topics.assign(kMaxTopics + 1, "t");
  ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader, "topic count 65");
  h.topics.pop_back();
  ASSERT_OK(DecodeHeader(h));
}

TEST_F(DecodeTest, TlpAndEncryptionRules) {
  Header h = Plain(Tlp::kGreen);
  h.payload_nonce[7] = 1;
  ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader, "payload_nonce");

  for (Tlp tlp : {Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed}) {
    ExpectCode(DecodeHeader(Plain(tlp)), ErrorCode::kMalformedHeader,
               "unencrypted record at TLP");
    h = good_.header;
    h.tlp = tlp;
    h.recipients.clear();
    h.slots.clear();
    ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader,
               "without recipients");
  }
  h = good_.header;
  h.tlp = Tlp::kGreen;
  h.recipients.clear();
  h.slots.clear();
  ExpectCode(DecodeHeader(h), ErrorCode::kMalformedHeader,
             "encrypted record without recipients");

  // A plaintext GREEN record may name recipients (it still routes by TLP).
  ASSERT_OK(DecodeHeader(Plain(Tlp::kGreen)));
  Header clear = Plain(Tlp::kClear);
  clear.recipients.clear();
  ASSERT_OK(DecodeHeader(clear));
}

TEST_F(DecodeTest, EncryptedPayloadShorterThanTag) {
  Bytes short_payload(15, 0);
  ExpectCode(Decode(AssembleRaw(good_.header_bytes, short_payload, good_.auth))
                 .status(),
             ErrorCode::kMalformedRecord, "shorter than its tag");
  Bytes tag_only(16, 0);
  Result<Record> r =
      Decode(AssembleRaw(good_.header_bytes, tag_only, good_.auth));
  ASSERT_OK(r.status());
  EXPECT_CODE(StatusOf(OpenAs(*r, b_)), ErrorCode::kBadSignature);
  // An empty plaintext payload decodes (Seal refuses to make one).
  Header plain = Plain(Tlp::kGreen);
  ASSERT_OK(StatusOf(Decode(Assemble(plain, {}, good_.auth))));
}

TEST_F(DecodeTest, KeySlots) {
  const std::string b = good_.header.recipients[0];
  const std::string c = good_.header.recipients[1];
  const KeySlot slot_b = good_.header.slots[0];
  const KeySlot slot_c = good_.header.slots[1];
  KeySlot slot_x = slot_c;
  slot_x.org = "cert-x";

  Header h = good_.header;
  h.slots = {slot_b};
  ExpectCode(DecodeHeader(h), ErrorCode::kBadKeySlots,
             "no key slot for recipient \"" + c + "\"");
  h.slots = {};
  ExpectCode(DecodeHeader(h), ErrorCode::kBadKeySlots, "no key slot");
  h.slots = {slot_b, slot_c, slot_b};
  ExpectCode(DecodeHeader(h), ErrorCode::kBadKeySlots, "duplicate key slot");
  h.slots = {slot_b, slot_c, slot_x};
  ExpectCode(DecodeHeader(h), ErrorCode::kBadKeySlots, "non-recipient");
  h.slots = {slot_b, slot_x};
  ExpectCode(DecodeHeader(h), ErrorCode::kBadKeySlots,
             "key slot for non-recipient \"cert-x\"");
  h.slots = {slot_b, slot_b};
  ExpectCode(DecodeHeader(h), ErrorCode::kBadKeySlots, "duplicate key slot");
  h.slots = {slot_c, slot_b};
  ExpectCode(DecodeHeader(h), ErrorCode::kBadKeySlots, "recipient order");

  Header plain = Plain(Tlp::kGreen);
  plain.slots = {slot_b, slot_c};
  ExpectCode(DecodeHeader(plain), ErrorCode::kBadKeySlots,
             "unencrypted record");
}

TEST_F(DecodeTest, HostileSlotCountIsCheap) {
  // A slot count of 65535 over a few bytes fails as truncation at once.
  Header h = good_.header;
  h.slots.clear();
  Bytes bytes = internal::EncodeHeader(h);
  // The slot count sits right before the 24-byte payload nonce.
  const std::size_t count_at = bytes.size() - 24 - 2;
  bytes[count_at] = 0xff;
  bytes[count_at + 1] = 0xff;
  ExpectCode(DecodeRawHeader(bytes), ErrorCode::kMalformedHeader, "truncated");
}

TEST_F(DecodeTest, TruncatedAtEveryLengthIsAnError) {
  for (Tlp tlp : {Tlp::kGreen, Tlp::kRed}) {
    Sealer sealer = NewSealer();
    Result<Sealed> sealed = sealer.Seal(MakeDraft(tlp, tlp == Tlp::kRed));
    ASSERT_OK(sealed.status());
    const Bytes& bytes = sealed->record;
    for (std::size_t len = 0; len < bytes.size(); ++len) {
      Result<Record> r = Decode(ByteView(bytes.data(), len));
      EXPECT_FALSE(r.ok()) << "length " << len;
      EXPECT_EQ(r.status().code(), ErrorCode::kMalformedRecord)
          << len << ": " << r.status().ToString();
    }
  }
}

}  // namespace
}  // namespace certshare::envelope::testing
