// certshare new incident --name N --rsit CLASS/TYPE --determination D
//   --investigation-status S --tlp LEVEL [--description T] [--criticality 0-100]
//   [--incident-type T,...] [--sector S,...] [--country CC,...]
//   [--first-seen TIME] [--last-seen TIME] [--attach FILE...] + output flags
#include <algorithm>
#include <cctype>
#include <iostream>

#include "agent/cli/builder_output.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/new_commands.h"
#include "agent/cli/prompt.h"
#include "agent/stix/incident_builder.h"
#include "agent/stix/rsit.h"
#include "agent/stix/vocab.h"

namespace certshare::cli {

namespace {

struct NewIncidentFlags {
  BuilderFlags output;
  std::string name;
  std::string description;
  std::string rsit;
  std::string determination;
  std::string investigation_status;
  std::string criticality;
  std::vector<std::string> incident_types;
  std::vector<std::string> sectors;
  std::vector<std::string> countries;
  std::string first_seen;
  std::string last_seen;
  std::string tlp;
  std::vector<std::string> attach;
};

Status InVocabulary(const agent::Vocabulary& vocabulary, std::string_view flag,
                    const std::string& value) {
  if (vocabulary.Contains(value)) return Status::Ok();
  return Status(ErrorCode::kInvalidArgument,
                std::string(flag) + " must be one of " + vocabulary.Join());
}

Status CheckRsitAnswer(const std::string& answer) {
  if (answer == "?") {
    std::string list = "the RSIT classifications are:";
    for (const auto& t : agent::rsit::Types()) list += "\n    " + agent::rsit::Name(t);
    return Status(ErrorCode::kInvalidArgument, list);
  }
  return agent::rsit::Find(answer).status();
}

Status CheckTlpAnswer(const std::string& answer) {
  if (ParseTlp(answer)) return Status::Ok();
  return Status(ErrorCode::kInvalidArgument,
                "--tlp must be clear, green, amber, amber+strict or red");
}

// Asks for what is required and missing; without a terminal, fails naming
// every missing flag at once.
Status CompleteRequired(NewIncidentFlags& f, Prompter& prompter) {
  if (!prompter.interactive()) {
    std::string missing;
    for (const auto& [flag, value] : {std::pair{"--name", &f.name}, std::pair{"--rsit", &f.rsit},
                                      std::pair{"--determination", &f.determination},
                                      std::pair{"--investigation-status", &f.investigation_status},
                                      std::pair{"--tlp", &f.tlp}}) {
      if (value->empty()) missing += std::string(missing.empty() ? "" : ", ") + flag;
    }
    if (!missing.empty()) {
      return Status(ErrorCode::kInvalidArgument,
                    "missing " + missing +
                        " (required; standard input is not a terminal, so certshare cannot "
                        "ask for them)");
    }
    return Status::Ok();
  }
  CERTSHARE_RETURN_IF_ERROR(prompter.Require("--name", "Incident name", &f.name));
  CERTSHARE_RETURN_IF_ERROR(prompter.Require("--rsit", "RSIT classification", &f.rsit,
                                             "CLASS/TYPE, e.g. fraud/phishing; ? lists them",
                                             CheckRsitAnswer));
  const std::string determinations = agent::kIncidentDeterminations.Join();
  CERTSHARE_RETURN_IF_ERROR(prompter.Require(
      "--determination", "Determination", &f.determination, determinations,
      [](const std::string& v) {
        return InVocabulary(agent::kIncidentDeterminations, "--determination", v);
      }));
  const std::string statuses = agent::kInvestigationStatuses.Join();
  CERTSHARE_RETURN_IF_ERROR(prompter.Require(
      "--investigation-status", "Investigation status", &f.investigation_status, statuses,
      [](const std::string& v) {
        return InVocabulary(agent::kInvestigationStatuses, "--investigation-status", v);
      }));
  return prompter.Require("--tlp", "TLP", &f.tlp, "clear, green, amber, amber+strict, red",
                          CheckTlpAnswer);
}

Result<agent::IncidentSpec> ToSpec(const NewIncidentFlags& f) {
  agent::IncidentSpec spec;
  spec.name = f.name;
  spec.description = f.description;
  CERTSHARE_ASSIGN_OR_RETURN(spec.rsit, agent::rsit::Find(f.rsit));
  spec.determination = f.determination;
  spec.investigation_status = f.investigation_status;
  CERTSHARE_ASSIGN_OR_RETURN(std::optional<long long> criticality,
                             ParseIntFlag("--criticality", f.criticality, 0, 100));
  if (criticality) spec.criticality = static_cast<int>(*criticality);
  spec.extra_incident_types = f.incident_types;
  for (std::string s : f.sectors) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    spec.sectors.push_back(s);
  }
  for (std::string c : f.countries) {
    std::transform(c.begin(), c.end(), c.begin(), [](unsigned char ch) { return std::toupper(ch); });
    spec.countries.push_back(c);
  }
  CERTSHARE_ASSIGN_OR_RETURN(spec.first_seen, ParseTimeFlag("--first-seen", f.first_seen));
  CERTSHARE_ASSIGN_OR_RETURN(spec.last_seen, ParseTimeFlag("--last-seen", f.last_seen));
  const std::optional<Tlp> tlp = ParseTlp(f.tlp);
  if (!tlp) {
    return Status(ErrorCode::kInvalidArgument,
                  "--tlp must be clear, green, amber, amber+strict or red");
  }
  spec.tlp = *tlp;
  CERTSHARE_RETURN_IF_ERROR(agent::CheckIncidentSpec(spec));
  return spec;
}

int RunNewIncident(NewIncidentFlags& f) {
  Prompter prompter = Prompter::ForTerminal();
  Status s = CompleteRequired(f, prompter);
  if (!s.ok()) return Report(s, kExitUsage);
  auto spec = ToSpec(f);
  if (!spec.ok()) return Report(spec.status(), kExitUsage);
  auto author = LoadAuthor(f.output.identity);
  if (!author.ok()) return Report(author.status(), kExitInvalidInput);

  const StixMillis now = NowMillis();
  agent::Bundle bundle;
  auto incident_id = agent::BuildIncident(*spec, *author, now, &bundle);
  if (!incident_id.ok()) return Report(incident_id.status(), kExitUsage);
  for (const std::string& path : f.attach) {
    auto text = ReadTextInput(path);
    if (!text.ok()) return Report(text.status(), kExitInvalidInput);
    s = CheckInputDocument(*text, path);
    if (!s.ok()) return Report(s, kExitInvalidInput);
    auto added = bundle.AddDocument(*text, path);
    if (!added.ok()) return Report(added.status(), kExitInvalidInput);
  }
  if (!f.attach.empty()) {
    const agent::Stamp stamp{agent::OrganisationIdentityId(author->org),
                             FormatTimestamp(now), spec->tlp};
    auto linked = agent::LinkToIncident(*incident_id, stamp, &bundle);
    if (!linked.ok()) return Report(linked.status(), kExitInvalidInput);
  }
  return Emit(bundle.ToJson(), f.output);
}

}  // namespace

