// Byte strings and the big-endian codec that every binary format of
// certshare (routing header, record, wire frames) is built with.
//
// ByteWriter appends; ByteReader consumes and never reads past its end: every
// Read* returns false on truncation and leaves the reader failed, so a
// decoder can read a whole structure and check ok() once.
// Neither is thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace certshare {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsChars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::string HexEncode(ByteView bytes);
// Returns false unless `hex` is an even number of hex digits.
bool HexDecode(std::string_view hex, Bytes* out);

class ByteWriter {
 public:
  // Room for `n` bytes in all, when the caller knows the final size: one
  // allocation instead of a reallocation (and copy) per doubling.
  void Reserve(std::size_t n) { out_.reserve(n); }
  void U8(std::uint8_t v) { out_.push_back(v); }
  void U16(std::uint16_t v);
  void U32(std::uint32_t v);
  void U64(std::uint64_t v);
  void Raw(ByteView bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }
  // Length-prefixed strings; REQUIRES: the length fits the prefix (callers
  // check limits before writing).
  void Str8(std::string_view s);
  void Str16(std::string_view s);
  void Blob32(ByteView bytes);

  const Bytes& bytes() const { return out_; }
  Bytes Take() { return std::move(out_); }

 private:
  Bytes out_;
};

class ByteReader {
 public:
  explicit ByteReader(ByteView in) : in_(in) {}

  bool U8(std::uint8_t* v);
  bool U16(std::uint16_t* v);
  bool U32(std::uint32_t* v);
  bool U64(std::uint64_t* v);
  bool Raw(std::size_t n, ByteView* out);
  bool Str8(std::string* s);
  bool Str16(std::string* s);
  bool Blob32(ByteView* out);

  bool ok() const { return ok_; }
  std::size_t remaining() const { return in_.size() - pos_; }
  std::size_t position() const { return pos_; }
  // True when everything was read without error and nothing is left over.
  bool Done() const { return ok_ && pos_ == in_.size(); }

 private:
  bool Take(std::size_t n, const std::uint8_t** p);
  ByteView in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace certshare
