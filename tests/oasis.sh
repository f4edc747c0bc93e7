# Sourced by the scenario tests that make STIX (cli_end_to_end.sh,
# builders_cli_test.sh, subscribe_outputs_test.sh, sensor_cli_test.sh).
#
# Those tests check certshare's own behaviour with nothing from outside the
# repository. What they make is also checked against the OASIS STIX 2.1
# schemas, which live outside it (../shared/tools/validate-stix), by a
# companion ctest test, <test>_oasis (tests/oasis_check.sh), that runs after
# them and is reported as skipped when the schemas are absent
# (tests/CMakeLists.txt, certshare_oasis_check). The test keeps copies of
# what to check in $CERTSHARE_OASIS_KEEP, which ctest sets; run by hand
# without it, nothing is kept.
#
#   oasis_keep <what> [--bundle] <file-or-directory>...
#     keeps the STIX files (a directory: its *.json files) as one check:
#     `validate-stix [--bundle]` must accept every object of every file
#     (with --bundle, each file also as a whole bundle). <what> names the
#     check in the companion's report.

if [ -n "${CERTSHARE_OASIS_KEEP:-}" ]; then
  # What an earlier run kept is not this run's.
  mkdir -p "$CERTSHARE_OASIS_KEEP"
  find "$CERTSHARE_OASIS_KEEP" -mindepth 1 -maxdepth 1 -name 'check-*' -exec rm -rf {} +
fi

oasis_keep() {
  [ -n "${CERTSHARE_OASIS_KEEP:-}" ] || return 0
  local what="$1" options=""
  shift
  if [ "${1:-}" = "--bundle" ]; then options="--bundle"; shift; fi
  # A fresh folder per check (also when called from a subshell).
  local check n=0 path file
  check="$(mktemp -d "$CERTSHARE_OASIS_KEEP/check-XXXXXX")"
  mkdir "$check/files"
  for path in "$@"; do
    while IFS= read -r file; do
      n=$((n + 1))
      cp "$file" "$check/files/$n-$(basename "$file")"
    done < <(if [ -d "$path" ]; then find "$path" -name '*.json' -type f | sort; else echo "$path"; fi)
  done
  [ "$n" -gt 0 ] || { echo "FAIL: oasis_keep: no STIX file in: $*" >&2; exit 1; }
  printf '%s\n' "$what" >"$check/what"
  printf '%s\n' "$options" >"$check/options"
}
