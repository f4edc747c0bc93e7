// certshare publish <file|-> [--tlp LEVEL] [--to ORG,...]
#include <iostream>
#include <iterator>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/compose.h"
#include "common/base/file_util.h"

namespace certshare::cli {

namespace {

struct PublishFlags {
  ContextFlags context;
  std::string input;
  std::string tlp;
  std::vector<std::string> to;
  int timeout_seconds = 10;
  bool json = false;
  bool plaintext_green = false;
};

Result<std::string> ReadInput(const std::string& input) {
  if (input != "-") return files::Read(input);
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (std::cin.bad()) return Status(ErrorCode::kIoError, "reading standard input failed");
  return text;
}

int ExitFor(const Status& s) {
  switch (s.code()) {
    case ErrorCode::kTimeout:
    case ErrorCode::kTransportError:
    case ErrorCode::kUnauthenticated:
      return kExitUnreachable;
    default:
      return kExitRefused;
  }
}

int RunPublish(const PublishFlags& f) {
  agent::ComposeOptions options;
  if (!f.tlp.empty()) {
    options.tlp = ParseTlp(f.tlp);
    if (!options.tlp) {
      return Report(Status(ErrorCode::kInvalidArgument,
                           "--tlp must be clear, green, amber, amber+strict or red"),
                    kExitUsage);
    }
  }
  options.recipients = f.to;
  options.encrypt_green = !f.plaintext_green;
  auto text = ReadInput(f.input);
  if (!text.ok()) return Report(text.status(), kExitInvalidInput);
  auto context = LoadContext(f.context);
  if (!context.ok()) return Report(context.status(), kExitInvalidInput);
  envelope::Sealer sealer(context->me.card.org, context->me.sign_secret,
                          context->me.box_secret);
  auto composed = agent::Compose(*text, options, context->me, context->registry, sealer);
  if (!composed.ok()) return Report(composed.status(), kExitInvalidInput);

  auto client = ConnectBroker(f.context, *context);
  if (!client.ok()) return Report(client.status(), kExitInvalidInput);
  auto ack = (*client)->Publish(composed->record, std::chrono::seconds(f.timeout_seconds));
  if (!ack.ok()) return Report(ack.status(), ExitFor(ack.status()));

  const envelope::Header& h = composed->header;
  if (f.json) {
    std::cout << "{\"sequence\":" << ack->sequence
              << ",\"duplicate\":" << (ack->duplicate ? "true" : "false") << ",\"id\":\""
              << h.stix_id << "\",\"tlp\":\"" << TlpName(h.tlp) << "\"}\n";
    return kExitOk;
  }
  std::cout << (ack->duplicate ? "already published: " : "published ") << h.stix_id
            << " as sequence " << ack->sequence << " (TLP:" << TlpName(h.tlp);
  if (!h.recipients.empty()) {
    std::cout << ", to";
    for (std::size_t i = 0; i < h.recipients.size(); ++i) {
      std::cout << (i ? ", " : " ") << h.recipients[i];
    }
  }
  std::cout << (h.encrypted ? ", encrypted" : ", signed, not encrypted") << ")\n";
  return kExitOk;
}

}  // namespace

void AddPublish(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<PublishFlags>();
  CLI::App* cmd = app.add_subcommand(
      "publish", "sign, encrypt and publish a STIX 2.1 object or bundle; waits for the ACK");
  cmd->add_option("input", flags->input, "STIX JSON file, or - for standard input")->required();
  cmd->add_option("--tlp", flags->tlp,
                  "clear|green|amber|amber+strict|red (default: the document's TLP 2.0 marking)");
  cmd->add_option("--to", flags->to, "recipient organisations (repeat or comma-separate)")
      ->delimiter(',');
  cmd->add_option("--timeout", flags->timeout_seconds, "seconds to wait for the ACK (default 10)")
      ->check(CLI::Range(1, 3600));
  cmd->add_flag("--json", flags->json, "print the result as JSON");
  cmd->add_flag("--plaintext-green", flags->plaintext_green,
                "send a TLP:GREEN record signed but not encrypted (default: encrypted to "
                "the named recipients, or to every registered organisation)");
  AddContextFlags(cmd, &flags->context, true);
  cmd->callback([flags, exit_code] { *exit_code = RunPublish(*flags); });
}

}  // namespace certshare::cli
