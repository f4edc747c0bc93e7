#!/usr/bin/env bash
# ctest: a federation made with the real programs (docs/trust.md,
# "Operation"): root keys and a registry signer made by keygen (one root key
# protected by a passphrase), `certshare trust root new`, `trust registry
# new`, `trust sign`, `trust show`; a broker in federation mode started
# from them; `admin apply` of version 2 revoking CERT-XX (its publishing
# refused from then on), a timestamp; refusals with their codes (unsigned,
# rollback, broken chain, a key change without the old key's signature);
# `keygen --rotate-from` and `trust registry next --key-change` accepted;
# `admin show` in federation mode; a restart keeps it all; a local-mode
# broker answers `admin apply` with NOT_FEDERATED.
# usage: federation_cli_test.sh <certshare> <certshare-broker> <samples-dir>
set -euo pipefail
certshare="$1"
broker_bin="$2"
samples="$3"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scenario_start federation
cd "$work"

make_keys BROKER CERT-EE CERT-UA CERT-XX
make_registry CERT-EE CERT-UA CERT-XX >/dev/null   # the agents' own copies (local mode agents)
"$certshare" keygen --org OPERATOR --out operator >/dev/null
echo "correct horse battery staple" >pass && chmod 600 pass
"$certshare" keygen --org root-EE --out fed --passphrase-file pass >/dev/null
for k in root-UA root-HUB registry-A; do "$certshare" keygen --org "$k" --out fed >/dev/null; done
sign() { expect_exit 0 "$certshare" trust sign "$1" --identity "fed/$2.secret.json" "${@:3}"; }

echo "--- a root: 2 of 3 root keys, 1 registry key"
expect_exit 0 "$certshare" trust root new --federation test-fed \
  --root-key fed/root-EE.card.json --root-key fed/root-UA.card.json --root-key fed/root-HUB.card.json \
  --root-threshold 2 --registry-key fed/registry-A.card.json --registry-threshold 1 \
  --expires 2030-01-01T00:00:00Z --out root.json
sign root.json root-EE --passphrase-file pass
sign root.json root-UA
expect_exit 0 "$certshare" trust show root.json
expect_out "$(printf 'root\ttest-fed\tversion 1')"
expect_out "threshold 2 of 3"
expect_out_re "signature.*root-EE.valid"
expect_out_re "signature.*root-UA.valid"

echo "--- registry version 1"
expect_exit 0 "$certshare" trust registry new --root root.json --add keys/CERT-EE.card.json \
  --add keys/CERT-UA.card.json --add keys/CERT-XX.card.json --home-broker broker-a \
  --card-expires 2029-01-01T00:00:00Z --expires 2030-01-01T00:00:00Z --out registry-1.json
sign registry-1.json registry-A
expect_exit 0 "$certshare" trust show registry-1.json --root root.json
expect_out_re "signature.*registry-A.valid"
expect_out "$(printf 'organisation\tCERT-XX')"

echo "--- the broker in federation mode"
broker_config metrics_listen= operator_card=operator/OPERATOR.card.json root=root.json \
  registry=registry-1.json
expect_exit 0 "$broker_bin" --config broker.json --check-config
expect_out "3 organisations"
start_broker
grep -q "federation test-fed: root version 1, registry version 1" "$broker_log" ||
  fail "no federation line in the broker's log"
admin() {
  "$broker_bin" admin --operator operator/OPERATOR.secret.json --broker "$endpoint" \
    --broker-card keys/BROKER.card.json --timeout 10 "$@"
}
incident="$samples/incident-amber.json"
expect_exit 0 agent CERT-XX publish "$incident" --to CERT-EE --tlp amber

echo "--- what an agent would refuse, admin apply refuses"
expect_exit 0 "$certshare" trust registry next --from registry-1.json --revoke CERT-XX \
  --at 2026-12-01T00:00:00Z --expires 2030-01-01T00:00:00Z --out registry-2.json
