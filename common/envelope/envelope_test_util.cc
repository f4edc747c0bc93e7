#include "common/envelope/envelope_test_util.h"

#include "common/envelope/header_codec.h"
#include "common/envelope/merkle.h"
#include "common/envelope/record_codec.h"

namespace certshare::envelope::testing {

Org MakeOrg(std::string id) {
  EXPECT_TRUE(crypto::Init().ok());
  return Org{std::move(id), crypto::GenerateSigningKeyPair(),
             crypto::GenerateBoxKeyPair()};
}

Bytes AssembleRaw(ByteView header_bytes, ByteView payload, const Auth& auth,
                  const crypto::SigningSecretKey* signer) {
  if (signer == nullptr) {
    return internal::EncodeRecord(header_bytes, payload, auth);
  }
  Auth single;
  const crypto::Hash256 leaf = internal::LeafHash(header_bytes, payload);
  single.signature = crypto::Sign(*signer, internal::SignedMessage(leaf));
  return internal::EncodeRecord(header_bytes, payload, single);
}

Bytes Assemble(const Header& header, ByteView payload, const Auth& auth,
               const crypto::SigningSecretKey* signer) {
  return AssembleRaw(internal::EncodeHeader(header), payload, auth, signer);
}

EnvelopeTest::EnvelopeTest()
    : origin_(MakeOrg("cert-a")),
      b_(MakeOrg("cert-b")),
      c_(MakeOrg("cert.c_2")),
      outsider_(MakeOrg("cert-x")) {}

Draft EnvelopeTest::MakeDraft(Tlp tlp, bool encrypt,
                              std::string payload) const {
  Draft d;
  d.stix_type = "indicator";
  d.stix_id = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
  d.modified = "2024-05-01T12:00:00.000Z";
  d.tlp = tlp;
  d.encrypt = encrypt;
  d.recipients = {{b_.id, b_.box.public_key}, {c_.id, c_.box.public_key}};
  d.topics = {"sector:energy", "country:FR"};
  d.payload = std::move(payload);
  return d;
}

Sealer EnvelopeTest::NewSealer() const {
  return Sealer(origin_.id, origin_.sign.secret_key, origin_.box.secret_key);
}

Result<std::string> EnvelopeTest::OpenAs(const Record& record,
                                         const Org& me) const {
  return Open(record, me.id, me.box.secret_key, origin_.sign.public_key,
              origin_.box.public_key);
}

Result<std::string> EnvelopeTest::DecodeAndOpen(ByteView bytes,
                                                const Org& me) const {
  CERTSHARE_ASSIGN_OR_RETURN(Record record, Decode(bytes));
  return OpenAs(record, me);
}

Record EnvelopeTest::SealAndDecode(const Draft& draft) {
  Sealer sealer = NewSealer();
  Result<Sealed> sealed = sealer.Seal(draft);
  EXPECT_TRUE(sealed.ok()) << sealed.status().ToString();
  if (!sealed.ok()) return Record{};
  Result<Record> record = Decode(sealed->record);
  EXPECT_TRUE(record.ok()) << record.status().ToString();
  if (!record.ok()) return Record{};
  return std::move(record).value();
}

}  // namespace certshare::envelope::testing
