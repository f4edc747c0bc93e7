// agent::Verify: the payload must agree with its signed header. Records
// are sealed here by hand, as a buggy or malicious origin could: a header
// whose TLP is below the payload's marking, a payload that names another
// registered organisation as its creator. Each is refused with its code
// (the subscriber then quarantines it, agent/receive/quarantine.h).
#include "agent/receive/render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent/link/record_test_util.h"
#include "common/envelope/envelope.h"
#include "schemas/stix_check.h"

namespace certshare::agent {
namespace {

using test::CreatedBy;
using test::Federation;
using test::kIndicatorId;
using test::kTlp1Amber;
using test::MarkedWith;
using ::testing::HasSubstr;

class VerifyTest : public ::testing::Test {
 protected:
  // `payload` sealed by `origin` for CERT-UA, the header naming it exactly
  // but with TLP `tlp` (encrypted unless CLEAR).
  Bytes Seal(const std::string& payload, Tlp tlp, const std::string& origin = "CERT-EE") {
    auto summary = schemas::Summarise(payload);
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    envelope::Draft draft;
    draft.stix_type = summary->type;
    draft.stix_id = summary->id;
    draft.modified = summary->modified;
    draft.tlp = tlp;
    draft.encrypt = tlp != Tlp::kClear;
    if (draft.encrypt) draft.recipients = {{"CERT-UA", fed_.Id("CERT-UA").card.box_key}};
    draft.payload = payload;
    const identity::Identity& me = fed_.Id(origin);
    envelope::Sealer sealer(me.card.org, me.sign_secret, me.box_secret);
    auto record = sealer.Seal(draft);
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    return record.ok() ? record->record : Bytes{};
  }
  Status VerifyAtUa(const Bytes& record) {
    return Verify(7, record, fed_.Id("CERT-UA"), fed_.registry()).status();
  }
  Federation fed_;
};

TEST_F(VerifyTest, AHeaderBelowThePayloadsMarkingIsRefused) {
  // TLP 1.0 AMBER content under a CLEAR header: what `publish --tlp clear`
  // did before; a forging origin still can.
  Status s = VerifyAtUa(Seal(MarkedWith(kTlp1Amber), Tlp::kClear));
  ASSERT_EQ(s.code(), ErrorCode::kInvalidStix) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(std::string(kIndicatorId) + " is marked TLP:AMBER by " +
                                     kTlp1Amber + " (TLP 1.0 AMBER), but the signed header says "
                                     "TLP:clear"));
  EXPECT_CODE(VerifyAtUa(Seal(MarkedWith(kTlp1Amber), Tlp::kGreen)), ErrorCode::kInvalidStix);
  // A granular RED marking under an AMBER header.
  const std::string granular_red = test::Indicator(
      R"("object_marking_refs":["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"],)"
      R"("granular_markings":[{"marking_ref":"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",)"
      R"("selectors":["pattern"]}],)");
  EXPECT_CODE(VerifyAtUa(Seal(granular_red, Tlp::kAmber)), ErrorCode::kInvalidStix);
  // What may pass: the same level, a raised one, an unmarked payload.
  EXPECT_OK(VerifyAtUa(Seal(MarkedWith(kTlp1Amber), Tlp::kAmber)));
  EXPECT_OK(VerifyAtUa(Seal(granular_red, Tlp::kRed)));
  EXPECT_OK(VerifyAtUa(Seal(MarkedWith(kTlp1Amber), Tlp::kAmberStrict)));
  EXPECT_OK(VerifyAtUa(Seal(test::Indicator(), Tlp::kClear)));
}

TEST_F(VerifyTest, APayloadClaimingAnotherOrganisationIsRefused) {
  Status s = VerifyAtUa(Seal(CreatedBy("CERT-UA"), Tlp::kAmber));
  ASSERT_EQ(s.code(), ErrorCode::kOriginMismatch) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("names CERT-UA's identity"));
  EXPECT_THAT(s.message(), HasSubstr("the record is CERT-EE's"));
  EXPECT_CODE(VerifyAtUa(Seal(CreatedBy("CERT-XX"), Tlp::kAmber)), ErrorCode::kOriginMismatch);
  // The origin's own objects, and those of no registered organisation.
  EXPECT_OK(VerifyAtUa(Seal(CreatedBy("CERT-EE"), Tlp::kAmber)));
  EXPECT_OK(VerifyAtUa(Seal(CreatedBy("MITRE"), Tlp::kAmber)));
  EXPECT_OK(VerifyAtUa(Seal(test::Indicator(), Tlp::kAmber)));
  // CERT-XX publishing CERT-XX's own object is fine too.
  EXPECT_OK(VerifyAtUa(Seal(CreatedBy("CERT-XX"), Tlp::kAmber, "CERT-XX")));
}

