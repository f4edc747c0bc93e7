#include "common/trust/trust_test_util.h"

#include "common/trust/timestamp.h"

namespace certshare::trust::testing {

crypto::SigningKeyPair KeyPair(std::uint8_t n) {
  crypto::Secret<32> seed;
  for (std::size_t i = 0; i < seed.size(); ++i) seed.data()[i] = n;
  return crypto::SigningKeyPairFromSeed(seed);
}

crypto::BoxPublicKey BoxKey(std::uint8_t n) {
  crypto::BoxSecretKey secret;
  for (std::size_t i = 0; i < secret.size(); ++i) secret.data()[i] = n;
  return crypto::BoxPublicFromSecret(secret);
}

StixMillis Now() { return *ParseTimestamp("2026-12-06T00:00:00Z"); }

namespace {

TrustKey Key(std::uint8_t seed, const char* holder) { return {KeyPair(seed).public_key, holder}; }

Member MakeMember(const char* org, const char* name, std::uint8_t sign_seed, std::uint8_t box,
                  std::uint8_t transport) {
  Member m;
  m.card.org = org;
  m.card.name = name;
  m.card.sign_key = KeyPair(sign_seed).public_key;
  m.card.box_key = BoxKey(box);
  m.card.transport_key = BoxKey(transport);
  m.card_expires = "2028-01-01T00:00:00Z";
  m.card_expires_ms = *ParseTimestamp(m.card_expires);
  m.roles = {std::string(kRolePublish), std::string(kRoleSubscribe)};
  m.home_broker = "broker-eu";
  return m;
}

}  // namespace

Root RootV1() {
  Root r;
  r.federation = "eu-cert-federation";
  r.version = 1;
  r.expires = "2030-01-01T00:00:00Z";
  r.expires_ms = *ParseTimestamp(r.expires);
  r.root.keys = {Key(kRootEe, "CERT-EE"), Key(kRootUa, "CERT-UA"), Key(kRootHub, "EU-HUB")};
  r.root.threshold = 2;
  r.registry.keys = {Key(kRegistryA, "registry signer A"), Key(kRegistryB, "registry signer B")};
  r.registry.threshold = 1;
  return r;
}

Root RootV2() {
  Root r = RootV1();
  r.version = 2;
  r.root.keys = {Key(kRootEe, "CERT-EE"), Key(kRootUa, "CERT-UA"), Key(kRootLv, "CERT-LV")};
  return r;
}

std::string SignRoot(const Root& root, const std::vector<std::uint8_t>& seeds) {
  SignedEnvelope env = UnsignedRoot(root);
  for (std::uint8_t seed : seeds) AddSignature(&env, KeyPair(seed).secret_key);
  return EncodeEnvelope(env);
}

RegistryVersion RegistryV1() {
  RegistryVersion v;
  v.federation = "eu-cert-federation";
  v.version = 1;
  v.expires = "2027-06-01T00:00:00Z";
  v.expires_ms = *ParseTimestamp(v.expires);
  v.members = {MakeMember("CERT-EE", "CERT Estonia", kSignEe, 31, 41),
               MakeMember("CERT-UA", "CERT-UA", kSignUa, 32, 42)};
  v.groups = {{"baltic-ua", {"CERT-EE", "CERT-UA"}}};
  return v;
}

crypto::Signature SignKeyChange(const Member& old_m, const Member& new_m, std::uint8_t seed) {
  return crypto::Sign(KeyPair(seed).secret_key,
                      KeyChangeMessage("eu-cert-federation", old_m.card, new_m.card));
}

RegistryVersion RegistryV2(const std::string& v1_text) {
  RegistryVersion v = RegistryV1();
  v.version = 2;
  v.previous = PayloadHash(ParseRegistryVersion(v1_text)->envelope.payload);
  Member& ua = v.members[1];
  const Member old_ua = ua;
  ua.card.sign_key = KeyPair(kSignUaNew).public_key;
  ua.card.box_key = BoxKey(33);
  ua.card.previous_sign_keys = {old_ua.card.sign_key};
  ua.card.previous_box_keys = {old_ua.card.box_key};
  ua.key_change = KeyChangeProof{SignKeyChange(old_ua, ua, kSignUa),
                                 SignKeyChange(old_ua, ua, kSignUaNew)};
  return v;
}

std::string SignRegistry(const RegistryVersion& v, const std::vector<std::uint8_t>& seeds) {
  SignedEnvelope env = UnsignedRegistryVersion(v);
  for (std::uint8_t seed : seeds) AddSignature(&env, KeyPair(seed).secret_key);
  return EncodeEnvelope(env);
}

std::string SignTimestampFor(const std::string& registry_text,
                             const std::vector<std::uint8_t>& seeds) {
  Result<SignedRegistryVersion> version = ParseRegistryVersion(registry_text);
  SignedEnvelope env = UnsignedTimestamp(TimestampFor(*version, Now(), 24 * 3600 * 1000));
  for (std::uint8_t seed : seeds) AddSignature(&env, KeyPair(seed).secret_key);
  return EncodeEnvelope(env);
}

}  // namespace certshare::trust::testing