void AddNewIncident(CLI::App& parent, int* exit_code) {
  auto f = std::make_shared<NewIncidentFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "incident",
      "an incident with the Incident Core extension, RSIT classification and TLP 2.0 marking");
  cmd->add_option("--name", f->name, "a short title of the incident (asked on a terminal)");
  cmd->add_option("--description", f->description, "what happened, for the recipients");
  cmd->add_option("--rsit", f->rsit,
                  "RSIT classification CLASS/TYPE, e.g. fraud/phishing (certshare rsit lists them)");
  cmd->add_option("--determination", f->determination,
                  "blocked, confirmed, failed-attempt, false-positive or suspected");
  cmd->add_option("--investigation-status", f->investigation_status, "new, open or closed");
  cmd->add_option("--criticality", f->criticality,
                  "0-100 (Incident Core: 0 false positive, 1-29 low, 30-49 moderate, 50-89 high, 90+ extreme)");
  cmd->add_option("--incident-type", f->incident_types,
                  "more Incident Core event-type-ov values for incident_types (comma-separated)")
      ->delimiter(',');
  cmd->add_option("--sector", f->sectors,
                  "affected industry sector(s), STIX industry-sector-ov, e.g. government-national")
      ->delimiter(',');
  cmd->add_option("--country", f->countries,
                  "affected country/countries, ISO 3166-1 alpha-2, e.g. EE")
      ->delimiter(',');
  cmd->add_option("--first-seen", f->first_seen, "when the activity was first seen (RFC 3339)");
  cmd->add_option("--last-seen", f->last_seen, "when it was last seen (RFC 3339)");
  cmd->add_option("--tlp", f->tlp, "clear, green, amber, amber+strict or red (asked on a terminal)");
  cmd->add_option("--attach", f->attach,
                  "STIX file to include; repeatable (indicators are linked with `indicates`)");
  AddBuilderFlags(cmd, &f->output);
  cmd->callback([f, exit_code] { *exit_code = RunNewIncident(*f); });
}

}  // namespace certshare::cli
