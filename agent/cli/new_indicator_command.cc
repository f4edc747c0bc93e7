// certshare new indicator (--ip A | --domain D | --url U | --file-hash ALGO:HEX)...
//   [--name N] [--description T] [--indicator-type T,...] [--valid-from TIME]
//   [--valid-until TIME] [--tlp LEVEL] [--incident ID] + output flags
#include "agent/cli/builder_output.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/new_commands.h"
#include "agent/stix/indicator_builder.h"

namespace certshare::cli {

namespace {

struct NewIndicatorFlags {
  BuilderFlags output;
  std::vector<std::string> ips;
  std::vector<std::string> domains;
  std::vector<std::string> urls;
  std::vector<std::string> hashes;
  std::string name;
  std::string description;
  std::vector<std::string> indicator_types;
  std::string valid_from;
  std::string valid_until;
  std::string tlp;
  std::string incident;
};

Result<agent::IndicatorSpec> ToSpec(const NewIndicatorFlags& f) {
  agent::IndicatorSpec spec;
  using Parser = Result<agent::Observable> (*)(std::string_view);
  const std::pair<const std::vector<std::string>*, Parser> inputs[] = {
      {&f.ips, agent::ParseIpObservable},
      {&f.domains, agent::ParseDomainObservable},
      {&f.urls, agent::ParseUrlObservable},
      {&f.hashes, agent::ParseFileHashObservable},
  };
  for (const auto& [values, parse] : inputs) {
    for (const std::string& v : *values) {
      CERTSHARE_ASSIGN_OR_RETURN(agent::Observable o, parse(v));
      spec.observables.push_back(std::move(o));
    }
  }
  spec.name = f.name;
  spec.description = f.description;
  if (!f.indicator_types.empty()) spec.indicator_types = f.indicator_types;
  CERTSHARE_ASSIGN_OR_RETURN(spec.valid_from, ParseTimeFlag("--valid-from", f.valid_from));
  CERTSHARE_ASSIGN_OR_RETURN(spec.valid_until, ParseTimeFlag("--valid-until", f.valid_until));
  if (!f.tlp.empty()) {
    spec.tlp = ParseTlp(f.tlp);
    if (!spec.tlp) {
      return Status(ErrorCode::kInvalidArgument,
                    "--tlp must be clear, green, amber, amber+strict or red");
    }
  }
  spec.incident_id = f.incident;
  CERTSHARE_RETURN_IF_ERROR(agent::CheckIndicatorSpec(spec));
  return spec;
}

int RunNewIndicator(const NewIndicatorFlags& f) {
  auto spec = ToSpec(f);
  if (!spec.ok()) return Report(spec.status(), kExitUsage);
  auto author = LoadAuthor(f.output.identity);
  if (!author.ok()) return Report(author.status(), kExitInvalidInput);
  agent::Bundle bundle;
  auto id = agent::BuildIndicator(*spec, *author, NowMillis(), &bundle);
  if (!id.ok()) return Report(id.status(), kExitUsage);
  return Emit(bundle.ToJson(), f.output);
}

}  // namespace

void AddNewIndicator(CLI::App& parent, int* exit_code) {
  auto f = std::make_shared<NewIndicatorFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "indicator", "an indicator whose STIX pattern is made from addresses, names or hashes");
  cmd->add_option("--ip", f->ips, "IPv4 or IPv6 address or network (ADDRESS/PREFIX); repeatable")
      ->delimiter(',');
  cmd->add_option("--domain", f->domains, "domain name; repeatable")->delimiter(',');
  cmd->add_option("--url", f->urls, "URL with its scheme; repeatable");
  cmd->add_option("--file-hash", f->hashes,
                  "ALGO:DIGEST, e.g. SHA-256:<64 hex digits> (MD5, SHA-1, SHA-256, SHA-512, "
                  "SHA3-256, SHA3-512, SSDEEP, TLSH); repeatable")
      ->delimiter(',');
  cmd->add_option("--name", f->name, "title (default: from the observables)");
  cmd->add_option("--description", f->description, "what it detects, for the recipients");
  cmd->add_option("--indicator-type", f->indicator_types,
                  "indicator-type-ov value(s) (default malicious-activity)")
      ->delimiter(',');
  cmd->add_option("--valid-from", f->valid_from, "RFC 3339 (default: now)");
  cmd->add_option("--valid-until", f->valid_until, "RFC 3339 (default: none)");
  cmd->add_option("--tlp", f->tlp, "clear, green, amber, amber+strict or red (default: none)");
  cmd->add_option("--incident", f->incident,
                  "incident id this indicator indicates (adds an `indicates` relationship)");
  AddBuilderFlags(cmd, &f->output);
  cmd->callback([f, exit_code] { *exit_code = RunNewIndicator(*f); });
}

}  // namespace certshare::cli
