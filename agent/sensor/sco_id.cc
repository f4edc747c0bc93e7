#include "agent/sensor/sco_id.h"

#include "agent/stix/uuid.h"

namespace certshare::agent::sensor {

namespace {

// A JSON string as JCS writes it (RFC 8785 §3.2.2.2): '"' and '\' escaped,
// control characters as \b \t \n \f \r or \u00xx, everything else as is.
void AppendString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out.push_back(kHex[u >> 4]);
          out.push_back(kHex[u & 0x0f]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

// Appends `"name":` with the separating comma when needed.
void Key(std::string& out, bool& first, std::string_view name) {
  if (!first) out.push_back(',');
  first = false;
  AppendString(out, name);
  out.push_back(':');
}

}  // namespace

std::string AddressId(std::string_view type, std::string_view value) {
  std::string canonical = "{\"value\":";
  AppendString(canonical, value);
  canonical.push_back('}');
  return std::string(type) + "--" + Uuid5(kStixScoNamespace, canonical);
}

std::string CanonicalNetworkTraffic(const NetworkTrafficKey& k) {
  // Keys in JCS order (UTF-16 code units; all ASCII here): dst_port,
  // dst_ref, extensions, protocols, src_port, src_ref, start.
  std::string out = "{";
  bool first = true;
  if (k.dst_port) {
    Key(out, first, "dst_port");
    out += std::to_string(*k.dst_port);
  }
  if (!k.dst_ref.empty()) {
    Key(out, first, "dst_ref");
    AppendString(out, k.dst_ref);
  }
  if (!k.icmp_type_hex.empty()) {
    Key(out, first, "extensions");
    out += "{\"icmp-ext\":{\"icmp_code_hex\":";
    AppendString(out, k.icmp_code_hex);
    out += ",\"icmp_type_hex\":";
    AppendString(out, k.icmp_type_hex);
    out += "}}";
  }
  Key(out, first, "protocols");
  out.push_back('[');
  for (std::size_t i = 0; i < k.protocols.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendString(out, k.protocols[i]);
  }
  out.push_back(']');
  if (k.src_port) {
    Key(out, first, "src_port");
    out += std::to_string(*k.src_port);
  }
  if (!k.src_ref.empty()) {
    Key(out, first, "src_ref");
    AppendString(out, k.src_ref);
  }
  if (!k.start.empty()) {
    Key(out, first, "start");
    AppendString(out, k.start);
  }
  out.push_back('}');
  return out;
}

std::string NetworkTrafficId(const NetworkTrafficKey& key) {
  return "network-traffic--" + Uuid5(kStixScoNamespace, CanonicalNetworkTraffic(key));
}

}  // namespace certshare::agent::sensor
