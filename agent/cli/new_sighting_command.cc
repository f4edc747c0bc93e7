// certshare new sighting --of ID [--count N] [--first-seen TIME]
//   [--last-seen TIME] [--description T] [--tlp LEVEL] + output flags
#include "agent/cli/builder_output.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/new_commands.h"
#include "agent/cli/prompt.h"
#include "agent/stix/sighting_builder.h"

namespace certshare::cli {

namespace {

struct NewSightingFlags {
  BuilderFlags output;
  std::string of;
  std::string count;
  std::string first_seen;
  std::string last_seen;
  std::string description;
  std::string tlp;
};

Result<agent::SightingSpec> ToSpec(const NewSightingFlags& f) {
  agent::SightingSpec spec;
  spec.sighting_of = f.of;
  CERTSHARE_ASSIGN_OR_RETURN(spec.count,
                             ParseIntFlag("--count", f.count, 0, agent::kMaxSightingCount));
  CERTSHARE_ASSIGN_OR_RETURN(spec.first_seen, ParseTimeFlag("--first-seen", f.first_seen));
  CERTSHARE_ASSIGN_OR_RETURN(spec.last_seen, ParseTimeFlag("--last-seen", f.last_seen));
  spec.description = f.description;
  if (!f.tlp.empty()) {
    spec.tlp = ParseTlp(f.tlp);
    if (!spec.tlp) {
      return Status(ErrorCode::kInvalidArgument,
                    "--tlp must be clear, green, amber, amber+strict or red");
    }
  }
  CERTSHARE_RETURN_IF_ERROR(agent::CheckSightingSpec(spec));
  return spec;
}

int RunNewSighting(NewSightingFlags& f) {
  Prompter prompter = Prompter::ForTerminal();
  Status s = prompter.Require("--of", "Id of what was seen (e.g. indicator--...)", &f.of);
  if (!s.ok()) return Report(s, kExitUsage);
  auto spec = ToSpec(f);
  if (!spec.ok()) return Report(spec.status(), kExitUsage);
  auto author = LoadAuthor(f.output.identity);
  if (!author.ok()) return Report(author.status(), kExitInvalidInput);
  agent::Bundle bundle;
  auto id = agent::BuildSighting(*spec, *author, NowMillis(), &bundle);
  if (!id.ok()) return Report(id.status(), kExitUsage);
  return Emit(bundle.ToJson(), f.output);
}

}  // namespace

void AddNewSighting(CLI::App& parent, int* exit_code) {
  auto f = std::make_shared<NewSightingFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "sighting", "a sighting by this organisation of an indicator (or other object)");
  cmd->add_option("--of", f->of, "id of what was seen, e.g. indicator--... (asked on a terminal)");
  cmd->add_option("--count", f->count, "how many times it was seen, 0-999999999");
  cmd->add_option("--first-seen", f->first_seen, "start of the time it was seen (RFC 3339)");
  cmd->add_option("--last-seen", f->last_seen, "end of the time it was seen (RFC 3339)");
  cmd->add_option("--description", f->description, "context for the recipients");
  cmd->add_option("--tlp", f->tlp, "clear, green, amber, amber+strict or red (default: none)");
  AddBuilderFlags(cmd, &f->output);
  cmd->callback([f, exit_code] { *exit_code = RunNewSighting(*f); });
}

}  // namespace certshare::cli
