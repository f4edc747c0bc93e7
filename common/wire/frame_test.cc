#include "common/wire/frame.h"

#include <gtest/gtest.h>

#include "common/base/testing.h"

namespace certshare::wire {
namespace {

TEST(FrameTest, EveryCommandRoundTrips) {
  Bytes record = {1, 2, 3, 4};
  Message m;
  Bytes publish = EncodePublish(7, record);  // m.record points into it
  ASSERT_OK(Decode(publish, &m));
  EXPECT_EQ(m.command, Command::kPublish);
  EXPECT_EQ(m.correlation, 7u);
  EXPECT_EQ(Bytes(m.record.begin(), m.record.end()), record);

  ASSERT_OK(Decode(EncodeAck(8, 42, true), &m));
  EXPECT_EQ(m.command, Command::kAck);
  EXPECT_EQ(m.sequence, 42u);
  EXPECT_TRUE(m.duplicate);

  ASSERT_OK(Decode(EncodeError(9, ErrorCode::kOriginMismatch, "not yours"), &m));
  EXPECT_EQ(m.error, ErrorCode::kOriginMismatch);
  EXPECT_EQ(m.text, "not yours");

  ASSERT_OK(Decode(EncodeSubscribe(10, 5), &m));
  EXPECT_EQ(m.command, Command::kSubscribe);
  EXPECT_EQ(m.sequence, 5u);

  Bytes deliver = EncodeDeliver(11, 6, record);
  ASSERT_OK(Decode(deliver, &m));
  EXPECT_EQ(m.command, Command::kDeliver);
  EXPECT_EQ(m.sequence, 6u);
  EXPECT_EQ(m.record.size(), 4u);

  ASSERT_OK(Decode(EncodeCaughtUp(12, 99), &m));
  EXPECT_EQ(m.command, Command::kCaughtUp);
  EXPECT_EQ(m.sequence, 99u);
}

TEST(FrameTest, EveryTruncationIsRefusedWithoutCrashing) {
  for (const Bytes& full : {EncodeAck(1, 2, false), EncodeError(1, ErrorCode::kTimeout, "x"),
                            EncodeSubscribe(1, 2), EncodeCaughtUp(1, 3)}) {
    for (std::size_t n = 0; n < full.size(); ++n) {
      Message m;
      Status s = Decode(ByteView(full.data(), n), &m);
      EXPECT_EQ(s.code(), ErrorCode::kMalformedFrame) << "length " << n;
    }
  }
}

TEST(FrameTest, RefusesBadMagicVersionCommandAndTrailingBytes) {
  Message m;
  Bytes f = EncodeSubscribe(1, 2);
  f[0] = 'X';
  EXPECT_CODE(Decode(f, &m), ErrorCode::kMalformedFrame);
  f = EncodeSubscribe(1, 2);
  f[2] = 9;
  EXPECT_CODE(Decode(f, &m), ErrorCode::kUnsupportedVersion);
  f = EncodeSubscribe(1, 2);
  f[3] = 0x7f;
  EXPECT_CODE(Decode(f, &m), ErrorCode::kUnknownCommand);
  EXPECT_EQ(m.correlation, 1u);  // still known, so the error can name it
  f = EncodeSubscribe(1, 2);
  f.push_back(0);
  EXPECT_CODE(Decode(f, &m), ErrorCode::kMalformedFrame);
  f = EncodeAck(1, 2, false);
  f.back() = 0x80;
  EXPECT_CODE(Decode(f, &m), ErrorCode::kMalformedFrame);
  EXPECT_CODE(Decode(EncodePublish(1, {}), &m), ErrorCode::kMalformedFrame);
}

TEST(FrameTest, UnknownErrorCodeReadsAsInternal) {
  Bytes f = EncodeError(1, ErrorCode::kTimeout, "");
  f[12] = 0xFF;
  f[13] = 0xFE;
  Message m;
  ASSERT_OK(Decode(f, &m));
  EXPECT_EQ(m.error, ErrorCode::kInternal);
}

}  // namespace
}  // namespace certshare::wire
