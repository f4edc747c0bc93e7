#include "broker/quarantine.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <charconv>
#include <filesystem>
#include <system_error>

#include "broker/admin_command.h"
#include "broker/line_file.h"
#include "common/base/file_util.h"
#include "common/identity/identity.h"

namespace certshare::broker {

namespace {

constexpr std::size_t kMaxFileBytes = 1u << 20;

bool ParseNumber(std::string_view text, std::uint64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size();
}

// One "<org> <since> <until> <first> <last> <made>" line.
bool ParseLine(std::string_view line, std::string* org, Hold* hold) {
  std::array<std::string_view, 6> fields;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::size_t space = line.find(' ');
    const bool last_field = i + 1 == fields.size();
    if (last_field != (space == std::string_view::npos)) return false;
    fields[i] = line.substr(0, space);
    if (!last_field) line.remove_prefix(space + 1);
  }
  *org = std::string(fields[0]);
  if (!identity::IsValidOrgId(*org)) return false;
  std::array<std::uint64_t*, 5> numbers = {&hold->since_ms, &hold->until_ms, &hold->first,
                                           &hold->last, &hold->made_ms};
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    if (!ParseNumber(fields[i + 1], numbers[i])) return false;
  }
  if (hold->first == 0) return false;
  if (hold->open()) return hold->last == 0;
  return hold->until_ms >= hold->since_ms && hold->last + 1 >= hold->first;
}

}  // namespace

Result<Quarantine> Quarantine::Parse(std::string_view text) {
  auto corrupt = [](const std::string& why) {
    return Status(ErrorCode::kCorruption, "not a quarantine file of certshare-broker (" + why +
                                              ")");
  };
  Quarantine quarantine;
  std::optional<std::string> why = ReadLineFile(
      text, kQuarantineFormat,
      [&quarantine](std::size_t number, std::string_view line) -> std::optional<std::string> {
        std::string org;
        Hold hold;
        if (!ParseLine(line, &org, &hold)) return "line " + std::to_string(number) + " is not a hold";
        if (!quarantine.holds_.emplace(std::move(org), hold).second) {
          return "line " + std::to_string(number) + " holds an organisation again";
        }
        return std::nullopt;
      });
  if (why) return corrupt(*why);
  return quarantine;
}

Result<Quarantine> Quarantine::Open(const std::string& path) {
  std::error_code error;
  const bool exists = std::filesystem::exists(path, error);
  if (error) {
    return Status(ErrorCode::kIoError, "cannot look for " + path + ": " + error.message());
  }
  Quarantine quarantine;
  if (exists) {
    CERTSHARE_ASSIGN_OR_RETURN(std::string text, files::Read(path, kMaxFileBytes));
    Result<Quarantine> parsed = Parse(text);
    if (!parsed.ok()) {
      return parsed.status().WithContext(
          path + " (it lists the origins whose records the operator withheld; restore it from "
                 "a backup, or delete it and make the holds again)");
    }
    quarantine = std::move(*parsed);
  }
  quarantine.path_ = path;
  return quarantine;
}

std::string Quarantine::Serialize() const {
  std::string text = std::string(kQuarantineFormat) + "\n";
  for (const auto& [org, h] : holds_) {
    text += org + " " + std::to_string(h.since_ms) + " " + std::to_string(h.until_ms) + " " +
            std::to_string(h.first) + " " + std::to_string(h.last) + " " +
            std::to_string(h.made_ms) + "\n";
  }
  return text;
}

Status Quarantine::Save(const std::map<std::string, Hold, std::less<>>& holds) const {
  if (path_.empty()) return Status::Ok();
  Quarantine next;
  next.holds_ = holds;
  if (next.Serialize().size() > kMaxFileBytes) {
    return Status(ErrorCode::kUnavailable, "too many holds (the file would pass 1 MiB)");
  }
  return files::WriteAtomic(path_, next.Serialize(), 0600);
}

Status Quarantine::Set(const std::string& org, const Hold& hold) {
  std::map<std::string, Hold, std::less<>> next = holds_;
  next[org] = hold;
  CERTSHARE_RETURN_IF_ERROR(Save(next));
  holds_ = std::move(next);
  return Status::Ok();
}

Status Quarantine::Release(const std::string& org) {
  std::map<std::string, Hold, std::less<>> next = holds_;
  if (next.erase(org) == 0) {
    return Status(ErrorCode::kNotFound, "no records of " + org + " are withheld");
  }
  CERTSHARE_RETURN_IF_ERROR(Save(next));
  holds_ = std::move(next);
  return Status::Ok();
}

std::string Quarantine::ToJson() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  for (const auto& [org, h] : holds_) {
    w.StartObject();
    w.Key("org");
    w.String(org);
    w.Key("since");
    w.String(Rfc3339(h.since_ms));
    if (!h.open()) {
      w.Key("until");
      w.String(Rfc3339(h.until_ms));
    }
    w.Key("first_sequence");
    w.Uint64(h.first);
    if (!h.open()) {
      w.Key("last_sequence");
      w.Uint64(h.last);
    }
    w.Key("made");
    w.String(Rfc3339(h.made_ms));
    w.EndObject();
  }
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace certshare::broker
