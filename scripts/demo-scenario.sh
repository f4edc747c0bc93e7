#!/usr/bin/env bash
# The certshare walking skeleton, end to end, with real processes:
#   four CERT identities and a broker identity are created, a broker starts
#   on loopback (ephemeral port, CURVE), a CERT-EE analyst builds a TLP:AMBER
#   incident with `certshare new incident` (RSIT class/type, determination,
#   investigation status, criticality, sector, country, first/last seen), an
#   indicator linked to it with `certshare new indicator`, puts both in one
#   bundle with `certshare new bundle` and publishes that to CERT-UA and
#   CERT-EU, then shares a hand-written STIX file (samples/incident-amber.json)
#   with CERT-EU; the recipients' subscribers print what they may read,
#   verified and decrypted, and the bystander CERT-XX receives nothing.
# What the builders wrote stays in <work-dir>: incident.json, indicator.json
# and bundle.json (what was published), each checked with `certshare
# validate` and, given <shared-dir>, with its tools/validate-stix.
# Every step is checked: the script exits non-zero if anything deviates.
# It stops every process it started.
#
# usage: demo-scenario.sh <certshare> <certshare-broker> <work-dir> <samples-dir> [<shared-dir>]
set -euo pipefail

certshare="$1"
broker_bin="$2"
work="$3"
samples="$4"
shared="${5:-}"

