// Parsing agent.toml with toml++ (Debian's libtomlplusplus-dev).
//
// toml++ reports a syntax error by throwing unless TOML_EXCEPTIONS is 0,
// and Debian's compiled libtomlplusplus exports only the throwing variant
// (toml::v3::ex). So this file, the only one that includes toml++, uses it
// header-only (TOML_HEADER_ONLY=1) with TOML_EXCEPTIONS=0: toml::parse then
// returns a toml::parse_result holding the table or the error, and nothing
// is thrown for bad input. The catch-all below only guards against
// std::bad_alloc.
//
// toml++ 3.3.0 (Debian 12) enters parse_key() with a broken precondition
// on malformed table headers such as "[ = 1" or "[[[1]]]" (upstream
// marzer/tomlplusplus PR #301, found here by tests/fuzz agent_config). The
// check is TOML_ASSERT_ASSUME: an abort() in a build without NDEBUG, and
// under clang with NDEBUG a __builtin_assume, which would make the bad
// input undefined behaviour. Without the check parse_key reports a plain
// syntax error ("expected bare key starting character ..."), which is what
// we want: so TOML_ASSERT is made a no-op and NDEBUG is hidden while the
// header is read, which makes TOML_ASSERT_ASSUME that no-op in every build.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#define TOML_ASSERT(expr) static_cast<void>(0)
#pragma push_macro("NDEBUG")
#undef NDEBUG
#include <toml++/toml.h>
#pragma pop_macro("NDEBUG")

#include "agent/config/config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>

#include "common/base/bytes.h"
#include "common/base/suggest.h"
#include "common/base/timestamp.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::agent {

namespace {

// The keys the file may hold, as "table.key" ("" table: top level).
struct KnownKey {
  std::string_view table;
  std::string_view key;
};
constexpr std::array<KnownKey, 15> kKnownKeys{{
    {"", "identity"},
    {"", "registry"},
    {"", "passphrase_file"},
    {"broker", "endpoint"},
    {"broker", "card"},
    {"broker", "public_key"},
    {"broker", "connect_timeout"},
    {"publish", "to"},
    {"sensor", "tlp"},
    {"sensor", "assume_offset"},
    {"subscribe", "receipts"},
    {"spool", "path"},
    {"spool", "limit"},
    {"trust", "dir"},
    {"trust", "refresh"},
}};
constexpr std::array<std::string_view, 6> kTables{"broker", "publish", "sensor", "spool",
                                                  "subscribe", "trust"};

std::string Qualified(std::string_view table, std::string_view key) {
  return table.empty() ? std::string(key) : std::string(table) + "." + std::string(key);
}

// The closest known key to an unknown one (within two edits), as it
// should be written: "\"endpoint\"" in the same table, "\"endpoint\" in
// [broker]" in another; "" if none is close.
std::string Suggest(std::string_view table, std::string_view key) {
  std::string best;
  std::size_t best_distance = 3;
  auto consider = [&](std::size_t d, std::string text) {
    if (d < best_distance) {
      best_distance = d;
      best = std::move(text);
    }
  };
  // Keys of this table first: on a tie they win.
  for (const KnownKey& k : kKnownKeys) {
    if (k.table == table) consider(EditDistance(key, k.key), "\"" + std::string(k.key) + "\"");
  }
  for (const KnownKey& k : kKnownKeys) {
    if (k.table == table) continue;
    consider(EditDistance(key, k.key),
             "\"" + std::string(k.key) + "\"" +
                 (k.table.empty() ? " at the top, before any [table]"
                                  : " in [" + std::string(k.table) + "]"));
  }
  return best;
}

// The closest table name, as "[broker]"; "" if none is close.
std::string SuggestTable(std::string_view name) {
  std::string best;
  std::size_t best_distance = 3;
  for (std::string_view t : kTables) {
    const std::size_t d = EditDistance(name, t);
    if (d < best_distance) {
      best_distance = d;
      best = "[" + std::string(t) + "]";
    }
  }
  return best;
}

class Parser {
 public:
  Parser(std::string base_dir, std::string home)
      : base_dir_(std::move(base_dir)), home_(std::move(home)) {}

