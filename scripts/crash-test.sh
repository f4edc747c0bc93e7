#!/usr/bin/env bash
# Crash test: the broker is killed with SIGKILL at random moments while
# three CERTs publish (AMBER, RED, CLEAR) and four subscribers consume, then
# restarted on the same port and data. At the end it checks that every
# acknowledged record is stored and that each subscriber's output holds
# every record it may receive exactly once, in order per origin, and none
# it may not. Prints a summary; exits non-zero on any loss or duplicate.
#
# usage: scripts/crash-test.sh [--build DIR] [cycles (default 100)] [records per publisher (default 300)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CERTSHARE_BUILD_DIR:-$root/build}"
if [ "${1:-}" = "--build" ]; then
  build="$2"
  shift 2
else
  "$root/scripts/install-deps.sh"
  "$root/scripts/build.sh" >/dev/null
fi
cycles="${1:-100}"
records="${2:-300}"
work="$(mktemp -d "${TMPDIR:-/tmp}/certshare-crash.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "crash test: $cycles broker kills, $records records per publisher (work dir $work)"
"$build/tests/crash_harness" "$build/broker/certshare-broker" "$work" "$cycles" "$records"
