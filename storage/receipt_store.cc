#include "storage/receipt_store.h"

#include <sys/stat.h>

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "common/base/file_util.h"
#include "storage/db.h"
#include "storage/rocksdb_status.h"

namespace certshare::storage {

namespace {

constexpr std::string_view kFormatKey = "format";
constexpr char kReceiptPrefix = 'r';
constexpr std::size_t kLeafSize = 32;

std::string KeyPrefix(std::string_view leaf) {
  std::string out(1, kReceiptPrefix);
  out.append(leaf);
  return out;
}

Status ExplainRefusal(const std::string& dir, const DbRefusal& r) {
  switch (r.kind) {
    case DbRefusal::kForeignFamily:
    case DbRefusal::kMissingFamily:
    case DbRefusal::kNoFormat:
    case DbRefusal::kUnfinished:
      return Status(ErrorCode::kInvalidConfig,
                    "'" + dir + "' holds a database that is not an agent's receipts store");
    case DbRefusal::kWrongFormat:
      return Status(ErrorCode::kInvalidConfig,
                    "the receipts store in '" + dir + "' has format '" + r.marker.value_or("") +
                        "', expected '" + std::string(kReceiptStoreFormat) + "'");
    case DbRefusal::kDamaged:
    case DbRefusal::kBusy:
      break;
  }
  return r.cause;
}

class RocksDbReceiptStore final : public ReceiptStore {
 public:
  explicit RocksDbReceiptStore(std::unique_ptr<Db> db) : db_(std::move(db)) {}

  Status Put(std::span<const StoredReceipt> receipts) override {
    CERTSHARE_RETURN_IF_ERROR(db_->CheckWritable());
    rocksdb::WriteBatch batch;
    for (const StoredReceipt& r : receipts) {
      if (r.leaf.size() != kLeafSize || r.recipient.empty()) {
        return Status(ErrorCode::kInvalidArgument,
                      "a stored receipt needs a 32-byte leaf and a recipient");
      }
      batch.Put(ToSlice(KeyPrefix(r.leaf) + r.recipient), ToSlice(r.value));
    }
    if (batch.Count() == 0) return Status::Ok();
    return db_->Write(&batch, /*sync=*/true);
  }

  Result<std::vector<StoredReceipt>> ForLeaf(std::string_view leaf) override {
    std::vector<StoredReceipt> out;
    const std::string prefix = KeyPrefix(leaf);
    std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      out.push_back({std::string(leaf), std::string(ToView(it->key()).substr(prefix.size())),
                     std::string(ToView(it->value()))});
    }
    CERTSHARE_RETURN_IF_ERROR(
        FromRocksDb(it->status(), "reading the receipts store in " + db_->dir()));
    return out;
  }

 private:
  const std::unique_ptr<Db> db_;
};

}  // namespace

Result<std::unique_ptr<ReceiptStore>> ReceiptStore::Open(const std::string& dir) {
  CERTSHARE_RETURN_IF_ERROR(files::MakeDirs(dir));
  ::chmod(dir.c_str(), 0700);
  DbSpec spec;
  spec.dir = dir;
  spec.options.paranoid_checks = true;
  spec.options.keep_log_file_num = 3;
  spec.options.write_buffer_size = 4u << 20;
  spec.options.max_background_jobs = 1;
  spec.families = {{rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions(spec.options)}};
  spec.marker_family = 0;
  spec.marker_key = std::string(kFormatKey);
  spec.marker_value = std::string(kReceiptStoreFormat);
  spec.create_if_missing = true;
  spec.lock_wait = std::chrono::seconds(5);
  spec.explain = [dir](const DbRefusal& r) { return ExplainRefusal(dir, r); };
  spec.context = {"opening the receipts store in " + dir, "reading the receipts store in " + dir,
                  "reading the receipts store in " + dir,
                  "creating the receipts store in " + dir, "writing the receipts store in " + dir};
  spec.failed_name = "the receipts store";
  CERTSHARE_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(std::move(spec)));
  return std::unique_ptr<ReceiptStore>(new RocksDbReceiptStore(std::move(db)));
}

}  // namespace certshare::storage
