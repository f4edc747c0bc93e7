#!/usr/bin/env bash
# ctest: the certshare and certshare-broker programs end to end on
# loopback: the demo scenario, then the command-line error paths and a
# restart. What the builders made, what the subscribers printed, CERT-EU's
# feed directory and the sensor's sightings in it are kept for the OASIS
# schema check of cli_end_to_end_oasis (tests/oasis.sh).
# usage: cli_end_to_end.sh <certshare> <certshare-broker> <samples-dir>
set -euo pipefail
certshare="$1"
broker_bin="$2"
samples="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/oasis.sh"
source "$here/lib.sh"
scenario_start cli

echo "--- the demo scenario (the broker logging at its most detailed level, trace)"
CERTSHARE_BROKER_LOG_LEVEL=trace "$here/../scripts/demo-scenario.sh" "$certshare" "$broker_bin" "$work/demo" "$samples"
demo="$work/demo"

echo "--- what the builders made (new incident, new indicator, new bundle), and what the subscribers printed"
for built in incident indicator bundle; do
  [ -s "$demo/$built.json" ] || fail "the demo left no $built.json"
done
oasis_keep "what the builders made" "$demo/incident.json" "$demo/indicator.json" "$demo/bundle.json"
python3 -c 'import json,sys; print(json.dumps(json.loads(open(sys.argv[1]).readlines()[1])["object"]))' \
  "$demo/CERT-EU.jsonl" >"$work/received-by-eu.json"
oasis_keep "the objects the subscribers printed" "$work/received-by-eu.json"
python3 - "$demo/bundle.json" "$demo/CERT-UA.jsonl" <<'PY2' || fail "CERT-UA did not receive the built bundle"
import json, sys
built = json.load(open(sys.argv[1]))
received = json.loads(open(sys.argv[2]).readline())["object"]
assert received == built, "the received bundle differs from bundle.json"
types = {o["type"] for o in built["objects"]}
assert {"incident", "indicator", "relationship", "marking-definition"} <= types, types
PY2

