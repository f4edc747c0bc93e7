// envelope::SharedKeys through Open: one key exchange per origin and
// recipient, the same plaintext as without, and no mixing of identities.
#include "common/envelope/shared_keys.h"

#include <string>

#include "common/envelope/envelope_test_util.h"

namespace certshare::envelope::testing {
namespace {

class SharedKeysTest : public EnvelopeTest {
 protected:
  Record Sealed(int n) {
    return SealAndDecode(MakeDraft(Tlp::kAmber, true, "{\"n\":" + std::to_string(n) + "}"));
  }
  Result<std::string> OpenWith(const Record& r, const Org& me, SharedKeys* keys) {
    return Open(r, me.id, me.box.secret_key, origin_.sign.public_key, origin_.box.public_key,
                {nullptr, keys});
  }
};

TEST_F(SharedKeysTest, OneKeyExchangePerOriginAndRecipient) {
  SharedKeys keys;
  for (int i = 0; i < 5; ++i) {
    const Record r = Sealed(i);
    // Two recipients through one memory: each opens its own slot.
    for (const Org* me : {&b_, &c_}) {
      Result<std::string> opened = OpenWith(r, *me, &keys);
      ASSERT_OK(opened.status());
      EXPECT_EQ(*opened, "{\"n\":" + std::to_string(i) + "}");
      EXPECT_EQ(*opened, *OpenAs(r, *me));  // as without the memory
    }
  }
  EXPECT_EQ(keys.computed(), 2u);
  // An outsider's secret gets its own (wrong) key, and still no slot.
  EXPECT_CODE(StatusOf(OpenWith(Sealed(9), outsider_, &keys)), ErrorCode::kNotRecipient);
}

TEST_F(SharedKeysTest, ATamperedSlotStillFailsAndTheOldestKeyIsForgotten) {
  SharedKeys keys(1);
  const Record r = Sealed(1);
  ASSERT_OK(OpenWith(r, b_, &keys).status());
  Record tampered = r;
  tampered.payload.back() ^= 0x01;  // the AEAD, not the key, refuses it
  Result<std::string> bad = OpenWith(tampered, b_, &keys);
  EXPECT_FALSE(bad.ok());
  ASSERT_OK(OpenWith(r, c_, &keys).status());  // evicts b_'s key
  ASSERT_OK(OpenWith(r, b_, &keys).status());  // computed again
  EXPECT_EQ(keys.computed(), 3u);
}

}  // namespace
}  // namespace certshare::envelope::testing
