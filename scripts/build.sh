#!/usr/bin/env bash
# Configures and builds certshare into build/ (or $CERTSHARE_BUILD_DIR).
# Arguments are passed to the configure step (scripts/test.sh passes
# -DCERTSHARE_WERROR=ON).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CERTSHARE_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
