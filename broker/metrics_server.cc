#include "broker/metrics_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <exception>
#include <system_error>
#include <thread>

namespace certshare::broker {

namespace {

constexpr const char* kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kTextContentType = "text/plain; charset=utf-8";

// Two workers: one Prometheus scrape and one `status` (or a second scraper)
// at a time. httplib's default is max(8, cores - 1) threads, far more than a
// loopback metrics endpoint needs.
constexpr std::size_t kWorkers = 2;

// SO_REUSEADDR lets a restarted broker bind while old connections sit in
// TIME_WAIT. httplib's default also sets SO_REUSEPORT, which would let a
// second broker bind the same port and take half the scrapes: not here.
void ApplySocketOptions(socket_t sock) {
  int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

std::string JoinHostPort(const std::string& host, int port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

Result<HostPort> ParseHostPort(std::string_view address) {
  auto bad = [&](const std::string& why) {
    return Status(ErrorCode::kInvalidArgument,
                  "address \"" + std::string(address) + "\" " + why +
                      " (expected host:port, e.g. 127.0.0.1:9464 "
                      "or [::1]:9464)");
  };
  std::size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return bad("has no port");
  std::string_view host = address.substr(0, colon);
  std::string_view port_text = address.substr(colon + 1);
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return bad("has an unclosed [");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("has an IPv6 host without brackets");
  }
  if (host.empty()) return bad("has no host");
  int port = -1;
  auto [end, ec] = std::from_chars(port_text.data(),
                                   port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() ||
      end != port_text.data() + port_text.size() || port < 0 || port > 65535) {
    return bad("has no valid port (0 to 65535)");
  }
  return HostPort{std::string(host), port};
}

struct MetricsServer::Impl {
  Impl(const Metrics& m, HealthCheck h) : metrics(m), health(std::move(h)) {
    Configure();
  }
  // Routes, thread pool, limits. REQUIRES: not yet listening.
  void Configure();

  const Metrics& metrics;
  HealthCheck health;
  httplib::Server server;
  std::thread thread;
  std::atomic<bool> listening_done{false};
  bool started = false;
  HostPort bound;
};

void MetricsServer::Impl::Configure() {
  server.new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
  server.set_socket_options(ApplySocketOptions);
  server.set_payload_max_length(4096);  // GET only: no request body is needed
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.Get(
      "/metrics", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(metrics.RenderPrometheus(), kPrometheusContentType);
      });
  server.Get("/healthz",
             [this](const httplib::Request&, httplib::Response& res) {
               Status s = health ? health() : Status::Ok();
               if (s.ok()) {
                 res.set_content("ok\n", kTextContentType);
               } else {
                 res.status = 503;
                 res.set_content(s.ToString() + "\n", kTextContentType);
               }
             });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404) {
      res.set_content("not found: the broker serves /metrics and /healthz\n",
                      kTextContentType);
    }
  });
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content("internal error\n", kTextContentType);
      });
}

MetricsServer::MetricsServer(const Metrics& metrics, HealthCheck health)
    : impl_(std::make_unique<Impl>(metrics, std::move(health))) {}

MetricsServer::~MetricsServer() { Stop(); }

Status MetricsServer::Start(const std::string& address) {
  if (impl_->started) {
    return Status(ErrorCode::kInternal,
                  "the metrics server was already started");
  }
  CERTSHARE_ASSIGN_OR_RETURN(HostPort where, ParseHostPort(address));

  httplib::Server& server = impl_->server;
  errno = 0;
  int port = where.port;
  bool bound = false;
  if (port == 0) {
    port = server.bind_to_any_port(where.host);
    bound = port > 0;
  } else {
    bound = server.bind_to_port(where.host, port);
  }
  if (!bound) {
    int err = errno;
    std::string why =
        err != 0 ? std::error_code(err, std::generic_category()).message()
                 : "the address does not resolve or bind";
    return Status(ErrorCode::kTransportError,
                  "cannot serve metrics on " + address + ": " + why +
                      (err == EADDRINUSE
                           ? " (another program, or another broker, uses this "
                             "port: change metrics_listen)"
                           : ""));
  }
  impl_->bound = HostPort{where.host, port};
  impl_->started = true;
  impl_->thread = std::thread([impl = impl_.get()] {
    impl->server.listen_after_bind();
    impl->listening_done = true;
  });
  return Status::Ok();
}

void MetricsServer::Stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  // httplib's stop() does nothing until the listening loop has started, so
  // wait for it (it starts at once: the socket is already bound).
  while (!impl_->server.is_running() && !impl_->listening_done) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!impl_->listening_done) impl_->server.stop();
  impl_->thread.join();
}

int MetricsServer::port() const {
  return impl_->started ? impl_->bound.port : 0;
}

std::string MetricsServer::address() const {
  return impl_->started ? JoinHostPort(impl_->bound.host, impl_->bound.port)
                        : std::string();
}

}  // namespace certshare::broker
