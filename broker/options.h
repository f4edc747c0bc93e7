// certshare::broker::Options — everything the broker is told by its
// operator, with defaults beside the fields. Only main() reads the config
// file; ParseConfig turns its text into Options and checks all of it
// before anything starts (certshare-broker --check-config).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/status.h"
#include "common/wire/frame.h"

namespace certshare::broker {

struct Options {
  // ZeroMQ endpoint to bind. Default loopback port 7700; use
  // "tcp://0.0.0.0:7700" to serve other hosts, "tcp://127.0.0.1:*" for an
  // ephemeral port (tests).
  std::string listen = "tcp://127.0.0.1:7700";
  // The broker's own secret identity file (certshare keygen); only its
  // transport key pair is used: it is the CURVE server key. Required.
  std::string identity;
  // Registry of organisations. Without `root` (local mode): the unsigned
  // registry file (JSON, docs/identity.md), required. With `root`
  // (federation mode): a signed registry version file (docs/trust.md) to
  // start from, applied when it is newer than what the data directory
  // holds; optional once the data directory holds a version.
  std::string registry;
  // Federation mode (docs/trust.md, "Operation"): the federation's first
  // root (root.json, version 1 or the version the federation hands new
  // brokers), pinned after checking its root keys' fingerprints out of
  // band. The broker then admits, routes and verifies with the latest
  // signed registry version it has verified (kept in <data_dir>/trust/),
  // serves the chain to agents (TRUST_GET) and changes it only by `admin
  // apply`. Default: none (local mode).
  std::string root;
  // Federation mode only: unsigned cards (a registry file, docs/identity.md)
  // of organisations homed at this broker that the federation registry does
  // not list. A card whose id the federation registry holds is refused
  // (INVALID_CONFIG at start). Default: none.
  std::string local_registry;
  // Federation mode: this broker's name, as the registry's "home_broker"
  // spells it (1-64 of A-Z a-z 0-9 . _ -). When set, an organisation of the
  // federation registry homed at another broker is refused
  // (NOT_AUTHORIZED). Default: none (no organisation is refused for its
  // home broker).
  std::string name;
  // RocksDB directory for the record log. Required; created on first start.
  std::string data_dir;
  // Largest record accepted, in bytes. Default 1 MiB; larger records are
  // refused with RECORD_TOO_LARGE. Raise it for big bundles.
  std::size_t max_record_bytes = 1u << 20;
  // Threads verifying signatures. Default 0: one per core. Lower it to
  // leave cores to other services on the host.
  int ingest_workers = 0;
  // --- Memory limits (docs/broker.md, "Limits"). ---
  // Bytes of records the broker holds for all its peers together, from
  // their PUBLISH until their ACK or ERROR. When records in flight come
  // within one largest frame of it, the broker stops reading requests
  // until some are acknowledged. Default 256 MiB; at least
  // max_buffered_bytes_per_org.
  std::uint64_t max_buffered_bytes = 256ull << 20;
  // The same, for one organisation: a PUBLISH that would pass it is
  // refused with BUSY (the agent sends it again later), and other
  // organisations are served meanwhile. Default 32 MiB; at least twice
  // max_record_bytes.
  std::uint64_t max_buffered_bytes_per_org = 32ull << 20;
  // Connections one organisation may hold at once; a handshake beyond it
  // is refused (the agent retries). Default 16: a CERT's sensors,
  // feeds and commands; raise it for an organisation that runs more.
  int max_connections_per_org = 16;
  // Bytes queued for one connection, each way: the broker sets ZeroMQ's
  // high-water marks to this divided by the largest frame (see QueuesFor;
  // default 16 MiB: 7 of the largest PUBLISH frames read, 15 DELIVERs of
  // 1 MiB records), and replies that meet a full ZeroMQ queue wait in the
  // broker up to this much more, then are dropped. Queues this short in
  // frames cost throughput with small records (docs/broker.md, "Limits",
  // has the measurements: 8 MiB halved a subscriber's catch-up); raise it
  // for more, at the cost of memory (per connection: about three times
  // this).
  std::uint64_t connection_queue_bytes = 16ull << 20;
  // Bytes of the records stored last that the fan-out keeps in memory,
  // decoded, to serve subscribers at the head without reading storage
  // (broker/tail.h). 0 serves every subscriber from storage.
  std::uint64_t fanout_tail_bytes = 64ull << 20;
  // Organisations that receive TLP:GREEN records. Default empty: every
  // registered organisation is the community. Set it when the broker serves
  // several communities' members but GREEN should stay within one.
  std::vector<std::string> green_community;
  // The broker PINGs a subscriber it has not heard from for this long.
  // Default 5 s.
  int heartbeat_interval_ms = 5000;
  // A peer silent for this long is considered dead: its subscription is
  // closed and its resources released. Default 15 s; must exceed the
  // interval. Raise it for links with long stalls.
  int heartbeat_timeout_ms = 15000;
  // Retention: records received longer ago than this are removed. Default
  // 0: keep forever.
  std::uint64_t retention_max_age_seconds = 0;
  // Retention: the oldest records are removed while stored records exceed
  // this many bytes. Default 0: no limit.
  std::uint64_t retention_max_bytes = 0;
  // How often retention runs. Default 60 s.
  int retention_interval_seconds = 60;
  // HTTP address ("host:port", IPv6 as "[::1]:9464") serving Prometheus
  // metrics at /metrics and a health check at /healthz; `certshare-broker
  // status` reads it. Default loopback "127.0.0.1:9464"; "" disables it.
  // No authentication or TLS: bind a management-network address for a
  // remote Prometheus, never one that agents or the Internet reach.
  std::string metrics_listen = "127.0.0.1:9464";
  // If set, the bound endpoint is written here once listening (useful with
  // an ephemeral port). Default: none.
  std::string endpoint_file;
  // The public card of the broker's operator (an identity made with
  // `certshare keygen --org OPERATOR`), which enables runtime registry
  // changes: `certshare-broker admin` connects with the operator's
  // transport key and signs each command with its signing key
  // (docs/operations.md). Changes are written back to `registry`, so the
  // broker must be able to replace that file. Default: none, and admin
  // is disabled (the operator's key is not even admitted).
  std::string operator_card;
  // How much the broker logs: "trace" (every delivery), "debug" (every
  // connection and stored record, by id), "info" (default: start, stop,
  // subscriptions, refusals, admin), "warn", "error" or "off". No level
  // logs a key or a payload. `--log-level` overrides it.
  std::string log_level = "info";
};

// What the settings make of ZeroMQ's queues for one connection
// (docs/broker.md, "Limits", has the arithmetic).
struct ConnectionQueues {
  // The largest frame read (ZMQ_MAXMSGSIZE, less CURVE's framing): a
  // PUBLISH of a record of max_record_bytes plus a margin of as much again
  // (at least 64 KiB), so that a record somewhat over the limit is still
  // read and answered RECORD_TOO_LARGE; a larger frame is dropped unread
  // and the connection closed.
  std::int64_t max_frame_bytes = 0;
  // ZMQ_RCVHWM: connection_queue_bytes / max_frame_bytes, at least 1,
  // plus 1 (libzmq counts the connection's ZAP credential against it for
  // as long as the connection lives): at most receive_hwm - 1 frames wait,
  // and one more is being read.
  int receive_hwm = 2;
  // ZMQ_SNDHWM: connection_queue_bytes / the largest DELIVER
  // (max_record_bytes + 20), at least 1.
  int send_hwm = 1;
};
ConnectionQueues QueuesFor(const Options& options);

// Whether `level` is one of the names log_level accepts.
bool IsLogLevel(std::string_view level);

// Parses the JSON config. Relative paths are resolved against `base_dir`
// (the config file's folder). kInvalidConfig names every problem found.
Result<Options> ParseConfig(std::string_view text, const std::string& base_dir);

}  // namespace certshare::broker
