// Helpers shared by every test binary (never linked into a product binary).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "common/base/status.h"

#define ASSERT_OK(expr)                                   \
  do {                                                    \
    const ::certshare::Status s_ = (expr);               \
    ASSERT_TRUE(s_.ok()) << s_.ToString();                \
  } while (0)
#define EXPECT_OK(expr)                                   \
  do {                                                    \
    const ::certshare::Status s_ = (expr);               \
    EXPECT_TRUE(s_.ok()) << s_.ToString();                \
  } while (0)
#define EXPECT_CODE(expr, expected_code)                  \
  do {                                                    \
    const ::certshare::Status s_ = (expr);               \
    EXPECT_EQ(s_.code(), (expected_code)) << s_.ToString(); \
  } while (0)
// Skips the current test, which ctest then reports as skipped (never as
// passed), when `path` is absent: part of the OASIS STIX 2.1 material that
// lives outside the repository, in `shared_dir` (CERTSHARE_SHARED_DIR,
// by default ../shared beside the checkout: stix/ and tools/validate-stix).
// Only checks against that material use it; tests of certshare's own
// behaviour never depend on anything outside the repository
// (docs/architecture.md, "Tests").
#define SKIP_WITHOUT_OASIS_MATERIAL(shared_dir, path)                             \
  do {                                                                            \
    if (!std::filesystem::exists(path)) {                                         \
      GTEST_SKIP() << ::certshare::testing::OasisMaterialAbsent(shared_dir);     \
    }                                                                             \
  } while (0)

namespace certshare::testing {

// A fresh directory under $TMPDIR, removed with everything in it when the
// object is destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A fixed UUID in version 4 form, numbered: "00000000-0000-4000-8000-"
// followed by `n` in 12 digits. Tests use it for STIX ids.
std::string NumberedUuid(int n);

// Polls `condition` every few milliseconds until it holds or `timeout`
// passes; returns whether it held. Tests wait with this, never with sleeps.
// Why a test that needs the OASIS material is skipped: one line starting
// "skip: ", as tests/oasis_check.sh prints it too; scripts/test.sh lists
// these lines after the run.
std::string OasisMaterialAbsent(std::string_view shared_dir);

bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace certshare::testing
