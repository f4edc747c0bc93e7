// Shared by the envelope tests: organisations with fresh keys, drafts, and
// helpers to rebuild records with chosen (hostile) contents.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "common/base/testing.h"
#include "common/crypto/keys.h"
#include "common/envelope/envelope.h"

namespace certshare::envelope::testing {

struct Org {
  std::string id;
  crypto::SigningKeyPair sign;
  crypto::BoxKeyPair box;
};
Org MakeOrg(std::string id);

// A copy of a Result's status. ASSERT_OK / EXPECT_CODE bind a reference to
// their argument, so `EXPECT_CODE(F().status(), ...)` would refer into a
// destroyed temporary; write `EXPECT_CODE(StatusOf(F()), ...)` instead.
template <typename T>
Status StatusOf(const Result<T>& result) {
  return result.status();
}

// Rebuilds a record from a header (re-encoded as given, no validation) and
// payload. With `signer` the record is signed alone (leaf_index 0 of 1);
// without, `auth` is copied as is.
Bytes Assemble(const Header& header, ByteView payload, const Auth& auth,
               const crypto::SigningSecretKey* signer = nullptr);
// The same from raw header bytes.
Bytes AssembleRaw(ByteView header_bytes, ByteView payload, const Auth& auth,
                  const crypto::SigningSecretKey* signer = nullptr);

class EnvelopeTest : public ::testing::Test {
 protected:
  EnvelopeTest();

  // A draft from origin_ to b_ and c_.
  Draft MakeDraft(Tlp tlp, bool encrypt,
                  std::string payload = R"({"type":"indicator"})") const;
  Sealer NewSealer() const;
  // Decodes and opens `bytes` as `me`, from origin_.
  Result<std::string> DecodeAndOpen(ByteView bytes, const Org& me) const;
  Result<std::string> OpenAs(const Record& record, const Org& me) const;
  // Seals `draft` and decodes it; fails the test on error.
  Record SealAndDecode(const Draft& draft);

  Org origin_;
  Org b_;
  Org c_;
  Org outsider_;
};

}  // namespace certshare::envelope::testing
