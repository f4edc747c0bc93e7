#include "broker/budget.h"

#include <gtest/gtest.h>

namespace certshare::broker {
namespace {

TEST(BudgetTest, AnOrganisationStopsAtItsLimitWhileOthersGoOn) {
  Budget b(/*total_limit=*/1000, /*per_org_limit=*/400);
  EXPECT_TRUE(b.TryCharge("CERT-XX", 300));
  EXPECT_TRUE(b.TryCharge("CERT-XX", 100));
  EXPECT_FALSE(b.TryCharge("CERT-XX", 1));  // at its limit: nothing charged
  EXPECT_EQ(b.Of("CERT-XX"), 400u);
  EXPECT_TRUE(b.TryCharge("CERT-EE", 400));
  EXPECT_EQ(b.total(), 800u);
  b.Release("CERT-XX", 100);
  EXPECT_TRUE(b.TryCharge("CERT-XX", 100));
}

TEST(BudgetTest, TheTotalLimitHoldsForEveryoneTogether) {
  Budget b(/*total_limit=*/1000, /*per_org_limit=*/400);
  ASSERT_TRUE(b.TryCharge("A", 400));
  ASSERT_TRUE(b.TryCharge("B", 400));
  EXPECT_FALSE(b.TryCharge("C", 300));  // C is within its own limit, the total is not
  EXPECT_EQ(b.Of("C"), 0u);
  EXPECT_TRUE(b.TryCharge("C", 200));
  EXPECT_TRUE(b.TotalFull(1));
  EXPECT_FALSE(b.TotalFull(0));
  b.Release("A", 400);
  b.Release("B", 400);
  b.Release("C", 200);
  EXPECT_EQ(b.total(), 0u);
  EXPECT_FALSE(b.TotalFull(1000));
}

TEST(BudgetTest, ReleasingMoreThanWasChargedNeverUnderflows) {
  Budget b(100, 100);
  ASSERT_TRUE(b.TryCharge("A", 10));
  b.Release("A", 50);
  b.Release("B", 50);
  EXPECT_EQ(b.total(), 0u);
  EXPECT_EQ(b.Of("A"), 0u);
}

}  // namespace
}  // namespace certshare::broker
