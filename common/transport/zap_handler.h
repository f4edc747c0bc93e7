// Private to certshare::transport: the ZAP (ZeroMQ RFC 27) handler that
// decides which CURVE clients a Server admits.
//
// Runs one thread with a REP socket on inproc://zeromq.zap.01 in the
// server's context. It must be started before the server socket binds and
// stopped before the context ends.
//
// Fails closed. libzmq admits CURVE clients *without authentication* when
// no ZAP handler is bound (the "Stonehouse" fallback; ZMQ_ZAP_ENFORCE_DOMAIN
// is a draft option Debian's libzmq lacks). So if the thread fails for any
// reason (an exception from `authorize`, a ZeroMQ error), its socket stays
// bound and unanswered — every handshake then waits and times out — and
// failure() says why, for the server to stop.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <zmq.hpp>

#include "common/base/log_throttle.h"
#include "common/base/mutex.h"
#include "common/transport/connection_table.h"
#include "common/transport/transport.h"

namespace certshare::transport {

// The ZAP metadata property carrying an admitted client's CURVE public key
// (64 hex digits) on every message of its connection.
inline constexpr const char* kClientKeyProperty = "X-Client-Key";

class ZapHandler {
 public:
  // `connections` counts each organisation's connections (may be shared
  // with the server's socket thread); it must outlive the handler.
  ZapHandler(zmq::context_t& context, Authorize authorize, ConnectionTable* connections);
  ~ZapHandler();  // stops and joins the thread
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  // Binds the ZAP endpoint and starts the thread.
  Status Start();

  // Why the handler stopped admitting, if it failed; nullopt while it
  // works (and after a normal stop). Thread-safe.
  std::optional<std::string> failure() const;

 private:
  void Run();
  void HandleRequest();
  // One line per kind of line throttle_ left out (handler thread).
  void LogSuppressed();
  void Fail(const std::string& why);

  zmq::context_t& context_;
  Authorize authorize_;
  ConnectionTable* connections_;
  zmq::socket_t socket_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  mutable Mutex failure_mu_;
  std::string failure_ GUARDED_BY(failure_mu_);
  LogThrottle throttle_;  // admissions and refusals, per address or organisation
  std::thread thread_;
};

}  // namespace certshare::transport
