// certshare::agent::sensor — reading Suricata EVE JSON events
// (docs.suricata.io, "Eve JSON Format"): one JSON object per line with a
// common part (timestamp, flow_id, event_type, src_ip, src_port, dest_ip,
// dest_port, proto, app_proto, icmp_type, icmp_code) and a part named by
// event_type. Only "alert" events are read in full; docs/sensor-mapping.md
// says how they become STIX.
//
// ParseEve is strict about what it uses and ignores the rest: the line
// must be valid JSON (json::Parse: UTF-8, no duplicate keys, bounded
// depth), an object, with a string event_type; an alert must have a
// timestamp with a UTC offset (or EveOptions::assume_offset_minutes), an `alert` object with a signature_id, and
// at least one valid IP address. A field that is present with the wrong
// type or an impossible value (a port of 70000, an address that is not
// one) makes the event malformed (kMalformedJson for bad JSON,
// kInvalidArgument otherwise, naming the field): it is never silently
// dropped or guessed. Optional fields that are absent stay unset.
//
// Thread-safe: no shared state.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/sensor/eve_time.h"
#include "common/base/status.h"

namespace certshare::agent::sensor {

struct IpAddress {
  std::string value;  // canonical text (inet_ntop: RFC 5952 for IPv6)
  bool v6 = false;
};

struct EveAlert {
  EveTime time;                              // timestamp
  std::optional<std::uint64_t> flow_id;      // flow_id
  std::optional<IpAddress> src;              // src_ip
  std::optional<IpAddress> dst;              // dest_ip
  std::optional<std::uint16_t> src_port;     // src_port
  std::optional<std::uint16_t> dst_port;     // dest_port
  std::string proto;      // proto as an IANA keyword: "tcp", "udp", "icmp",
                          // "ipv6-icmp", ...; empty when absent
  std::optional<std::uint8_t> icmp_type;     // icmp_type
  std::optional<std::uint8_t> icmp_code;     // icmp_code
  std::string app_proto;  // app_proto, lower case; empty when absent or
                          // "failed" / "unknown"
  std::optional<EveTime> flow_start;         // flow.start
  // alert.*
  std::uint64_t gid = 1;                     // Suricata's default group
  std::uint64_t sid = 0;                     // signature_id (required)
  std::uint64_t rev = 0;
  std::string signature;                     // the rule's msg
  std::string category;                      // its classification
  std::optional<std::int64_t> severity;      // 1 (highest) .. 4
  std::string action;                        // "allowed", "blocked", ...
  std::string rule;                          // the rule text, when Suricata
                                             // is configured to log it
};

struct EveEvent {
  std::string event_type;         // "alert", "flow", "dns", ...
  std::optional<EveAlert> alert;  // set iff event_type is "alert"
};

// How to read what EVE leaves open.
struct EveOptions {
  // The UTC offset, in minutes east of UTC, of timestamps written without
  // one (ParseEveTime); nullopt (the default): such an alert is refused.
  std::optional<int> assume_offset_minutes;
};

Result<EveEvent> ParseEve(std::string_view line, const EveOptions& options = {});
// The same for a line already parsed (json::Parse) into `doc`.
Result<EveEvent> ReadEve(const rapidjson::Value& doc, const EveOptions& options = {});

// The IANA keyword for Suricata's `proto` value ("TCP" -> "tcp",
// "IPv6-ICMP" -> "ipv6-icmp", "006" -> "tcp", "47" -> "gre"); nullopt for
// text that is neither a protocol name nor a number up to 255.
std::optional<std::string> ProtocolKeyword(std::string_view proto);

}  // namespace certshare::agent::sensor
