#include "agent/receive/quarantine.h"

#include <sys/stat.h>

#include <cstdio>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "agent/receive/atomic_file.h"
#include "agent/receive/header_json.h"
#include "common/base/file_util.h"
#include "common/base/timestamp.h"
#include "common/crypto/keys.h"
#include "common/envelope/envelope.h"

namespace certshare::agent {

namespace {

// Writes `name` unless a previous delivery of the same bytes already did.
Status WriteOnce(const std::string& dir, const std::string& name, std::string_view data) {
  Status s = atomic_file::WriteNewFile(dir, name, data, 0600);
  if (s.code() == ErrorCode::kAlreadyExists) return Status::Ok();
  return s;
}

void WriteClaimed(rapidjson::Writer<rapidjson::StringBuffer>& w, ByteView record) {
  auto decoded = envelope::Decode(record);
  if (!decoded.ok()) return;
  const envelope::Header& h = decoded->header;
  w.Key("claimed");
  w.StartObject();
  WriteHeaderMembers(w, h);
  w.EndObject();
}

}  // namespace

Result<std::unique_ptr<Quarantine>> Quarantine::Open(const std::string& dir) {
  CERTSHARE_RETURN_IF_ERROR(files::MakeDirs(dir));
  ::chmod(dir.c_str(), 0700);
  return std::unique_ptr<Quarantine>(new Quarantine(dir));
}

Result<std::string> Quarantine::Put(std::uint64_t sequence, ByteView record,
                                    const Status& why) {
  const crypto::Hash256 hash = crypto::Hash({record});
  const std::string hex = HexEncode(ByteView(hash.data(), hash.size()));
  char seq[32];
  std::snprintf(seq, sizeof seq, "%012llu", static_cast<unsigned long long>(sequence));
  const std::string base = std::string(seq) + "-" + hex.substr(0, 16);

  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("sequence");
  w.Uint64(sequence);
  w.Key("error");
  w.String(std::string(ErrorCodeName(why.code())));
  w.Key("code");
  w.Uint(static_cast<unsigned>(why.code()));
  w.Key("message");
  w.String(why.message());
  w.Key("quarantined_at");
  w.String(FormatTimestamp(NowMillis()));
  w.Key("record_file");
  w.String(base + ".record");
  w.Key("record_bytes");
  w.Uint64(record.size());
  w.Key("blake2b");
  w.String(hex);
  WriteClaimed(w, record);
  w.EndObject();
  std::string reason(buffer.GetString(), buffer.GetSize());
  reason.push_back('\n');

  CERTSHARE_RETURN_IF_ERROR(WriteOnce(
      dir_, base + ".record",
      std::string_view(reinterpret_cast<const char*>(record.data()), record.size())));
  CERTSHARE_RETURN_IF_ERROR(WriteOnce(dir_, base + ".json", reason));
  return dir_ + "/" + base + ".json";
}

}  // namespace certshare::agent
