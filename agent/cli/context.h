// What most subcommands need: this organisation's identity, its copy of
// the registry, and how to reach the broker. Flags may also come from the
// environment (CERTSHARE_IDENTITY, CERTSHARE_REGISTRY, CERTSHARE_BROKER,
// CERTSHARE_BROKER_CARD).
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "agent/broker_client.h"
#include "common/base/status.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::cli {

struct ContextFlags {
  std::string identity;
  std::string registry;
  std::string broker;
  std::string broker_card;
};

// Adds --identity and --registry (and, with `broker`, --broker and
// --broker-card) to a subcommand.
void AddContextFlags(CLI::App* cmd, ContextFlags* flags, bool broker);

struct Context {
  identity::Identity me;
  identity::Registry registry;
};

Result<Context> LoadContext(const ContextFlags& flags);
Result<std::unique_ptr<agent::BrokerClient>> ConnectBroker(const ContextFlags& flags,
                                                           const Context& context);

// Prints "certshare: <CODE> (<n>): <message>" on stderr and returns `exit`.
int Report(const Status& status, int exit);

}  // namespace certshare::cli
