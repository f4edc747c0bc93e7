// certshare trust root new|next, trust registry new|next, trust sign,
// trust show: the federation's offline authoring tools (docs/trust.md,
// "Operation"). The logic is common/trust/authoring.h; this is flags and
// files.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>

#include "agent/cli/commands.h"
#include "agent/cli/context.h"
#include "agent/cli/exit_codes.h"
#include "agent/cli/passphrase_input.h"
#include "common/base/file_util.h"
#include "common/trust/authoring.h"
#include "common/trust/timestamp.h"

namespace certshare::cli {

namespace {

constexpr std::size_t kMaxTrustFile = 2 * trust::kMaxRegistryPayload + (64u << 10);

struct TrustFlags {
  std::string out;
  std::string from;
  std::string expires;
  // root
  std::string federation;
  std::vector<std::string> root_keys, registry_keys;
  std::size_t root_threshold = 0, registry_threshold = 0;
  // registry
  std::string root;
  std::vector<std::string> add;
  std::string roles = "publish,subscribe";
  std::string home_broker;
  std::string card_expires;
  std::vector<std::string> revoke;
  std::string at;
  std::vector<std::string> compromised;
  std::string since;
  std::vector<std::string> key_change;
  std::vector<std::string> allow_root;  // ORG:ROOT
  // sign, show
  std::string file;
  std::string identity;
  std::string passphrase_file;
  // timestamp
  std::string registry;
  std::string valid = "24h";
};

Result<std::vector<identity::Card>> LoadCards(const std::vector<std::string>& paths) {
  std::vector<identity::Card> cards;
  for (const std::string& path : paths) {
    CERTSHARE_ASSIGN_OR_RETURN(identity::Card card, identity::LoadCard(path));
    cards.push_back(std::move(card));
  }
  return cards;
}

Result<std::string> ReadTrustFile(const std::string& path) {
  return files::Read(path, kMaxTrustFile);
}

int Written(const Status& s, const std::string& what, const std::string& path) {
  if (!s.ok()) return Report(s, kExitFailure);
  std::cout << "wrote " << what << " to " << path
            << " (unsigned until its key holders run `certshare trust sign`)\n";
  return kExitOk;
}

int Fail(const Status& s) { return Report(s, kExitInvalidInput); }

int RunRoot(const TrustFlags& f, bool next) {
  trust::RootSpec spec;
  spec.federation = f.federation;
  spec.expires = f.expires;
  spec.root_threshold = f.root_threshold;
  spec.registry_threshold = f.registry_threshold;
  auto roots = LoadCards(f.root_keys);
  if (!roots.ok()) return Fail(roots.status());
  auto registries = LoadCards(f.registry_keys);
  if (!registries.ok()) return Fail(registries.status());
  spec.root_keys = std::move(*roots);
  spec.registry_keys = std::move(*registries);
  Result<trust::Root> root = Status(ErrorCode::kInternal, "");
  if (next) {
    auto text = ReadTrustFile(f.from);
    if (!text.ok()) return Fail(text.status());
    auto current = trust::ParseRoot(*text);
    if (!current.ok()) return Fail(current.status().WithContext(f.from));
    root = trust::NextRoot(current->root, spec);
  } else {
    root = trust::NewRoot(spec);
  }
  if (!root.ok()) return Report(root.status(), kExitUsage);
  return Written(files::WriteAtomic(f.out, trust::EncodeEnvelope(trust::UnsignedRoot(*root))),
                 "root version " + std::to_string(root->version), f.out);
}

// "ORG" and --at: the list of (org, time) pairs.
std::vector<std::pair<std::string, std::string>> Pairs(const std::vector<std::string>& orgs,
                                                       const std::string& time) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& org : orgs) out.emplace_back(org, time);
  return out;
}

