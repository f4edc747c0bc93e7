#include "agent/sensor/position_file.h"

#include <rapidjson/document.h>

#include <filesystem>

#include "common/base/bytes.h"
#include "common/base/file_util.h"
#include "common/base/json.h"
#include "common/crypto/keys.h"

namespace certshare::agent::sensor {

namespace {

constexpr char kFormat[] = "certshare-sensor-position-v1";

std::string Absolute(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

bool GetUint64(const rapidjson::Value& doc, const char* name, std::uint64_t* out) {
  const rapidjson::Value* v = json::Member(doc, name);
  if (v == nullptr || !v->IsUint64()) return false;
  *out = v->GetUint64();
  return true;
}

}  // namespace

std::string PositionFilePath(const std::string& spool_dir, const std::string& input) {
  const crypto::Hash256 hash = crypto::Hash({AsBytes(Absolute(input))});
  return spool_dir + "/sensor-positions/" + HexEncode(ByteView(hash.data(), 8)) + ".json";
}

Result<std::optional<FilePosition>> LoadPosition(const std::string& file,
                                                 const std::string& input) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::optional<FilePosition>();
  CERTSHARE_ASSIGN_OR_RETURN(std::string text, files::Read(file, 64 * 1024));
  rapidjson::Document doc;
  std::string format, saved_input;
  FilePosition position;
  if (!json::Parse(text, &doc).ok() || !doc.IsObject() ||
      !json::GetString(doc, "format", &format) || format != kFormat ||
      !json::GetString(doc, "input", &saved_input) || !GetUint64(doc, "dev", &position.dev) ||
      !GetUint64(doc, "ino", &position.ino) || !GetUint64(doc, "offset", &position.offset)) {
    return Status(ErrorCode::kCorruption, "the sensor position file " + file + " is damaged");
  }
  if (saved_input != Absolute(input)) {
    return Status(ErrorCode::kCorruption, "the sensor position file " + file + " is for " +
                                              saved_input + ", not " + Absolute(input));
  }
  return std::optional<FilePosition>(position);
}

Status SavePosition(const std::string& file, const std::string& input,
                    const FilePosition& position) {
  CERTSHARE_RETURN_IF_ERROR(
      files::MakeDirs(std::filesystem::path(file).parent_path().string()));
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  const std::string abs = Absolute(input);
  doc.AddMember("format", rapidjson::Value(kFormat, a), a);
  doc.AddMember("input", rapidjson::Value(abs.c_str(), static_cast<rapidjson::SizeType>(abs.size()), a), a);
  doc.AddMember("dev", position.dev, a);
  doc.AddMember("ino", position.ino, a);
  doc.AddMember("offset", position.offset, a);
  return files::WriteAtomic(file, json::Write(doc) + "\n", 0600);
}

}  // namespace certshare::agent::sensor
