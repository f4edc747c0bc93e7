#include "common/identity/identity.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/base/file_util.h"
#include "common/base/json.h"
#include "common/base/testing.h"

namespace certshare::identity {
namespace {

TEST(IdentityTest, GenerateWritesSecret0600AndCardThatLoadBack) {
  testing::TempDir dir;
  auto files = Generate("CERT-EE", "CERT Estonia", dir.path());
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  struct stat st;
  ASSERT_EQ(::stat(files->secret_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto id = LoadIdentity(files->secret_path);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto card = LoadCard(files->card_path);
  ASSERT_TRUE(card.ok()) << card.status().ToString();
  EXPECT_EQ(card->org, "CERT-EE");
  EXPECT_EQ(card->name, "CERT Estonia");
  EXPECT_EQ(card->sign_key, id->card.sign_key);
  EXPECT_EQ(card->box_key, id->card.box_key);
  EXPECT_EQ(card->transport_key, id->card.transport_key);
  EXPECT_NE(card->box_key, card->transport_key);

  // The card holds no secret.
  auto card_text = files::Read(files->card_path);
  EXPECT_EQ(card_text->find("secret"), std::string::npos);
}

TEST(IdentityTest, NeverOverwrites) {
  testing::TempDir dir;
  ASSERT_TRUE(Generate("CERT-EE", "", dir.path()).ok());
  auto before = files::Read(dir.File("CERT-EE.secret.json"));
  auto again = Generate("CERT-EE", "", dir.path());
  EXPECT_EQ(again.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(*files::Read(dir.File("CERT-EE.secret.json")), *before);
}

TEST(IdentityTest, RefusesBadOrgIds) {
  testing::TempDir dir;
  for (const char* bad : {"", "CERT EE", "../x", "CERT/EE", "é"}) {
    EXPECT_EQ(Generate(bad, "", dir.path()).status().code(), ErrorCode::kInvalidArgument)
        << bad;
  }
}

TEST(IdentityTest, LoadRefusesReadableSecret) {
  testing::TempDir dir;
  auto files = Generate("CERT-UA", "", dir.path());
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(::chmod(files->secret_path.c_str(), 0644), 0);
  EXPECT_EQ(LoadIdentity(files->secret_path).status().code(),
            ErrorCode::kInsecurePermissions);
}

TEST(IdentityTest, LoadRefusesASymbolicLinkToASecret) {
  testing::TempDir dir;
  auto files = Generate("CERT-UA", "", dir.path());
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(::symlink(files->secret_path.c_str(), dir.File("link.json").c_str()), 0);
  auto loaded = LoadIdentity(dir.File("link.json"));
  EXPECT_EQ(loaded.status().code(), ErrorCode::kInsecurePermissions);
  EXPECT_NE(loaded.status().message().find("symbolic link"), std::string::npos)
      << loaded.status().ToString();
  EXPECT_EQ(LoadSecretFileCard(dir.File("link.json")).status().code(),
            ErrorCode::kInsecurePermissions);
}

// The broker's operator card decides who may change the registry: it is
// protected as the registry is; a card received from a peer is not.
TEST(IdentityTest, ATrustedCardMustNotBeWritableByOthers) {
  testing::TempDir dir;
  auto files = Generate("OPERATOR", "", dir.path());
  ASSERT_TRUE(files.ok());
  EXPECT_TRUE(LoadTrustedCard(files->card_path).ok());
  ASSERT_EQ(::chmod(files->card_path.c_str(), 0664), 0);
  EXPECT_EQ(LoadTrustedCard(files->card_path).status().code(),
            ErrorCode::kInsecurePermissions);
  EXPECT_TRUE(LoadCard(files->card_path).ok());
  ASSERT_EQ(::chmod(files->card_path.c_str(), 0644), 0);
  ASSERT_EQ(::symlink(files->card_path.c_str(), dir.File("link.json").c_str()), 0);
  EXPECT_EQ(LoadTrustedCard(dir.File("link.json")).status().code(),
            ErrorCode::kInsecurePermissions);
}

TEST(IdentityTest, LoadRefusesMismatchedOrDamagedSecret) {
  testing::TempDir dir;
  auto a = Generate("A", "", dir.path());
  auto b = Generate("B", "", dir.path());
  ASSERT_TRUE(a.ok() && b.ok());
  // Swap A's sign_public for B's: the secret no longer matches.
  std::string text = *files::Read(a->secret_path);
  auto card_b = LoadCard(b->card_path);
  auto id_a = LoadIdentity(a->secret_path);
  std::string from = HexEncode(id_a->card.sign_key);
  text.replace(text.find(from), from.size(), HexEncode(card_b->sign_key));
  ASSERT_OK(files::WriteNew(dir.File("mixed.json"), text, 0600));
  EXPECT_EQ(LoadIdentity(dir.File("mixed.json")).status().code(), ErrorCode::kInvalidConfig);

  ASSERT_OK(files::WriteNew(dir.File("trunc.json"), text.substr(0, text.size() / 2), 0600));
  EXPECT_EQ(LoadIdentity(dir.File("trunc.json")).status().code(), ErrorCode::kInvalidConfig);
}

TEST(IdentityTest, CardBookkeepingRoundTripsAndIsAbsentFromNewCards) {
  testing::TempDir dir;
  auto files = Generate("CERT-EE", "", dir.path());
  ASSERT_TRUE(files.ok());
  auto text = files::Read(files->card_path);
  for (const char* field : {"revoked", "previous_sign_keys", "previous_box_keys"}) {
    EXPECT_EQ(text->find(field), std::string::npos) << field;
  }
  auto card = LoadCard(files->card_path);
  ASSERT_TRUE(card.ok());
  Card kept = *card;
  kept.revoked = true;
  kept.revoked_at = "2026-11-27T08:47:27Z";
  kept.previous_sign_keys = {crypto::GenerateSigningKeyPair().public_key};
  kept.previous_box_keys = {crypto::GenerateBoxKeyPair().public_key,
                            crypto::GenerateBoxKeyPair().public_key};
  rapidjson::Document doc;
  ASSERT_OK(json::Parse(CardToJson(kept), &doc));
  auto parsed = ParseCard(doc);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->revoked);
  EXPECT_EQ(parsed->revoked_at, kept.revoked_at);
  EXPECT_EQ(parsed->previous_sign_keys, kept.previous_sign_keys);
  EXPECT_EQ(parsed->previous_box_keys, kept.previous_box_keys);
  // What an organisation hands out has none of it.
  EXPECT_EQ(CardToJson(PublicCard(kept)), *text);
}

}  // namespace
}  // namespace certshare::identity