int RunRegistry(const TrustFlags& f, bool next) {
  trust::RegistryEdit edit;
  edit.expires = f.expires;
  auto cards = LoadCards(f.add);
  if (!cards.ok()) return Fail(cards.status());
  std::vector<std::string> roles;
  for (std::size_t start = 0; start <= f.roles.size();) {
    std::size_t comma = f.roles.find(',', start);
    if (comma == std::string::npos) comma = f.roles.size();
    roles.push_back(f.roles.substr(start, comma - start));
    start = comma + 1;
  }
  for (identity::Card& card : *cards) {
    edit.add.push_back({std::move(card), roles, f.home_broker, f.card_expires});
  }
  if (!f.revoke.empty() && f.at.empty()) {
    return Report(Status(ErrorCode::kInvalidArgument, "--revoke needs --at TIME"), kExitUsage);
  }
  if (!f.compromised.empty() && f.since.empty()) {
    return Report(Status(ErrorCode::kInvalidArgument, "--compromised needs --since TIME"),
                  kExitUsage);
  }
  edit.revoke = Pairs(f.revoke, f.at);
  edit.compromised = Pairs(f.compromised, f.since);
  for (const std::string& item : f.allow_root) {
    const std::size_t colon = item.find(':');
    Bytes root;
    if (colon == std::string::npos || !HexDecode(item.substr(colon + 1), &root) ||
        root.size() != crypto::Hash256{}.size()) {
      return Report(Status(ErrorCode::kInvalidArgument,
                           "--allow-root \"" + item +
                               "\" must be ORG:ROOT, ROOT the 64 hex digits of a record's "
                               "signed root (as a subscriber's refusal names it)"),
                    kExitUsage);
    }
    crypto::Hash256 hash{};
    std::copy(root.begin(), root.end(), hash.begin());
    edit.allow_roots.emplace_back(item.substr(0, colon), hash);
  }
  for (const std::string& path : f.key_change) {
    auto text = files::Read(path, 64u << 10);
    if (!text.ok()) return Fail(text.status());
    auto change = trust::ParseKeyChangeFile(*text);
    if (!change.ok()) return Fail(change.status().WithContext(path));
    edit.key_changes.push_back(std::move(*change));
  }
  Result<trust::RegistryVersion> version = Status(ErrorCode::kInternal, "");
  if (next) {
    auto text = ReadTrustFile(f.from);
    if (!text.ok()) return Fail(text.status());
    auto previous = trust::ParseRegistryVersion(*text);
    if (!previous.ok()) return Fail(previous.status().WithContext(f.from));
    version = trust::NextRegistry(*previous, edit);
  } else {
    auto text = ReadTrustFile(f.root);
    if (!text.ok()) return Fail(text.status());
    auto root = trust::ParseRoot(*text);
    if (!root.ok()) return Fail(root.status().WithContext(f.root));
    version = trust::NewRegistry(root->root, edit);
  }
  if (!version.ok()) {
    return Report(version.status(), version.status().code() == ErrorCode::kInvalidArgument
                                         ? kExitUsage
                                         : kExitInvalidInput);
  }
  return Written(
      files::WriteAtomic(f.out, trust::EncodeEnvelope(trust::UnsignedRegistryVersion(*version))),
      "registry version " + std::to_string(version->version), f.out);
}

// "24h", "90m", "3600s": milliseconds; 0 for anything else.
StixMillis ValidFor(const std::string& text) {
  if (text.size() < 2) return 0;
  std::string digits = text.substr(0, text.size() - 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 6) return 0;
  StixMillis n = std::stoll(digits);
  switch (text.back()) {
    case 's': return n * 1000;
    case 'm': return n * 60 * 1000;
    case 'h': return n * 3600 * 1000;
    default: return 0;
  }
}