  void Root(const toml::table& root) {
    for (auto&& [key, node] : root) {
      const std::string name(key.str());
      const bool is_table_name =
          std::find(kTables.begin(), kTables.end(), name) != kTables.end();
      if (is_table_name) {
        if (const toml::table* table = node.as_table()) {
          Table(name, *table);
        } else {
          Problem(key.source().begin.line,
                  name + " must be a table: write [" + name + "] on a line of its own and its "
                  "keys below it");
        }
        continue;
      }
      Value("", name, key.source().begin.line, node);
    }
    if (!config_.broker_card.empty() && config_.broker_public_key) {
      Problem(broker_card_line_, "give broker.card or broker.public_key, not both");
    }
  }

  AgentConfig& config() { return config_; }

  void Problem(toml::source_index line, const std::string& message) {
    problems_.emplace_back(line, "line " + std::to_string(line) + ": " + message);
  }

  // The problems in the order of their lines (toml++ keeps keys sorted by
  // name, not by position).
  std::vector<std::string> SortedProblems() const {
    std::vector<std::pair<toml::source_index, std::string>> sorted = problems_;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (auto& [line, text] : sorted) out.push_back(std::move(text));
    return out;
  }

 private:
  void Table(const std::string& table, const toml::table& values) {
    for (auto&& [key, node] : values) {
      Value(table, std::string(key.str()), key.source().begin.line, node);
    }
  }

  // One key = value.
  void Value(const std::string& table, const std::string& key, toml::source_index line,
             const toml::node& node) {
    const std::string name = Qualified(table, key);
    if (name == "identity") return Path(name, line, node, &config_.identity);
    if (name == "registry") return Path(name, line, node, &config_.registry);
    if (name == "passphrase_file") return Path(name, line, node, &config_.passphrase_file);
    if (name == "broker.endpoint") return Endpoint(name, line, node);
    if (name == "broker.card") {
      broker_card_line_ = line;
      return Path(name, line, node, &config_.broker_card);
    }
    if (name == "broker.public_key") return PublicKey(name, line, node);
    if (name == "publish.to") return Recipients(name, line, node);
    if (name == "sensor.tlp") return SensorTlp(name, line, node);
    if (name == "sensor.assume_offset") return AssumeOffset(name, line, node);
    if (name == "broker.connect_timeout") return ConnectTimeout(name, line, node);
    if (name == "subscribe.receipts") return Receipts(name, line, node);
    if (name == "spool.path") return Path(name, line, node, &config_.spool_path);
    if (name == "spool.limit") return SpoolLimit(name, line, node);
    if (name == "trust.dir") return Path(name, line, node, &config_.trust_dir);
    if (name == "trust.refresh") return TrustRefresh(name, line, node);
    std::string message;
    std::string suggestion;
    if (node.is_table() || node.is_array_of_tables()) {
      message = "unknown table [" + name + "]";
      if (table.empty()) suggestion = SuggestTable(key);
    } else {
      message = "unknown key \"" + name + "\"";
      suggestion = Suggest(table, key);
    }
    if (!suggestion.empty()) message += "; did you mean " + suggestion + "?";
    Problem(line, message + " (docs/agent.md lists every key)");
  }

  const std::string* String(const std::string& name, toml::source_index line,
                            const toml::node& node) {
    const toml::value<std::string>* s = node.as_string();
    if (s == nullptr) {
      Problem(line, name + " must be a string (in double quotes)");
      return nullptr;
    }
    if (s->get().empty()) {
      Problem(line, name + " is empty; remove the line (or comment it out) to leave it unset");
      return nullptr;
    }
    return &s->get();
  }

  void Path(const std::string& name, toml::source_index line, const toml::node& node,
            std::string* out) {
    const std::string* s = String(name, line, node);
    if (s == nullptr) return;
    const std::string& path = *s;
    if (path.rfind("~/", 0) == 0 && !home_.empty()) {
      *out = home_ + path.substr(1);
    } else if (path.front() == '/' || base_dir_.empty()) {
      *out = path;
    } else {
      *out = base_dir_ + "/" + path;
    }
  }

