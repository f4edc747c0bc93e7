#include "common/identity/registry.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/base/file_util.h"
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

// Whoever can change the registry file can admit an organisation.
TEST(RegistryTest, LoadRefusesAFileOthersCanChangeOrALink) {
  testing::TempDir dir;
  Registry r;
  ASSERT_OK(r.Put(MakeCard("CERT-EE")));
  const std::string path = dir.File("registry.json");
  ASSERT_OK(files::WriteNew(path, r.ToJson(), 0644));
  ASSERT_TRUE(Registry::Load(path).ok());
  for (mode_t mode : {0664, 0646, 0666}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    auto loaded = Registry::Load(path);
    EXPECT_EQ(loaded.status().code(), ErrorCode::kInsecurePermissions) << mode;
    EXPECT_NE(loaded.status().message().find("chmod go-w " + path), std::string::npos)
        << loaded.status().ToString();
  }
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  ASSERT_EQ(::symlink(path.c_str(), dir.File("link.json").c_str()), 0);
  EXPECT_EQ(Registry::Load(dir.File("link.json")).status().code(),
            ErrorCode::kInsecurePermissions);
}

Registry ThreeOrgs() {
  Registry r;
  for (const char* org : {"CERT-EE", "CERT-LV", "CERT-LT"}) {
    EXPECT_OK(r.Put(MakeCard(org)));
  }
  return r;
}

TEST(RegistryTest, GroupsRoundTripAndAreListed) {
  Registry r = ThreeOrgs();
  ASSERT_OK(r.PutGroup("baltic", {"CERT-EE", "CERT-LV", "CERT-LT"}));
  ASSERT_OK(r.PutGroup("eu-csirts-network", {"CERT-LV"}));
  auto parsed = Registry::Parse(r.ToJson());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_NE(parsed->FindGroup("baltic"), nullptr);
  EXPECT_EQ(*parsed->FindGroup("baltic"),
            (std::vector<std::string>{"CERT-EE", "CERT-LV", "CERT-LT"}));
  EXPECT_EQ(parsed->FindGroup("nordic"), nullptr);
  EXPECT_EQ(parsed->ToJson(), r.ToJson());
  std::string shown = Describe(*parsed);
  EXPECT_NE(shown.find("group:baltic\tCERT-EE,CERT-LV,CERT-LT\n"), std::string::npos) << shown;
  EXPECT_NE(shown.find("group:eu-csirts-network\tCERT-LV\n"), std::string::npos) << shown;
  // Without groups the file is exactly what it was before groups existed.
  EXPECT_EQ(ThreeOrgs().ToJson().find("groups"), std::string::npos);
}

TEST(RegistryTest, RefusesBadGroups) {
  Registry r = ThreeOrgs();
  for (const char* bad : {"", "Baltic", "bal tic", "group:x", "é",
                          "a1234567890123456789012345678901234567890123456789012345678901234"}) {
    EXPECT_EQ(r.PutGroup(bad, {"CERT-EE"}).code(), ErrorCode::kInvalidConfig) << bad;
  }
  EXPECT_TRUE(Registry::IsValidGroupName("eu-csirts.network_2"));
  EXPECT_TRUE(Registry::IsValidGroupName(std::string(64, 'a')));
  EXPECT_FALSE(Registry::IsValidGroupName(std::string(65, 'a')));
  EXPECT_CODE(r.PutGroup("g", {}), ErrorCode::kInvalidConfig);
  EXPECT_CODE(r.PutGroup("g", {"CERT-EE", "CERT-ZZ"}), ErrorCode::kInvalidConfig);
  EXPECT_CODE(r.PutGroup("g", {"CERT-EE", "CERT-EE"}), ErrorCode::kInvalidConfig);
  EXPECT_TRUE(r.groups().empty());

  std::string orgs = r.ToJson();
  orgs = orgs.substr(0, orgs.rfind('}'));
  for (const char* groups :
       {R"("groups": [])", R"("groups": {"baltic": "CERT-EE"})",
        R"("groups": {"baltic": ["CERT-EE", 7]})", R"("groups": {"baltic": ["CERT-ZZ"]})",
        R"("groups": {"Baltic": ["CERT-EE"]})", R"("groups": {"baltic": []})"}) {
    auto parsed = Registry::Parse(orgs + "," + groups + "}");
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidConfig) << groups;
  }
  auto named = Registry::Parse(orgs + R"(,"groups": {"baltic": ["CERT-ZZ"]}})");
  EXPECT_NE(named.status().message().find("groups.baltic: group baltic: member CERT-ZZ is not a "
                                          "registered organisation"),
            std::string::npos)
      << named.status().ToString();
}

