#include "agent/sensor/jsonl.h"

#include <gtest/gtest.h>

#include "agent/stix/stix_objects.h"
#include "common/base/testing.h"
#include "common/crypto/keys.h"
#include "common/identity/identity.h"

namespace certshare::agent::sensor {
namespace {

const std::string kIndicator =
    R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
    R"("created":"2026-11-27T09:00:00.000Z","modified":"2026-11-27T09:30:00.000Z",)"
    R"("pattern":"[ipv4-addr:value = '203.0.113.47']","pattern_type":"stix",)"
    R"("valid_from":"2026-11-27T09:00:00Z"})";

std::string Marked(Tlp tlp) {
  std::string s = kIndicator;
  s.pop_back();
  return s + ",\"object_marking_refs\":[\"" + std::string(TlpMarkingId(tlp)) + "\"]}";
}

TEST(JsonlMapperTest, AValidObjectIsAnEvent) {
  JsonlMapper m;
  auto e = m.Map(kIndicator);
  ASSERT_OK(e.status());
  ASSERT_TRUE(*e);
  EXPECT_EQ((*e)->stix_type, "indicator");
  EXPECT_EQ((*e)->stix_id, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_EQ((*e)->modified, "2026-11-27T09:30:00.000Z");
  EXPECT_FALSE((*e)->marked);
  EXPECT_EQ((*e)->payload, kIndicator);
  auto marked = m.Map(Marked(Tlp::kRed));
  ASSERT_OK(marked.status());
  EXPECT_EQ((*marked)->marked, Tlp::kRed);
}

TEST(JsonlMapperTest, ABundleIsOneEvent) {
  JsonlMapper m;
  const std::string bundle = R"({"type":"bundle","id":"bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","objects":[)" +
                             kIndicator + "]}";
  auto e = m.Map(bundle);
  ASSERT_OK(e.status());
  EXPECT_EQ((*e)->stix_type, "bundle");
}

// A TLP 1.0 marking is the line's own marking (the pipeline then refuses
// a --tlp below it, naming where it is); with a registry, a line whose
// object names another registered organisation as creator is bad.
TEST(JsonlMapperTest, Tlp1MarkingsAndCreators) {
  JsonlMapper m;
  std::string tlp1 = kIndicator;
  tlp1.pop_back();
  tlp1 += R"(,"object_marking_refs":["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]})";
  auto e = m.Map(tlp1);
  ASSERT_OK(e.status());
  EXPECT_EQ((*e)->marked, Tlp::kAmber);
  EXPECT_EQ((*e)->marked_by,
            "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f is marked TLP:AMBER by "
            "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82 (TLP 1.0 AMBER)");

  certshare::testing::TempDir dir;
  ASSERT_OK(crypto::Init());
  identity::Registry registry;
  for (const char* org : {"CERT-EE", "CERT-UA"}) {
    auto files = identity::Generate(org, org, dir.path());
    ASSERT_OK(files.status());
    auto card = identity::LoadCard(files->card_path);
    ASSERT_OK(card.status());
    ASSERT_OK(registry.Put(*card));
  }
  JsonlMapper checked("CERT-EE", registry);
  auto created_by = [](const std::string& org) {
    std::string line = kIndicator;
    line.pop_back();
    return line + ",\"created_by_ref\":\"" + OrganisationIdentityId(org) + "\"}";
  };
  const std::string own = created_by("CERT-EE");
  const std::string claimed = created_by("CERT-UA");
  EXPECT_OK(checked.Map(own).status());
  EXPECT_CODE(checked.Map(claimed).status(), ErrorCode::kOriginMismatch);
}

// Blank lines are skipped by the pipeline, for every format
// (PipelineTest.BlankLinesAreSkippedNotBadInEveAndJsonLines).
TEST(JsonlMapperTest, BadLinesAreErrors) {
  JsonlMapper m;
  EXPECT_CODE(m.Map("{\"type\":").status(), ErrorCode::kMalformedJson);
  EXPECT_CODE(m.Map("\xC3\x28").status(), ErrorCode::kMalformedJson);
  EXPECT_CODE(m.Map(R"({"type":"incident","id":"incident--nope","spec_version":"2.0"})").status(),
              ErrorCode::kInvalidStix);
  std::string bad_utf8 = kIndicator;
  bad_utf8.replace(bad_utf8.find("stix\""), 1, "\xED\xA0\x80");  // a UTF-16 surrogate
  EXPECT_CODE(m.Map(bad_utf8).status(), ErrorCode::kMalformedJson);
}

}  // namespace
}  // namespace certshare::agent::sensor
