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
#   Then CERT-EU, the European cyber centre, runs a durable feed
#   (`certshare subscribe --name eu-feed --output-dir feed/CERT-EU`) while a
#   Suricata sensor at CERT-EE (`certshare sensor --format eve`, four EVE
#   lines: three alerts and a flow event, which is skipped) publishes
#   TLP:AMBER sightings to CERT-EU: the feed directory fills up with STIX
#   bundle files (the analyst's records, then the sightings). Running the
#   sensor and the feed again (even `--from 1`) writes nothing twice.
# What the builders wrote stays in <work-dir>: incident.json, indicator.json
# and bundle.json (what was published), each checked with `certshare
# validate` and, given <shared-dir>, with its tools/validate-stix (as are
# what the subscribers received and the feed's files). Also there: eve.json
# (the sensor's input) and feed/CERT-EU/ (the feed's bundle files; its state
# in feed/CERT-EU.state/).
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

# The helpers (agent, start_broker, wait_until, ...) are the tests' own;
# at exit every process started here is stopped, and <work-dir> is kept.
source "$(dirname "${BASH_SOURCE[0]}")/../tests/lib.sh"
scenario_start --dir "$work"
fail_prefix="DEMO FAILED"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Creating identities (Ed25519 signing, X25519 encryption and transport keys)"
make_keys BROKER CERT-EE CERT-UA CERT-EU CERT-XX
for org in BROKER CERT-EE CERT-UA CERT-EU CERT-XX; do
  echo "  $org: $work/keys/$org.card.json (secret: $(stat -c %a "$work/keys/$org.secret.json"))"
done

step "Registering CERT-EE, CERT-UA, CERT-EU and CERT-XX with the broker"
make_registry CERT-EE CERT-UA CERT-EU CERT-XX | sed 's/^/  /'

step "Starting the broker on loopback (CURVE; only registered keys get in)"
broker_config log_level="${CERTSHARE_BROKER_LOG_LEVEL:-info}"
start_broker
echo "  broker listening on $endpoint"

step "CERT-UA and CERT-EU subscribe"
background agent_exec CERT-UA subscribe --count 1 --timeout 30 \
  >"$work/CERT-UA.jsonl" 2>"$work/CERT-UA.err"
ua_pid=$last_pid
background agent_exec CERT-EU subscribe --count 2 --timeout 30 \
  >"$work/CERT-EU.jsonl" 2>"$work/CERT-EU.err"
eu_pid=$last_pid

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
  # (Each ends by itself: --count, or its --timeout 30.)
  wait_seconds=40 wait_exit "$pid" 0 "$org's subscriber" "$work/$org.err"
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

# --- A sensor publishes all day; a centre's feed directory fills up ---------

