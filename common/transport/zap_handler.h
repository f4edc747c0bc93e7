// Private to certshare::transport: the ZAP (ZeroMQ RFC 27) handler that
// decides which CURVE clients a Server admits.
//
// Runs one thread with a REP socket on inproc://zeromq.zap.01 in the
// server's context. It must be started before the server socket binds and
// stopped before the context ends.
#pragma once

#include <atomic>
#include <thread>
#include <zmq.hpp>

#include "common/transport/transport.h"

namespace certshare::transport {

// The ZAP metadata property carrying an admitted client's CURVE public key
// (64 hex digits) on every message of its connection.
inline constexpr const char* kClientKeyProperty = "X-Client-Key";

class ZapHandler {
 public:
  ZapHandler(zmq::context_t& context, Authorize authorize);
  ~ZapHandler();  // stops and joins the thread
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  // Binds the ZAP endpoint and starts the thread.
  Status Start();

 private:
  void Run();
  void HandleRequest();

  zmq::context_t& context_;
  Authorize authorize_;
  zmq::socket_t socket_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace certshare::transport
