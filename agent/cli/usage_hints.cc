#include "agent/cli/usage_hints.h"

#include <ostream>
#include <string>
#include <vector>

#include "common/base/suggest.h"

namespace certshare::cli {

namespace {

// "certshare new" for the app of `new` (the root is named by argv[0]: not
// used).
std::string PathOf(const CLI::App& app) {
  if (app.get_parent() == nullptr) return "certshare";
  return PathOf(*app.get_parent()) + " " + app.get_name();
}

const CLI::App* FindSubcommand(const CLI::App& app, const std::string& word) {
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->check_name(word)) return sub;
  }
  return nullptr;
}

std::vector<std::string> SubcommandNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

std::vector<std::string> LongOptionNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : app.get_options()) {
    for (const std::string& name : opt->get_lnames()) names.push_back("--" + name);
  }
  return names;
}

std::string List(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

bool ExplainUnknownWord(const CLI::App& app, int argc, const char* const* argv,
                        std::ostream& err) {
  const CLI::App* current = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--") return false;  // positionals only from here
    if (word.rfind("--", 0) == 0) {
      const std::string name = word.substr(0, word.find('='));
      const CLI::Option* opt = current->get_option_no_throw(name);
      if (opt == nullptr) {
        err << PathOf(*current) << ": unknown option " << name
            << DidYouMean(name, LongOptionNames(*current)) << "; `" << PathOf(*current)
            << " --help` lists the options\n";
        return true;
      }
      // An option with a value written as a separate word takes the next one.
      if (word.find('=') == std::string::npos && opt->get_type_size_max() > 0) ++i;
      continue;
    }
    if (word.size() > 1 && word[0] == '-') continue;  // a short flag such as -h
    if (const CLI::App* sub = FindSubcommand(*current, word); sub != nullptr) {
      current = sub;
      continue;
    }
    if (current->get_require_subcommand_min() > 0) {
      const std::vector<std::string> known = SubcommandNames(*current);
      err << PathOf(*current) << ": \"" << word << "\" is not a command"
          << DidYouMean(word, known) << "; the commands are: " << List(known) << " (`"
          << PathOf(*current) << " --help` describes them)\n";
      return true;
    }
    // A positional argument of `current` (a file, a sequence).
  }
  return false;
}

}  // namespace certshare::cli
