#!/usr/bin/env bash
# Shared state is locked with certshare::Mutex, MutexLock and CondVar
# (common/base/mutex.h), whose lock annotations clang checks, never with
# the standard library's mutexes and condition variables, which carry none
# (docs/architecture.md, "Threads": Locks). This finds any in the
# production code: every .h and .cc but tests (*_test.cc, tests/) and
# mutex.h itself, which wraps them.
#
# usage: locks_annotated_test.sh <repo-root>
set -euo pipefail

if [[ $# -ne 1 || ! -d $1 ]]; then
  echo "usage: $0 <repo-root>" >&2
  exit 2
fi
root=$1
pattern='std::(mutex|recursive_mutex|timed_mutex|recursive_timed_mutex|shared_mutex|shared_timed_mutex|condition_variable|condition_variable_any|lock_guard|unique_lock|scoped_lock|shared_lock)\b'
found=$(cd "$root" &&
  grep -rnE "$pattern" --include='*.h' --include='*.cc' \
    common storage schemas broker agent |
  grep -vE '^[^:]*_test\.cc:|^common/base/mutex\.h:' || true)
if [[ -n $found ]]; then
  echo "FAIL: standard locks outside common/base/mutex.h (use certshare::Mutex," >&2
  echo "MutexLock and CondVar with GUARDED_BY):" >&2
  echo "$found" >&2
  exit 1
fi
echo "locks_annotated: no standard mutex or condition variable outside common/base/mutex.h"
