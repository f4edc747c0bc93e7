// "Did you mean ...?" for a command line the parser refused: a mistyped
// subcommand (`certshare publsh`, `certshare new incidnet`) or option
// (`certshare publish --tpl amber`). docs/cli.md, "Conventions".
#pragma once

#include <CLI/CLI.hpp>

#include <iosfwd>

namespace certshare::cli {

// Walks argv the way `app` would: into each subcommand named, over each
// option it has (and the value of one that takes a value). At the first
// word that is neither, prints one line on `err` naming it, with the
// closest subcommand or option of the command it was given to
// (common/base/suggest.h), and returns true. Returns false, printing
// nothing, when every word is known (the parser's own message then says
// what is wrong).
bool ExplainUnknownWord(const CLI::App& app, int argc, const char* const* argv,
                        std::ostream& err);

}  // namespace certshare::cli