  void Endpoint(const std::string& name, toml::source_index line, const toml::node& node) {
    const std::string* s = String(name, line, node);
    if (s == nullptr) return;
    if (s->find("://") == std::string::npos) {
      Problem(line, name + " must be a ZeroMQ endpoint such as \"tcp://broker.example:7700\", "
                    "not \"" + *s + "\"");
      return;
    }
    config_.broker_endpoint = *s;
  }

  void PublicKey(const std::string& name, toml::source_index line, const toml::node& node) {
    const std::string* s = String(name, line, node);
    if (s == nullptr) return;
    Bytes raw;
    if (!HexDecode(*s, &raw) || raw.size() != 32) {
      Problem(line, name + " must be 64 hex digits (the \"transport_public\" of the broker's "
                    "card)");
      return;
    }
    crypto::BoxPublicKey key;
    std::copy(raw.begin(), raw.end(), key.begin());
    config_.broker_public_key = key;
  }

  void Recipients(const std::string& name, toml::source_index line, const toml::node& node) {
    const toml::array* list = node.as_array();
    if (list == nullptr) {
      Problem(line, name + " must be a list of strings, e.g. [\"CERT-UA\", \"group:baltic\"]");
      return;
    }
    for (const toml::node& item : *list) {
      const toml::value<std::string>* s = item.as_string();
      const toml::source_index item_line = item.source().begin.line;
      if (s == nullptr) {
        Problem(item_line, name + " must be a list of strings, e.g. [\"CERT-UA\", "
                           "\"group:baltic\"]");
        return;
      }
      const std::string& recipient = s->get();
      const std::string_view prefix = identity::kGroupPrefix;
      const bool ok =
          recipient.rfind(prefix, 0) == 0
              ? identity::Registry::IsValidGroupName(std::string_view(recipient).substr(prefix.size()))
              : identity::IsValidOrgId(recipient);
      if (!ok) {
        Problem(item_line, name + ": \"" + recipient + "\" is neither an organisation id (1-64 "
                           "of A-Z a-z 0-9 . _ -) nor \"group:<name>\" (1-64 of a-z 0-9 . _ -)");
        continue;
      }
      config_.to.push_back(recipient);
    }
  }

  void SensorTlp(const std::string& name, toml::source_index line, const toml::node& node) {
    const std::string* s = String(name, line, node);
    if (s == nullptr) return;
    std::optional<Tlp> tlp = ParseTlp(*s);
    if (!tlp) {
      Problem(line, name + " must be \"clear\", \"green\", \"amber\", \"amber+strict\" or "
                    "\"red\", not \"" + *s + "\"");
      return;
    }
    config_.sensor_tlp = *tlp;
  }

  void Receipts(const std::string& name, toml::source_index line, const toml::node& node) {
    const std::string* s = String(name, line, node);
    if (s == nullptr) return;
    if (*s != "none" && *s != "processed") {
      Problem(line, name + " must be \"processed\" or \"none\", not \"" + *s + "\"");
      return;
    }
    config_.subscribe_receipts = *s == "processed";
  }

  void AssumeOffset(const std::string& name, toml::source_index line, const toml::node& node) {
    const std::string* s = String(name, line, node);
    if (s == nullptr) return;
    std::optional<int> minutes = ParseUtcOffset(*s);
    if (!minutes) {
      Problem(line, name + " must be a UTC offset such as \"Z\", \"+00:00\", \"+02:00\" or "
                    "\"-0500\", not \"" + *s + "\"");
      return;
    }
    config_.sensor_assume_offset_minutes = *minutes;
  }

  void ConnectTimeout(const std::string& name, toml::source_index line, const toml::node& node) {
    const toml::value<std::int64_t>* n = node.as_integer();
    if (n == nullptr || n->get() < 1 || n->get() > 3600) {
      Problem(line, name + " must be a whole number of seconds from 1 to 3600");
      return;
    }
    config_.connect_timeout_seconds = static_cast<int>(n->get());
  }

  void TrustRefresh(const std::string& name, toml::source_index line, const toml::node& node) {
    const toml::value<std::int64_t>* n = node.as_integer();
    if (n == nullptr || n->get() < 1 || n->get() > 86400) {
      Problem(line, name + " must be a whole number of seconds from 1 to 86400");
      return;
    }
    config_.trust_refresh_seconds = static_cast<int>(n->get());
  }

