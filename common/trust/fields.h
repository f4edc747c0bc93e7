// Private to common/trust: reading the members of one JSON object of trust
// metadata strictly. Every member must be read by one of the getters, or
// Finish() refuses it as unknown; every error is kMalformedTrust naming
// where it is ("organisations[2].card_expires: ...").
//
// Not thread-safe; one reader per object.
#pragma once

#include <rapidjson/document.h>

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "common/base/status.h"
#include "common/base/timestamp.h"

namespace certshare::trust::internal {

// The largest integer every JSON reader holds exactly (2^53 - 1).
inline constexpr std::uint64_t kMaxJsonInteger = (std::uint64_t{1} << 53) - 1;

Status Malformed(std::string_view where, std::string_view what);

// A time in trust metadata: "YYYY-MM-DDTHH:MM:SSZ" exactly (UTC, no
// fraction, no leap second). Sets *ms. Returns the phrase saying why not,
// or empty.
std::string_view WhyNotTrustTime(std::string_view text, StixMillis* ms);

class ObjectReader {
 public:
  // `where` prefixes every message; empty for the top level.
  ObjectReader(const rapidjson::Value& value, std::string where);

  // The first error met, or OK. Getters after an error do nothing and
  // return false / nullptr.
  const Status& status() const { return status_; }

  // A string of min..max bytes. Absent: false without error unless required.
  bool String(const char* name, std::string* out, std::size_t min, std::size_t max,
              bool required = true);
  // An integer in [min, max].
  bool Uint(const char* name, std::uint64_t* out, std::uint64_t min, std::uint64_t max);
  // 64 hex digits (32 bytes); 128 hex digits (64 bytes).
  bool Key32(const char* name, std::array<std::uint8_t, 32>* out, bool required = true);
  bool Sig64(const char* name, std::array<std::uint8_t, 64>* out, bool required = true);
  // A trust time (WhyNotTrustTime).
  bool Time(const char* name, std::string* text, StixMillis* ms, bool required = true);
  // An array of min..max items, or an object.
  const rapidjson::Value* Array(const char* name, std::size_t min, std::size_t max,
                                bool required = true);
  const rapidjson::Value* Object(const char* name, bool required = true);

  // Refuses any member no getter asked for. Returns status().
  const Status& Finish();

  // Records an error at this object (first error wins).
  void Fail(std::string_view what);
  const std::string& where() const { return where_; }
  std::string At(std::string_view member) const;

 private:
  const rapidjson::Value* Take(const char* name, bool required);

  const rapidjson::Value& value_;
  std::string where_;
  std::set<std::string, std::less<>> read_;
  Status status_;
};

// Decodes `hex` (any case) into exactly N bytes.
template <std::size_t N>
bool DecodeHexArray(std::string_view hex, std::array<std::uint8_t, N>* out);

}  // namespace certshare::trust::internal
