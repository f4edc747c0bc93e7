#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through ctest; the
# last line says how many tests were skipped and why. Exits with ctest's
# status: non-zero if any test failed.
#
# Everything that tests certshare's own behaviour runs on a clone alone.
# The checks against the OASIS STIX 2.1 material, which is not part of the
# repository (../shared beside the checkout: stix/ and tools/validate-stix,
# or -DCERTSHARE_SHARED_DIR), run whenever it is there and are reported as
# skipped when it is not (docs/architecture.md, "Tests").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
# Warnings are errors here, as in CI (CMakeLists.txt, CERTSHARE_WERROR).
"$root/scripts/build.sh" -DCERTSHARE_WERROR=ON
build="${CERTSHARE_BUILD_DIR:-$root/build}"
cd "$build"
output="$(mktemp)"
trap 'rm -f "$output"' EXIT
set +e
ctest --output-on-failure -j "$(nproc)" "$@" | tee "$output"
status="${PIPESTATUS[0]}"
set -e

# ctest lists skipped tests as "<n> - <name> (Skipped)"; each says why on a
# line of its output starting "skip: " (kept in LastTest.log).
skipped="$(grep -c ' (Skipped)$' "$output" || true)"
if [ "$skipped" -eq 0 ]; then
  echo "test.sh: 0 tests skipped"
else
  reasons="$(grep -h '^skip: ' Testing/Temporary/LastTest.log 2>/dev/null | sed 's/^skip: //' |
    sort -u | paste -sd '|' | sed 's/|/; /g')"
  echo "test.sh: $skipped tests skipped: ${reasons:-they gave no reason (see Testing/Temporary/LastTest.log)}"
fi
exit "$status"
