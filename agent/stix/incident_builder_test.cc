#include "agent/stix/incident_builder.h"

#include <gtest/gtest.h>

#include "agent/stix/builder_test_util.h"
#include "agent/stix/uuid.h"
#include "common/base/testing.h"

namespace certshare::agent {
namespace {

using testing::ExpectValidStix;
using testing::OfType;
using testing::ParseOrDie;
using testing::S;

const Author kAuthor{"CERT-EE", "CERT Estonia"};
constexpr StixMillis kNow = 1772431200123;  // 2026-03-02T06:00:00.123Z

IncidentSpec Phishing() {
  IncidentSpec spec;
  spec.name = "Tax-refund phishing";
  spec.description = "Emails posing as a tax-refund notice lead to a loader.";
  spec.rsit = *rsit::Find("fraud/phishing");
  spec.determination = "confirmed";
  spec.investigation_status = "open";
  spec.tlp = Tlp::kAmber;
  return spec;
}

std::string Build(const IncidentSpec& spec, std::string* incident_id = nullptr) {
  Bundle bundle;
  auto id = BuildIncident(spec, kAuthor, kNow, &bundle);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  if (incident_id && id.ok()) *incident_id = *id;
  return bundle.ToJson();
}

const rapidjson::Value& Core(const rapidjson::Value& incident) {
  return incident["extensions"][kIncidentCoreExtensionId.data()];
}

TEST(IncidentBuilderTest, MinimalIncidentIsValidStix) {
  std::string incident_id;
  const std::string text = Build(Phishing(), &incident_id);
  ExpectValidStix(text);
  const auto doc = ParseOrDie(text);
  ASSERT_EQ(doc["objects"].Size(), 3u);  // marking, identity, incident

  const auto markings = OfType(doc, "marking-definition");
  ASSERT_EQ(markings.size(), 1u);
  EXPECT_EQ(S(*markings[0], "id"), TlpMarkingId(Tlp::kAmber));
  EXPECT_EQ(S(*markings[0], "name"), "TLP:AMBER");

  const auto identities = OfType(doc, "identity");
  ASSERT_EQ(identities.size(), 1u);
  EXPECT_EQ(S(*identities[0], "id"), "identity--" + Uuid5(kCertshareNamespace, "org:CERT-EE"));
  EXPECT_EQ(S(*identities[0], "name"), "CERT Estonia");
  EXPECT_EQ(S(*identities[0], "identity_class"), "organization");

  const rapidjson::Value& incident = *OfType(doc, "incident").at(0);
  EXPECT_EQ(S(incident, "id"), incident_id);
  EXPECT_TRUE(schemas::IsStixId(incident_id, "incident"));
  EXPECT_EQ(incident_id[10 + 14], '4');  // UUIDv4
  EXPECT_EQ(S(incident, "created_by_ref"), S(*identities[0], "id"));
  EXPECT_EQ(S(incident, "created"), "2026-03-02T06:00:00.123Z");
  EXPECT_EQ(S(incident, "modified"), S(incident, "created"));
  EXPECT_EQ(S(incident, "name"), "Tax-refund phishing");
  EXPECT_EQ(incident["labels"][0].GetString(), std::string("rsit:fraud=\"phishing\""));
  EXPECT_EQ(incident["object_marking_refs"][0].GetString(), TlpMarkingId(Tlp::kAmber));
  const rapidjson::Value& core = Core(incident);
  EXPECT_EQ(S(core, "extension_type"), "property-extension");
  EXPECT_EQ(S(core, "determination"), "confirmed");
  EXPECT_EQ(S(core, "investigation_status"), "open");
  EXPECT_FALSE(core.HasMember("incident_types"));  // phishing maps to none
  EXPECT_FALSE(core.HasMember("criticality"));
  EXPECT_FALSE(core.HasMember("events"));

  auto summary = schemas::Summarise(text);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->tlp, Tlp::kAmber);
}

TEST(IncidentBuilderTest, FullIncidentIsValidStix) {
  IncidentSpec spec = Phishing();
  spec.rsit = *rsit::Find("malicious-code/infected-system");
  spec.criticality = 70;
  spec.extra_incident_types = {"dissemination-malware-email", "infected-by-known-malware"};
  spec.sectors = {"government-national", "healthcare"};
  spec.countries = {"EE", "UA"};
  spec.first_seen = kNow - 86'400'000;
  spec.last_seen = kNow - 3'600'000;
  spec.tlp = Tlp::kRed;
  std::string incident_id;
  const std::string text = Build(spec, &incident_id);
  ExpectValidStix(text);
  const auto doc = ParseOrDie(text);

  const rapidjson::Value& incident = *OfType(doc, "incident").at(0);
  const rapidjson::Value& core = Core(incident);
  EXPECT_EQ(core["criticality"].GetInt(), 70);
  ASSERT_EQ(core["incident_types"].Size(), 2u);  // the mapping's, then the extra one
  EXPECT_EQ(core["incident_types"][0].GetString(), std::string("infected-by-known-malware"));
  EXPECT_EQ(core["incident_types"][1].GetString(), std::string("dissemination-malware-email"));

  const auto events = OfType(doc, "event");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(S(core["events"][0], "event_ref"), S(*events[0], "id"));
  EXPECT_EQ(S(*events[0], "status"), "occurred");
  EXPECT_EQ(S(*events[0], "start_time"), "2026-03-01T06:00:00.123Z");
  EXPECT_EQ(S(*events[0], "end_time"), "2026-03-02T05:00:00.123Z");
  EXPECT_TRUE(events[0]->HasMember("extensions"));

  // Two sectors, two countries, each linked from the incident.
  const auto identities = OfType(doc, "identity");
  ASSERT_EQ(identities.size(), 3u);
  EXPECT_EQ(S(*identities[1], "identity_class"), "class");
  EXPECT_EQ((*identities[1])["sectors"][0].GetString(), std::string("government-national"));
  const auto locations = OfType(doc, "location");
  ASSERT_EQ(locations.size(), 2u);
  EXPECT_EQ(S(*locations[0], "country"), "EE");
  EXPECT_EQ(S(*locations[0], "id"), NamedStixId("location", "country:EE"));
  const auto relationships = OfType(doc, "relationship");
  ASSERT_EQ(relationships.size(), 4u);
  int targets = 0, located = 0;
  for (const auto* r : relationships) {
    EXPECT_EQ(S(*r, "source_ref"), incident_id);
    EXPECT_EQ((*r)["object_marking_refs"][0].GetString(), TlpMarkingId(Tlp::kRed));
    targets += S(*r, "relationship_type") == "targets";
    located += S(*r, "relationship_type") == "located-at";
  }
  EXPECT_EQ(targets, 2);
  EXPECT_EQ(located, 2);
}

TEST(IncidentBuilderTest, OnlyFirstSeenMeansOngoing) {
  IncidentSpec spec = Phishing();
  spec.first_seen = kNow - 1000;
  const auto doc = ParseOrDie(Build(spec));
  const auto events = OfType(doc, "event");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(S(*events[0], "status"), "ongoing");
  EXPECT_FALSE(events[0]->HasMember("end_time"));
}

TEST(IncidentBuilderTest, EqualFirstAndLastSeenHaveNoEndTime) {
  IncidentSpec spec = Phishing();
  spec.first_seen = spec.last_seen = kNow - 1000;
  const std::string text = Build(spec);
  ExpectValidStix(text);
  const rapidjson::Document doc = ParseOrDie(text);  // OfType points into it
  const auto events = OfType(doc, "event");
  EXPECT_FALSE(events.at(0)->HasMember("end_time"));
}

TEST(IncidentBuilderTest, ReferenceObjectsAreTheSameInEveryBuild) {
  IncidentSpec spec = Phishing();
  spec.sectors = {"energy"};
  spec.countries = {"EE"};
  const auto a = ParseOrDie(Build(spec));
  const auto b = ParseOrDie(Build(spec));
  EXPECT_EQ(*OfType(a, "identity")[0], *OfType(b, "identity")[0]);
  EXPECT_EQ(*OfType(a, "identity")[1], *OfType(b, "identity")[1]);
  EXPECT_EQ(*OfType(a, "location")[0], *OfType(b, "location")[0]);
  EXPECT_NE(S(*OfType(a, "incident")[0], "id"), S(*OfType(b, "incident")[0], "id"));
}

TEST(IncidentBuilderTest, EveryRsitTypeAndTlpBuildsValidStix) {
  const Tlp tlps[] = {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed};
  std::size_t i = 0;
  for (const rsit::Type& t : rsit::Types()) {
    IncidentSpec spec = Phishing();
    spec.rsit = &t;
    spec.tlp = tlps[i++ % 5];
    const std::string text = Build(spec);
    ExpectValidStix(text);
    auto summary = schemas::Summarise(text);
    ASSERT_TRUE(summary.ok()) << rsit::Name(t);
    EXPECT_EQ(summary->tlp, spec.tlp);
  }
}

TEST(IncidentBuilderTest, RefusesBadValues) {
  auto expect_refused = [](IncidentSpec spec, std::string_view needle) {
    const Status s = CheckIncidentSpec(spec);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << needle;
    EXPECT_NE(s.message().find(needle), std::string::npos) << s.message();
    Bundle bundle;
    EXPECT_FALSE(BuildIncident(spec, kAuthor, kNow, &bundle).ok());
    EXPECT_EQ(bundle.size(), 0u);
  };
  IncidentSpec s = Phishing();
  s.name.clear();
  expect_refused(s, "--name");
  s = Phishing();
  s.rsit = nullptr;
  expect_refused(s, "--rsit");
  s = Phishing();
  s.determination = "maybe";
  expect_refused(s, "blocked, confirmed, failed-attempt, false-positive, suspected");
  s = Phishing();
  s.investigation_status = "done";
  expect_refused(s, "new, open, closed");
  s = Phishing();
  s.criticality = 101;
  expect_refused(s, "0 to 100");
  s.criticality = -1;
  expect_refused(s, "0 to 100");
  s = Phishing();
  s.sectors = {"banking"};
  expect_refused(s, "--sector");
  s = Phishing();
  s.countries = {"ee"};
  expect_refused(s, "ISO 3166-1");
  s = Phishing();
  s.extra_incident_types = {"Not A Type"};
  expect_refused(s, "--incident-type");
  s = Phishing();
  s.first_seen = kNow;
  s.last_seen = kNow - 1;
  expect_refused(s, "before --first-seen");
}

TEST(LinkToIncidentTest, IndicatorsIndicateObservablesAreRelated) {
  Bundle bundle;
  auto incident_id = BuildIncident(Phishing(), kAuthor, kNow, &bundle);
  ASSERT_TRUE(incident_id.ok());
  ASSERT_TRUE(bundle.AddDocument(R"([
    {"type":"indicator","spec_version":"2.1","id":"indicator--4aed653b-bbdb-4319-9a83-c17179e134d0",
     "created":"2026-03-03T11:02:10.000Z","modified":"2026-03-03T11:02:10.000Z",
     "pattern":"[ipv4-addr:value = '203.0.113.47']","pattern_type":"stix",
     "valid_from":"2026-03-02T06:00:00Z"},
    {"type":"indicator","spec_version":"2.1","id":"indicator--5bed653b-bbdb-4319-9a83-c17179e134d0",
     "created":"2026-03-03T11:02:10.000Z","modified":"2026-03-03T11:02:10.000Z",
     "pattern":"[ipv4-addr:value = '203.0.113.48']","pattern_type":"stix",
     "valid_from":"2026-03-02T06:00:00Z"},
    {"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd",
     "value":"203.0.113.47"}])", "attached").ok());
  // The second indicator already indicates the incident: not linked again.
  const Stamp stamp{OrganisationIdentityId("CERT-EE"), FormatTimestamp(kNow), Tlp::kAmber};
  ASSERT_TRUE(bundle.Add(Relationship("indicates", "indicator--5bed653b-bbdb-4319-9a83-c17179e134d0",
                                      *incident_id, stamp, bundle.allocator()))
                  .ok());
  auto added = LinkToIncident(*incident_id, stamp, &bundle);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, 2u);
  const std::string text = bundle.ToJson();
  ExpectValidStix(text);
  const rapidjson::Document doc = ParseOrDie(text);  // OfType points into it
  const auto relationships = OfType(doc, "relationship");
  ASSERT_EQ(relationships.size(), 3u);
  EXPECT_EQ(S(*relationships[1], "relationship_type"), "indicates");
  EXPECT_EQ(S(*relationships[1], "source_ref"), "indicator--4aed653b-bbdb-4319-9a83-c17179e134d0");
  EXPECT_EQ(S(*relationships[1], "target_ref"), *incident_id);
  EXPECT_EQ(S(*relationships[2], "relationship_type"), "related-to");
  EXPECT_EQ(S(*relationships[2], "source_ref"), *incident_id);
  EXPECT_EQ(S(*relationships[2], "target_ref"), "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd");
  // Linking again adds nothing.
  EXPECT_EQ(*LinkToIncident(*incident_id, stamp, &bundle), 0u);
}

}  // namespace
}  // namespace certshare::agent
