// ResealWithoutRevoked (flush --reseal) and the warnings of Compose about
// revoked organisations left out of groups and the GREEN community.
#include "agent/link/reseal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent/link/compose.h"
#include "agent/link/record_test_util.h"
#include "common/base/testing.h"
#include "common/envelope/record_key.h"

namespace certshare::agent {
namespace {

using test::Federation;
using ::testing::HasSubstr;

constexpr char kRevokedAt[] = "2026-12-06T08:00:00Z";

class ResealTest : public ::testing::Test {
 protected:
  ResealTest() : registry_(fed_.registry()) {
    EXPECT_OK(registry_.PutGroup("all", {"CERT-EE", "CERT-UA", "CERT-XX"}));
  }
  // CERT-EE's record, sealed while nobody was revoked.
  Composed Sealed(Tlp tlp, std::vector<std::string> to, bool encrypt = true) {
    ComposeOptions options;
    options.tlp = tlp;
    options.recipients = std::move(to);
    options.encrypt_green = encrypt;
    options.topics = {"sector:energy"};
    auto composed = Compose(test::Indicator(), options, Me(), registry_, sealer_);
    EXPECT_TRUE(composed.ok()) << composed.status().ToString();
    return std::move(*composed);
  }
  void Revoke(const std::string& org) { ASSERT_OK(registry_.Revoke(org, kRevokedAt)); }
  const identity::Identity& Me() const { return fed_.Id("CERT-EE"); }
  Result<std::string> OpenAs(const std::string& org, ByteView bytes) {
    CERTSHARE_ASSIGN_OR_RETURN(envelope::Record record, envelope::Decode(bytes));
    return envelope::Open(record, org, fed_.Id(org).box_secret, Me().card.sign_key,
                          Me().card.box_key);
  }

  Federation fed_;
  identity::Registry registry_;
  envelope::Sealer sealer_{"CERT-EE", Me().sign_secret, Me().box_secret};
};

TEST_F(ResealTest, ARevokedRecipientIsLeftOutAndTheOthersCanStillOpenIt) {
  Composed old = Sealed(Tlp::kAmber, {"CERT-UA", "CERT-XX"});
  Revoke("CERT-XX");
  auto resealed = ResealWithoutRevoked(old.record, Me(), registry_, sealer_);
  ASSERT_OK(resealed.status());
  ASSERT_TRUE(resealed->has_value());
  const Resealed& r = **resealed;
  EXPECT_EQ(r.dropped, std::vector<std::string>{"CERT-XX"});
  EXPECT_EQ(r.header.recipients, std::vector<std::string>{"CERT-UA"});
  EXPECT_EQ(r.header.tlp, Tlp::kAmber);
  EXPECT_TRUE(r.header.encrypted);
  EXPECT_EQ(r.header.topics, old.header.topics);
  // The same record key: a broker holding the old one calls it a duplicate.
  EXPECT_EQ(envelope::EncodeRecordKey(envelope::RecordKeyOf(r.header)),
            envelope::EncodeRecordKey(envelope::RecordKeyOf(old.header)));
  auto opened = OpenAs("CERT-UA", r.record);
  ASSERT_OK(opened.status());
  EXPECT_EQ(*opened, test::Indicator());
  EXPECT_CODE(OpenAs("CERT-XX", r.record).status(), ErrorCode::kNotRecipient);
}

TEST_F(ResealTest, APlaintextGreenRecordIsResealedToo) {
  Composed old = Sealed(Tlp::kGreen, {"CERT-UA", "CERT-XX"}, /*encrypt=*/false);
  Revoke("CERT-XX");
  auto resealed = ResealWithoutRevoked(old.record, Me(), registry_, sealer_);
  ASSERT_OK(resealed.status());
  ASSERT_TRUE(resealed->has_value());
  EXPECT_FALSE((*resealed)->header.encrypted);
  EXPECT_EQ((*resealed)->header.recipients, std::vector<std::string>{"CERT-UA"});
  auto record = envelope::Decode((*resealed)->record);
  ASSERT_OK(record.status());
  EXPECT_OK(envelope::Verify(*record, Me().card.sign_key));
}

TEST_F(ResealTest, NothingToDoWithoutARevokedRecipient) {
  Composed old = Sealed(Tlp::kAmber, {"CERT-UA", "CERT-XX"});
  auto resealed = ResealWithoutRevoked(old.record, Me(), registry_, sealer_);
  ASSERT_OK(resealed.status());
  EXPECT_FALSE(resealed->has_value());
}

TEST_F(ResealTest, RefusedWhenNobodyIsLeftOrTheRecordIsNotMine) {
  Composed old = Sealed(Tlp::kAmber, {"CERT-XX"});
  Revoke("CERT-XX");
  auto none_left = ResealWithoutRevoked(old.record, Me(), registry_, sealer_);
  EXPECT_CODE(none_left.status(), ErrorCode::kRevoked);
  EXPECT_THAT(none_left.status().message(), HasSubstr("--drop-refused"));

  const identity::Identity& ua = fed_.Id("CERT-UA");
  envelope::Sealer theirs("CERT-UA", ua.sign_secret, ua.box_secret);
  ComposeOptions options;
  options.tlp = Tlp::kAmber;
  options.recipients = {"CERT-EE", "CERT-XX"};
  auto other = Compose(test::Indicator(), options, ua, fed_.registry(), theirs);
  ASSERT_OK(other.status());
  EXPECT_CODE(ResealWithoutRevoked(other->record, Me(), registry_, sealer_).status(),
              ErrorCode::kOriginMismatch);
}

TEST_F(ResealTest, GroupsAndTheGreenCommunityLeaveARevokedOrganisationOutAndSaySo) {
  Revoke("CERT-XX");
  Composed group = Sealed(Tlp::kAmber, {"group:all"});
  EXPECT_EQ(group.header.recipients, std::vector<std::string>{"CERT-UA"});
  ASSERT_EQ(group.left_out.size(), 1u);
  EXPECT_EQ(group.left_out[0],
            (LeftOut{"CERT-XX", std::string("revoked at ") + kRevokedAt, "group:all"}));
  EXPECT_EQ(DescribeLeftOut(group.left_out),
            "CERT-XX (revoked at 2026-12-06T08:00:00Z) is left out of group:all");

  Composed green = Sealed(Tlp::kGreen, {});
  EXPECT_EQ(green.header.recipients, std::vector<std::string>{"CERT-UA"});
  ASSERT_EQ(green.left_out.size(), 1u);
  EXPECT_EQ(green.left_out[0].from, "the TLP:GREEN community");

  // Named explicitly, a revoked organisation is still an error.
  ComposeOptions named;
  named.tlp = Tlp::kAmber;
  named.recipients = {"CERT-XX"};
  EXPECT_CODE(Compose(test::Indicator(), named, Me(), registry_, sealer_).status(),
              ErrorCode::kRevoked);
}

}  // namespace
}  // namespace certshare::agent
