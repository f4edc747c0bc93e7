// RecordKey: the dedupe key, object id and version key, their bytes (the
// same as every earlier certshare stored), and parsing what was stored.
// Also: Sealer::Seal and SealBatch return the header a receiver decodes.
#include "common/envelope/record_key.h"

#include <string>
#include <vector>

#include "common/base/timestamp.h"
#include "common/envelope/envelope_test_util.h"

namespace certshare::envelope::testing {
namespace {

RecordKey Key(std::string origin, std::string stix_id, std::string modified) {
  return RecordKey{std::move(origin), std::move(stix_id), std::move(modified)};
}

// The bytes earlier certshare versions wrote (open.cc's DedupeKey and
// broker/publish.cc's object id, before RecordKey): spools, seen-stores and
// broker logs keep working.
TEST(RecordKeyTest, EncodingIsTheStoredBytes) {
  const RecordKey key = Key("CERT-EE", "indicator--1", "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(EncodeRecordKey(key), "CERT-EE\nindicator--1\n2024-01-01T00:00:00.000Z");
  EXPECT_EQ(EncodeObjectId(key), "CERT-EE\nindicator--1");
  EXPECT_EQ(EncodeVersionKey(key), "2024-01-01T00:00:00.000000000Z");
  std::string appended = "prefix|";
  AppendRecordKey(&appended, key);
  EXPECT_EQ(appended, "prefix|CERT-EE\nindicator--1\n2024-01-01T00:00:00.000Z");
}

TEST(RecordKeyTest, OfAHeaderSpellsModifiedCanonically) {
  Header h;
  h.origin = "CERT-EE";
  h.stix_id = "incident--0d3e1f0c-5b7a-4c55-9e3a-2b6a4d7f8e90";
  const std::string id = h.stix_id;
  struct Case {
    const char* modified;
    const char* canonical;
  };
  for (const Case& c : {Case{"2026-01-02T03:04:05Z", "2026-01-02T03:04:05.000Z"},
                        Case{"2026-01-02T03:04:05.5Z", "2026-01-02T03:04:05.500Z"},
                        Case{"2026-01-02T03:04:05.123000Z", "2026-01-02T03:04:05.123Z"},
                        Case{"2026-01-02T03:04:05.1234Z", "2026-01-02T03:04:05.1234Z"},
                        Case{"2026-01-02T03:04:05.000Z", "2026-01-02T03:04:05.000Z"},
                        Case{"2026-01-02T03:04:05.1234567891230Z",
                             "2026-01-02T03:04:05.123456789123Z"}}) {
    h.modified = c.modified;
    const RecordKey key = RecordKeyOf(h);
    EXPECT_EQ(key, Key("CERT-EE", id, c.canonical)) << c.modified;
    EXPECT_EQ(EncodeRecordKey(key), "CERT-EE\n" + id + "\n" + c.canonical) << c.modified;
    // The version key is the same for every spelling of the instant.
    EXPECT_EQ(EncodeVersionKey(key), StixTimestampOrderKey(c.modified)) << c.modified;
  }
}

TEST(RecordKeyTest, ParseIsTheInverseOfEncode) {
  for (const RecordKey& key :
       {Key("CERT-EE", "indicator--1", "2024-01-01T00:00:00.000Z"),
        Key("a", "x", "2026-01-02T03:04:05.1234Z"),
        // Spellings an earlier certshare stored (before keys were canonical).
        Key("cert-fr.gov_2", "incident--abc", "2026-01-02T03:04:05Z"),
        Key("CERT-EE", "indicator--1", "2026-01-02T03:04:05.500000Z"),
        // A stix_id may hold any byte, "\n" too: the origin ends at the first
        // "\n" and modified starts after the last.
        Key("CERT-EE", "odd\nid\n", "2026-01-02T03:04:05.000Z"),
        Key(std::string(kMaxOrgIdLength, 'o'), std::string(kMaxStixIdLength, 'i'),
            "2026-01-02T03:04:05." + std::string(234, '1') + "Z")}) {
    const std::string encoded = EncodeRecordKey(key);
    Result<RecordKey> parsed = ParseRecordKey(encoded);
    ASSERT_OK(parsed.status());
    EXPECT_EQ(*parsed, key);
    EXPECT_EQ(EncodeRecordKey(*parsed), encoded);
  }
}

TEST(RecordKeyTest, MalformedKeysAreRefusedWithWhatIsWrong) {
  const std::string m = "2026-01-02T03:04:05.000Z";
  struct Case {
    std::string encoded;
    const char* why;
  };
  const std::vector<Case> cases = {
      {"", "fewer than two newlines"},
      {"CERT-EE", "fewer than two newlines"},
      {"CERT-EE\nindicator--1", "fewer than two newlines"},
      {"\nindicator--1\n" + m, "origin is not an organisation id"},
      {"CERT EE\nindicator--1\n" + m, "origin is not an organisation id"},
      {std::string(kMaxOrgIdLength + 1, 'o') + "\nindicator--1\n" + m,
       "origin is not an organisation id"},
      {"CERT-EE\n\n" + m, "STIX id is empty"},
      {"CERT-EE\n" + std::string(kMaxStixIdLength + 1, 'i') + "\n" + m,
       "STIX id is 1025 bytes, more than 1024"},
      {"CERT-EE\nindicator--1\n", "its modified"},
      {"CERT-EE\nindicator--1\n2026-01-02 03:04:05Z", "its modified"},
      {"CERT-EE\nindicator--1\n2026-02-30T03:04:05.000Z", "its modified"},
      {"CERT-EE\nindicator--1\n2026-01-02T03:04:05." + std::string(235, '1') + "Z",
       "modified is 256 bytes, more than 255"},
  };
  for (const Case& c : cases) {
    Result<RecordKey> parsed = ParseRecordKey(c.encoded);
    ASSERT_FALSE(parsed.ok()) << c.why;
    EXPECT_CODE(StatusOf(parsed), ErrorCode::kCorruption);
    EXPECT_NE(parsed.status().message().find(c.why), std::string::npos)
        << parsed.status().ToString();
    EXPECT_NE(parsed.status().message().find("dedupe key"), std::string::npos);
  }
  // Bytes that are not printable are not put into the message.
  Result<RecordKey> hostile = ParseRecordKey(std::string("\x1b[2J\x01", 5));
  ASSERT_FALSE(hostile.ok());
  EXPECT_EQ(hostile.status().message().find('\x1b'), std::string::npos);
  EXPECT_NE(hostile.status().message().find("5 bytes, not printable"), std::string::npos);
}

TEST(RecordKeyTest, Describe) {
  EXPECT_EQ(DescribeRecordKey(Key("CERT-EE", "indicator--1", "2024-01-01T00:00:00.000Z")),
            "indicator--1 (modified 2024-01-01T00:00:00.000Z)");
}

void ExpectSameHeader(const Header& a, const Header& b) {
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.tlp, b.tlp);
  EXPECT_EQ(a.encrypted, b.encrypted);
  EXPECT_EQ(a.stix_type, b.stix_type);
  EXPECT_EQ(a.stix_id, b.stix_id);
  EXPECT_EQ(a.modified, b.modified);
  EXPECT_EQ(a.origin, b.origin);
  EXPECT_EQ(a.recipients, b.recipients);
  EXPECT_EQ(a.topics, b.topics);
  ASSERT_EQ(a.slots.size(), b.slots.size());
  for (std::size_t i = 0; i < a.slots.size(); ++i) {
    EXPECT_EQ(a.slots[i].org, b.slots[i].org);
    EXPECT_EQ(a.slots[i].wrapped.nonce, b.slots[i].wrapped.nonce);
    EXPECT_EQ(a.slots[i].wrapped.box, b.slots[i].wrapped.box);
  }
  EXPECT_EQ(a.payload_nonce, b.payload_nonce);
  EXPECT_EQ(RecordKeyOf(a), RecordKeyOf(b));
}

// Sealed::header is what a receiver decodes from Sealed::record, so no
// caller decodes its own output for the key or for messages.
TEST_F(EnvelopeTest, SealReturnsTheHeaderAReceiverDecodes) {
  Sealer sealer = NewSealer();
  for (Tlp tlp : {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kRed}) {
    Draft d = MakeDraft(tlp, tlp != Tlp::kClear);
    d.modified = "2024-05-01T12:00:00Z";  // kept as written in the header
    Result<Sealed> sealed = sealer.Seal(d);
    ASSERT_OK(sealed.status());
    EXPECT_EQ(sealed->header.modified, "2024-05-01T12:00:00Z");
    EXPECT_EQ(sealed->header.origin, "cert-a");
    Result<Record> decoded = Decode(sealed->record);
    ASSERT_OK(decoded.status());
    ExpectSameHeader(sealed->header, decoded->header);
  }
}

TEST_F(EnvelopeTest, SealBatchReturnsEachHeaderAReceiverDecodes) {
  std::vector<Draft> drafts;
  for (int i = 0; i < 5; ++i) {
    Draft d = MakeDraft(i % 2 ? Tlp::kGreen : Tlp::kAmber, i % 2 == 0);
    d.stix_id = "indicator--" + std::to_string(i);
    drafts.push_back(std::move(d));
  }
  Sealer sealer = NewSealer();
  Result<std::vector<Sealed>> sealed = sealer.SealBatch(drafts);
  ASSERT_OK(sealed.status());
  ASSERT_EQ(sealed->size(), drafts.size());
  for (std::size_t i = 0; i < drafts.size(); ++i) {
    EXPECT_EQ((*sealed)[i].header.stix_id, drafts[i].stix_id);
    Result<Record> decoded = Decode((*sealed)[i].record);
    ASSERT_OK(decoded.status());
    ExpectSameHeader((*sealed)[i].header, decoded->header);
  }
}

}  // namespace
}  // namespace certshare::envelope::testing
