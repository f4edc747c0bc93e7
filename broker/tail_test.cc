// The fan-out's tail (broker/tail.h): consecutive sequences, bounded in
// bytes, emptied by a gap.
#include "broker/tail.h"

#include <gtest/gtest.h>

#include <string>

namespace certshare::broker {
namespace {

envelope::Header HeaderOf(const std::string& id) {
  envelope::Header h;
  h.stix_type = "incident";
  h.stix_id = "incident--" + id;
  h.origin = "CERT-EE";
  h.recipients = {"CERT-UA"};
  return h;
}

// What one entry of this test costs (all have the same shape).
std::size_t EntryCost() { return Tail::Cost(HeaderOf("0"), 100); }

TEST(TailTest, HoldsConsecutiveRecordsAndEvictsTheOldestPastItsBytes) {
  Tail tail(3 * EntryCost());
  EXPECT_TRUE(tail.empty());
  EXPECT_FALSE(tail.Holds(1));
  for (int seq = 5; seq <= 7; ++seq) {
    tail.Append(seq, HeaderOf(std::to_string(seq)), Bytes(100, std::uint8_t(seq)));
  }
  EXPECT_EQ(tail.first(), 5u);
  EXPECT_EQ(tail.last(), 7u);
  EXPECT_EQ(tail.bytes(), 3 * EntryCost());
  EXPECT_EQ(tail.At(6).header.stix_id, "incident--6");
  EXPECT_EQ(tail.At(6).deliver, Bytes(100, 6));
  // A fourth does not fit: the oldest goes.
  tail.Append(8, HeaderOf("8"), Bytes(100, 8));
  EXPECT_FALSE(tail.Holds(5));
  EXPECT_TRUE(tail.Holds(6));
  EXPECT_TRUE(tail.Holds(8));
  EXPECT_FALSE(tail.Holds(9));
  EXPECT_EQ(tail.At(8).header.stix_id, "incident--8");
  EXPECT_LE(tail.bytes(), 3 * EntryCost());
}

TEST(TailTest, AGapEmptiesItAndARecordLargerThanTheTailIsHeldAlone) {
  Tail tail(10 * EntryCost());
  tail.Append(1, HeaderOf("1"), Bytes(100, 1));
  tail.Append(2, HeaderOf("2"), Bytes(100, 2));
  // Not the next sequence: what it held is no longer consecutive with it.
  tail.Append(4, HeaderOf("4"), Bytes(100, 4));
  EXPECT_FALSE(tail.Holds(2));
  EXPECT_EQ(tail.first(), 4u);
  EXPECT_EQ(tail.last(), 4u);
  // A record larger than the tail: held alone, until the next.
  tail.Append(5, HeaderOf("5"), Bytes(20 * EntryCost(), 5));
  EXPECT_EQ(tail.first(), 5u);
  EXPECT_EQ(tail.last(), 5u);
  EXPECT_GT(tail.bytes(), 10 * EntryCost());
  tail.Append(6, HeaderOf("6"), Bytes(100, 6));
  EXPECT_EQ(tail.first(), 6u);
  EXPECT_EQ(tail.bytes(), EntryCost());
}

TEST(TailTest, ZeroBytesHoldsNothing) {
  Tail tail(0);
  tail.Append(1, HeaderOf("1"), Bytes(100, 1));
  EXPECT_TRUE(tail.empty());
}

}  // namespace
}  // namespace certshare::broker
