// certshare::envelope — the record every CERT publishes: a routing header,
// a payload (a STIX object or bundle, encrypted unless TLP:CLEAR or
// configured otherwise for GREEN) and the origin's authentication.
// docs/protocol.md specifies the bytes.
//
//   record  = header || payload || auth
//   auth    = Merkle inclusion proof of this record's leaf + Ed25519
//             signature over the root. A single record is a tree of one
//             (empty proof, root = leaf); a batch shares one signature.
//
// Who does what:
//   origin     Sealer::Seal / SealBatch
//   broker     Decode, then Verify (never needs a secret key)
//   recipient  Decode, then Open (verifies, then decrypts its key slot)
// A record's dedupe key, object id and version key: record_key.h.
//
// Thread-safety: free functions are thread-safe. A Sealer is not (it caches
// shared keys); use one per thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/base/bytes.h"
#include "common/base/status.h"
#include "common/base/tlp.h"
#include "common/crypto/keys.h"
#include "common/envelope/shared_keys.h"
#include "common/envelope/verified_roots.h"

namespace certshare::envelope {

// Envelope format version written by this code (header byte 4).
inline constexpr std::uint8_t kVersion = 1;
// Limits enforced by Decode (records above them are malformed).
inline constexpr std::size_t kMaxRecipients = 1024;
inline constexpr std::size_t kMaxTopics = 64;
inline constexpr std::size_t kMaxProofLength = 32;
// An organisation id is 1 to 64 of [A-Za-z0-9._-].
inline constexpr std::size_t kMaxOrgIdLength = 64;
// The STIX type of a delivery receipt (docs/receipts.md). A broker lets an
// organisation whose role is only "subscribe" publish these, and subscribe
// to these alone when its role is only "publish" (docs/protocol.md,
// "Roles").
inline constexpr std::string_view kReceiptStixType = "certshare-receipt";
// The longest `stix_id`, in bytes. A STIX id is at most 288 bytes (a type of
// at most 250 characters, "--", a 36-character UUID); the limit leaves room
// and keeps every key derived from a header short (kMaxDedupeKeyLength,
// record_key.h).
inline constexpr std::size_t kMaxStixIdLength = 1024;

struct KeySlot {
  std::string org;              // the recipient organisation id
  crypto::WrappedKey wrapped;   // the content key, wrapped for it
};

struct Header {
  std::uint8_t version = kVersion;
  Tlp tlp = Tlp::kAmber;
  bool encrypted = true;
  std::string stix_type;      // "incident", "bundle", ...
  std::string stix_id;        // "<type>--<uuid>", at most kMaxStixIdLength
  std::string modified;       // a STIX timestamp, as in the object
  std::string origin;         // the origin organisation id
  std::vector<std::string> recipients;  // organisation ids, no duplicates
  std::vector<std::string> topics;      // routing topics (sector, country...)
  std::vector<KeySlot> slots;           // one per recipient when encrypted
  crypto::Nonce payload_nonce{};        // all zero when not encrypted
};

struct Auth {
  std::uint32_t leaf_index = 0;
  std::uint32_t leaf_count = 1;
  std::vector<crypto::Hash256> proof;  // RFC 9162 audit path, leaf to root
  crypto::Signature signature{};
};

struct Record {
  Bytes header_bytes;  // exactly as received: what the AEAD and leaf bind
  Header header;
  Bytes payload;       // ciphertext (with tag) or plaintext JSON
  Auth auth;
};

// A recipient and its X25519 public key (from the registry).
struct Recipient {
  std::string org;
  crypto::BoxPublicKey box_key;
};

// What the origin wants to send.
struct Draft {
  std::string stix_type;
  std::string stix_id;
  std::string modified;
  Tlp tlp = Tlp::kAmber;
  // Whether to encrypt. Must be true for AMBER, AMBER+STRICT and RED
  // (kInvalidArgument otherwise); the caller decides for GREEN and CLEAR.
  bool encrypt = true;
  std::vector<Recipient> recipients;
  std::vector<std::string> topics;
  std::string payload;  // the STIX JSON
};

// What Sealer::Seal made: the record's bytes and its header, as Decode
// would return it from `record` (so the caller never decodes its own
// output: RecordKeyOf(header) is the record's key, record_key.h).
struct Sealed {
  Bytes record;
  Header header;
  // The record's Merkle leaf hash (docs/protocol.md, "Leaf, node, root"):
  // LeafHash of the record Decode returns from `record`. What a recipient's
  // signed receipt names the record by (docs/receipts.md).
  crypto::Hash256 leaf{};
};

// The origin's side. Holds copies of the origin's secret keys and caches
// one shared key per recipient public key.
class Sealer {
 public:
  Sealer(std::string origin, const crypto::SigningSecretKey& sign_key,
         const crypto::BoxSecretKey& box_key);

