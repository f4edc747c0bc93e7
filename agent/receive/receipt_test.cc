// Receipts: the signed bytes, signing and checking, the STIX object and
// its parser (docs/receipts.md).
#include "agent/receive/receipt.h"

#include <gtest/gtest.h>

#include "common/base/json.h"
#include "common/crypto/keys.h"
#include "schemas/stix_check.h"

namespace certshare::agent {
namespace {

Receipt Sample() {
  Receipt r;
  r.origin = "CERT-EE";
  r.recipient = "CERT-UA";
  r.leaf.fill(0x11);
  r.state = ReceiptState::kRejected;
  r.code = ErrorCode::kInvalidStix;
  r.time_ms = 1'790'000'000'123;
  r.record_id = "incident--6e7ec24e-e3b2-498e-afb4-e14eab67b5d4";
  r.record_modified = "2026-11-01T10:00:00.000Z";
  return r;
}

Receipt Parsed(const std::string& text) {
  rapidjson::Document doc;
  EXPECT_TRUE(json::Parse(text, &doc).ok()) << text;
  auto r = ParseReceipt(doc);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Receipt{};
}

TEST(ReceiptTest, SignedBytesAreExactlyTheDocumentedOnes) {
  Receipt r = Sample();
  Bytes m = ReceiptMessage(r);
  // "certshare/receipt/v1" 0x00, Blob32("CERT-EE"), Blob32("CERT-UA"),
  // leaf, state, code, time.
  ASSERT_EQ(m.size(), 20u + 1 + 4 + 7 + 4 + 7 + 32 + 1 + 2 + 8);
  EXPECT_EQ(std::string(AsChars(ByteView(m).subspan(0, 20))), "certshare/receipt/v1");
  EXPECT_EQ(m[20], 0);
  EXPECT_EQ(m[24], 7);  // big-endian length of "CERT-EE"
  EXPECT_EQ(m[20 + 1 + 4 + 7 + 4 + 7], 0x11);
  const unsigned code = static_cast<unsigned>(ErrorCode::kInvalidStix);
  EXPECT_EQ(m[m.size() - 11], 2);            // rejected
  EXPECT_EQ(m[m.size() - 10], code >> 8);    // code, big-endian
  EXPECT_EQ(m[m.size() - 9], code & 0xff);
  EXPECT_EQ(m.back(), static_cast<std::uint8_t>(1'790'000'000'123 & 0xff));
}

TEST(ReceiptTest, OnlyTheSignersKeyVerifiesAndEveryFieldIsBound) {
  auto ua = crypto::GenerateSigningKeyPair();
  auto other = crypto::GenerateSigningKeyPair();
  Receipt r = Sample();
  SignReceipt(&r, ua.secret_key);
  EXPECT_TRUE(ReceiptSignedBy(r, ua.public_key));
  EXPECT_FALSE(ReceiptSignedBy(r, other.public_key));
  Receipt changed = r;
  changed.leaf[31] ^= 1;
  EXPECT_FALSE(ReceiptSignedBy(changed, ua.public_key));
  changed = r;
  changed.recipient = "CERT-EU";
  EXPECT_FALSE(ReceiptSignedBy(changed, ua.public_key));
  changed = r;
  changed.state = ReceiptState::kProcessed;
  changed.code = ErrorCode::kOk;
  EXPECT_FALSE(ReceiptSignedBy(changed, ua.public_key));
  changed = r;
  changed.time_ms += 1;
  EXPECT_FALSE(ReceiptSignedBy(changed, ua.public_key));
  // The hints are not signed (the origin checks them against its note).
  changed = r;
  changed.record_id = "incident--00000000-0000-4000-8000-000000000000";
  EXPECT_TRUE(ReceiptSignedBy(changed, ua.public_key));
}

TEST(ReceiptTest, StixObjectRoundTripsAndPassesCertsharesStixRules) {
  auto ua = crypto::GenerateSigningKeyPair();
  Receipt r = Sample();
  SignReceipt(&r, ua.secret_key);
  const std::string text = ToStix(r, "certshare-receipt--9e6b8e30-1f42-4b93-8d70-6e5f4a3b2c13");
  Receipt back = Parsed(text);
  EXPECT_EQ(back.origin, r.origin);
  EXPECT_EQ(back.recipient, r.recipient);
  EXPECT_EQ(back.leaf, r.leaf);
  EXPECT_EQ(back.state, r.state);
  EXPECT_EQ(back.code, r.code);
  EXPECT_EQ(back.time_ms, r.time_ms);
  EXPECT_EQ(back.record_id, r.record_id);
  EXPECT_EQ(back.record_modified, r.record_modified);
  EXPECT_TRUE(ReceiptSignedBy(back, ua.public_key));
  rapidjson::Document doc;
  ASSERT_TRUE(json::Parse(text, &doc).ok());
  schemas::Report report = schemas::Check(doc);
  EXPECT_TRUE(report.ok()) << report.problems[0].pointer << ": " << report.problems[0].message;
  ASSERT_TRUE(report.summary.tlp.has_value());
  EXPECT_EQ(*report.summary.tlp, Tlp::kAmberStrict);
}

TEST(ReceiptTest, ParserRefusesWhatIsNotAReceiptWithBadReceipt) {
  Receipt r = Sample();
  const std::string good = ToStix(r, "certshare-receipt--9e6b8e30-1f42-4b93-8d70-6e5f4a3b2c13");
  struct Case {
    const char* member;
    const char* value;  // nullptr: removed
  };
  for (const Case& c : std::initializer_list<Case>{
           {"type", R"("incident")"},
           {"origin", nullptr},
           {"origin", R"("CERT EE")"},
           {"recipient", R"(7)"},
           {"record_leaf", R"("abcd")"},
           {"record_leaf", R"("zz11111111111111111111111111111111111111111111111111111111111111")"},
           {"signature", nullptr},
           {"state", R"("seen")"},
           {"code", R"(0)"},  // rejected needs a code
           {"code", R"(70000)"},
           {"code", R"(-1)"},
           {"created", R"("2026-11-01T10:00:00Z")"},  // not to the millisecond
           {"created", R"("yesterday")"},
       }) {
    rapidjson::Document doc;
    ASSERT_TRUE(json::Parse(good, &doc).ok());
    if (c.value == nullptr) {
      doc.RemoveMember(c.member);
    } else {
      rapidjson::Document v;
      ASSERT_TRUE(json::Parse(c.value, &v).ok());
      doc[c.member].CopyFrom(v, doc.GetAllocator());
    }
    auto parsed = ParseReceipt(doc);
    ASSERT_FALSE(parsed.ok()) << c.member << " = " << (c.value ? c.value : "(none)");
    EXPECT_EQ(parsed.status().code(), ErrorCode::kBadReceipt) << c.member;
  }
  rapidjson::Document array;
  ASSERT_TRUE(json::Parse("[]", &array).ok());
  EXPECT_EQ(ParseReceipt(array).status().code(), ErrorCode::kBadReceipt);
}

}  // namespace
}  // namespace certshare::agent
