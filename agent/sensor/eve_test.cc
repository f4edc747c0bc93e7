#include "agent/sensor/eve.h"

#include <gtest/gtest.h>

#include "agent/sensor/eve_samples.h"
#include "common/base/testing.h"

namespace certshare::agent::sensor {
namespace {

TEST(EveParseTest, TcpOverIpv4) {
  auto e = ParseEve(samples::kTcpV4);
  ASSERT_OK(e.status());
  ASSERT_TRUE(e->alert);
  const EveAlert& a = *e->alert;
  EXPECT_EQ(a.time.utc, "2026-11-27T09:00:00.123456Z");
  EXPECT_EQ(*a.flow_id, 586497171462735u);
  EXPECT_EQ(a.src->value, "192.168.2.14");
  EXPECT_FALSE(a.src->v6);
  EXPECT_EQ(a.dst->value, "209.53.113.5");
  EXPECT_EQ(*a.src_port, 50096);
  EXPECT_EQ(*a.dst_port, 80);
  EXPECT_EQ(a.proto, "tcp");
  EXPECT_EQ(a.app_proto, "http");
  EXPECT_EQ(a.flow_start->utc, "2026-11-27T08:59:59.900001Z");
  EXPECT_EQ(a.gid, 1u);
  EXPECT_EQ(a.sid, 2018358u);
  EXPECT_EQ(a.rev, 10u);
  EXPECT_EQ(a.category, "Potentially Bad Traffic");
  EXPECT_EQ(*a.severity, 2);
  EXPECT_EQ(a.action, "allowed");
  EXPECT_TRUE(a.rule.empty());
}

TEST(EveParseTest, UdpOverIpv6IsCanonicalised) {
  auto e = ParseEve(samples::kUdpV6);
  ASSERT_OK(e.status());
  const EveAlert& a = *e->alert;
  EXPECT_EQ(a.src->value, "2001:db8::10");  // RFC 5952, whatever Suricata wrote
  EXPECT_TRUE(a.src->v6);
  EXPECT_EQ(a.dst->value, "2001:db8::53");
  EXPECT_EQ(a.proto, "udp");
  EXPECT_EQ(a.action, "blocked");
  EXPECT_NE(a.rule.find("sid:42"), std::string::npos);
}

TEST(EveParseTest, IcmpHasTypeAndCodeAndNoPorts) {
  auto e = ParseEve(samples::kIcmpV4);
  ASSERT_OK(e.status());
  EXPECT_EQ(e->alert->proto, "icmp");
  EXPECT_EQ(*e->alert->icmp_type, 8);
  EXPECT_EQ(*e->alert->icmp_code, 0);
  EXPECT_FALSE(e->alert->src_port);
  EXPECT_EQ(e->alert->time.utc, "2026-11-27T15:00:02.5Z");
  auto v6 = ParseEve(samples::kIcmpV6);
  ASSERT_OK(v6.status());
  EXPECT_EQ(v6->alert->proto, "ipv6-icmp");
}

TEST(EveParseTest, OptionalFieldsMayBeMissing) {
  auto e = ParseEve(samples::kMinimal);
  ASSERT_OK(e.status());
  const EveAlert& a = *e->alert;
  EXPECT_FALSE(a.src);
  EXPECT_EQ(a.dst->value, "203.0.113.1");
  EXPECT_FALSE(a.flow_id);
  EXPECT_TRUE(a.proto.empty());
  EXPECT_EQ(a.gid, 1u);
  EXPECT_EQ(a.rev, 0u);
  EXPECT_FALSE(a.severity);
}

TEST(EveParseTest, OtherEventsAreNotAlerts) {
  auto flow = ParseEve(samples::kFlow);
  ASSERT_OK(flow.status());
  EXPECT_EQ(flow->event_type, "flow");
  EXPECT_FALSE(flow->alert);
  EXPECT_EQ(ParseEve(samples::kDns)->event_type, "dns");
}

TEST(EveParseTest, ProtocolKeywords) {
  EXPECT_EQ(*ProtocolKeyword("TCP"), "tcp");
  EXPECT_EQ(*ProtocolKeyword("IPv6-ICMP"), "ipv6-icmp");
  EXPECT_EQ(*ProtocolKeyword("006"), "tcp");
  EXPECT_EQ(*ProtocolKeyword("47"), "gre");
  EXPECT_EQ(*ProtocolKeyword("253"), "253");
  EXPECT_FALSE(ProtocolKeyword("256"));
  EXPECT_FALSE(ProtocolKeyword("T C P"));
  EXPECT_FALSE(ProtocolKeyword(""));
}

// Each bad line is refused with a message naming what is wrong.
TEST(EveParseTest, MalformedLinesAreRefusedWithTheReason) {
  struct Case {
    std::string line;
    ErrorCode code;
    const char* mentions;
  };
  const std::string ok_alert = R"("alert":{"signature_id":1})";
  const std::vector<Case> cases = {
      {"", ErrorCode::kMalformedJson, ""},
      {"{\"event_type\":\"alert\"", ErrorCode::kMalformedJson, ""},
      {"not json at all", ErrorCode::kMalformedJson, ""},
      {"[1,2,3]", ErrorCode::kInvalidArgument, "object"},
      {"{}", ErrorCode::kInvalidArgument, "event_type"},
      {"{\"event_type\":5}", ErrorCode::kInvalidArgument, "event_type"},
      {R"({"event_type":"alert","event_type":"flow"})", ErrorCode::kMalformedJson, "duplicate"},
      {R"({"event_type":"alert","dest_ip":"10.0.0.1",)" + ok_alert + "}",
       ErrorCode::kInvalidArgument, "timestamp"},
      {R"({"event_type":"alert","timestamp":"2026-11-27T10:00:00.123456","dest_ip":"10.0.0.1",)" +
           ok_alert + "}",
       ErrorCode::kInvalidArgument, "UTC offset"},
      {R"({"event_type":"alert","timestamp":"2026-11-27T10:00:00Z",)" + ok_alert + "}",
       ErrorCode::kInvalidArgument, "src_ip and dest_ip"},
      {R"({"event_type":"alert","timestamp":"2026-11-27T10:00:00Z","src_ip":"x.x.250.50",)" +
           ok_alert + "}",
       ErrorCode::kInvalidArgument, "src_ip"},
      {R"({"event_type":"alert","timestamp":"2026-11-27T10:00:00Z","src_ip":"1.2.3.4","src_port":70000,)" +
           ok_alert + "}",
       ErrorCode::kInvalidArgument, "src_port"},
      {R"({"event_type":"alert","timestamp":"2026-11-27T10:00:00Z","src_ip":"1.2.3.4","src_port":"80",)" +
           ok_alert + "}",
       ErrorCode::kInvalidArgument, "src_port"},
      {R"({"event_type":"alert","timestamp":"2026-11-27T10:00:00Z","src_ip":"1.2.3.4","proto":"T C P",)" +
           ok_alert + "}",
       ErrorCode::kInvalidArgument, "proto"},
      {R"({"event_type":"alert","timestamp":"2026-11-27T10:00:00Z","src_ip":"1.2.3.4"})",
       ErrorCode::kInvalidArgument, "alert"},
      {R"({"event_type":"alert","timestamp":"2026-11-27T10:00:00Z","src_ip":"1.2.3.4","alert":{}})",
       ErrorCode::kInvalidArgument, "signature_id"},
      {R"({"event_type":"alert","timestamp":"2026-11-27T10:00:00Z","src_ip":"1.2.3.4","alert":{"signature_id":-1}})",
       ErrorCode::kInvalidArgument, "signature_id"},
      {R"({"event_type":"alert","timestamp":"2026-11-27T10:00:00Z","src_ip":"1.2.3.4","alert":{"signature_id":1,"signature":7}})",
       ErrorCode::kInvalidArgument, "alert.signature"},
      {R"({"event_type":"alert","timestamp":"2026-11-27T10:00:00Z","src_ip":"1.2.3.4","alert":"x"})",
       ErrorCode::kInvalidArgument, "alert"},
  };
  for (const Case& c : cases) {
    auto e = ParseEve(c.line);
    ASSERT_FALSE(e.ok()) << c.line;
    EXPECT_EQ(e.status().code(), c.code) << c.line << " -> " << e.status().ToString();
    EXPECT_NE(e.status().message().find(c.mentions), std::string::npos)
        << c.line << " -> " << e.status().ToString();
  }
}

TEST(EveParseTest, InvalidUtf8AndDeepNestingAreRefused) {
  std::string bad_utf8 = samples::kTcpV4;
  bad_utf8.replace(bad_utf8.find("GENERIC"), 1, "\xC3\x28");
  EXPECT_CODE(ParseEve(bad_utf8).status(), ErrorCode::kMalformedJson);
  std::string overlong = samples::kTcpV4;
  overlong.replace(overlong.find("GENERIC"), 1, "\xC0\xAF");
  EXPECT_CODE(ParseEve(overlong).status(), ErrorCode::kMalformedJson);
  std::string deep = R"({"event_type":"alert","x":)" + std::string(10000, '[') +
                     std::string(10000, ']') + "}";
  EXPECT_CODE(ParseEve(deep).status(), ErrorCode::kMalformedJson);
}

TEST(EveParseTest, HugeValidLineParses) {
  // A 512 KiB signature is unusual but valid: parsed, not truncated.
  std::string line = samples::kTcpV4;
  line.replace(line.find("ET HUNTING"), 2, std::string(512 * 1024, 'A'));
  auto e = ParseEve(line);
  ASSERT_OK(e.status());
  EXPECT_GT(e->alert->signature.size(), 512u * 1024);
}

}  // namespace
}  // namespace certshare::agent::sensor
