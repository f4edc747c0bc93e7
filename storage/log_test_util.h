// Helpers shared by the storage tests (never linked into a product binary).
#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base/testing.h"
#include "storage/log.h"

namespace certshare::storage::testing {

inline std::string Str(const Bytes& b) { return std::string(AsChars(b)); }

// The status of a Result, by value. ASSERT_OK / EXPECT_CODE bind their
// argument to a const reference, so `ASSERT_OK(f().status())` would dangle:
// f()'s temporary Result dies before the check.
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}

// A dedupe key as the broker builds it: STIX id and `modified`.
inline std::string Key(int n,
                       std::string_view modified = "2024-01-01T00:00:00.000Z") {
  return "indicator--" + std::to_string(n) + "|" + std::string(modified);
}

// An Entry with every field given (brace-initialising only some fields
// trips GCC 12's -Wmissing-field-initializers, even with designators).
inline Entry E(std::string dedupe_key, ByteView record,
               std::uint64_t received_ms = 0, std::string object_id = "",
               std::string version_key = "") {
  Entry e;
  e.dedupe_key = std::move(dedupe_key);
  e.record = record;
  e.received_ms = received_ms;
  e.object_id = std::move(object_id);
  e.version_key = std::move(version_key);
  return e;
}

// `options` with every write going through `env` (fault_injection_env.h).
inline Options WritingThrough(Env* env, Options options = {}) {
  options.env = env;
  return options;
}

// Makes a RocksDB database in `dir` with `families` (the first "default"),
// as another program, another format or an interrupted creation leaves
// one, with `key` = `value` in the last family when `key` is not empty.
// Use under ASSERT_NO_FATAL_FAILURE.
inline void MakeRawDb(const std::string& dir, const std::vector<std::string>& families,
                      const std::string& key = "", const std::string& value = "") {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& f : families) descriptors.emplace_back(f, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, dir, descriptors, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  if (!key.empty()) {
    ASSERT_TRUE(db->Put({}, handles.back(), key, value).ok());
  }
  for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
}

// The column families of the database in `dir`.
inline std::vector<std::string> FamiliesOf(const std::string& dir) {
  std::vector<std::string> names;
  EXPECT_TRUE(rocksdb::DB::ListColumnFamilies({}, dir, &names).ok());
  return names;
}

inline std::unique_ptr<Log> MustOpen(const std::string& dir,
                                     const Options& options = {}) {
  auto log = Log::Open(dir, options);
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  return log.ok() ? std::move(log).value() : nullptr;
}

inline std::vector<std::pair<std::uint64_t, std::string>> ScanAll(
    Log& log, std::uint64_t from, std::size_t max_count) {
  std::vector<std::pair<std::uint64_t, std::string>> out;
  Status s = log.Scan(from, max_count, [&](std::uint64_t seq, ByteView rec) {
    out.emplace_back(seq, std::string(AsChars(rec)));
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// Opens the database behind a (closed) log directly, to inspect or tamper
// with it. Handle indexes follow kFamilies.
struct RawDb {
  static constexpr std::size_t kRecords = 1, kIds = 2, kMeta = 3, kLatest = 4,
                               kCursors = 5;
  explicit RawDb(const std::string& dir) {
    rocksdb::DBOptions options;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
        {rocksdb::kDefaultColumnFamilyName, {}},
        {"records", {}},
        {"ids", {}},
        {"meta", {}},
        {"latest", {}},
        {"cursors", {}}};
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(options, dir, cfs, &handles, &raw);
    EXPECT_TRUE(s.ok()) << s.ToString();
    db.reset(raw);
  }
  ~RawDb() {
    for (auto* h : handles)
      db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }
  // The value under `key` in family `cf`, or "<absent>".
  std::string Get(std::size_t cf, std::string_view key) {
    std::string value;
    rocksdb::Status s = db->Get({}, handles[cf], key, &value);
    return s.ok() ? value : "<absent>";
  }
  // Number of keys in family `cf`.
  std::size_t Count(std::size_t cf) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, handles[cf]));
    std::size_t n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    return n;
  }
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
};

// 8-byte big-endian, as the log stores integers.
inline std::string U64(std::uint64_t v) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(v >> (56 - 8 * i));
  return out;
}
inline std::string U16(std::uint16_t v) {
  return {static_cast<char>(v >> 8), static_cast<char>(v)};
}

}  // namespace certshare::storage::testing
