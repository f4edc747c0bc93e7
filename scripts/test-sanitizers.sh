#!/usr/bin/env bash
# Builds certshare with AddressSanitizer (leak checks on) and
# UndefinedBehaviorSanitizer (halting on the first error) into build-asan/
# (or $CERTSHARE_ASAN_BUILD_DIR) and runs every test through ctest.
# Arguments are passed to ctest (e.g. -R wire_test, -E cli_end_to_end).
#
# Sanitizer reports are written to files (log_path) as well as failing the
# program, so a report from a program that a shell test expected to fail
# (an exit code the test tolerates) is not lost: the run fails if ctest
# fails or if any report file exists. docs/fuzzing.md, "Sanitizers".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CERTSHARE_ASAN_BUILD_DIR:-$root/build-asan}"
"$root/scripts/install-deps.sh"

# _GLIBCXX_ASSERTIONS adds bounds checks to std::vector/string/span
# operator[] and friends, which ASan alone misses inside a container's
# capacity.
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
flags+=" -D_GLIBCXX_ASSERTIONS"
# Warnings are errors here (CERTSHARE_WERROR below) but one: GCC 12 with
# -fsanitize=address warns "may be used uninitialized" inside libstdc++'s
# <regex> (std::function members of its automaton; GCC bug 105616, a false
# positive), which broker/metrics_test.cc includes. It stays a warning in
# this build only; scripts/test.sh's build, without sanitizers, still
# fails on it.
flags+=" -Wno-error=maybe-uninitialized"

reports="$build/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
# detect_leaks is LeakSanitizer (on by default on x86-64; said explicitly).
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:check_initialization_order=1:detect_invalid_pointer_pairs=0:log_path=$reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
# LeakSanitizer suppressions for third-party libraries only (none of ours).
supp="$root/tests/sanitizers/lsan.supp"
if [ -f "$supp" ]; then export LSAN_OPTIONS="suppressions=$supp:print_suppressions=0"; fi

start=$(date +%s)
# Warnings are errors, as in scripts/test.sh (CMakeLists.txt, CERTSHARE_WERROR).
# -O1 (what the ASan documentation recommends) and -g1 (line tables, all
# the stack traces need) build in about half the time of -O2 -g.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCERTSHARE_WERROR=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
# The build runs each test binary once to list its tests (gtest discovery),
# under the same sanitizer options.
cmake --build "$build" -j "$(nproc)"
built=$(date +%s)

cd "$build"
status=0
ctest --output-on-failure -j "$(nproc)" "$@" || status=$?
done_at=$(date +%s)

if compgen -G "$reports/*" >/dev/null; then
  echo "==> sanitizer reports:" >&2
  for f in "$reports"/*; do
    echo "--- $f" >&2
    cat "$f" >&2
  done
  status=1
fi
echo "==> sanitizers: build $((built - start)) s, tests $((done_at - built)) s," \
     "$([ $status -eq 0 ] && echo passed || echo FAILED)"
exit $status