  // One record, signed alone. Errors: kInvalidArgument (bad draft: missing
  // fields, encrypted without recipients, AMBER+ unencrypted, duplicate
  // recipients, limits exceeded), kDecryptFailed (bad recipient key).
  Result<Sealed> Seal(const Draft& draft);
  // Several records under one signature (one Merkle root), one per draft
  // in order. Each returned record verifies on its own. Errors as Seal's,
  // for the first bad draft ("draft 3: ..."); then nothing is sealed.
  Result<std::vector<Sealed>> SealBatch(const std::vector<Draft>& drafts);

 private:
  Status SharedKeyFor(const crypto::BoxPublicKey& theirs, const crypto::SharedKey** out);
  std::string origin_;
  crypto::SigningSecretKey sign_key_;
  crypto::BoxSecretKey box_key_;
  std::map<crypto::BoxPublicKey, crypto::SharedKey> shared_keys_;
};

// Parses and checks the structure of a record (not its signature),
// including that `modified` is a STIX timestamp and `stix_id` is at most
// kMaxStixIdLength bytes. kRecordTooLarge above `max_bytes`;
// kMalformedRecord / kMalformedHeader / kUnsupportedVersion / kBadKeySlots
// with a specific message otherwise.
Result<Record> Decode(ByteView bytes, std::size_t max_bytes = 16u << 20);

// The record's Merkle leaf hash over its header and payload bytes
// (docs/protocol.md, "Leaf, node, root"): one record's name that no other
// record shares, signed (through the root) by its origin.
crypto::Hash256 LeafHash(const Record& record);

// The Merkle root the record's signature covers, from its leaf and audit
// path (docs/protocol.md, "Leaf, node, root"): what a registry's
// allow-list ("allowed_roots", docs/trust.md) names records by. nullopt
// when the proof does not fit leaf_index and leaf_count. Checks no
// signature.
std::optional<crypto::Hash256> SignedRoot(const Record& record);
// The same from the record's leaf (LeafHash) already computed: a recipient
// that needs the leaf too (a receipt names it) hashes the record once.
std::optional<crypto::Hash256> SignedRoot(const Record& record, const crypto::Hash256& leaf);

// Checks the origin's signature over the record (leaf, proof, root).
// kBadSignature on any mismatch. With `verified`, a signature over the
// same root that verified before is not checked again, and one that
// verifies now is remembered (verified_roots.h): the same answer, one
// Ed25519 verification per batch instead of one per record.
[[nodiscard]] Status Verify(const Record& record,
                            const crypto::SigningPublicKey& origin_sign_key,
                            VerifiedRoots* verified = nullptr);
// The same with the record's signed root already computed (SignedRoot;
// nullopt is kBadSignature, as a proof that does not fit).
[[nodiscard]] Status Verify(const Record& record, const std::optional<crypto::Hash256>& root,
                            const crypto::SigningPublicKey& origin_sign_key,
                            VerifiedRoots* verified = nullptr);

// Verifies, then returns the plaintext payload. For an encrypted record
// opens `my_org`'s key slot with the shared key of `my_box_key` and the
// origin's box key: kNotRecipient without a slot, kDecryptFailed when the
// slot or the ciphertext fails to authenticate. Nothing unverified is
// returned. `memory` lets a recipient reuse what it computed for earlier
// records; the answers are the same.
struct OpenMemory {
  VerifiedRoots* verified_roots = nullptr;  // as for Verify
  SharedKeys* shared_keys = nullptr;        // the X25519 key exchange, once per origin
};
Result<std::string> Open(const Record& record, std::string_view my_org,
                         const crypto::BoxSecretKey& my_box_key,
                         const crypto::SigningPublicKey& origin_sign_key,
                         const crypto::BoxPublicKey& origin_box_key,
                         const OpenMemory& memory = {});
// Open's second half, for a recipient that verified the record itself
// (agent::Verify tries an origin's previous keys): the plaintext, or
// kNotRecipient / kDecryptFailed as Open. REQUIRES: Verify succeeded on
// `record`; nothing else may call it.
Result<std::string> OpenVerified(const Record& record, std::string_view my_org,
                                 const crypto::BoxSecretKey& my_box_key,
                                 const crypto::BoxPublicKey& origin_box_key,
                                 SharedKeys* shared_keys = nullptr);

}  // namespace certshare::envelope
