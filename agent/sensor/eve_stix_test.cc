#include "agent/sensor/eve_stix.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "agent/sensor/eve_samples.h"
#include "agent/sensor/sco_id.h"
#include "agent/stix/builder_test_util.h"
#include "common/base/testing.h"

namespace certshare::agent::sensor {
namespace {

using agent::testing::OfType;
using agent::testing::ParseOrDie;
using agent::testing::S;

const Author kAuthor{"CERT-EE", "CERT Estonia"};

SensorEvent MapOrDie(EveMapper& m, std::string_view line) {
  auto r = m.Map(line);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok() || !*r) {
    ADD_FAILURE() << "no event for " << line;
    return {};
  }
  return std::move(**r);
}

const rapidjson::Value& One(const rapidjson::Value& bundle, std::string_view type) {
  auto all = OfType(bundle, type);
  EXPECT_EQ(all.size(), 1u) << type;
  static const rapidjson::Value kNull;
  return all.empty() ? kNull : *all.front();
}

TEST(EveMapperTest, TcpAlertBecomesASightingWithObservedData) {
  EveMapper m(kAuthor, Tlp::kAmber);
  SensorEvent e = MapOrDie(m, samples::kTcpV4);
  agent::testing::ExpectValidStix(e.payload);
  EXPECT_EQ(e.stix_type, "bundle");
  EXPECT_EQ(e.modified, "2026-11-27T09:00:00.123Z");
  EXPECT_EQ(e.marked, Tlp::kAmber);
  rapidjson::Document doc = ParseOrDie(e.payload);
  EXPECT_EQ(S(doc, "id"), e.stix_id);

  const rapidjson::Value& sighting = One(doc, "sighting");
  EXPECT_EQ(S(sighting, "first_seen"), "2026-11-27T09:00:00.123456Z");
  EXPECT_EQ(S(sighting, "last_seen"), "2026-11-27T09:00:00.123456Z");
  EXPECT_EQ(S(sighting, "created"), "2026-11-27T09:00:00.123Z");
  EXPECT_EQ(sighting["count"].GetInt(), 1);
  EXPECT_EQ(S(sighting, "created_by_ref"), OrganisationIdentityId("CERT-EE"));
  EXPECT_EQ(sighting["where_sighted_refs"][0].GetString(), OrganisationIdentityId("CERT-EE"));
  EXPECT_NE(S(sighting, "description").find("severity 2, allowed, flow 586497171462735"),
            std::string::npos);

  const rapidjson::Value& pattern = One(doc, "attack-pattern");
  EXPECT_EQ(S(sighting, "sighting_of_ref"), S(pattern, "id"));
  EXPECT_EQ(S(pattern, "id"), SignatureObjectId("attack-pattern", "CERT-EE", 1, 2018358, 10));
  EXPECT_EQ(S(pattern, "name"), "ET HUNTING GENERIC SUSPICIOUS POST to Dotted Quad with Fake Browser 1");
  EXPECT_EQ(S(pattern["external_references"][0], "external_id"), "1:2018358:10");

  const rapidjson::Value& od = One(doc, "observed-data");
  EXPECT_EQ(sighting["observed_data_refs"][0].GetString(), S(od, "id"));
  EXPECT_EQ(S(od, "first_observed"), "2026-11-27T09:00:00.123456Z");
  EXPECT_EQ(od["number_observed"].GetInt(), 1);
  ASSERT_EQ(od["object_refs"].Size(), 3u);

  const rapidjson::Value& nt = One(doc, "network-traffic");
  EXPECT_EQ(od["object_refs"][0].GetString(), S(nt, "id"));
  EXPECT_EQ(nt["src_port"].GetInt(), 50096);
  EXPECT_EQ(nt["dst_port"].GetInt(), 80);
  EXPECT_EQ(S(nt, "start"), "2026-11-27T08:59:59.900001Z");
  ASSERT_EQ(nt["protocols"].Size(), 3u);
  EXPECT_STREQ(nt["protocols"][0].GetString(), "ipv4");
  EXPECT_STREQ(nt["protocols"][1].GetString(), "tcp");
  EXPECT_STREQ(nt["protocols"][2].GetString(), "http");
  EXPECT_EQ(S(nt, "src_ref"), AddressId("ipv4-addr", "192.168.2.14"));
  EXPECT_EQ(S(nt, "dst_ref"), AddressId("ipv4-addr", "209.53.113.5"));
  EXPECT_EQ(OfType(doc, "ipv4-addr").size(), 2u);

  // Every object is marked with the TLP (SCOs too: a consumer that splits
  // the bundle keeps the marking on each object), except the marking
  // definition and the organisation's identity, which is the same object in
  // every record whatever its TLP (agent/stix/stix_objects.h).
  for (const auto& o : doc["objects"].GetArray()) {
    if (S(o, "type") == "marking-definition" || S(o, "type") == "identity") continue;
    ASSERT_TRUE(o.HasMember("object_marking_refs")) << S(o, "type");
    EXPECT_EQ(o["object_marking_refs"][0].GetString(), TlpMarkingId(Tlp::kAmber));
  }
}

TEST(EveMapperTest, RuleTextMakesAnIndicatorWithASuricataPattern) {
  EveMapper m(kAuthor, Tlp::kGreen);
  SensorEvent e = MapOrDie(m, samples::kUdpV6);
  agent::testing::ExpectValidStix(e.payload);
  rapidjson::Document doc = ParseOrDie(e.payload);
  const rapidjson::Value& indicator = One(doc, "indicator");
  EXPECT_EQ(S(indicator, "pattern_type"), "suricata");
  EXPECT_NE(S(indicator, "pattern").find("sid:42"), std::string::npos);
  EXPECT_EQ(S(indicator, "id"), SignatureObjectId("indicator", "CERT-EE", 1, 42, 3));
  EXPECT_EQ(S(One(doc, "sighting"), "sighting_of_ref"), S(indicator, "id"));
  EXPECT_TRUE(OfType(doc, "attack-pattern").empty());
  EXPECT_EQ(OfType(doc, "ipv6-addr").size(), 2u);
  const rapidjson::Value& nt = One(doc, "network-traffic");
  EXPECT_STREQ(nt["protocols"][0].GetString(), "ipv6");
  EXPECT_STREQ(nt["protocols"][1].GetString(), "udp");
  EXPECT_STREQ(nt["protocols"][2].GetString(), "dns");
}

TEST(EveMapperTest, IcmpAlertsCarryTheIcmpExtension) {
  EveMapper m(kAuthor, Tlp::kClear);
  for (const char* line : {samples::kIcmpV4, samples::kIcmpV6}) {
    SensorEvent e = MapOrDie(m, line);
    agent::testing::ExpectValidStix(e.payload);
    rapidjson::Document doc = ParseOrDie(e.payload);
    const rapidjson::Value& nt = One(doc, "network-traffic");
    EXPECT_FALSE(nt.HasMember("src_port"));
    ASSERT_TRUE(nt.HasMember("extensions")) << e.payload;
    EXPECT_EQ(S(nt["extensions"]["icmp-ext"], "icmp_code_hex"), "00");
  }
  rapidjson::Document v4 = ParseOrDie(MapOrDie(m, samples::kIcmpV4).payload);
  EXPECT_EQ(S(One(v4, "network-traffic")["extensions"]["icmp-ext"], "icmp_type_hex"), "08");
  rapidjson::Document v6 = ParseOrDie(MapOrDie(m, samples::kIcmpV6).payload);
  EXPECT_EQ(S(One(v6, "network-traffic")["extensions"]["icmp-ext"], "icmp_type_hex"), "86");
}

TEST(EveMapperTest, MinimalAlertStillMakesValidStix) {
  EveMapper m(kAuthor, Tlp::kRed);
  SensorEvent e = MapOrDie(m, samples::kMinimal);
  agent::testing::ExpectValidStix(e.payload);
  rapidjson::Document doc = ParseOrDie(e.payload);
  const rapidjson::Value& nt = One(doc, "network-traffic");
  EXPECT_FALSE(nt.HasMember("src_ref"));
  EXPECT_EQ(nt["protocols"].Size(), 1u);
  EXPECT_EQ(S(One(doc, "attack-pattern"), "name"), "Suricata signature 1:1000001:0");
  EXPECT_EQ(One(doc, "observed-data")["object_refs"].Size(), 2u);
}

TEST(EveMapperTest, IdsAreDeterministic) {
  EveMapper m(kAuthor, Tlp::kAmber);
  SensorEvent a = MapOrDie(m, samples::kTcpV4);
  SensorEvent again = MapOrDie(m, samples::kTcpV4);
  EXPECT_EQ(a.payload, again.payload);  // the same line is the same record
  EXPECT_EQ(a.stix_id, again.stix_id);

  // Another alert of the same rule revision: new sighting, same signature
  // object and the same addresses.
  std::string later = samples::kTcpV4;
  later.replace(later.find("10:00:00.123456"), 15, "10:00:07.000001");
  SensorEvent b = MapOrDie(m, later);
  rapidjson::Document da = ParseOrDie(a.payload), db = ParseOrDie(b.payload);
  EXPECT_NE(a.stix_id, b.stix_id);
  EXPECT_NE(S(One(da, "sighting"), "id"), S(One(db, "sighting"), "id"));
  EXPECT_EQ(S(One(da, "attack-pattern"), "id"), S(One(db, "attack-pattern"), "id"));
  EXPECT_EQ(S(One(da, "network-traffic"), "id"), S(One(db, "network-traffic"), "id"));

  // Another organisation's sensor: its own signature object.
  EveMapper other({"CERT-UA", ""}, Tlp::kAmber);
  rapidjson::Document dc = ParseOrDie(MapOrDie(other, samples::kTcpV4).payload);
  EXPECT_NE(S(One(da, "attack-pattern"), "id"), S(One(dc, "attack-pattern"), "id"));
  EXPECT_EQ(S(One(da, "network-traffic"), "id"), S(One(dc, "network-traffic"), "id"));
}

TEST(EveMapperTest, NonAlertsAreSkippedAndBadLinesFail) {
  EveMapper m(kAuthor, Tlp::kAmber);
  auto flow = m.Map(samples::kFlow);
  ASSERT_OK(flow.status());
  EXPECT_FALSE(*flow);
  auto dns = m.Map(samples::kDns);
  ASSERT_OK(dns.status());
  EXPECT_FALSE(*dns);
  EXPECT_FALSE(m.Map("{\"event_type\":\"alert\"}").ok());
  EXPECT_FALSE(m.Map("\xff\xfe").ok());
}

TEST(EveMapperTest, SameAddressBothWaysIsOneObject) {
  EveMapper m(kAuthor, Tlp::kAmber);
  const std::string line =
      R"({"timestamp":"2026-11-27T10:00:00Z","event_type":"alert","src_ip":"10.1.1.1",)"
      R"("dest_ip":"10.1.1.1","proto":"TCP","src_port":1,"dest_port":2,"alert":{"signature_id":5}})";
  SensorEvent e = MapOrDie(m, line);
  agent::testing::ExpectValidStix(e.payload);
  EXPECT_EQ(OfType(ParseOrDie(e.payload), "ipv4-addr").size(), 1u);
}

// What the mapper makes passes the OASIS STIX 2.1 schemas too
// (../shared/tools/validate-stix), not only certshare's own rules.
TEST(EveMapperTest, OutputPassesTheOasisSchemas) {
  const std::string tool = std::string(CERTSHARE_SHARED_DIR) + "/tools/validate-stix";
  SKIP_WITHOUT_OASIS_MATERIAL(CERTSHARE_SHARED_DIR, tool);
  certshare::testing::TempDir dir;
  EveMapper m(kAuthor, Tlp::kAmber);
  int n = 0;
  for (const char* line : {samples::kTcpV4, samples::kUdpV6, samples::kIcmpV4, samples::kIcmpV6,
                           samples::kMinimal}) {
    std::ofstream(dir.File("event" + std::to_string(n++) + ".json")) << MapOrDie(m, line).payload;
  }
  const std::string command = "/usr/bin/python3 " + tool + " --bundle " + dir.path() + " >" +
                              dir.File("report.txt") + " 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream report(dir.File("report.txt"));
  std::string text((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
  EXPECT_EQ(status, 0) << text;
}

}  // namespace
}  // namespace certshare::agent::sensor
