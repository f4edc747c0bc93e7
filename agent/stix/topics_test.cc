// Routing topics: what a document implies (agent/stix/topics.h). Compose
// putting them in the signed header: agent/link/compose_test.cc.
#include "agent/stix/topics.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/stix/topics_test_util.h"
#include "common/envelope/envelope.h"

namespace certshare::agent {
namespace {

using Topics = std::vector<std::string>;
using test::kIncidentBundle;

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

}  // namespace
}  // namespace certshare::agent
