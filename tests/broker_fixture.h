// A broker on loopback with an ephemeral port, run in-process, plus the
// identities of a small federation: CERT-EE, CERT-UA, CERT-EU, the
// bystander CERT-XX (all registered) and STRANGER (not registered).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "agent/link/broker_client.h"
#include "agent/link/compose.h"
#include "broker/broker.h"
#include "broker/tools/admin_client.h"
#include "common/base/testing.h"
#include "common/envelope/envelope.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::testing {

// A non-durable subscription from `from` with ample credit.
wire::SubscribeRequest FromSequence(std::uint64_t from, std::uint32_t credit = 1024);

class BrokerFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts (or restarts) the broker on the same data directory.
  void StartBroker(std::size_t max_record_bytes = 1u << 20);
  void StartBroker(broker::Options options, std::unique_ptr<storage::Log> log = nullptr);
  // The options StartBroker() uses, for tests to adjust.
  broker::Options DefaultOptions();
  void StopBroker();

  const identity::Identity& Id(const std::string& org) { return *ids_.at(org); }
  std::unique_ptr<agent::BrokerClient> Connect(const std::string& org);
  envelope::Sealer SealerFor(const std::string& org);

  // --- Registry administration (tests/registry_admin_test.cc and
  // tests/groups_test.cc).
  // A fresh identity for `org` in `dir_/<subdir>`, not registered (a new
  // organisation, or new keys for a registered one).
  std::unique_ptr<identity::Identity> NewIdentity(const std::string& org,
                                                  const std::string& subdir);
  std::unique_ptr<agent::BrokerClient> ConnectAs(const identity::Identity& id);
  // DefaultOptions() with admin enabled: the registry is the file
  // RegistryFile() and the operator is Id("OPERATOR") (made on first use).
  broker::Options AdminOptions();
  std::string RegistryFile() { return dir_.File("registry.json"); }
  // Writes registry_ to RegistryFile() and (re)starts the broker with
  // AdminOptions().
  void StartAdminBroker();
  // An admin connection as `org` (the operator by default), and one
  // command through it.
  std::unique_ptr<broker::AdminClient> ConnectAdmin(const std::string& org = "OPERATOR");
  Result<broker::AdminAnswer> Admin(broker::AdminKind kind, const identity::Card* card,
                                    const std::string& org = "",
                                    std::optional<bool> keep_previous = std::nullopt);

  // What a subscription delivers until CAUGHT_UP (PINGs and PONGs
  // skipped), acknowledging each record when `ack`. A failure (an ERROR, a
  // timeout) is a test failure.
  struct Delivery {
    std::uint64_t sequence;
    Bytes record;
  };
  std::vector<Delivery> UntilCaughtUp(agent::BrokerClient& client, bool ack = false);

  // Seals an incident with explicit compose options and registry (groups,
  // plaintext GREEN, a registry copy after a change).
  Bytes RecordWith(const identity::Identity& origin, const agent::ComposeOptions& options,
                   const identity::Registry& registry, Tlp tlp, const std::string& uuid,
                   const std::string& modified = "2026-11-01T10:00:00.000Z");

  // A small valid STIX incident with a fresh id (or the given one).
  static std::string Incident(const std::string& uuid, const std::string& modified,
                              Tlp tlp);
  // Seals an incident from `origin` to `to` at `tlp`.
  Bytes Record(const std::string& origin, const std::vector<std::string>& to, Tlp tlp,
               const std::string& uuid,
               const std::string& modified = "2026-11-01T10:00:00.000Z");

  TempDir dir_;
  identity::Registry registry_;
  std::map<std::string, std::unique_ptr<identity::Identity>> ids_;
  std::unique_ptr<broker::Broker> broker_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::string endpoint_;
};

}  // namespace certshare::testing
