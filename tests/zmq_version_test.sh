#!/usr/bin/env bash
# The build refuses a libzmq older than 4.3.2 (issue 10, item 12): 4.3.1
# and older could be made to overflow a buffer by a CURVE client before it
# authenticated (CVE-2019-13132). Configures the project against a
# pkg-config file that says libzmq is 4.3.1 (the installed one, renumbered)
# and expects cmake to stop at that check; 4.3.2 must pass it.
#
# usage: zmq_version_test.sh <cmake> <source-root>
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <cmake> <source-root>" >&2
  exit 2
fi
cmake=$1
root=$2
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scenario_start zmq-version

installed="$(pkg-config --variable=pcfiledir libzmq)/libzmq.pc"
[[ -f $installed ]] || { echo "FAIL: no libzmq.pc found by pkg-config" >&2; exit 1; }

# Configures with libzmq.pc saying `version`; prints cmake's output.
configure() {
  local version=$1
  mkdir -p "$work/pc-$version"
  sed "s/^Version:.*/Version: $version/" "$installed" >"$work/pc-$version/libzmq.pc"
  PKG_CONFIG_PATH="$work/pc-$version" "$cmake" -S "$root" -B "$work/build-$version" 2>&1 || true
}

failures=0
old=$(configure 4.3.1)
if ! grep -q "libzmq>=4.3.2" <<<"$old" || grep -q "Found libzmq, version 4.3.1" <<<"$old"; then
  echo "FAIL: configuring against libzmq 4.3.1 did not stop at the version check:" >&2
  echo "$old" >&2
  failures=$((failures + 1))
fi
fixed=$(configure 4.3.2)
if ! grep -q "Found libzmq, version 4.3.2" <<<"$fixed"; then
  echo "FAIL: libzmq 4.3.2 was not accepted:" >&2
  echo "$fixed" >&2
  failures=$((failures + 1))
fi
if [[ $failures -gt 0 ]]; then
  exit 1
fi
echo "zmq_version: 4.3.1 refused at configure time, 4.3.2 accepted"
