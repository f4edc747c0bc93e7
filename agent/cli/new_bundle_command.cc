// certshare new bundle FILE... : one bundle holding the objects of several
// STIX files (bundles, single objects or lists), each version once.
#include "agent/cli/builder_output.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/new_commands.h"
#include "agent/stix/bundle.h"

namespace certshare::cli {

namespace {

struct NewBundleFlags {
  BuilderFlags output;
  std::vector<std::string> inputs;
};

int RunNewBundle(const NewBundleFlags& f) {
  agent::Bundle bundle;
  for (const std::string& path : f.inputs) {
    auto text = ReadTextInput(path);
    if (!text.ok()) return Report(text.status(), kExitInvalidInput);
    Status s = CheckInputDocument(*text, path);
    if (!s.ok()) return Report(s, kExitInvalidInput);
    auto added = bundle.AddDocument(*text, path);
    if (!added.ok()) return Report(added.status(), kExitInvalidInput);
  }
  if (bundle.size() == 0) {
    return Report(Status(ErrorCode::kInvalidArgument, "the inputs hold no STIX objects"),
                  kExitInvalidInput);
  }
  return Emit(bundle.ToJson(), f.output);
}

}  // namespace

void AddNewBundle(CLI::App& parent, int* exit_code) {
  auto f = std::make_shared<NewBundleFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "bundle", "merge the objects of STIX files into one bundle (each version once)");
  cmd->add_option("inputs", f->inputs, "STIX JSON files (- for standard input)")->required();
  AddBuilderFlags(cmd, &f->output, /*identity_required=*/false);
  cmd->callback([f, exit_code] { *exit_code = RunNewBundle(*f); });
}

}  // namespace certshare::cli
