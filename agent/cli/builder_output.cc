#include "agent/cli/builder_output.h"

#include <charconv>
#include <iostream>
#include <iterator>

#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/send_records.h"
#include "agent/link/compose.h"
#include "common/base/file_util.h"
#include "common/base/json.h"
#include "common/identity/identity.h"
#include "schemas/stix_check.h"

namespace certshare::cli {

namespace {

// Exactly as `certshare publish <file>` (one record): sealed, spooled with
// a synced write, then sent; on a timeout the record stays spooled for
// `certshare flush`.
int Publish(const std::string& text, const BuilderFlags& f) {
  // The registry and broker settings are there: AddBuilderFlags's parse
  // callback refused --publish without them.
  const ContextFlags& context_flags = f.context;  // resolved with the configuration file
  auto context = LoadContext(context_flags);
  if (!context.ok()) return Report(context.status(), kExitInvalidInput);
  // The TLP comes from the built marking (no --tlp here).
  auto options = ComposeOptionsOf(f.compose, context_flags.config);
  if (!options.ok()) return Report(options.status(), kExitUsage);
  options->usable = context->Usable();
  envelope::Sealer sealer(context->me.card.org, context->me.sign_secret,
                          context->me.box_secret);
  auto composed = agent::Compose(text, *options, context->me, context->registry, sealer);
  if (!composed.ok()) return Report(composed.status(), kExitInvalidInput);
  agent::SplitRecords records;
  records.source_id = composed->header.stix_id;
  records.records.push_back(std::move(*composed));
  SendOptions send;
  send.spool = f.spool;
  send.timeout_seconds = f.timeout_seconds;
  return SpoolAndSend(send, records, context_flags, *context);
}

}  // namespace

void AddBuilderFlags(CLI::App* cmd, BuilderFlags* f, bool identity_required) {
  cmd->add_option("--identity", f->identity,
                  "this organisation's identity file (secret file, or its public card "
                  "when not publishing; config: identity)")
      ->envname("CERTSHARE_IDENTITY");
  cmd->add_option("--out", f->out, "also write the STIX JSON to this new file (never overwritten)");
  cmd->add_flag("--publish", f->publish,
                "sign, encrypt and publish the result instead of printing it");
  cmd->add_option("--to", f->compose.to,
                  "with --publish: recipient organisations (comma-separated)")
      ->delimiter(',');
  cmd->add_option("--timeout", f->timeout_seconds,
                  "with --publish: seconds to wait for the ACK (default 10)")
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--registry", f->registry, "with --publish: the registry of cards")
      ->envname("CERTSHARE_REGISTRY");
  cmd->add_option("--trust-dir", f->context.trust_dir,
                  "with --publish: the trust directory of federation mode (config: trust.dir)")
      ->envname("CERTSHARE_TRUST_DIR");
  cmd->add_option("--broker", f->broker, "with --publish: the broker endpoint")
      ->envname("CERTSHARE_BROKER");
  cmd->add_option("--broker-card", f->broker_card, "with --publish: the broker's card")
      ->envname("CERTSHARE_BROKER_CARD");
  AddConfigFlags(cmd, &f->context);
  AddConnectTimeoutFlag(cmd, &f->context);
  AddSpoolFlags(cmd, &f->spool, true, &f->context);
  AddTopicFlags(cmd, &f->compose);
  // Once parsed: what flags and environment left empty comes from the
  // configuration file; a missing setting stops the command (exit 2).
  cmd->parse_complete_callback([f, identity_required] {
    ContextFlags& c = f->context;
    c.identity = f->identity;
    c.registry = f->registry;
    c.broker = f->broker;
    c.broker_card = f->broker_card;
    const Needs needs{identity_required || f->publish, f->publish, f->publish,
                      f->publish ? "--publish" : ""};
    int exit = kExitUsage;
    Status s = ResolveContextFlags(&c, needs, &exit);
    if (!s.ok()) throw CommandLineError{s, exit};
    f->identity = c.identity;
    f->registry = c.registry;
    f->broker = c.broker;
    f->broker_card = c.broker_card;
    if (f->publish && f->compose.to.empty()) f->compose.to = c.config.to;
  });
}

Result<agent::Author> LoadAuthor(const std::string& path) {
  CERTSHARE_ASSIGN_OR_RETURN(std::string text, files::Read(path, 1u << 20));
  rapidjson::Document doc;
  std::string format;
  if (json::Parse(text, &doc).ok() && json::GetString(doc, "format", &format) &&
      format == identity::kCardFormat) {
    CERTSHARE_ASSIGN_OR_RETURN(identity::Card card, identity::ParseCard(doc));
    return agent::Author{card.org, card.name};
  }
  // A secret file, possibly protected: building needs only its card fields,
  // so no passphrase is asked here (--publish asks when it signs).
  CERTSHARE_ASSIGN_OR_RETURN(identity::Card card, identity::LoadSecretFileCard(path));
  return agent::Author{card.org, card.name};
}

int Emit(const std::string& text, const BuilderFlags& f) {
  if (!f.publish && (!f.compose.to.empty() || !f.compose.topics.empty())) {
    return Report(Status(ErrorCode::kInvalidArgument,
                         std::string(f.compose.to.empty() ? "--topic" : "--to") +
                             " applies only with --publish"),
                  kExitUsage);
  }
  const schemas::Report report = schemas::CheckText(text);
  if (!report.ok()) {
    std::string message = "certshare built a document its own checks refuse (a bug; please "
                          "report it):";
    for (const schemas::Problem& p : report.problems) {
      message += "\n  " + p.pointer + ": " + p.message + " [" + p.rule + "]";
    }
    return Report(Status(ErrorCode::kInternal, message), kExitFailure);
  }
  if (!f.out.empty()) {
    Status s = files::WriteNew(f.out, text, 0644);
    if (!s.ok()) return Report(s, kExitInvalidInput);
    std::cerr << "certshare: wrote " << report.summary.id << " to " << f.out << "\n";
  }
  if (f.publish) {
    if (f.identity.empty()) {
      return Report(Status(ErrorCode::kInvalidArgument,
                           "--publish needs --identity (or CERTSHARE_IDENTITY)"),
                    kExitUsage);
    }
    return Publish(text, f);
  }
  if (f.out.empty()) std::cout << text << std::flush;
  return kExitOk;
}

Status CheckInputDocument(std::string_view text, std::string_view source) {
  const schemas::Report report = schemas::CheckText(text);
  if (report.ok()) return Status::Ok();
  const bool json_error = report.problems.size() == 1 && report.problems[0].rule == "json";
  std::string message = std::string(source) + " is not valid STIX 2.1 (certshare validate " +
                        std::string(source) + " lists the problems):";
  for (const schemas::Problem& p : report.problems) {
    message += "\n  " + p.pointer + ": " + p.message + " [" + p.rule + "]";
  }
  return Status(json_error ? ErrorCode::kMalformedJson : ErrorCode::kInvalidStix, message);
}

Result<std::string> ReadTextInput(const std::string& path) {
  if (path != "-") return files::Read(path);
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (std::cin.bad()) return Status(ErrorCode::kIoError, "reading standard input failed");
  return text;
}

Result<std::optional<StixMillis>> ParseTimeFlag(std::string_view flag,
                                                       const std::string& value) {
  if (value.empty()) return std::optional<StixMillis>();
  auto ms = ParseTimestamp(value);
  if (!ms.ok()) return ms.status().WithContext(flag);
  return std::optional<StixMillis>(*ms);
}

Result<std::optional<long long>> ParseIntFlag(std::string_view flag, const std::string& value,
                                              long long min, long long max) {
  if (value.empty()) return std::optional<long long>();
  long long n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < min || n > max) {
    return Status(ErrorCode::kInvalidArgument,
                  std::string(flag) + " must be an integer from " + std::to_string(min) +
                      " to " + std::to_string(max) + ", not \"" + value + "\"");
  }
  return std::optional<long long>(n);
}

}  // namespace certshare::cli
