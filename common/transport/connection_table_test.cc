#include "common/transport/connection_table.h"

#include <gtest/gtest.h>

namespace certshare::transport {
namespace {

using std::chrono::seconds;
const auto t0 = ConnectionTable::Clock::time_point{} + seconds(1000);

TEST(ConnectionTableTest, AdmitsUpToTheLimitAndAgainOnceAConnectionLeaves) {
  ConnectionTable table(2);
  int open = 0;
  ASSERT_TRUE(table.Admit("CERT-XX", t0, &open));
  ASSERT_TRUE(table.Admit("CERT-XX", t0, &open));
  EXPECT_FALSE(table.Admit("CERT-XX", t0, &open));  // two pending admissions
  EXPECT_EQ(open, 2);
  EXPECT_TRUE(table.Admit("CERT-EE", t0, &open));  // another organisation
  // The two connections speak: counted.
  EXPECT_TRUE(table.Arrived("CERT-XX", t0));
  EXPECT_TRUE(table.Arrived("CERT-XX", t0));
  EXPECT_EQ(table.Open("CERT-XX"), 2);
  EXPECT_FALSE(table.Admit("CERT-XX", t0 + seconds(60), &open));
  // One closes: room for one more.
  table.Left("CERT-XX");
  EXPECT_EQ(table.Open("CERT-XX"), 1);
  EXPECT_TRUE(table.Admit("CERT-XX", t0 + seconds(60), &open));
  EXPECT_FALSE(table.Admit("CERT-XX", t0 + seconds(60), &open));
}

TEST(ConnectionTableTest, AnAdmissionThatNeverSpeaksIsForgottenAfterTheGrace) {
  ConnectionTable table(1);
  int open = 0;
  ASSERT_TRUE(table.Admit("CERT-XX", t0, &open));  // closes before its first message
  EXPECT_FALSE(table.Admit("CERT-XX", t0 + seconds(1), &open));
  EXPECT_TRUE(table.Admit("CERT-XX", t0 + ConnectionTable::kPendingGrace, &open));
}

TEST(ConnectionTableTest, AConnectionSilentPastTheGraceIsBeyondTheLimitIfOthersFilledIt) {
  ConnectionTable table(1);
  int open = 0;
  ASSERT_TRUE(table.Admit("CERT-XX", t0, &open));  // admitted, then silent
  // Its admission expires; another connection takes the one place.
  const auto later = t0 + ConnectionTable::kPendingGrace + seconds(1);
  ASSERT_TRUE(table.Admit("CERT-XX", later, &open));
  EXPECT_TRUE(table.Arrived("CERT-XX", later));
  // Now the silent one speaks: beyond the limit, not counted.
  EXPECT_FALSE(table.Arrived("CERT-XX", later));
  EXPECT_EQ(table.Open("CERT-XX"), 1);
}

TEST(ConnectionTableTest, LeavingNeverCountsBelowZero) {
  ConnectionTable table(1);
  table.Left("CERT-XX");
  EXPECT_EQ(table.Open("CERT-XX"), 0);
  int open = 0;
  EXPECT_TRUE(table.Admit("CERT-XX", t0, &open));
  EXPECT_FALSE(table.Admit("CERT-XX", t0, &open));
}

TEST(ConnectionTableTest, ZeroMeansNoLimit) {
  ConnectionTable table(0);
  int open = 0;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(table.Admit("CERT-XX", t0, &open));
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(table.Arrived("CERT-XX", t0));
  EXPECT_EQ(table.Open("CERT-XX"), 1000);
}

}  // namespace
}  // namespace certshare::transport
