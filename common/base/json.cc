#include "common/base/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <set>
#include <vector>

namespace certshare::json {

namespace {

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
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return next_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return next_.String(s, n, copy);
  }
  bool StartObject() {
    if (!Push()) return false;
    keys_.emplace_back();
    return next_.StartObject();
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    if (!keys_.back().emplace(s, n).second) {
      error_ = "duplicate key \"" + std::string(s, n) + "\"";
      return false;
    }
    return next_.Key(s, n, copy);
  }
  bool EndObject(rapidjson::SizeType members) {
    keys_.pop_back();
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
  std::vector<std::set<std::string>> keys_;
  std::string error_;
};

constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseFullPrecisionFlag;

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
    std::string why = filter_error.empty()
                          ? rapidjson::GetParseError_En(reader.GetParseErrorCode())
                          : filter_error;
    return Status(ErrorCode::kMalformedJson,
                  "invalid JSON at byte " +
                      std::to_string(reader.GetErrorOffset()) + ": " + why);
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

bool GetString(const rapidjson::Value& obj, const char* name, std::string* out) {
  const rapidjson::Value* v = Member(obj, name);
  if (v == nullptr || !v->IsString()) return false;
  out->assign(v->GetString(), v->GetStringLength());
  return true;
}

}  // namespace certshare::json
