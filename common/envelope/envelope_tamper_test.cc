// Flipping any bit anywhere in a record must never give a record that
// opens: every byte is either structure that Decode checks or covered by
// the signature (and the AEAD).
#include <string>

#include "common/envelope/envelope_test_util.h"

namespace certshare::envelope::testing {
namespace {

class TamperTest : public EnvelopeTest {
 protected:
  // Tampers each byte of `bytes` with each mask and checks that neither
  // recipient nor broker accepts the result. Returns how many variants were
  // caught by Decode (the rest by Verify/Open).
  int ExpectNoTamperedVariantOpens(const Bytes& bytes) {
    int caught_by_decode = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      for (std::uint8_t mask : {0x01, 0x80, 0xff}) {
        Bytes bad = bytes;
        bad[i] ^= mask;
        Result<Record> record = Decode(bad);
        if (!record.ok()) {
          ++caught_by_decode;
          continue;
        }
        EXPECT_CODE(Verify(*record, origin_.sign.public_key),
                    ErrorCode::kBadSignature);
        for (const Org* me : {&b_, &c_}) {
          Result<std::string> opened = OpenAs(*record, *me);
          EXPECT_FALSE(opened.ok()) << "byte " << i << " mask " << int{mask}
                                    << " opened for " << me->id;
        }
      }
    }
    return caught_by_decode;
  }
};

TEST_F(TamperTest, EncryptedRecordEveryByte) {
  Sealer sealer = NewSealer();
  Result<Sealed> sealed = sealer.Seal(MakeDraft(Tlp::kAmber, true, "{}"));
  ASSERT_OK(sealed.status());
  ASSERT_OK(StatusOf(DecodeAndOpen(sealed->record, b_)));
  const int caught = ExpectNoTamperedVariantOpens(sealed->record);
  EXPECT_GT(caught, 0);
}

TEST_F(TamperTest, PlaintextRecordEveryByte) {
  Sealer sealer = NewSealer();
  Result<Sealed> sealed = sealer.Seal(MakeDraft(Tlp::kGreen, false, "{}"));
  ASSERT_OK(sealed.status());
  ASSERT_OK(StatusOf(DecodeAndOpen(sealed->record, b_)));
  ExpectNoTamperedVariantOpens(sealed->record);
}

TEST_F(TamperTest, BatchRecordEveryByte) {
  Sealer sealer = NewSealer();
  std::vector<Draft> drafts;
  for (int i = 0; i < 3; ++i) {
    drafts.push_back(
        MakeDraft(Tlp::kRed, true, "{\"i\":" + std::to_string(i) + "}"));
  }
  Result<std::vector<Sealed>> sealed = sealer.SealBatch(drafts);
  ASSERT_OK(sealed.status());
  // Leaf 2 of 3 has a one-hash proof; leaf 0 a two-hash proof.
  ExpectNoTamperedVariantOpens((*sealed)[2].record);
  ExpectNoTamperedVariantOpens((*sealed)[0].record);
}

TEST_F(TamperTest, SlotSwappedBetweenRecipientsFails) {
  Record record = SealAndDecode(MakeDraft(Tlp::kAmber, true));
  // Swap the wrapped keys but keep the org names (structure stays valid).
  Header h = record.header;
  std::swap(h.slots[0].wrapped, h.slots[1].wrapped);
  Bytes bytes = Assemble(h, record.payload, record.auth);
  EXPECT_CODE(StatusOf(DecodeAndOpen(bytes, b_)), ErrorCode::kBadSignature);
  // Even if the origin itself signed such a header, b could not unwrap c's
  // slot: the slot is bound to the (origin, recipient) shared key.
  Bytes signed_bytes =
      Assemble(h, record.payload, record.auth, &origin_.sign.secret_key);
  EXPECT_CODE(StatusOf(DecodeAndOpen(signed_bytes, b_)),
              ErrorCode::kDecryptFailed);
}

TEST_F(TamperTest, HeaderSwapUnderOriginSignatureStillFailsAead) {
  // The AEAD binds the header too: a header edited and re-signed by the
  // origin's key (say, a bug) does not decrypt the old ciphertext.
  Record record = SealAndDecode(MakeDraft(Tlp::kAmber, true));
  Header h = record.header;
  h.topics.push_back("extra");
  Bytes bytes =
      Assemble(h, record.payload, record.auth, &origin_.sign.secret_key);
  EXPECT_CODE(StatusOf(DecodeAndOpen(bytes, b_)), ErrorCode::kDecryptFailed);
}

}  // namespace
}  // namespace certshare::envelope::testing
