#include "common/base/testing.h"

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <thread>

namespace certshare::testing {

TempDir::TempDir() {
  std::string base = std::filesystem::temp_directory_path().string() +
                     "/certshare-test-XXXXXX";
  char* made = ::mkdtemp(base.data());
  if (made == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string NumberedUuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

std::string OasisMaterialAbsent(std::string_view shared_dir) {
  return "skip: the OASIS STIX 2.1 material (stix/, tools/validate-stix) is not in " +
         std::string(shared_dir) +
         "; put it there, or configure with -DCERTSHARE_SHARED_DIR=<its folder>";
}

bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace certshare::testing
