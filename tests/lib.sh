# Sourced by scenario test scripts: the helpers they share (new scripts use
# these rather than defining their own).
#
#   work                      a fresh folder under $TMPDIR; at exit, every
#                             process started with `background` is stopped
#                             and the folder removed
#   fail <message>            prints FAIL: <message>, exits 1
#   expect_exit <code> <command...>
#                             runs the command (standard input /dev/null,
#                             output in $work/out and $work/err) and fails
#                             unless it exits <code>
#   expect_err <text>         the last expect_exit's standard error holds
#                             <text> (a fixed string)
#   background <command...>   starts the command; its pid is in $last_pid
#   stop <pid>                stops (SIGTERM) and reaps a background
#                             process; fails unless it exits 0
#   wait_until <what> <command...>
#                             polls the command until it succeeds, at most
#                             20 s, then fails naming <what>

work="$(mktemp -d "${TMPDIR:-/tmp}/certshare-test.XXXXXX")"
background_pids=()
last_pid=""
lib_cleanup() {
  local pid
  for pid in "${background_pids[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  for pid in "${background_pids[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap lib_cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

expect_exit() {
  local want="$1"; shift
  set +e
  "$@" >"$work/out" 2>"$work/err" </dev/null
  local got=$?
  set -e
  [ "$got" -eq "$want" ] || fail "expected exit $want, got $got from: $* :: $(cat "$work/err")"
}

expect_err() { grep -qF -- "$1" "$work/err" || fail "stderr lacks '$1': $(cat "$work/err")"; }

background() {
  "$@" &
  last_pid=$!
  background_pids+=("$last_pid")
}

stop() {
  kill -TERM "$1"
  wait "$1" || fail "process $1 did not stop cleanly"
  local i
  for i in "${!background_pids[@]}"; do
    [ "${background_pids[$i]}" = "$1" ] && background_pids[$i]=""
  done
  return 0
}

wait_until() {
  local what="$1"; shift
  for _ in $(seq 400); do "$@" && return 0; sleep 0.05; done
  fail "timed out waiting for $what"
}
