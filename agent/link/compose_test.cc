// Compose and ChooseTlp: a document's TLP is its strictest marking (TLP 1.0
// or 2.0), --tlp may raise it and never lower it; no object may claim
// another registered organisation as its creator.
#include "agent/link/compose.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "agent/link/record_test_util.h"
#include "agent/stix/topics_test_util.h"
#include "common/base/testing.h"
#include "common/envelope/envelope.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::agent {
namespace {

using test::CreatedBy;
using test::Federation;
using test::kIndicatorId;
using test::kTlp1Amber;
using test::kIncidentBundle;
using test::MarkedWith;
using ::testing::HasSubstr;

TEST(ChooseTlp, RaisesNeverLowers) {
  const std::string where = "indicator--x is marked TLP:AMBER by marking-definition--y";
  EXPECT_EQ(*ChooseTlp(Tlp::kAmber, where, std::nullopt), Tlp::kAmber);
  EXPECT_EQ(*ChooseTlp(Tlp::kAmber, where, Tlp::kAmber), Tlp::kAmber);
  EXPECT_EQ(*ChooseTlp(Tlp::kAmber, where, Tlp::kRed), Tlp::kRed);
  EXPECT_EQ(*ChooseTlp(std::nullopt, "", Tlp::kGreen), Tlp::kGreen);
  for (Tlp lower : {Tlp::kClear, Tlp::kGreen}) {
    auto refused = ChooseTlp(Tlp::kAmber, where, lower);
    ASSERT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_THAT(refused.status().message(), HasSubstr(where));
    EXPECT_THAT(refused.status().message(),
                HasSubstr("--tlp " + std::string(TlpName(lower)) + " would lower it"));
  }
  auto none = ChooseTlp(std::nullopt, "", std::nullopt);
  EXPECT_EQ(none.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(none.status().message(), HasSubstr("no TLP"));
}

class ComposeTest : public ::testing::Test {
 protected:
  Result<Composed> ComposeAs(const std::string& org, const std::string& text,
                             std::optional<Tlp> tlp, std::vector<std::string> to = {"CERT-UA"}) {
    ComposeOptions options;
    options.tlp = tlp;
    options.recipients = std::move(to);
    const identity::Identity& me = fed_.Id(org);
    envelope::Sealer sealer(me.card.org, me.sign_secret, me.box_secret);
    return Compose(text, options, me, fed_.registry(), sealer);
  }
  Federation fed_;
};

// The issue: an indicator marked with the standard TLP 1.0 AMBER marking
// went out as CLEAR, unencrypted, with `publish --tlp clear`.
TEST_F(ComposeTest, ATlp1AmberDocumentGoesAsAmberAndIsNeverLowered) {
  const std::string amber = MarkedWith(kTlp1Amber);
  auto composed = ComposeAs("CERT-EE", amber, std::nullopt);
  ASSERT_OK(composed.status());
  EXPECT_EQ(composed->header.tlp, Tlp::kAmber);
  EXPECT_TRUE(composed->header.encrypted);
  EXPECT_EQ(composed->header.recipients, std::vector<std::string>{"CERT-UA"});

  for (Tlp lower : {Tlp::kClear, Tlp::kGreen}) {
    auto refused = ComposeAs("CERT-EE", amber, lower);
    ASSERT_EQ(refused.status().code(), ErrorCode::kInvalidArgument) << TlpName(lower);
    EXPECT_THAT(refused.status().message(),
                HasSubstr(std::string(kIndicatorId) + " is marked TLP:AMBER by " + kTlp1Amber +
                          " (TLP 1.0 AMBER)"));
  }
  // Raised: RED travels as RED.
  auto raised = ComposeAs("CERT-EE", amber, Tlp::kRed);
  ASSERT_OK(raised.status());
  EXPECT_EQ(raised->header.tlp, Tlp::kRed);
  // AMBER still needs named recipients.
  auto nobody = ComposeAs("CERT-EE", amber, std::nullopt, {});
  EXPECT_THAT(nobody.status().message(), HasSubstr("needs named recipients"));
  // TLP 1.0 WHITE is CLEAR: signed, not encrypted.
  auto white = ComposeAs("CERT-EE", MarkedWith("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"),
                         std::nullopt, {});
  ASSERT_OK(white.status());
  EXPECT_EQ(white->header.tlp, Tlp::kClear);
  EXPECT_FALSE(white->header.encrypted);
}

TEST_F(ComposeTest, NoObjectMayClaimAnotherRegisteredOrganisation) {
  EXPECT_OK(ComposeAs("CERT-EE", CreatedBy("CERT-EE"), Tlp::kAmber).status());
  // An identity that is no registered organisation's (MITRE's, say).
  EXPECT_OK(ComposeAs("CERT-EE",
                      test::Indicator(R"("created_by_ref":"identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5",)"),
                      Tlp::kAmber)
                .status());
  auto claimed = ComposeAs("CERT-EE", CreatedBy("CERT-UA"), Tlp::kAmber);
  ASSERT_EQ(claimed.status().code(), ErrorCode::kOriginMismatch);
  EXPECT_THAT(claimed.status().message(),
              HasSubstr(std::string(kIndicatorId) + " names CERT-UA's identity (" +
                        OrganisationIdentityId("CERT-UA") + ") in created_by_ref"));
  // In a bundle, any object.
  const std::string bundle =
      R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[)" +
      CreatedBy("CERT-EE") + "," +
      R"({"type":"identity","spec_version":"2.1","id":"identity--bbd6aa74-a810-4ed1-a420-4c8ee8901df0",)"
      R"("created":"2026-11-27T09:00:00.000Z","modified":"2026-11-27T09:00:00.000Z","name":"x",)"
      R"("created_by_ref":")" + OrganisationIdentityId("CERT-XX") + R"("}]})";
  auto in_bundle = ComposeAs("CERT-EE", bundle, Tlp::kAmber);
  ASSERT_EQ(in_bundle.status().code(), ErrorCode::kOriginMismatch);
  EXPECT_THAT(in_bundle.status().message(),
              HasSubstr("identity--bbd6aa74-a810-4ed1-a420-4c8ee8901df0 names CERT-XX's"));
}

// Routing topics (agent/stix/topics.h): Compose puts them in the signed
// header: GREEN by default, AMBER only
// when asked; topics given by hand always.
TEST(TopicsTest, ComposeWritesThemIntoTheHeader) {
  using Topics = std::vector<std::string>;
  testing::TempDir dir;
  identity::Registry registry;
  std::map<std::string, identity::Identity> ids;
  for (const char* org : {"CERT-EE", "CERT-UA"}) {
    auto files = identity::Generate(org, org, dir.path());
    ASSERT_OK(files.status());
    auto id = identity::LoadIdentity(files->secret_path);
    ASSERT_OK(id.status());
    ASSERT_OK(registry.Put(id->card));
    ids.emplace(org, std::move(*id));
  }
  const identity::Identity& ee = ids.at("CERT-EE");
  envelope::Sealer sealer("CERT-EE", ee.sign_secret, ee.box_secret);
  auto compose = [&](Tlp tlp, TopicMode mode, Topics by_hand) {
    ComposeOptions options;
    options.tlp = tlp;
    options.recipients = {"CERT-UA"};
    options.topic_mode = mode;
    options.topics = std::move(by_hand);
    auto composed = Compose(kIncidentBundle, options, ee, registry, sealer);
    EXPECT_OK(composed.status());
    return composed.ok() ? composed->header.topics : Topics{"(failed)"};
  };
  const Topics all{"country:EE", "rsit:fraud", "rsit:intrusions", "sector:energy",
                   "sector:utilities"};
  EXPECT_EQ(compose(Tlp::kGreen, TopicMode::kDefault, {}), all);
  EXPECT_EQ(compose(Tlp::kAmber, TopicMode::kDefault, {}), Topics{});
  EXPECT_EQ(compose(Tlp::kAmber, TopicMode::kDefault, {"campaign:x"}), Topics{"campaign:x"});
  EXPECT_EQ(compose(Tlp::kRed, TopicMode::kAuto, {}), all);
  EXPECT_EQ(compose(Tlp::kGreen, TopicMode::kNone, {"sector:energy"}), Topics{"sector:energy"});
}

}  // namespace
}  // namespace certshare::agent
