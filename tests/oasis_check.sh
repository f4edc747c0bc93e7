#!/usr/bin/env bash
# ctest <test>_oasis: what the scenario test <test> made and kept
# (tests/oasis.sh, oasis_keep) passes the OASIS STIX 2.1 schemas, checked
# with <shared-dir>/tools/validate-stix. The schemas are not part of the
# repository: without them this exits 77, which ctest reports as skipped
# (SKIP_RETURN_CODE), never as passed.
# usage: oasis_check.sh <shared-dir> <kept-dir>
set -euo pipefail
shared="$1"
kept="$2"
tool="$shared/tools/validate-stix"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # fail

if [ ! -x "$tool" ] || [ ! -d "$shared/stix/schemas" ]; then
  # The same line as common/base/testing.cc, OasisMaterialAbsent.
  echo "skip: the OASIS STIX 2.1 material (stix/, tools/validate-stix) is not in $shared;" \
    "put it there, or configure with -DCERTSHARE_SHARED_DIR=<its folder>"
  exit 77
fi
checks=()
for check in "$kept"/check-*; do [ -d "$check" ] && checks+=("$check"); done
[ "${#checks[@]}" -gt 0 ] || fail "the test kept nothing to check in $kept"
for check in "${checks[@]}"; do
  what="$(cat "$check/what")"
  read -r options <"$check/options" || true
  files="$(find "$check/files" -name '*.json' | wc -l)"
  # shellcheck disable=SC2086 # options is empty or --bundle
  /usr/bin/python3 "$tool" $options "$check/files" >"$check/report.txt" 2>&1 ||
    fail "the OASIS STIX 2.1 schemas refuse $what: $(cat "$check/report.txt")"
  grep -q "^  files  *$files$" "$check/report.txt" ||
    fail "validate-stix did not check the $files files of $what: $(cat "$check/report.txt")"
  echo "ok   $what: $files files pass the OASIS STIX 2.1 schemas${options:+ ($options)}"
done
