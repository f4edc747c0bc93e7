#include "agent/receive/receipt_keeper.h"

#include <algorithm>

#include "common/base/json.h"
#include "common/base/timestamp.h"
#include "common/envelope/record_key.h"
#include "storage/receipt_store.h"

namespace certshare::agent {

namespace {

Status Bad(const std::string& why) { return Status(ErrorCode::kBadReceipt, why); }

bool SignedByAnyKeyOf(const Receipt& r, const identity::Card& card) {
  if (ReceiptSignedBy(r, card.sign_key)) return true;
  return std::any_of(card.previous_sign_keys.begin(), card.previous_sign_keys.end(),
                     [&](const crypto::SigningPublicKey& k) { return ReceiptSignedBy(r, k); });
}

}  // namespace

std::string EncodeKeptReceipt(const Receipt& r) {
  ByteWriter w;
  w.U8(static_cast<std::uint8_t>(r.state));
  w.U16(static_cast<std::uint16_t>(r.code));
  w.U64(static_cast<std::uint64_t>(r.time_ms));
  w.Raw(r.signature);
  return std::string(AsChars(w.bytes()));
}

std::optional<Receipt> DecodeKeptReceipt(std::string_view bytes) {
  ByteReader in(AsBytes(bytes));
  std::uint8_t state = 0;
  std::uint16_t code = 0;
  std::uint64_t time = 0;
  ByteView signature;
  if (!in.U8(&state) || !in.U16(&code) || !in.U64(&time) ||
      !in.Raw(crypto::Signature{}.size(), &signature) || !in.Done() ||
      (state != static_cast<std::uint8_t>(ReceiptState::kProcessed) &&
       state != static_cast<std::uint8_t>(ReceiptState::kRejected))) {
    return std::nullopt;
  }
  Receipt r;
  r.state = static_cast<ReceiptState>(state);
  r.code = static_cast<ErrorCode>(code);
  r.time_ms = static_cast<StixMillis>(time);
  std::copy(signature.begin(), signature.end(), r.signature.begin());
  return r;
}

Result<Receipt> ReceiptKeeper::Check(const Verified& record) const {
  rapidjson::Document object;
  CERTSHARE_RETURN_IF_ERROR(json::Parse(record.object, &object));
  CERTSHARE_ASSIGN_OR_RETURN(Receipt r, ParseReceipt(object));
  const std::string what = "receipt " + record.id + " from " + record.origin;
  if (r.origin != me_.card.org) {
    return Bad(what + " is for " + r.origin + ", not this organisation");
  }
  if (r.recipient != record.origin) {
    return Bad(what + " names " + r.recipient + " as its signer: a recipient sends only its own");
  }
  const identity::Card* signer = registry_.Find(r.recipient);
  if (signer == nullptr || !SignedByAnyKeyOf(r, *signer)) {
    return Bad(what + ": the signature is not " + r.recipient + "'s (none of its keys in " +
               "this agent's registry verifies it)");
  }
  if (r.record_id.empty() || r.record_modified.empty() ||
      !IsStixTimestamp(r.record_modified)) {
    return Bad(what + " does not say which record (record_id, record_modified) it is about");
  }
  const std::string key = envelope::EncodeRecordKey(
      {me_.card.org, r.record_id, CanonicalStixTimestamp(r.record_modified)});
  CERTSHARE_ASSIGN_OR_RETURN(std::optional<PublishedRecord> published, o_.published(key));
  const std::string about = r.record_id + " (" + r.record_modified + ")";
  if (!published) {
    return Status(ErrorCode::kNotFound,
                  what + " is about " + about + ", which this agent has no note of publishing");
  }
  if (!published->leaf) {
    return Bad(what + " is about " + about +
               ", published before this agent kept leaf hashes: it cannot be checked");
  }
  if (*published->leaf != r.leaf) {
    return Bad(what + " is about a record (leaf " + HexEncode(r.leaf).substr(0, 16) +
               "…) this organisation never sent as " + about);
  }
  if (std::find(published->recipients.begin(), published->recipients.end(), r.recipient) ==
      published->recipients.end()) {
    return Bad(what + ": " + r.recipient + " is not a recipient of " + about);
  }
  return r;
}

Result<std::size_t> ReceiptKeeper::Keep(const Verified& record) {
  Result<Receipt> r = Check(record);
  if (r.status().code() == ErrorCode::kNotFound) {
    // A sensor's records, or what another agent of this organisation
    // published: common, not an attack, so said once.
    if (o_.warn && !told_unnoted_) {
      o_.warn(r.status().message() +
              "; receipts about records this agent keeps no note of (a sensor's records, or "
              "another spool's) are not kept, and this is said once");
    }
    told_unnoted_ = true;
    return std::size_t{0};
  }
  if (!r.ok()) {
    if (r.status().code() != ErrorCode::kBadReceipt &&
        r.status().code() != ErrorCode::kMalformedJson) {
      return r.status();  // the notes could not be read
    }
    if (o_.warn) o_.warn(r.status().ToString() + "; ignored, not counted");
    return std::size_t{0};
  }
  CERTSHARE_ASSIGN_OR_RETURN(auto store, storage::ReceiptStore::Open(o_.store_dir));
  storage::StoredReceipt stored{std::string(AsChars(r->leaf)), r->recipient,
                                EncodeKeptReceipt(*r)};
  CERTSHARE_RETURN_IF_ERROR(store->Put({&stored, 1}));
  return std::size_t{1};
}

}  // namespace certshare::agent