TEST(RegistryTest, RevokeKeepsTheCardMarkedAndRoundTrips) {
  Registry r = ThreeOrgs();
  ASSERT_OK(r.Revoke("CERT-LV", "2026-11-27T08:47:27Z"));
  EXPECT_CODE(r.Revoke("CERT-LV", "2026-11-28T00:00:00Z"), ErrorCode::kRevoked);
  EXPECT_CODE(r.Revoke("CERT-ZZ", "2026-11-28T00:00:00Z"), ErrorCode::kUnknownOrganisation);
  auto parsed = Registry::Parse(r.ToJson());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const Card* lv = parsed->Find("CERT-LV");
  ASSERT_NE(lv, nullptr);
  EXPECT_TRUE(lv->revoked);
  EXPECT_EQ(lv->revoked_at, "2026-11-27T08:47:27Z");
  EXPECT_FALSE(parsed->Find("CERT-EE")->revoked);
  EXPECT_NE(Describe(*parsed).find("CERT-LV\tCERT-LV\tsign "), std::string::npos);
  EXPECT_NE(Describe(*parsed).find("\trevoked 2026-11-27T08:47:27Z\n"), std::string::npos);
  // A revoked id cannot be registered again; it comes back only by a
  // rotation to all-new keys.
  Card again = MakeCard("CERT-LV");
  EXPECT_CODE(r.Add(again), ErrorCode::kAlreadyExists);
  Card half_new = again;
  half_new.transport_key = lv->transport_key;
  EXPECT_CODE(r.Rotate(half_new, true), ErrorCode::kRevoked);
  half_new = again;
  half_new.sign_key = lv->sign_key;
  EXPECT_CODE(r.Rotate(half_new, true), ErrorCode::kRevoked);
  EXPECT_TRUE(r.Find("CERT-LV")->revoked);
  Registry told = r;
  ASSERT_OK(told.Rotate(again, true));
  EXPECT_FALSE(told.Find("CERT-LV")->revoked);
  EXPECT_TRUE(told.Find("CERT-LV")->revoked_at.empty());
  EXPECT_EQ(told.Find("CERT-LV")->previous_sign_keys.size(), 1u);
  // Unless told to keep them, a reinstatement forgets the revoked keys:
  // records signed with them no longer verify.
  ASSERT_OK(r.Rotate(again));
  EXPECT_FALSE(r.Find("CERT-LV")->revoked);
  EXPECT_TRUE(r.Find("CERT-LV")->previous_sign_keys.empty());
  EXPECT_TRUE(r.Find("CERT-LV")->previous_box_keys.empty());
}

