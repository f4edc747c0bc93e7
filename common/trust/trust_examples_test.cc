// The worked examples of docs/trust.md, byte for byte: tests/data/trust/
// holds root-1.json, root-2.json, registry-1.json, registry-2.json and
// timestamp-2.json as
// the fixed seeds of trust_test_util.h make them (Ed25519 signatures are
// deterministic). An independent implementation can check itself against
// them. To write them again after a deliberate format change:
//   CERTSHARE_WRITE_TRUST_EXAMPLES=1 build/common/trust/trust_test
//   --gtest_filter='TrustExamplesTest.*'
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/base/testing.h"
#include "common/trust/registry_version.h"
#include "common/trust/root.h"
#include "common/trust/timestamp.h"
#include "common/trust/trust_test_util.h"

namespace certshare::trust {
namespace {

using namespace certshare::trust::testing;  // NOLINT

std::string Path(const std::string& name) { return std::string(CERTSHARE_TRUST_DATA_DIR) + "/" + name; }

// Compares `text` with the file `name` (or writes it, when asked to).
void ExpectFile(const std::string& name, const std::string& text) {
  if (std::getenv("CERTSHARE_WRITE_TRUST_EXAMPLES") != nullptr) {
    std::ofstream(Path(name), std::ios::binary) << text;
  }
  std::ifstream in(Path(name), std::ios::binary);
  ASSERT_TRUE(in.good()) << Path(name);
  std::stringstream stored;
  stored << in.rdbuf();
  EXPECT_EQ(stored.str(), text) << name << " differs from what the fixed seeds make";
}

std::string ReadFile(const std::string& name) {
  std::ifstream in(Path(name), std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(TrustExamplesTest, TheFilesAreWhatTheFixedSeedsMake) {
  const std::string root1 = SignRoot(RootV1(), {kRootEe, kRootUa});
  const std::string root2 = SignRoot(RootV2(), {kRootEe, kRootUa});
  const std::string reg1 = SignRegistry(RegistryV1(), {kRegistryA});
  const std::string reg2 = SignRegistry(RegistryV2(reg1), {kRegistryA});
  ExpectFile("root-1.json", root1);
  ExpectFile("root-2.json", root2);
  ExpectFile("registry-1.json", reg1);
  ExpectFile("registry-2.json", reg2);
  ExpectFile("timestamp-2.json", SignTimestampFor(reg2, {kRegistryA}));
}

TEST(TrustExamplesTest, TheStoredFilesVerifyAsTheDocumentSays) {
  Result<SignedRoot> root1 = VerifyPinnedRoot(ReadFile("root-1.json"));
  ASSERT_OK(root1.status());
  Result<std::vector<SignedRoot>> roots =
      VerifyRootChain(*root1, {ReadFile("root-2.json")}, Now());
  ASSERT_OK(roots.status());
  ASSERT_EQ(roots->size(), 2u);
  Result<VerifiedRegistryVersion> reg = VerifyRegistryChain(
      *roots, nullptr, {ReadFile("registry-1.json"), ReadFile("registry-2.json")}, Now());
  ASSERT_OK(reg.status());
  EXPECT_EQ(reg->version.version.version, 2u);
  ASSERT_OK(VerifyTimestamp(roots->back().root, reg->version, nullptr, ReadFile("timestamp-2.json"),
                            Now())
                .status());
  ASSERT_EQ(reg->key_changes.size(), 1u);
  EXPECT_EQ(reg->key_changes[0].org, "CERT-UA");
  // The fingerprint docs/trust.md shows for root key 1 (CERT-EE).
  EXPECT_EQ(Fingerprint(KeyKind::kEd25519, root1->root.root.keys[0].key),
            "a04e e23a 9c93 585b 3de3 afc9 7c3e d752");
}

}  // namespace
}  // namespace certshare::trust
