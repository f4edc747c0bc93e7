// Compiled by CMake when the compiler is clang (top-level CMakeLists.txt):
// with CERTSHARE_MISUSE defined, Bump touches a guarded member without its
// lock and must not compile; without it, it must. So a clang build proves
// that the lock annotations are checked, not merely written.
#include "common/base/mutex.h"

class Counter {
 public:
  void Bump() {
#ifndef CERTSHARE_MISUSE
    certshare::MutexLock lock(&mu_);
#endif
    ++count_;
  }

 private:
  certshare::Mutex mu_;
  int count_ GUARDED_BY(mu_) = 0;
};

int main() {
  Counter counter;
  counter.Bump();
  return 0;
}
