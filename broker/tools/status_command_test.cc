// `certshare-broker status` (broker/tools/status_command.h) against a
// broker's metrics endpoint (broker/metrics_server.h).
#include "broker/tools/status_command.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <sstream>
#include <string>
#include <thread>

#include "broker/metrics.h"
#include "broker/metrics_server.h"
#include "broker/tools/metrics_text.h"
#include "common/base/testing.h"

namespace certshare::broker {
namespace {

TEST(StatusCommandTest, PrintsTheRunningBrokersFigures) {
  Metrics metrics;
  metrics.RecordReceived();
  metrics.RecordsStored(1);
  metrics.RecordRefused(ErrorCode::kNotRecipient);
  metrics.SetLag("CERT-UA/soc", 4);
  MetricsServer server(metrics);
  ASSERT_OK(server.Start("127.0.0.1:0"));
  std::ostringstream out, err;
  EXPECT_EQ(RunStatus(server.address(), out, err), 0) << err.str();
  EXPECT_EQ(err.str(), "");
  std::string text = out.str();
  EXPECT_EQ(text.rfind("certshare-broker status (http://" + server.address() +
                           "/metrics)\n",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("  received               1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("    NOT_RECIPIENT        1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  CERT-UA/soc            0 / 4\n"), std::string::npos)
      << text;
  // The same as the broker's own RenderText.
  EXPECT_NE(text.find(RenderText(metrics)), std::string::npos);
}

TEST(StatusCommandTest, NoBrokerIsExitOneWithAHint) {
  Metrics metrics;
  int port;
  {
    MetricsServer server(metrics);
    ASSERT_OK(server.Start("127.0.0.1:0"));
    port = server.port();
  }
  std::ostringstream out, err;
  EXPECT_EQ(RunStatus("127.0.0.1:" + std::to_string(port), out, err), 1);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(
      err.str().rfind(
          "certshare-broker: UNAVAILABLE (402): no answer from http://", 0),
      0u)
      << err.str();
  EXPECT_NE(err.str().find("metrics_listen"), std::string::npos) << err.str();
}

TEST(StatusCommandTest, SomethingElseOnThePortIsExitOne) {
  httplib::Server other;
  other.Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("node_cpu_seconds_total 1\n", "text/plain");
  });
  int port = other.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread serving([&] { other.listen_after_bind(); });
  ASSERT_TRUE(testing::WaitFor([&] { return other.is_running(); }));
  std::ostringstream out, err;
  EXPECT_EQ(RunStatus("127.0.0.1:" + std::to_string(port), out, err), 1);
  EXPECT_NE(err.str().find("not with a certshare broker's metrics"),
            std::string::npos)
      << err.str();
  other.stop();
  serving.join();
}

TEST(StatusCommandTest, BadAddressIsExitTwo) {
  std::ostringstream out, err;
  EXPECT_EQ(RunStatus("localhost", out, err), 2);
  EXPECT_NE(err.str().find("INVALID_ARGUMENT"), std::string::npos) << err.str();
}

}  // namespace
}  // namespace certshare::broker
