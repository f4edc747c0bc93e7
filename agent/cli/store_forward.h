// What `publish`, `flush`, `status` and `get` share for store and forward
// (docs/agent.md, "Store and forward"): the spool flags and where the spool
// is, the connector the Forwarder reconnects with, the exit status of a
// forwarding result, and how a record is named in messages.
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/cli/context.h"
#include "agent/link/forwarder.h"
#include "agent/link/spool.h"
#include "common/base/status.h"
#include "common/identity/identity.h"

namespace certshare::cli {

struct SpoolFlags {
  // --spool / CERTSHARE_SPOOL / [spool] path.
  std::string dir;
  // --spool-max-mb / CERTSHARE_SPOOL_MAX_MB / [spool] limit; 0 until given
  // (then the configuration's limit, default 1 GiB).
  std::uint64_t max_mb = 0;
  // --spool-max-records / CERTSHARE_SPOOL_MAX_RECORDS; default 1,000,000.
  std::uint64_t max_records = 1'000'000;
  // The command's context flags, whose configuration file supplies
  // [spool] path and limit (nullptr: the file is not consulted).
  const ContextFlags* context = nullptr;
};

// Adds --spool, and with `limits` (commands that add to the spool)
// --spool-max-mb and --spool-max-records. Pass the command's ContextFlags
// so that the configuration file's [spool] settings apply.
void AddSpoolFlags(CLI::App* cmd, SpoolFlags* flags, bool limits,
                   const ContextFlags* context = nullptr);

// The spool directory: --spool / CERTSHARE_SPOOL, else [spool] path of the
// configuration file, else <agent::DefaultSpoolPath()>/<org>-<first 8 hex
// digits of the signing key>, i.e. ~/.local/state/certshare/spool/CERT-EE-
// 1a2b3c4d: one spool per identity, since its records are signed with
// that key (tests and two identities on one account never mix).
Result<std::string> SpoolDir(const SpoolFlags& flags, const identity::Identity& me);

// Opens this identity's spool with the flags' limits, waiting up to
// `lock_wait` for another certshare process using it.
Result<std::unique_ptr<agent::Spool>> OpenSpool(const SpoolFlags& flags,
                                                const identity::Identity& me,
                                                std::chrono::milliseconds lock_wait);

// Loads the broker's card and checks the endpoint once (errors here are
// the caller's exit 3), then returns a Connector that connects with them
// each time the Forwarder asks. `context` must outlive the Connector.
Result<agent::Forwarder::Connector> MakeConnector(const ContextFlags& flags,
                                                  const Context& context);

// Exit status for an error of the spool or of Forwarder::Drain: 5 when the
// broker was not reached (agent::BrokerNotReached), 4 when its handshake refused
// this organisation as REVOKED, 7 for SPOOL_FULL, 1 for anything else (the
// spool's disk).
int ExitForForward(const Status& s);

// "indicator--1234… (modified 2026-…)" from a dedupe key the spool holds
// (envelope::ParseRecordKey, envelope::DescribeRecordKey); a key that does
// not parse (which no certshare writes) is named with why it does not.
std::string DescribeRecord(const std::string& dedupe_key);

// "a, b and c" with `last` (" and ", ", ") before the last word.
std::string Joined(const std::vector<std::string>& words, const char* last);
// The STIX id part of a dedupe key; empty when it does not parse.
std::string StixIdOf(const std::string& dedupe_key);
// The modified part of a dedupe key; empty when it does not parse.
std::string ModifiedOf(const std::string& dedupe_key);

// A JSON string literal (quotes included).
std::string JsonString(std::string_view text);

}  // namespace certshare::cli