  void SpoolLimit(const std::string& name, toml::source_index line, const toml::node& node) {
    const std::string hint = name + " must be a number of bytes or a size such as \"512 MiB\", "
                                    "\"1 GiB\" or \"2 GB\"";
    if (const toml::value<std::int64_t>* n = node.as_integer()) {
      if (n->get() <= 0) return Problem(line, hint + ", above zero");
      config_.spool_limit_bytes = static_cast<std::uint64_t>(n->get());
      return;
    }
    const toml::value<std::string>* s = node.as_string();
    std::optional<std::uint64_t> bytes = s ? ParseSize(s->get()) : std::nullopt;
    if (!bytes || *bytes == 0) return Problem(line, hint);
    config_.spool_limit_bytes = *bytes;
  }

  // "1 GiB", "512MiB", "2 GB", "100000" (bytes). Units are case-insensitive.
  static std::optional<std::uint64_t> ParseSize(std::string_view text) {
    std::uint64_t number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || end == text.data()) return std::nullopt;
    std::string unit(end, text.data() + text.size());
    unit.erase(0, unit.find_first_not_of(' '));
    std::transform(unit.begin(), unit.end(), unit.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 10> kUnits{{
        {"", 1},
        {"b", 1},
        {"kb", 1000},
        {"mb", 1000ull * 1000},
        {"gb", 1000ull * 1000 * 1000},
        {"tb", 1000ull * 1000 * 1000 * 1000},
        {"kib", 1ull << 10},
        {"mib", 1ull << 20},
        {"gib", 1ull << 30},
        {"tib", 1ull << 40},
    }};
    for (const auto& [name, factor] : kUnits) {
      if (unit != name) continue;
      if (number > UINT64_MAX / factor) return std::nullopt;
      return number * factor;
    }
    return std::nullopt;
  }

  std::string base_dir_;
  std::string home_;
  AgentConfig config_;
  std::vector<std::pair<toml::source_index, std::string>> problems_;
  toml::source_index broker_card_line_ = 0;
};

// A TOML basic string: quoted, with quotes, backslashes and control
// characters escaped, and every character beyond ASCII as a \uXXXX or
// \UXXXXXXXX escape (the file stays ASCII: see NonAscii below). Bytes that
// are not UTF-8 become U+FFFD.
std::string TomlString(std::string_view s) {
  std::string out = "\"";
  char buf[16];
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else {
      // One UTF-8 sequence (the caller's bytes need not be valid).
      const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      char32_t cp = n == 4 ? c & 0x07 : n == 3 ? c & 0x0F : c & 0x1F;
      bool valid = n > 1 && i + n <= s.size();
      for (std::size_t k = 1; valid && k < n; ++k) {
        const unsigned char cc = static_cast<unsigned char>(s[i + k]);
        valid = (cc & 0xC0) == 0x80;
        cp = (cp << 6) | (cc & 0x3F);
      }
      const char32_t min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
      if (!valid || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        cp = 0xFFFD;
        i += 1;
      } else {
        i += n;
      }
      std::snprintf(buf, sizeof buf, cp > 0xFFFF ? "\\U%08x" : "\\u%04x",
                    static_cast<unsigned>(cp));
      out += buf;
    }
  }
  return out + "\"";
}

}  // namespace

namespace {

// toml++ 3.3.0's is_non_ascii_horizontal_whitespace() reaches
// __builtin_unreachable() for most non-ASCII characters (U+00E9, a
// byte-order mark after "[[", ...; found by tests/fuzz agent_config):
// undefined behaviour wherever the parser asks whether such a character is
// blank, which it does between tokens, inside value tokens and in
// multi-line strings. Telling those places from strings and comments
// needs the parser itself (two attempts to guess them were fuzzed into
// failing), so toml++ is given ASCII only: a character beyond ASCII is
// written as a \uXXXX escape in a double-quoted string, which toml++
// decodes without asking anything about it. Returns the refusal, or
// nothing.
std::optional<std::string> NonAscii(std::string_view text) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  const std::size_t from = text.substr(0, 3) == kBom ? 3 : 0;  // a leading BOM is fine
  std::size_t line = 1;
  for (std::size_t i = from; i < text.size(); ++i) {
    if (text[i] == '\n') ++line;
    if (static_cast<unsigned char>(text[i]) >= 0x80) {
      return "line " + std::to_string(line) +
             ": a character beyond ASCII; write it in a double-quoted string as a \\uXXXX "
             "escape (e.g. \"/home/j\\u00fcri\" for /home/j\u00fcri); comments too must "
             "be ASCII";
    }
  }
  return std::nullopt;
}

}  // namespace

