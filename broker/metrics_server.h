// certshare::broker::MetricsServer — serves the broker's Metrics over HTTP
// (cpp-httplib) for Prometheus and for `certshare-broker status`:
//
//   GET /metrics   the Prometheus text format, version 0.0.4
//                  (Content-Type: text/plain; version=0.0.4; charset=utf-8)
//   GET /healthz   200 "ok", or 503 and the reason when the health check
//                  given to the constructor fails
//
// Anything else gets 404. There is no authentication and no TLS: bind it to
// loopback (the default, 127.0.0.1:9464) or a management network only.
//
// Thread-safety: Start and Stop are called from one thread (main). Requests
// are served on the server's own threads (at most two at once), which only
// read `metrics` (thread-safe) and call `health`.
// Lifetime: `metrics` must outlive the server; the destructor stops it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "broker/metrics.h"
#include "common/base/status.h"

namespace certshare::broker {

// A host (name, IPv4 address, or IPv6 address in brackets) and a TCP port.
struct HostPort {
  std::string host;  // brackets removed: "::1"
  int port = 0;      // 0: pick a free port (tests)
};

// Parses "127.0.0.1:9464", "[::1]:9464", "localhost:9464", "0.0.0.0:0".
// kInvalidArgument saying what is wrong (no port, port out of range, ...).
Result<HostPort> ParseHostPort(std::string_view address);

class MetricsServer {
 public:
  // OK when the broker is healthy; anything else turns /healthz into 503
  // with the status as the body. Called on a server thread: must be
  // thread-safe and quick.
  using HealthCheck = std::function<Status()>;

  explicit MetricsServer(const Metrics& metrics, HealthCheck health = nullptr);
  ~MetricsServer();  // Stop()
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds `address` ("host:port", see ParseHostPort) on the calling thread,
  // so that every error comes back here, then serves on a thread of its
  // own. Errors: kInvalidArgument (not host:port), kTransportError (cannot
  // bind: port in use, address not on this host, permission), kInternal
  // (called twice). A port in use by another process is an error: the
  // socket is bound without SO_REUSEPORT, so two brokers never silently
  // share a port.
  Status Start(const std::string& address);

  // Stops accepting, finishes the requests being served and joins the
  // server's threads. Idempotent; does nothing if Start did not succeed.
  void Stop();

  // The bound port (the real one when the address asked for port 0);
  // 0 before Start.
  int port() const;
  // The bound address as "host:port" (IPv6 hosts in brackets); empty
  // before Start.
  std::string address() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace certshare::broker
