#include "common/base/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace certshare::json {

namespace {

// The keys of the objects being parsed, innermost last, for the duplicate
// check. Keys are copied into one flat buffer (the reader reuses its own)
// and compared by a linear scan while an object is small — a STIX object
// has a few dozen keys — instead of a std::set<std::string> per object,
// which cost a node and a string allocation per key. An object with many
// keys switches to a hash index, so a hostile object with a million keys
// still costs linear time (json_test DuplicateKeysInLargeObjects).
class OpenKeys {
 public:
  void Open() { frames_.push_back({keys_.size(), bytes_.size(), nullptr}); }
  void Close() {
    const Frame& f = frames_.back();
    keys_.resize(f.first_key);
    bytes_.resize(f.first_byte);
    frames_.pop_back();
  }
  // Adds a key of the innermost object; false if it is already there.
  bool Add(std::string_view key) {
    Frame& f = frames_.back();
    const std::size_t count = keys_.size() - f.first_key;
    if (count >= kLinearLimit && f.index == nullptr) BuildIndex(f);
    if (f.index == nullptr) {
      for (std::size_t i = f.first_key; i < keys_.size(); ++i) {
        if (View(i) == key) return false;
      }
    } else {
      const std::uint64_t h = Hash(key);
      auto [first, last] = f.index->equal_range(h);
      for (auto it = first; it != last; ++it) {
        if (View(it->second) == key) return false;
      }
      f.index->emplace(h, keys_.size());
    }
    keys_.push_back({bytes_.size(), key.size()});
    bytes_.append(key);
    return true;
  }

 private:
  static constexpr std::size_t kLinearLimit = 32;
  struct KeyRef {
    std::size_t offset;
    std::size_t length;
  };
  using Index = std::unordered_multimap<std::uint64_t, std::size_t>;
  struct Frame {
    std::size_t first_key;
    std::size_t first_byte;
    std::unique_ptr<Index> index;
  };

  static std::uint64_t Hash(std::string_view key) {
    std::uint64_t h = 14695981039346656037ull;  // FNV-1a
    for (char c : key) {
      h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    }
    return h;
  }
  std::string_view View(std::size_t i) const {
    return std::string_view(bytes_).substr(keys_[i].offset, keys_[i].length);
  }
  void BuildIndex(Frame& f) {
    f.index = std::make_unique<Index>();
    for (std::size_t i = f.first_key; i < keys_.size(); ++i) {
      f.index->emplace(Hash(View(i)), i);
    }
  }

  std::vector<KeyRef> keys_;
  std::string bytes_;
  std::vector<Frame> frames_;
};

// A SAX filter between the reader and the document: enforces the depth limit
// and refuses duplicate keys, then forwards each event to the document.
template <typename Next>
class StrictHandler {
 public:
  StrictHandler(Next& next, std::size_t max_depth)
      : next_(next), max_depth_(max_depth) {}

