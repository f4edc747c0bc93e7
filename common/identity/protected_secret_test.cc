// Passphrase-protected secret files ("certshare-secret-v1-protected").
// Every open derives an Argon2id key (about a second), so the tests share
// files where they can.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/base/file_util.h"
#include "common/base/json.h"
#include "common/base/testing.h"
#include "common/identity/identity.h"

namespace certshare::identity {
namespace {

constexpr std::string_view kPassphrase = "correct horse battery staple";

PassphraseSource Fixed(std::string_view text, int* calls = nullptr) {
  return [text = std::string(text), calls](const std::string&) -> Result<crypto::Passphrase> {
    if (calls != nullptr) ++*calls;
    return crypto::Passphrase(text);
  };
}

int Mode(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return static_cast<int>(st.st_mode & 0777);
}

// Rewrites one top-level string field of a JSON file (mode 0600).
void EditField(const std::string& path, const char* field, const std::string& value) {
  auto text = files::Read(path);
  ASSERT_TRUE(text.ok());
  rapidjson::Document doc;
  ASSERT_OK(json::Parse(*text, &doc));
  doc[field].SetString(value.c_str(), static_cast<rapidjson::SizeType>(value.size()),
                       doc.GetAllocator());
  ASSERT_OK(files::WriteAtomic(path, json::Write(doc), 0600));
}

std::string Field(const std::string& path, const char* field) {
  rapidjson::Document doc;
  EXPECT_OK(json::Parse(*files::Read(path), &doc));
  std::string value;
  EXPECT_TRUE(json::GetString(doc, field, &value)) << field;
  return value;
}

class ProtectedSecretTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const crypto::Passphrase passphrase(kPassphrase);
    auto files = Generate("CERT-EE", "CERT Estonia", dir_.path(), &passphrase);
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    secret_ = files->secret_path;
    card_path_ = files->card_path;
  }
  // A copy of the protected file to damage.
  std::string Copy(const std::string& name) {
    const std::string path = dir_.File(name);
    EXPECT_OK(files::WriteNew(path, *files::Read(secret_), 0600));
    return path;
  }
  testing::TempDir dir_;
  std::string secret_;
  std::string card_path_;
};

TEST_F(ProtectedSecretTest, GenerateWritesAProtectedFileThatOpensWithItsPassphrase) {
  EXPECT_EQ(Mode(secret_), 0600);
  EXPECT_EQ(Field(secret_, "format"), kProtectedSecretFormat);
  const std::string text = *files::Read(secret_);
  for (const char* plain_field : {"sign_secret", "box_secret", "transport_secret"}) {
    EXPECT_EQ(text.find(plain_field), std::string::npos) << plain_field;
  }
  ASSERT_TRUE(IsProtectedSecretFile(secret_).ok());
  EXPECT_TRUE(*IsProtectedSecretFile(secret_));

  int calls = 0;
  auto id = LoadIdentity(secret_, Fixed(kPassphrase, &calls));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(calls, 1);
  auto card = LoadCard(card_path_);
  ASSERT_TRUE(card.ok());
  EXPECT_EQ(id->card.org, "CERT-EE");
  EXPECT_EQ(id->card.name, "CERT Estonia");
  EXPECT_EQ(id->card.sign_key, card->sign_key);
  EXPECT_EQ(crypto::SigningPublicFromSecret(id->sign_secret), card->sign_key);
  EXPECT_EQ(crypto::BoxPublicFromSecret(id->box_secret), card->box_key);
  EXPECT_EQ(crypto::BoxPublicFromSecret(id->transport_secret), card->transport_key);

  // The card fields are readable without the passphrase.
  auto public_card = LoadSecretFileCard(secret_);
  ASSERT_TRUE(public_card.ok()) << public_card.status().ToString();
  EXPECT_EQ(public_card->box_key, card->box_key);
}

TEST_F(ProtectedSecretTest, WrongPassphraseIsAClearError) {
  auto id = LoadIdentity(secret_, Fixed("correct horse battery stapler"));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), ErrorCode::kDecryptFailed);
  EXPECT_NE(id.status().message().find("wrong passphrase"), std::string::npos)
      << id.status().ToString();
  EXPECT_NE(id.status().message().find(secret_), std::string::npos);
}

