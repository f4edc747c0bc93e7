#include "common/base/log_throttle.h"

#include <gtest/gtest.h>

namespace certshare {
namespace {

using std::chrono::seconds;

LogThrottle::Options Small() {
  LogThrottle::Options o;
  o.lines_per_interval = 3;
  o.interval = seconds(10);
  o.max_keys = 2;
  return o;
}

TEST(LogThrottleTest, WritesAFewLinesPerKeyThenCountsTheRestAndReportsThemOnce) {
  LogThrottle t(Small());
  const auto t0 = LogThrottle::Clock::time_point{} + seconds(1000);
  int written = 0;
  for (int i = 0; i < 100; ++i) written += t.Allow("CERT-XX BUSY", t0);
  EXPECT_EQ(written, 3);
  // Another key has its own allowance.
  EXPECT_TRUE(t.Allow("CERT-EE MALFORMED_FRAME", t0));
  // Nothing is reported before the interval ends...
  EXPECT_TRUE(t.TakeSuppressed(t0 + seconds(9)).empty());
  // ...then the left-out lines, once.
  auto reported = t.TakeSuppressed(t0 + seconds(10));
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].key, "CERT-XX BUSY");
  EXPECT_EQ(reported[0].count, 97u);
  EXPECT_TRUE(t.TakeSuppressed(t0 + seconds(30)).empty());
  // A new interval: lines are written again.
  EXPECT_TRUE(t.Allow("CERT-XX BUSY", t0 + seconds(31)));
}

TEST(LogThrottleTest, ALineInANewIntervalReportsWhatThePreviousOneLeftOut) {
  LogThrottle t(Small());
  const auto t0 = LogThrottle::Clock::time_point{} + seconds(1000);
  for (int i = 0; i < 5; ++i) (void)t.Allow("k", t0);
  EXPECT_TRUE(t.Allow("k", t0 + seconds(11)));
  auto reported = t.TakeSuppressed(t0 + seconds(11));
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].count, 2u);
}

TEST(LogThrottleTest, KeysBeyondTheLimitShareTheOverflowKey) {
  LogThrottle t(Small());
  const auto t0 = LogThrottle::Clock::time_point{} + seconds(1000);
  EXPECT_TRUE(t.Allow("10.0.0.1", t0));
  EXPECT_TRUE(t.Allow("10.0.0.2", t0));
  // Strangers from ever new addresses: one allowance between them.
  int written = 0;
  for (int i = 3; i < 1000; ++i) written += t.Allow("10.0.0." + std::to_string(i), t0);
  EXPECT_EQ(written, 3);
  auto reported = t.TakeSuppressed(t0 + seconds(10));
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].key, LogThrottle::kOverflowKey);
  EXPECT_EQ(reported[0].count, 997u - 3u);
  // Once their intervals ended, keys are forgotten and new ones tracked.
  EXPECT_TRUE(t.Allow("10.0.0.77", t0 + seconds(20)));
}

}  // namespace
}  // namespace certshare
