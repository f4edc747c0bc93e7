// The routing rule (routing.h): who may receive a record, by TLP, named
// recipients, encryption and the GREEN community.
#include "common/envelope/routing.h"

#include <gtest/gtest.h>

namespace certshare::envelope {
namespace {

Header MakeHeader(Tlp tlp, bool encrypted, std::vector<std::string> recipients) {
  Header h;
  h.origin = "CERT-EE";
  h.tlp = tlp;
  h.encrypted = encrypted;
  h.recipients = std::move(recipients);
  return h;
}

const RoutingPolicy kEveryone{};
const RoutingPolicy kCommunity{{"CERT-EE", "CERT-UA"}};

TEST(RoutingTest, ClearGoesToEveryOrganisation) {
  const Header h = MakeHeader(Tlp::kClear, false, {});
  for (const RoutingPolicy* p : {&kEveryone, &kCommunity}) {
    EXPECT_TRUE(MayReceive(*p, h, "CERT-UA"));
    EXPECT_TRUE(MayReceive(*p, h, "CERT-XX"));
  }
}

TEST(RoutingTest, GreenGoesToTheCommunity) {
  const Header h = MakeHeader(Tlp::kGreen, false, {});
  EXPECT_TRUE(MayReceive(kEveryone, h, "CERT-XX"));
  EXPECT_TRUE(MayReceive(kCommunity, h, "CERT-UA"));
  EXPECT_FALSE(MayReceive(kCommunity, h, "CERT-XX"));
  EXPECT_FALSE(MayReceive(kCommunity, h, ""));
}

TEST(RoutingTest, ANamedRecipientOutsideTheCommunityStillReceives) {
  const Header h = MakeHeader(Tlp::kGreen, false, {"CERT-XX"});
  EXPECT_TRUE(MayReceive(kCommunity, h, "CERT-XX"));
}

TEST(RoutingTest, AmberAndRedGoToNamedRecipientsOnly) {
  for (Tlp tlp : {Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed}) {
    const Header h = MakeHeader(tlp, true, {"CERT-UA"});
    for (const RoutingPolicy* p : {&kEveryone, &kCommunity}) {
      EXPECT_TRUE(MayReceive(*p, h, "CERT-UA")) << TlpName(tlp);
      EXPECT_FALSE(MayReceive(*p, h, "CERT-EE")) << TlpName(tlp);  // not even its origin
      EXPECT_FALSE(MayReceive(*p, h, "CERT-XX")) << TlpName(tlp);
      EXPECT_FALSE(MayReceive(*p, h, "")) << TlpName(tlp);
    }
  }
}

TEST(RoutingTest, AnEncryptedRecordGoesToItsRecipientsWhateverItsTlp) {
  for (Tlp tlp : {Tlp::kClear, Tlp::kGreen}) {
    const Header h = MakeHeader(tlp, true, {"CERT-UA"});
    EXPECT_TRUE(MayReceive(kEveryone, h, "CERT-UA")) << TlpName(tlp);
    EXPECT_FALSE(MayReceive(kEveryone, h, "CERT-XX")) << TlpName(tlp);
  }
}

}  // namespace
}  // namespace certshare::envelope
