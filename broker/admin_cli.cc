#include "broker/admin_cli.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "broker/tools/admin_client.h"

namespace certshare::broker {

void AddAdminCommand(CLI::App& app, int* exit_code) {
  auto request = std::make_shared<AdminRequest>();
  CLI::App* admin = app.add_subcommand(
      "admin", "change the registry of a running broker, as its operator (operator_card)");
  admin->require_subcommand(1);
  admin->add_option("--operator", request->operator_secret,
                    "the operator's secret identity file (certshare keygen --org OPERATOR)")
      ->required();
  admin->add_option("--broker", request->broker, "the broker's endpoint, e.g. tcp://127.0.0.1:7700")
      ->required();
  admin->add_option("--broker-card", request->broker_card,
                    "the broker's public card (pins its CURVE key)")
      ->required();
  admin->add_option("--timeout", request->timeout_seconds,
                    "seconds to wait for the broker's answer (default 10)")
      ->check(CLI::Range(1, 3600));

  auto run = [request, exit_code](AdminKind kind) {
    return [request, exit_code, kind] {
      request->kind = kind;
      *exit_code = RunAdmin(*request, std::cout, std::cerr);
    };
  };
  CLI::App* add = admin->add_subcommand("add-org", "register a new organisation from its card");
  add->add_option("card", request->card_path, "the organisation's card (.card.json)")->required();
  add->callback(run(AdminKind::kAddOrg));

  CLI::App* rotate = admin->add_subcommand(
      "rotate", "replace an organisation's keys with those of its new card");
  rotate->add_option("card", request->card_path, "the organisation's new card")->required();
  CLI::Option* forget = rotate->add_flag(
      "--forget-previous-keys", request->forget_previous_keys,
      "do not keep the replaced signing and box keys (they are compromised): records signed "
      "with them then no longer verify");
  rotate->add_flag("--keep-previous-keys", request->keep_previous_keys,
                   "when reinstating a revoked organisation, keep its revoked keys as previous "
                   "keys so that its earlier records still verify (by default they are "
                   "forgotten)")
      ->excludes(forget);
  rotate->callback(run(AdminKind::kRotate));

  CLI::App* revoke = admin->add_subcommand(
      "revoke", "revoke an organisation: disconnected now, refused from then on");
  revoke->add_option("org", request->org, "the organisation id")->required();
  revoke->callback(run(AdminKind::kRevoke));

  CLI::App* apply = admin->add_subcommand(
      "apply", "federation mode: apply a signed root or registry version (certshare trust ...); "
               "the broker verifies it as agents do, stores it and tells connected agents");
  apply->add_option("file", request->file_path, "the signed file (.json)")->required();
  apply->callback(run(AdminKind::kApply));

  CLI::App* quarantine = admin->add_subcommand(
      "quarantine",
      "withhold an organisation's records received from a time on (a compromise discovered "
      "late): kept stored, delivered to nobody until released; replaces its earlier hold");
  quarantine->add_option("org", request->org, "the organisation id")->required();
  quarantine->add_option("--since", request->since,
                         "the first receipt time held, RFC 3339 UTC (e.g. 2026-11-27T08:00:00Z)")
      ->required();
  quarantine->add_option("--until", request->until,
                         "the last receipt time held; without it, whatever the organisation "
                         "publishes next is held too");
  quarantine->callback(run(AdminKind::kQuarantine));

  CLI::App* release = admin->add_subcommand(
      "release", "end an organisation's hold: its withheld records are delivered again");
  release->add_option("org", request->org, "the organisation id")->required();
  release->callback(run(AdminKind::kRelease));

  CLI::App* show = admin->add_subcommand("show", "print the broker's current registry");
  show->add_flag("--json", request->json,
                 "print the registry file itself (to give agents a fresh copy)");
  show->callback(run(AdminKind::kShow));
}

}  // namespace certshare::broker
