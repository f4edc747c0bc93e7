#include "agent/stix/indicator_builder.h"

#include <gtest/gtest.h>

#include "agent/stix/builder_test_util.h"
#include "common/base/testing.h"

namespace certshare::agent {
namespace {

using testing::ExpectValidStix;
using testing::OfType;
using testing::ParseOrDie;
using testing::S;

const Author kAuthor{"CERT-EE", "CERT-EE"};
constexpr StixMillis kNow = 1772431200000;  // 2026-03-02T06:00:00.000Z

IndicatorSpec Spec() {
  IndicatorSpec spec;
  spec.observables.push_back(*ParseDomainObservable("tax-refund-portal.example"));
  spec.observables.push_back(*ParseIpObservable("203.0.113.47"));
  return spec;
}

std::string Build(const IndicatorSpec& spec) {
  Bundle bundle;
  auto id = BuildIndicator(spec, kAuthor, kNow, &bundle);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return bundle.ToJson();
}

TEST(IndicatorBuilderTest, UnmarkedIndicatorIsValidStix) {
  const std::string text = Build(Spec());
  ExpectValidStix(text);
  const auto doc = ParseOrDie(text);
  EXPECT_EQ(OfType(doc, "marking-definition").size(), 0u);
  const rapidjson::Value& ind = *OfType(doc, "indicator").at(0);
  EXPECT_EQ(S(ind, "pattern"),
            "[domain-name:value = 'tax-refund-portal.example'] OR "
            "[ipv4-addr:value = '203.0.113.47']");
  EXPECT_EQ(S(ind, "pattern_type"), "stix");
  EXPECT_EQ(S(ind, "pattern_version"), "2.1");
  EXPECT_EQ(S(ind, "valid_from"), "2026-03-02T06:00:00.000Z");
  EXPECT_EQ(S(ind, "name"), "Indicator: 2 observables");
  EXPECT_EQ(ind["indicator_types"][0].GetString(), std::string("malicious-activity"));
  EXPECT_EQ(S(ind, "created_by_ref"), OrganisationIdentityId("CERT-EE"));
  EXPECT_FALSE(ind.HasMember("object_marking_refs"));
  EXPECT_FALSE(schemas::Summarise(text)->tlp.has_value());
}

TEST(IndicatorBuilderTest, EveryKindOfObservableIsValidStix) {
  for (auto parsed : {ParseIpObservable("2001:db8::/32"), ParseDomainObservable("a.example"),
                      ParseUrlObservable("https://x.example/it's\\a?b=c"),
                      ParseFileHashObservable("sha256:" + std::string(64, 'a')),
                      ParseFileHashObservable("MD5:" + std::string(32, 'b')),
                      ParseFileHashObservable("SHA-1:" + std::string(40, 'c'))}) {
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    IndicatorSpec spec;
    spec.observables = {*parsed};
    spec.tlp = Tlp::kGreen;
    ExpectValidStix(Build(spec));
  }
}

TEST(IndicatorBuilderTest, MarkedNamedAndLinkedToAnIncident) {
  IndicatorSpec spec = Spec();
  spec.name = "Lure infrastructure";
  spec.description = "Landing domain and C2 address.";
  spec.indicator_types = {"malicious-activity", "compromised"};
  spec.valid_from = kNow - 86'400'000;
  spec.valid_until = kNow + 86'400'000;
  spec.tlp = Tlp::kAmberStrict;
  spec.incident_id = "incident--a7e07e8d-4ffb-4141-bde3-bc9484ffff26";
  const std::string text = Build(spec);
  ExpectValidStix(text);
  const auto doc = ParseOrDie(text);
  const rapidjson::Value& ind = *OfType(doc, "indicator").at(0);
  EXPECT_EQ(S(ind, "name"), "Lure infrastructure");
  EXPECT_EQ(S(ind, "valid_from"), "2026-03-01T06:00:00.000Z");
  EXPECT_EQ(S(ind, "valid_until"), "2026-03-03T06:00:00.000Z");
  EXPECT_EQ(ind["object_marking_refs"][0].GetString(), TlpMarkingId(Tlp::kAmberStrict));
  const auto rel = OfType(doc, "relationship");
  ASSERT_EQ(rel.size(), 1u);
  EXPECT_EQ(S(*rel[0], "relationship_type"), "indicates");
  EXPECT_EQ(S(*rel[0], "source_ref"), S(ind, "id"));
  EXPECT_EQ(S(*rel[0], "target_ref"), spec.incident_id);
  EXPECT_EQ(schemas::Summarise(text)->tlp, Tlp::kAmberStrict);
}

TEST(IndicatorBuilderTest, RefusesBadValues) {
  IndicatorSpec spec;
  EXPECT_CODE(CheckIndicatorSpec(spec), ErrorCode::kInvalidArgument);  // no observable
  spec = Spec();
  spec.indicator_types = {"evil"};
  EXPECT_CODE(CheckIndicatorSpec(spec), ErrorCode::kInvalidArgument);
  spec = Spec();
  spec.incident_id = "indicator--a7e07e8d-4ffb-4141-bde3-bc9484ffff26";
  EXPECT_CODE(CheckIndicatorSpec(spec), ErrorCode::kInvalidArgument);
  spec.incident_id = "incident--A7E07E8D-4ffb-4141-bde3-bc9484ffff26";
  EXPECT_CODE(CheckIndicatorSpec(spec), ErrorCode::kInvalidArgument);
  spec = Spec();
  spec.valid_from = kNow;
  spec.valid_until = kNow;
  EXPECT_CODE(CheckIndicatorSpec(spec), ErrorCode::kInvalidArgument);
  spec = Spec();
  spec.valid_until = kNow - 1;  // before the default valid_from, now
  Bundle bundle;
  EXPECT_CODE(BuildIndicator(spec, kAuthor, kNow, &bundle).status(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace certshare::agent
