// certshare::agent::sensor::EveMapper — Suricata EVE alerts as STIX 2.1
// (docs/sensor-mapping.md has the table). One alert line becomes one
// bundle:
//
//   marking-definition  the TLP 2.0 marking of `tlp`
//   identity            the organisation (agent/stix/stix_objects.h)
//   indicator           the signature, when the event carries the rule text
//     or attack-pattern (alert.rule); otherwise an attack-pattern. Its id is
//                       fixed by (organisation, gid, sid, rev), its content
//                       by the signature, so every alert of one rule
//                       revision names the same object
//   ipv4-addr/ipv6-addr src_ip and dest_ip, STIX deterministic ids
//   network-traffic     the flow: addresses, ports, protocols, ICMP type
//                       and code, flow start; STIX deterministic id
//   observed-data       what was seen: the three SCOs, at the event's time
//   sighting            "the sensor saw the signature fire": first_seen =
//                       last_seen = the event's time, count 1,
//                       sighting_of_ref the signature object,
//                       observed_data_refs, where_sighted_refs the
//                       organisation
//
// Ids of the sighting, observed-data and bundle are UUIDv5 of the
// organisation and a BLAKE2b digest of the line, and their created /
// modified are the event's time: the same line always gives the same
// record, so re-reading a file after a restart publishes nothing twice
// (the spool and the broker drop records with an id and modified they
// hold).
//
// Every bundle is checked with schemas::Check before it is returned; one
// that fails is an error (a bug or an input certshare cannot express),
// never published.
//
// Events other than alerts map to nullopt (skipped and counted).
//
// Cost: this is most of a sensor's work per event (agent/sensor/
// sensor_bench.cc). The mapper therefore parses and builds in two arenas
// it reuses (no allocation per JSON value), keeps the objects that are the
// same in every record (the marking definition, the identity) built once,
// and remembers the ids of signatures and addresses it has derived (each
// is a SHA-1), up to kMaxCachedIds of them.
//
// Thread-safety: one thread at a time (it keeps its arenas and caches).
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "agent/sensor/eve.h"
#include "agent/sensor/event.h"
#include "agent/stix/stix_objects.h"
#include "common/base/tlp.h"

namespace certshare::agent::sensor {

class EveMapper final : public EventMapper {
 public:
  // `author`: the organisation whose sensor this is (its card's id and
  // name); `tlp`: the marking every object gets; `options`: how to read
  // the events (eve.h).
  EveMapper(Author author, Tlp tlp, EveOptions options = {});
  EveMapper(const EveMapper&) = delete;
  EveMapper& operator=(const EveMapper&) = delete;

  Result<std::optional<SensorEvent>> Map(std::string_view line) override;

  // The bundle for one parsed alert; `line_digest` (64 hex digits) names
  // the event in the derived ids.
  Result<SensorEvent> MapAlert(const EveAlert& alert, std::string_view line_digest);

  // Derived ids remembered at most (then the memory starts afresh).
  static constexpr std::size_t kMaxCachedIds = 1 << 16;

 private:
  // The id remembered under `key`, derived (and remembered) on first use.
  const std::string& CachedId(std::string key, const std::function<std::string()>& derive);

  Author author_;
  Tlp tlp_;
  EveOptions options_;
  std::string identity_id_;
  // Arenas: a parse and a build document whose pools start in these
  // buffers, emptied (not freed) for each event.
  std::vector<char> parse_buffer_, build_buffer_;
  rapidjson::MemoryPoolAllocator<> parse_pool_, build_pool_;
  rapidjson::Document parse_doc_, build_doc_;
  // The marking definition and the identity, as in every record.
  rapidjson::Document constants_;
  std::unordered_map<std::string, std::string> ids_;
  rapidjson::StringBuffer out_;
};

// The id of the STIX object EveMapper makes for a signature:
// "indicator--..." or "attack-pattern--..." (type) with a UUIDv5 of
// "suricata-signature:<org>:<gid>:<sid>:<rev>" under certshare's namespace.
std::string SignatureObjectId(std::string_view type, std::string_view org, std::uint64_t gid,
                              std::uint64_t sid, std::uint64_t rev);

}  // namespace certshare::agent::sensor
