// certshare::agent::LiveTrust and TrustRefresh — keeping a long-lived
// link's trust current in federation mode (docs/agent.md, "Federation
// mode", "Long-lived links").
//
// A command fetches the federation's files once at its start
// (cli::RefreshTrust). A link that holds a broker connection for longer
// (`subscribe`, `sensor`, the Forwarder of `publish` and `flush`) also:
//   - sends TRUST_GET on its own connection right after connecting, so
//     that the broker registers the connection for TRUST_NOTICE;
//   - sends TRUST_GET again when a TRUST_NOTICE arrives, when an answer
//     says the broker has more, and at least every `every`
//     (config trust.refresh, default 600 s);
//   - applies each TRUST answer through the TrustStore (TrustStore::Apply:
//     nothing unverified is taken; a refusal is told with its code and the
//     link keeps what it held).
//
// LiveTrust owns the TrustStore and the registry made from it, shared by
// the link's threads: the sensor's reader composes with it while its
// forwarder applies what the broker sent. Every registry it hands out is
// a snapshot that never changes; generation() counts the registries made
// current, so a user (agent::sensor::RouteCache) knows when to take the
// new one. Thread-safety: every method may be called from any thread.
//
// TrustRefresh is the per-connection part: when to send TRUST_GET, and
// which incoming frames are its own (TRUST, TRUST_NOTICE, and the ERROR
// answering its TRUST_GET); the link's loop hands every frame to Handle
// first and skips those it took, so no such frame ever disturbs the
// link's own exchange (ACKs, DELIVERs). Thread-safety: one thread, the
// one that owns the connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/link/trust_store.h"
#include "common/base/mutex.h"
#include "common/base/status.h"
#include "common/identity/registry.h"
#include "common/wire/frame.h"

namespace certshare::agent {

// What an Apply changed, one line each without the "certshare: " prefix:
// "registry version 3 applied", each key change, a timestamp not taken.
std::vector<std::string> DescribeTrustUpdate(const TrustUpdate& update);

// A refusal of what the broker sent, saying what the agent keeps: "the
// federation's files from the broker were refused; this agent keeps root
// version 1 and registry version 3: ..." (the code is `refused`'s).
Status KeepsWhatItHeld(const Status& refused, const TrustStore& store);

class LiveTrust {
 public:
  // Tells a person what happened, one line without a newline (the
  // versions applied, key changes, refusals with their codes).
  using Say = std::function<void(const std::string&)>;

  // `store`: the trust directory, already refreshed at the command's
  // start; from now on only this object uses it.
  LiveTrust(std::shared_ptr<TrustStore> store, Say say);

  struct Snapshot {
    std::shared_ptr<const identity::Registry> registry;
    std::uint64_t generation = 0;
  };
  // The registry to compose and verify with now, and its generation (0
  // for the one made at construction, then one more per Apply that made a
  // new registry version or root current).
  Snapshot Current() const EXCLUDES(mu_);
  std::uint64_t generation() const EXCLUDES(mu_);

  // The versions held (what TRUST_GET says).
  std::uint64_t root_version() const EXCLUDES(mu_);
  std::uint64_t registry_version() const EXCLUDES(mu_);

  // TrustStore::Usable at the current time, under the lock; and the same
  // as ComposeOptions::usable wants it (this object must outlive it).
  Status Usable(const identity::Card& card) const EXCLUDES(mu_);
  std::function<Status(const identity::Card&)> UsableFunction() const;

  // Called with each new registry after an Apply that made one, on the
  // thread that applied (the subscriber hands it to its Feed).
  void OnRegistry(std::function<void(const identity::Registry&)> callback);

  // Applies a TRUST answer (TrustStore::Apply at the current time) and
  // tells what changed. A refusal is told (KeepsWhatItHeld) and returned;
  // nothing changes then.
  Result<TrustUpdate> Apply(const wire::TrustFiles& files) EXCLUDES(mu_);

  void Tell(const std::string& line) const {
    if (say_) say_(line);
  }

 private:
  mutable Mutex mu_;
  std::shared_ptr<TrustStore> store_ GUARDED_BY(mu_);
  std::shared_ptr<const identity::Registry> registry_ GUARDED_BY(mu_);
  std::uint64_t generation_ GUARDED_BY(mu_) = 0;
  Say say_;
  std::function<void(const identity::Registry&)> on_registry_;
};

class TrustRefresh {
 public:
  // Sends TRUST_GET (root and registry versions held) on the link's
  // connection; returns its correlation (BrokerClient::SendTrustGet).
  using Send = std::function<Result<std::uint64_t>(std::uint64_t root, std::uint64_t registry)>;

  // How long an unanswered TRUST_GET is waited for before it is sent
  // again (an answer can be lost while the link waits for something
  // else, e.g. subscribing again): 30 s.
  static constexpr std::chrono::seconds kAnswerTimeout{30};

  // `every`: the longest time between two TRUST_GETs (trust.refresh).
  // A TRUST_GET is due at once (as after Connected).
  TrustRefresh(LiveTrust& trust, std::chrono::milliseconds every);

  // A new connection (its correlations start again): TRUST_GET is due at
  // once, what was asked on the old one is forgotten.
  void Connected();
  // The same connection, perhaps to a new broker process (a subscriber
  // subscribing again after a restart): TRUST_GET is due at once.
  void AskNow();

  // Sends TRUST_GET when due: after connecting, after a notice, when the
  // last answer said there is more, `every` after the last answer, or
  // kAnswerTimeout after an unanswered request. The Send's error (the
  // connection failed) is returned; nothing else fails.
  Status Tick(const Send& send);

  // Takes `msg` if it is trust's: a TRUST (applied when it answers the
  // request awaited; a stale one is dropped), a TRUST_NOTICE (TRUST_GET
  // becomes due), or an ERROR answering one of the last TRUST_GETs sent
  // (the one awaited: told with its code, and NOT_FEDERATED stops the
  // requests on this connection; an earlier one: dropped).
  // Returns false for every other message, which the caller handles.
  bool Handle(const wire::Message& msg);

  // How long until Tick has something to do (0: now).
  std::chrono::milliseconds UntilDue() const;

 private:
  using Clock = std::chrono::steady_clock;
  void Answered(bool again);

  LiveTrust& trust_;
  std::chrono::milliseconds every_;
  Clock::time_point due_;
  std::optional<std::uint64_t> awaited_;  // correlation of the TRUST_GET awaited
  // The correlations of the last TRUST_GETs sent on this connection: a
  // late ERROR answering one given up on is trust's too (dropped).
  static constexpr std::size_t kRemembered = 16;
  std::deque<std::uint64_t> sent_;
  Clock::time_point asked_at_;
  bool noticed_ = false;   // a notice came while a request was awaited
  bool stopped_ = false;   // the broker is not federated
};

}  // namespace certshare::agent