int RunTimestamp(const TrustFlags& f) {
  StixMillis valid = ValidFor(f.valid);
  if (valid < 1000) {
    return Report(Status(ErrorCode::kInvalidArgument,
                         "--valid \"" + f.valid + "\": a duration such as 24h, 90m or 3600s"),
                  kExitUsage);
  }
  auto text = ReadTrustFile(f.registry);
  if (!text.ok()) return Fail(text.status());
  auto version = trust::ParseRegistryVersion(*text);
  if (!version.ok()) return Fail(version.status().WithContext(f.registry));
  StixMillis now = static_cast<StixMillis>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  trust::Timestamp ts = trust::TimestampFor(*version, now, valid);
  return Written(files::WriteAtomic(f.out, trust::EncodeEnvelope(trust::UnsignedTimestamp(ts))),
                 "a timestamp for registry version " + std::to_string(ts.registry_version) +
                     " (issued " + ts.issued + ", expires " + ts.expires + ")",
                 f.out);
}

int RunSign(const TrustFlags& f) {
  auto text = ReadTrustFile(f.file);
  if (!text.ok()) return Fail(text.status());
  auto me = identity::LoadIdentity(f.identity, PassphraseFor(f.passphrase_file));
  if (!me.ok()) return Fail(me.status());
  auto signed_text = trust::SignFile(*text, me->sign_secret);
  if (!signed_text.ok()) return Fail(signed_text.status().WithContext(f.file));
  Status written = files::WriteAtomic(f.file, *signed_text);
  if (!written.ok()) return Report(written, kExitFailure);
  std::cout << "signed " << f.file << " with the signing key of " << me->card.org << "\n";
  return kExitOk;
}

int RunShow(const TrustFlags& f) {
  auto text = ReadTrustFile(f.file);
  if (!text.ok()) return Fail(text.status());
  std::optional<trust::SignedRoot> root;
  if (!f.root.empty()) {
    auto root_text = ReadTrustFile(f.root);
    if (!root_text.ok()) return Fail(root_text.status());
    auto parsed = trust::ParseRoot(*root_text);
    if (!parsed.ok()) return Fail(parsed.status().WithContext(f.root));
    root = std::move(*parsed);
  }
  auto described = trust::DescribeSignedFile(*text, root ? &root->root : nullptr);
  if (!described.ok()) return Fail(described.status().WithContext(f.file));
  std::cout << *described;
  return kExitOk;
}

}  // namespace

