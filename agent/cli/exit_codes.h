// Exit statuses of the certshare command (documented in docs/agent.md).
// Scripts depend on them: never renumber.
#pragma once

namespace certshare::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;        // anything not listed below
inline constexpr int kExitUsage = 2;          // bad flags or arguments
inline constexpr int kExitInvalidInput = 3;   // the file, STIX, keys or config
inline constexpr int kExitRefused = 4;        // the broker refused the request
inline constexpr int kExitUnreachable = 5;    // no answer, or the handshake failed
inline constexpr int kExitVerifyFailed = 6;   // a received record failed verification
inline constexpr int kExitSpoolFull = 7;      // the spool is at its limit: nothing accepted
inline constexpr int kExitTakenOver = 8;      // subscribe: another connection took the
                                              // durable subscription over (--take-over)
inline constexpr int kExitStoredDiffers = 9;  // the broker holds another version with this id
                                              // and modified; this one was not stored
inline constexpr int kExitInterrupted = 130;  // Ctrl-C (SIGINT) or SIGTERM while forwarding:
                                              // the records stay spooled

}  // namespace certshare::cli
