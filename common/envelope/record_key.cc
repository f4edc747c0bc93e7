// RecordKey: the dedupe key, object id and version key of a record, encoded
// and parsed here only (record_key.h; bytes in docs/protocol.md).
#include "common/envelope/record_key.h"

#include "common/base/timestamp.h"
#include "common/envelope/header_codec.h"

namespace certshare::envelope {

namespace {

constexpr char kSeparator = '\n';
// `modified` is a str8 in the routing header.
constexpr std::size_t kMaxModifiedLength = 255;

Status Corrupt(std::string_view encoded, const std::string& why) {
  return Status(ErrorCode::kCorruption,
                "dedupe key " + internal::Shown(encoded) + " is not origin, STIX id and "
                "modified separated by newlines: " + why);
}

}  // namespace

RecordKey RecordKeyOf(const Header& header) {
  return RecordKey{header.origin, header.stix_id, CanonicalStixTimestamp(header.modified)};
}

void AppendRecordKey(std::string* out, const RecordKey& key) {
  out->reserve(out->size() + key.origin.size() + key.stix_id.size() + key.modified.size() + 2);
  out->append(key.origin);
  out->push_back(kSeparator);
  out->append(key.stix_id);
  out->push_back(kSeparator);
  out->append(key.modified);
}

std::string EncodeRecordKey(const RecordKey& key) {
  std::string out;
  AppendRecordKey(&out, key);
  return out;
}

Result<RecordKey> ParseRecordKey(std::string_view encoded) {
  const std::size_t first = encoded.find(kSeparator);
  const std::size_t last = encoded.rfind(kSeparator);
  if (first == std::string_view::npos || first == last) {
    return Corrupt(encoded, "it has fewer than two newlines");
  }
  RecordKey key;
  key.origin = std::string(encoded.substr(0, first));
  key.stix_id = std::string(encoded.substr(first + 1, last - first - 1));
  key.modified = std::string(encoded.substr(last + 1));
  if (!internal::IsValidOrgId(key.origin)) {
    return Corrupt(encoded, "its origin is not an organisation id ([A-Za-z0-9._-]{1,64})");
  }
  if (key.stix_id.empty()) return Corrupt(encoded, "its STIX id is empty");
  if (key.stix_id.size() > kMaxStixIdLength) {
    return Corrupt(encoded, "its STIX id is " + std::to_string(key.stix_id.size()) +
                                " bytes, more than " + std::to_string(kMaxStixIdLength));
  }
  if (key.modified.size() > kMaxModifiedLength) {
    return Corrupt(encoded, "its modified is " + std::to_string(key.modified.size()) +
                                " bytes, more than " + std::to_string(kMaxModifiedLength));
  }
  if (std::string_view why = WhyNotStixTimestamp(key.modified); !why.empty()) {
    return Corrupt(encoded, "its modified " + std::string(why));
  }
  return key;
}

std::string EncodeObjectId(const RecordKey& key) {
  std::string out;
  out.reserve(key.origin.size() + 1 + key.stix_id.size());
  out.append(key.origin);
  out.push_back(kSeparator);
  out.append(key.stix_id);
  return out;
}

std::string EncodeVersionKey(const RecordKey& key) {
  return StixTimestampOrderKey(key.modified);
}

std::string DescribeRecordKey(const RecordKey& key) {
  return key.stix_id + " (modified " + key.modified + ")";
}

}  // namespace certshare::envelope
