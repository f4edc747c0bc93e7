#include "common/base/bytes.h"

#include <gtest/gtest.h>

namespace certshare {
namespace {

TEST(BytesTest, RoundTripsEveryField) {
  ByteWriter w;
  w.U8(7);
  w.U16(0xBEEF);
  w.U32(0xDEADBEEF);
  w.U64(0x0102030405060708ULL);
  w.Str8("CERT-EE");
  w.Str16("incident--x");
  Bytes blob = {1, 2, 3};
  w.Blob32(blob);
  Bytes data = w.Take();

  ByteReader r(data);
  std::uint8_t a;
  std::uint16_t b;
  std::uint32_t c;
  std::uint64_t d;
  std::string s8, s16;
  ByteView view;
  ASSERT_TRUE(r.U8(&a) && r.U16(&b) && r.U32(&c) && r.U64(&d) && r.Str8(&s8) &&
              r.Str16(&s16) && r.Blob32(&view));
  EXPECT_TRUE(r.Done());
  EXPECT_EQ(a, 7);
  EXPECT_EQ(b, 0xBEEF);
  EXPECT_EQ(c, 0xDEADBEEFu);
  EXPECT_EQ(d, 0x0102030405060708ULL);
  EXPECT_EQ(s8, "CERT-EE");
  EXPECT_EQ(s16, "incident--x");
  EXPECT_EQ(Bytes(view.begin(), view.end()), blob);
}

TEST(BytesTest, TruncationFailsAndSticks) {
  Bytes data = {0x00, 0x05, 'a', 'b'};  // Str16 claims 5 bytes, has 2.
  ByteReader r(data);
  std::string s;
  EXPECT_FALSE(r.Str16(&s));
  EXPECT_FALSE(r.ok());
  std::uint8_t x;
  EXPECT_FALSE(r.U8(&x));
}

TEST(BytesTest, HugeBlobLengthDoesNotOverflow) {
  Bytes data = {0xFF, 0xFF, 0xFF, 0xFF, 1};
  ByteReader r(data);
  ByteView v;
  EXPECT_FALSE(r.Blob32(&v));
}

TEST(BytesTest, HexRoundTripAndRejectsBadDigits) {
  Bytes in = {0x00, 0xAB, 0xFF};
  EXPECT_EQ(HexEncode(in), "00abff");
  Bytes out;
  ASSERT_TRUE(HexDecode("00ABff", &out));
  EXPECT_EQ(out, in);
  EXPECT_FALSE(HexDecode("abc", &out));
  EXPECT_FALSE(HexDecode("zz", &out));
}

}  // namespace
}  // namespace certshare