mkdir -p "$work"
pids=()
cleanup() {
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
fail() { echo "DEMO FAILED: $*" >&2; exit 1; }

# Waits (polling, bounded) until a file exists and is not empty.
wait_for_file() {
  local file="$1" tries=0
  until [ -s "$file" ]; do
    tries=$((tries + 1))
    [ $tries -le 300 ] || fail "timed out waiting for $file"
    sleep 0.05
  done
}

step "Creating identities (Ed25519 signing, X25519 encryption and transport keys)"
for org in BROKER CERT-EE CERT-UA CERT-EU CERT-XX; do
  "$certshare" keygen --org "$org" --out "$work/keys" >/dev/null
  echo "  $org: $work/keys/$org.card.json (secret: $(stat -c %a "$work/keys/$org.secret.json"))"
done

step "Registering CERT-EE, CERT-UA, CERT-EU and CERT-XX with the broker"
"$certshare" registry import --registry "$work/registry.json" \
  "$work/keys/CERT-EE.card.json" "$work/keys/CERT-UA.card.json" \
  "$work/keys/CERT-EU.card.json" "$work/keys/CERT-XX.card.json" | sed 's/^/  /'

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

step "Starting the broker on loopback (CURVE; only registered keys get in)"
rm -f "$work/broker.endpoint"
"$broker_bin" --config "$work/broker.json" --log-level "${CERTSHARE_BROKER_LOG_LEVEL:-info}" \
  >"$work/broker.log" 2>&1 &
pids+=($!)
wait_for_file "$work/broker.endpoint"
endpoint="$(cat "$work/broker.endpoint")"
echo "  broker listening on $endpoint"

agent() {  # agent <org> <subcommand> [args...]
  local org="$1" sub="$2"
  shift 2
  "$certshare" "$sub" --identity "$work/keys/$org.secret.json" --registry "$work/registry.json" \
    --broker "$endpoint" --broker-card "$work/keys/BROKER.card.json" "$@"
}

step "CERT-UA and CERT-EU subscribe"
agent CERT-UA subscribe --count 1 --timeout 30 >"$work/CERT-UA.jsonl" 2>"$work/CERT-UA.err" &
pids+=($!)
ua_pid=$!
agent CERT-EU subscribe --count 2 --timeout 30 >"$work/CERT-EU.jsonl" 2>"$work/CERT-EU.err" &
pids+=($!)
eu_pid=$!

# What the analyst types is printed before it runs ("$ certshare ..."), with
# the connection flags (identity, registry, broker) left out for
# readability: an analyst writes those once with `certshare init`.
show() {  # show <line>...: prints a command as the analyst would type it
  printf '  $ %s' "$1"
  shift
  for line in "$@"; do printf ' \\\n      %s' "$line"; done
  printf '\n'
}
id_of() {  # id_of <bundle file> <type>: the id of the first object of that type
  python3 -c 'import json,sys
print(next(o["id"] for o in json.load(open(sys.argv[1]))["objects"] if o["type"] == sys.argv[2]))' "$1" "$2"
}
ee_id=(--identity "$work/keys/CERT-EE.secret.json")
incident_description="Since 2026-03-02 06:00 UTC, staff mailboxes at three ministries have received emails posing as a tax-refund notice. The link leads to tax-refund-portal.example, which serves a loader that beacons over HTTPS to 203.0.113.47. Two workstations ran the payload; both are isolated. Please check mail and proxy logs for the indicator and report hits to CERT-EE."

step "A CERT-EE analyst builds a TLP:AMBER incident (certshare new incident), no JSON by hand"
show "certshare new incident --name \"Tax-refund phishing delivering a loader to government mail users\"" \
  "--description \"Since 2026-03-02 06:00 UTC, staff mailboxes at three ministries ...\"" \
  "--rsit fraud/phishing --incident-type dissemination-phishing-emails" \
  "--determination confirmed --investigation-status open --criticality 65" \
  "--sector government-national --country EE" \
  "--first-seen 2026-03-02T06:00:00Z --last-seen 2026-03-04T16:40:05Z" \
  "--tlp amber --out incident.json"
"$certshare" new incident "${ee_id[@]}" \
  --name "Tax-refund phishing delivering a loader to government mail users" \
  --description "$incident_description" \
  --rsit fraud/phishing --incident-type dissemination-phishing-emails \
  --determination confirmed --investigation-status open --criticality 65 \
  --sector government-national --country EE \
  --first-seen 2026-03-02T06:00:00Z --last-seen 2026-03-04T16:40:05Z \
  --tlp amber --out "$work/incident.json" 2>&1 | sed "s|$work/||; s/^/  /" ||
  fail "certshare new incident failed"
incident_id="$(id_of "$work/incident.json" incident)" ||
  fail "no incident in what certshare new incident wrote"

step "... an indicator of its infrastructure, linked to the incident (certshare new indicator)"
show "certshare new indicator --domain tax-refund-portal.example --ip 203.0.113.47" \
  "--name \"Tax-refund lure infrastructure and loader C2\" --valid-from 2026-03-02T06:00:00Z" \
  "--incident $incident_id" \
  "--tlp amber --out indicator.json"
"$certshare" new indicator "${ee_id[@]}" \
  --domain tax-refund-portal.example --ip 203.0.113.47 \
  --name "Tax-refund lure infrastructure and loader C2" \
  --description "Landing domain of the phishing emails and the HTTPS command-and-control address of the loader." \
  --valid-from 2026-03-02T06:00:00Z --incident "$incident_id" \
  --tlp amber --out "$work/indicator.json" 2>&1 | sed "s|$work/||; s/^/  /" ||
  fail "certshare new indicator failed"
echo "  pattern: $(python3 -c 'import json,sys
print(next(o["pattern"] for o in json.load(open(sys.argv[1]))["objects"] if o["type"] == "indicator"))' \
  "$work/indicator.json")"

step "... puts both in one bundle and publishes it to CERT-UA and CERT-EU (certshare new bundle --publish)"
show "certshare new bundle incident.json indicator.json --out bundle.json --publish --to CERT-UA,CERT-EU"
"$certshare" new bundle "${ee_id[@]}" "$work/incident.json" "$work/indicator.json" \
  --out "$work/bundle.json" --publish --to CERT-UA,CERT-EU \
  --registry "$work/registry.json" --broker "$endpoint" \
  --broker-card "$work/keys/BROKER.card.json" 2>&1 | sed "s|$work/||; s/^/  /" ||
  fail "certshare new bundle --publish failed"
for built in incident indicator bundle; do
  verdict="$("$certshare" validate "$work/$built.json" 2>&1)" ||
    fail "certshare validate refuses $built.json: $verdict"
  echo "  ${verdict#"$work/"}"
done
if [ -n "$shared" ]; then
  /usr/bin/python3 "$shared/tools/validate-stix" "$work/incident.json" "$work/indicator.json" \
    "$work/bundle.json" >"$work/built-validation.txt" ||
    fail "the OASIS STIX 2.1 schemas refuse what the builders made: $(cat "$work/built-validation.txt")"
  echo "  the OASIS STIX 2.1 schemas accept every object the builders made"
fi

step "CERT-EE shares a hand-written STIX file with CERT-EU (certshare publish)"
agent CERT-EE publish "$samples/incident-amber.json" --to CERT-EU | sed 's/^/  /'

for org in CERT-UA CERT-EU; do
  pid=$ua_pid
  want=1
  if [ "$org" = CERT-EU ]; then pid=$eu_pid; want=2; fi
  wait "$pid" || fail "$org's subscriber failed: $(cat "$work/$org.err")"
  step "$org received, verified and decrypted:"
  python3 - "$work/$org.jsonl" "$want" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
want = int(sys.argv[2])
assert len(lines) == want, f"expected {want} records, got {len(lines)}"
for line in lines:
    r = json.loads(line)
    print(f"  sequence {r['sequence']} from {r['origin']}, TLP:{r['tlp'].upper()}, "
          f"to {', '.join(r['recipients'])}")
    for o in r["object"].get("objects", [r["object"]]):
        label = (o.get("name") or o.get("relationship_type") or o.get("country")
                 or o.get("definition", {}).get("tlp", ""))
        print(f"    {o['type']:<20} {label}")
        if o["type"] == "incident":
            if o.get("labels"):
                print(f"      labels: {', '.join(o['labels'])}")
            core = o.get("extensions", {}).get(
                "extension-definition--ef765651-680c-498d-9894-99799f2fa126")
            if core:
                print(f"      determination {core.get('determination')}, "
                      f"investigation {core.get('investigation_status')}, "
                      f"criticality {core.get('criticality', '-')}, "
                      f"incident_types: {', '.join(core.get('incident_types', []))}")
            if o.get("description"):
                print(f"      \"{o['description'][:150]}\"")
        if o["type"] == "indicator":
            print(f"      {o['pattern']}")
PY
done

step "CERT-XX (registered, not a recipient) subscribes from the beginning"
agent CERT-XX subscribe --until-caught-up --timeout 30 >"$work/CERT-XX.jsonl" 2>"$work/CERT-XX.err" ||
  fail "CERT-XX's subscriber failed: $(cat "$work/CERT-XX.err")"
sed 's/^/  /' "$work/CERT-XX.err"
[ ! -s "$work/CERT-XX.jsonl" ] || fail "CERT-XX received records it must not: $(cat "$work/CERT-XX.jsonl")"
echo "  CERT-XX received nothing: the AMBER record was never sent to it."

if [ -n "$shared" ]; then
  step "Checking what the subscribers output against the OASIS STIX 2.1 schemas"
  python3 -c 'import json,sys; print(json.dumps(json.loads(open(sys.argv[1]).readline())["object"]))' \
    "$work/CERT-UA.jsonl" >"$work/received-object.json"
  python3 -c 'import json,sys; print(json.dumps(json.loads(open(sys.argv[1]).readlines()[1])["object"]))' \
    "$work/CERT-EU.jsonl" >"$work/received-object-2.json"
  /usr/bin/python3 "$shared/tools/validate-stix" "$work/received-object.json" \
    "$work/received-object-2.json" | sed 's/^/  /'
fi

step "Stopping the broker"
kill -TERM "${pids[0]}"
wait "${pids[0]}" || fail "the broker did not stop cleanly: $(tail -5 "$work/broker.log")"
pids[0]=""
echo "  stopped; its log has no keys or payloads: $(wc -l <"$work/broker.log") lines in $work/broker.log"
