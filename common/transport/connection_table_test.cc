#include "common/transport/connection_table.h"

#include <gtest/gtest.h>

namespace certshare::transport {
namespace {

using std::chrono::seconds;
const auto t0 = ConnectionTable::Clock::time_point{} + seconds(1000);

TEST(ConnectionTableTest, AdmitsUpToTheLimitAndAgainOnceAConnectionCloses) {
  ConnectionTable table(2);
  int open = 0;
  ASSERT_TRUE(table.Admit("CERT-XX", t0, &open));
  ASSERT_TRUE(table.Admit("CERT-XX", t0, &open));
  EXPECT_FALSE(table.Admit("CERT-XX", t0, &open));  // two pending admissions
  EXPECT_EQ(open, 2);
  EXPECT_TRUE(table.Admit("CERT-EE", t0, &open));  // another organisation
  // The two connections are accepted and speak: counted.
  table.Accepted(7);
  table.Accepted(8);
  EXPECT_TRUE(table.WithinLimit(7, "CERT-XX", "peer-7", t0));
  EXPECT_TRUE(table.WithinLimit(8, "CERT-XX", "peer-8", t0));
  EXPECT_EQ(table.Open("CERT-XX"), 2);
  EXPECT_FALSE(table.Admit("CERT-XX", t0 + seconds(60), &open));
  // One closes: room for one more.
  table.Disconnected(7);
  EXPECT_EQ(table.Open("CERT-XX"), 1);
  EXPECT_TRUE(table.Admit("CERT-XX", t0 + seconds(60), &open));
  EXPECT_FALSE(table.Admit("CERT-XX", t0 + seconds(60), &open));
}

TEST(ConnectionTableTest, AnAdmissionThatNeverSpeaksIsForgottenAfterTheGrace) {
  ConnectionTable table(1);
  int open = 0;
  ASSERT_TRUE(table.Admit("CERT-XX", t0, &open));
  table.Accepted(5);
  table.Disconnected(5);  // closed before its first message
  EXPECT_FALSE(table.Admit("CERT-XX", t0 + seconds(1), &open));
  EXPECT_TRUE(table.Admit("CERT-XX", t0 + ConnectionTable::kPendingGrace, &open));
}

TEST(ConnectionTableTest, AConnectionSilentPastTheGraceIsBeyondTheLimitIfOthersFilledIt) {
  ConnectionTable table(1);
  int open = 0;
  ASSERT_TRUE(table.Admit("CERT-XX", t0, &open));
  table.Accepted(5);  // admitted, then silent
  // Its admission expires; another connection takes the one place.
  const auto later = t0 + ConnectionTable::kPendingGrace + seconds(1);
  ASSERT_TRUE(table.Admit("CERT-XX", later, &open));
  table.Accepted(6);
  EXPECT_TRUE(table.WithinLimit(6, "CERT-XX", "peer-6", later));
  // Now the silent one speaks: beyond the limit, every message.
  EXPECT_FALSE(table.WithinLimit(5, "CERT-XX", "peer-5", later));
  EXPECT_FALSE(table.WithinLimit(5, "CERT-XX", "peer-5", later));
  EXPECT_EQ(table.Open("CERT-XX"), 1);
  // It closes: the count is unchanged (it was never counted).
  table.Disconnected(5);
  EXPECT_EQ(table.Open("CERT-XX"), 1);
}

TEST(ConnectionTableTest, MessagesOfAClosedOrUnknownConnectionAreNeverCounted) {
  ConnectionTable table(1);
  int open = 0;
  ASSERT_TRUE(table.Admit("CERT-XX", t0, &open));
  table.Accepted(5);
  EXPECT_TRUE(table.WithinLimit(5, "CERT-XX", "peer-5", t0));
  table.Disconnected(5);
  // Its last messages, read after the monitor reported it closed.
  EXPECT_TRUE(table.WithinLimit(5, "CERT-XX", "peer-5", t0));
  EXPECT_EQ(table.Open("CERT-XX"), 0);
  // No descriptor (ipc://): never counted, never beyond.
  EXPECT_TRUE(table.WithinLimit(-1, "CERT-XX", "peer-9", t0));
  EXPECT_EQ(table.Open("CERT-XX"), 0);
  // The descriptor reused by a new connection: a late message of the old
  // one (another routing id) does not take its place.
  ASSERT_TRUE(table.Admit("CERT-XX", t0, &open));
  table.Accepted(5);
  EXPECT_TRUE(table.WithinLimit(5, "CERT-XX", "peer-new", t0));
  EXPECT_TRUE(table.WithinLimit(5, "CERT-XX", "peer-5", t0));
  EXPECT_EQ(table.Open("CERT-XX"), 1);
}

TEST(ConnectionTableTest, ZeroMeansNoLimit) {
  ConnectionTable table(0);
  int open = 0;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(table.Admit("CERT-XX", t0, &open));
}

}  // namespace
}  // namespace certshare::transport
