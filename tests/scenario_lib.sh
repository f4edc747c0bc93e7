# Helpers for the shell scenario tests, sourced (not run):
#   source "$(dirname "$0")/scenario_lib.sh"
#   scenario_start <name>        # $work: a fresh directory, removed at exit
# Then: pids+=(PID) for every background process (killed at exit), fail,
# wait_until, expect_exit (standard output and error in $work/out and
# $work/err), expect_out / expect_err (a fixed string), expect_stderr (a
# grep pattern), wait_exit, and start_broker / agent for a
# broker of the organisations given and the agents talking to it.
# (The older scripts still define their own copies of these.)

# scenario_start <name>: $work, XDG directories inside it, the exit trap.
scenario_start() {
  work="$(mktemp -d "${TMPDIR:-/tmp}/certshare-$1-test.XXXXXX")"
  export XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config"
  pids=()
  trap scenario_cleanup EXIT
}
scenario_cleanup() {
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
fail() { echo "FAIL: $*" >&2; exit 1; }
# wait_until <what> <command...>: polls the command (bounded, 15 s).
wait_until() {
  local what="$1"; shift
  for _ in $(seq 300); do "$@" && return 0; sleep 0.05; done
  fail "timed out waiting for $what"
}
# expect_exit <code> <command...>: runs the command, checks its exit status.
expect_exit() {
  local want="$1"; shift
  set +e
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  set -e
  [ "$got" -eq "$want" ] || fail "expected exit $want, got $got from: $* :: $(cat "$work/out" "$work/err")"
}
expect_out() { grep -qF -- "$1" "$work/out" || fail "stdout lacks '$1': $(cat "$work/out")"; }
expect_err() { grep -qF -- "$1" "$work/err" || fail "stderr lacks '$1': $(cat "$work/err")"; }
expect_stderr() { grep -q -- "$1" "$work/err" || fail "stderr lacks '$1': $(cat "$work/err")"; }
# wait_exit <pid> <code>: the background process exits (bounded) with code.
wait_exit() {
  local pid="$1" want="$2" got
  wait_until "process $pid to stop" sh -c "! kill -0 $pid 2>/dev/null"
  set +e
  wait "$pid"
  got=$?
  set -e
  [ "$got" -eq "$want" ] || fail "process $pid exited $got, expected $want"
}
# start_broker <certshare> <certshare-broker> <org>...: keys for BROKER and
# each org in $work/keys, a registry of the orgs, a broker on an ephemeral
# loopback port; $endpoint once it listens.
start_broker() {
  local certshare_bin="$1" broker_bin="$2"; shift 2
  local org cards=()
  for org in BROKER "$@"; do
    "$certshare_bin" keygen --org "$org" --out "$work/keys" >/dev/null
  done
  for org in "$@"; do cards+=("$work/keys/$org.card.json"); done
  "$certshare_bin" registry import --registry "$work/registry.json" "${cards[@]}" >/dev/null
  cat >"$work/broker.json" <<JSON
{
  "listen": "tcp://127.0.0.1:*",
  "metrics_listen": "127.0.0.1:0",
  "identity": "keys/BROKER.secret.json",
  "registry": "registry.json",
  "data_dir": "broker-data",
  "endpoint_file": "broker.endpoint"
}
JSON
  "$broker_bin" --config "$work/broker.json" >"$work/broker.log" 2>&1 &
  pids+=($!)
  wait_until "the broker's endpoint file" test -s "$work/broker.endpoint"
  endpoint="$(cat "$work/broker.endpoint")"
  scenario_certshare="$certshare_bin"
}
# agent <org> <subcommand> [args...]: certshare as that organisation,
# connected to the broker start_broker started.
agent() {
  local org="$1" sub="$2"; shift 2
  "$scenario_certshare" "$sub" $(agent_flags "$org") "$@"
}
# agent_exec: the same, replacing the shell, for a background process
# whose $! must be certshare's own pid: ( agent_exec ORG subscribe ... ) &
agent_exec() {
  local org="$1" sub="$2"; shift 2
  exec "$scenario_certshare" "$sub" $(agent_flags "$org") "$@"
}
# The connection flags of <org> (paths under $work hold no blanks).
agent_flags() {
  echo --identity "$work/keys/$1.secret.json" --registry "$work/registry.json" \
    --broker "$endpoint" --broker-card "$work/keys/BROKER.card.json"
}
