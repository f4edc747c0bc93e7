#!/usr/bin/env bash
# Configures and builds certshare into build/ (or $CERTSHARE_BUILD_DIR).
# Arguments are passed to the configure step (scripts/test.sh passes
# -DCERTSHARE_WERROR=ON).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CERTSHARE_BUILD_DIR:-$root/build}"
# RelWithDebInfo with line tables only (-g1): stack traces and perf still
# name functions and lines, and the build takes about a third less time
# than with full debug information. Pass -DCMAKE_CXX_FLAGS_RELWITHDEBINFO=...
# to change it.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
