// trust::NextRegistry's edits that only the authoring tools make; the
// versions it writes are checked as every verifier checks them.
#include "common/trust/authoring.h"

#include <gtest/gtest.h>

#include "common/base/testing.h"
#include "common/trust/trust_test_util.h"

namespace certshare::trust {
namespace {

using namespace certshare::trust::testing;  // NOLINT

TEST(AuthoringTest, AllowRootAddsARecordKnownGoodOnceAndVerifies) {
  const std::string v1_text = SignRegistry(RegistryV1(), {kRegistryA});
  Result<SignedRegistryVersion> v1 = ParseRegistryVersion(v1_text);
  ASSERT_OK(v1.status());
  crypto::Hash256 root{};
  root.fill(0x5f);
  RegistryEdit edit;
  edit.expires = "2030-01-01T00:00:00Z";
  edit.allow_roots = {{"CERT-EE", root}, {"CERT-EE", root}};
  Result<RegistryVersion> v2 = NextRegistry(*v1, edit);
  ASSERT_OK(v2.status());
  EXPECT_EQ(v2->Find("CERT-EE")->card.allowed_roots, std::vector<crypto::Hash256>{root});
  EXPECT_TRUE(v2->Find("CERT-UA")->card.allowed_roots.empty());
  // What verifiers receive: the chain holds and subscribers see the list.
  Result<VerifiedRegistryVersion> verified = VerifyRegistryVersion(
      RootV1(), &*v1, SignRegistry(*v2, {kRegistryA}), Now());
  ASSERT_OK(verified.status());
  EXPECT_EQ(verified->version.registry.Find("CERT-EE")->allowed_roots,
            std::vector<crypto::Hash256>{root});

  RegistryEdit unknown = edit;
  unknown.allow_roots = {{"CERT-ZZ", root}};
  EXPECT_CODE(NextRegistry(*v1, unknown).status(), ErrorCode::kUnknownOrganisation);
  // Version 1 has no records to vouch for.
  EXPECT_CODE(NewRegistry(RootV1(), edit).status(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace certshare::trust
