#include "broker/tools/status_command.h"

#include <httplib.h>

#include <iostream>

#include "broker/metrics_server.h"
#include "broker/tools/metrics_text.h"

namespace certshare::broker {

namespace {

// A loopback broker answers in microseconds; these only bound how long a
// person waits for a broker that is wedged or a firewall that drops.
constexpr int kConnectTimeoutSeconds = 2;
constexpr int kReadTimeoutSeconds = 5;

}  // namespace

Result<std::string> FetchMetrics(const std::string& metrics_address) {
  CERTSHARE_ASSIGN_OR_RETURN(HostPort where, ParseHostPort(metrics_address));
  const std::string url = "http://" + metrics_address + "/metrics";
  httplib::Client client(where.host, where.port);
  client.set_connection_timeout(kConnectTimeoutSeconds, 0);
  client.set_read_timeout(kReadTimeoutSeconds, 0);
  client.set_keep_alive(false);
  httplib::Result res = client.Get("/metrics");
  if (!res) {
    return Status(ErrorCode::kUnavailable,
                  "no answer from " + url + " (" +
                      httplib::to_string(res.error()) +
                      "): is the broker running, with metrics_listen set to "
                      "this address?");
  }
  if (res->status != 200) {
    return Status(ErrorCode::kUnavailable,
                  url + " answered HTTP " + std::to_string(res->status) +
                      ": is this a certshare broker's metrics address?");
  }
  if (res->body.find("certshare_records_received_total") == std::string::npos) {
    return Status(ErrorCode::kUnavailable,
                  url + " answered, but not with a certshare broker's metrics");
  }
  return std::move(res->body);
}

int RunStatus(const std::string& metrics_address, std::ostream& out,
              std::ostream& err) {
  Result<std::string> exposition = FetchMetrics(metrics_address);
  if (!exposition.ok()) {
    err << "certshare-broker: " << exposition.status().ToString() << "\n";
    return exposition.status().code() == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  out << "certshare-broker status (http://" << metrics_address << "/metrics)\n"
      << RenderTextFromPrometheus(*exposition);
  return 0;
}

int RunStatus(const std::string& metrics_address) {
  return RunStatus(metrics_address, std::cout, std::cerr);
}

}  // namespace certshare::broker
