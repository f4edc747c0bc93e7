#include "agent/cli/prompt.h"

#include <unistd.h>

#include <iostream>

namespace certshare::cli {

namespace {
constexpr int kMaxAttempts = 3;

std::string Trim(const std::string& s) {
  const std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const std::size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}
}  // namespace

Prompter Prompter::ForTerminal() {
  return Prompter(std::cin, std::cerr, isatty(STDIN_FILENO) == 1);
}

Status Prompter::Require(std::string_view flag, std::string_view question, std::string* value,
                         std::string_view choices, const Check& check) {
  if (!value->empty()) return Status::Ok();
  if (!interactive_) {
    return Status(ErrorCode::kInvalidArgument,
                  "missing " + std::string(flag) +
                      " (required; standard input is not a terminal, so certshare cannot "
                      "ask for it)");
  }
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    out_ << question;
    if (!choices.empty()) out_ << " [" << choices << "]";
    out_ << ": " << std::flush;
    std::string line;
    if (!std::getline(in_, line)) {
      out_ << "\n";
      return Status(ErrorCode::kInvalidArgument,
                    "no answer for " + std::string(flag) + " (end of input)");
    }
    line = Trim(line);
    if (line.empty()) {
      out_ << "  " << flag << " is required.\n";
      continue;
    }
    if (check) {
      Status s = check(line);
      if (!s.ok()) {
        out_ << "  " << s.message() << "\n";
        continue;
      }
    }
    *value = line;
    return Status::Ok();
  }
  return Status(ErrorCode::kInvalidArgument,
                "no acceptable value for " + std::string(flag) + " after " +
                    std::to_string(kMaxAttempts) + " tries");
}

}  // namespace certshare::cli
