// certshare::broker federation mode (docs/operations.md, "Federation
// mode"): what the broker starts from when its config names a `root`, and
// the registry it admits, routes and verifies with.
//
// That registry is the latest verified registry version
// (TrustStore::registry) plus the broker's local additions (config
// `local_registry`): unsigned cards of organisations homed at this broker
// that the federation registry does not list. A local addition never
// redefines an organisation the federation registry holds.
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "broker/options.h"
#include "broker/trust_store.h"
#include "common/base/status.h"
#include "common/identity/registry.h"

namespace certshare::broker {

struct Federation {
  std::unique_ptr<TrustStore> store;
  identity::Registry local;     // the local additions, as in local_registry
  identity::Registry combined;  // what the broker uses (CombinedRegistry)
  std::vector<std::string> notes;  // what to log at start (expiry, a newer file applied)
};

// Opens <data_dir>/trust with options.root pinned (TrustStore::Open),
// applies options.registry when it is newer than the stored version (an
// older one is left, with a note), loads options.local_registry (protected
// as the registry is) and combines them. Errors: those of TrustStore::Open
// and of the registry file's verification (its trust code, naming the
// file), kInvalidConfig for a local addition redefining a federation id or
// reusing one of its keys.
Result<Federation> OpenFederation(const Options& options, StixMillis now);

// What `--check-config` checks in federation mode, without the data
// directory: the root verifies as pinned, the `registry` file (if given)
// verifies against it as a first version, the local additions combine
// with it. Returns that combination.
Result<identity::Registry> CheckFederationConfig(const Options& options, StixMillis now);

// The registry of the latest version (or an empty one) plus `local`.
// kInvalidConfig naming the organisation when a local card has the id of an
// organisation of the version, or one of its keys.
Result<identity::Registry> CombinedRegistry(const TrustStore& store,
                                            const identity::Registry& local);

// The milliseconds since the epoch the trust library expects, from NowMs().
StixMillis TrustNow();

}  // namespace certshare::broker