TEST_F(ProtectedSecretTest, NoPassphraseSourceOrAFailingOne) {
  EXPECT_CODE(LoadIdentity(secret_).status(), ErrorCode::kInvalidArgument);
  PassphraseSource refuses = [](const std::string& path) -> Result<crypto::Passphrase> {
    return Status(ErrorCode::kInvalidArgument, path + " needs a passphrase: give one");
  };
  auto id = LoadIdentity(secret_, refuses);
  EXPECT_EQ(id.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(id.status().message().find("give one"), std::string::npos);
}

TEST_F(ProtectedSecretTest, TamperedFilesDoNotOpen) {
  // A public field bound by the tag: the display name, a public key.
  const std::string renamed = Copy("renamed.json");
  EditField(renamed, "name", "CERT Evil");
  EXPECT_CODE(LoadIdentity(renamed, Fixed(kPassphrase)).status(), ErrorCode::kDecryptFailed);

  auto other = Generate("OTHER", "", dir_.path());
  ASSERT_TRUE(other.ok());
  const std::string swapped = Copy("swapped.json");
  EditField(swapped, "box_public", Field(other->card_path, "box_public"));
  EXPECT_CODE(LoadIdentity(swapped, Fixed(kPassphrase)).status(), ErrorCode::kDecryptFailed);

  // The ciphertext, the salt.
  const std::string flipped = Copy("flipped.json");
  std::string sealed = Field(flipped, "encrypted_secrets");
  sealed[10] = sealed[10] == '0' ? '1' : '0';
  EditField(flipped, "encrypted_secrets", sealed);
  EXPECT_CODE(LoadIdentity(flipped, Fixed(kPassphrase)).status(), ErrorCode::kDecryptFailed);

  const std::string salted = Copy("salted.json");
  std::string salt = Field(salted, "salt");
  salt[0] = salt[0] == 'a' ? 'b' : 'a';
  EditField(salted, "salt", salt);
  EXPECT_CODE(LoadIdentity(salted, Fixed(kPassphrase)).status(), ErrorCode::kDecryptFailed);
}

TEST_F(ProtectedSecretTest, MalformedFilesAreRefusedBeforeAnyDerivation) {
  int calls = 0;
  const std::string short_nonce = Copy("nonce.json");
  EditField(short_nonce, "nonce", "00ff");
  EXPECT_CODE(LoadIdentity(short_nonce, Fixed(kPassphrase, &calls)).status(),
              ErrorCode::kInvalidConfig);
  const std::string not_hex = Copy("nothex.json");
  EditField(not_hex, "encrypted_secrets", "zz");
  EXPECT_CODE(LoadIdentity(not_hex, Fixed(kPassphrase, &calls)).status(),
              ErrorCode::kInvalidConfig);
  const std::string other_kdf = Copy("kdf.json");
  EditField(other_kdf, "kdf", "scrypt");
  EXPECT_CODE(LoadIdentity(other_kdf, Fixed(kPassphrase, &calls)).status(),
              ErrorCode::kInvalidConfig);
  const std::string text = *files::Read(secret_);
  ASSERT_OK(files::WriteNew(dir_.File("trunc.json"), text.substr(0, text.size() / 2), 0600));
  EXPECT_CODE(LoadIdentity(dir_.File("trunc.json"), Fixed(kPassphrase, &calls)).status(),
              ErrorCode::kInvalidConfig);
  // A damaged file is refused before anyone is asked for a passphrase.
  EXPECT_EQ(calls, 0);
}

TEST_F(ProtectedSecretTest, ReadableByOthersIsRefusedLikeAPlainOne) {
  ASSERT_EQ(::chmod(secret_.c_str(), 0640), 0);
  EXPECT_CODE(LoadIdentity(secret_, Fixed(kPassphrase)).status(),
              ErrorCode::kInsecurePermissions);
  EXPECT_CODE(LoadSecretFileCard(secret_).status(), ErrorCode::kInsecurePermissions);
}

TEST(SecretFileTest, ProtectUnprotectAndNeverOverwriteUnlessReplacing) {
  testing::TempDir dir;
  auto files = Generate("CERT-UA", "", dir.path());
  ASSERT_TRUE(files.ok());
  EXPECT_FALSE(*IsProtectedSecretFile(files->secret_path));
  auto id = LoadIdentity(files->secret_path);  // plain: no source needed
  ASSERT_TRUE(id.ok()) << id.status().ToString();

  const crypto::Passphrase passphrase(kPassphrase);
  EXPECT_CODE(WriteSecretFile(files->secret_path, *id, &passphrase, false),
              ErrorCode::kAlreadyExists);
  ASSERT_OK(WriteSecretFile(files->secret_path, *id, &passphrase, true));
  EXPECT_EQ(Mode(files->secret_path), 0600);
  EXPECT_TRUE(*IsProtectedSecretFile(files->secret_path));
  auto reopened = LoadIdentity(files->secret_path, Fixed(kPassphrase));
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(HexEncode(reopened->sign_secret.view()), HexEncode(id->sign_secret.view()));

  // Back to a plain file, identical keys.
  ASSERT_OK(WriteSecretFile(files->secret_path, *reopened, nullptr, true));
  EXPECT_EQ(Mode(files->secret_path), 0600);
  auto plain = LoadIdentity(files->secret_path);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(HexEncode(plain->transport_secret.view()), HexEncode(id->transport_secret.view()));
}

TEST(PassphraseFileTest, FirstLineOfAPrivateFile) {
  testing::TempDir dir;
  ASSERT_OK(files::WriteNew(dir.File("p"), "s3cret passphrase\nignored\n", 0600));
  auto p = ReadPassphraseFile(dir.File("p"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->view(), "s3cret passphrase");

  ASSERT_OK(files::WriteNew(dir.File("crlf"), "windows line\r\n", 0400));
  EXPECT_EQ(ReadPassphraseFile(dir.File("crlf"))->view(), "windows line");
  ASSERT_OK(files::WriteNew(dir.File("bare"), "no newline", 0600));
  EXPECT_EQ(ReadPassphraseFile(dir.File("bare"))->view(), "no newline");
}

TEST(PassphraseFileTest, RefusesLooseModesEmptyMissingAndHugeFiles) {
  testing::TempDir dir;
  ASSERT_OK(files::WriteNew(dir.File("loose"), "passphrase\n", 0644));
  auto loose = ReadPassphraseFile(dir.File("loose"));
  EXPECT_EQ(loose.status().code(), ErrorCode::kInsecurePermissions);
  EXPECT_NE(loose.status().message().find("chmod 600"), std::string::npos);
  ASSERT_OK(files::WriteNew(dir.File("group"), "passphrase\n", 0620));
  EXPECT_CODE(ReadPassphraseFile(dir.File("group")).status(), ErrorCode::kInsecurePermissions);

  ASSERT_OK(files::WriteNew(dir.File("empty"), "\nsecond line\n", 0600));
  EXPECT_CODE(ReadPassphraseFile(dir.File("empty")).status(), ErrorCode::kInvalidConfig);
  EXPECT_CODE(ReadPassphraseFile(dir.File("missing")).status(), ErrorCode::kIoError);
  ASSERT_OK(files::WriteNew(dir.File("huge"), std::string(5000, 'x'), 0600));
  EXPECT_CODE(ReadPassphraseFile(dir.File("huge")).status(), ErrorCode::kInvalidConfig);
  ASSERT_OK(files::MakeDirs(dir.File("folder")));
  EXPECT_CODE(ReadPassphraseFile(dir.File("folder")).status(), ErrorCode::kIoError);
  ASSERT_OK(files::WriteNew(dir.File("real"), "passphrase\n", 0600));
  ASSERT_EQ(::symlink(dir.File("real").c_str(), dir.File("link").c_str()), 0);
  EXPECT_CODE(ReadPassphraseFile(dir.File("link")).status(), ErrorCode::kInsecurePermissions);
}

}  // namespace
}  // namespace certshare::identity
