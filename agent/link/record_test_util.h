// Helpers for agent_link_test and agent_receive_test only: a small
// federation of identities (CERT-EE publishing, CERT-UA receiving, CERT-XX
// registered and not named) and STIX documents marked as a test needs.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "agent/stix/stix_objects.h"
#include "common/base/testing.h"
#include "common/crypto/keys.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::agent::test {

// The TLP 1.0 AMBER marking of STIX 2.1 §7.2.1.4.
inline constexpr char kTlp1Amber[] = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";
inline constexpr char kIndicatorId[] = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";

// An indicator with the given extra members (JSON text, each ending in
// ","), e.g. R"("object_marking_refs":["..."],)".
inline std::string Indicator(const std::string& extra = "") {
  return R"({"type":"indicator","spec_version":"2.1","id":")" + std::string(kIndicatorId) +
         R"(",)" + extra +
         R"("created":"2026-11-27T09:00:00.000Z","modified":"2026-11-27T09:30:00.000Z",)"
         R"("pattern":"[ipv4-addr:value = '203.0.113.47']","pattern_type":"stix",)"
         R"("valid_from":"2026-11-27T09:00:00Z"})";
}
inline std::string MarkedWith(const std::string& marking) {
  return Indicator(R"("object_marking_refs":[")" + marking + R"("],)");
}
inline std::string CreatedBy(const std::string& org, const std::string& more = "") {
  return Indicator(R"("created_by_ref":")" + OrganisationIdentityId(org) + R"(",)" + more);
}

class Federation {
 public:
  Federation() {
    EXPECT_OK(crypto::Init());
    for (const char* org : {"CERT-EE", "CERT-UA", "CERT-XX"}) {
      auto files = identity::Generate(org, org, dir_.path());
      EXPECT_TRUE(files.ok()) << files.status().ToString();
      auto id = identity::LoadIdentity(files->secret_path);
      EXPECT_TRUE(id.ok()) << id.status().ToString();
      EXPECT_OK(registry_.Put(id->card));
      ids_[org] = std::make_unique<identity::Identity>(std::move(*id));
    }
  }
  const identity::Identity& Id(const std::string& org) const { return *ids_.at(org); }
  const identity::Registry& registry() const { return registry_; }

 private:
  certshare::testing::TempDir dir_;
  identity::Registry registry_;
  std::map<std::string, std::unique_ptr<identity::Identity>> ids_;
};

}  // namespace certshare::agent::test
