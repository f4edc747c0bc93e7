#include "broker/replay_guard.h"

#include <cctype>
#include <charconv>
#include <filesystem>
#include <system_error>

#include "broker/admin_command.h"
#include "broker/line_file.h"
#include "common/base/file_util.h"

namespace certshare::broker {

namespace {

constexpr auto kWindowMs = static_cast<std::uint64_t>(kAdminWindow.count());

bool IsNonce(std::string_view text) {
  if (text.size() != 32) return false;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// One "<nonce> <issued_at_ms>" line.
bool ParseLine(std::string_view line, std::string* nonce, std::uint64_t* issued_at_ms) {
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos || !IsNonce(line.substr(0, space))) return false;
  const std::string_view number = line.substr(space + 1);
  if (number.empty() || number.size() > 20) return false;
  auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), *issued_at_ms);
  if (error != std::errc() || end != number.data() + number.size()) return false;
  *nonce = std::string(line.substr(0, space));
  return true;
}

}  // namespace

Result<ReplayGuard> ReplayGuard::Open(const std::string& path, std::uint64_t now_ms) {
  ReplayGuard guard;
  guard.path_ = path;
  std::error_code error;
  const bool exists = std::filesystem::exists(path, error);
  if (error) {
    return Status(ErrorCode::kIoError, "cannot look for " + path + ": " + error.message());
  }
  if (!exists) return guard;
  CERTSHARE_ASSIGN_OR_RETURN(std::string text, files::Read(path, 1u << 20));
  auto corrupt = [&path](const std::string& why) {
    return Status(ErrorCode::kCorruption,
                  path + " is not a nonce file of certshare-broker (" + why +
                      "); it keeps admin commands from being replayed: if it was damaged, "
                      "delete it once 5 minutes have passed since the last admin command");
  };
  std::optional<std::string> why = ReadLineFile(
      text, kAdminNoncesFormat,
      [&guard](std::size_t number, std::string_view line) -> std::optional<std::string> {
        std::string nonce;
        std::uint64_t issued_at_ms = 0;
        if (!ParseLine(line, &nonce, &issued_at_ms)) {
          return "line " + std::to_string(number) + " is not a nonce and a time";
        }
        guard.seen_[nonce] = issued_at_ms;
        return std::nullopt;
      });
  if (why) return corrupt(*why);
  guard.ForgetStale(now_ms);
  return guard;
}

void ReplayGuard::ForgetStale(std::uint64_t now_ms) {
  // Anything issued before now - window can no longer be fresh.
  for (auto it = seen_.begin(); it != seen_.end();) {
    it = it->second + kWindowMs < now_ms ? seen_.erase(it) : std::next(it);
  }
}

Status ReplayGuard::Admit(std::string_view nonce, std::uint64_t issued_at_ms,
                          std::uint64_t now_ms) {
  std::uint64_t skew = issued_at_ms > now_ms ? issued_at_ms - now_ms : now_ms - issued_at_ms;
  if (skew > kWindowMs) {
    return Status(ErrorCode::kReplayed,
                  "the admin command was issued at " + Rfc3339(issued_at_ms) + ", more than " +
                      std::to_string(kWindowMs / 60000) + " minutes from the broker's clock (" +
                      Rfc3339(now_ms) + "): issue it again, and check both clocks");
  }
  ForgetStale(now_ms);
  if (seen_.count(std::string(nonce)) > 0) {
    return Status(ErrorCode::kReplayed, "this admin command (nonce " + std::string(nonce) +
                                            ") was already received; it is applied only once");
  }
  if (seen_.size() >= kMaxRemembered) {
    return Status(ErrorCode::kUnavailable,
                  "too many admin commands in the last " + std::to_string(kWindowMs / 60000) +
                      " minutes; try again later");
  }
  seen_.emplace(std::string(nonce), issued_at_ms);
  Status saved = Save();
  if (!saved.ok()) {
    return saved.WithContext("the admin command was not applied: its nonce could not be "
                             "recorded against a replay");
  }
  return Status::Ok();
}

Status ReplayGuard::Save() const {
  if (path_.empty()) return Status::Ok();
  std::string text = std::string(kAdminNoncesFormat) + "\n";
  for (const auto& [nonce, issued_at_ms] : seen_) {
    text += nonce + " " + std::to_string(issued_at_ms) + "\n";
  }
  return files::WriteAtomic(path_, text, 0600);
}

}  // namespace certshare::broker
