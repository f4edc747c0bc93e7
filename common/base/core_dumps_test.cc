#include "common/base/core_dumps.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <gtest/gtest.h>

#include "common/base/testing.h"

namespace certshare {
namespace {

// Each ctest test is its own process, so this one may change its own.
TEST(CoreDumpsTest, ForbidCoreDumpsLeavesNoWayToDumpThisProcess) {
  ASSERT_OK(ForbidCoreDumps());
  EXPECT_EQ(::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
  struct rlimit limit;
  ASSERT_EQ(::getrlimit(RLIMIT_CORE, &limit), 0);
  EXPECT_EQ(limit.rlim_cur, 0u);
  EXPECT_EQ(limit.rlim_max, 0u);
  ASSERT_OK(ForbidCoreDumps());  // idempotent
  EXPECT_EQ(::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
}

}  // namespace
}  // namespace certshare
