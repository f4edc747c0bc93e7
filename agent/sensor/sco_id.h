// certshare::agent::sensor — deterministic ids of the cyber-observable
// objects (SCOs) a sensor emits, as STIX 2.1 §2.9 specifies them: a
// UUIDv5 under the STIX namespace 00abedb4-aa42-466c-9c01-fed23315a9b7 over
// the JCS-canonical (RFC 8785) JSON object of the type's id-contributing
// properties. Anyone (another CERT, the python stix2 library) computes the
// same id for the same observable, so sightings from different sensors and
// organisations of one address correlate by id.
//
//   ipv4-addr, ipv6-addr   {"value":"<address>"}
//   network-traffic        start, end, src_ref, dst_ref, src_port,
//                          dst_port, protocols, extensions (those present)
//
// The canonical text is written here directly: the values are ids,
// addresses in canonical form, lower-case protocol names, hex digits and
// timestamps, so only '"' and '\' (never present) would need escaping; the
// writer escapes them anyway (JCS string rules) and sorts keys as JCS does.
//
// Thread-safe: no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certshare::agent::sensor {

// The namespace STIX 2.1 §2.9 fixes for SCO ids. Never change it.
inline constexpr std::string_view kStixScoNamespace = "00abedb4-aa42-466c-9c01-fed23315a9b7";

// "ipv4-addr--<uuid5>" / "ipv6-addr--<uuid5>" of an address value, which
// the caller has put in canonical text form (agent/sensor/eve.h does).
std::string AddressId(std::string_view type, std::string_view value);

// The id-contributing properties of a network-traffic object (STIX 2.1
// §6.12) that a sensor knows; absent ones are left out of the id.
struct NetworkTrafficKey {
  std::string start;    // STIX timestamp, or empty
  std::string src_ref;  // an address id, or empty
  std::string dst_ref;  // an address id, or empty
  std::optional<std::uint16_t> src_port;
  std::optional<std::uint16_t> dst_port;
  std::vector<std::string> protocols;  // at least one
  // icmp-ext: two lower-case hex digits each, or empty (no extension).
  std::string icmp_type_hex;
  std::string icmp_code_hex;
};

// The canonical JSON text the id is computed over (exposed for tests).
std::string CanonicalNetworkTraffic(const NetworkTrafficKey& key);
// "network-traffic--<uuid5>".
std::string NetworkTrafficId(const NetworkTrafficKey& key);

}  // namespace certshare::agent::sensor
