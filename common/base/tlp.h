// Traffic Light Protocol 2.0 levels, as carried in the routing header.
//
// The numeric values are persisted and sent on the wire (routing header
// byte `tlp`): never renumber them. Higher means more restricted.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace certshare {

enum class Tlp : std::uint8_t {
  kClear = 0,        // TLP:CLEAR       — no restriction
  kGreen = 1,        // TLP:GREEN       — the community
  kAmber = 2,        // TLP:AMBER       — named recipients (and their clients)
  kAmberStrict = 3,  // TLP:AMBER+STRICT — named recipient organisations only
  kRed = 4,          // TLP:RED         — named recipients only
};

inline constexpr std::uint8_t kMaxTlp = 4;

// "clear", "green", "amber", "amber+strict", "red".
std::string_view TlpName(Tlp tlp);
// Accepts the names above, case-insensitive, with or without "TLP:".
std::optional<Tlp> ParseTlp(std::string_view text);

// The STIX id of the official TLP 2.0 marking definition for a level, and
// back (see ../shared/stix/SOURCES.md).
std::string_view TlpMarkingId(Tlp tlp);
std::optional<Tlp> TlpFromMarkingId(std::string_view stix_id);

// Whether records at this level must travel encrypted whatever the options.
inline bool TlpRequiresEncryption(Tlp tlp) { return tlp >= Tlp::kAmber; }

}  // namespace certshare
