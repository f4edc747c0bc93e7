// Routing topics: what a document implies, and when Compose puts them in
// the signed header (agent/topics.h).
#include "agent/topics.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "agent/compose.h"
#include "common/base/testing.h"
#include "common/envelope/envelope.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::agent {
namespace {

using Topics = std::vector<std::string>;

// A bundle as `certshare new incident --rsit intrusions/system-compromise
// --sector energy --country ee` makes it, trimmed to what matters.
constexpr char kIncidentBundle[] = R"({"type":"bundle","id":"bundle--7f4e4d3c-1a2b-4c5d-8e9f-0a1b2c3d4e5f","objects":[
  {"type":"incident","spec_version":"2.1","id":"incident--2a9d8c4e-6b1f-4e3a-9c7d-5f8e2b1a0c3d",
   "created":"2026-11-27T10:00:00.000Z","modified":"2026-11-27T10:00:00.000Z","name":"x",
   "labels":["rsit:intrusions=\"system-compromise\"","RSIT:Fraud/phishing","other","rsit:"]},
  {"type":"identity","spec_version":"2.1","id":"identity--5e3c4b2a-1d0f-5e9a-8b7c-6d5e4f3a2b1c",
   "created":"2026-11-27T10:00:00.000Z","modified":"2026-11-27T10:00:00.000Z","name":"energy",
   "identity_class":"class","sectors":["energy","utilities"]},
  {"type":"identity","spec_version":"2.1","id":"identity--9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
   "created":"2026-11-27T10:00:00.000Z","modified":"2026-11-27T10:00:00.000Z","name":"CERT-EE",
   "identity_class":"organization","sectors":["government-national"]},
  {"type":"location","spec_version":"2.1","id":"location--1b2c3d4e-5f6a-5b7c-8d9e-0f1a2b3c4d5e",
   "created":"2026-11-27T10:00:00.000Z","modified":"2026-11-27T10:00:00.000Z","country":"ee"}]})";

TEST(TopicsTest, DerivedFromIncidentLabelsSectorClassesAndCountries) {
  EXPECT_EQ(DeriveTopics(kIncidentBundle),
            (Topics{"country:EE", "rsit:fraud", "rsit:intrusions", "sector:energy",
                    "sector:utilities"}));
}

TEST(TopicsTest, NothingFromOtherObjectsOrBadInput) {
  EXPECT_TRUE(DeriveTopics(R"({"type":"indicator","labels":["rsit:fraud=\"x\""]})").empty());
  EXPECT_TRUE(DeriveTopics("not json").empty());
  EXPECT_TRUE(DeriveTopics("[]").empty());
  EXPECT_EQ(DeriveTopics(R"({"type":"incident","labels":["rsit:test=\"test\""]})"),
            (Topics{"rsit:test"}));
}

TEST(TopicsTest, BoundedInNumberAndLength) {
  std::string sectors;
  for (int i = 0; i < 100; ++i) sectors += (i ? ",\"s" : "\"s") + std::to_string(i) + "\"";
  sectors += ",\"" + std::string(300, 'x') + "\"";
  const std::string doc =
      R"({"type":"identity","identity_class":"class","sectors":[)" + sectors + "]}";
  const Topics topics = DeriveTopics(doc);
  EXPECT_EQ(topics.size(), envelope::kMaxTopics);
  for (const std::string& t : topics) EXPECT_LE(t.size(), 255u);
}

TEST(TopicsTest, ModeAndTlp) {
  EXPECT_TRUE(DerivesTopics(TopicMode::kDefault, Tlp::kClear));
  EXPECT_TRUE(DerivesTopics(TopicMode::kDefault, Tlp::kGreen));
  EXPECT_FALSE(DerivesTopics(TopicMode::kDefault, Tlp::kAmber));
  EXPECT_FALSE(DerivesTopics(TopicMode::kDefault, Tlp::kRed));
  EXPECT_TRUE(DerivesTopics(TopicMode::kAuto, Tlp::kRed));
  EXPECT_FALSE(DerivesTopics(TopicMode::kNone, Tlp::kClear));
}

// Compose puts them in the signed header: GREEN by default, AMBER only
// when asked; topics given by hand always.
TEST(TopicsTest, ComposeWritesThemIntoTheHeader) {
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