expect_exit 4 admin apply registry-2.json           # not signed yet
expect_err "UNDER_THRESHOLD (211)"
sign registry-2.json registry-A
expect_exit 0 "$certshare" trust registry next --from registry-1.json --revoke CERT-UA \
  --at 2026-12-01T00:00:00Z --expires 2030-01-01T00:00:00Z --out fork-2.json
sign fork-2.json registry-A
expect_exit 0 "$certshare" trust registry next --from fork-2.json --expires 2030-01-01T00:00:00Z \
  --out fork-3.json
sign fork-3.json registry-A

echo "--- admin apply of version 2 revoking CERT-XX"
expect_exit 0 admin apply registry-2.json
expect_out "registry version 2"
expect_exit 4 admin apply registry-1.json
expect_err "ROLLBACK (212)"
expect_exit 4 admin apply fork-3.json
expect_err "BROKEN_CHAIN (214)"
expect_exit 4 agent CERT-XX publish "$incident" --to CERT-EE --tlp amber
expect_err "REVOKED"
expect_exit 0 agent CERT-EE publish "$incident" --to CERT-UA --tlp amber

echo "--- the old edits are refused for federation organisations"
expect_exit 4 admin revoke CERT-UA
expect_err "certshare trust registry next"

echo "--- a timestamp"
expect_exit 0 "$certshare" trust timestamp --registry registry-2.json --valid 24h --out ts.json
sign ts.json registry-A
expect_exit 0 admin apply ts.json
expect_out "timestamp for registry version 2"

echo "--- a key change: keygen --rotate-from, registry next --key-change"
expect_exit 0 "$certshare" keygen --rotate-from keys/CERT-UA.secret.json --federation test-fed \
  --out rotated
expect_out "rotated/CERT-UA.key-change.json"
expect_exit 0 "$certshare" trust registry next --from registry-2.json \
  --key-change rotated/CERT-UA.key-change.json --expires 2030-01-01T00:00:00Z --out registry-3.json
sign registry-3.json registry-A
# The same without the old key's signature: the registry signers alone
# cannot swap a key.
python3 - rotated/CERT-UA.key-change.json forged.key-change.json <<'PY'
import json, sys
change = json.load(open(sys.argv[1]))
change["old_key_sig"] = change["new_key_sig"]
json.dump(change, open(sys.argv[2], "w"))
PY
expect_exit 0 "$certshare" trust registry next --from registry-2.json \
  --key-change forged.key-change.json --expires 2030-01-01T00:00:00Z --out forged-3.json
sign forged-3.json registry-A
expect_exit 4 admin apply forged-3.json
expect_err "ROTATION_NOT_AUTHORISED (216)"
expect_exit 0 admin apply registry-3.json
expect_out "1 key changes"
grep -q "trust: keys of CERT-UA changed in registry version 3" "$broker_log" ||
  fail "the key change is not logged"

echo "--- admin show in federation mode"
expect_exit 0 admin show
expect_out "$(printf 'federation\ttest-fed')"
expect_out "$(printf 'registry\tversion 3')"
expect_out_re "keys.CERT-UA.sign [0-9a-f]\{4\} "

echo "--- a restart keeps the chain"
stop_broker
start_broker
expect_exit 0 admin show
expect_out "$(printf 'registry\tversion 3')"
expect_exit 4 agent CERT-XX publish "$incident" --to CERT-EE --tlp amber
expect_err "REVOKED"
stop_broker

echo "--- a local addition redefining a federation id stops the broker"
"$certshare" keygen --org CERT-EE --out impostor >/dev/null
expect_exit 0 "$certshare" registry import --registry local.json impostor/CERT-EE.card.json
broker_config metrics_listen= operator_card=operator/OPERATOR.card.json root=root.json \
  registry=registry-1.json local_registry=local.json
expect_exit 1 "$broker_bin" --config broker.json --check-config
expect_err "INVALID_CONFIG"
expect_err "local addition CERT-EE"

echo "--- a local-mode broker is not federated"
broker_config metrics_listen= operator_card=operator/OPERATOR.card.json data_dir=local-data
start_broker
expect_exit 4 admin apply registry-2.json
expect_err "NOT_FEDERATED (219)"
stop_broker
echo "federation_cli: ok"
