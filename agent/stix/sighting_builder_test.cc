#include "agent/stix/sighting_builder.h"

#include <gtest/gtest.h>

#include "agent/stix/builder_test_util.h"
#include "common/base/testing.h"

namespace certshare::agent {
namespace {

using testing::ExpectValidStix;
using testing::OfType;
using testing::ParseOrDie;
using testing::S;

const Author kAuthor{"CERT-UA", "CERT-UA"};
constexpr StixMillis kNow = 1772431200000;
constexpr char kIndicatorId[] = "indicator--4aed653b-bbdb-4319-9a83-c17179e134d0";

TEST(SightingBuilderTest, SightingIsValidStix) {
  SightingSpec spec;
  spec.sighting_of = kIndicatorId;
  spec.count = 12;
  spec.first_seen = kNow - 7'200'000;
  spec.last_seen = kNow - 60'000;
  spec.description = "Proxy logs of two ministries.";
  spec.tlp = Tlp::kAmber;
  Bundle bundle;
  auto id = BuildSighting(spec, kAuthor, kNow, &bundle);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  const std::string text = bundle.ToJson();
  ExpectValidStix(text);
  const auto doc = ParseOrDie(text);
  const rapidjson::Value& s = *OfType(doc, "sighting").at(0);
  EXPECT_EQ(S(s, "id"), *id);
  EXPECT_EQ(S(s, "sighting_of_ref"), kIndicatorId);
  EXPECT_EQ(s["count"].GetInt64(), 12);
  EXPECT_EQ(S(s, "first_seen"), "2026-03-02T04:00:00.000Z");
  EXPECT_EQ(S(s, "last_seen"), "2026-03-02T05:59:00.000Z");
  EXPECT_EQ(s["where_sighted_refs"][0].GetString(), OrganisationIdentityId("CERT-UA"));
  EXPECT_EQ(S(s, "created_by_ref"), OrganisationIdentityId("CERT-UA"));
  EXPECT_EQ(schemas::Summarise(text)->tlp, Tlp::kAmber);
}

TEST(SightingBuilderTest, MinimalSightingIsValidStix) {
  SightingSpec spec;
  spec.sighting_of = kIndicatorId;
  Bundle bundle;
  ASSERT_TRUE(BuildSighting(spec, kAuthor, kNow, &bundle).ok());
  ExpectValidStix(bundle.ToJson());
  spec.count = 0;
  spec.sighting_of = "malware--4aed653b-bbdb-4319-9a83-c17179e134d0";
  Bundle other;
  ASSERT_TRUE(BuildSighting(spec, kAuthor, kNow, &other).ok());
  ExpectValidStix(other.ToJson());
}

TEST(SightingBuilderTest, RefusesBadValues) {
  SightingSpec spec;
  spec.sighting_of = "";
  EXPECT_CODE(CheckSightingSpec(spec), ErrorCode::kInvalidArgument);
  spec.sighting_of = "indicator--nope";
  EXPECT_CODE(CheckSightingSpec(spec), ErrorCode::kInvalidArgument);
  spec.sighting_of = "relationship--4aed653b-bbdb-4319-9a83-c17179e134d0";
  EXPECT_CODE(CheckSightingSpec(spec), ErrorCode::kInvalidArgument);
  spec.sighting_of = kIndicatorId;
  spec.count = kMaxSightingCount + 1;
  EXPECT_CODE(CheckSightingSpec(spec), ErrorCode::kInvalidArgument);
  spec.count = -1;
  EXPECT_CODE(CheckSightingSpec(spec), ErrorCode::kInvalidArgument);
  spec.count = kMaxSightingCount;
  EXPECT_OK(CheckSightingSpec(spec));
  spec.first_seen = kNow;
  spec.last_seen = kNow - 1;
  EXPECT_CODE(CheckSightingSpec(spec), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace certshare::agent
