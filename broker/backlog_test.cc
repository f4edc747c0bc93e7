// The lag of a durable subscription counts only what it would be sent
// (issue 10, item 4).
#include "broker/backlog.h"

#include <gtest/gtest.h>

namespace certshare::broker {
namespace {

TEST(BacklogTest, RecordsForOthersDoNotCountOnceTheFanOutPassedThem) {
  Backlog b(0);
  // 3,000 records for another organisation: until the fan-out (or the
  // count) has looked at them they count as if they were for it ...
  EXPECT_EQ(b.Lag(3000), 3000u);
  // ... and once it passed them, nothing is left.
  b.Reached(3001);
  EXPECT_EQ(b.Lag(3000), 0u);
  // One more for it, sent: behind by one until acknowledged.
  b.Sent(3001);
  b.Reached(3002);
  EXPECT_EQ(b.Lag(3001), 1u);
  b.Acknowledged(3001);
  EXPECT_EQ(b.Lag(3001), 0u);
}

TEST(BacklogTest, SentAndNotAcknowledgedCountsEachRecordOnce) {
  Backlog b(10);
  for (std::uint64_t s : {12, 15, 16, 20}) b.Sent(s);
  b.Reached(25);
  EXPECT_EQ(b.unacknowledged(), 4u);
  EXPECT_EQ(b.Lag(24), 4u);
  b.Acknowledged(15);  // 12 and 15 done; 16 and 20 still out
  EXPECT_EQ(b.Lag(24), 2u);
  b.Acknowledged(14);  // an older acknowledgement changes nothing
  EXPECT_EQ(b.Lag(24), 2u);
  b.Acknowledged(100);
  EXPECT_EQ(b.Lag(24), 0u);
  // Records stored after the fan-out's position, not looked at yet.
  EXPECT_EQ(b.Lag(30), 6u);
}

TEST(BacklogTest, TheCountAheadOfAStalledFanOutCountsOnlyWhatItWouldSend) {
  Backlog b(0);
  b.Sent(1);
  b.Reached(2);  // then no credit: the fan-out waits at 2
  // The count looks at 2..9: 2 and 7 are for this subscription.
  for (std::uint64_t s = b.CountFrom(); s <= 9; ++s) b.Count(s, s == 2 || s == 7);
  EXPECT_EQ(b.CountFrom(), 10u);
  EXPECT_EQ(b.Lag(9), 3u);   // 1 unacknowledged, 2 and 7 ahead
  EXPECT_EQ(b.Lag(12), 6u);  // 10..12 not looked at yet: counted as if for it
  // Credit again: the fan-out sends 2 and 7, skipping the rest.
  b.Sent(2);
  b.Sent(7);
  b.Reached(10);
  EXPECT_EQ(b.Lag(9), 3u);  // now all three sent, none acknowledged
  b.Acknowledged(7);
  EXPECT_EQ(b.Lag(9), 0u);
  // The fan-out passing the count resets what was ahead.
  b.Count(10, true);
  b.Sent(10);
  b.Reached(20);
  EXPECT_EQ(b.CountFrom(), 20u);
  EXPECT_EQ(b.Lag(19), 1u);
}

TEST(BacklogTest, FullAtTheBound) {
  Backlog b(0);
  for (std::uint64_t s = 1; s <= Backlog::kMaxUnacknowledged; ++s) {
    EXPECT_FALSE(b.Full());
    b.Sent(s);
  }
  EXPECT_TRUE(b.Full());
  b.Acknowledged(1);
  EXPECT_FALSE(b.Full());
}

}  // namespace
}  // namespace certshare::broker
