// certshare keygen --org <id> --out <dir> [--protect | --passphrase-file F]
#include <iostream>
#include <optional>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/passphrase_input.h"
#include "common/identity/identity.h"
#include "common/trust/key_id.h"

namespace certshare::cli {

namespace {
struct KeygenFlags {
  std::string org;
  std::string name;
  std::string out;
  bool protect = false;
  std::string passphrase_file;
};

int RunKeygen(const KeygenFlags& f) {
  std::optional<crypto::Passphrase> passphrase;
  if (f.protect || !f.passphrase_file.empty()) {
    auto given = NewPassphrase(f.passphrase_file, "passphrase for the new secret file");
    if (!given.ok()) {
      return Report(given.status(), given.status().code() == ErrorCode::kInvalidArgument
                                        ? kExitUsage
                                        : kExitInvalidInput);
    }
    passphrase = std::move(*given);
  }
  auto files = identity::Generate(f.org, f.name, f.out, passphrase ? &*passphrase : nullptr);
  if (!files.ok()) return Report(files.status(), kExitInvalidInput);
  std::cout << "created the identity of " << f.org << ":\n"
            << "  secret keys (keep private, mode 0600"
            << (passphrase ? ", protected by the passphrase" : "") << "): " << files->secret_path
            << "\n"
            << "  public card (give to the broker operator and peers): "
            << files->card_path << "\n";
  auto card = identity::LoadCard(files->card_path);
  if (!card.ok()) return Report(card.status(), kExitFailure);
  std::cout << "fingerprints (read them to peers who pin your card):\n"
            << "  sign       " << trust::Fingerprint(trust::KeyKind::kEd25519, card->sign_key)
            << "\n  box        " << trust::Fingerprint(trust::KeyKind::kX25519, card->box_key)
            << "\n  transport  "
            << trust::Fingerprint(trust::KeyKind::kX25519, card->transport_key) << "\n";
  return kExitOk;
}
}  // namespace

void AddKeygen(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<KeygenFlags>();
  CLI::App* cmd = app.add_subcommand(
      "keygen", "create an organisation's identity: signing, encryption and transport keys");
  cmd->add_option("--org", flags->org, "organisation id, e.g. CERT-EE")->required();
  cmd->add_option("--name", flags->name, "display name (default: the id)");
  cmd->add_option("--out", flags->out, "directory for <org>.secret.json and <org>.card.json")
      ->required();
  cmd->add_flag("--protect", flags->protect,
                "protect the secret file with a passphrase, typed twice on the terminal");
  cmd->add_option("--passphrase-file", flags->passphrase_file,
                  "protect the secret file with the passphrase in this file (mode 0600, first "
                  "line); for scripts");
  cmd->callback([flags, exit_code] { *exit_code = RunKeygen(*flags); });
}

}  // namespace certshare::cli