void AddTrust(CLI::App& app, int* exit_code) {
  auto f = std::make_shared<TrustFlags>();
  CLI::App* cmd = app.add_subcommand(
      "trust", "make the federation's signed files offline: roots, registry versions, "
               "signatures (docs/trust.md)");
  cmd->require_subcommand(1);

  CLI::App* root = cmd->add_subcommand("root", "make a federation root (root.json)");
  root->require_subcommand(1);
  auto root_flags = [f](CLI::App* c, bool next) {
    if (next) {
      c->add_option("--from", f->from, "the current root file")->required();
    } else {
      c->add_option("--federation", f->federation, "the federation's name, e.g. eu-cert-federation")
          ->required();
    }
    c->add_option("--root-key", f->root_keys,
                  "a root key holder's card (certshare keygen --org root-HOLDER); repeat"
                  + std::string(next ? "; default: the current root keys" : ""));
    c->add_option("--root-threshold", f->root_threshold,
                  "how many root keys must sign a root" +
                      std::string(next ? " (default: the current one)" : ""));
    c->add_option("--registry-key", f->registry_keys,
                  "a registry signer's card; repeat" +
                      std::string(next ? "; default: the current registry keys" : ""));
    c->add_option("--registry-threshold", f->registry_threshold,
                  "how many registry keys must sign a registry version" +
                      std::string(next ? " (default: the current one)" : ""));
    c->add_option("--expires", f->expires, "expiry, YYYY-MM-DDTHH:MM:SSZ")->required();
    c->add_option("--out", f->out, "the file to write (unsigned)")->required();
  };
  CLI::App* root_new = root->add_subcommand("new", "root version 1");
  root_flags(root_new, false);
  root_new->callback([f, exit_code] { *exit_code = RunRoot(*f, false); });
  CLI::App* root_next = root->add_subcommand("next", "the root version after --from");
  root_flags(root_next, true);
  root_next->callback([f, exit_code] { *exit_code = RunRoot(*f, true); });

  CLI::App* registry = cmd->add_subcommand("registry", "make a signed registry version");
  registry->require_subcommand(1);
  auto registry_flags = [f](CLI::App* c, bool next) {
    if (next) {
      c->add_option("--from", f->from, "the current registry version file")->required();
    } else {
      c->add_option("--root", f->root, "the federation root (names the federation)")->required();
    }
    c->add_option("--add", f->add, "an organisation's card to add; repeat");
    c->add_option("--roles", f->roles, "roles of the organisations added (default "
                                       "publish,subscribe)");
    c->add_option("--home-broker", f->home_broker,
                  "the broker the organisations added connect to");
    c->add_option("--card-expires", f->card_expires,
                  "when the cards added expire, YYYY-MM-DDTHH:MM:SSZ");
    if (next) {
      c->add_option("--revoke", f->revoke, "an organisation to revoke; repeat");
      c->add_option("--at", f->at, "when the revocation takes effect, YYYY-MM-DDTHH:MM:SSZ");
      c->add_option("--compromised", f->compromised,
                    "an organisation whose signing key is compromised; repeat");
      c->add_option("--since", f->since,
                    "since when: records signed after it are flagged, YYYY-MM-DDTHH:MM:SSZ");
      c->add_option("--key-change", f->key_change,
                    "a key change made by certshare keygen --rotate-from; repeat");
      c->add_option("--allow-root", f->allow_root,
                    "ORG:ROOT: a record of ORG known good (its signed root, as a subscriber's "
                    "REVOKED, PREVIOUS_KEY or KEY_COMPROMISED refusal names it), accepted "
                    "although ORG is revoked or the key replaced; repeat");
    }
    c->add_option("--expires", f->expires, "expiry of this version, YYYY-MM-DDTHH:MM:SSZ")
        ->required();
    c->add_option("--out", f->out, "the file to write (unsigned)")->required();
  };
  CLI::App* registry_new = registry->add_subcommand("new", "registry version 1");
  registry_flags(registry_new, false);
  registry_new->callback([f, exit_code] { *exit_code = RunRegistry(*f, false); });
  CLI::App* registry_next =
      registry->add_subcommand("next", "the registry version after --from");
  registry_flags(registry_next, true);
  registry_next->callback([f, exit_code] { *exit_code = RunRegistry(*f, true); });

  CLI::App* timestamp = cmd->add_subcommand(
      "timestamp", "vouch that a registry version is current (the registry signers' hourly job)");
  timestamp->add_option("--registry", f->registry, "the current registry version file")
      ->required();
  timestamp->add_option("--valid", f->valid, "how long it vouches: 24h (default), 90m, 3600s");
  timestamp->add_option("--out", f->out, "the file to write (unsigned)")->required();
  timestamp->callback([f, exit_code] { *exit_code = RunTimestamp(*f); });

  CLI::App* sign = cmd->add_subcommand(
      "sign", "add your signature to a root or registry version file (rewritten atomically)");
  sign->add_option("file", f->file, "the file to sign")->required();
  sign->add_option("--identity", f->identity, "your secret identity file (root or registry key)")
      ->required();
  sign->add_option("--passphrase-file", f->passphrase_file,
                   "the passphrase of a protected secret file (default: asked on the terminal, "
                   "or CERTSHARE_PASSPHRASE)");
  sign->callback([f, exit_code] { *exit_code = RunSign(*f); });

  CLI::App* show = cmd->add_subcommand(
      "show", "print what a signed file is: version, expiry, keys and signatures with "
              "fingerprints, organisations");
  show->add_option("file", f->file, "the root or registry version file")->required();
  show->add_option("--root", f->root, "the root whose keys sign it (names and checks the "
                                      "signatures of a registry version)");
  show->callback([f, exit_code] { *exit_code = RunShow(*f); });
}

}  // namespace certshare::cli
