#!/usr/bin/env bash
# ctest: the agent's federation mode with the real program (docs/agent.md,
# "Federation mode"): fingerprints in keygen, `init --root` (refused
# without a terminal unless --yes, refused for a root not signed by a
# threshold of its own keys, never pinned twice), `registry show` and
# `status` in federation mode, `registry confirm` with nothing to confirm,
# and `registry show` in local mode with the three fingerprints.
# usage: federation_agent_cli_test.sh <certshare> <tests/data/trust>
set -euo pipefail
certshare="$1"
data="$2"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scenario_start federation-agent
export HOME="$work/home"
mkdir -p "$HOME"
conf="$work/agent/agent.toml"
fp_re='[0-9a-f]\{4\}\( [0-9a-f]\{4\}\)\{7\}'

echo "--- keygen prints the three fingerprints"
expect_exit 0 "$certshare" keygen --org CERT-EE --out "$work/agent/keys"
expect_out_re "sign       $fp_re"
expect_out_re "box        $fp_re"
expect_out_re "transport  $fp_re"

echo "--- init --root: no terminal and no --yes: refused, nothing pinned"
expect_exit 2 "$certshare" init --org CERT-EE --broker tcp://127.0.0.1:9 --out "$conf" \
  --root "$data/root-1.json"
expect_err "--yes"
[ ! -e "$work/agent/trust/root.json" ] || fail "a root was pinned without confirmation"
[ ! -e "$conf" ] || fail "init wrote the configuration although the root was not pinned"

echo "--- init --root: a root signed by fewer than its threshold of root keys is refused"
python3 - "$data/root-1.json" "$work/under.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["signatures"] = doc["signatures"][:1]
json.dump(doc, open(sys.argv[2], "w"), indent=2)
PY
expect_exit 3 "$certshare" init --org CERT-EE --broker tcp://127.0.0.1:9 --out "$conf" \
  --root "$work/under.json" --yes
expect_err "UNDER_THRESHOLD (211)"
[ ! -e "$work/agent/trust/root.json" ] || fail "a root under its threshold was pinned"

echo "--- init --root --yes: prints every root key's fingerprint and holder, pins it"
expect_exit 0 "$certshare" init --org CERT-EE --broker tcp://127.0.0.1:9 --out "$conf" \
  --root "$data/root-1.json" --yes
expect_out "wrote $conf"
expect_out "federation eu-cert-federation, root version 1, expires 2030-01-01T00:00:00Z"
expect_out "a04e e23a 9c93 585b 3de3 afc9 7c3e d752  CERT-EE"
expect_out "EU-HUB"
[ -f "$work/agent/trust/root.json" ] || fail "init --root wrote no root.json"
[ "$(stat -c %a "$work/agent/trust")" = 700 ] || fail "trust directory not 0700"
expect_exit 3 "$certshare" init --root "$data/root-2.json" --yes --out "$conf"
expect_err "ALREADY_EXISTS"

echo "--- registry show and status in federation mode (no registry version yet)"
expect_exit 0 "$certshare" registry show --config "$conf"
expect_out "federation eu-cert-federation, root version 1 (expires 2030-01-01T00:00:00Z), registry version 0"
expect_exit 5 "$certshare" status --config "$conf" --connect-timeout 1 --timeout 1 \
  --identity "$work/agent/keys/CERT-EE.secret.json" --broker-card "$work/agent/keys/CERT-EE.card.json"
expect_out "federation    eu-cert-federation: root version 1"
expect_out "freshness     NOT fresh"
expect_out_re "keys          sign $fp_re  box $fp_re  transport $fp_re"
expect_err "warning: the registry has never been confirmed current"
echo "--- status --json: the same federation fields and the three fingerprints"
expect_exit 5 "$certshare" status --json --config "$conf" --connect-timeout 1 --timeout 1 \
  --identity "$work/agent/keys/CERT-EE.secret.json" --broker-card "$work/agent/keys/CERT-EE.card.json"
python3 - "$work/out" <<'PY' || fail "status --json lacks the federation fields: $(cat "$work/out")"
import json, re, sys
s = json.load(open(sys.argv[1]))
fp = re.compile(r"^[0-9a-f]{4}( [0-9a-f]{4}){7}$")
assert all(fp.match(s["fingerprints"][k]) for k in ("sign", "box", "transport")), s["fingerprints"]
f = s["federation"]
assert f["name"] == "eu-cert-federation" and f["root_version"] == 1, f
assert f["root_expires"] == "2030-01-01T00:00:00Z", f
assert f["registry_version"] == 0 and f["registry_expires"] is None, f
assert f["fresh"] is False and f["timestamp_issued"] is None and f["timestamp_expires"] is None, f
assert "never been confirmed current" in f["freshness_warning"], f
PY

echo "--- registry confirm: an organisation the registry does not hold"
expect_exit 3 "$certshare" registry confirm CERT-UA --fingerprint "0000 1111" --config "$conf"
expect_err "UNKNOWN_ORGANISATION"

echo "--- local mode: registry show prints the three fingerprints"
expect_exit 0 "$certshare" registry import --registry "$work/registry.json" \
  "$work/agent/keys/CERT-EE.card.json"
expect_exit 0 "$certshare" registry show --registry "$work/registry.json" --trust-dir "$work/none"
expect_out_re "^CERT-EE	CERT-EE	sign $fp_re  box $fp_re  transport $fp_re$"
expect_exit 5 "$certshare" status --json --registry "$work/registry.json" --trust-dir "$work/none" \
  --connect-timeout 1 --timeout 1 --identity "$work/agent/keys/CERT-EE.secret.json" \
  --broker tcp://127.0.0.1:9 --broker-card "$work/agent/keys/CERT-EE.card.json"
expect_out '"federation":null'
expect_exit 2 "$certshare" registry confirm CERT-EE --fingerprint "0000" \
  --registry "$work/registry.json" --trust-dir "$work/none"

echo "PASS"
