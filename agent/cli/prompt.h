// Asking an analyst for a required value the command line lacks.
//
// On a terminal (standard input is a tty) a missing required flag is asked
// for on standard error — standard output stays the STIX JSON — and an
// answer that fails its check is reported and asked again (up to three
// times). Anywhere else (scripts, pipes, CI) nothing is asked: a missing
// flag is a usage error (kInvalidArgument, exit 2) that names it.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

#include "common/base/status.h"

namespace certshare::cli {

class Prompter {
 public:
  using Check = std::function<Status(const std::string&)>;

  // `interactive`: whether to ask at all.
  Prompter(std::istream& in, std::ostream& out, bool interactive)
      : in_(in), out_(out), interactive_(interactive) {}

  // Standard input and error; interactive when standard input is a terminal.
  static Prompter ForTerminal();

  bool interactive() const { return interactive_; }

  // If *value is empty, obtains it: asks `question` (with `choices`, if
  // any, shown after it) on a terminal, or fails naming `flag`. An answer
  // that `check` refuses is asked again. An empty answer or end of input
  // fails (kInvalidArgument).
  Status Require(std::string_view flag, std::string_view question, std::string* value,
                 std::string_view choices = {}, const Check& check = nullptr);

 private:
  std::istream& in_;
  std::ostream& out_;
  bool interactive_;
};

}  // namespace certshare::cli