TEST(RegistryTest, RotateKeepsPreviousKeysUnlessTold) {
  Registry r = ThreeOrgs();
  Card old_ee = *r.Find("CERT-EE");
  Card new_ee = MakeCard("CERT-EE");
  ASSERT_OK(r.Rotate(new_ee, true));
  const Card* ee = r.Find("CERT-EE");
  EXPECT_EQ(ee->sign_key, new_ee.sign_key);
  EXPECT_EQ(ee->transport_key, new_ee.transport_key);
  EXPECT_EQ(ee->previous_sign_keys, std::vector<crypto::SigningPublicKey>{old_ee.sign_key});
  EXPECT_EQ(ee->previous_box_keys, std::vector<crypto::BoxPublicKey>{old_ee.box_key});
  EXPECT_EQ(r.FindByTransportKey(old_ee.transport_key), nullptr);
  EXPECT_EQ(r.FindByTransportKey(new_ee.transport_key)->org, "CERT-EE");

  auto parsed = Registry::Parse(r.ToJson());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->Find("CERT-EE")->previous_sign_keys, ee->previous_sign_keys);
  EXPECT_EQ(parsed->Find("CERT-EE")->previous_box_keys, ee->previous_box_keys);

  // The same keys again: nothing to rotate.
  EXPECT_CODE(r.Rotate(new_ee, true), ErrorCode::kInvalidArgument);
  // Only the transport key changes: no signing or box key is added.
  Card transport_only = new_ee;
  transport_only.transport_key = crypto::GenerateBoxKeyPair().public_key;
  ASSERT_OK(r.Rotate(transport_only, true));
  EXPECT_EQ(r.Find("CERT-EE")->previous_sign_keys.size(), 1u);
  // Compromised keys are not kept.
  Card third = MakeCard("CERT-EE");
  ASSERT_OK(r.Rotate(third, false));
  EXPECT_EQ(r.Find("CERT-EE")->previous_sign_keys.size(), 1u);
  EXPECT_EQ(r.Find("CERT-EE")->previous_sign_keys[0], old_ee.sign_key);

  // Nobody may take a key the organisation used before.
  Card thief = MakeCard("THIEF");
  thief.sign_key = old_ee.sign_key;
  EXPECT_CODE(r.Add(thief), ErrorCode::kInvalidConfig);
  thief = MakeCard("THIEF");
  thief.transport_key = old_ee.box_key;
  EXPECT_CODE(r.Add(thief), ErrorCode::kInvalidConfig);
  // Nor rotate into another organisation's keys.
  Card grab = MakeCard("CERT-LT");
  grab.box_key = r.Find("CERT-LV")->box_key;
  EXPECT_CODE(r.Rotate(grab, true), ErrorCode::kInvalidConfig);
  EXPECT_CODE(r.Rotate(MakeCard("CERT-ZZ"), true), ErrorCode::kUnknownOrganisation);
}

TEST(RegistryTest, AddRegistersOnlyThePublicCard) {
  Registry r = ThreeOrgs();
  Card fi = MakeCard("CERT-FI");
  fi.revoked = true;
  fi.revoked_at = "2026-01-01T00:00:00Z";
  fi.previous_sign_keys.push_back(crypto::GenerateSigningKeyPair().public_key);
  ASSERT_OK(r.Add(fi));
  EXPECT_FALSE(r.Find("CERT-FI")->revoked);
  EXPECT_TRUE(r.Find("CERT-FI")->previous_sign_keys.empty());
  EXPECT_CODE(r.Add(fi), ErrorCode::kAlreadyExists);
}

TEST(RegistryTest, RefusesBadBookkeeping) {
  Card ee = MakeCard("CERT-EE");
  std::string card = CardToJson(ee);
  card = card.substr(0, card.rfind('}'));
  for (const char* extra :
       {R"("revoked": "yes")", R"("revoked": true)", R"("revoked_at": "2026-01-01T00:00:00Z")",
        R"("revoked": true, "revoked_at": 5)", R"("previous_sign_keys": "00")",
        R"("previous_sign_keys": ["00"])", R"("previous_box_keys": [1])"}) {
    std::string text = R"({"format":"certshare-registry-v1","organisations":[)" + card + "," +
                       extra + "}]}";
    EXPECT_EQ(Registry::Parse(text).status().code(), ErrorCode::kInvalidConfig) << extra;
  }
}

}  // namespace
}  // namespace certshare::identity
