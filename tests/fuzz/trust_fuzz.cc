// Fuzz target: trust metadata (common/trust, docs/trust.md): the federation
// root (ParseRoot) and registry versions (ParseRegistryVersion), which
// agents and brokers will receive from the broker or a file; key change
// files (ParseKeyChangeFile, common/trust/authoring.h) and what
// `certshare trust show` prints of any of them (DescribeSignedFile).
//
// Contract checked beyond "no crash, no sanitizer report":
//   * a refusal is kMalformedTrust with a message;
//   * an accepted root or version re-encodes: EncodeEnvelope of its
//     envelope parses back to the same payload (and hash), and what
//     RootPayload / RegistryVersionPayload make of the parsed value parses
//     back to a value they write the same way (the signed payload itself
//     may be any JSON spelling: whitespace, member order, escapes);
//   * verification never crashes and never accepts an unsigned input;
//   * a key change file is refused with kInvalidArgument and a message, or
//     re-encodes (KeyChangeFileToJson) to a file that parses to the same.
// The input is read twice: as a whole file, and as the payload of an
// envelope the target wraps around it (hex is rarely what mutation makes,
// so this is what reaches the payload parsers with hostile JSON).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/trust/authoring.h"
#include "common/trust/registry_version.h"
#include "common/trust/root.h"
#include "common/trust/timestamp.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace certshare::trust;  // NOLINT

void CheckRefusal(const certshare::Status& status) {
  FUZZ_REQUIRE(status.code() == certshare::ErrorCode::kMalformedTrust);
  FUZZ_REQUIRE(!status.message().empty());
}

void FuzzFile(std::string_view text) {
  const certshare::Result<SignedRoot> root = ParseRoot(text);
  if (!root.ok()) {
    CheckRefusal(root.status());
  } else {
    const std::string written = RootPayload(root->root);
    const certshare::Result<SignedRoot> rewritten =
        ParseRoot(EncodeEnvelope(UnsignedRoot(root->root)));
    FUZZ_REQUIRE(rewritten.ok() && RootPayload(rewritten->root) == written);
    const certshare::Result<SignedRoot> again = ParseRoot(EncodeEnvelope(root->envelope));
    FUZZ_REQUIRE(again.ok() && again->envelope.payload == root->envelope.payload);
    const certshare::Result<SignedRoot> pinned = VerifyPinnedRoot(text);
    if (root->envelope.signatures.empty()) FUZZ_REQUIRE(!pinned.ok());
    (void)VerifyRootUpdate(root->root, text);
  }

  const certshare::Result<SignedTimestamp> timestamp = ParseSignedTimestamp(text);
  if (!timestamp.ok()) {
    CheckRefusal(timestamp.status());
  } else {
    const std::string written = TimestampPayload(timestamp->timestamp);
    const certshare::Result<SignedTimestamp> rewritten =
        ParseSignedTimestamp(EncodeEnvelope(UnsignedTimestamp(timestamp->timestamp)));
    FUZZ_REQUIRE(rewritten.ok() && TimestampPayload(rewritten->timestamp) == written);
    FUZZ_REQUIRE(timestamp->timestamp.issued_ms < timestamp->timestamp.expires_ms);
  }

  const certshare::Result<SignedRegistryVersion> version = ParseRegistryVersion(text);
  if (!version.ok()) {
    CheckRefusal(version.status());
    return;
  }
  const std::string written = RegistryVersionPayload(version->version);
  const certshare::Result<SignedRegistryVersion> rewritten =
      ParseRegistryVersion(EncodeEnvelope(UnsignedRegistryVersion(version->version)));
  FUZZ_REQUIRE(rewritten.ok() && RegistryVersionPayload(rewritten->version) == written);
  FUZZ_REQUIRE(version->hash == PayloadHash(version->envelope.payload));
  const certshare::Result<SignedRegistryVersion> again =
      ParseRegistryVersion(EncodeEnvelope(version->envelope));
  FUZZ_REQUIRE(again.ok() && again->hash == version->hash);
  // Verified against a root with one fixed registry key, with itself as
  // the previous version: whatever it holds, nothing crashes.
  Root fixed;
  fixed.federation = version->version.federation;
  fixed.version = 1;
  fixed.registry.keys = {TrustKey{certshare::fuzz::OriginSignPublic(), "fuzz"}};
  fixed.registry.threshold = 1;
  const auto verified =
      VerifyRegistryVersion(fixed, &*version, text, 0);
  if (version->envelope.signatures.empty()) FUZZ_REQUIRE(!verified.ok());
}

void FuzzKeyChange(std::string_view text) {
  const certshare::Result<KeyChangeFile> change = ParseKeyChangeFile(text);
  if (!change.ok()) {
    FUZZ_REQUIRE(change.status().code() == certshare::ErrorCode::kInvalidArgument);
    FUZZ_REQUIRE(!change.status().message().empty());
    return;
  }
  const std::string again = KeyChangeFileToJson(*change);
  const certshare::Result<KeyChangeFile> back = ParseKeyChangeFile(again);
  FUZZ_REQUIRE(back.ok() && KeyChangeFileToJson(*back) == again);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  FuzzFile(text);
  FuzzKeyChange(text);
  (void)DescribeSignedFile(text, nullptr);
  for (std::string_view type : {kRootPayloadType, kRegistryPayloadType, kTimestampPayloadType}) {
    SignedEnvelope wrapped;
    wrapped.payload_type = std::string(type);
    wrapped.payload = std::string(text);
    FuzzFile(EncodeEnvelope(wrapped));
  }
  return 0;
}
