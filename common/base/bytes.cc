#include "common/base/bytes.h"

namespace certshare {

std::string HexEncode(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool HexDecode(std::string_view hex, Bytes* out) {
  out->clear();
  if (hex.size() % 2 != 0) return false;
  out->reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexValue(hex[i]);
    int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      out->clear();
      return false;
    }
    out->push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return true;
}

void ByteWriter::U16(std::uint16_t v) {
  U8(static_cast<std::uint8_t>(v >> 8));
  U8(static_cast<std::uint8_t>(v));
}
void ByteWriter::U32(std::uint32_t v) {
  U16(static_cast<std::uint16_t>(v >> 16));
  U16(static_cast<std::uint16_t>(v));
}
void ByteWriter::U64(std::uint64_t v) {
  U32(static_cast<std::uint32_t>(v >> 32));
  U32(static_cast<std::uint32_t>(v));
}
void ByteWriter::Str8(std::string_view s) {
  U8(static_cast<std::uint8_t>(s.size()));
  Raw(AsBytes(s));
}
void ByteWriter::Str16(std::string_view s) {
  U16(static_cast<std::uint16_t>(s.size()));
  Raw(AsBytes(s));
}
void ByteWriter::Blob32(ByteView bytes) {
  U32(static_cast<std::uint32_t>(bytes.size()));
  Raw(bytes);
}

bool ByteReader::Take(std::size_t n, const std::uint8_t** p) {
  if (!ok_ || n > in_.size() - pos_) {
    ok_ = false;
    return false;
  }
  *p = in_.data() + pos_;
  pos_ += n;
  return true;
}

bool ByteReader::U8(std::uint8_t* v) {
  const std::uint8_t* p;
  if (!Take(1, &p)) return false;
  *v = p[0];
  return true;
}
bool ByteReader::U16(std::uint16_t* v) {
  const std::uint8_t* p;
  if (!Take(2, &p)) return false;
  *v = static_cast<std::uint16_t>(p[0] << 8 | p[1]);
  return true;
}
bool ByteReader::U32(std::uint32_t* v) {
  const std::uint8_t* p;
  if (!Take(4, &p)) return false;
  *v = static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
       static_cast<std::uint32_t>(p[2]) << 8 | p[3];
  return true;
}
bool ByteReader::U64(std::uint64_t* v) {
  std::uint32_t hi, lo;
  if (!U32(&hi) || !U32(&lo)) return false;
  *v = static_cast<std::uint64_t>(hi) << 32 | lo;
  return true;
}
bool ByteReader::Raw(std::size_t n, ByteView* out) {
  const std::uint8_t* p;
  if (!Take(n, &p)) return false;
  *out = ByteView(p, n);
  return true;
}
bool ByteReader::Str8(std::string* s) {
  std::uint8_t n;
  ByteView b;
  if (!U8(&n) || !Raw(n, &b)) return false;
  s->assign(AsChars(b));
  return true;
}
bool ByteReader::Str16(std::string* s) {
  std::uint16_t n;
  ByteView b;
  if (!U16(&n) || !Raw(n, &b)) return false;
  s->assign(AsChars(b));
  return true;
}
bool ByteReader::Blob32(ByteView* out) {
  std::uint32_t n;
  return U32(&n) && Raw(n, out);
}

}  // namespace certshare
