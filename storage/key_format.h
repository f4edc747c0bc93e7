// Key and value encodings of the log's column families (docs/storage.md).
// Private to storage/. Sequences are 8-byte big-endian so that RocksDB's
// bytewise order is sequence order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace certshare::storage {

inline constexpr std::string_view kRecordsFamily = "records";
inline constexpr std::string_view kIdsFamily = "ids";
inline constexpr std::string_view kMetaFamily = "meta";

inline constexpr std::string_view kFormatKey = "format";
// Persisted: change it only together with a migration.
inline constexpr std::string_view kFormatValue = "certshare-log-v1";

inline constexpr std::size_t kSequenceSize = 8;

inline std::string EncodeSequence(std::uint64_t sequence) {
  std::string out(kSequenceSize, '\0');
  for (std::size_t i = 0; i < kSequenceSize; ++i) {
    out[i] = static_cast<char>(sequence >> (8 * (kSequenceSize - 1 - i)));
  }
  return out;
}

// nullopt unless `bytes` is exactly 8 bytes.
inline std::optional<std::uint64_t> DecodeSequence(std::string_view bytes) {
  if (bytes.size() != kSequenceSize) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

}  // namespace certshare::storage
