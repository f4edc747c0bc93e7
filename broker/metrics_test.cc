#include "broker/metrics.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/base/testing.h"

namespace certshare::broker {
namespace {

// The lines of one metric family: its HELP and TYPE lines and every sample
// whose name is the family's (or, for a histogram, _bucket/_sum/_count).
std::string Family(const std::string& exposition, const std::string& name) {
  std::istringstream in(exposition);
  std::string line, out;
  while (std::getline(in, line)) {
    bool comment = line.rfind("# HELP " + name + " ", 0) == 0 ||
                   line.rfind("# TYPE " + name + " ", 0) == 0;
    bool sample = false;
    for (const char* suffix : {"", "_bucket", "_sum", "_count"}) {
      std::string prefix = name + suffix;
      if (line.rfind(prefix + " ", 0) == 0 || line.rfind(prefix + "{", 0) == 0)
        sample = true;
    }
    if (comment || sample) out += line + "\n";
  }
  return out;
}

// Only the sample lines of a family (no HELP/TYPE).
std::string Samples(const std::string& exposition, const std::string& name) {
  std::istringstream in(Family(exposition, name));
  std::string line, out;
  while (std::getline(in, line)) {
    if (line[0] != '#') out += line + "\n";
  }
  return out;
}

TEST(MetricsTest, CountersStartAtZeroAndCount) {
  Metrics m;
  EXPECT_EQ(Family(m.RenderPrometheus(), "certshare_records_received_total"),
            "# HELP certshare_records_received_total PUBLISH requests "
            "received, whatever "
            "became of them.\n"
            "# TYPE certshare_records_received_total counter\n"
            "certshare_records_received_total 0\n");
  m.RecordReceived();
  m.RecordReceived();
  m.RecordReceived();
  m.RecordsStored(2);
  m.RecordsStored(3);
  m.RecordDuplicate();
  std::string text = m.RenderPrometheus();
  EXPECT_EQ(Samples(text, "certshare_records_received_total"),
            "certshare_records_received_total 3\n");
  EXPECT_EQ(
      Family(text, "certshare_records_stored_total"),
      "# HELP certshare_records_stored_total New records durably stored and "
      "acknowledged.\n"
      "# TYPE certshare_records_stored_total counter\n"
      "certshare_records_stored_total 5\n");
  EXPECT_EQ(Samples(text, "certshare_records_duplicate_total"),
            "certshare_records_duplicate_total 1\n");
}

TEST(MetricsTest, RefusalsAreLabelledByCodeNameAndEveryCodeIsExposed) {
  Metrics m;
  m.RecordRefused(ErrorCode::kBadSignature);
  m.RecordRefused(ErrorCode::kBadSignature);
  m.RecordRefused(ErrorCode::kRecordTooLarge);
  std::string text = m.RenderPrometheus();
  std::string family = Family(text, "certshare_records_refused_total");
  EXPECT_EQ(
      family.rfind(
          "# HELP certshare_records_refused_total Requests refused, by stable "
          "error code (docs/errors.md).\n"
          "# TYPE certshare_records_refused_total counter\n"
          "certshare_records_refused_total{code=\"INVALID_ARGUMENT\"} 0\n"
          "certshare_records_refused_total{code=\"MALFORMED_JSON\"} 0\n",
          0),
      0u)
      << family;
  EXPECT_NE(family.find(
                "certshare_records_refused_total{code=\"BAD_SIGNATURE\"} 2\n"),
            std::string::npos);
  EXPECT_NE(
      family.find(
          "certshare_records_refused_total{code=\"RECORD_TOO_LARGE\"} 1\n"),
      std::string::npos);
  EXPECT_NE(
      family.find("certshare_records_refused_total{code=\"UNAVAILABLE\"} 0\n"),
      std::string::npos);
  // In code order (1xx before 2xx ... 5xx), and OK never appears.
  EXPECT_LT(family.find("RECORD_TOO_LARGE"), family.find("BAD_SIGNATURE"));
  EXPECT_LT(family.find("BAD_SIGNATURE"), family.find("IO_ERROR"));
  EXPECT_LT(family.find("UNAVAILABLE"), family.find("INTERNAL"));
  EXPECT_EQ(family.find("code=\"OK\""), std::string::npos);
  EXPECT_NE(
      family.find("certshare_records_refused_total{code=\"INTERNAL\"} 0\n"),
      std::string::npos);
}

TEST(MetricsTest, OkAndUnknownCodesCountAsInternal) {
  Metrics m;
  m.RecordRefused(ErrorCode::kOk);
  m.RecordRefused(static_cast<ErrorCode>(999));
  m.RecordRefused(static_cast<ErrorCode>(199));
  std::string text = m.RenderPrometheus();
  EXPECT_NE(text.find("certshare_records_refused_total{code=\"INTERNAL\"} 3\n"),
            std::string::npos);
  EXPECT_EQ(text.find("code=\"UNKNOWN\""), std::string::npos);
}

TEST(MetricsTest, CommitLatencyHistogramHasCumulativeBuckets) {
  Metrics m;
  // Binary fractions, so the sum prints exactly.
  m.Commit(1, 0.0009765625);  // le 0.001
  m.Commit(1, 0.25);          // le 0.25: bounds are inclusive
  m.Commit(1, 0.5);           // le 0.5
  m.Commit(1, 2);             // le 2.5
  m.Commit(1, 4);             // above every bound
  EXPECT_EQ(Family(m.RenderPrometheus(), "certshare_commit_duration_seconds"),
            "# HELP certshare_commit_duration_seconds Time taken by one group "
            "commit (one "
            "synced RocksDB write).\n"
            "# TYPE certshare_commit_duration_seconds histogram\n"
            "certshare_commit_duration_seconds_bucket{le=\"0.0005\"} 0\n"
            "certshare_commit_duration_seconds_bucket{le=\"0.001\"} 1\n"
            "certshare_commit_duration_seconds_bucket{le=\"0.0025\"} 1\n"
            "certshare_commit_duration_seconds_bucket{le=\"0.005\"} 1\n"
            "certshare_commit_duration_seconds_bucket{le=\"0.01\"} 1\n"
            "certshare_commit_duration_seconds_bucket{le=\"0.025\"} 1\n"
            "certshare_commit_duration_seconds_bucket{le=\"0.05\"} 1\n"
            "certshare_commit_duration_seconds_bucket{le=\"0.1\"} 1\n"
            "certshare_commit_duration_seconds_bucket{le=\"0.25\"} 2\n"
            "certshare_commit_duration_seconds_bucket{le=\"0.5\"} 3\n"
            "certshare_commit_duration_seconds_bucket{le=\"1\"} 3\n"
            "certshare_commit_duration_seconds_bucket{le=\"2.5\"} 4\n"
            "certshare_commit_duration_seconds_bucket{le=\"+Inf\"} 5\n"
            "certshare_commit_duration_seconds_sum 6.7509765625\n"
            "certshare_commit_duration_seconds_count 5\n");
}

TEST(MetricsTest, CommitBatchHistogramCountsRecordsPerCommit) {
  Metrics m;
  m.Commit(1, 0.001);
  m.Commit(2, 0.001);
  m.Commit(3, 0.001);
  m.Commit(1024, 0.001);
  m.Commit(2000, 0.001);
  EXPECT_EQ(Family(m.RenderPrometheus(), "certshare_commit_batch_records"),
            "# HELP certshare_commit_batch_records Records written by one "
            "group commit.\n"
            "# TYPE certshare_commit_batch_records histogram\n"
            "certshare_commit_batch_records_bucket{le=\"1\"} 1\n"
            "certshare_commit_batch_records_bucket{le=\"2\"} 2\n"
            "certshare_commit_batch_records_bucket{le=\"4\"} 3\n"
            "certshare_commit_batch_records_bucket{le=\"8\"} 3\n"
            "certshare_commit_batch_records_bucket{le=\"16\"} 3\n"
            "certshare_commit_batch_records_bucket{le=\"32\"} 3\n"
            "certshare_commit_batch_records_bucket{le=\"64\"} 3\n"
            "certshare_commit_batch_records_bucket{le=\"128\"} 3\n"
            "certshare_commit_batch_records_bucket{le=\"256\"} 3\n"
            "certshare_commit_batch_records_bucket{le=\"512\"} 3\n"
            "certshare_commit_batch_records_bucket{le=\"1024\"} 4\n"
            "certshare_commit_batch_records_bucket{le=\"+Inf\"} 5\n"
            "certshare_commit_batch_records_sum 3030\n"
            "certshare_commit_batch_records_count 5\n");
}

TEST(MetricsTest, EmptyHistogramsRenderZeros) {
  Metrics m;
  std::string text = m.RenderPrometheus();
  EXPECT_NE(
      text.find("certshare_commit_duration_seconds_bucket{le=\"+Inf\"} 0\n"
                "certshare_commit_duration_seconds_sum 0\n"
                "certshare_commit_duration_seconds_count 0\n"),
      std::string::npos);
}

TEST(MetricsTest, NegativeOrNanLatencyIsObservedAsZero) {
  Metrics m;
  m.Commit(1, -1);
  m.Commit(1, std::numeric_limits<double>::quiet_NaN());
  std::string text = m.RenderPrometheus();
  EXPECT_NE(
      text.find("certshare_commit_duration_seconds_bucket{le=\"0.0005\"} 2\n"),
      std::string::npos);
  EXPECT_NE(text.find("certshare_commit_duration_seconds_sum 0\n"),
            std::string::npos);
}

TEST(MetricsTest, DeliveredAndLagArePerSubscriptionSortedByName) {
  Metrics m;
  std::string text = m.RenderPrometheus();
  // No subscription yet: the families are announced with no samples.
  EXPECT_EQ(
      Family(text, "certshare_subscription_lag_records"),
      "# HELP certshare_subscription_lag_records Records a durable subscription still "
      "has to process: sent and not acknowledged, or stored and to be sent to it "
      "(docs/broker.md, Lag).\n"
      "# TYPE certshare_subscription_lag_records gauge\n");
  m.Delivered("CERT-UA/soc");
  m.Delivered("CERT-EE/main");
  m.Delivered("CERT-EE/main");
  m.SetLag("CERT-EE/main", 7);
  m.SetLag("CERT-EE/main", 5);
  m.SetLag("CERT-XX/idle", 12);
  text = m.RenderPrometheus();
  EXPECT_EQ(
      Family(text, "certshare_records_delivered_total"),
      "# HELP certshare_records_delivered_total Records sent to a subscription "
      "(DELIVER), by subscription <org>/<name>.\n"
      "# TYPE certshare_records_delivered_total counter\n"
      "certshare_records_delivered_total{subscription=\"CERT-EE/main\"} 2\n"
      "certshare_records_delivered_total{subscription=\"CERT-UA/soc\"} 1\n"
      "certshare_records_delivered_total{subscription=\"CERT-XX/idle\"} 0\n");
  EXPECT_EQ(
      Samples(text, "certshare_subscription_lag_records"),
      "certshare_subscription_lag_records{subscription=\"CERT-EE/main\"} 5\n"
      "certshare_subscription_lag_records{subscription=\"CERT-UA/soc\"} 0\n"
      "certshare_subscription_lag_records{subscription=\"CERT-XX/idle\"} 12\n");

  m.ForgetSubscription("CERT-EE/main");
  m.ForgetSubscription("never/seen");
  text = m.RenderPrometheus();
  EXPECT_EQ(text.find("CERT-EE/main"), std::string::npos);
  EXPECT_NE(text.find("{subscription=\"CERT-UA/soc\"} 1\n"), std::string::npos);
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Metrics m;
  m.Delivered("CERT-EE/a\"b\\c\nd");
  EXPECT_EQ(Samples(m.RenderPrometheus(), "certshare_records_delivered_total"),
            "certshare_records_delivered_total{subscription=\"CERT-EE/"
            "a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(MetricsTest, GaugesHoldTheLastValueSet) {
  Metrics m;
  m.SetConnectedPeers(4);
  m.SetConnectedPeers(3);
  m.SetLastSequence(41);
  m.SetLastSequence(42);
  std::string text = m.RenderPrometheus();
  EXPECT_EQ(
      Family(text, "certshare_connected_peers"),
      "# HELP certshare_connected_peers Agents connected to the broker now.\n"
      "# TYPE certshare_connected_peers gauge\n"
      "certshare_connected_peers 3\n");
  EXPECT_EQ(Samples(text, "certshare_last_sequence"),
            "certshare_last_sequence 42\n");
}

TEST(MetricsTest, StartTimeIsNowInWholeSeconds) {
  auto before = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  Metrics m;
  std::string line =
      Samples(m.RenderPrometheus(), "certshare_start_time_seconds");
  ASSERT_EQ(line.rfind("certshare_start_time_seconds ", 0), 0u) << line;
  long long value = std::stoll(
      line.substr(std::string("certshare_start_time_seconds ").size()));
  EXPECT_GE(value, before - 1);
  EXPECT_LE(value, before + 60);
  EXPECT_EQ(line.find('.'), std::string::npos);
}

// Every line is a comment or a valid sample; every family has exactly one
// HELP and one TYPE, before its samples; the text ends with a line feed.
TEST(MetricsTest, WholeExpositionIsWellFormed) {
  Metrics m;
  m.RecordRefused(ErrorCode::kNotRecipient);
  m.Commit(3, 0.002);
  m.Delivered("CERT-EE/main");
  m.SetLag("CERT-EE/main", 1);
  std::string text = m.RenderPrometheus();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const std::regex sample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*"\})? )"
      R"(([0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?|\+Inf|-Inf|NaN)$)");
  const std::regex comment(R"(^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$)");
  std::set<std::string> helped, typed;
  std::istringstream in(text);
  std::string line;
  int samples = 0;
  while (std::getline(in, line)) {
    std::smatch match;
    if (std::regex_match(line, match, comment)) {
      auto& seen = match[1] == "HELP" ? helped : typed;
      EXPECT_TRUE(seen.insert(match[2]).second) << "twice: " << line;
      continue;
    }
    ASSERT_TRUE(std::regex_match(line, match, sample)) << "bad line: " << line;
    std::string family = match[1];
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      std::string s = suffix;
      if (!typed.count(family) && family.size() > s.size() &&
          family.compare(family.size() - s.size(), s.size(), s) == 0) {
        family.resize(family.size() - s.size());
      }
    }
    EXPECT_TRUE(typed.count(family)) << "sample before its TYPE: " << line;
    EXPECT_TRUE(helped.count(family)) << "sample before its HELP: " << line;
    ++samples;
  }
  EXPECT_EQ(helped, typed);
  EXPECT_EQ(helped.size(), 13u);
  EXPECT_GT(samples, 40);
}

TEST(MetricsTest, BufferedBytesIsAGaugeOfTheLatestValue) {
  Metrics m;
  m.SetBufferedBytes(4096);
  m.SetBufferedBytes(1234);
  EXPECT_NE(m.RenderPrometheus().find("\n# TYPE certshare_buffered_bytes gauge\n"),
            std::string::npos);
  EXPECT_NE(m.RenderPrometheus().find("\ncertshare_buffered_bytes 1234\n"), std::string::npos);
  EXPECT_EQ(m.buffered_bytes(), 1234u);
}

TEST(MetricsTest, CountsExactlyUnderConcurrentUse) {
  Metrics m;
  constexpr int kThreads = 4;
  constexpr int kEach = 20000;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done) (void)m.RenderPrometheus();
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&m, t] {
      std::string sub = "CERT-" + std::to_string(t % 2) + "/main";
      for (int i = 0; i < kEach; ++i) {
        m.RecordReceived();
        m.RecordRefused(ErrorCode::kBadSignature);
        m.Delivered(sub);
        if (i % 100 == 0) m.Commit(8, 0.001);
      }
    });
  }
  for (auto& w : writers) w.join();
  done = true;
  reader.join();
  std::string text = m.RenderPrometheus();
  EXPECT_EQ(Samples(text, "certshare_records_received_total"),
            "certshare_records_received_total 80000\n");
  EXPECT_NE(text.find("{code=\"BAD_SIGNATURE\"} 80000\n"), std::string::npos);
  EXPECT_EQ(
      Samples(text, "certshare_records_delivered_total"),
      "certshare_records_delivered_total{subscription=\"CERT-0/main\"} 40000\n"
      "certshare_records_delivered_total{subscription=\"CERT-1/main\"} "
      "40000\n");
  EXPECT_NE(text.find("certshare_commit_batch_records_count 800\n"),
            std::string::npos);
}

}  // namespace
}  // namespace certshare::broker
