#include "storage/seen_store.h"

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <chrono>

#include "common/base/file_util.h"
#include "storage/db.h"
#include "storage/rocksdb_status.h"

namespace certshare::storage {

namespace {

constexpr std::string_view kFormatKey = "format";
constexpr char kKeyPrefix = 'k';
constexpr char kRedoPrefix = 'r';

std::string Prefixed(char prefix, std::string_view rest) {
  std::string out;
  out.reserve(rest.size() + 1);
  out.push_back(prefix);
  out.append(rest);
  return out;
}

std::string NowBigEndianMs() {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  std::uint64_t v = ms > 0 ? static_cast<std::uint64_t>(ms) : 0;
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

// The seen store's words for a database Db::Open refuses.
Status ExplainRefusal(const std::string& dir, const DbRefusal& r) {
  switch (r.kind) {
    case DbRefusal::kForeignFamily:
    case DbRefusal::kMissingFamily:  // (only "default", which every database has)
    case DbRefusal::kNoFormat:
    case DbRefusal::kUnfinished:  // (never read-only)
      return Status(ErrorCode::kInvalidConfig,
                    "'" + dir + "' holds a database that is not a subscriber's seen store; "
                    "give --state-dir a directory of its own");
    case DbRefusal::kWrongFormat:
      return Status(ErrorCode::kInvalidConfig,
                    "the seen store in '" + dir + "' has format '" + r.marker.value_or("") +
                        "', expected '" + std::string(kSeenStoreFormat) + "'");
    case DbRefusal::kDamaged:
    case DbRefusal::kBusy:
      break;
  }
  return r.cause;
}

class RocksDbSeenStore final : public SeenStore {
 public:
  explicit RocksDbSeenStore(std::unique_ptr<Db> db) : db_(std::move(db)) {}

  Result<bool> Contains(std::string_view key) override {
    std::string value;
    rocksdb::Status s =
        db_->db()->Get(rocksdb::ReadOptions(), ToSlice(Prefixed(kKeyPrefix, key)), &value);
    if (s.IsNotFound()) return false;
    if (!s.ok()) return FromRocksDb(s, "reading the seen store in " + db_->dir());
    return true;
  }

  Status Add(std::span<const std::string> keys, std::string_view redo) override {
    CERTSHARE_RETURN_IF_ERROR(db_->CheckWritable());
    rocksdb::WriteBatch batch;
    std::string now = NowBigEndianMs();
    for (const std::string& key : keys) {
      batch.Put(ToSlice(Prefixed(kKeyPrefix, key)), ToSlice(now));
    }
    if (!redo.empty()) batch.Put(ToSlice(Prefixed(kRedoPrefix, redo)), rocksdb::Slice());
    return db_->Write(&batch, /*sync=*/true);
  }

  Result<std::vector<std::string>> PendingRedo() override {
    std::vector<std::string> out;
    std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(rocksdb::ReadOptions()));
    const std::string prefix(1, kRedoPrefix);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      out.emplace_back(it->key().data() + 1, it->key().size() - 1);
    }
    CERTSHARE_RETURN_IF_ERROR(
        FromRocksDb(it->status(), "reading the seen store in " + db_->dir()));
    return out;
  }

  Status ClearRedo(std::string_view redo) override {
    CERTSHARE_RETURN_IF_ERROR(db_->CheckWritable());
    rocksdb::WriteBatch batch;
    batch.Delete(ToSlice(Prefixed(kRedoPrefix, redo)));
    return db_->Write(&batch, /*sync=*/true);
  }

  Result<std::uint64_t> CountKeys() override {
    std::uint64_t n = 0;
    std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(rocksdb::ReadOptions()));
    const std::string prefix(1, kKeyPrefix);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) ++n;
    CERTSHARE_RETURN_IF_ERROR(
        FromRocksDb(it->status(), "reading the seen store in " + db_->dir()));
    return n;
  }

 private:
  const std::unique_ptr<Db> db_;
};

}  // namespace

Result<std::unique_ptr<SeenStore>> SeenStore::Open(const std::string& dir,
                                                   const SeenStoreOptions& options) {
  CERTSHARE_RETURN_IF_ERROR(files::MakeDirs(dir));
  DbSpec spec;
  spec.dir = dir;
  spec.options.paranoid_checks = true;
  spec.options.keep_log_file_num = 3;
  // A subscriber's store is small and written rarely: keep RocksDB's memory
  // and background work modest.
  spec.options.write_buffer_size = 4u << 20;
  spec.options.max_background_jobs = 1;
  spec.families = {{rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions(spec.options)}};
  spec.marker_family = 0;
  spec.marker_key = std::string(kFormatKey);
  spec.marker_value = std::string(kSeenStoreFormat);
  spec.create_if_missing = true;
  spec.env = options.env;
  spec.explain = [dir](const DbRefusal& r) { return ExplainRefusal(dir, r); };
  spec.context = {"opening the seen store in " + dir, "reading the seen store in " + dir,
                  "reading the seen store in " + dir, "creating the seen store in " + dir,
                  "writing the seen store in " + dir};
  spec.failed_name = "the seen store";
  CERTSHARE_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(std::move(spec)));
  return std::unique_ptr<SeenStore>(new RocksDbSeenStore(std::move(db)));
}

}  // namespace certshare::storage
