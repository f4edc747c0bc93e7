// certshare revise FILE|- [--investigation-status S] [--determination D]
//   [--criticality N] [--revoke] + output flags
#include "agent/cli/builder_output.h"
#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/stix/revise.h"
#include "agent/stix/vocab.h"

namespace certshare::cli {

namespace {

struct ReviseFlags {
  BuilderFlags output;
  std::string input;
  std::string investigation_status;
  std::string determination;
  std::string criticality;
  bool revoke = false;
};

int RunRevise(const ReviseFlags& f) {
  agent::ReviseOptions options;
  if (!f.investigation_status.empty()) {
    if (!agent::kInvestigationStatuses.Contains(f.investigation_status)) {
      return Report(Status(ErrorCode::kInvalidArgument,
                           "--investigation-status must be one of " +
                               agent::kInvestigationStatuses.Join()),
                    kExitUsage);
    }
    options.investigation_status = f.investigation_status;
  }
  if (!f.determination.empty()) {
    if (!agent::kIncidentDeterminations.Contains(f.determination)) {
      return Report(Status(ErrorCode::kInvalidArgument,
                           "--determination must be one of " +
                               agent::kIncidentDeterminations.Join()),
                    kExitUsage);
    }
    options.determination = f.determination;
  }
  auto criticality = ParseIntFlag("--criticality", f.criticality, 0, 100);
  if (!criticality.ok()) return Report(criticality.status(), kExitUsage);
  if (*criticality) options.criticality = static_cast<int>(**criticality);
  options.revoke = f.revoke;

  auto author = LoadAuthor(f.output.identity);
  if (!author.ok()) return Report(author.status(), kExitInvalidInput);
  options.identity_id = agent::OrganisationIdentityId(author->org);
  options.now = NowMillis();

  auto text = ReadTextInput(f.input);
  if (!text.ok()) return Report(text.status(), kExitInvalidInput);
  Status s = CheckInputDocument(*text, f.input);
  if (!s.ok()) return Report(s, kExitInvalidInput);
  auto revised = agent::Revise(*text, options);
  if (!revised.ok()) return Report(revised.status(), kExitInvalidInput);
  return Emit(revised->json, f.output);
}

}  // namespace

void AddRevise(CLI::App& app, int* exit_code) {
  auto f = std::make_shared<ReviseFlags>();
  CLI::App* cmd = app.add_subcommand(
      "revise",
      "a new version of this organisation's objects in a STIX file: same id and created, "
      "later modified");
  cmd->add_option("input", f->input, "STIX object or bundle file, or - for standard input")
      ->required();
  cmd->add_option("--investigation-status", f->investigation_status,
                  "also set the incidents' investigation status: new, open or closed");
  cmd->add_option("--determination", f->determination,
                  "also set the incidents' determination: blocked, confirmed, failed-attempt, "
                  "false-positive or suspected");
  cmd->add_option("--criticality", f->criticality, "also set the incidents' criticality, 0-100");
  cmd->add_flag("--revoke", f->revoke, "mark the revised objects revoked (withdrawn)");
  AddBuilderFlags(cmd, &f->output);
  cmd->callback([f, exit_code] { *exit_code = RunRevise(*f); });
}

}  // namespace certshare::cli