Result<AgentConfig> ParseAgentConfig(std::string_view toml_text, const std::string& base_dir,
                                     const std::string& home) {
  if (auto refused = NonAscii(toml_text)) {
    return Status(ErrorCode::kInvalidConfig, *refused);
  }
  try {
    toml::parse_result parsed = toml::parse(toml_text, std::string_view("agent.toml"));
    if (!parsed) {
      const toml::parse_error& error = parsed.error();
      return Status(ErrorCode::kInvalidConfig,
                    "line " + std::to_string(error.source().begin.line) + ", column " +
                        std::to_string(error.source().begin.column) +
                        ": not valid TOML: " + std::string(error.description()));
    }
    Parser parser(base_dir, home);
    parser.Root(parsed.table());
    const std::vector<std::string> problems = parser.SortedProblems();
    if (problems.size() == 1) return Status(ErrorCode::kInvalidConfig, problems[0]);
    if (!problems.empty()) {
      std::string message = std::to_string(problems.size()) + " problems:";
      for (const std::string& p : problems) message += "\n  " + p;
      return Status(ErrorCode::kInvalidConfig, message);
    }
    return std::move(parser.config());
  } catch (const std::exception& e) {
    return Status(ErrorCode::kInvalidConfig,
                  std::string("cannot read the configuration: ") + e.what());
  }
}

std::string DefaultConfigPath(const char* xdg_config_home, const char* home) {
  if (xdg_config_home != nullptr && xdg_config_home[0] == '/') {
    return std::string(xdg_config_home) + "/certshare/agent.toml";
  }
  if (home != nullptr && home[0] != '\0') {
    return std::string(home) + "/.config/certshare/agent.toml";
  }
  return "";
}

std::string DefaultSpoolPath(const char* xdg_state_home, const char* home) {
  if (xdg_state_home != nullptr && xdg_state_home[0] == '/') {
    return std::string(xdg_state_home) + "/certshare/spool";
  }
  if (home != nullptr && home[0] != '\0') {
    return std::string(home) + "/.local/state/certshare/spool";
  }
  return "certshare-spool";
}

std::string RenderConfigTemplate(const ConfigTemplate& v) {
  const std::string identity_line =
      v.org.empty() ? "# identity = \"keys/<ORG>.secret.json\"\n"
                    : "identity = " + TomlString("keys/" + v.org + ".secret.json") + "\n";
  const std::string endpoint_line =
      v.broker_endpoint.empty() ? "# endpoint = \"tcp://broker.example:7700\"\n"
                                : "endpoint = " + TomlString(v.broker_endpoint) + "\n";
  std::string t;
  t += "# certshare agent configuration, written by `certshare init`"
       + (v.org.empty() ? std::string() : " for " + v.org) + ".\n";
  t += R"(#
# TOML (https://toml.io): `key = value`, text in double quotes, # starts a
# comment. Relative paths are relative to the folder of this file; "~/" is
# the home folder. A flag on the command line wins over its environment
# variable, which wins over this file, which wins over the default. A key
# certshare does not know is an error, so a misspelt key never goes
# unnoticed. docs/agent.md ("Configuration") describes every key.

# This organisation's secret identity file: its signing, encryption and
# transport secret keys, made by `certshare keygen --org ORG --out keys`
# (mode 0600; keep it private). No default: publish and subscribe need it.
# Change it if the keys live elsewhere (e.g. /etc/certshare/).
# Flag --identity, environment CERTSHARE_IDENTITY.
)";
  t += identity_line;
  t += R"(
# This agent's registry: the public cards of the organisations it trusts,
# maintained with `certshare registry import`. Recipients must be in it and
# received records are verified with it. No default.
# Flag --registry, environment CERTSHARE_REGISTRY.
registry = "registry.json"