// What the registry says of the origin, once its signature verifies:
// revoked, a replaced key, a compromised key each refuse the record,
// unless its signed root is on the origin's allow-list.
class OriginStandingTest : public VerifyTest {
 protected:
  OriginStandingTest() : registry_(fed_.registry()) {}
  Status VerifyWith(const Bytes& record, const VerifyOptions& options = {}) {
    return Verify(7, record, fed_.Id("CERT-UA"), registry_, options).status();
  }
  // CERT-EE's card in the registry, to edit.
  identity::Card EeCard() const { return *registry_.Find("CERT-EE"); }
  static crypto::Hash256 RootOf(const Bytes& bytes) {
    auto record = envelope::Decode(bytes);
    EXPECT_TRUE(record.ok());
    return *envelope::SignedRoot(*record);
  }
  identity::Registry registry_;
};

TEST_F(OriginStandingTest, ARevokedOriginsRecordsAreRefusedUnlessAllowListed) {
  const Bytes record = Seal(MarkedWith(kTlp1Amber), Tlp::kAmber);
  ASSERT_OK(VerifyWith(record));
  ASSERT_OK(registry_.Revoke("CERT-EE", "2026-12-06T08:00:00Z"));
  Status s = VerifyWith(record);
  ASSERT_EQ(s.code(), ErrorCode::kRevoked) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("origin CERT-EE was revoked at 2026-12-06T08:00:00Z"));
  // The refusal names what the registry signers would allow-list.
  const crypto::Hash256 root = RootOf(record);
  EXPECT_THAT(s.message(),
              HasSubstr("--allow-root CERT-EE:" + HexEncode(ByteView(root.data(), root.size()))));
  identity::Card card = EeCard();
  card.allowed_roots = {RootOf(record)};
  ASSERT_OK(registry_.Put(card));
  EXPECT_OK(VerifyWith(record));
  // Another record of the revoked origin is still refused.
  EXPECT_CODE(VerifyWith(Seal(test::Indicator(), Tlp::kClear)), ErrorCode::kRevoked);
}

TEST_F(OriginStandingTest, ARecordVerifiedOnlyByAPreviousKeyIsRefusedUnlessAcceptedOrAllowListed) {
  const Bytes old_record = Seal(MarkedWith(kTlp1Amber), Tlp::kAmber);
  // CERT-EE rotates its signing key; the old one is kept as previous.
  identity::Card card = EeCard();
  card.previous_sign_keys = {card.sign_key};
  card.sign_key = crypto::GenerateSigningKeyPair().public_key;
  ASSERT_OK(registry_.Put(card));
  Status s = VerifyWith(old_record);
  ASSERT_EQ(s.code(), ErrorCode::kPreviousKey) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("--accept-previous-keys"));
  VerifyOptions accept;
  accept.accept_previous_keys = true;
  EXPECT_OK(VerifyWith(old_record, accept));
  card.allowed_roots = {RootOf(old_record)};
  ASSERT_OK(registry_.Put(card));
  EXPECT_OK(VerifyWith(old_record));
  // Without the previous key it does not verify at all.
  card.previous_sign_keys.clear();
  ASSERT_OK(registry_.Put(card));
  EXPECT_CODE(VerifyWith(old_record, accept), ErrorCode::kBadSignature);
}

TEST_F(OriginStandingTest, ARecordClaimingATimeAfterACompromiseIsRefused) {
  // test::Indicator's modified is 2026-11-27T09:30:00.000Z.
  const Bytes record = Seal(MarkedWith(kTlp1Amber), Tlp::kAmber);
  identity::Card card = EeCard();
  card.compromised_since = "2026-11-27T09:30:00Z";  // at the claimed time: refused
  ASSERT_OK(registry_.Put(card));
  Status s = VerifyWith(record);
  ASSERT_EQ(s.code(), ErrorCode::kKeyCompromised) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("marked compromised (2026-11-27T09:30:00Z)"));
  card.compromised_since = "2026-11-27T09:30:01Z";  // after it: accepted
  ASSERT_OK(registry_.Put(card));
  EXPECT_OK(VerifyWith(record));
  card.compromised_since = "2026-11-01T00:00:00Z";
  card.allowed_roots = {RootOf(record)};
  ASSERT_OK(registry_.Put(card));
  EXPECT_OK(VerifyWith(record));
}

}  // namespace
}  // namespace certshare::agent
