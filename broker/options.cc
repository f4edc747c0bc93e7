#include "broker/options.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <type_traits>
#include <vector>

#include "broker/metrics_server.h"
#include "common/base/json.h"
#include "common/identity/identity.h"

namespace certshare::broker {

namespace {

std::string Resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

}  // namespace

ConnectionQueues QueuesFor(const Options& options) {
  ConnectionQueues q;
  const std::uint64_t margin = std::max<std::uint64_t>(options.max_record_bytes, 64u << 10);
  q.max_frame_bytes =
      static_cast<std::int64_t>(options.max_record_bytes + margin + wire::kPrefixBytes);
  const std::uint64_t deliver = options.max_record_bytes + wire::kDeliverOverhead;
  auto hwm = [&](std::uint64_t frame) {
    std::uint64_t n = options.connection_queue_bytes / frame;
    return static_cast<int>(std::clamp<std::uint64_t>(n, 1, 1'000'000));
  };
  // One more: libzmq counts the connection's ZAP credential (the User-Id
  // message) against the receive queue for as long as it lives, so a
  // high-water mark of 1 would never let a message through.
  q.receive_hwm = hwm(static_cast<std::uint64_t>(q.max_frame_bytes)) + 1;
  q.send_hwm = hwm(deliver);
  return q;
}

bool IsLogLevel(std::string_view level) {
  for (std::string_view known : {"trace", "debug", "info", "warn", "error", "off"}) {
    if (level == known) return true;
  }
  return false;
}

Result<Options> ParseConfig(std::string_view text, const std::string& base_dir) {
  rapidjson::Document doc;
  Status parsed = json::Parse(text, &doc);
  if (!parsed.ok()) return Status(ErrorCode::kInvalidConfig, parsed.message());
  if (!doc.IsObject()) return Status(ErrorCode::kInvalidConfig, "config must be a JSON object");

  Options options;
  std::vector<std::string> problems;
  static const char* kKnown[] = {"listen", "identity", "registry", "data_dir",
                                 "max_record_bytes", "endpoint_file",
                                 "ingest_workers", "green_community",
                                 "heartbeat_interval_ms", "heartbeat_timeout_ms",
                                 "retention_max_age_seconds", "retention_max_bytes",
                                 "retention_interval_seconds", "metrics_listen",
                                 "operator_card", "log_level", "max_buffered_bytes",
                                 "max_buffered_bytes_per_org", "max_connections_per_org",
                                 "connection_queue_bytes", "fanout_tail_bytes", "root",
                                 "local_registry", "name"};
  for (const auto& m : doc.GetObject()) {
    std::string name = m.name.GetString();
    bool known = false;
    for (const char* k : kKnown) known = known || name == k;
    if (!known) problems.push_back("unknown setting \"" + name + "\"");
  }
  auto str = [&](const char* name, std::string* out, bool required) {
    const rapidjson::Value* v = json::Member(doc, name);
    if (v == nullptr) {
      if (required) problems.push_back(std::string("\"") + name + "\" is required");
      return;
    }
    if (!v->IsString() || v->GetStringLength() == 0) {
      problems.push_back(std::string("\"") + name + "\" must be a non-empty string");
      return;
    }
    std::string value(v->GetString(), v->GetStringLength());
    if (value.find('\0') != std::string::npos) {  // "\u0000": no path or endpoint holds one
      problems.push_back(std::string("\"") + name + "\" must not contain a NUL character");
      return;
    }
    *out = std::move(value);
  };
  str("listen", &options.listen, false);
  str("identity", &options.identity, true);
  str("root", &options.root, false);
  // Federation mode (a root) may start from what its data directory holds.
  str("registry", &options.registry, options.root.empty());
  str("local_registry", &options.local_registry, false);
  if (!options.local_registry.empty() && json::Member(doc, "root") == nullptr) {
    problems.push_back("\"local_registry\" needs \"root\": local additions exist only beside a "
                       "federation registry (without a root, \"registry\" is the whole registry)");
  }
  str("name", &options.name, false);
  if (!options.name.empty()) {
    if (!identity::IsValidOrgId(options.name)) {
      problems.push_back("\"name\" must be 1-64 characters of A-Z a-z 0-9 . _ -");
    } else if (json::Member(doc, "root") == nullptr) {
      problems.push_back("\"name\" needs \"root\": only a federation registry says which broker "
                         "each organisation is homed at");
    }
  }
  str("data_dir", &options.data_dir, true);
  str("endpoint_file", &options.endpoint_file, false);
  str("operator_card", &options.operator_card, false);
  str("log_level", &options.log_level, false);
  if (!IsLogLevel(options.log_level)) {
    problems.push_back("\"log_level\" must be trace, debug, info, warn, error or off");
  }
  if (const rapidjson::Value* v = json::Member(doc, "max_record_bytes")) {
    if (!v->IsUint64() || v->GetUint64() < 1024 || v->GetUint64() > wire::kMaxRecordBytes) {
      problems.push_back("\"max_record_bytes\" must be a whole number from 1024 to 16777216 "
                         "(16 MiB, the most a subscriber accepts)");
    } else {
      options.max_record_bytes = v->GetUint64();
    }
  }
  if (const rapidjson::Value* v = json::Member(doc, "ingest_workers")) {
    if (!v->IsInt() || v->GetInt() < 0 || v->GetInt() > 256) {
      problems.push_back("\"ingest_workers\" must be a whole number from 0 (one per core) to 256");
    } else {
      options.ingest_workers = v->GetInt();
    }
  }
  auto whole = [&](const char* name, std::uint64_t lo, std::uint64_t hi, auto* out) {
    const rapidjson::Value* v = json::Member(doc, name);
    if (v == nullptr) return;
    if (!v->IsUint64() || v->GetUint64() < lo || v->GetUint64() > hi) {
      problems.push_back(std::string("\"") + name + "\" must be a whole number from " +
                         std::to_string(lo) + " to " + std::to_string(hi));
      return;
    }
    *out = static_cast<std::remove_pointer_t<decltype(out)>>(v->GetUint64());
  };
  whole("heartbeat_interval_ms", 100, 3600000, &options.heartbeat_interval_ms);
  whole("heartbeat_timeout_ms", 300, 36000000, &options.heartbeat_timeout_ms);
  whole("retention_max_age_seconds", 0, 100ull * 365 * 86400, &options.retention_max_age_seconds);
  whole("retention_max_bytes", 0, ~0ull >> 1, &options.retention_max_bytes);
  whole("retention_interval_seconds", 1, 86400, &options.retention_interval_seconds);
  constexpr std::uint64_t kTiB = 1ull << 40;
  whole("max_buffered_bytes", 1ull << 20, kTiB, &options.max_buffered_bytes);
  whole("max_buffered_bytes_per_org", 1ull << 20, kTiB, &options.max_buffered_bytes_per_org);
  whole("max_connections_per_org", 1, 65536, &options.max_connections_per_org);
  whole("connection_queue_bytes", 64ull << 10, kTiB, &options.connection_queue_bytes);
  whole("fanout_tail_bytes", 0, kTiB, &options.fanout_tail_bytes);
  if (options.max_buffered_bytes_per_org < 2 * options.max_record_bytes) {
    problems.push_back("\"max_buffered_bytes_per_org\" must be at least twice "
                       "\"max_record_bytes\" (" + std::to_string(2 * options.max_record_bytes) +
                       ")");
  }
  if (options.max_buffered_bytes < options.max_buffered_bytes_per_org) {
    problems.push_back("\"max_buffered_bytes\" must be at least \"max_buffered_bytes_per_org\"");
  }
  if (options.heartbeat_timeout_ms <= options.heartbeat_interval_ms) {
    problems.push_back("\"heartbeat_timeout_ms\" must exceed \"heartbeat_interval_ms\"");
  }
  if (const rapidjson::Value* v = json::Member(doc, "green_community")) {
    bool ok = v->IsArray();
    if (ok) {
      for (const auto& org : v->GetArray()) {
        if (!org.IsString() || org.GetStringLength() == 0 ||
            std::string_view(org.GetString(), org.GetStringLength()).find('\0') !=
                std::string_view::npos) {
          ok = false;
          break;
        }
        options.green_community.emplace_back(org.GetString(), org.GetStringLength());
      }
    }
    if (!ok) problems.push_back("\"green_community\" must be a list of organisation ids");
  }
  if (const rapidjson::Value* v = json::Member(doc, "metrics_listen")) {
    if (!v->IsString()) {
      problems.push_back("\"metrics_listen\" must be a string: host:port, or \"\" to disable");
    } else {
      options.metrics_listen.assign(v->GetString(), v->GetStringLength());
      if (!options.metrics_listen.empty()) {
        Result<HostPort> where = ParseHostPort(options.metrics_listen);
        if (!where.ok()) problems.push_back("\"metrics_listen\": " + where.status().message());
      }
    }
  }
  if (options.listen.rfind("tcp://", 0) != 0 && options.listen.rfind("ipc://", 0) != 0) {
    problems.push_back("\"listen\" must be a tcp:// or ipc:// endpoint");
  }
  if (!problems.empty()) {
    std::string msg = "invalid broker config:";
    for (const auto& p : problems) msg += "\n  - " + p;
    return Status(ErrorCode::kInvalidConfig, msg);
  }
  options.identity = Resolve(options.identity, base_dir);
  options.registry = Resolve(options.registry, base_dir);
  options.data_dir = Resolve(options.data_dir, base_dir);
  options.endpoint_file = Resolve(options.endpoint_file, base_dir);
  options.operator_card = Resolve(options.operator_card, base_dir);
  options.root = Resolve(options.root, base_dir);
  options.local_registry = Resolve(options.local_registry, base_dir);
  return options;
}

}  // namespace certshare::broker