# Only for a secret file protected by a passphrase (`certshare protect`): a
# file, mode 0600, whose first line is the passphrase. Set it for agents
# that run unattended (sensors, feeds); leave it unset to be asked on the
# terminal. Default: none (then the environment variable
# CERTSHARE_PASSPHRASE, then a prompt).
# Flag --passphrase-file, environment CERTSHARE_PASSPHRASE_FILE.
# passphrase_file = "keys/passphrase"

[broker]
# The broker's ZeroMQ endpoint, from the broker's operator. No default.
# Flag --broker, environment CERTSHARE_BROKER.
)";
  t += endpoint_line;
  t += R"(
# The broker's public card, from the broker's operator: it pins the
# broker's key, so a different server is refused. No default.
# Flag --broker-card, environment CERTSHARE_BROKER_CARD.
card = "keys/BROKER.card.json"

# Instead of card: the broker's transport public key, 64 hex digits (the
# card's "transport_public"). Give card or public_key, not both.
# public_key = "<64 hex digits>"

# Seconds a command keeps trying when the broker refuses the connection
# (nothing listens at the endpoint) before it says so: 1 to 3600. Default
# 1. Raise it to ride out broker restarts; a broker that accepts but is
# slow is waited for as long as the command's --timeout anyway.
# Flag --connect-timeout, environment CERTSHARE_CONNECT_TIMEOUT.
# connect_timeout = 1

[publish]
# Default recipients, used when a command is given no --to: organisation
# ids and "group:<name>" for the registry's sharing groups. Default: none
# (AMBER and RED then need --to; GREEN goes to every registered
# organisation). Set it when this agent nearly always shares with the same
# partners, e.g. to = ["CERT-UA", "group:eu-csirts-network"].
to = []

[sensor]
# The TLP of records `certshare sensor` makes from events that carry no
# marking: "clear", "green", "amber", "amber+strict" or "red". Default
# "green" (the whole community, encrypted to every registered
# organisation). Use "amber" with publish.to when the sensor's events must
# reach only named partners.
tlp = "green"

# The UTC offset to assume for Suricata EVE timestamps written without
# one (e.g. "2026-11-20T10:11:12.123456"): "Z", "+00:00", "+02:00". Default:
# none, and such events are reported as bad, never guessed. Set it to the
# sensor host's offset if its Suricata logs local time without an offset.
# Flag --assume-offset.
# assume_offset = "+00:00"

[subscribe]
# Whether `certshare subscribe` sends each record's origin a receipt signed
# with this organisation's key once the record's output is committed (or
# when it is quarantined): "processed" (the default) or "none". The origin
# sees them with `certshare status <id>` (docs/receipts.md).
# Flag --receipts.
receipts = "processed"

[spool]
# The folder where accepted records wait until the broker acknowledges
# them. Default: one folder per identity,
# $XDG_STATE_HOME/certshare/spool/<org>-<first 8 hex digits of the signing
# key>, i.e. ~/.local/state/certshare/spool/CERT-EE-1a2b3c4d
# (`certshare status` prints it). A path set here is used as it is, for
# this identity only. Change it to a disk with room that survives reboots
# (e.g. /var/lib/certshare/spool for a service).
# path = "spool"

# The most the spool may hold: bytes, or a size such as "512 MiB" or
# "2 GB". When it is full, new records are refused with an error; nothing
# is dropped. Default "1 GiB". Raise it if the broker may be unreachable
# for long while sensors keep publishing.
limit = "1 GiB"

[trust]
# The trust directory of federation mode (docs/agent.md, "Federation
# mode"): the federation root pinned by `certshare init --root FILE`, the
# latest verified signed registry version, the signed timestamp, and the
# keys this agent pinned. While it holds no root.json the agent is in local
# mode and uses `registry` above. Flag --trust-dir, environment
# CERTSHARE_TRUST_DIR. Default "trust" beside this file.
# dir = "trust"

# Seconds between two requests for the registry on long-lived connections
# (subscribe, sensor, the forwarding of publish and flush), besides the
# broker's notices; 1 to 86400. Default 600 (10 minutes).
# refresh = 600
)";
  return t;
}

}  // namespace certshare::agent
