#include "agent/sensor/sco_id.h"

#include <gtest/gtest.h>

namespace certshare::agent::sensor {
namespace {

// Expected ids computed independently with Python:
//   uuid.uuid5(uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7"),
//              json.dumps(props, sort_keys=True, separators=(",", ":")))
constexpr char kSrc[] = "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4";
constexpr char kDst[] = "ipv4-addr--826fe3cb-56b0-5620-9d30-4c17ed7b24e3";

TEST(ScoIdTest, AddressesMatchTheStixAlgorithm) {
  EXPECT_EQ(AddressId("ipv4-addr", "198.51.100.3"), kSrc);
  EXPECT_EQ(AddressId("ipv4-addr", "203.0.113.5"), kDst);
  EXPECT_EQ(AddressId("ipv6-addr", "2001:db8::1"),
            "ipv6-addr--6469e3a9-b053-5e34-a025-9396ae051d26");
}

TEST(ScoIdTest, NetworkTrafficCanonicalFormAndId) {
  NetworkTrafficKey k;
  k.src_ref = kSrc;
  k.dst_ref = kDst;
  k.src_port = 50096;
  k.dst_port = 80;
  k.protocols = {"ipv4", "tcp", "http"};
  k.start = "2026-11-27T09:00:00.123456Z";
  EXPECT_EQ(CanonicalNetworkTraffic(k),
            std::string("{\"dst_port\":80,\"dst_ref\":\"") + kDst +
                "\",\"protocols\":[\"ipv4\",\"tcp\",\"http\"],\"src_port\":50096,\"src_ref\":\"" +
                kSrc + "\",\"start\":\"2026-11-27T09:00:00.123456Z\"}");
  EXPECT_EQ(NetworkTrafficId(k), "network-traffic--45d0e82e-92dd-5c6f-b057-d27b56d1b2dd");
}

TEST(ScoIdTest, IcmpExtensionContributesToTheId) {
  NetworkTrafficKey k;
  k.src_ref = kSrc;
  k.dst_ref = kDst;
  k.protocols = {"ipv4", "icmp"};
  k.icmp_type_hex = "08";
  k.icmp_code_hex = "00";
  EXPECT_EQ(CanonicalNetworkTraffic(k),
            std::string("{\"dst_ref\":\"") + kDst +
                "\",\"extensions\":{\"icmp-ext\":{\"icmp_code_hex\":\"00\",\"icmp_type_hex\":"
                "\"08\"}},\"protocols\":[\"ipv4\",\"icmp\"],\"src_ref\":\"" + kSrc + "\"}");
  EXPECT_EQ(NetworkTrafficId(k), "network-traffic--93c1159d-7c32-5f5b-a816-ceaae688761c");
  NetworkTrafficKey other = k;
  other.icmp_type_hex = "00";
  EXPECT_NE(NetworkTrafficId(other), NetworkTrafficId(k));
}

TEST(ScoIdTest, OnlyOneAddressStillGivesAnId) {
  NetworkTrafficKey k;
  k.dst_ref = kDst;
  k.protocols = {"ipv4"};
  EXPECT_EQ(CanonicalNetworkTraffic(k),
            std::string("{\"dst_ref\":\"") + kDst + "\",\"protocols\":[\"ipv4\"]}");
}

}  // namespace
}  // namespace certshare::agent::sensor
