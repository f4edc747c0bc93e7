#include "agent/cli/passphrase_input.h"

#include <signal.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iostream>

namespace certshare::cli {

namespace {

// The terminal's settings while echo is off, for the signal handler.
// Written before the handlers are installed and only read by them.
struct termios g_saved_termios;
volatile sig_atomic_t g_echo_off = 0;

void RestoreAndReraise(int signal_number) {
  if (g_echo_off) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_termios);
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

constexpr std::array<int, 4> kSignals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};

std::string HowToGive() {
  return std::string("give --passphrase-file FILE (or CERTSHARE_PASSPHRASE_FILE, or "
                     "passphrase_file in the configuration), set ") +
         kPassphraseEnv + ", or run certshare on a terminal to be asked";
}

}  // namespace

Result<crypto::Passphrase> ReadPassphraseFromTerminal(std::string_view prompt) {
  if (::isatty(STDIN_FILENO) != 1) {
    return Status(ErrorCode::kInvalidArgument,
                  "standard input is not a terminal, so certshare cannot ask for a passphrase");
  }
  struct termios saved;
  if (::tcgetattr(STDIN_FILENO, &saved) != 0) {
    return Status(ErrorCode::kIoError, "cannot read the terminal's settings");
  }
  g_saved_termios = saved;
  struct sigaction restore = {};
  restore.sa_handler = RestoreAndReraise;
  std::array<struct sigaction, kSignals.size()> previous = {};
  for (std::size_t i = 0; i < kSignals.size(); ++i) {
    ::sigaction(kSignals[i], &restore, &previous[i]);
  }
  struct termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;
  std::cerr << prompt << ": " << std::flush;
  g_echo_off = 1;
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);

  // One byte at a time into a fixed buffer that is wiped: no stream keeps a
  // copy.
  std::array<char, crypto::kMaxPassphraseLength + 1> line{};
  std::size_t size = 0;
  bool ended = false;
  bool too_long = false;
  while (true) {
    char c = 0;
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end of input
    if (c == '\n' || c == '\r') {
      ended = true;
      break;
    }
    if (size < line.size()) {
      line[size++] = c;
    } else {
      too_long = true;
    }
  }
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  g_echo_off = 0;
  for (std::size_t i = 0; i < kSignals.size(); ++i) {
    ::sigaction(kSignals[i], &previous[i], nullptr);
  }
  if (!ended) std::cerr << "\n";
  crypto::Passphrase passphrase(std::string_view(line.data(), size));
  sodium_memzero(line.data(), line.size());
  if (too_long || size > crypto::kMaxPassphraseLength) {
    return Status(ErrorCode::kInvalidArgument,
                  "the passphrase is longer than " +
                      std::to_string(crypto::kMaxPassphraseLength) + " characters");
  }
  if (!ended && passphrase.empty()) {
    return Status(ErrorCode::kInvalidArgument, "no passphrase typed (end of input)");
  }
  return passphrase;
}

identity::PassphraseSource PassphraseFor(const std::string& passphrase_file) {
  return [passphrase_file](const std::string& secret_path) -> Result<crypto::Passphrase> {
    if (!passphrase_file.empty()) return identity::ReadPassphraseFile(passphrase_file);
    if (const char* env = std::getenv(kPassphraseEnv); env != nullptr && env[0] != '\0') {
      return crypto::Passphrase(env);
    }
    if (::isatty(STDIN_FILENO) != 1) {
      return Status(ErrorCode::kInvalidArgument,
                    "the secret file is protected by a passphrase: " + HowToGive());
    }
    auto typed = ReadPassphraseFromTerminal("passphrase for " + secret_path);
    if (typed.ok() && typed->empty()) {
      return Status(ErrorCode::kInvalidArgument, "no passphrase typed");
    }
    return typed;
  };
}

Result<crypto::Passphrase> NewPassphrase(const std::string& passphrase_file,
                                         std::string_view what) {
  auto check = [](crypto::Passphrase p, std::string_view where) -> Result<crypto::Passphrase> {
    if (p.size() < crypto::kMinPassphraseLength) {
      return Status(ErrorCode::kInvalidArgument,
                    "the passphrase " + std::string(where) + " is shorter than " +
                        std::to_string(crypto::kMinPassphraseLength) +
                        " characters; choose a longer one (a few random words work well)");
    }
    return p;
  };
  if (!passphrase_file.empty()) {
    CERTSHARE_ASSIGN_OR_RETURN(crypto::Passphrase p,
                               identity::ReadPassphraseFile(passphrase_file));
    return check(std::move(p), "in " + passphrase_file);
  }
  if (::isatty(STDIN_FILENO) != 1) {
    return Status(ErrorCode::kInvalidArgument,
                  "standard input is not a terminal, so certshare cannot ask for the " +
                      std::string(what) +
                      ": give --passphrase-file FILE (a file, mode 0600, whose first line is "
                      "the passphrase)");
  }
  CERTSHARE_ASSIGN_OR_RETURN(crypto::Passphrase first,
                             ReadPassphraseFromTerminal("Enter the " + std::string(what)));
  CERTSHARE_ASSIGN_OR_RETURN(first, check(std::move(first), "typed"));
  CERTSHARE_ASSIGN_OR_RETURN(crypto::Passphrase second,
                             ReadPassphraseFromTerminal("Type it again"));
  if (first.view() != second.view()) {
    return Status(ErrorCode::kInvalidArgument,
                  "the two passphrases differ; nothing was written. Run the command again");
  }
  return first;
}

}  // namespace certshare::cli
