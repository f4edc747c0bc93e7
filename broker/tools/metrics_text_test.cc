// The broker's metrics for a person (broker/tools/metrics_text.h): what
// `certshare-broker status` prints.
#include "broker/tools/metrics_text.h"

#include <gtest/gtest.h>

#include <string>

#include "broker/metrics.h"

namespace certshare::broker {
namespace {

TEST(MetricsTextTest, ShowsEveryFigureForAPerson) {
  Metrics m;
  for (int i = 0; i < 12; ++i) m.RecordReceived();
  m.RecordsStored(9);
  m.RecordDuplicate();
  m.RecordRefused(ErrorCode::kBadSignature);
  m.RecordRefused(ErrorCode::kRecordTooLarge);
  m.Commit(1, 0.0009765625);
  m.Commit(8, 0.002);
  m.Commit(2000, 4);
  m.Delivered("CERT-EE/main");
  m.SetLag("CERT-EE/main", 3);
  m.SetConnectedPeers(2);
  m.SetLastSequence(9);
  std::string text = RenderText(m);
  // The start line holds the time and uptime; everything else is fixed.
  std::size_t started = text.find("  started ");
  ASSERT_NE(started, std::string::npos) << text;
  text.erase(started, text.find('\n', started) + 1 - started);
  EXPECT_EQ(text,
            "broker\n"
            "  connected peers        2\n"
            "  last sequence          9\n"
            "records\n"
            "  received               12\n"
            "  stored                 9\n"
            "  duplicates             1\n"
            "  refused                2\n"
            "    RECORD_TOO_LARGE     1\n"
            "    BAD_SIGNATURE        1\n"
            "group commits\n"
            "  commits                3\n"
            "  records per commit     mean 669.7, p50 <= 8, p99 > 1024\n"
            "  commit latency         mean 1.33 s, p50 <= 2.5 ms, p99 > 2.5 s\n"
            "subscriptions\n"
            "  SUBSCRIPTION           DELIVERED / LAG\n"
            "  CERT-EE/main           1 / 3\n");
}

TEST(MetricsTextTest, FreshBrokerSaysSo) {
  Metrics m;
  std::string text = RenderText(m);
  EXPECT_NE(text.find("  records per commit     -\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("subscriptions\n  (none)\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("\n    "), std::string::npos)
      << "no refusal lines: " << text;
}

TEST(MetricsTextTest, RenderTextIsTheExpositionReadBack) {
  Metrics m;
  m.RecordReceived();
  m.Commit(2, 0.01);
  m.Delivered("CERT-UA/soc");
  EXPECT_EQ(RenderText(m), RenderTextFromPrometheus(m.RenderPrometheus()));
}

TEST(MetricsTextTest, ControlCharactersInNamesCannotForgeLines) {
  Metrics m;
  m.Delivered("CERT-EE/x\nrecords\n  received 999");
  std::string text = RenderText(m);
  EXPECT_NE(text.find("  CERT-EE/x?records?  received 999 1 / 0\n"),
            std::string::npos)
      << text;
}

TEST(MetricsTextTest, IgnoresWhatItDoesNotKnow) {
  // Hostile or foreign input: skipped line by line, never a crash.
  for (const char* hostile :
       {"", "\n\n", "#", "garbage", "certshare_records_received_total",
        "certshare_records_received_total{",
        "certshare_records_received_total{code=\"x",
        "certshare_records_received_total{code=x} 1",
        "certshare_records_received_total abc",
        "certshare_commit_batch_records_bucket{le=\"zz\"} 3", "{} 1", " 1",
        "certshare_records_refused_total{code=\"A\\\"}}}} 5"}) {
    std::string text = RenderTextFromPrometheus(hostile);
    EXPECT_NE(text.find("  received               0\n"), std::string::npos)
        << hostile;
  }
  std::string text = RenderTextFromPrometheus(
      "# HELP x y\nsomething_else_total 5\ncertshare_records_received_total 7 "
      "1700000000000\n"
      "certshare_records_stored_total +Inf\n");
  EXPECT_NE(text.find("  received               7\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  stored                 inf\n"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace certshare::broker
