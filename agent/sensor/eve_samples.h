// EVE lines for the sensor tests, written from Suricata's documented
// format (docs.suricata.io, "Eve JSON Format": the common section and the
// alert event, with flow_id, app_proto, the flow object, ICMP type and
// code, and the optional rule text).
#pragma once

namespace certshare::agent::sensor::samples {

// TCP over IPv4, HTTP, everything Suricata usually writes.
inline constexpr char kTcpV4[] =
    R"({"timestamp":"2026-11-27T10:00:00.123456+0100","flow_id":586497171462735,)"
    R"("in_iface":"eth0","event_type":"alert","src_ip":"192.168.2.14","src_port":50096,)"
    R"("dest_ip":"209.53.113.5","dest_port":80,"proto":"TCP","metadata":{"flowbits":)"
    R"(["http.dottedquadhost"]},"tx_id":4,"alert":{"action":"allowed","gid":1,)"
    R"("signature_id":2018358,"rev":10,"signature":"ET HUNTING GENERIC SUSPICIOUS POST to )"
    R"(Dotted Quad with Fake Browser 1","category":"Potentially Bad Traffic","severity":2},)"
    R"("app_proto":"http","flow":{"pkts_toserver":3,"pkts_toclient":1,"bytes_toserver":420,)"
    R"("bytes_toclient":66,"start":"2026-11-27T09:59:59.900001+0100"}})";

// UDP over IPv6 (DNS), a blocked alert, the rule text logged.
inline constexpr char kUdpV6[] =
    R"({"timestamp":"2026-11-27T09:00:01.000002+0000","flow_id":1919856770919772,)"
    R"("event_type":"alert","src_ip":"2001:0db8:0000:0000:0000:0000:0000:0010",)"
    R"("src_port":50968,"dest_ip":"2001:db8::53","dest_port":53,"proto":"UDP",)"
    R"("alert":{"action":"blocked","gid":1,"signature_id":42,"rev":3,)"
    R"("signature":"Google DNS server contacted","category":"","severity":3,)"
    R"x("rule":"alert dns $HOME_NET any -> 8.8.8.8 any (msg:\"Google DNS server contacted\"; sid:42; rev:3;)"},)x"
    R"("app_proto":"dns"})";

// ICMP echo over IPv4: no ports, icmp_type and icmp_code.
inline constexpr char kIcmpV4[] =
    R"({"timestamp":"2026-11-27T10:00:02.5-0500","flow_id":99,"event_type":"alert",)"
    R"("src_ip":"198.51.100.7","dest_ip":"203.0.113.9","proto":"ICMP","icmp_type":8,)"
    R"("icmp_code":0,"alert":{"action":"allowed","gid":1,"signature_id":2100384,"rev":6,)"
    R"("signature":"GPL ICMP_INFO PING","category":"Misc activity","severity":3}})";

// ICMPv6 over IPv6.
inline constexpr char kIcmpV6[] =
    R"({"timestamp":"2026-11-27T10:00:03.000000+0000","event_type":"alert",)"
    R"("src_ip":"fe80::1","dest_ip":"ff02::1","proto":"IPv6-ICMP","icmp_type":134,)"
    R"("icmp_code":0,"alert":{"signature_id":2200000,"rev":1,"signature":"SURICATA RA"}})";

// The least an alert can be: no flow_id, ports, proto, gid, rev,
// category, severity or action; only a destination address.
inline constexpr char kMinimal[] =
    R"({"timestamp":"2026-11-27T10:00:04Z","event_type":"alert","dest_ip":"203.0.113.1",)"
    R"("alert":{"signature_id":1000001}})";

// Not alerts: skipped.
inline constexpr char kFlow[] =
    R"({"timestamp":"2026-11-27T10:00:05.000000+0000","flow_id":7,"event_type":"flow",)"
    R"("src_ip":"10.0.0.1","dest_ip":"10.0.0.2","proto":"TCP","flow":{"state":"closed"}})";
inline constexpr char kDns[] =
    R"({"timestamp":"2026-11-27T10:00:06.000000+0000","event_type":"dns","dns":)"
    R"({"type":"query","id":16000,"rrname":"twitter.com","rrtype":"A"}})";

}  // namespace certshare::agent::sensor::samples
