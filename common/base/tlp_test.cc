#include "common/base/tlp.h"

#include <gtest/gtest.h>

namespace certshare {
namespace {

TEST(TlpTest, NamesAndMarkingIdsRoundTrip) {
  for (std::uint8_t v = 0; v <= kMaxTlp; ++v) {
    Tlp tlp = static_cast<Tlp>(v);
    EXPECT_EQ(ParseTlp(TlpName(tlp)), tlp);
    EXPECT_EQ(TlpFromMarkingId(TlpMarkingId(tlp)), tlp);
  }
  EXPECT_EQ(ParseTlp("TLP:AMBER+STRICT"), Tlp::kAmberStrict);
  EXPECT_EQ(ParseTlp("white"), std::nullopt);
  EXPECT_EQ(TlpFromMarkingId("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"),
            std::nullopt);  // TLP 1.0 AMBER is not TLP 2.0
}

TEST(TlpTest, AmberAndAboveRequireEncryption) {
  EXPECT_FALSE(TlpRequiresEncryption(Tlp::kClear));
  EXPECT_FALSE(TlpRequiresEncryption(Tlp::kGreen));
  EXPECT_TRUE(TlpRequiresEncryption(Tlp::kAmber));
  EXPECT_TRUE(TlpRequiresEncryption(Tlp::kAmberStrict));
  EXPECT_TRUE(TlpRequiresEncryption(Tlp::kRed));
}

}  // namespace
}  // namespace certshare
