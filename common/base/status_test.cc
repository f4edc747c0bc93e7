#include "common/base/status.h"

#include <gtest/gtest.h>

namespace certshare {
namespace {

TEST(StatusTest, OkHasNoMessage) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kOk);
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ErrorCarriesCodeAndMessage) {
  Status s(ErrorCode::kBadSignature, "signature does not verify");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "BAD_SIGNATURE (200): signature does not verify");
  Status copy = s;
  EXPECT_EQ(copy.code(), ErrorCode::kBadSignature);
  EXPECT_EQ(s.WithContext("record 7").message(), "record 7: signature does not verify");
}

TEST(StatusTest, ResultHoldsValueOrError) {
  Result<int> good(5);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 5);
  Result<int> bad(ErrorCode::kNotFound, "nothing");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kNotFound);
  Result<int> from_ok_status{Status::Ok()};
  EXPECT_EQ(from_ok_status.status().code(), ErrorCode::kInternal);
}

TEST(StatusTest, WireCodesRoundTripAndUnknownIsInternal) {
  EXPECT_EQ(ErrorCodeFromWire(201), ErrorCode::kOriginMismatch);
  EXPECT_EQ(ErrorCodeFromWire(9999), ErrorCode::kInternal);
}

}  // namespace
}  // namespace certshare
