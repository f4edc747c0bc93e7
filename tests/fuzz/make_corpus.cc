// Writes the generated seed corpora of the fuzz targets: wire frames,
// records and routing headers sealed with the fixed keys of
// fuzz_support.h, identity cards and registries, agent config files and
// Suricata EVE lines. (The text corpora for json, stix and broker_config
// are kept by hand.) Not a test; run it by
// hand when a format changes, then review and keep what it wrote:
//
//   build/tests/fuzz/make_fuzz_corpus tests/fuzz/corpus
//
// Files are overwritten by name; records differ on every run (fresh
// content keys and nonces) but are equivalent.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "agent/config/config.h"
#include "agent/sensor/eve_samples.h"
#include "common/envelope/envelope.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"
#include "common/wire/frame.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace certshare;
namespace fs = std::filesystem;

fs::path g_root;

void Write(const std::string& target, const std::string& name, ByteView bytes) {
  const fs::path dir = g_root / target;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "cannot write %s/%s\n", target.c_str(), name.c_str());
    std::exit(1);
  }
}
void Write(const std::string& target, const std::string& name, std::string_view text) {
  Write(target, name, AsBytes(text));
}

template <typename T>
T Must(Result<T> result) {
  if (!result.ok()) {
    std::fprintf(stderr, "%s\n", result.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*result);
}

envelope::Recipient To(std::string_view org) {
  return {std::string(org), fuzz::BoxPublic(org)};
}

envelope::Draft MakeDraft(Tlp tlp, bool encrypt, std::vector<envelope::Recipient> to,
                          std::string payload) {
  envelope::Draft d;
  d.stix_type = "incident";
  d.stix_id = "incident--6a1d5f3c-5e0a-4b8e-9c3d-2f4a1b7c9e01";
  d.modified = "2025-01-15T10:30:00.000Z";
  d.tlp = tlp;
  d.encrypt = encrypt;
  d.recipients = std::move(to);
  d.payload = std::move(payload);
  return d;
}

// Records, and their headers alone for the header target.
std::vector<Bytes> WriteRecords() {
  crypto::BoxSecretKey box = fuzz::BoxSecret(fuzz::kOrigin).Clone();
  envelope::Sealer sealer(std::string(fuzz::kOrigin), fuzz::OriginSignSecret(), box);
  const std::string incident =
      R"({"type":"incident","spec_version":"2.1","id":"incident--6a1d5f3c-5e0a-4b8e-9c3d-2f4a1b7c9e01",)"
      R"("created":"2025-01-15T10:30:00.000Z","modified":"2025-01-15T10:30:00.000Z","name":"Phishing"})";

  struct Seed {
    const char* name;
    envelope::Draft draft;
  };
  std::vector<Seed> seeds;
  seeds.push_back({"amber-two-recipients",
                   MakeDraft(Tlp::kAmber, true, {To(fuzz::kRecipient), To(fuzz::kSecondRecipient)},
                             incident)});
  seeds.push_back({"red-one-recipient", MakeDraft(Tlp::kRed, true, {To(fuzz::kRecipient)}, "{}")});
  seeds.push_back({"green-plaintext", MakeDraft(Tlp::kGreen, false, {}, incident)});
  envelope::Draft clear = MakeDraft(Tlp::kClear, false, {To(fuzz::kRecipient)}, "{}");
  clear.topics = {"sector:energy", "country:ee"};
  seeds.push_back({"clear-topics", std::move(clear)});
  seeds.push_back({"green-encrypted",
                   MakeDraft(Tlp::kGreen, true, {To(fuzz::kSecondRecipient)}, "[]")});
  // `modified` spelled as STIX allows beyond milliseconds, and the longest
  // stix_id the envelope accepts.
  envelope::Draft seconds = MakeDraft(Tlp::kGreen, false, {}, incident);
  seconds.modified = "2025-01-15T10:30:00Z";
  seeds.push_back({"modified-no-fraction", std::move(seconds)});
  envelope::Draft leap = MakeDraft(Tlp::kAmber, true, {To(fuzz::kRecipient)}, "{}");
  leap.modified = "2016-12-31T23:59:60.123456789Z";
  seeds.push_back({"modified-leap-second-nanoseconds", std::move(leap)});
  envelope::Draft long_id = MakeDraft(Tlp::kClear, false, {}, "{}");
  long_id.stix_id = "x-long--" + std::string(envelope::kMaxStixIdLength - 8, 'a');
  seeds.push_back({"stix-id-at-the-limit", std::move(long_id)});

  std::vector<Bytes> headers;
  for (const Seed& seed : seeds) {
    const Bytes record = Must(sealer.Seal(seed.draft)).record;
    Write("envelope", seed.name, record);
    Write("wire", std::string("publish-") + seed.name, wire::EncodePublish(7, record));
    headers.push_back(Must(envelope::Decode(record)).header_bytes);
    Write("header", seed.name, headers.back());
  }
  // A batch of three under one signature: records with proofs.
  std::vector<envelope::Draft> batch;
  for (int i = 0; i < 3; ++i) {
    batch.push_back(MakeDraft(Tlp::kAmber, true, {To(fuzz::kRecipient)}, "{\"n\":" + std::to_string(i) + "}"));
  }
  const std::vector<envelope::Sealed> sealed = Must(sealer.SealBatch(batch));
  Write("envelope", "batch-0-of-3", sealed[0].record);
  Write("envelope", "batch-2-of-3", sealed[2].record);
  Write("wire", "deliver-batch-2-of-3", wire::EncodeDeliver(9, 42, sealed[2].record));
  return headers;
}

void WriteFrames() {
  Write("wire", "ack", wire::EncodeAck(1, 100, false));
  Write("wire", "ack-duplicate", wire::EncodeAck(2, 100, true));
  Write("wire", "error", wire::EncodeError(3, ErrorCode::kBadSignature, "signature does not verify"));
  wire::SubscribeRequest all;
  Write("wire", "subscribe-resume", wire::EncodeSubscribe(4, all));
  wire::SubscribeRequest filtered;
  filtered.name = "soc-feed";
  filtered.start = wire::StartKind::kTime;
  filtered.start_value = 1736937000000;
  filtered.credit = 64;
  filtered.types = {"incident", "indicator"};
  filtered.origins = {std::string(fuzz::kOrigin)};
  filtered.tlp_min = 1;
  filtered.tlp_max = 3;
  filtered.topics = {"sector:energy"};
  Write("wire", "subscribe-filtered", wire::EncodeSubscribe(5, filtered));
  Write("wire", "subscribed", wire::EncodeSubscribed(6, 1, 500, 1));
  Write("wire", "caught-up", wire::EncodeCaughtUp(8, 500));
  Write("wire", "consumed", wire::EncodeConsumed(10, 499));
  Write("wire", "credit", wire::EncodeCredit(11, 128));
  Write("wire", "ping", wire::EncodePing(12));
  Write("wire", "pong", wire::EncodePong(12));
  Write("wire", "positions", wire::EncodePositions(14));
  Write("wire", "positions-ok",
        wire::EncodePositionsOk(14, 500, 3, {{"eu-feed", 470, true}, {"nightly", 0, false}}));
  wire::AdminSignature signature{};
  signature.fill(0xab);
  Write("wire", "admin", wire::EncodeAdmin(13, R"({"command":"show"})", signature));
  Write("wire", "admin-ok", wire::EncodeAdminOk(13, R"({"ok":true})"));
  Write("wire", "trust-get", wire::EncodeTrustGet(15, 1, 4));
  wire::TrustFiles files;
  files.latest_root = 2;
  files.latest_registry = 6;
  files.roots = {R"({"format":"certshare-signed-v1"})"};
  files.registries = {R"({"format":"certshare-signed-v1","v":5})",
                      R"({"format":"certshare-signed-v1","v":6})"};
  files.timestamp = R"({"format":"certshare-signed-v1","t":1})";
  Write("wire", "trust", wire::EncodeTrust(15, files));
  Write("wire", "trust-notice", wire::EncodeTrustNotice(2, 6, 1764233247000));
}

identity::Card MakeCard(std::string_view org) {
  identity::Card card;
  card.org = std::string(org);
  card.name = "Test " + card.org;
  card.sign_key = org == fuzz::kOrigin ? fuzz::OriginSignPublic() : crypto::SigningPublicKey{};
  if (org != fuzz::kOrigin) {
    // Distinct signing keys for the others: their box key bytes will do.
    card.sign_key = fuzz::BoxPublic(org);
  }
  card.box_key = fuzz::BoxPublic(org);
  card.transport_key = fuzz::TransportPublic(org);
  return card;
}

void WriteIdentities() {
  Write("card", "keygen", identity::CardToJson(MakeCard(fuzz::kOrigin)));
  identity::Card rotated = MakeCard(fuzz::kRecipient);
  rotated.revoked = true;
  rotated.revoked_at = "2025-02-01T00:00:00Z";
  rotated.previous_sign_keys = {fuzz::BoxPublic(fuzz::kOutsider)};
  rotated.previous_box_keys = {fuzz::TransportPublic(fuzz::kOutsider)};
  Write("card", "revoked-rotated", identity::CardToJson(rotated));

  identity::Registry registry;
  for (std::string_view org : {fuzz::kOrigin, fuzz::kRecipient, fuzz::kSecondRecipient}) {
    if (!registry.Put(MakeCard(org)).ok()) std::exit(1);
  }
  if (!registry.PutGroup("baltic", {std::string(fuzz::kOrigin), std::string(fuzz::kRecipient)})
           .ok()) {
    std::exit(1);
  }
  Write("registry", "three-orgs-one-group", registry.ToJson());
  if (!registry.Revoke(fuzz::kSecondRecipient, "2025-02-01T00:00:00Z").ok()) std::exit(1);
  identity::Card next = MakeCard(fuzz::kRecipient);
  next.sign_key = fuzz::TransportPublic(fuzz::kOutsider);
  next.box_key = fuzz::BoxPublic(fuzz::kOutsider);
  if (!registry.Rotate(next, true).ok()) std::exit(1);
  Write("registry", "revoked-and-rotated", registry.ToJson());
  Write("registry", "empty", identity::Registry().ToJson());
}

// The agent's inputs: its config file and Suricata EVE lines (the sensor
// tests' samples, written from Suricata's documented format).
void WriteAgentInputs() {
  Write("agent_config", "template", agent::RenderConfigTemplate({"CERT-EE", "tcp://broker.example:7700"}));
  Write("agent_config", "template-empty", agent::RenderConfigTemplate({}));
  Write("agent_config", "short",
        "identity = \"~/keys/CERT-EE.secret.json\"\nregistry = \"registry.json\"\n"
        "[broker]\nendpoint = \"tcp://127.0.0.1:7700\"\n"
        "public_key = \"" + HexEncode(fuzz::TransportPublic(fuzz::kOrigin)) + "\"\n"
        "[publish]\nto = [\"CERT-UA\", \"group:baltic\"]\n"
        "[sensor]\ntlp = \"amber\"\n[spool]\npath = \"/var/spool/certshare\"\nlimit = \"512 MiB\"\n");
  namespace samples = agent::sensor::samples;
  Write("eve", "alert-tcp-v4", std::string_view(samples::kTcpV4));
  Write("eve", "alert-udp-v6", std::string_view(samples::kUdpV6));
  Write("eve", "alert-icmp-v4", std::string_view(samples::kIcmpV4));
  Write("eve", "alert-icmp-v6", std::string_view(samples::kIcmpV6));
  Write("eve", "alert-minimal", std::string_view(samples::kMinimal));
  Write("eve", "flow", std::string_view(samples::kFlow));
  Write("eve", "dns", std::string_view(samples::kDns));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s tests/fuzz/corpus\n", argv[0]);
    return 2;
  }
  g_root = argv[1];
  WriteRecords();
  WriteFrames();
  WriteIdentities();
  WriteAgentInputs();
  std::printf("wrote the generated corpora under %s\n", g_root.c_str());
  return 0;
}
