#include "storage/seen_store.h"

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <chrono>
#include <filesystem>
#include <system_error>

#include "common/base/file_util.h"
#include "storage/rocksdb_status.h"

namespace certshare::storage {

namespace {

constexpr std::string_view kFormatKey = "format";
constexpr char kKeyPrefix = 'k';
constexpr char kRedoPrefix = 'r';

rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }

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

class RocksDbSeenStore final : public SeenStore {
 public:
  explicit RocksDbSeenStore(std::unique_ptr<rocksdb::DB> db, std::string dir)
      : db_(std::move(db)), dir_(std::move(dir)) {
    sync_.sync = true;
  }

  Result<bool> Contains(std::string_view key) override {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), ToSlice(Prefixed(kKeyPrefix, key)),
                                 &value);
    if (s.IsNotFound()) return false;
    if (!s.ok()) return FromRocksDb(s, "reading the seen store in " + dir_);
    return true;
  }

  Status Add(std::span<const std::string> keys, std::string_view redo) override {
    rocksdb::WriteBatch batch;
    std::string now = NowBigEndianMs();
    for (const std::string& key : keys) {
      batch.Put(ToSlice(Prefixed(kKeyPrefix, key)), ToSlice(now));
    }
    if (!redo.empty()) batch.Put(ToSlice(Prefixed(kRedoPrefix, redo)), rocksdb::Slice());
    return FromRocksDb(db_->Write(sync_, &batch), "writing the seen store in " + dir_);
  }

  Result<std::vector<std::string>> PendingRedo() override {
    std::vector<std::string> out;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    const std::string prefix(1, kRedoPrefix);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      out.emplace_back(it->key().data() + 1, it->key().size() - 1);
    }
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(it->status(), "reading the seen store in " + dir_));
    return out;
  }

  Status ClearRedo(std::string_view redo) override {
    return FromRocksDb(db_->Delete(sync_, ToSlice(Prefixed(kRedoPrefix, redo))),
                       "writing the seen store in " + dir_);
  }

  Result<std::uint64_t> CountKeys() override {
    std::uint64_t n = 0;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    const std::string prefix(1, kKeyPrefix);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) ++n;
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(it->status(), "reading the seen store in " + dir_));
    return n;
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::string dir_;
  rocksdb::WriteOptions sync_;
};

}  // namespace

Result<std::unique_ptr<SeenStore>> SeenStore::Open(const std::string& dir) {
  CERTSHARE_RETURN_IF_ERROR(files::MakeDirs(dir));
  std::error_code ec;
  const bool existed = std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec);

  rocksdb::Options options;
  options.create_if_missing = true;
  options.paranoid_checks = true;
  options.keep_log_file_num = 3;
  // A subscriber's store is small and written rarely: keep RocksDB's memory
  // and background work modest.
  options.write_buffer_size = 4u << 20;
  options.max_background_jobs = 1;
  rocksdb::DB* raw = nullptr;
  CERTSHARE_RETURN_IF_ERROR(
      FromRocksDb(rocksdb::DB::Open(options, dir, &raw), "opening the seen store in " + dir));
  std::unique_ptr<rocksdb::DB> db(raw);

  std::string format;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), ToSlice(kFormatKey), &format);
  if (s.IsNotFound()) {
    // No format key: a new store, or one whose creation a kill interrupted
    // (RocksDB writes CURRENT first), which holds nothing at all. A
    // database with other keys is someone else's.
    std::unique_ptr<rocksdb::Iterator> any(db->NewIterator(rocksdb::ReadOptions()));
    any->SeekToFirst();
    if (existed && any->Valid()) {
      return Status(ErrorCode::kInvalidConfig,
                    "'" + dir + "' holds a database that is not a subscriber's seen store; "
                    "give --state-dir a directory of its own");
    }
    rocksdb::WriteOptions sync;
    sync.sync = true;
    CERTSHARE_RETURN_IF_ERROR(FromRocksDb(
        db->Put(sync, ToSlice(kFormatKey), ToSlice(kSeenStoreFormat)),
        "creating the seen store in " + dir));
  } else if (!s.ok()) {
    return FromRocksDb(s, "reading the seen store in " + dir);
  } else if (format != kSeenStoreFormat) {
    return Status(ErrorCode::kInvalidConfig,
                  "the seen store in '" + dir + "' has format '" + format + "', expected '" +
                      std::string(kSeenStoreFormat) + "'");
  }
  return std::unique_ptr<SeenStore>(new RocksDbSeenStore(std::move(db), dir));
}

}  // namespace certshare::storage