echo "--- CERT-EU's feed directory: two bundle files, atomic"
feed="$demo/feed/CERT-EU"
# Exactly two files: the records CERT-EU's first subscriber received (their
# sequences are in its output), then the sensor's three, later. The
# sequences between are not fixed: the subscribers' delivery receipts
# (docs/receipts.md) are records of their own at the broker, addressed to
# their origins only, stored whenever a batch is sent.
python3 - "$demo/CERT-EU.jsonl" "$feed" <<'PY2' || fail "CERT-EU's feed should hold exactly the file of CERT-EU's first records and a later one of 3 or more sequences: $(ls -A "$feed")"
import json, os, re, sys
seqs = sorted(json.loads(l)["sequence"] for l in open(sys.argv[1]) if l.strip())
names = sorted(os.listdir(sys.argv[2]))
assert len(names) == 2, names
assert names[0] == f"certshare-amber-{seqs[0]:012d}-{seqs[-1]:012d}.json", (names, seqs)
m = re.fullmatch(r"certshare-amber-(\d{12})-(\d{12})\.json", names[1])
assert m and seqs[-1] < int(m.group(1)) and int(m.group(2)) - int(m.group(1)) >= 2, names
PY2
sightings_file="$(cd "$feed" && ls | sort | tail -n 1)"
for f in "$feed"/*.json; do
  [ $((8#$(stat -c %a "$f") & 8#007)) -eq 0 ] || fail "$f is readable by others"
done
oasis_keep "CERT-EU's feed files" "$feed"
# The sightings' file also passes as a whole bundle (common/bundle.json).
oasis_keep "the sightings' feed file, as a bundle" --bundle \
  "$feed/$sightings_file"

echo "--- the sensor's sightings arrived in CERT-EU's feed, one per EVE alert"
python3 - "$demo/eve.json" "$feed" "$demo/bundle.json" <<'PY2' || fail "CERT-EU's feed lacks what was published"
import glob, json, sys
alerts = [e for e in map(json.loads, open(sys.argv[1])) if e["event_type"] == "alert"]
assert len(alerts) == 3, alerts
first, second = (json.load(open(f)) for f in sorted(glob.glob(sys.argv[2] + "/*.json")))
# the first file: the analyst's built bundle (and the shared sample)
ids = {o["id"] for o in first["objects"]}
assert {o["id"] for o in json.load(open(sys.argv[3]))["objects"]} <= ids, "built bundle missing"
# the second file: the sightings
objs = second["objects"]
by_id = {o["id"]: o for o in objs}
assert len(by_id) == len(objs), "an object appears twice in one file"
assert all(o["type"] not in ("incident", "bundle") for o in objs), [o["type"] for o in objs]
ee = [o for o in objs if o["type"] == "identity" and o["name"] == "CERT-EE"]
amber = [o for o in objs if o["type"] == "marking-definition" and o.get("name") == "TLP:AMBER"]
assert len(ee) == 1 and len(amber) == 1, (ee, amber)
seen = set()
for s in (o for o in objs if o["type"] == "sighting"):
    assert s["where_sighted_refs"] == [ee[0]["id"]], s
    assert s["object_marking_refs"] == [amber[0]["id"]], s
    signature = by_id[s["sighting_of_ref"]]
    data = by_id[s["observed_data_refs"][0]]
    flow = next(by_id[r] for r in data["object_refs"] if r.startswith("network-traffic--"))
    seen.add((by_id[flow["src_ref"]]["value"], flow["src_port"], by_id[flow["dst_ref"]]["value"],
              flow["dst_port"], signature["name"]))
want = {(a["src_ip"], a["src_port"], a["dest_ip"], a["dest_port"], a["alert"]["signature"])
        for a in alerts}
assert seen == want, (seen, want)
PY2

echo "--- keygen never overwrites; secrets are 0600"
before="$(sha256sum "$demo/keys/CERT-EE.secret.json")"
expect_exit 3 "$certshare" keygen --org CERT-EE --out "$demo/keys"
expect_err "ALREADY_EXISTS"
[ "$(sha256sum "$demo/keys/CERT-EE.secret.json")" = "$before" ] || fail "secret overwritten"
[ "$(stat -c %a "$demo/keys/CERT-EE.secret.json")" = 600 ] || fail "secret not 0600"
expect_exit 2 "$certshare" keygen --out "$demo/keys"
"$certshare" keygen --org STRANGER --out "$demo/keys" >/dev/null

echo "--- the broker checks its config"
expect_exit 0 "$broker_bin" --config "$demo/broker.json" --check-config
echo '{"listen":"tcp://127.0.0.1:*"}' >"$work/bad-broker.json"
expect_exit 1 "$broker_bin" --config "$work/bad-broker.json" --check-config
expect_err '"identity" is required'

echo "--- restart: every acknowledged record is still there"
# The demo's broker (its keys, registry and configuration), at trace level.
site="$demo"
broker_config log_level=trace
start_broker
expect_exit 0 agent CERT-UA subscribe --until-caught-up --timeout 30
[ "$(wc -l <"$work/out")" -eq 1 ] || fail "CERT-UA should hold 1 record after restart"
grep -q '"sequence":1' "$work/out" || fail "sequence 1 missing after restart"
# CERT-EU's sightings file holds exactly the objects of the
# sensor's three records, as CERT-EU receives them (bundles flattened,
# each object once).
# (The file's name holds its first and last sequence.)
sightings_first="$(echo "$sightings_file" | sed -n 's/^certshare-amber-\([0-9]\{12\}\)-[0-9]\{12\}\.json$/\1/p')"
[ -n "$sightings_first" ] || fail "cannot read the sightings file's first sequence: $sightings_file"
expect_exit 0 agent CERT-EU subscribe --from "$((10#$sightings_first))" --until-caught-up --timeout 30
python3 - "$work/out" "$demo/feed/CERT-EU/$sightings_file" <<'PY2' ||
import json, re, sys
records = [json.loads(line) for line in open(sys.argv[1])]
first, last = map(int, re.search(r"-(\d{12})-(\d{12})\.json$", sys.argv[2]).groups())
seqs = [r["sequence"] for r in records]
assert len(records) == 3 and seqs == sorted(seqs) and seqs[0] == first and seqs[-1] == last, records
assert [(r["origin"], r["tlp"], r["recipients"]) for r in records] == \
    [("CERT-EE", "amber", ["CERT-EU"])] * 3, records
received = {json.dumps(o, sort_keys=True) for r in records for o in r["object"]["objects"]}
in_file = [json.dumps(o, sort_keys=True) for o in json.load(open(sys.argv[2]))["objects"]]
assert len(in_file) == len(set(in_file)) and set(in_file) == received, "feed file differs"
PY2
  fail "the sightings feed file differs from the sensor's records as CERT-EU receives them"

echo "--- publishing errors are clear and specific"
# The demo sent it to CERT-EU only: the same again is a duplicate...
expect_exit 0 agent CERT-EE publish "$samples/incident-amber.json" --to CERT-EU
grep -q "already published" "$work/out" || fail "duplicate not reported: $(cat "$work/out")"
# ...and with another recipient it is not stored: the answer names the
# stored version's recipients and warns (exit 9), never claims CERT-UA got it.
expect_exit 9 agent CERT-EE publish "$samples/incident-amber.json" --to CERT-UA,CERT-EU
grep -q "already published: .* (TLP:amber, to CERT-EU, encrypted)" "$work/out" ||
  fail "the stored version's recipients are not shown: $(cat "$work/out")"
expect_err "differs from this one in its recipients (stored: CERT-EU; this one: CERT-EU, CERT-UA)"
expect_exit 3 agent CERT-EE publish "$samples/incident-amber.json"
expect_err "needs named recipients"
expect_exit 3 agent CERT-EE publish "$samples/incident-amber.json" --to CERT-NOPE
expect_err "UNKNOWN_ORGANISATION"
expect_exit 3 agent CERT-EE publish "$samples/incident-amber.json" --to CERT-UA --tlp green
expect_err "and --tlp green would lower it"
echo '{"type":"incident","id":"incident--nope","spec_version":"2.0"}' >"$work/bad.json"
expect_exit 3 agent CERT-EE publish "$work/bad.json" --tlp clear
expect_err "INVALID_STIX"
expect_err "id-format"
expect_err "spec-version"
echo '{"type":' >"$work/trunc.json"
expect_exit 3 agent CERT-EE publish "$work/trunc.json" --tlp clear
expect_err "MALFORMED_JSON"
expect_exit 2 agent CERT-EE publish "$samples/notice-clear.json" --tlp purple

echo "--- an unregistered organisation cannot connect"
"$certshare" registry import --registry "$work/stranger-registry.json" \
  "$demo/keys/STRANGER.card.json" "$demo/keys/CERT-EE.card.json" >/dev/null
agent_registry="$work/stranger-registry.json" expect_exit 5 agent STRANGER publish \
  "$samples/notice-clear.json" --timeout 10
expect_err "UNAUTHENTICATED"

echo "--- a secret key readable by others is refused"
cp -p "$demo/keys/CERT-EE.secret.json" "$work/loose.secret.json"
chmod 644 "$work/loose.secret.json"
expect_exit 3 "$certshare" publish "$samples/notice-clear.json" \
  --identity "$work/loose.secret.json" --registry "$demo/registry.json" \
  --broker "$endpoint" --broker-card "$demo/keys/BROKER.card.json"
expect_err "INSECURE_PERMISSIONS"

echo "--- CLEAR goes to everyone, including the bystander"
expect_exit 0 agent CERT-EE publish "$samples/notice-clear.json"
expect_exit 0 agent CERT-XX subscribe --until-caught-up --timeout 30
[ "$(wc -l <"$work/out")" -eq 1 ] || fail "CERT-XX should receive exactly the CLEAR notice"
grep -q '"tlp":"clear"' "$work/out" || fail "CERT-XX received something else: $(cat "$work/out")"
python3 -c 'import json,sys; print(json.dumps(json.loads(open(sys.argv[1]).readline())["object"]))' \
  "$work/out" >"$work/clear-object.json"
oasis_keep "the CLEAR notice as received" "$work/clear-object.json"

echo "--- no key or payload in the broker's log, at trace level"
grep -q "debug broker: stored [a-z-]*--" "$demo/broker.log" &&
  grep -q "trace broker: delivered " "$demo/broker.log" ||
  fail "the broker did not log at trace level: $(head -20 "$demo/broker.log")"
for org in CERT-EE CERT-UA BROKER; do
  secret_hex="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sign_secret"][:32])' \
    "$demo/keys/$org.secret.json")"
  ! grep -q "$secret_hex" "$demo/broker.log" || fail "a secret key of $org is in the broker log"
done
! grep -qi "phishing\|description" "$demo/broker.log" || fail "payload text in the broker log"

stop_broker
echo "PASS"
