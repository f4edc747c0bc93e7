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
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scenario_start admin
cd "$work"

make_keys BROKER CERT-EE CERT-UA CERT-EU CERT-XX
"$certshare" keygen --org OPERATOR --out operator >/dev/null
"$certshare" keygen --org CERT-FI --out new >/dev/null
make_registry CERT-EE CERT-UA CERT-EU CERT-XX >/dev/null
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

broker_config metrics_listen= operator_card=operator/OPERATOR.card.json
expect_exit 0 "$broker_bin" --config broker.json --check-config
admin() {  # admin <operator-secret> <subcommand...>
  local who="$1"; shift
  "$broker_bin" admin --operator "$who" --broker "$endpoint" \
    --broker-card keys/BROKER.card.json --timeout 10 "$@"
}
# The agents use the registry as `admin show --json` gives it (below).
agent_registry="$work/agent-registry.json"
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

echo "--- revocation without collateral"
# CERT-EE's copy still shows CERT-XX as a member: its GREEN record names
# it, and the broker refuses the whole record.
expect_exit 4 agent CERT-EE publish "$samples/notice-clear.json" --tlp green --spool spool-ee
expect_err "REVOKED (207)"
# --reseal alone cannot know: the agent's registry does not show it.
expect_exit 0 agent CERT-EE flush --reseal --spool spool-ee
expect_err "marks none of their recipients revoked: take in the broker's registry first"
# The operator's registry, as admin show --json prints it, is imported.
expect_exit 0 admin operator/OPERATOR.secret.json show --json
cp "$work/out" broker-registry.json
expect_exit 0 "$certshare" registry import --registry agent-registry.json broker-registry.json
expect_out "imported CERT-XX (revoked at 20"
expect_out "imported group:baltic from broker-registry.json"
expect_exit 0 agent CERT-EE flush --reseal --spool spool-ee
expect_err "without CERT-XX (revoked at 20"
now_to=$(sed -n 's/.*it now goes to //p' "$work/err")
[ "$now_to" = "CERT-EU, CERT-FI, CERT-UA" ] || fail "resealed for the others only: $(cat "$work/err")"
expect_out "1 published"
expect_exit 0 agent CERT-UA subscribe --until-caught-up --timeout 30
grep -q "bundle--0685927e" "$work/out" || fail "CERT-UA should receive the resealed GREEN record: $(cat "$work/out")"
# From now on the agent leaves CERT-XX out of the GREEN community itself.
expect_exit 0 agent CERT-EE publish "$samples/notice-clear.json" --tlp green --spool spool-ee
expect_err "warning: CERT-XX (revoked at 20"
expect_err "is left out of the TLP:GREEN community"

echo "--- quarantine: withhold what the broker received from CERT-EE"
expect_exit 3 admin operator/OPERATOR.secret.json quarantine CERT-EE --since yesterday
expect_err 'is not a time (RFC 3339 UTC'
expect_exit 4 admin operator/OPERATOR.secret.json quarantine CERT-ZZ --since 2026-01-01T00:00:00Z
expect_err "UNKNOWN_ORGANISATION"
expect_exit 0 admin operator/OPERATOR.secret.json quarantine CERT-EE --since 2026-01-01T00:00:00Z
expect_out "withholding CERT-EE's records received from 2026-01-01T00:00:00Z on (sequence 1 on"
expect_exit 0 agent CERT-UA subscribe --until-caught-up --timeout 30
[ ! -s "$work/out" ] || fail "CERT-EE's records are withheld: $(cat "$work/out")"
expect_exit 0 admin operator/OPERATOR.secret.json show
expect_out "$(printf 'withheld\tCERT-EE\treceived 2026-01-01T00:00:00Z on\tsequences 1 on')"
grep -q "admin: withholding CERT-EE's records" broker.log || fail "the hold is not logged"
stop_broker
start_broker
expect_exit 0 agent CERT-UA subscribe --until-caught-up --timeout 30
[ ! -s "$work/out" ] || fail "the hold survives a restart: $(cat "$work/out")"
expect_exit 0 admin operator/OPERATOR.secret.json release CERT-EE
expect_out "released CERT-EE's records"
expect_exit 4 admin operator/OPERATOR.secret.json release CERT-EE
expect_err "NOT_FOUND"
expect_exit 0 agent CERT-UA subscribe --until-caught-up --timeout 30
grep -q "bundle--0685927e" "$work/out" || fail "released: CERT-UA receives CERT-EE's records again: $(cat "$work/out")"
stop_broker
echo "PASS"
