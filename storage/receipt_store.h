// certshare::storage::ReceiptStore — the origin's durable store of the
// signed delivery receipts its recipients sent back (docs/receipts.md,
// "The origin's receipts store"). It keeps what the agent checked
// (agent/receive/receipt_keeper.h) and knows nothing of signatures: a
// receipt is an opaque value under the record's leaf hash and the
// recipient that signed it.
//
// Layout (one RocksDB database in its own directory, mode 0700, default
// column family only):
//   "format"                          -> kReceiptStoreFormat
//   "r" leaf(32) recipient            -> the receipt as the agent encodes it
// One receipt per record and recipient: a later Put replaces it. Every Put
// is synced (an OK return means durable).
//
// A write that fails puts the store in a failed state (storage/db.h):
// every later Put returns kUnavailable until it is reopened; reads keep
// working. RocksDB locks the directory: a second Open fails with kInUse.
//
// Thread-safety: one thread per ReceiptStore.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/status.h"

namespace certshare::storage {

// The value of the "format" entry. Never change it for an incompatible
// layout without a new value.
inline constexpr std::string_view kReceiptStoreFormat = "certshare-receipts-v1";

struct StoredReceipt {
  std::string leaf;       // 32 bytes: the record's Merkle leaf hash
  std::string recipient;  // the organisation that signed it
  std::string value;      // the receipt, encoded by the agent
};

class ReceiptStore {
 public:
  // Opens (creating it and its parents if missing, the directory 0700) the
  // store in `dir`. kInvalidConfig if `dir` holds another database; kInUse
  // if another process has it open; RocksDB's errors otherwise.
  static Result<std::unique_ptr<ReceiptStore>> Open(const std::string& dir);
  virtual ~ReceiptStore() = default;

  // Stores every receipt (replacing one of the same leaf and recipient) in
  // one synced write. kInvalidArgument for a leaf that is not 32 bytes or
  // an empty recipient (nothing written); kUnavailable when failed.
  virtual Status Put(std::span<const StoredReceipt> receipts) = 0;
  // The receipts of the record with this leaf, by recipient.
  virtual Result<std::vector<StoredReceipt>> ForLeaf(std::string_view leaf) = 0;
};

}  // namespace certshare::storage
