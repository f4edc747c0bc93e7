// certshare::broker::TrustStore — the federation's signed files as a broker
// in federation mode keeps them (docs/trust.md, "Operation"; docs/operations.md,
// "Federation mode").
//
// The broker applies what the registry signers and root key holders
// signed; it never makes any of it. Every file is verified exactly as an
// agent verifies it (common/trust), then written to the store's directory
// (<data_dir>/trust/), atomically and fsynced, before it becomes current:
//
//   <dir>/NNNNNNNN-root-<version>.json       each root accepted, and
//   <dir>/NNNNNNNN-registry-<version>.json   each registry version accepted,
//                                            NNNNNNNN the order of acceptance
//   <dir>/timestamp.json                     the latest signed timestamp
//                                            (verified again at Open; one
//                                            for an older registry version
//                                            is no longer served)
//
// each the file exactly as received (what agents are served). The first
// entry is always the pinned root. At Open the entries are applied again
// in that order and verified again, with every check but expiry (an
// intermediate version may have expired since); a file that no longer
// verifies, or a first root that is not the configured one, stops the
// broker (the error names the file). Expiry of the current root and
// registry version is reported (Warnings), not fatal: the broker keeps
// serving while the signers make a new version, and agents judge expiry
// themselves.
//
// Thread-safety: not thread-safe; the broker uses it on its socket thread
// only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/status.h"
#include "common/base/timestamp.h"
#include "common/trust/registry_version.h"
#include "common/trust/root.h"
#include "common/trust/timestamp.h"
#include "common/wire/frame.h"

namespace certshare::broker {

class TrustStore {
 public:
  // What a file is, told apart by its envelope's payload_type.
  enum class Kind { kRoot, kRegistry, kTimestamp };
  static std::string_view KindName(Kind kind);  // "root", "registry version", "timestamp"

  struct Applied {
    Kind kind = Kind::kRoot;
    std::uint64_t version = 0;  // root or registry version; timestamp: the registry version it names
    bool changed = false;       // false: the same file was already current
    std::vector<trust::KeyChange> key_changes;  // registry versions
    std::string summary;        // one line for the log and the operator
  };

  // Opens (creating it if missing) the store in `dir`. `pinned_root_text`
  // is the configured root file: verified as pinned (trust::VerifyPinnedRoot)
  // and, in a new store, written as its first entry; in an existing store
  // the first entry must be the same bytes (kInvalidConfig otherwise: the
  // data directory belongs to another federation). Then every stored entry
  // is verified again in order (its trust error code, naming the file).
  static Result<std::unique_ptr<TrustStore>> Open(const std::string& dir,
                                                  std::string_view pinned_root_text);

  // Verifies `text` (a root update, a registry version or a timestamp, by
  // its payload_type) against the current state at `now`, as an agent
  // would: the trust error codes of docs/trust.md (kMalformedTrust,
  // kUnderThreshold, kRollback, kBrokenChain, kTrustExpired, ...). An
  // accepted new file is written to the store before it becomes current (a
  // failed write: kIoError, nothing changes). The file already current is
  // accepted and changes nothing.
  Result<Applied> Apply(std::string_view text, StixMillis now);

  const trust::SignedRoot& root() const { return root_; }
  // The latest registry version; nullptr until one is applied.
  const trust::SignedRegistryVersion* registry() const {
    return registry_ ? &*registry_ : nullptr;
  }
  // The timestamp for the current registry version; nullptr: none.
  const trust::SignedTimestamp* timestamp() const { return timestamp_ ? &*timestamp_ : nullptr; }
  // "issued" of the current timestamp, ms since the epoch; 0: none.
  std::uint64_t timestamp_issued_ms() const {
    return timestamp_ ? static_cast<std::uint64_t>(timestamp_->timestamp.issued_ms) : 0;
  }

  // What a TRUST frame answers to an agent holding `root_version` and
  // `registry_version` (docs/protocol.md, "Trust"): the root versions
  // after it, then the registry versions after it, in order, adding files
  // while the frame stays within wire::kMaxBrokerFrameBytes (at least one
  // when there is one to send), and the current timestamp.
  wire::TrustFiles FilesAfter(std::uint64_t root_version, std::uint64_t registry_version) const;

  // Expiry of the current root and registry version at `now`, one line
  // each (empty when both are fresh); the broker logs them at start and
  // `admin show` prints them.
  std::vector<std::string> Warnings(StixMillis now) const;

 private:
  explicit TrustStore(std::string dir) : dir_(std::move(dir)) {}
  // A verified file, not yet current.
  struct Pending {
    Applied applied;
    std::optional<trust::SignedRoot> root;
    std::optional<trust::SignedRegistryVersion> registry;
    std::optional<trust::SignedTimestamp> timestamp;
  };
  // Verifies `text` against the current state; `now` = 0 checks everything
  // but expiry (Open's replay).
  Result<Pending> Check(std::string_view text, StixMillis now) const;
  // Makes a checked file current (Apply writes it first).
  void Commit(Pending pending, std::string_view text);
  Status Persist(Kind kind, std::uint64_t version, std::string_view text);

  // A file as received, what agents are served. Only the current root and
  // registry version are kept parsed.
  struct File {
    std::uint64_t version = 0;
    std::string text;
  };

  std::string dir_;
  std::uint64_t entries_ = 0;          // numbered entries in dir_
  trust::SignedRoot root_;             // current
  std::optional<trust::SignedRegistryVersion> registry_;  // current
  std::vector<File> root_files_;       // accepted, in version order
  std::vector<File> registry_files_;   // accepted, in version order
  // The timestamp for the current registry version (none once a newer
  // version is applied, until the next timestamp).
  std::optional<trust::SignedTimestamp> timestamp_;
  std::string timestamp_file_;         // empty: none
};

// What a signed file says it is, from its envelope's "payload_type"
// (kMalformedTrust for anything that is not a signed root, registry
// version or timestamp).
Result<TrustStore::Kind> TrustFileKind(std::string_view text);

}  // namespace certshare::broker
