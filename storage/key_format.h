// Key and value encodings of the log's column families (docs/storage.md is
// the byte-level specification; keep the two in step). Private to storage/.
// Integers are big-endian: sequences so that RocksDB's bytewise order is
// sequence order, and every other integer for uniformity.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/log.h"

namespace certshare::storage {

inline constexpr std::string_view kRecordsFamily = "records";
inline constexpr std::string_view kIdsFamily = "ids";
inline constexpr std::string_view kMetaFamily = "meta";
inline constexpr std::string_view kLatestFamily = "latest";
inline constexpr std::string_view kCursorsFamily = "cursors";

// Keys of "meta". Persisted: never rename.
inline constexpr std::string_view kFormatKey = "format";
inline constexpr std::string_view kStoredBytesKey = "stored_bytes";
inline constexpr std::string_view kFirstSequenceKey = "first_sequence";

// Persisted: change it only together with a format change. Another value
// that starts with kFormatPrefix is an earlier (or later) certshare log.
inline constexpr std::string_view kFormatValue = "certshare-log-v2";
inline constexpr std::string_view kFormatPrefix = "certshare-log-";

inline constexpr std::size_t kSequenceSize = 8;

inline void PutU64(std::string* out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>(v >> shift));
  }
}
inline void PutU16(std::string* out, std::uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}
// REQUIRES: bytes.size() >= 8 / >= 2.
inline std::uint64_t GetU64(std::string_view bytes) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return v;
}
inline std::uint16_t GetU16(std::string_view bytes) {
  return static_cast<std::uint16_t>(
      (static_cast<unsigned char>(bytes[0]) << 8) |
      static_cast<unsigned char>(bytes[1]));
}

inline std::string EncodeSequence(std::uint64_t sequence) {
  std::string out;
  out.reserve(kSequenceSize);
  PutU64(&out, sequence);
  return out;
}

// nullopt unless `bytes` is exactly 8 bytes.
inline std::optional<std::uint64_t> DecodeSequence(std::string_view bytes) {
  if (bytes.size() != kSequenceSize) return std::nullopt;
  return GetU64(bytes);
}

// A "records" value is
//   received_ms:u64 | key_len:u16 | dedupe_key | id_len:u16 | object_id |
//   record
// The header is everything before `record`.
struct RecordHeader {
  std::uint64_t received_ms = 0;
  std::string_view dedupe_key;  // views into the decoded value
  std::string_view object_id;
  std::size_t size = 0;  // header length: the record starts here
};

// REQUIRES: 1 <= dedupe_key.size() <= kMaxKeyLength,
// object_id.size() <= kMaxKeyLength.
inline std::string EncodeRecordHeader(std::uint64_t received_ms,
                                      std::string_view dedupe_key,
                                      std::string_view object_id) {
  std::string out;
  out.reserve(12 + dedupe_key.size() + object_id.size());
  PutU64(&out, received_ms);
  PutU16(&out, static_cast<std::uint16_t>(dedupe_key.size()));
  out.append(dedupe_key);
  PutU16(&out, static_cast<std::uint16_t>(object_id.size()));
  out.append(object_id);
  return out;
}

// nullopt when `value` is too short for the lengths it declares or the
// dedupe key is empty.
inline std::optional<RecordHeader> DecodeRecordHeader(std::string_view value) {
  RecordHeader h;
  if (value.size() < 10) return std::nullopt;
  h.received_ms = GetU64(value);
  std::size_t pos = 8;
  const std::size_t key_len = GetU16(value.substr(pos));
  pos += 2;
  if (key_len == 0 || value.size() - pos < key_len + 2) return std::nullopt;
  h.dedupe_key = value.substr(pos, key_len);
  pos += key_len;
  const std::size_t id_len = GetU16(value.substr(pos));
  pos += 2;
  if (value.size() - pos < id_len) return std::nullopt;
  h.object_id = value.substr(pos, id_len);
  h.size = pos + id_len;
  return h;
}

// A "latest" value: version_key_len:u16 | version_key | sequence:u64.
struct LatestValue {
  std::string version_key;
  std::uint64_t sequence = 0;
};

// REQUIRES: version_key.size() <= kMaxKeyLength.
inline std::string EncodeLatest(std::string_view version_key,
                                std::uint64_t sequence) {
  std::string out;
  out.reserve(2 + version_key.size() + kSequenceSize);
  PutU16(&out, static_cast<std::uint16_t>(version_key.size()));
  out.append(version_key);
  PutU64(&out, sequence);
  return out;
}

// nullopt unless the value is exactly 2 + len + 8 bytes with sequence != 0.
inline std::optional<LatestValue> DecodeLatest(std::string_view value) {
  if (value.size() < 2 + kSequenceSize) return std::nullopt;
  const std::size_t len = GetU16(value);
  if (value.size() != 2 + len + kSequenceSize) return std::nullopt;
  LatestValue v;
  v.version_key = std::string(value.substr(2, len));
  v.sequence = GetU64(value.substr(2 + len));
  if (v.sequence == 0) return std::nullopt;
  return v;
}

}  // namespace certshare::storage
