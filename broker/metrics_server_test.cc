#include "broker/metrics_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "common/base/testing.h"

namespace certshare::broker {
namespace {

httplib::Result Get(const MetricsServer& server, const std::string& path) {
  httplib::Client client("127.0.0.1", server.port());
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  return client.Get(path);
}

TEST(ParseHostPortTest, AcceptsHostsAndPorts) {
  struct Case {
    const char* text;
    const char* host;
    int port;
  };
  for (const Case& c : {Case{"127.0.0.1:9464", "127.0.0.1", 9464},
                        Case{"0.0.0.0:0", "0.0.0.0", 0},
                        Case{"localhost:65535", "localhost", 65535},
                        Case{"[::1]:9464", "::1", 9464},
                        Case{"[fe80::1%eth0]:80", "fe80::1%eth0", 80}}) {
    Result<HostPort> parsed = ParseHostPort(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->host, c.host) << c.text;
    EXPECT_EQ(parsed->port, c.port) << c.text;
  }
}

TEST(ParseHostPortTest, RefusesWhatIsNotHostPort) {
  for (const char* bad :
       {"", "127.0.0.1", ":9464", "127.0.0.1:", "127.0.0.1:-1",
        "127.0.0.1:65536", "127.0.0.1:94x", "::1:9464", "[::1:9464", "[]:9464",
        "http://127.0.0.1:9464", "127.0.0.1: 9464"}) {
    Result<HostPort> parsed = ParseHostPort(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_NE(parsed.status().message().find("host:port"), std::string::npos)
        << parsed.status().ToString();
  }
}

TEST(MetricsServerTest, ServesPrometheusTextOnAnEphemeralPort) {
  Metrics metrics;
  metrics.RecordRefused(ErrorCode::kBadSignature);
  MetricsServer server(metrics);
  EXPECT_EQ(server.port(), 0);
  ASSERT_OK(server.Start("127.0.0.1:0"));
  ASSERT_GT(server.port(), 0);
  EXPECT_EQ(server.address(), "127.0.0.1:" + std::to_string(server.port()));

  httplib::Result res = Get(server, "/metrics");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"),
            "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(res->body, metrics.RenderPrometheus());
  EXPECT_NE(res->body.find(
                "certshare_records_refused_total{code=\"BAD_SIGNATURE\"} 1\n"),
            std::string::npos);

  // Figures are read at each request.
  metrics.RecordReceived();
  res = Get(server, "/metrics");
  ASSERT_TRUE(res);
  EXPECT_NE(res->body.find("certshare_records_received_total 1\n"),
            std::string::npos);
}

TEST(MetricsServerTest, HealthzFollowsTheHealthCheck) {
  Metrics metrics;
  std::atomic<bool> healthy{true};
  MetricsServer server(metrics, [&healthy] {
    return healthy ? Status::Ok()
                   : Status(ErrorCode::kUnavailable,
                            "the log is in a failed state");
  });
  ASSERT_OK(server.Start("127.0.0.1:0"));
  httplib::Result res = Get(server, "/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "ok\n");
  healthy = false;
  res = Get(server, "/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->body, "UNAVAILABLE (402): the log is in a failed state\n");
}

TEST(MetricsServerTest, HealthzWithoutACheckIsOk) {
  Metrics metrics;
  MetricsServer server(metrics);
  ASSERT_OK(server.Start("127.0.0.1:0"));
  httplib::Result res = Get(server, "/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST(MetricsServerTest, AnythingElseIsNotFound) {
  Metrics metrics;
  MetricsServer server(metrics);
  ASSERT_OK(server.Start("127.0.0.1:0"));
  for (const char* path : {"/", "/metrics/x", "/Metrics", "/../etc/passwd"}) {
    httplib::Result res = Get(server, path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->body.find("certshare_"), std::string::npos) << path;
  }
  httplib::Client client("127.0.0.1", server.port());
  httplib::Result post = client.Post("/metrics", "x", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_NE(post->status, 200);
}

TEST(MetricsServerTest, PortInUseIsAClearError) {
  Metrics metrics;
  MetricsServer first(metrics);
  ASSERT_OK(first.Start("127.0.0.1:0"));
  MetricsServer second(metrics);
  Status s = second.Start("127.0.0.1:" + std::to_string(first.port()));
  EXPECT_EQ(s.code(), ErrorCode::kTransportError) << s.ToString();
  EXPECT_NE(s.message().find("Address already in use"), std::string::npos)
      << s.ToString();
  EXPECT_NE(s.message().find("metrics_listen"), std::string::npos)
      << s.ToString();
  EXPECT_EQ(second.port(), 0);
  second.Stop();  // nothing to stop
  // The first one still serves.
  EXPECT_TRUE(Get(first, "/metrics"));
}

TEST(MetricsServerTest, BadAddressesAreRefusedBeforeBinding) {
  Metrics metrics;
  MetricsServer server(metrics);
  EXPECT_CODE(server.Start("9464"), ErrorCode::kInvalidArgument);
  EXPECT_CODE(server.Start("127.0.0.1:99999"), ErrorCode::kInvalidArgument);
  // Not an address of this host.
  Status s = server.Start("192.0.2.1:0");
  EXPECT_EQ(s.code(), ErrorCode::kTransportError) << s.ToString();
  EXPECT_NE(s.message().find("192.0.2.1:0"), std::string::npos) << s.ToString();
}

TEST(MetricsServerTest, StartsOnlyOnce) {
  Metrics metrics;
  MetricsServer server(metrics);
  ASSERT_OK(server.Start("127.0.0.1:0"));
  EXPECT_CODE(server.Start("127.0.0.1:0"), ErrorCode::kInternal);
}

TEST(MetricsServerTest, StopClosesThePortAndIsIdempotent) {
  Metrics metrics;
  MetricsServer server(metrics);
  ASSERT_OK(server.Start("127.0.0.1:0"));
  int port = server.port();
  ASSERT_TRUE(Get(server, "/healthz"));
  server.Stop();
  server.Stop();
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2, 0);
  EXPECT_FALSE(client.Get("/healthz"));
  // The port is free again at once (SO_REUSEADDR).
  MetricsServer again(metrics);
  ASSERT_OK(again.Start("127.0.0.1:" + std::to_string(port)));
}

// Stop straight after Start must not hang (httplib ignores stop() until its
// loop runs), nor must destruction without Stop.
TEST(MetricsServerTest, StopRightAfterStartNeverHangs) {
  Metrics metrics;
  for (int i = 0; i < 50; ++i) {
    MetricsServer server(metrics);
    ASSERT_OK(server.Start("127.0.0.1:0"));
    if (i % 2 == 0) server.Stop();
  }
}

TEST(MetricsServerTest, ServesIpv6LoopbackWhenTheHostHasIt) {
  Metrics metrics;
  MetricsServer server(metrics);
  Status s = server.Start("[::1]:0");
  if (!s.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << s.ToString();
  EXPECT_EQ(server.address(), "[::1]:" + std::to_string(server.port()));
  httplib::Client client("::1", server.port());
  httplib::Result res = client.Get("/healthz");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
}

TEST(MetricsServerTest, ServesSeveralClientsAtOnce) {
  Metrics metrics;
  MetricsServer server(metrics);
  ASSERT_OK(server.Start("127.0.0.1:0"));
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 6; ++t) {
    clients.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        httplib::Result res = Get(server, "/metrics");
        if (res && res->status == 200) ++ok;
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok, 60);
}

}  // namespace
}  // namespace certshare::broker
