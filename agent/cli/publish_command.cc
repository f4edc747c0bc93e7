// certshare publish <file|-> [--tlp LEVEL] [--to ORG,...] [--split] [--no-wait]
//
// The document is sealed (with --split, one record per object of a
// bundle: agent/link/compose_split.h), then spooled and sent
// (send_records.h: store and forward).
#include <iostream>
#include <iterator>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/send_records.h"
#include "agent/cli/store_forward.h"
#include "agent/link/compose.h"
#include "agent/link/compose_split.h"
#include "common/base/file_util.h"

namespace certshare::cli {

namespace {

struct PublishFlags {
  ContextFlags context;
  SpoolFlags spool;
  ComposeFlags compose;  // --tlp, --to, --plaintext-green, --topic, --derive-topics
  std::string input;
  int timeout_seconds = 10;
  bool json = false;
  bool split = false;
  bool no_wait = false;
};

Result<std::string> ReadInput(const std::string& input) {
  if (input != "-") return files::Read(input);
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (std::cin.bad()) return Status(ErrorCode::kIoError, "reading standard input failed");
  return text;
}

int RunPublish(const PublishFlags& f) {
  // Without --to, the configuration's default recipients (publish.to).
  auto options = ComposeOptionsOf(f.compose, f.context.config);
  if (!options.ok()) return Report(options.status(), kExitUsage);
  auto text = ReadInput(f.input);
  if (!text.ok()) return Report(text.status(), kExitInvalidInput);
  auto context = LoadContext(f.context);
  if (!context.ok()) return Report(context.status(), kExitInvalidInput);
  options->usable = context->Usable();
  envelope::Sealer sealer(context->me.card.org, context->me.sign_secret,
                          context->me.box_secret);
  agent::SplitRecords split;
  if (f.split) {
    auto composed =
        agent::ComposeSplit(*text, *options, context->me, context->registry, sealer);
    if (!composed.ok()) return Report(composed.status(), kExitInvalidInput);
    split = std::move(*composed);
  } else {
    auto composed = agent::Compose(*text, *options, context->me, context->registry, sealer);
    if (!composed.ok()) return Report(composed.status(), kExitInvalidInput);
    split.source_id = composed->header.stix_id;
    split.records.push_back(std::move(*composed));
  }
  SendOptions send;
  send.spool = f.spool;
  send.timeout_seconds = f.timeout_seconds;
  send.json = f.json;
  send.split = f.split;
  send.no_wait = f.no_wait;
  return SpoolAndSend(send, split, f.context, *context);
}

}  // namespace

void AddPublish(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<PublishFlags>();
  CLI::App* cmd = app.add_subcommand(
      "publish",
      "sign, encrypt and publish a STIX 2.1 object or bundle: spooled durably first, then "
      "sent; waits for the ACK unless --no-wait");
  cmd->add_option("input", flags->input, "STIX JSON file, or - for standard input")->required();
  cmd->add_option("--tlp", flags->compose.tlp,
                  "clear|green|amber|amber+strict|red (default: the document's TLP 2.0 "
                  "marking; with --split, the level of unmarked objects)");
  cmd->add_option("--to", flags->compose.to, "recipient organisations (repeat or comma-separate)")
      ->delimiter(',');
  cmd->add_option("--timeout", flags->timeout_seconds,
                  "give up after this many seconds without an acknowledgement; the records "
                  "stay spooled (default 10)")
      ->check(CLI::Range(1, 3600));
  cmd->add_flag("--json", flags->json, "print the result as JSON");
  cmd->add_flag("--plaintext-green", flags->compose.plaintext_green,
                "send a TLP:GREEN record signed but not encrypted (default: encrypted to "
                "the named recipients, or to every registered organisation)");
  cmd->add_flag("--split", flags->split,
                "publish each object of a bundle as its own record (progress bar on a "
                "terminal, summary at the end)");
  cmd->add_flag("--no-wait", flags->no_wait,
                "exit as soon as the records are safely in the spool; `certshare flush` or "
                "the next publish sends them");
  AddTopicFlags(cmd, &flags->compose);
  Needs needs;
  needs.broker = true;
  needs.broker_not_needed_if = &flags->no_wait;  // --no-wait only spools
  AddContextFlags(cmd, &flags->context, needs);
  AddSpoolFlags(cmd, &flags->spool, true, &flags->context);
  cmd->callback([flags, exit_code] { *exit_code = RunPublish(*flags); });
}

}  // namespace certshare::cli