  bool Null() { return next_.Null(); }
  bool Bool(bool b) { return next_.Bool(b); }
  bool Int(int i) { return next_.Int(i); }
  bool Uint(unsigned u) { return next_.Uint(u); }
  bool Int64(int64_t i) { return next_.Int64(i); }
  bool Uint64(uint64_t u) { return next_.Uint64(u); }
  bool Double(double d) { return next_.Double(d); }
  // Every number arrives here as its text (kParseNumbersAsStringsFlag) and
  // is converted with std::from_chars, exact and locale-free, into the
  // same kinds RapidJSON would choose. RapidJSON 1.1.0's own full-precision
  // conversion returns garbage for a zero significand with a large
  // exponent: "0e-40" became 2.3e18 or -7.4e-273 depending on the compiler
  // (found by tests/fuzz json_fuzz; tests/fuzz/crashes/json/).
  bool RawNumber(const char* s, rapidjson::SizeType n, bool /*copy*/) {
    const char* end = s + n;
    if (std::find_if(s, end, [](char c) { return c == '.' || c == 'e' || c == 'E'; }) == end) {
      if (*s == '-') {
        std::int64_t i;
        if (std::from_chars(s, end, i).ec == std::errc()) {
          return i >= INT32_MIN ? next_.Int(static_cast<int>(i)) : next_.Int64(i);
        }
      } else {
        std::uint64_t u;
        if (std::from_chars(s, end, u).ec == std::errc()) {
          return u <= UINT32_MAX ? next_.Uint(static_cast<unsigned>(u)) : next_.Uint64(u);
        }
      }
      // Beyond 64 bits: a double, as RapidJSON does.
    }
    double d = 0;
    const std::from_chars_result r = std::from_chars(s, end, d);
    if (r.ec == std::errc::result_out_of_range) {
      if (!Underflows(std::string_view(s, n))) {
        error_ = "number too big to be stored in a double";
        return false;
      }
      d = *s == '-' ? -0.0 : 0.0;  // as RapidJSON: underflow is zero
    } else if (r.ec != std::errc() || r.ptr != end) {
      error_ = "invalid number";  // the reader has checked the grammar
      return false;
    }
    return next_.Double(d);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    if (HasLoneSurrogate(s, n)) return false;
    return next_.String(s, n, copy);
  }
  bool StartObject() {
    if (!Push()) return false;
    keys_.Open();
    return next_.StartObject();
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    if (HasLoneSurrogate(s, n)) return false;
    if (!keys_.Add(std::string_view(s, n))) {
      error_ = "duplicate key \"" + std::string(s, n) + "\"";
      return false;
    }
    return next_.Key(s, n, copy);
  }
  bool EndObject(rapidjson::SizeType members) {
    keys_.Close();
    --depth_;
    return next_.EndObject(members);
  }
  bool StartArray() {
    if (!Push()) return false;
    return next_.StartArray();
  }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return next_.EndArray(elements);
  }

  const std::string& error() const { return error_; }

 private:
  // Whether a number that does not fit a double is too small rather than
  // too large: the decimal exponent of its first significant digit is
  // negative. REQUIRES: JSON number grammar.
  static bool Underflows(std::string_view number) {
    const std::size_t e = number.find_first_of("eE");
    const std::string_view mantissa = number.substr(0, e);
    const std::size_t point = std::min(mantissa.find('.'), mantissa.size());
    const std::size_t first = mantissa.find_first_of("123456789");
    if (first == std::string_view::npos) return true;  // zero
    // Position of the first significant digit: 0 for the units digit.
    std::int64_t order = first < point ? static_cast<std::int64_t>(point - first - 1)
                                       : -static_cast<std::int64_t>(first - point);
    if (e != std::string_view::npos) {
      std::string_view exponent = number.substr(e + 1);
      const bool negative = !exponent.empty() && exponent[0] == '-';
      if (!exponent.empty() && (exponent[0] == '-' || exponent[0] == '+')) {
        exponent.remove_prefix(1);
      }
      std::int64_t value = 0;  // saturates: 16 MiB of digits stays far below
      for (char c : exponent) value = std::min<std::int64_t>(value * 10 + (c - '0'), 1ll << 40);
      order += negative ? -value : value;
    }
    return order < 0;
  }

  // RapidJSON 1.1.0 decodes an escaped lone surrogate ("\udc00", or a
  // "\ud800" without its pair) into the UTF-8 form of the surrogate,
  // ED A0..BF xx, which is not UTF-8 (RFC 3629) and which no strict reader,
  // ours included, accepts back (found by tests/fuzz card). I-JSON (RFC 7493
  // 2.1) forbids them; so do we. Raw text was checked before parsing, so
  // only an escape can produce one.
  bool HasLoneSurrogate(const char* s, rapidjson::SizeType n) {
    const char* end = s + n;
    for (const char* p = s; (p = static_cast<const char*>(std::memchr(p, '\xED', end - p)));
         ++p) {
      if (p + 1 < end && (static_cast<unsigned char>(p[1]) & 0xE0) == 0xA0) {
        error_ = "a string holds an unpaired UTF-16 surrogate escape (\\uD800-\\uDFFF)";
        return true;
      }
    }
    return false;
  }

