// Sealing and opening at every TLP level, who may open, and Seal's checks.
#include <algorithm>
#include <string>

#include "common/envelope/envelope_test_util.h"
#include "common/envelope/header_codec.h"
#include "common/envelope/record_key.h"
#include "common/envelope/routing.h"

namespace certshare::envelope::testing {
namespace {

struct LevelCase {
  Tlp tlp;
  bool encrypt;
};

class LevelTest : public EnvelopeTest,
                  public ::testing::WithParamInterface<LevelCase> {};

bool Contains(ByteView haystack, std::string_view needle) {
  ByteView n = AsBytes(needle);
  return std::search(haystack.begin(), haystack.end(), n.begin(), n.end()) !=
         haystack.end();
}

TEST_P(LevelTest, RoundTripAndEachRecipientOpens) {
  const LevelCase lc = GetParam();
  const std::string payload = R"({"type":"indicator","pattern":"[x]"})";
  Sealer sealer = NewSealer();
  Result<Sealed> sealed = sealer.Seal(MakeDraft(lc.tlp, lc.encrypt, payload));
  ASSERT_OK(sealed.status());
  EXPECT_EQ(Contains(sealed->record, payload), !lc.encrypt);

  Result<Record> record = Decode(sealed->record);
  ASSERT_OK(record.status());
  const Header& h = record->header;
  EXPECT_EQ(h.version, kVersion);
  EXPECT_EQ(h.tlp, lc.tlp);
  EXPECT_EQ(h.encrypted, lc.encrypt);
  EXPECT_EQ(h.stix_type, "indicator");
  EXPECT_EQ(h.stix_id, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_EQ(h.modified, "2024-05-01T12:00:00.000Z");
  EXPECT_EQ(h.origin, "cert-a");
  EXPECT_EQ(h.recipients, (std::vector<std::string>{b_.id, c_.id}));
  EXPECT_EQ(h.topics,
            (std::vector<std::string>{"sector:energy", "country:FR"}));
  EXPECT_EQ(h.slots.size(), lc.encrypt ? 2u : 0u);
  EXPECT_EQ(record->auth.leaf_index, 0u);
  EXPECT_EQ(record->auth.leaf_count, 1u);
  EXPECT_TRUE(record->auth.proof.empty());
  if (lc.encrypt) {
    EXPECT_EQ(record->payload.size(), payload.size() + 16);
    EXPECT_NE(h.payload_nonce, crypto::Nonce{});
    EXPECT_EQ(h.slots[0].org, b_.id);
    EXPECT_EQ(h.slots[1].org, c_.id);
  } else {
    EXPECT_EQ(AsChars(record->payload), payload);
    EXPECT_EQ(h.payload_nonce, crypto::Nonce{});
  }

  ASSERT_OK(Verify(*record, origin_.sign.public_key));
  for (const Org* me : {&b_, &c_}) {
    Result<std::string> opened = OpenAs(*record, *me);
    ASSERT_OK(opened.status());
    EXPECT_EQ(*opened, payload);
  }
}

INSTANTIATE_TEST_SUITE_P(AllLevels, LevelTest,
                         ::testing::Values(LevelCase{Tlp::kClear, false},
                                           LevelCase{Tlp::kClear, true},
                                           LevelCase{Tlp::kGreen, false},
                                           LevelCase{Tlp::kGreen, true},
                                           LevelCase{Tlp::kAmber, true},
                                           LevelCase{Tlp::kAmberStrict, true},
                                           LevelCase{Tlp::kRed, true}),
                         [](const auto& info) {
                           std::string name(TlpName(info.param.tlp));
                           std::replace(name.begin(), name.end(), '+', '_');
                           return name + (info.param.encrypt ? "_encrypted"
                                                             : "_plaintext");
                         });

TEST_F(EnvelopeTest, ClearWithoutRecipientsOpensForAnyone) {
  Draft d = MakeDraft(Tlp::kClear, false);
  d.recipients.clear();
  d.topics.clear();
  Record record = SealAndDecode(d);
  EXPECT_TRUE(record.header.recipients.empty());
  EXPECT_TRUE(MayReceive(RoutingPolicy{}, record.header, outsider_.id));
  Result<std::string> opened = OpenAs(record, outsider_);
  ASSERT_OK(opened.status());
  EXPECT_EQ(*opened, d.payload);
}

TEST_F(EnvelopeTest, NonRecipientCannotOpen) {
  Record record = SealAndDecode(MakeDraft(Tlp::kAmber, true));
  EXPECT_CODE(StatusOf(OpenAs(record, outsider_)), ErrorCode::kNotRecipient);
  // The broker verifies without being able to read.
  ASSERT_OK(Verify(record, origin_.sign.public_key));
}

TEST_F(EnvelopeTest, NonRecipientUsingARecipientsNameCannotOpen) {
  Record record = SealAndDecode(MakeDraft(Tlp::kRed, true));
  Result<std::string> opened =
      Open(record, b_.id, outsider_.box.secret_key, origin_.sign.public_key,
           origin_.box.public_key);
  EXPECT_CODE(opened.status(), ErrorCode::kDecryptFailed);
}

TEST_F(EnvelopeTest, NonRecipientFakingASlotCannotOpen) {
  Record record = SealAndDecode(MakeDraft(Tlp::kAmber, true));
  // The outsider lists itself with a slot of its own making (it cannot know
  // the content key, so it wraps a key of its choosing).
  Header forged = record.header;
  forged.recipients.push_back(outsider_.id);
  crypto::SharedKey shared;
  ASSERT_OK(crypto::ComputeSharedKey(outsider_.box.secret_key,
                                     origin_.box.public_key, &shared));
  forged.slots.push_back(
      {outsider_.id, crypto::WrapKey(shared, crypto::NewContentKey())});

  // Keeping the origin's signature: the structure is fine, the signature
  // is not.
  Bytes kept = Assemble(forged, record.payload, record.auth);
  Result<Record> decoded = Decode(kept);
  ASSERT_OK(decoded.status());
  EXPECT_CODE(StatusOf(OpenAs(*decoded, outsider_)), ErrorCode::kBadSignature);

  // Re-signed with the outsider's key: still not the origin's signature.
  Bytes resigned =
      Assemble(forged, record.payload, record.auth, &outsider_.sign.secret_key);
  EXPECT_CODE(StatusOf(DecodeAndOpen(resigned, outsider_)),
              ErrorCode::kBadSignature);
}

TEST_F(EnvelopeTest, SignedByAnotherKeyIsBadSignature) {
  // An impostor claiming to be cert-a.
  Sealer impostor(origin_.id, outsider_.sign.secret_key,
                  outsider_.box.secret_key);
  Result<Sealed> sealed = impostor.Seal(MakeDraft(Tlp::kGreen, false));
  ASSERT_OK(sealed.status());
  Result<Record> record = Decode(sealed->record);
  ASSERT_OK(record.status());
  EXPECT_CODE(Verify(*record, origin_.sign.public_key),
              ErrorCode::kBadSignature);
  EXPECT_CODE(StatusOf(OpenAs(*record, b_)), ErrorCode::kBadSignature);
  ASSERT_OK(Verify(*record, outsider_.sign.public_key));
}

TEST_F(EnvelopeTest, WrongOriginBoxKeyFailsToDecrypt) {
  Record record = SealAndDecode(MakeDraft(Tlp::kAmber, true));
  Result<std::string> opened =
      Open(record, b_.id, b_.box.secret_key, origin_.sign.public_key,
           outsider_.box.public_key);
  EXPECT_CODE(opened.status(), ErrorCode::kDecryptFailed);
  crypto::BoxPublicKey zero{};
  opened =
      Open(record, b_.id, b_.box.secret_key, origin_.sign.public_key, zero);
  EXPECT_CODE(opened.status(), ErrorCode::kDecryptFailed);
}

TEST_F(EnvelopeTest, OriginMayBeItsOwnRecipient) {
  Draft d = MakeDraft(Tlp::kRed, true);
  d.recipients.push_back({origin_.id, origin_.box.public_key});
  Record record = SealAndDecode(d);
  Result<std::string> opened = OpenAs(record, origin_);
  ASSERT_OK(opened.status());
  EXPECT_EQ(*opened, d.payload);
}

TEST_F(EnvelopeTest, SealerReusesItselfAcrossRecords) {
  Sealer sealer = NewSealer();
  for (int i = 0; i < 3; ++i) {
    Draft d = MakeDraft(Tlp::kAmber, true, "{\"n\":" + std::to_string(i) + "}");
    Result<Sealed> sealed = sealer.Seal(d);
    ASSERT_OK(sealed.status());
    Result<std::string> opened = DecodeAndOpen(sealed->record, c_);
    ASSERT_OK(opened.status());
    EXPECT_EQ(*opened, d.payload);
  }
}

TEST_F(EnvelopeTest, SameDraftSealsDifferently) {
  Sealer sealer = NewSealer();
  Result<Sealed> one = sealer.Seal(MakeDraft(Tlp::kAmber, true));
  Result<Sealed> two = sealer.Seal(MakeDraft(Tlp::kAmber, true));
  ASSERT_OK(one.status());
  ASSERT_OK(two.status());
  EXPECT_NE(one->record, two->record);  // fresh content key and nonces
}

TEST_F(EnvelopeTest, DedupeKey) {
  Header h;
  h.origin = "CERT-EE";
  h.stix_id = "indicator--1";
  h.modified = "2024-01-01T00:00:00.000Z";
  EXPECT_EQ(EncodeRecordKey(RecordKeyOf(h)), "CERT-EE\nindicator--1\n2024-01-01T00:00:00.000Z");
}

// One version per instant: every spelling of one `modified` gives one key,
// and another instant another key.
TEST_F(EnvelopeTest, DedupeKeyIsTheInstantNotItsSpelling) {
  Header h;
  h.origin = "CERT-EE";
  h.stix_id = "indicator--1";
  h.modified = "2026-01-02T03:04:05.000Z";
  const std::string key = EncodeRecordKey(RecordKeyOf(h));
  for (const char* same : {"2026-01-02T03:04:05Z", "2026-01-02T03:04:05.0Z",
                           "2026-01-02T03:04:05.000000Z"}) {
    h.modified = same;
    EXPECT_EQ(EncodeRecordKey(RecordKeyOf(h)), key) << same;
  }
  for (const char* other : {"2026-01-02T03:04:05.001Z", "2026-01-02T03:04:05.0001Z",
                            "2026-01-02T03:04:06Z"}) {
    h.modified = other;
    EXPECT_NE(EncodeRecordKey(RecordKeyOf(h)), key) << other;
  }
  h.modified = "2026-01-02T03:04:05.5Z";
  Header h2 = h;
  h2.modified = "2026-01-02T03:04:05.50000Z";
  EXPECT_EQ(EncodeRecordKey(RecordKeyOf(h)), EncodeRecordKey(RecordKeyOf(h2)));
  // The longest key a decoded header can give.
  h.origin = std::string(kMaxOrgIdLength, 'o');
  h.stix_id = std::string(kMaxStixIdLength, 'i');
  h.modified = "2026-01-02T03:04:05." + std::string(234, '1') + "Z";
  ASSERT_EQ(h.modified.size(), 255u);
  EXPECT_EQ(EncodeRecordKey(RecordKeyOf(h)).size(), kMaxDedupeKeyLength);
}

TEST(OrgIdTest, Pattern) {
  EXPECT_TRUE(internal::IsValidOrgId("cert-fr.gov_2"));
  EXPECT_TRUE(internal::IsValidOrgId(std::string(64, 'a')));
  EXPECT_FALSE(internal::IsValidOrgId(std::string(65, 'a')));
  EXPECT_FALSE(internal::IsValidOrgId(""));
  EXPECT_FALSE(internal::IsValidOrgId("cert fr"));
  EXPECT_FALSE(internal::IsValidOrgId("cert/fr"));
  EXPECT_FALSE(internal::IsValidOrgId("cert\n"));
  EXPECT_FALSE(internal::IsValidOrgId("c\xc3\xa9rt"));
}

// --- Seal's checks ---

class SealCheckTest : public EnvelopeTest {
 protected:
  void ExpectInvalid(const Draft& d, std::string_view message_part) {
    Sealer sealer = NewSealer();
    Result<Sealed> sealed = sealer.Seal(d);
    EXPECT_CODE(sealed.status(), ErrorCode::kInvalidArgument);
    EXPECT_NE(sealed.status().message().find(message_part), std::string::npos)
        << sealed.status().ToString();
  }
};

TEST_F(SealCheckTest, AmberAndAboveMustBeEncrypted) {
  for (Tlp tlp : {Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed}) {
    ExpectInvalid(MakeDraft(tlp, false), "requires encryption");
  }
}

TEST_F(SealCheckTest, EncryptionNeedsRecipients) {
  Draft d = MakeDraft(Tlp::kGreen, true);
  d.recipients.clear();
  ExpectInvalid(d, "at least one recipient");
  d.tlp = Tlp::kRed;
  ExpectInvalid(d, "at least one recipient");
}

TEST_F(SealCheckTest, DuplicateRecipients) {
  Draft d = MakeDraft(Tlp::kAmber, true);
  d.recipients.push_back(d.recipients[0]);
  ExpectInvalid(d, "duplicate recipient");
}

TEST_F(SealCheckTest, MissingFields) {
  Draft d = MakeDraft(Tlp::kGreen, false);
  d.stix_type.clear();
  ExpectInvalid(d, "stix_type is empty");
  d = MakeDraft(Tlp::kGreen, false);
  d.stix_id.clear();
  ExpectInvalid(d, "stix_id is empty");
  d = MakeDraft(Tlp::kGreen, false);
  d.modified.clear();
  ExpectInvalid(d, "modified is empty");
  d = MakeDraft(Tlp::kGreen, false);
  d.payload.clear();
  ExpectInvalid(d, "payload is empty");
}

TEST_F(SealCheckTest, FieldsTooLong) {
  Draft d = MakeDraft(Tlp::kGreen, false);
  d.stix_type = std::string(256, 't');
  ExpectInvalid(d, "stix_type is 256 bytes");
  d = MakeDraft(Tlp::kGreen, false);
  d.stix_id = std::string(kMaxStixIdLength + 1, 'i');
  ExpectInvalid(d, "stix_id is 1025 bytes");
  d = MakeDraft(Tlp::kGreen, false);
  d.modified = std::string(256, 'm');
  ExpectInvalid(d, "modified is 256 bytes");
  d = MakeDraft(Tlp::kGreen, false);
  d.topics = {std::string(256, 'x')};
  ExpectInvalid(d, "topic of 256 bytes");

  // The largest values that fit are accepted.
  d = MakeDraft(Tlp::kGreen, false);
  d.stix_type = std::string(255, 't');
  d.stix_id = std::string(kMaxStixIdLength, 'i');
  d.modified = "2024-05-01T12:00:00." + std::string(234, '9') + "Z";
  d.topics = {std::string(255, 'x')};
  Record record = SealAndDecode(d);
  EXPECT_EQ(record.header.stix_id.size(), kMaxStixIdLength);
  EXPECT_EQ(record.header.modified.size(), 255u);
}

TEST_F(SealCheckTest, ModifiedMustBeAStixTimestamp) {
  for (const char* bad : {"garbage", "2026-13-45T99:99:99Z", "2026-02-30T00:00:00Z",
                          "2026-01-01T00:00:00+01:00", "2026-01-01T00:00:00"}) {
    Draft d = MakeDraft(Tlp::kGreen, false);
    d.modified = bad;
    ExpectInvalid(d, std::string("modified \"") + bad + "\"");
  }
  Draft d = MakeDraft(Tlp::kGreen, false);
  d.modified = "2016-12-31T23:59:60Z";  // a leap second, no fraction
  EXPECT_EQ(SealAndDecode(d).header.modified, "2016-12-31T23:59:60Z");
}

TEST_F(SealCheckTest, LimitsOnCounts) {
  Draft d = MakeDraft(Tlp::kGreen, false);
  d.topics.assign(kMaxTopics + 1, "t");
  ExpectInvalid(d, "topics, more than");
  d = MakeDraft(Tlp::kGreen, false);
  d.recipients.clear();
  for (std::size_t i = 0; i <= kMaxRecipients; ++i) {
    d.recipients.push_back({"org" + std::to_string(i), b_.box.public_key});
  }
  ExpectInvalid(d, "recipients, more than");
}

TEST_F(SealCheckTest, BadOrganisationIds) {
  Draft d = MakeDraft(Tlp::kAmber, true);
  d.recipients[1].org = "bad org";
  ExpectInvalid(d, "not a valid organisation id");
  Sealer bad_origin("", origin_.sign.secret_key, origin_.box.secret_key);
  EXPECT_CODE(StatusOf(bad_origin.Seal(MakeDraft(Tlp::kGreen, false))),
              ErrorCode::kInvalidArgument);
}

TEST_F(SealCheckTest, TlpOutOfRange) {
  Draft d = MakeDraft(Tlp::kAmber, true);
  d.tlp = static_cast<Tlp>(5);
  ExpectInvalid(d, "not a TLP level");
}

TEST_F(SealCheckTest, LowOrderRecipientKey) {
  Draft d = MakeDraft(Tlp::kAmber, true);
  d.recipients[1].box_key = crypto::BoxPublicKey{};
  Sealer sealer = NewSealer();
  Result<Sealed> sealed = sealer.Seal(d);
  EXPECT_CODE(sealed.status(), ErrorCode::kDecryptFailed);
  EXPECT_NE(sealed.status().message().find(c_.id), std::string::npos);
  // Unencrypted records do not use recipient keys at all.
  d.tlp = Tlp::kGreen;
  d.encrypt = false;
  ASSERT_OK(StatusOf(sealer.Seal(d)));
}

TEST_F(SealCheckTest, EmptyBatchAndBadDraftInBatch) {
  Sealer sealer = NewSealer();
  EXPECT_CODE(StatusOf(sealer.SealBatch({})), ErrorCode::kInvalidArgument);
  std::vector<Draft> drafts = {MakeDraft(Tlp::kGreen, false),
                               MakeDraft(Tlp::kRed, false)};
  Result<std::vector<Sealed>> sealed = sealer.SealBatch(drafts);
  EXPECT_CODE(sealed.status(), ErrorCode::kInvalidArgument);
  EXPECT_NE(sealed.status().message().find("draft 1"), std::string::npos);
}

}  // namespace
}  // namespace certshare::envelope::testing
