#include "common/trust/fields.h"

#include <algorithm>

#include "common/base/bytes.h"

namespace certshare::trust::internal {

Status Malformed(std::string_view where, std::string_view what) {
  std::string message(where);
  if (!message.empty()) message += ": ";
  message += what;
  return Status(ErrorCode::kMalformedTrust, message);
}

std::string_view WhyNotTrustTime(std::string_view text, StixMillis* ms) {
  // YYYY-MM-DDTHH:MM:SSZ: 20 bytes; IsStixTimestamp checks the digits and
  // that the date and time exist; ParseTimestamp refuses second 60.
  if (text.size() != 20 || !IsStixTimestamp(text)) {
    return "must be a UTC time of the form YYYY-MM-DDTHH:MM:SSZ (no fraction) that exists";
  }
  Result<StixMillis> parsed = ParseTimestamp(text);
  if (!parsed.ok()) return "must not name a leap second";
  *ms = *parsed;
  return {};
}

template <std::size_t N>
bool DecodeHexArray(std::string_view hex, std::array<std::uint8_t, N>* out) {
  Bytes raw;
  if (hex.size() != 2 * N || !HexDecode(hex, &raw) || raw.size() != N) return false;
  std::copy(raw.begin(), raw.end(), out->begin());
  return true;
}
template bool DecodeHexArray<32>(std::string_view, std::array<std::uint8_t, 32>*);
template bool DecodeHexArray<64>(std::string_view, std::array<std::uint8_t, 64>*);

ObjectReader::ObjectReader(const rapidjson::Value& value, std::string where)
    : value_(value), where_(std::move(where)) {
  if (!value_.IsObject()) status_ = Malformed(where_.empty() ? "document" : where_, "must be a JSON object");
}

std::string ObjectReader::At(std::string_view member) const {
  return where_.empty() ? std::string(member) : where_ + "." + std::string(member);
}

void ObjectReader::Fail(std::string_view what) {
  if (status_.ok()) status_ = Malformed(where_, what);
}

const rapidjson::Value* ObjectReader::Take(const char* name, bool required) {
  if (!status_.ok()) return nullptr;
  read_.insert(name);
  auto it = value_.FindMember(name);
  if (it == value_.MemberEnd()) {
    if (required) status_ = Malformed(At(name), "missing");
    return nullptr;
  }
  return &it->value;
}

bool ObjectReader::String(const char* name, std::string* out, std::size_t min, std::size_t max,
                          bool required) {
  const rapidjson::Value* v = Take(name, required);
  if (v == nullptr) return false;
  if (!v->IsString() || v->GetStringLength() < min || v->GetStringLength() > max) {
    status_ = Malformed(At(name), "must be a string of " + std::to_string(min) + " to " +
                                      std::to_string(max) + " bytes");
    return false;
  }
  out->assign(v->GetString(), v->GetStringLength());
  return true;
}

bool ObjectReader::Uint(const char* name, std::uint64_t* out, std::uint64_t min,
                        std::uint64_t max) {
  const rapidjson::Value* v = Take(name, true);
  if (v == nullptr) return false;
  if (!v->IsUint64() || v->GetUint64() < min || v->GetUint64() > max) {
    status_ = Malformed(At(name), "must be an integer from " + std::to_string(min) + " to " +
                                      std::to_string(max));
    return false;
  }
  *out = v->GetUint64();
  return true;
}

bool ObjectReader::Key32(const char* name, std::array<std::uint8_t, 32>* out, bool required) {
  const rapidjson::Value* v = Take(name, required);
  if (v == nullptr) return false;
  if (!v->IsString() ||
      !DecodeHexArray<32>(std::string_view(v->GetString(), v->GetStringLength()), out)) {
    status_ = Malformed(At(name), "must be 64 hex digits (a 32-byte key)");
    return false;
  }
  return true;
}

bool ObjectReader::Sig64(const char* name, std::array<std::uint8_t, 64>* out, bool required) {
  const rapidjson::Value* v = Take(name, required);
  if (v == nullptr) return false;
  if (!v->IsString() ||
      !DecodeHexArray<64>(std::string_view(v->GetString(), v->GetStringLength()), out)) {
    status_ = Malformed(At(name), "must be 128 hex digits (a 64-byte Ed25519 signature)");
    return false;
  }
  return true;
}

bool ObjectReader::Time(const char* name, std::string* text, StixMillis* ms, bool required) {
  const rapidjson::Value* v = Take(name, required);
  if (v == nullptr) return false;
  if (!v->IsString()) {
    status_ = Malformed(At(name), "must be a string");
    return false;
  }
  const std::string_view s(v->GetString(), v->GetStringLength());
  if (std::string_view why = WhyNotTrustTime(s, ms); !why.empty()) {
    status_ = Malformed(At(name), why);
    return false;
  }
  text->assign(s);
  return true;
}

const rapidjson::Value* ObjectReader::Array(const char* name, std::size_t min, std::size_t max,
                                            bool required) {
  const rapidjson::Value* v = Take(name, required);
  if (v == nullptr) return nullptr;
  if (!v->IsArray() || v->Size() < min || v->Size() > max) {
    status_ = Malformed(At(name), "must be an array of " + std::to_string(min) + " to " +
                                      std::to_string(max) + " items");
    return nullptr;
  }
  return v;
}

const rapidjson::Value* ObjectReader::Object(const char* name, bool required) {
  const rapidjson::Value* v = Take(name, required);
  if (v == nullptr) return nullptr;
  if (!v->IsObject()) {
    status_ = Malformed(At(name), "must be a JSON object");
    return nullptr;
  }
  return v;
}

const Status& ObjectReader::Finish() {
  if (!status_.ok()) return status_;
  for (const auto& member : value_.GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    if (read_.find(name) == read_.end()) {
      status_ = Malformed(At(name), "unknown member (trust metadata has no optional extensions; "
                                    "a new member comes with a new payload type)");
      break;
    }
  }
  return status_;
}

}  // namespace certshare::trust::internal
