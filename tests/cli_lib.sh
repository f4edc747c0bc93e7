# Helpers for the shell scenario tests (source it: . tests/cli_lib.sh NAME).
# A fresh $work directory removed at exit with every process in $pids,
# expect_exit / expect_out / expect_err / wait_until, and a federation: a
# broker on an ephemeral loopback port with registered organisations.
# Written for tests/tlp_cli_test.sh; the older scripts still carry their
# own copies of these helpers.
#
# After sourcing, with $certshare and $broker_bin set:
#   start_federation ORG...   keygen BROKER and each ORG, import the ORGs'
#                             cards, start the broker; sets $endpoint
#   agent ORG SUBCOMMAND ...  certshare SUBCOMMAND with ORG's identity and
#                             the connection flags
work="$(mktemp -d "${TMPDIR:-/tmp}/certshare-$1-test.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
# Default spools and configuration go under the test's folder.
export XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config"

fail() { echo "FAIL: $*" >&2; exit 1; }
# wait_until <what> <command...>: polls the command (bounded, 15 s).
wait_until() {
  local what="$1"; shift
  for _ in $(seq 300); do "$@" && return 0; sleep 0.05; done
  fail "timed out waiting for $what"
}
# expect_exit <code> <command...>: runs the command (stdout to $work/out,
# stderr to $work/err) and checks its exit status.
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

start_federation() {
  local org cards=()
  for org in BROKER "$@"; do "$certshare" keygen --org "$org" --out "$work/keys" >/dev/null; done
  for org in "$@"; do cards+=("$work/keys/$org.card.json"); done
  "$certshare" registry import --registry "$work/registry.json" "${cards[@]}" >/dev/null
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
}
agent() {
  local org="$1" sub="$2"; shift 2
  "$certshare" "$sub" --identity "$work/keys/$org.secret.json" --registry "$work/registry.json" \
    --broker "$endpoint" --broker-card "$work/keys/BROKER.card.json" "$@"
}
