// Fixed trust material for the tests and the worked examples of
// docs/trust.md (tests/data/trust/): keys from fixed seeds, so that every
// signature (Ed25519 is deterministic) and every file is the same on every
// run. These keys are public test data; never use them for anything else.
#pragma once

#include <string>
#include <vector>

#include "common/base/timestamp.h"
#include "common/crypto/keys.h"
#include "common/trust/registry_version.h"
#include "common/trust/root.h"

namespace certshare::trust::testing {

// The Ed25519 key pair of seed byte `n` repeated 32 times.
crypto::SigningKeyPair KeyPair(std::uint8_t n);
// An X25519 public key from secret byte `n` repeated.
crypto::BoxPublicKey BoxKey(std::uint8_t n);

// Seeds: root keys 1 (CERT-EE), 2 (CERT-UA), 3 (EU-HUB), 4 (CERT-LV, in
// root version 2 instead of 3); registry keys 11, 12; CERT-EE signs with
// 21, CERT-UA with 22, then 23 after its rotation.
inline constexpr std::uint8_t kRootEe = 1, kRootUa = 2, kRootHub = 3, kRootLv = 4;
inline constexpr std::uint8_t kRegistryA = 11, kRegistryB = 12;
inline constexpr std::uint8_t kSignEe = 21, kSignUa = 22, kSignUaNew = 23;

// 2026-12-06T00:00:00Z: the tests' "now"; everything expires in 2030.
StixMillis Now();

// Root version 1 (root keys 1, 2, 3, threshold 2; registry keys 11, 12,
// threshold 1) and version 2 (root keys 1, 2, 4).
Root RootV1();
Root RootV2();
// The envelope of `root` signed by the seeds given, in order.
std::string SignRoot(const Root& root, const std::vector<std::uint8_t>& seeds);

// Registry version 1 (CERT-EE, CERT-UA; group "baltic-ua"), and version 2
// after it (CERT-UA rotated to signing key 23, with both key-change
// signatures), `previous` set from `v1_text`.
RegistryVersion RegistryV1();
RegistryVersion RegistryV2(const std::string& v1_text);
std::string SignRegistry(const RegistryVersion& v, const std::vector<std::uint8_t>& seeds);
// A timestamp for the registry version file `registry_text`, issued at
// Now() and valid 24 hours, signed by the seeds given.
std::string SignTimestampFor(const std::string& registry_text,
                             const std::vector<std::uint8_t>& seeds);
// Signs the key change from `old_m` to `new_m` with seed `seed`.
crypto::Signature SignKeyChange(const Member& old_m, const Member& new_m, std::uint8_t seed);

}  // namespace certshare::trust::testing
