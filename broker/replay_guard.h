// certshare::broker::ReplayGuard — each admin command is applied at most
// once (docs/protocol.md, "ADMIN"; docs/operations.md, "Changing the
// registry while the broker runs").
//
// A command is fresh while its issued_at_ms is within kAdminWindow of the
// broker's clock, either way; the guard remembers the nonce of every fresh
// command it admitted, and forgets it once the command could no longer be
// fresh. Opened on a file (the broker: `<data_dir>/certshare-admin-nonces`),
// it keeps the nonces there too, so a command captured and replayed after
// a restart is still refused:
//
//   certshare-admin-nonces-v1 LF
//   *( nonce SP issued-at-ms LF )     ; nonce: 32 hex digits, as received;
//                                     ; issued-at-ms: decimal, 1-20 digits
//
// written whole (temporary file, fsync, rename, directory fsync) before
// Admit returns OK: a command whose nonce could not be written is not
// admitted.
//
// Thread-safety: none; a ReplayGuard belongs to one thread (the broker's
// socket thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/base/status.h"

namespace certshare::broker {

// How far an admin command's issued_at_ms may be from the broker's clock,
// either way.
inline constexpr std::chrono::milliseconds kAdminWindow = std::chrono::minutes(5);
// The nonce file's name in the broker's data directory, and its first line
// (a file with another one is refused).
inline constexpr std::string_view kAdminNoncesFile = "certshare-admin-nonces";
inline constexpr std::string_view kAdminNoncesFormat = "certshare-admin-nonces-v1";

class ReplayGuard {
 public:
  // Most nonces remembered: at most this many commands per window.
  static constexpr std::size_t kMaxRemembered = 10000;

  // Remembers nonces in memory only (a broker without a data directory:
  // tests).
  ReplayGuard() = default;
  // Remembers nonces in `path` as well, starting from those it holds (none
  // when it does not exist; those no longer fresh at `now_ms` are
  // dropped). kCorruption naming the file if it is not a nonce file
  // (the broker does not start: delete it only once 5 minutes have passed
  // since the last admin command); kIoError if it cannot be read.
  static Result<ReplayGuard> Open(const std::string& path, std::uint64_t now_ms);

  // Refuses (kReplayed) a command issued more than kAdminWindow away from
  // `now_ms`, or whose nonce it has admitted before; kUnavailable when it
  // remembers kMaxRemembered nonces; kIoError if the nonce cannot be
  // written to the file (the command is refused, and its nonce stays
  // remembered in memory). Otherwise remembers the nonce until the
  // command could no longer be fresh, and returns OK.
  Status Admit(std::string_view nonce, std::uint64_t issued_at_ms, std::uint64_t now_ms);

 private:
  void ForgetStale(std::uint64_t now_ms);
  Status Save() const;

  std::string path_;                            // empty: memory only
  std::map<std::string, std::uint64_t> seen_;  // nonce -> issued_at_ms
};

}  // namespace certshare::broker
