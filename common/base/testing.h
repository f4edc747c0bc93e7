// Helpers shared by every test binary (never linked into a product binary).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>

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
bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace certshare::testing