feed="$work/feed/CERT-EU"
feed_files() { [ -d "$feed" ] && find "$feed" -maxdepth 1 -name 'certshare-*.json' | sort; }
feed_count_is() { [ "$(feed_files | wc -l)" -eq "$1" ]; }
# show_feed <file>...: what each bundle file in the feed directory holds.
show_feed() {
  python3 - "$@" <<'PY'
import collections, json, os, re, stat, sys
for path in sys.argv[1:]:
    b = json.load(open(path))
    objs = b["objects"]
    by_id = {o["id"]: o for o in objs}
    m = re.match(r"certshare-(.+)-0*(\d+)-0*(\d+)\.json$", os.path.basename(path))
    mode = stat.S_IMODE(os.stat(path).st_mode)
    print(f"  {os.path.basename(path)}  (mode {mode:o})")
    print(f"    {b['id']}: records {m.group(2)}-{m.group(3)}, TLP:{m.group(1).upper()}, "
          f"{len(objs)} objects")
    counts = collections.Counter(o["type"] for o in objs)
    print("    " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    for o in objs:
        if o["type"] in ("incident", "indicator", "attack-pattern"):
            print(f"    {o['id']}  {o.get('name', '')}")
        elif o["type"] == "sighting":
            seen = by_id[o["observed_data_refs"][0]]
            flow = next(by_id[r] for r in seen["object_refs"] if r.startswith("network-traffic--"))
            src, dst = by_id[flow["src_ref"]]["value"], by_id[flow["dst_ref"]]["value"]
            print(f"    {o['id']}  {src}:{flow.get('src_port', '')} -> {dst}:{flow.get('dst_port', '')} "
                  f"at {o['first_seen']}, of {o['sighting_of_ref'].split('--')[0]} "
                  f"\"{by_id[o['sighting_of_ref']]['name']}\"")
PY
}
feed_show_cmd="certshare subscribe --name eu-feed --output-dir feed/CERT-EU"

step "CERT-EU, the European cyber centre, turns its feed into STIX bundle files for its own tools"
show "$feed_show_cmd --roll-seconds 1 --count 5"
echo "  (a centre runs it as a service, without --count; the demo stops it after 5 records)"
background agent_exec CERT-EU subscribe --name eu-feed --output-dir "$feed" --roll-seconds 1 \
  --count 5 >"$work/feed-1.out" 2>"$work/feed-1.err"
feed_pid=$last_pid
wait_until "the first file in CERT-EU's feed directory" feed_count_is 1
sed "s|$work/||g; s/^/  /" "$work/feed-1.err"
echo "  feed/CERT-EU holds the two records CERT-EE sent CERT-EU so far, in one bundle file:"
mapfile -t files < <(feed_files)
show_feed "${files[@]}" || fail "cannot read CERT-EU's feed"

step "Meanwhile a Suricata sensor at CERT-EE publishes its alerts as sightings (certshare sensor)"
# Suricata's EVE JSON format (docs.suricata.io, "Eve JSON Format"): two
# alerts of a local rule for the loader's C2 beacon (with the rule text:
# shared as an indicator), one alert without it (an attack-pattern), and a
# flow event, which is not a detection and is skipped.
cat >"$work/eve.json" <<'EVE'
{"timestamp":"2026-03-04T09:12:44.318702+0200","flow_id":1402297734021558,"in_iface":"eth1","event_type":"alert","src_ip":"10.20.30.41","src_port":49822,"dest_ip":"203.0.113.47","dest_port":443,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":9000101,"rev":1,"signature":"CERT-EE LOCAL tax-refund loader HTTPS beacon to C2","category":"A Network Trojan was detected","severity":1,"rule":"alert tls $HOME_NET any -> 203.0.113.47 443 (msg:\"CERT-EE LOCAL tax-refund loader HTTPS beacon to C2\"; flow:established,to_server; sid:9000101; rev:1;)"},"app_proto":"tls"}
{"timestamp":"2026-03-04T09:12:50.004127+0200","flow_id":1402297734021558,"in_iface":"eth1","event_type":"flow","src_ip":"10.20.30.41","src_port":49822,"dest_ip":"203.0.113.47","dest_port":443,"proto":"TCP","app_proto":"tls","flow":{"pkts_toserver":9,"pkts_toclient":7,"bytes_toserver":1534,"bytes_toclient":4210,"start":"2026-03-04T09:12:44.301055+0200","end":"2026-03-04T09:12:50.004127+0200","age":6,"state":"closed","reason":"timeout","alerted":true}}
{"timestamp":"2026-03-04T10:03:17.552910+0200","flow_id":877001923451207,"in_iface":"eth1","event_type":"alert","src_ip":"10.20.31.17","src_port":51544,"dest_ip":"203.0.113.47","dest_port":443,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":9000101,"rev":1,"signature":"CERT-EE LOCAL tax-refund loader HTTPS beacon to C2","category":"A Network Trojan was detected","severity":1,"rule":"alert tls $HOME_NET any -> 203.0.113.47 443 (msg:\"CERT-EE LOCAL tax-refund loader HTTPS beacon to C2\"; flow:established,to_server; sid:9000101; rev:1;)"},"app_proto":"tls"}
{"timestamp":"2026-03-04T10:41:02.090311+0200","flow_id":311582061188403,"in_iface":"eth1","event_type":"alert","src_ip":"10.20.32.8","src_port":53211,"dest_ip":"10.20.0.53","dest_port":53,"proto":"UDP","alert":{"action":"allowed","gid":1,"signature_id":9000102,"rev":1,"signature":"CERT-EE LOCAL DNS query for the tax-refund lure domain","category":"Potentially Bad Traffic","severity":2},"app_proto":"dns"}
EVE
python3 - "$work/eve.json" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    what = f"alert {e['alert']['signature_id']} \"{e['alert']['signature']}\"" \
        if e["event_type"] == "alert" else f"{e['event_type']} event"
    print(f"  eve.json: {e['src_ip']} -> {e['dest_ip']}:{e['dest_port']}  {what}")
PY
show "certshare sensor --input - --format eve --tlp amber --to CERT-EU --spool sensor-spool < eve.json"
echo "  (in service: --input /var/log/suricata/eve.json, followed like tail -F)"
agent CERT-EE sensor --input - --format eve --tlp amber --to CERT-EU --spool "$work/sensor-spool" \
  --json <"$work/eve.json" >"$work/sensor-1.json" 2>"$work/sensor-1.err" ||
  fail "certshare sensor failed: $(cat "$work/sensor-1.err")"
sed "s|$work/||g; s/^/  /" "$work/sensor-1.err"
python3 - "$work/sensor-1.json" <<'PY' || fail "the sensor did not publish 3 sightings: $(cat "$work/sensor-1.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert (s["lines"], s["published"], s["skipped"], s["bad"], s["stored"], s["pending"]) == (4, 3, 1, 0, 3, 0), s
PY

step "CERT-EU's feed directory fills up: a second file, with the sightings"
wait_until "the sensor's records in CERT-EU's feed directory" feed_count_is 2
wait_exit "$feed_pid" 0 "CERT-EU's feed (--count 5)" "$work/feed-1.err"
echo "  \$ ls feed/CERT-EU"
feed_files | sed "s|$feed/|    |"
mapfile -t files < <(feed_files)
show_feed "${files[-1]}" || fail "cannot read CERT-EU's feed"
[ -z "$(find "$feed" -name '.*.tmp')" ] || fail "a temporary file was left in CERT-EU's feed"
# The first file holds the records CERT-EU's first subscriber received
# (their sequences are in its output); the second, later ones. The
# sequences between them are not fixed: the subscribers' delivery receipts
# (docs/receipts.md) are records of their own at the broker, addressed to
# their origins only, stored whenever a batch is sent.
python3 - "$work/CERT-EU.jsonl" "${files[@]}" <<'PY' || fail "CERT-EU's feed does not hold what was published"
import json, re, sys
seqs = sorted(json.loads(l)["sequence"] for l in open(sys.argv[1]) if l.strip())
first, second = (json.load(open(f)) for f in sys.argv[2:])
assert sys.argv[2].endswith(f"-{seqs[0]:012d}-{seqs[-1]:012d}.json"), (sys.argv[2], seqs)
m = re.search(r"-(\d{12})-(\d{12})\.json$", sys.argv[3])
assert m and seqs[-1] < int(m.group(1)) and int(m.group(2)) - int(m.group(1)) >= 2, sys.argv[3]
types = lambda b: [o["type"] for o in b["objects"]]
assert types(first).count("incident") == 2 and "indicator" in types(first), types(first)
assert types(second).count("sighting") == 3, types(second)
PY
feed_sums="$(cd "$feed" && sha256sum certshare-*.json)"

step "Running it all again writes nothing twice"
echo "  CERT-EE's sensor restarts and reads the same alerts: the broker already has them"
show "certshare sensor --input - --format eve --tlp amber --to CERT-EU --spool sensor-spool < eve.json"
agent CERT-EE sensor --input - --format eve --tlp amber --to CERT-EU --spool "$work/sensor-spool" \
  --json <"$work/eve.json" >"$work/sensor-2.json" 2>"$work/sensor-2.err" ||
  fail "certshare sensor failed: $(cat "$work/sensor-2.err")"
sed "s|$work/||g; s/^/  /" "$work/sensor-2.err" | tail -n +2
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert (s["stored"], s["duplicates"]) == (0, 3), s' \
  "$work/sensor-2.json" || fail "the sensor's second run stored something: $(cat "$work/sensor-2.json")"
echo "  CERT-EU's feed resumes after the last record it wrote: nothing new"
show "$feed_show_cmd --until-caught-up"
agent CERT-EU subscribe --name eu-feed --output-dir "$feed" --until-caught-up \
  >"$work/feed-2.out" 2>"$work/feed-2.err" || fail "CERT-EU's feed failed: $(cat "$work/feed-2.err")"
sed "s|$work/||g; s/^/  /" "$work/feed-2.err"
grep -q "(0 records received)" "$work/feed-2.err" || fail "CERT-EU's feed received records again"
echo "  even told to start again at sequence 1, it skips every record it already wrote"
show "$feed_show_cmd --until-caught-up --from 1"
agent CERT-EU subscribe --name eu-feed --output-dir "$feed" --until-caught-up --from 1 \
  >"$work/feed-3.out" 2>"$work/feed-3.err" || fail "CERT-EU's feed failed: $(cat "$work/feed-3.err")"
sed "s|$work/||g; s/^/  /" "$work/feed-3.err"
[ "$(grep -c "was already output; skipped" "$work/feed-3.err")" -eq 5 ] ||
  fail "CERT-EU's feed did not skip the 5 records it already wrote: $(cat "$work/feed-3.err")"
[ "$(cd "$feed" && sha256sum certshare-*.json)" = "$feed_sums" ] ||
  fail "CERT-EU's feed directory changed: $(ls -a "$feed")"
echo "  feed/CERT-EU still holds the same $(feed_files | wc -l) files, unchanged; the state (what was written) is in feed/CERT-EU.state"

if [ -n "$shared" ]; then
  step "Checking what the subscribers output and CERT-EU's feed files against the OASIS STIX 2.1 schemas"
  python3 -c 'import json,sys; print(json.dumps(json.loads(open(sys.argv[1]).readline())["object"]))' \
    "$work/CERT-UA.jsonl" >"$work/received-object.json"
  python3 -c 'import json,sys; print(json.dumps(json.loads(open(sys.argv[1]).readlines()[1])["object"]))' \
    "$work/CERT-EU.jsonl" >"$work/received-object-2.json"
  /usr/bin/python3 "$shared/tools/validate-stix" "$work/received-object.json" \
    "$work/received-object-2.json" "$feed" | sed "s|$work/||g; s/^/  /"
fi

step "Stopping the broker"
stop_broker
echo "  stopped; its log has no keys or payloads: $(wc -l <"$work/broker.log") lines in $work/broker.log"
