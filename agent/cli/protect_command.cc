// certshare protect [SECRET_FILE] [--passphrase-file NEW]
//                   [--current-passphrase-file OLD] [--remove]
//
// Adds a passphrase to a secret file, changes it, or (--remove) takes it
// off; the file is replaced atomically and stays mode 0600. Without
// SECRET_FILE: the identity of --config / CERTSHARE_IDENTITY / identity.
#include <cstdlib>
#include <iostream>
#include <optional>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/passphrase_input.h"
#include "common/identity/identity.h"

namespace certshare::cli {

namespace {

struct ProtectFlags {
  std::string secret_file;
  std::string config_file;
  std::string passphrase_file;          // the new passphrase
  std::string current_passphrase_file;  // the current one
  bool remove = false;
};

int ExitFor(const Status& s) {
  return s.code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitInvalidInput;
}

int RunProtect(const ProtectFlags& f) {
  std::string path = f.secret_file;
  std::string current_passphrase_file = f.current_passphrase_file;
  if (path.empty() || current_passphrase_file.empty()) {
    auto config = LoadAgentConfig(f.config_file);
    if (!config.ok()) return Report(config.status(), kExitInvalidInput);
    if (path.empty()) {
      const char* env = std::getenv("CERTSHARE_IDENTITY");
      path = env != nullptr && env[0] != '\0' ? env : config->identity;
      // The configured passphrase file opens the configured identity.
      if (current_passphrase_file.empty()) current_passphrase_file = config->passphrase_file;
    }
  }
  if (path.empty()) {
    return Report(Status(ErrorCode::kInvalidArgument,
                         "which secret file? Name it (certshare protect keys/ORG.secret.json), "
                         "or set CERTSHARE_IDENTITY or identity in the configuration file"),
                  kExitUsage);
  }
  auto protected_now = identity::IsProtectedSecretFile(path);
  if (!protected_now.ok()) return Report(protected_now.status(), kExitInvalidInput);
  if (f.remove && !*protected_now) {
    std::cout << path << " is not protected by a passphrase; nothing to do\n";
    return kExitOk;
  }
  auto id = identity::LoadIdentity(path, PassphraseFor(current_passphrase_file));
  if (!id.ok()) return Report(id.status(), ExitFor(id.status()));

  std::optional<crypto::Passphrase> passphrase;
  if (!f.remove) {
    auto given = NewPassphrase(f.passphrase_file,
                               *protected_now ? "new passphrase" : "passphrase");
    if (!given.ok()) return Report(given.status(), ExitFor(given.status()));
    passphrase = std::move(*given);
  }
  Status s = identity::WriteSecretFile(path, *id, passphrase ? &*passphrase : nullptr,
                                       /*replace=*/true);
  if (!s.ok()) return Report(s, kExitFailure);
  if (f.remove) {
    std::cout << "removed the passphrase from " << path
              << "; the secret keys are now readable by anyone who can read the file\n";
  } else {
    std::cout << (*protected_now ? "changed the passphrase of " : "protected ") << path
              << " with a passphrase (Argon2id, XChaCha20-Poly1305).\n"
              << "Keep the passphrase safe: without it these keys cannot be used.\n";
    if (*protected_now) {
      std::cout << "Update any passphrase file or CERTSHARE_PASSPHRASE that unattended agents "
                   "use.\n";
    }
  }
  return kExitOk;
}

}  // namespace

void AddProtect(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ProtectFlags>();
  CLI::App* cmd = app.add_subcommand(
      "protect",
      "protect a secret file with a passphrase, change its passphrase, or remove it (--remove)");
  cmd->add_option("secret_file", flags->secret_file,
                  "the secret file (default: the configured identity)");
  cmd->add_option("--config", flags->config_file,
                  "agent configuration file, to find the identity when none is named")
      ->envname("CERTSHARE_CONFIG");
  CLI::Option* new_passphrase = cmd->add_option("--passphrase-file", flags->passphrase_file,
                  "take the new passphrase from this file (mode 0600, first line) instead of "
                  "asking twice on the terminal");
  cmd->add_option("--current-passphrase-file", flags->current_passphrase_file,
                  "the current passphrase, if the file is protected (else CERTSHARE_PASSPHRASE, "
                  "else asked)");
  cmd->add_flag("--remove", flags->remove, "remove the passphrase: store the keys unencrypted")
      ->excludes(new_passphrase);
  cmd->callback([flags, exit_code] { *exit_code = RunProtect(*flags); });
}

}  // namespace certshare::cli
