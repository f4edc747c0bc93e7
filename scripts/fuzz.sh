#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz (docs/fuzzing.md).
#
#   scripts/fuzz.sh [seconds-per-target] [target...]
#
# Installs clang and libclang-rt-14-dev if missing, builds every target with
# CERTSHARE_FUZZ=ON (ASan + UBSan + libFuzzer) in build-fuzz/ (or
# $CERTSHARE_FUZZ_BUILD_DIR), then fuzzes each target for the given time
# (default 60 s; all targets by default) from its seed corpus
# tests/fuzz/corpus/<name>/ and kept crashes tests/fuzz/crashes/<name>/.
# New inputs go to build-fuzz/corpus/<name>/ (kept between runs, never into
# the repository); a crash, leak, timeout or broken contract leaves its
# input in build-fuzz/artifacts/<name>/ and makes the script exit 1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CERTSHARE_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${1:-60}"
shift || true
case "$seconds" in
  ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [seconds-per-target] [target...]" >&2; exit 2 ;;
esac

"$root/scripts/install-deps.sh"
# clang and the libFuzzer / sanitizer runtimes (Debian 12: clang 14).
missing=()
for p in clang libclang-rt-14-dev; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing missing packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "fuzz.sh: need root to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# -O1 and no NDEBUG: asserts stay on while fuzzing. -g1 (line tables) is
# enough for the sanitizers' stack traces and builds much faster than -g.
cmake -S "$root" -B "$build" -DCERTSHARE_FUZZ=ON \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" >/dev/null

all=()
for f in "$root"/tests/fuzz/corpus/*/; do all+=("$(basename "$f")"); done
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
  [ -d "$root/tests/fuzz/corpus/$t" ] || { echo "fuzz.sh: no target \"$t\" (have: ${all[*]})" >&2; exit 2; }
done
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/%/_fuzz}"

# Leaks are findings; UBSan already halts (-fno-sanitize-recover=all).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

found=0
summary=()
for t in "${targets[@]}"; do
  work="$build/corpus/$t"
  artifacts="$build/artifacts/$t"
  log="$build/logs/$t.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  dirs=("$work" "$root/tests/fuzz/corpus/$t")
  [ -d "$root/tests/fuzz/crashes/$t" ] && dirs+=("$root/tests/fuzz/crashes/$t")
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$artifacts/")
  [ -f "$root/tests/fuzz/dict/$t.dict" ] && args+=(-dict="$root/tests/fuzz/dict/$t.dict")
  echo "==> fuzzing $t for ${seconds}s (log: $log)"
  rc=0
  "$build/tests/fuzz/${t}_fuzz" "${args[@]}" "${dirs[@]}" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$last")
  rate=$(( ${execs:-0} / (seconds > 0 ? seconds : 1) ))
  if [ $rc -eq 0 ]; then
    result="ok"
  else
    found=1
    kind=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-z-]+|runtime error: .*|fuzz contract broken: .*' "$log" || echo "exit $rc")
    result="FINDING ($kind) -> $(ls -t "$artifacts" | head -1)"
    echo "    $result; see $log" >&2
  fi
  summary+=("$(printf '%-14s %12s %9s %7s %7s %11s  %s' "$t" "${execs:-?}" "$rate" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result")")
done

echo
printf '%-14s %12s %9s %7s %7s %11s  %s\n' target executions "exec/s" cov ft corpus result
printf '%s\n' "${summary[@]}"
exit $found
