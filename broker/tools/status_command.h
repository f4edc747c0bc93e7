// certshare-broker status: asks a running broker for its metrics (GET
// /metrics on its metrics_listen address) and prints them for a person,
// as RenderText (metrics_text.h) does.
//
// Exit statuses (returned, for main to return):
//   0  the figures were printed on `out`
//   1  nothing could be fetched: the broker is not running, its metrics are
//      disabled or on another address, or what answered is not a certshare
//      broker; one line on `err` says which
//   2  `metrics_address` is not host:port
#pragma once

#include <iosfwd>
#include <string>

#include "common/base/status.h"

namespace certshare::broker {

// The exposition text served at http://<metrics_address>/metrics. Errors:
// kInvalidArgument (not host:port), kUnavailable (no connection, no
// answer within a few seconds, or an answer that is not a certshare
// broker's metrics).
Result<std::string> FetchMetrics(const std::string& metrics_address);

int RunStatus(const std::string& metrics_address, std::ostream& out,
              std::ostream& err);
// Prints on standard output and standard error.
int RunStatus(const std::string& metrics_address);

}  // namespace certshare::broker
