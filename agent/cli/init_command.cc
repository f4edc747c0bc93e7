// certshare init [--org ORG] [--broker ENDPOINT] [--out FILE]
//                [--root FILE [--trust-dir DIR] [--yes]]
//
// Writes a commented agent configuration file (agent/config/config.h), never over
// an existing one, and prints what to do next. With --root, pins the
// federation root (federation mode, docs/agent.md): verified as signed by a
// threshold of its own root keys, its root keys' fingerprints printed for
// the user to compare out of band, written to the trust directory; an
// existing configuration file is then left as it is.
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/config/config.h"
#include "agent/cli/prompt.h"
#include "agent/link/trust_store.h"
#include "common/trust/key_id.h"
#include "common/base/file_util.h"
#include "common/identity/identity.h"

namespace certshare::cli {

namespace {

struct InitFlags {
  std::string org;
  std::string broker;
  std::string out;
  std::string root;       // --root FILE
  std::string trust_dir;  // --trust-dir DIR / CERTSHARE_TRUST_DIR
  bool yes = false;       // --yes: the fingerprints were compared already
};

// --root: verify, show, ask, pin into `dir`.
int PinRoot(const InitFlags& f, const std::string& dir) {
  auto text = files::Read(f.root, 1u << 20);
  if (!text.ok()) return Report(text.status(), kExitInvalidInput);
  auto root = trust::VerifyPinnedRoot(*text);
  if (!root.ok()) return Report(root.status().WithContext(f.root), kExitInvalidInput);
  const trust::Root& r = root->root;
  std::cout << "federation " << r.federation << ", root version " << r.version << ", expires "
            << r.expires << "\nroot keys (" << r.root.threshold << " of " << r.root.keys.size()
            << " sign a new root):\n";
  for (const trust::TrustKey& k : r.root.keys) {
    std::cout << "  " << trust::Fingerprint(trust::KeyKind::kEd25519, k.key) << "  " << k.holder
              << "\n";
  }
  std::cout << "Compare every fingerprint with its holder out of band (by phone, in person) "
               "before you trust this root.\n";
  if (!f.yes) {
    Prompter prompter = Prompter::ForTerminal();
    if (!prompter.interactive()) {
      return Report(Status(ErrorCode::kInvalidArgument,
                           "--root needs a terminal to confirm the fingerprints, or --yes once "
                           "they were compared out of band; nothing was pinned"),
                    kExitUsage);
    }
    std::string answer;
    Status asked = prompter.Require("--yes", "Do all the fingerprints match? (yes/no)", &answer);
    if (!asked.ok() || answer != "yes") {
      return Report(Status(ErrorCode::kInvalidArgument, "not confirmed; nothing was pinned"),
                    kExitUsage);
    }
  }
  auto pinned = agent::TrustStore::PinRoot(dir, *text);
  if (!pinned.ok()) return Report(pinned.status(), kExitInvalidInput);
  std::cout << "pinned the federation root in " << dir << "/" << agent::TrustStore::kRootFile
            << "\n";
  return kExitOk;
}

int RunInit(const InitFlags& f) {
  if (!f.org.empty() && !identity::IsValidOrgId(f.org)) {
    return Report(Status(ErrorCode::kInvalidArgument,
                         "--org \"" + f.org + "\" must be 1-64 characters of A-Z a-z 0-9 . _ -"),
                  kExitUsage);
  }
  if (!f.broker.empty() && f.broker.find("://") == std::string::npos) {
    return Report(Status(ErrorCode::kInvalidArgument,
                         "--broker must be a ZeroMQ endpoint such as tcp://broker.example:7700"),
                  kExitUsage);
  }
  const std::string default_path =
      agent::DefaultConfigPath(std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"));
  const std::string path = f.out.empty() ? default_path : f.out;
  if (path.empty()) {
    return Report(Status(ErrorCode::kInvalidArgument,
                         "neither XDG_CONFIG_HOME nor HOME is set: pass --out FILE"),
                  kExitUsage);
  }
  const std::string text = agent::RenderConfigTemplate({f.org, f.broker});
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  std::error_code exists_error;
  if (!f.root.empty() && std::filesystem::exists(path, exists_error)) {
    // The configuration file stays as it is; its [trust] dir is used.
    std::string trust_dir = f.trust_dir;
    if (trust_dir.empty()) {
      auto existing = LoadAgentConfig(path);
      if (!existing.ok()) return Report(existing.status(), kExitInvalidInput);
      trust_dir = existing->trust_dir;
    }
    return PinRoot(f, trust_dir);
  }
  // What the file says, resolved as certshare will read it.
  auto config = agent::ParseAgentConfig(text, dir);
  if (!config.ok()) {
    return Report(Status(ErrorCode::kInternal, "certshare init made a configuration it "
                                               "cannot read (a bug; please report it): " +
                                                   config.status().message()),
                  kExitFailure);
  }
  if (!f.root.empty()) {  // pinned first: refused, nothing is written
    const std::string trust_dir = f.trust_dir.empty() ? dir + "/trust" : f.trust_dir;
    if (int pinned = PinRoot(f, trust_dir); pinned != kExitOk) return pinned;
  }
  Status s = files::MakeDirs(dir);
  if (s.ok()) s = files::WriteNew(path, text, 0644);
  if (s.code() == ErrorCode::kAlreadyExists) {
    return Report(Status(ErrorCode::kAlreadyExists,
                         path + " already exists; certshare init never overwrites it. Edit "
                                "it, or pass --out FILE to write another"),
                  kExitInvalidInput);
  }
  if (!s.ok()) return Report(s, kExitFailure);

  const std::string use = path == default_path
                              ? std::string()
                              : " --config " + path;
  const std::string keys = dir + "/keys";
  std::cout << "wrote " << path << " (every key is explained in it)\n\nNext steps:\n";
  int step = 0;
  if (!f.org.empty()) {
    std::cout << "  " << ++step << ". create the identity (add --protect for a passphrase):\n"
              << "       certshare keygen --org " << f.org << " --out " << keys << "\n"
              << "     and give " << keys << "/" << f.org
              << ".card.json to the broker operator and your peers\n";
  } else {
    std::cout << "  " << ++step << ". set identity in " << path
              << " to your secret file, or create one:\n"
              << "       certshare keygen --org <ORG> --out " << keys << "\n";
  }
  std::cout << "  " << ++step << ". save the broker's card as " << config->broker_card << "\n";
  std::cout << "  " << ++step << ". import the cards of the organisations you exchange with:\n"
            << "       certshare registry import" << use << " CARD...\n";
  if (f.broker.empty()) {
    std::cout << "  " << ++step << ". set endpoint in the [broker] section of " << path << "\n";
  }
  std::cout << "  " << ++step << ". check that everything is found and the broker answers:\n"
            << "       certshare status" << use << "\n";
  if (!use.empty()) {
    std::cout << "Commands find this file with --config " << path
              << " or CERTSHARE_CONFIG=" << path << ".\n";
  }
  return kExitOk;
}

}  // namespace

void AddInit(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<InitFlags>();
  CLI::App* cmd = app.add_subcommand(
      "init", "write a commented agent configuration file (never overwrites one)");
  cmd->add_option("--org", flags->org,
                  "organisation id: sets identity to keys/<ORG>.secret.json beside the file");
  cmd->add_option("--broker", flags->broker, "the broker's endpoint, e.g. tcp://broker:7700");
  cmd->add_option("--out", flags->out,
                  "where to write it (default: ~/.config/certshare/agent.toml, or under "
                  "$XDG_CONFIG_HOME)");
  cmd->add_option("--root", flags->root,
                  "federation mode: the federation root (root.json) to pin, after comparing its "
                  "root keys' fingerprints out of band");
  cmd->add_option("--trust-dir", flags->trust_dir,
                  "with --root: the trust directory (default: trust beside the configuration "
                  "file)")
      ->envname("CERTSHARE_TRUST_DIR");
  cmd->add_flag("--yes", flags->yes,
                "with --root: the fingerprints were compared already (needed without a "
                "terminal)");
  cmd->callback([flags, exit_code] { *exit_code = RunInit(*flags); });
}

}  // namespace certshare::cli
