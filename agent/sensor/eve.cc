#include "agent/sensor/eve.h"

#include <arpa/inet.h>

#include <cstring>
#include <limits>

#include "common/base/json.h"

namespace certshare::agent::sensor {

namespace {

Status Bad(std::string_view field, std::string_view why) {
  return Status(ErrorCode::kInvalidArgument, std::string(field) + " " + std::string(why));
}

// An optional string member: absent is fine, another type is not.
Status OptionalString(const rapidjson::Value& obj, const char* name, std::string_view field,
                      std::string* out) {
  const rapidjson::Value* v = json::Member(obj, name);
  if (v == nullptr || v->IsNull()) return Status::Ok();
  if (!v->IsString()) return Bad(field, "must be a string");
  out->assign(v->GetString(), v->GetStringLength());
  return Status::Ok();
}

Status OptionalUint(const rapidjson::Value& obj, const char* name, std::string_view field,
                    std::uint64_t max, std::optional<std::uint64_t>* out) {
  const rapidjson::Value* v = json::Member(obj, name);
  if (v == nullptr || v->IsNull()) return Status::Ok();
  if (!v->IsUint64() || v->GetUint64() > max) {
    return Bad(field, "must be an integer from 0 to " + std::to_string(max));
  }
  *out = v->GetUint64();
  return Status::Ok();
}

Status Address(const rapidjson::Value& obj, const char* name, std::optional<IpAddress>* out) {
  std::string text;
  CERTSHARE_RETURN_IF_ERROR(OptionalString(obj, name, name, &text));
  const rapidjson::Value* v = json::Member(obj, name);
  if (v == nullptr || v->IsNull()) return Status::Ok();
  unsigned char bytes[16];
  char canonical[INET6_ADDRSTRLEN];
  IpAddress a;
  if (text.find(':') != std::string::npos) {
    a.v6 = true;
    if (inet_pton(AF_INET6, text.c_str(), bytes) != 1) {
      return Bad(name, "\"" + text.substr(0, 64) + "\" is not an IPv6 address");
    }
    inet_ntop(AF_INET6, bytes, canonical, sizeof canonical);
  } else {
    if (inet_pton(AF_INET, text.c_str(), bytes) != 1) {
      return Bad(name, "\"" + text.substr(0, 64) + "\" is not an IPv4 address");
    }
    inet_ntop(AF_INET, bytes, canonical, sizeof canonical);
  }
  a.value = canonical;
  *out = std::move(a);
  return Status::Ok();
}

Status Port(const rapidjson::Value& obj, const char* name, std::optional<std::uint16_t>* out) {
  std::optional<std::uint64_t> v;
  CERTSHARE_RETURN_IF_ERROR(OptionalUint(obj, name, name, 65535, &v));
  if (v) *out = static_cast<std::uint16_t>(*v);
  return Status::Ok();
}

Status Byte(const rapidjson::Value& obj, const char* name, std::optional<std::uint8_t>* out) {
  std::optional<std::uint64_t> v;
  CERTSHARE_RETURN_IF_ERROR(OptionalUint(obj, name, name, 255, &v));
  if (v) *out = static_cast<std::uint8_t>(*v);
  return Status::Ok();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// [a-z0-9-]{1,32} after lower-casing, '_' read as '-'.
bool IsKeyword(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

Status ReadAlert(const rapidjson::Value& alert, EveAlert* out) {
  if (!alert.IsObject()) return Bad("alert", "must be an object");
  std::optional<std::uint64_t> sid, gid, rev;
  CERTSHARE_RETURN_IF_ERROR(OptionalUint(alert, "signature_id", "alert.signature_id",
                                         std::numeric_limits<std::uint32_t>::max(), &sid));
  if (!sid) return Bad("alert.signature_id", "is missing");
  out->sid = *sid;
  CERTSHARE_RETURN_IF_ERROR(OptionalUint(alert, "gid", "alert.gid",
                                         std::numeric_limits<std::uint32_t>::max(), &gid));
  if (gid) out->gid = *gid;
  CERTSHARE_RETURN_IF_ERROR(OptionalUint(alert, "rev", "alert.rev",
                                         std::numeric_limits<std::uint32_t>::max(), &rev));
  if (rev) out->rev = *rev;
  CERTSHARE_RETURN_IF_ERROR(
      OptionalString(alert, "signature", "alert.signature", &out->signature));
  CERTSHARE_RETURN_IF_ERROR(OptionalString(alert, "category", "alert.category", &out->category));
  CERTSHARE_RETURN_IF_ERROR(OptionalString(alert, "action", "alert.action", &out->action));
  CERTSHARE_RETURN_IF_ERROR(OptionalString(alert, "rule", "alert.rule", &out->rule));
  const rapidjson::Value* severity = json::Member(alert, "severity");
  if (severity != nullptr && !severity->IsNull()) {
    if (!severity->IsInt64()) return Bad("alert.severity", "must be an integer");
    out->severity = severity->GetInt64();
  }
  return Status::Ok();
}

Status ReadAlertEvent(const rapidjson::Value& doc, const EveOptions& options, EveAlert* out) {
  std::string timestamp;
  CERTSHARE_RETURN_IF_ERROR(OptionalString(doc, "timestamp", "timestamp", &timestamp));
  if (timestamp.empty()) return Bad("timestamp", "is missing");
  Result<EveTime> time = ParseEveTime(timestamp, options.assume_offset_minutes);
  if (!time.ok()) return time.status();
  out->time = std::move(*time);

  std::optional<std::uint64_t> flow_id;
  CERTSHARE_RETURN_IF_ERROR(OptionalUint(doc, "flow_id", "flow_id",
                                         std::numeric_limits<std::uint64_t>::max(), &flow_id));
  out->flow_id = flow_id;
  CERTSHARE_RETURN_IF_ERROR(Address(doc, "src_ip", &out->src));
  CERTSHARE_RETURN_IF_ERROR(Address(doc, "dest_ip", &out->dst));
  if (!out->src && !out->dst) return Bad("src_ip and dest_ip", "are both missing");
  CERTSHARE_RETURN_IF_ERROR(Port(doc, "src_port", &out->src_port));
  CERTSHARE_RETURN_IF_ERROR(Port(doc, "dest_port", &out->dst_port));
  CERTSHARE_RETURN_IF_ERROR(Byte(doc, "icmp_type", &out->icmp_type));
  CERTSHARE_RETURN_IF_ERROR(Byte(doc, "icmp_code", &out->icmp_code));

  std::string proto;
  CERTSHARE_RETURN_IF_ERROR(OptionalString(doc, "proto", "proto", &proto));
  if (!proto.empty()) {
    std::optional<std::string> keyword = ProtocolKeyword(proto);
    if (!keyword) return Bad("proto", "\"" + proto.substr(0, 32) + "\" is not a protocol");
    out->proto = std::move(*keyword);
  }
  std::string app_proto;
  CERTSHARE_RETURN_IF_ERROR(OptionalString(doc, "app_proto", "app_proto", &app_proto));
  app_proto = Lower(app_proto);
  for (char& c : app_proto) {
    if (c == '_') c = '-';
  }
  // "failed": detection ran and found nothing; not a protocol. Anything
  // else that is not a plain keyword is left out rather than refused: it
  // only adds detail.
  if (app_proto != "failed" && app_proto != "unknown" && IsKeyword(app_proto)) {
    out->app_proto = std::move(app_proto);
  }

  const rapidjson::Value* flow = json::Member(doc, "flow");
  if (flow != nullptr && flow->IsObject()) {
    std::string start;
    CERTSHARE_RETURN_IF_ERROR(OptionalString(*flow, "start", "flow.start", &start));
    if (!start.empty()) {
      Result<EveTime> t = ParseEveTime(start, options.assume_offset_minutes);
      if (!t.ok()) return t.status().WithContext("flow.start");
      out->flow_start = std::move(*t);
    }
  }

  const rapidjson::Value* alert = json::Member(doc, "alert");
  if (alert == nullptr) return Bad("alert", "is missing");
  return ReadAlert(*alert, out);
}

}  // namespace

std::optional<std::string> ProtocolKeyword(std::string_view proto) {
  if (proto.empty() || proto.size() > 32) return std::nullopt;
  bool digits = true;
  for (char c : proto) digits = digits && c >= '0' && c <= '9';
  if (digits) {
    unsigned n = 0;
    for (char c : proto) {
      n = n * 10 + static_cast<unsigned>(c - '0');
      if (n > 255) return std::nullopt;
    }
    switch (n) {
      case 1: return "icmp";
      case 2: return "igmp";
      case 6: return "tcp";
      case 17: return "udp";
      case 47: return "gre";
      case 50: return "esp";
      case 51: return "ah";
      case 58: return "ipv6-icmp";
      case 132: return "sctp";
      default: return std::to_string(n);
    }
  }
  std::string lower = Lower(proto);
  if (lower == "icmpv6") lower = "ipv6-icmp";
  if (!IsKeyword(lower)) return std::nullopt;
  return lower;
}

Result<EveEvent> ParseEve(std::string_view line, const EveOptions& options) {
  rapidjson::Document doc;
  CERTSHARE_RETURN_IF_ERROR(json::Parse(line, &doc));
  return ReadEve(doc, options);
}

Result<EveEvent> ReadEve(const rapidjson::Value& doc, const EveOptions& options) {
  if (!doc.IsObject()) return Status(ErrorCode::kInvalidArgument, "not a JSON object");
  EveEvent event;
  CERTSHARE_RETURN_IF_ERROR(OptionalString(doc, "event_type", "event_type", &event.event_type));
  if (event.event_type.empty()) return Bad("event_type", "is missing");
  if (event.event_type != "alert") return event;
  EveAlert alert;
  CERTSHARE_RETURN_IF_ERROR(ReadAlertEvent(doc, options, &alert));
  event.alert = std::move(alert);
  return event;
}

}  // namespace certshare::agent::sensor
