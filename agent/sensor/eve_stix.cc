#include "agent/sensor/eve_stix.h"

#include <rapidjson/writer.h>

#include <cstdio>

#include "agent/sensor/sco_id.h"
#include "agent/stix/uuid.h"
#include "common/base/json.h"
#include "common/crypto/keys.h"
#include "schemas/stix_check.h"

namespace certshare::agent::sensor {

namespace {

using rapidjson::StringRef;
using Pool = rapidjson::MemoryPoolAllocator<>;
using rapidjson::Value;

constexpr std::size_t kArenaBytes = 64 * 1024;  // a mapped alert needs ~20 KiB

// Members are named with literals (no copy); values are copied.
void Put(Value& o, const char* key, std::string_view value, Pool& al) {
  o.AddMember(StringRef(key),
              Value(value.data(), static_cast<rapidjson::SizeType>(value.size()), al), al);
}
void PutList(Value& o, const char* key, std::initializer_list<std::string_view> values,
             Pool& al) {
  Value list(rapidjson::kArrayType);
  for (std::string_view v : values) {
    list.PushBack(Value(v.data(), static_cast<rapidjson::SizeType>(v.size()), al), al);
  }
  o.AddMember(StringRef(key), list, al);
}

std::string Hex2(std::uint8_t v) {
  char buf[3];
  std::snprintf(buf, sizeof buf, "%02x", v);
  return buf;
}

// "1:2018358:10", how Suricata users write a rule revision.
std::string SignatureRef(const EveAlert& a) {
  return std::to_string(a.gid) + ":" + std::to_string(a.sid) + ":" + std::to_string(a.rev);
}

// Every object the mapper makes starts like this. SCOs have no
// created_by_ref / created / modified.
Value Object(const char* type, const std::string& id, Pool& al) {
  Value o(rapidjson::kObjectType);
  o.AddMember("type", StringRef(type), al);
  o.AddMember("spec_version", "2.1", al);
  Put(o, "id", id, al);
  return o;
}

void Authored(Value& o, const std::string& identity_id, std::string_view created, Pool& al) {
  Put(o, "created_by_ref", identity_id, al);
  Put(o, "created", created, al);
  Put(o, "modified", created, al);
}

void Mark(Value& o, Tlp tlp, Pool& al) {
  Value list(rapidjson::kArrayType);
  const std::string_view id = TlpMarkingId(tlp);  // static storage
  list.PushBack(StringRef(id.data(), static_cast<rapidjson::SizeType>(id.size())), al);
  o.AddMember("object_marking_refs", list, al);
}

// The indicator (rule text known) or attack-pattern for the signature.
Value SignatureObject(const EveAlert& a, const std::string& id, const std::string& identity_id,
                      Tlp tlp, Pool& al) {
  const bool indicator = !a.rule.empty();
  Value o = Object(indicator ? "indicator" : "attack-pattern", id, al);
  // A fixed version: every alert of this rule revision carries the same
  // object, so recipients hold one version of it.
  Authored(o, identity_id, kReferenceTimestamp, al);
  const std::string ref = SignatureRef(a);
  Put(o, "name", a.signature.empty() ? "Suricata signature " + ref : a.signature, al);
  std::string description = "Suricata signature " + ref;
  if (!a.category.empty()) description += ", classification \"" + a.category + "\"";
  Put(o, "description", description, al);
  if (indicator) {
    Put(o, "pattern", a.rule, al);
    o.AddMember("pattern_type", "suricata", al);
    Put(o, "valid_from", kReferenceTimestamp, al);
  }
  Value ext(rapidjson::kObjectType);
  ext.AddMember("source_name", "suricata", al);
  Put(ext, "external_id", ref, al);
  Value refs(rapidjson::kArrayType);
  refs.PushBack(ext, al);
  o.AddMember("external_references", refs, al);
  Mark(o, tlp, al);
  return o;
}

Value AddressObject(const IpAddress& ip, const std::string& id, Tlp tlp, Pool& al) {
  Value o = Object(ip.v6 ? "ipv6-addr" : "ipv4-addr", id, al);
  Put(o, "value", ip.value, al);
  Mark(o, tlp, al);
  return o;
}

// The flow. Only id-contributing properties are set, so two alerts of one
// flow give the same object, not two objects with one id.
Value NetworkTraffic(const EveAlert& a, const std::string& src_id, const std::string& dst_id,
                     Tlp tlp, std::string* id, Pool& al) {
  NetworkTrafficKey key;
  if (a.flow_start) key.start = a.flow_start->utc;
  key.src_ref = src_id;
  key.dst_ref = dst_id;
  key.src_port = a.src_port;
  key.dst_port = a.dst_port;
  const bool v6 = a.src ? a.src->v6 : a.dst->v6;
  key.protocols.push_back(v6 ? "ipv6" : "ipv4");
  if (!a.proto.empty()) key.protocols.push_back(a.proto);
  if (!a.app_proto.empty() && a.app_proto != a.proto) key.protocols.push_back(a.app_proto);
  const bool icmp = a.proto == "icmp" || a.proto == "ipv6-icmp";
  if (icmp && a.icmp_type && a.icmp_code) {
    key.icmp_type_hex = Hex2(*a.icmp_type);
    key.icmp_code_hex = Hex2(*a.icmp_code);
  }
  *id = NetworkTrafficId(key);

  Value o = Object("network-traffic", *id, al);
  if (!key.start.empty()) Put(o, "start", key.start, al);
  if (!src_id.empty()) Put(o, "src_ref", src_id, al);
  if (!dst_id.empty()) Put(o, "dst_ref", dst_id, al);
  if (key.src_port) o.AddMember("src_port", *key.src_port, al);
  if (key.dst_port) o.AddMember("dst_port", *key.dst_port, al);
  Value protocols(rapidjson::kArrayType);
  for (const std::string& p : key.protocols) protocols.PushBack(Value(p.c_str(), al), al);
  o.AddMember("protocols", protocols, al);
  if (!key.icmp_type_hex.empty()) {
    Value ext(rapidjson::kObjectType);
    Put(ext, "icmp_type_hex", key.icmp_type_hex, al);
    Put(ext, "icmp_code_hex", key.icmp_code_hex, al);
    Value extensions(rapidjson::kObjectType);
    extensions.AddMember("icmp-ext", ext, al);
    o.AddMember("extensions", extensions, al);
  }
  Mark(o, tlp, al);
  return o;
}

// "Suricata alert 1:2018358:10 \"ET ...\" (severity 2, allowed, flow 123)"
std::string SightingDescription(const EveAlert& a) {
  std::string d = "Suricata alert " + SignatureRef(a);
  if (!a.signature.empty()) d += " \"" + a.signature + "\"";
  std::string details;
  auto add = [&details](const std::string& s) { details += (details.empty() ? "" : ", ") + s; };
  if (a.severity) add("severity " + std::to_string(*a.severity));
  if (!a.action.empty()) add(a.action);
  if (a.flow_id) add("flow " + std::to_string(*a.flow_id));
  if (!details.empty()) d += " (" + details + ")";
  return d;
}

}  // namespace

std::string SignatureObjectId(std::string_view type, std::string_view org, std::uint64_t gid,
                              std::uint64_t sid, std::uint64_t rev) {
  return std::string(type) + "--" +
         Uuid5(kCertshareNamespace, "suricata-signature:" + std::string(org) + ":" +
                                        std::to_string(gid) + ":" + std::to_string(sid) + ":" +
                                        std::to_string(rev));
}

EveMapper::EveMapper(Author author, Tlp tlp, EveOptions options)
    : author_(std::move(author)),
      tlp_(tlp),
      options_(options),
      identity_id_(OrganisationIdentityId(author_.org)),
      parse_buffer_(kArenaBytes),
      build_buffer_(kArenaBytes),
      parse_pool_(parse_buffer_.data(), parse_buffer_.size()),
      build_pool_(build_buffer_.data(), build_buffer_.size()),
      parse_doc_(&parse_pool_),
      build_doc_(&build_pool_),
      out_(nullptr, 8 * 1024) {
  constants_.SetArray();
  constants_.PushBack(TlpMarkingDefinition(tlp_, constants_.GetAllocator()),
                      constants_.GetAllocator());
  constants_.PushBack(OrganisationIdentity(author_, constants_.GetAllocator()),
                      constants_.GetAllocator());
}

const std::string& EveMapper::CachedId(std::string key,
                                       const std::function<std::string()>& derive) {
  auto it = ids_.find(key);
  if (it != ids_.end()) return it->second;
  if (ids_.size() >= kMaxCachedIds) ids_.clear();
  return ids_.emplace(std::move(key), derive()).first->second;
}

Result<std::optional<SensorEvent>> EveMapper::Map(std::string_view line) {
  parse_doc_.SetNull();
  parse_pool_.Clear();
  CERTSHARE_RETURN_IF_ERROR(json::Parse(line, &parse_doc_));
  CERTSHARE_ASSIGN_OR_RETURN(EveEvent event, ReadEve(parse_doc_, options_));
  if (!event.alert) return std::optional<SensorEvent>();
  const crypto::Hash256 digest = crypto::Hash({AsBytes(line)});
  CERTSHARE_ASSIGN_OR_RETURN(SensorEvent mapped, MapAlert(*event.alert, HexEncode(digest)));
  return std::optional<SensorEvent>(std::move(mapped));
}

Result<SensorEvent> EveMapper::MapAlert(const EveAlert& a, std::string_view line_digest) {
  build_doc_.SetNull();
  build_pool_.Clear();
  build_doc_.SetObject();
  Pool& al = build_pool_;
  const std::string event_name =
      "suricata-alert:" + author_.org + ":" + std::string(line_digest);
  const std::string created = FormatTimestamp(a.time.millis);

  Value objects(rapidjson::kArrayType);
  for (const auto& constant : constants_.GetArray()) objects.PushBack(Value(constant, al), al);

  // Derived ids, remembered: the signature's per (type, gid, sid, rev),
  // each address's per value.
  const std::string_view signature_type = a.rule.empty() ? "attack-pattern" : "indicator";
  const std::string signature_id =
      CachedId(std::string(signature_type) + " " + SignatureRef(a), [&] {
        return SignatureObjectId(signature_type, author_.org, a.gid, a.sid, a.rev);
      });
  objects.PushBack(SignatureObject(a, signature_id, identity_id_, tlp_, al), al);

  std::string src_id, dst_id, traffic_id;
  if (a.src) {
    src_id = CachedId(a.src->value, [&] {
      return AddressId(a.src->v6 ? "ipv6-addr" : "ipv4-addr", a.src->value);
    });
    objects.PushBack(AddressObject(*a.src, src_id, tlp_, al), al);
  }
  if (a.dst) {
    dst_id = CachedId(a.dst->value, [&] {
      return AddressId(a.dst->v6 ? "ipv6-addr" : "ipv4-addr", a.dst->value);
    });
    // An alert from a host to itself: one object for both ends.
    if (dst_id != src_id) objects.PushBack(AddressObject(*a.dst, dst_id, tlp_, al), al);
  }
  objects.PushBack(NetworkTraffic(a, src_id, dst_id, tlp_, &traffic_id, al), al);

  const std::string observed_id =
      "observed-data--" + Uuid5(kCertshareNamespace, event_name + ":observed-data");
  Value od = Object("observed-data", observed_id, al);
  Authored(od, identity_id_, created, al);
  Put(od, "first_observed", a.time.utc, al);
  Put(od, "last_observed", a.time.utc, al);
  od.AddMember("number_observed", 1, al);
  if (!src_id.empty() && dst_id != src_id && !dst_id.empty()) {
    PutList(od, "object_refs", {traffic_id, src_id, dst_id}, al);
  } else {
    PutList(od, "object_refs", {traffic_id, src_id.empty() ? dst_id : src_id}, al);
  }
  Mark(od, tlp_, al);
  objects.PushBack(od, al);

  const std::string sighting_id =
      "sighting--" + Uuid5(kCertshareNamespace, event_name + ":sighting");
  Value s = Object("sighting", sighting_id, al);
  Authored(s, identity_id_, created, al);
  Put(s, "description", SightingDescription(a), al);
  Put(s, "first_seen", a.time.utc, al);
  Put(s, "last_seen", a.time.utc, al);
  s.AddMember("count", 1, al);
  Put(s, "sighting_of_ref", signature_id, al);
  PutList(s, "observed_data_refs", {observed_id}, al);
  PutList(s, "where_sighted_refs", {identity_id_}, al);
  Mark(s, tlp_, al);
  objects.PushBack(s, al);

  build_doc_.AddMember("type", "bundle", al);
  Put(build_doc_, "id", "bundle--" + Uuid5(kCertshareNamespace, event_name + ":bundle"), al);
  build_doc_.AddMember("objects", objects, al);

  schemas::Report report = schemas::Check(build_doc_);
  if (!report.ok()) {
    const schemas::Problem& p = report.problems.front();
    return Status(ErrorCode::kInvalidStix, "the STIX made of this alert fails " + p.rule +
                                               " at " + p.pointer + ": " + p.message);
  }
  out_.Clear();
  rapidjson::Writer<rapidjson::StringBuffer> writer(out_);
  build_doc_.Accept(writer);
  SensorEvent out;
  out.stix_type = "bundle";
  out.stix_id = std::move(report.summary.id);
  out.modified = std::move(report.summary.modified);
  out.marked = report.summary.tlp;
  out.payload.assign(out_.GetString(), out_.GetSize());
  return out;
}

}  // namespace certshare::agent::sensor
