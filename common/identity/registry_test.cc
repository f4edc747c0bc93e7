#include "common/identity/registry.h"

#include <gtest/gtest.h>

#include "common/base/testing.h"

namespace certshare::identity {
namespace {

Card MakeCard(const std::string& org) {
  crypto::Init().IgnoreError();
  Card c;
  c.org = org;
  c.name = org;
  c.sign_key = crypto::GenerateSigningKeyPair().public_key;
  c.box_key = crypto::GenerateBoxKeyPair().public_key;
  c.transport_key = crypto::GenerateBoxKeyPair().public_key;
  return c;
}

TEST(RegistryTest, RoundTripsThroughJsonAndFindsByKey) {
  Registry r;
  Card ee = MakeCard("CERT-EE");
  ASSERT_OK(r.Put(ee));
  ASSERT_OK(r.Put(MakeCard("CERT-UA")));
  auto parsed = Registry::Parse(r.ToJson());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_NE(parsed->Find("CERT-EE"), nullptr);
  EXPECT_EQ(parsed->Find("CERT-EE")->sign_key, ee.sign_key);
  EXPECT_EQ(parsed->FindByTransportKey(ee.transport_key)->org, "CERT-EE");
  EXPECT_EQ(parsed->Find("CERT-XX"), nullptr);
}

TEST(RegistryTest, RefusesDuplicatesAndSharedKeys) {
  Registry r;
  Card ee = MakeCard("CERT-EE");
  ASSERT_OK(r.Put(ee));
  Card thief = MakeCard("THIEF");
  thief.transport_key = ee.transport_key;
  EXPECT_CODE(r.Put(thief), ErrorCode::kInvalidConfig);

  std::string card = CardToJson(ee);
  std::string dup = R"({"format":"certshare-registry-v1","organisations":[)" + card +
                    "," + card + "]}";
  EXPECT_EQ(Registry::Parse(dup).status().code(), ErrorCode::kInvalidConfig);
}

TEST(RegistryTest, RefusesMalformedFiles) {
  for (const char* bad :
       {"", "[]", R"({"format":"other","organisations":[]})",
        R"({"format":"certshare-registry-v1"})",
        R"({"format":"certshare-registry-v1","organisations":[{"org":"x"}]})",
        R"({"format":"certshare-registry-v1","organisations":[1]})"}) {
    EXPECT_EQ(Registry::Parse(bad).status().code(), ErrorCode::kInvalidConfig) << bad;
  }
}

}  // namespace
}  // namespace certshare::identity
