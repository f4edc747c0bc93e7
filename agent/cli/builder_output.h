// What the builder subcommands (`new ...`, `revise`) share: who the author
// is (--identity), and where the built STIX goes: standard output, a file
// (--out), or the broker (--publish: sealed, spooled and sent exactly as
// `certshare publish` does, send_records.h).
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "agent/cli/context.h"
#include "agent/cli/send_records.h"
#include "agent/cli/store_forward.h"
#include "agent/stix/stix_objects.h"
#include "common/base/status.h"
#include "common/base/timestamp.h"

namespace certshare::cli {

struct BuilderFlags {
  std::string identity;  // --identity / CERTSHARE_IDENTITY
  std::string out;       // --out FILE (never overwritten)
  bool publish = false;  // --publish
  // Only with --publish:
  std::string registry;     // --registry / CERTSHARE_REGISTRY
  std::string broker;       // --broker / CERTSHARE_BROKER
  std::string broker_card;  // --broker-card / CERTSHARE_BROKER_CARD
  int timeout_seconds = 10;
  SpoolFlags spool;  // --spool and its limits: --publish spools first
  ComposeFlags compose;  // --to, --topic, --derive-topics (the TLP is the built marking's)
  // --config and --passphrase-file, and once parsed the settings above as
  // resolved with the configuration file (context.h); --publish uses these.
  // Without --to, --publish sends to publish.to of the configuration.
  ContextFlags context;
};

// Adds --identity (required when `identity_required`, else only with
// --publish), --out, --publish, --to, --timeout, the connection flags
// (needed only with --publish), --config and --passphrase-file. A setting
// neither flag nor environment gives comes from the configuration file.
void AddBuilderFlags(CLI::App* cmd, BuilderFlags* flags, bool identity_required = true);

// Checks a document to be attached or merged: kMalformedJson or
// kInvalidStix listing every problem, prefixed with `source`.
Status CheckInputDocument(std::string_view text, std::string_view source);

// The author of built objects, from --identity: the organisation's secret
// identity file (as `publish` uses) or its public card (enough to build;
// --publish needs the secret file).
Result<agent::Author> LoadAuthor(const std::string& path);

// Checks the built document with schemas::CheckText (a builder never emits
// what certshare itself would refuse), then writes it to --out and/or
// standard output, or publishes it. Returns the exit status.
int Emit(const std::string& stix_text, const BuilderFlags& flags);

// A whole file, or standard input for "-".
Result<std::string> ReadTextInput(const std::string& path);

// Parses an optional timestamp flag ("" -> nullopt). kInvalidArgument
// names the flag.
Result<std::optional<StixMillis>> ParseTimeFlag(std::string_view flag,
                                                       const std::string& value);
// Parses an optional integer flag in [min, max] ("" -> nullopt).
Result<std::optional<long long>> ParseIntFlag(std::string_view flag, const std::string& value,
                                              long long min, long long max);

}  // namespace certshare::cli
