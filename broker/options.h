// certshare::broker::Options — everything the broker is told by its
// operator, with defaults beside the fields. Only main() reads the config
// file; ParseConfig turns its text into Options and checks all of it
// before anything starts (certshare-broker --check-config).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/base/status.h"

namespace certshare::broker {

struct Options {
  // ZeroMQ endpoint to bind. Default loopback port 7700; use
  // "tcp://0.0.0.0:7700" to serve other hosts, "tcp://127.0.0.1:*" for an
  // ephemeral port (tests).
  std::string listen = "tcp://127.0.0.1:7700";
  // The broker's own secret identity file (certshare keygen); only its
  // transport key pair is used: it is the CURVE server key. Required.
  std::string identity;
  // Registry of organisations (JSON, docs/identity.md). Required.
  std::string registry;
  // RocksDB directory for the record log. Required; created on first start.
  std::string data_dir;
  // Largest record accepted, in bytes. Default 1 MiB; larger records are
  // refused with RECORD_TOO_LARGE. Raise it for big bundles.
  std::size_t max_record_bytes = 1u << 20;
  // If set, the bound endpoint is written here once listening (useful with
  // an ephemeral port). Default: none.
  std::string endpoint_file;
};

// Parses the JSON config. Relative paths are resolved against `base_dir`
// (the config file's folder). kInvalidConfig names every problem found.
Result<Options> ParseConfig(std::string_view text, const std::string& base_dir);

}  // namespace certshare::broker
