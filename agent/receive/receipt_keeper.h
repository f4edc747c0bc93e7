// certshare::agent::ReceiptKeeper — the origin's side of delivery receipts
// (docs/receipts.md, "At the origin"): a subscriber that receives a
// receipt record (after verifying and opening it like any record: it is
// signed by its sender and encrypted to this organisation) hands it here
// instead of to its output. Each receipt in it is checked and kept in the
// origin's receipts store, or ignored with a warning (BAD_RECEIPT) and
// never counted. A receipt is kept when:
//  - it names this organisation as the origin, and the organisation that
//    sent the record as its recipient (nobody speaks for another);
//  - its signature verifies under that recipient's current or a previous
//    signing key in this agent's registry;
//  - this agent has a note of the record it names (what `publish` keeps
//    in its spool, by the record's STIX id and `modified`: the hints of
//    the receipt), the note holds the record's leaf hash, and that leaf is
//    the one the receipt signs (so the record is one this organisation
//    sent, byte for byte);
//  - the recipient is listed in that record's signed header.
//
// The store is opened for each receipt record and closed again, so that a
// running `certshare subscribe` and `certshare status <id>` both use it.
//
// Thread-safety: one thread per ReceiptKeeper.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/receive/receipt.h"
#include "agent/receive/render.h"
#include "common/base/status.h"
#include "common/identity/identity.h"
#include "common/identity/registry.h"

namespace certshare::agent {

// What the origin knows of a record it published (its spool's note).
struct PublishedRecord {
  std::optional<crypto::Hash256> leaf;  // nullopt: a note from before receipts
  std::vector<std::string> recipients;  // as in the signed header
};
// The note of the record with this dedupe key (envelope::EncodeRecordKey),
// nullopt when there is none; an error when the notes cannot be read.
using PublishedLookup =
    std::function<Result<std::optional<PublishedRecord>>(const std::string& dedupe_key)>;

// A receipt as the store keeps it, and back (nullopt for other bytes):
// state:u8 code:u16 time_ms:u64 signature:64 (the leaf and the recipient
// are the store's key).
std::string EncodeKeptReceipt(const Receipt& receipt);
std::optional<Receipt> DecodeKeptReceipt(std::string_view bytes);

struct ReceiptKeeperOptions {
  std::string store_dir;    // the receipts store (storage::ReceiptStore)
  PublishedLookup published;  // required
  // Each receipt ignored, one line (without a newline). May be empty.
  std::function<void(const std::string&)> warn;
};

class ReceiptKeeper {
 public:
  // `me` and `registry` must outlive the keeper.
  ReceiptKeeper(const identity::Identity& me, const identity::Registry& registry,
                ReceiptKeeperOptions options)
      : me_(me), registry_(registry), o_(std::move(options)) {}

  // Checks the receipt `record` (verified: its type is kReceiptType) holds
  // and keeps it. Returns how many receipts were kept (0 or 1): a receipt
  // that fails a check is warned about and not kept, which is not an
  // error. A receipt about a record this agent keeps no note of (a
  // sensor's records are not noted) is not kept either, and said once per
  // keeper, not once per receipt. Errors: the store's or the notes' (then nothing is kept, and
  // the caller does not acknowledge the record).
  Result<std::size_t> Keep(const Verified& record);

  // The receipt, if it holds; else BAD_RECEIPT saying which check failed,
  // or NOT_FOUND when this agent keeps no note of the record it names.
  Result<Receipt> Check(const Verified& record) const;

 private:
  const identity::Identity& me_;
  const identity::Registry& registry_;
  bool told_unnoted_ = false;
  ReceiptKeeperOptions o_;
};

}  // namespace certshare::agent
