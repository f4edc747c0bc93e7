// certshare-broker: parse flags, load and check the config, open the
// broker, serve until SIGINT or SIGTERM. `certshare-broker status` prints a
// running broker's figures; `certshare-broker admin` changes its registry.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>

#include "broker/admin_cli.h"
#include "broker/broker.h"
#include "broker/federation.h"
#include "broker/logger.h"
#include "broker/metrics_server.h"
#include "broker/tools/status_command.h"
#include "common/base/core_dumps.h"
#include "common/base/file_util.h"
#include "common/base/version.h"
#include "common/crypto/keys.h"

namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnSignal(int) { g_stop = true; }

int Fail(const certshare::Status& status) {
  std::cerr << "certshare-broker: " << status.ToString() << "\n";
  return 1;
}

// The config file, read and checked (relative paths in it are relative to
// its folder).
certshare::Result<certshare::broker::Options> LoadConfig(const std::string& path) {
  auto text = certshare::files::Read(path, 1u << 20);
  if (!text.ok()) return text.status();
  std::string base = std::filesystem::path(path).parent_path().string();
  auto options = certshare::broker::ParseConfig(*text, base);
  if (!options.ok()) return options.status().WithContext(path);
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace certshare;
  // Before anything reads a secret (common/base/core_dumps.h).
  if (Status s = ForbidCoreDumps(); !s.ok()) return Fail(s);
  CLI::App app{"certshare-broker: receives signed STIX records from CERT agents, "
               "stores them durably and delivers them to their recipients"};
  std::string config_path;
  bool check_only = false;
  app.add_option("--config", config_path, "broker config file (JSON, see docs/operations.md)");
  app.add_flag("--check-config", check_only, "check the config, identity and registry, then exit");
  std::string log_level;
  app.add_option("--log-level", log_level,
                 "trace, debug, info, warn, error or off (overrides log_level of the config; "
                 "default info); no level logs keys or payloads")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.set_version_flag("--version", VersionLine("certshare-broker"),
                       "print the version (and the source commit) and exit");
  std::string metrics_address;
  CLI::App* status = app.add_subcommand(
      "status", "print a running broker's figures, read from its metrics endpoint");
  status->add_option("--metrics", metrics_address,
                     "the broker's metrics_listen address (host:port; default: metrics_listen "
                     "of --config, else " + broker::Options{}.metrics_listen + ")");
  int admin_exit = -1;
  broker::AddAdminCommand(app, &admin_exit);
  CLI11_PARSE(app, argc, argv);
  if (*status) {
    if (metrics_address.empty() && !config_path.empty()) {
      auto options = LoadConfig(config_path);
      if (!options.ok()) return Fail(options.status());
      if (options->metrics_listen.empty()) {
        return Fail(Status(ErrorCode::kUnavailable,
                           config_path + " disables the metrics endpoint (metrics_listen is "
                           "\"\"), which status reads"));
      }
      metrics_address = options->metrics_listen;
    }
    if (metrics_address.empty()) metrics_address = broker::Options{}.metrics_listen;
    return broker::RunStatus(metrics_address);
  }
  if (admin_exit >= 0) return admin_exit;
  if (config_path.empty()) return app.exit(CLI::RequiredError("--config"));

  // "<time> <level> <module>: <message>" (docs/operations.md, "Logs").
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %n: %v", spdlog::pattern_time_type::utc);
  Status s = crypto::Init();
  if (!s.ok()) return Fail(s);
  auto options = LoadConfig(config_path);
  if (!options.ok()) return Fail(options.status());
  if (!log_level.empty()) options->log_level = log_level;
  spdlog::set_level(spdlog::level::from_str(options->log_level));
  auto identity = identity::LoadIdentity(options->identity);
  if (!identity.ok()) return Fail(identity.status());
  // Federation mode: the registry is the signed versions' (broker/federation.h).
  auto registry = options->root.empty()
                      ? identity::Registry::Load(options->registry)
                      : broker::CheckFederationConfig(*options, broker::TrustNow());
  if (!registry.ok()) return Fail(registry.status());
  if (!options->operator_card.empty()) {
    auto op = broker::LoadOperatorCard(*options, *registry);
    if (!op.ok()) return Fail(op.status());
  }
  if (check_only) {
    std::cout << "config OK: " << registry->cards().size() << " organisations registered\n";
    return 0;
  }

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  auto broker = broker::Broker::Open(*options, std::move(*identity), std::move(*registry));
  if (!broker.ok()) return Fail(broker.status());
  // Declared after the broker, so it stops first.
  broker::Broker* served = broker->get();
  broker::MetricsServer metrics_server((*broker)->metrics(),
                                       [served] { return served->Health(); });
  if (!options->metrics_listen.empty()) {
    s = metrics_server.Start(options->metrics_listen);
    if (!s.ok()) return Fail(s);
    broker::Logger()->info("metrics on http://{}/metrics", metrics_server.address());
  }
  s = (*broker)->Run(g_stop);
  metrics_server.Stop();
  if (!s.ok()) return Fail(s);
  return 0;
}
