// Where the certshare command gets passphrases for protected secret files
// (docs/identity.md, "Protected secret files").
//
// To open a protected file, in order:
//   1. a passphrase file: --passphrase-file, CERTSHARE_PASSPHRASE_FILE or
//      passphrase_file in the configuration (mode 0600 checked);
//   2. the environment variable CERTSHARE_PASSPHRASE (unattended agents;
//      anything running as the same user, and every program certshare
//      starts, can read it: prefer a passphrase file);
//   3. a prompt on the terminal, echo off, when standard input is one.
// Otherwise the error says how to give one. A new passphrase (keygen,
// protect) comes from a passphrase file or is typed twice on the terminal;
// never from the environment.
#pragma once

#include <string>
#include <string_view>

#include "common/base/status.h"
#include "common/crypto/passphrase.h"
#include "common/identity/identity.h"

namespace certshare::cli {

inline constexpr const char* kPassphraseEnv = "CERTSHARE_PASSPHRASE";

// The source LoadIdentity asks when the secret file is protected.
// `passphrase_file`: the resolved passphrase file ("" if none).
identity::PassphraseSource PassphraseFor(const std::string& passphrase_file);

// A new passphrase: read from `passphrase_file` if given, else typed twice
// on the terminal (they must match). At least crypto::kMinPassphraseLength
// characters. `what` names it in prompts ("new passphrase").
Result<crypto::Passphrase> NewPassphrase(const std::string& passphrase_file,
                                         std::string_view what);

// Reads one line from standard input with echo off, after printing
// `prompt` on standard error. kInvalidArgument if standard input is not a
// terminal. The terminal's settings are restored, also on SIGINT/SIGTERM.
Result<crypto::Passphrase> ReadPassphraseFromTerminal(std::string_view prompt);

}  // namespace certshare::cli
