// certshare keygen --org <id> --out <dir> [--protect | --passphrase-file F]
#include <iostream>
#include <optional>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/passphrase_input.h"
#include "common/base/file_util.h"
#include "common/identity/identity.h"
#include "common/trust/authoring.h"
#include "common/trust/key_id.h"

namespace certshare::cli {

namespace {
struct KeygenFlags {
  std::string org;
  std::string name;
  std::string out;
  bool protect = false;
  std::string passphrase_file;
  std::string rotate_from;  // --rotate-from: the identity whose keys are replaced
  std::string federation;   // --federation: the key change's federation
  std::string old_passphrase_file;
};

// --rotate-from: <org>.key-change.json beside the new identity, signed by
// the old signing key and the new one (docs/trust.md, "Key changes"), for
// the registry signers' `certshare trust registry next --key-change`.
int WriteKeyChange(const KeygenFlags& f, const identity::GeneratedFiles& files,
                   const crypto::Passphrase* passphrase) {
  auto old_id = identity::LoadIdentity(f.rotate_from, PassphraseFor(f.old_passphrase_file));
  if (!old_id.ok()) return Report(old_id.status(), kExitInvalidInput);
  identity::PassphraseSource again;
  if (passphrase != nullptr) {
    again = [passphrase](const std::string&) -> Result<crypto::Passphrase> {
      return crypto::Passphrase(passphrase->view());
    };
  }
  auto new_id = identity::LoadIdentity(files.secret_path, again);
  if (!new_id.ok()) return Report(new_id.status(), kExitFailure);
  trust::KeyChangeFile change = trust::MakeKeyChange(f.federation, *old_id, *new_id);
  std::string path = f.out + "/" + old_id->card.org + ".key-change.json";
  Status written = files::WriteNew(path, trust::KeyChangeFileToJson(change), 0644);
  if (!written.ok()) return Report(written, kExitInvalidInput);
  std::cout << "  key change (signed by the old and the new signing key; give it to the "
               "registry signers): " << path << "\n";
  return kExitOk;
}

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
  std::string org = f.org, name = f.name;
  if (!f.rotate_from.empty()) {
    if (f.federation.empty() || !trust::IsValidFederationName(f.federation)) {
      return Report(Status(ErrorCode::kInvalidArgument,
                           "--rotate-from needs --federation NAME (the root's federation)"),
                    kExitUsage);
    }
    auto old_card = identity::LoadSecretFileCard(f.rotate_from);
    if (!old_card.ok()) return Report(old_card.status(), kExitInvalidInput);
    if (!org.empty() && org != old_card->org) {
      return Report(Status(ErrorCode::kInvalidArgument,
                           "--org " + org + " is not the organisation of " + f.rotate_from +
                               " (" + old_card->org + ")"),
                    kExitUsage);
    }
    org = old_card->org;
    if (name.empty()) name = old_card->name;
  } else if (org.empty()) {
    return Report(Status(ErrorCode::kInvalidArgument, "--org is required"), kExitUsage);
  }
  auto files = identity::Generate(org, name, f.out, passphrase ? &*passphrase : nullptr);
  if (!files.ok()) return Report(files.status(), kExitInvalidInput);
  std::cout << "created the identity of " << org << ":\n"
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
  if (!f.rotate_from.empty()) {
    return WriteKeyChange(f, *files, passphrase ? &*passphrase : nullptr);
  }
  return kExitOk;
}
}  // namespace

void AddKeygen(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<KeygenFlags>();
  CLI::App* cmd = app.add_subcommand(
      "keygen", "create an organisation's identity: signing, encryption and transport keys");
  cmd->add_option("--org", flags->org,
                  "organisation id, e.g. CERT-EE (required, but with --rotate-from)");
  cmd->add_option("--name", flags->name, "display name (default: the id)");
  cmd->add_option("--out", flags->out, "directory for <org>.secret.json and <org>.card.json")
      ->required();
  cmd->add_flag("--protect", flags->protect,
                "protect the secret file with a passphrase, typed twice on the terminal");
  cmd->add_option("--passphrase-file", flags->passphrase_file,
                  "protect the secret file with the passphrase in this file (mode 0600, first "
                  "line); for scripts");
  cmd->add_option("--rotate-from", flags->rotate_from,
                  "federation mode: replace the keys of this secret identity file; also writes "
                  "<org>.key-change.json (signed by the old and the new signing key) for "
                  "`certshare trust registry next --key-change`. --out must be another directory");
  cmd->add_option("--federation", flags->federation,
                  "with --rotate-from: the federation's name (as in its root)");
  cmd->add_option("--old-passphrase-file", flags->old_passphrase_file,
                  "with --rotate-from: the passphrase of a protected old secret file (default: "
                  "asked on the terminal, or CERTSHARE_PASSPHRASE)");
  cmd->callback([flags, exit_code] { *exit_code = RunKeygen(*flags); });
}

}  // namespace certshare::cli
