#include "agent/receive/receipt.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/base/json.h"
#include "common/base/tlp.h"
#include "common/crypto/keys.h"

namespace certshare::agent {

namespace {

Status Bad(const std::string& what) {
  return Status(ErrorCode::kBadReceipt, "receipt: " + what);
}

Result<std::string> StringMember(const rapidjson::Value& o, const char* name,
                                 std::size_t max = 1024) {
  const rapidjson::Value* v = json::Member(o, name);
  if (v == nullptr || !v->IsString() || v->GetStringLength() == 0 ||
      v->GetStringLength() > max) {
    return Bad(std::string("`") + name + "` must be a non-empty string of at most " +
               std::to_string(max) + " bytes");
  }
  return std::string(v->GetString(), v->GetStringLength());
}

template <typename Fixed>
Status HexMember(const rapidjson::Value& o, const char* name, Fixed* out) {
  CERTSHARE_ASSIGN_OR_RETURN(std::string hex, StringMember(o, name, 2 * out->size()));
  Bytes bytes;
  if (hex.size() != 2 * out->size() || !HexDecode(hex, &bytes)) {
    return Bad(std::string("`") + name + "` must be " + std::to_string(2 * out->size()) +
               " hex digits");
  }
  std::copy(bytes.begin(), bytes.end(), out->begin());
  return Status::Ok();
}

bool IsOrgId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view ReceiptStateName(ReceiptState state) {
  return state == ReceiptState::kProcessed ? "processed" : "rejected";
}

Bytes ReceiptMessage(const Receipt& r) {
  ByteWriter w;
  w.Raw(AsBytes(kReceiptDomain));
  w.U8(0);
  w.Blob32(AsBytes(r.origin));
  w.Blob32(AsBytes(r.recipient));
  w.Raw(r.leaf);
  w.U8(static_cast<std::uint8_t>(r.state));
  w.U16(static_cast<std::uint16_t>(r.code));
  w.U64(static_cast<std::uint64_t>(r.time_ms));
  return w.Take();
}

void SignReceipt(Receipt* r, const crypto::SigningSecretKey& key) {
  r->signature = crypto::Sign(key, ReceiptMessage(*r));
}

bool ReceiptSignedBy(const Receipt& r, const crypto::SigningPublicKey& key) {
  return crypto::Verify(key, ReceiptMessage(r), r.signature);
}

std::string ToStix(const Receipt& r, std::string_view id) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  const std::string time = FormatTimestamp(r.time_ms);
  auto key_string = [&](const char* key, std::string_view value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  key_string("type", kReceiptType);
  key_string("spec_version", "2.1");
  key_string("id", id);
  key_string("created", time);
  key_string("modified", time);
  key_string("origin", r.origin);
  key_string("recipient", r.recipient);
  key_string("record_leaf", HexEncode(r.leaf));
  key_string("state", ReceiptStateName(r.state));
  w.Key("code");
  w.Uint(static_cast<unsigned>(r.code));
  key_string("signature", HexEncode(r.signature));
  if (!r.record_id.empty()) key_string("record_id", r.record_id);
  if (!r.record_modified.empty()) key_string("record_modified", r.record_modified);
  w.Key("object_marking_refs");
  w.StartArray();
  const std::string_view marking = TlpMarkingId(Tlp::kAmberStrict);
  w.String(marking.data(), static_cast<rapidjson::SizeType>(marking.size()));
  w.EndArray();
  w.Key("extensions");
  w.StartObject();
  w.Key(kReceiptExtensionId.data(), static_cast<rapidjson::SizeType>(kReceiptExtensionId.size()));
  w.StartObject();
  key_string("extension_type", "new-sdo");
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<Receipt> ParseReceipt(const rapidjson::Value& o) {
  if (!o.IsObject()) return Bad("not a JSON object");
  CERTSHARE_ASSIGN_OR_RETURN(std::string type, StringMember(o, "type"));
  if (type != kReceiptType) return Bad("`type` is " + type + ", not " + std::string(kReceiptType));
  Receipt r;
  CERTSHARE_ASSIGN_OR_RETURN(r.origin, StringMember(o, "origin", 64));
  CERTSHARE_ASSIGN_OR_RETURN(r.recipient, StringMember(o, "recipient", 64));
  if (!IsOrgId(r.origin) || !IsOrgId(r.recipient)) {
    return Bad("`origin` and `recipient` must be organisation ids ([A-Za-z0-9._-], 1 to 64)");
  }
  CERTSHARE_RETURN_IF_ERROR(HexMember(o, "record_leaf", &r.leaf));
  CERTSHARE_RETURN_IF_ERROR(HexMember(o, "signature", &r.signature));
  CERTSHARE_ASSIGN_OR_RETURN(std::string state, StringMember(o, "state", 16));
  if (state == "processed") {
    r.state = ReceiptState::kProcessed;
  } else if (state == "rejected") {
    r.state = ReceiptState::kRejected;
  } else {
    return Bad("`state` must be \"processed\" or \"rejected\"");
  }
  const rapidjson::Value* code = json::Member(o, "code");
  if (code == nullptr || !code->IsUint() || code->GetUint() > 0xffff) {
    return Bad("`code` must be an error code from 0 to 65535");
  }
  r.code = static_cast<ErrorCode>(code->GetUint());
  if ((r.state == ReceiptState::kProcessed) != (r.code == ErrorCode::kOk)) {
    return Bad("a processed receipt has code 0, a rejected one the code of its error");
  }
  CERTSHARE_ASSIGN_OR_RETURN(std::string created, StringMember(o, "created", 64));
  Result<StixMillis> time = ParseTimestamp(created);
  if (!time.ok() || !IsStixTimestamp(created) || FormatTimestamp(*time) != created) {
    return Bad("`created` must be the receipt's time, \"YYYY-MM-DDTHH:MM:SS.mmmZ\"");
  }
  r.time_ms = *time;
  if (json::Member(o, "record_id") != nullptr) {
    CERTSHARE_ASSIGN_OR_RETURN(r.record_id, StringMember(o, "record_id"));
  }
  if (json::Member(o, "record_modified") != nullptr) {
    CERTSHARE_ASSIGN_OR_RETURN(r.record_modified, StringMember(o, "record_modified", 255));
  }
  return r;
}

}  // namespace certshare::agent
