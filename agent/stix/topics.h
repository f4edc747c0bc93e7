// certshare::agent::Topics — the routing topics of a record: short strings
// in the signed routing header that subscribers filter on
// (`certshare subscribe --topic`) without the broker reading the payload.
//
//   rsit:<class>        an incident labelled with an RSIT machine tag
//                       (rsit:intrusions="system-compromise" -> rsit:intrusions)
//   sector:<sector>     an identity of identity_class "class" with
//                       `sectors` (what `certshare new incident --sector`
//                       writes for the targeted sector)
//   country:<CC>        a location with `country` (ISO 3166-1 alpha-2, upper case)
//
// Topics are metadata the broker can read. So by default they are derived
// only for TLP:CLEAR and TLP:GREEN records; for AMBER and above only when
// the publisher asks (`--topics auto`), or given by hand (`--topic`). See
// docs/agent.md, "Topics".
//
// Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/base/json.h"
#include "common/base/tlp.h"

namespace certshare::agent {

enum class TopicMode {
  kDefault,  // derived for CLEAR and GREEN only
  kAuto,     // always derived
  kNone,     // never derived (topics given by hand are still sent)
};

// The topics a STIX document (one object or a bundle) implies, sorted and
// unique; none for a document that does not parse. At most
// envelope::kMaxTopics, each at most 255 bytes.
std::vector<std::string> DeriveTopics(std::string_view stix_text);
// The same for a document already parsed (Compose parses once).
std::vector<std::string> DeriveTopics(const rapidjson::Value& document);

// Whether `mode` derives topics for a record of this TLP.
bool DerivesTopics(TopicMode mode, Tlp tlp);

}  // namespace certshare::agent
