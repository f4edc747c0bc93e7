#!/usr/bin/env bash
# ctest: secrets on the host, with the real programs (docs/security.md,
# "Files on the host"): a running broker and a running subscriber can
# leave no core file (their core size limit is 0); a secret file, a
# passphrase file, the registry and the operator card given as a symbolic
# link, or a registry or operator card others can change, are refused with
# INSECURE_PERMISSIONS by the agent and by the broker.
# usage: host_secrets_test.sh <certshare> <certshare-broker>
set -euo pipefail
certshare="$1"
broker_bin="$2"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scenario_start host-secrets
# no_core <pid>: the process may write no core file (soft and hard limit 0).
no_core() {
  grep -Eq '^Max core file size +0 +0 +bytes' "/proc/$1/limits"
}
cd "$work"

"$certshare" keygen --org OPERATOR --out operator >/dev/null
broker_config metrics_listen= operator_card=operator/OPERATOR.card.json

echo "--- a running broker and a running subscriber can dump no core"
start_broker CERT-EE CERT-UA
# Each turns core dumps off first thing at start.
wait_until "the broker to forbid core dumps: $(grep core "/proc/$broker_pid/limits")" \
  no_core "$broker_pid"
background agent_exec CERT-UA subscribe >sub.out 2>sub.err
wait_until "the subscriber to forbid core dumps: $(grep core "/proc/$last_pid/limits")" \
  no_core "$last_pid"
stop_broker

publish() {  # publish <identity> <registry>: a CLEAR notice, spooled only
  "$certshare" publish --identity "$1" --registry "$2" --tlp clear --no-wait \
    --spool spool - <<'JSON'
{"type":"note","spec_version":"2.1","id":"note--0b4a9bb4-0a5a-4f35-9b7c-3f1b1c2e8d11","created":"2026-11-27T10:00:00.000Z","modified":"2026-11-27T10:00:00.000Z","content":"test","object_refs":["identity--b006fa24-9c77-4e53-be16-0c198082af03"]}
JSON
}

echo "--- a secret file, passphrase file or registry given as a symbolic link is refused"
ln -s keys/CERT-EE.secret.json linked.secret.json
expect_exit 3 publish linked.secret.json registry.json
expect_err "INSECURE_PERMISSIONS"
expect_err "linked.secret.json is a symbolic link"
ln -s registry.json linked-registry.json
expect_exit 3 publish keys/CERT-EE.secret.json linked-registry.json
expect_err "INSECURE_PERMISSIONS"
expect_err "the registry linked-registry.json is a symbolic link"
printf 'passphrase\n' >pass && chmod 600 pass && ln -s pass linked.pass
expect_exit 3 "$certshare" protect keys/CERT-EE.secret.json --passphrase-file linked.pass
expect_err "INSECURE_PERMISSIONS"
expect_err "the passphrase file linked.pass is a symbolic link"

echo "--- a registry others can change is refused, by the agent and the broker"
chmod 664 registry.json
expect_exit 3 publish keys/CERT-EE.secret.json registry.json
expect_err "INSECURE_PERMISSIONS"
expect_err "chmod go-w registry.json"
expect_exit 1 "$broker_bin" --config broker.json --check-config
expect_err "INSECURE_PERMISSIONS"
chmod 644 registry.json
expect_exit 0 publish keys/CERT-EE.secret.json registry.json

echo "--- so is an operator card others can change, or the broker's secret as a link"
chmod 666 operator/OPERATOR.card.json
expect_exit 1 "$broker_bin" --config broker.json --check-config
expect_err "INSECURE_PERMISSIONS"
chmod 644 operator/OPERATOR.card.json
sed -i 's|keys/BROKER.secret.json|linked-broker.secret.json|' broker.json
ln -s keys/BROKER.secret.json linked-broker.secret.json
expect_exit 1 "$broker_bin" --config broker.json --check-config
expect_err "symbolic link"
echo "ok"