  bool Push() {
    if (++depth_ > max_depth_) {
      error_ = "nesting deeper than " + std::to_string(max_depth_) + " levels";
      return false;
    }
    return true;
  }

  Next& next_;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  OpenKeys keys_;
  std::string error_;
};

// UTF-8 is validated before parsing (FirstInvalidUtf8) rather than by
// RapidJSON's kParseValidateEncodingFlag, whose per-character check took 30%
// of the time to parse a STIX incident; the whole text is checked, eight
// ASCII bytes at a time, so nothing invalid reaches the reader.
constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag;

// The offset of the first byte that is not part of well-formed UTF-8
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or
// npos when all of `text` is well formed.
std::size_t FirstInvalidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length;
    unsigned char low = 0x80, high = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;   // no overlong forms
      if (c == 0xED) high = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;   // no overlong forms
      if (c == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    } else {
      return i;
    }
    if (i + length > n || p[i + 1] < low || p[i + 1] > high) return i;
    for (std::size_t k = 2; k < length; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

// "line L, column C (byte B)" for the byte offset `at` of `text`: lines
// counted from 1 at each '\n', columns from 1 in characters (UTF-8 lead
// bytes; the text before `at` is well formed), so that an editor finds it.
std::string Position(std::string_view text, std::size_t at) {
  at = std::min(at, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < at; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column) +
         " (byte " + std::to_string(at) + ")";
}

// A byte order mark at the start, which RFC 8259 §8.1 forbids JSON text to
// carry: refused with its own message rather than as "invalid JSON at byte
// 0". A parser MAY ignore one, but certshare signs and forwards the bytes
// it reads, and recipients' parsers need not ignore it.
std::string_view ByteOrderMark(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) return "a UTF-8 byte order mark (EF BB BF)";
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    return "a UTF-16 byte order mark (the text is UTF-16, not UTF-8)";
  }
  return {};
}

}  // namespace

Status Parse(std::string_view text, rapidjson::Document* doc,
             const ParseLimits& limits) {
  doc->SetNull();
  if (text.size() > limits.max_bytes) {
    return Status(ErrorCode::kMalformedJson,
                  "document of " + std::to_string(text.size()) +
                      " bytes exceeds the limit of " +
                      std::to_string(limits.max_bytes));
  }
  if (std::string_view bom = ByteOrderMark(text); !bom.empty()) {
    return Status(ErrorCode::kMalformedJson,
                  "invalid JSON: the text starts with " + std::string(bom) +
                      ", which JSON must not carry (RFC 8259 section 8.1); "
                      "save it as UTF-8 without a byte order mark");
  }
  if (std::size_t bad = FirstInvalidUtf8(text); bad != std::string_view::npos) {
    return Status(ErrorCode::kMalformedJson,
                  "invalid JSON at " + Position(text, bad) + ": invalid UTF-8");
  }
  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::Reader reader;
  std::string filter_error;
  auto generator = [&](rapidjson::Document& target) {
    StrictHandler<rapidjson::Document> handler(target, limits.max_depth);
    bool ok = reader.Parse<kParseFlags>(stream, handler);
    filter_error = handler.error();
    return ok;
  };
  doc->Populate(generator);
  if (reader.HasParseError()) {
    doc->SetNull();
    std::string why =
        filter_error.empty()
            ? rapidjson::GetParseError_En(reader.GetParseErrorCode())
            : filter_error;
    return Status(ErrorCode::kMalformedJson,
                  "invalid JSON at " +
                      Position(text, reader.GetErrorOffset()) + ": " + why);
  }
  return Status::Ok();
}

std::string Write(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

const rapidjson::Value* Member(const rapidjson::Value& obj, const char* name) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

bool GetString(const rapidjson::Value& obj, const char* name,
               std::string* out) {
  const rapidjson::Value* v = Member(obj, name);
  if (v == nullptr || !v->IsString()) return false;
  out->assign(v->GetString(), v->GetStringLength());
  return true;
}

}  // namespace certshare::json
