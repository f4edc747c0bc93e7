#!/usr/bin/env bash
# ctest: sharing groups and runtime registry changes with the real
# programs: `certshare registry show` lists groups, `certshare publish --to
# group:NAME` expands one, and `certshare-broker admin` (add-org, revoke,
# show) changes a running broker's registry, which survives a restart.
# usage: admin_cli_test.sh <certshare> <certshare-broker> <samples-dir>
set -euo pipefail
certshare="$1"
broker_bin="$2"
samples="$3"
work="$(mktemp -d "${TMPDIR:-/tmp}/certshare-admin-test.XXXXXX")"
broker_pid=""
cleanup() {
  if [ -n "$broker_pid" ]; then
    kill "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_exit() {  # expect_exit <code> <command...>
  local want="$1"; shift
  set +e
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  set -e
  [ "$got" -eq "$want" ] || fail "expected exit $want, got $got from: $* :: $(cat "$work/err")"
}
expect_out() { grep -q -- "$1" "$work/out" || fail "stdout lacks '$1': $(cat "$work/out")"; }
expect_err() { grep -q -- "$1" "$work/err" || fail "stderr lacks '$1': $(cat "$work/err")"; }
cd "$work"

for org in BROKER CERT-EE CERT-UA CERT-EU CERT-XX; do
  "$certshare" keygen --org "$org" --out keys >/dev/null
done
"$certshare" keygen --org OPERATOR --out operator >/dev/null
"$certshare" keygen --org CERT-FI --out new >/dev/null
"$certshare" registry import --registry registry.json keys/CERT-EE.card.json \
  keys/CERT-UA.card.json keys/CERT-EU.card.json keys/CERT-XX.card.json >/dev/null
python3 - registry.json <<'PY'
import json, sys
path = sys.argv[1]
registry = json.load(open(path))
registry["groups"] = {"baltic": ["CERT-EE", "CERT-UA", "CERT-EU"]}
json.dump(registry, open(path, "w"), indent=2)
PY

echo "--- registry show lists the group"
expect_exit 0 "$certshare" registry show --registry registry.json
expect_out "$(printf 'group:baltic\tCERT-EE,CERT-UA,CERT-EU')"

cat >broker.json <<JSON
{"listen": "tcp://127.0.0.1:*", "identity": "keys/BROKER.secret.json",
 "registry": "registry.json", "data_dir": "data", "endpoint_file": "broker.endpoint",
 "metrics_listen": "", "operator_card": "operator/OPERATOR.card.json"}
JSON
expect_exit 0 "$broker_bin" --config broker.json --check-config
start_broker() {
  rm -f broker.endpoint
  "$broker_bin" --config broker.json >>broker.log 2>&1 &
  broker_pid=$!
  for _ in $(seq 300); do [ -s broker.endpoint ] && break; sleep 0.05; done
  [ -s broker.endpoint ] || fail "the broker did not start: $(cat broker.log)"
  endpoint="$(cat broker.endpoint)"
}
stop_broker() {
  kill -TERM "$broker_pid"
  wait "$broker_pid" || fail "the broker did not stop cleanly"
  broker_pid=""
}
admin() {  # admin <operator-secret> <subcommand...>
  local who="$1"; shift
  "$broker_bin" admin --operator "$who" --broker "$endpoint" \
    --broker-card keys/BROKER.card.json --timeout 10 "$@"
}
agent() {  # agent <org> <subcommand> [args...]
  local org="$1" sub="$2"; shift 2
  "$certshare" "$sub" --identity "keys/$org.secret.json" --registry agent-registry.json \
    --broker "$endpoint" --broker-card keys/BROKER.card.json "$@"
}
start_broker

echo "--- admin show, then add-org"
expect_exit 0 admin operator/OPERATOR.secret.json show
expect_out "$(printf 'group:baltic\tCERT-EE,CERT-UA,CERT-EU')"
expect_exit 0 admin operator/OPERATOR.secret.json add-org new/CERT-FI.card.json
expect_out "added CERT-FI"
expect_exit 4 admin operator/OPERATOR.secret.json add-org new/CERT-FI.card.json
expect_err "ALREADY_EXISTS"
expect_exit 0 admin operator/OPERATOR.secret.json show --json
cp "$work/out" agent-registry.json
grep -q '"CERT-FI"' registry.json || fail "add-org not written to the broker's registry file"

echo "--- a CERT is not the operator"
expect_exit 4 admin keys/CERT-EE.secret.json show
expect_err "NOT_AUTHORIZED"
"$certshare" keygen --org OPERATOR --out impostor >/dev/null
expect_exit 5 admin impostor/OPERATOR.secret.json revoke CERT-XX
expect_err "UNAUTHENTICATED"

echo "--- publish to a group"
expect_exit 0 agent CERT-EE publish "$samples/incident-amber.json" --to group:baltic
expect_out "to CERT-UA, CERT-EU, encrypted"
expect_exit 3 agent CERT-EE publish "$samples/incident-amber.json" --to group:nordic
expect_err "group nordic is not in this agent's registry (its groups: baltic)"
for org in CERT-UA CERT-EU; do
  expect_exit 0 agent "$org" subscribe --until-caught-up --timeout 30
  [ "$(wc -l <"$work/out")" -eq 1 ] || fail "$org should receive the group's record"
done
expect_exit 0 agent CERT-XX subscribe --until-caught-up --timeout 30
[ ! -s "$work/out" ] || fail "CERT-XX is not in the group: $(cat "$work/out")"

echo "--- revoke"
expect_exit 0 admin operator/OPERATOR.secret.json revoke CERT-XX
expect_out "revoked CERT-XX at "
expect_exit 4 admin operator/OPERATOR.secret.json revoke CERT-XX
expect_err "REVOKED"
# A revoked organisation is told so in the handshake (ZAP status 500), not
# asked whether its key is registered.
expect_exit 4 agent CERT-XX subscribe --until-caught-up --timeout 10
expect_err "REVOKED (207): the broker refused this organisation's transport key because its registry marks the organisation revoked"
! grep -q "is it in the broker's registry" "$work/err" || fail "revoked reported as unknown: $(cat "$work/err")"
expect_exit 4 agent CERT-XX publish "$samples/notice-clear.json" --spool spool-xx
expect_err "REVOKED (207)"
expect_err "stays in the spool"
expect_exit 0 admin operator/OPERATOR.secret.json show
expect_out "$(printf '\trevoked 20')"
python3 -c 'import json,sys; r=json.load(open("registry.json")); \
  assert [o for o in r["organisations"] if o["org"]=="CERT-XX"][0]["revoked"] is True; \
  assert r["groups"]["baltic"]==["CERT-EE","CERT-UA","CERT-EU"]' ||
  fail "the revocation (and the groups) should be in the registry file"

echo "--- after a restart"
stop_broker
start_broker
expect_exit 4 agent CERT-XX subscribe --until-caught-up --timeout 10
expect_err "REVOKED (207)"
# CERT-FI's keys were made in new/, the registry entry came from add-org.
expect_exit 0 "$certshare" subscribe --identity new/CERT-FI.secret.json \
  --registry agent-registry.json --broker "$endpoint" --broker-card keys/BROKER.card.json \
  --until-caught-up --timeout 30
expect_exit 0 agent CERT-UA subscribe --until-caught-up --timeout 30
[ "$(wc -l <"$work/out")" -eq 1 ] || fail "CERT-UA should still hold its record"
grep -q "admin: revoked CERT-XX at" broker.log || fail "the revocation is not logged"
stop_broker
echo "PASS"
