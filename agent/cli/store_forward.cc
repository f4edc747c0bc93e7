#include "agent/cli/store_forward.h"

#include <cstdlib>

#include "agent/cli/exit_codes.h"
#include "agent/config/config.h"
#include "common/base/json.h"
#include "common/envelope/record_key.h"

namespace certshare::cli {

void AddSpoolFlags(CLI::App* cmd, SpoolFlags* flags, bool limits, const ContextFlags* context) {
  flags->context = context;
  cmd->add_option("--spool", flags->dir,
                  "spool directory (config: spool.path; default: "
                  "~/.local/state/certshare/spool/<org>-<key>)")
      ->envname("CERTSHARE_SPOOL");
  if (!limits) return;
  cmd->add_option("--spool-max-mb", flags->max_mb,
                  "refuse new records once the spool holds this many MiB (config: "
                  "spool.limit; default 1024)")
      ->envname("CERTSHARE_SPOOL_MAX_MB")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 30));
  cmd->add_option("--spool-max-records", flags->max_records,
                  "refuse new records once the spool holds this many (default 1000000)")
      ->envname("CERTSHARE_SPOOL_MAX_RECORDS")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
}

Result<std::string> SpoolDir(const SpoolFlags& flags, const identity::Identity& me) {
  if (!flags.dir.empty()) return flags.dir;
  if (flags.context != nullptr && !flags.context->config.spool_path.empty()) {
    return flags.context->config.spool_path;
  }
  return agent::DefaultSpoolPath(std::getenv("XDG_STATE_HOME"), std::getenv("HOME")) + "/" +
         me.card.org + "-" + HexEncode(me.card.sign_key).substr(0, 8);
}

Result<std::unique_ptr<agent::Spool>> OpenSpool(const SpoolFlags& flags,
                                                const identity::Identity& me,
                                                std::chrono::milliseconds lock_wait) {
  CERTSHARE_ASSIGN_OR_RETURN(std::string dir, SpoolDir(flags, me));
  agent::SpoolOptions options;
  options.max_bytes = flags.max_mb > 0 ? flags.max_mb << 20
                    : flags.context != nullptr ? flags.context->config.spool_limit_bytes
                                               : agent::SpoolOptions{}.max_bytes;
  options.max_records = flags.max_records;
  options.lock_wait = lock_wait;
  return agent::Spool::Open(dir, options);
}

Result<agent::Forwarder::Connector> MakeConnector(const ContextFlags& flags,
                                                  const Context& context) {
  CERTSHARE_ASSIGN_OR_RETURN(identity::Card broker, LoadBrokerCard(flags));
  // Connecting makes the socket and parses the endpoint; no packet is sent
  // yet, so this only checks what retrying would never fix.
  const std::chrono::milliseconds connect_timeout = ConnectTimeout(flags);
  CERTSHARE_RETURN_IF_ERROR(
      agent::BrokerClient::Connect(flags.broker, broker, context.me, connect_timeout).status());
  std::string endpoint = flags.broker;
  const identity::Identity* me = &context.me;
  return agent::Forwarder::Connector([endpoint, broker, me, connect_timeout] {
    return agent::BrokerClient::Connect(endpoint, broker, *me, connect_timeout);
  });
}

int ExitForForward(const Status& s) {
  if (agent::BrokerNotReached(s)) return kExitUnreachable;
  switch (s.code()) {
    case ErrorCode::kRevoked:  // the handshake: the broker refuses this organisation
      return kExitRefused;
    case ErrorCode::kSpoolFull:
      return kExitSpoolFull;
    default:
      return kExitFailure;
  }
}

std::string StixIdOf(const std::string& dedupe_key) {
  Result<envelope::RecordKey> key = envelope::ParseRecordKey(dedupe_key);
  return key.ok() ? key->stix_id : "";
}

std::string ModifiedOf(const std::string& dedupe_key) {
  Result<envelope::RecordKey> key = envelope::ParseRecordKey(dedupe_key);
  return key.ok() ? key->modified : "";
}

std::string Joined(const std::vector<std::string>& words, const char* last) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == words.size() ? last : ", ") + words[i];
  }
  return out;
}

std::string DescribeRecord(const std::string& dedupe_key) {
  Result<envelope::RecordKey> key = envelope::ParseRecordKey(dedupe_key);
  if (!key.ok()) return "a record of unreadable key (" + key.status().message() + ")";
  return envelope::DescribeRecordKey(*key);
}

std::string JsonString(std::string_view text) {
  rapidjson::Value v(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return json::Write(v);
}

}  // namespace certshare::cli
