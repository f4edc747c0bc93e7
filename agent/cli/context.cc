#include "agent/cli/context.h"

#include <iostream>

namespace certshare::cli {

void AddContextFlags(CLI::App* cmd, ContextFlags* flags, bool broker) {
  cmd->add_option("--identity", flags->identity, "this organisation's secret identity file")
      ->envname("CERTSHARE_IDENTITY")
      ->required();
  cmd->add_option("--registry", flags->registry,
                  "registry of organisations' public cards (JSON)")
      ->envname("CERTSHARE_REGISTRY")
      ->required();
  if (broker) {
    cmd->add_option("--broker", flags->broker, "broker endpoint, e.g. tcp://127.0.0.1:7700")
        ->envname("CERTSHARE_BROKER")
        ->required();
    cmd->add_option("--broker-card", flags->broker_card,
                    "the broker's public card (pins its CURVE key)")
        ->envname("CERTSHARE_BROKER_CARD")
        ->required();
  }
}

Result<Context> LoadContext(const ContextFlags& flags) {
  CERTSHARE_ASSIGN_OR_RETURN(identity::Identity me, identity::LoadIdentity(flags.identity));
  CERTSHARE_ASSIGN_OR_RETURN(identity::Registry registry,
                             identity::Registry::Load(flags.registry));
  return Context{std::move(me), std::move(registry)};
}

Result<std::unique_ptr<agent::BrokerClient>> ConnectBroker(const ContextFlags& flags,
                                                           const Context& context) {
  CERTSHARE_ASSIGN_OR_RETURN(identity::Card broker, identity::LoadCard(flags.broker_card));
  return agent::BrokerClient::Connect(flags.broker, broker, context.me);
}

int Report(const Status& status, int exit) {
  std::cerr << "certshare: " << status.ToString() << "\n";
  return exit;
}

}  // namespace certshare::cli
