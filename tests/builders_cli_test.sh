#!/usr/bin/env bash
# ctest: the analyst builders end to end, without a broker:
#   certshare new incident | indicator | sighting | bundle, certshare revise,
#   certshare validate and certshare rsit, run non-interactively (and once on
#   a pseudo-terminal, when `script` is installed). Every document they print
#   is checked with `certshare validate`, and kept for builders_cli_oasis,
#   which checks it object by object with the OASIS STIX 2.1 schemas
#   (tests/oasis.sh; bundles holding incidents cannot be checked as
#   bundles, see stix/SOURCES.md). Error paths must exit 2 (usage) or 3
#   (input) with a message that names the problem.
# usage: builders_cli_test.sh <certshare>
set -euo pipefail
certshare="$1"
source "$(dirname "${BASH_SOURCE[0]}")/oasis.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# No configuration file, spool or CERTSHARE_* setting from the machine running
# the test may change what the commands do (scenario_start, and HOME).
scenario_start builders
cd "$work"
export HOME="$work"
# valid <file>: certshare accepts it (and the OASIS schemas must: oasis_keep).
valid() {
  "$certshare" validate "$1" >/dev/null || fail "certshare validate refuses $1: $("$certshare" validate "$1")"
  oasis_keep "$1" "$1"
}
# py <file> <python expression over `d` (the document) and `objs` (its objects)>
check() {
  /usr/bin/python3 - "$1" "$2" <<'PY' || fail "check failed on $1: $2"
import json, sys, uuid
d = json.load(open(sys.argv[1]))
objs = d.get("objects", [d]) if isinstance(d, dict) else d
def of(t): return [o for o in objs if o["type"] == t]
ns = uuid.UUID("b006fa24-9c77-4e53-be16-0c198082af03")
def org(o): return "identity--" + str(uuid.uuid5(ns, "org:" + o))
assert eval(sys.argv[2]), sys.argv[2]
PY
}

"$certshare" keygen --org CERT-EE --name "CERT Estonia" --out keys >/dev/null
"$certshare" keygen --org CERT-UA --out keys >/dev/null
ee=(--identity keys/CERT-EE.secret.json)

echo "--- certshare rsit"
"$certshare" rsit --json >rsit.json
check rsit.json 'len(d) == 39 and {"class": "fraud", "type": "phishing", "label": "rsit:fraud=\"phishing\""}.items() <= [t for t in d if t["type"] == "phishing"][0].items()'
grep -q "fraud/phishing" <<< "$("$certshare" rsit)" || fail "certshare rsit lacks fraud/phishing"

echo "--- new indicator: every kind of observable, patterns escaped"
"$certshare" new indicator "${ee[@]}" --ip 203.0.113.47 --ip 2001:db8::/32 \
  --domain Tax-Refund-Portal.Example --url "https://x.example/it's\\here?a=1,b=2" \
  --file-hash "sha256:$(printf 'a%.0s' {1..64})" --file-hash "MD5:$(printf 'B%.0s' {1..32})" \
  --tlp amber --name "Lure infrastructure" >indicator.json
valid indicator.json
check indicator.json "of('indicator')[0]['pattern'] == \"[ipv4-addr:value = '203.0.113.47'] OR [ipv6-addr:value = '2001:db8::/32'] OR [domain-name:value = 'tax-refund-portal.example'] OR [url:value = 'https://x.example/it\\\\'s\\\\\\\\here?a=1,b=2'] OR [file:hashes.'SHA-256' = '\" + 'a' * 64 + \"'] OR [file:hashes.'MD5' = '\" + 'b' * 32 + \"']\""
check indicator.json "of('indicator')[0]['pattern_type'] == 'stix' and of('indicator')[0]['created_by_ref'] == org('CERT-EE') and of('marking-definition')[0]['name'] == 'TLP:AMBER'"
"$certshare" new indicator "${ee[@]}" --domain tax-refund-portal.example >unmarked.json
valid unmarked.json
check unmarked.json "'object_marking_refs' not in of('indicator')[0] and of('indicator')[0]['name'] == 'Indicator: domain tax-refund-portal.example'"

echo "--- new incident: every flag, with the indicator attached"
"$certshare" new incident "${ee[@]}" --name "Tax-refund phishing" \
  --description "Emails posing as a tax-refund notice lead to a loader." \
  --rsit fraud/phishing --determination confirmed --investigation-status open \
  --criticality 70 --incident-type dissemination-phishing-emails \
  --sector government-national,healthcare --country ee --country UA \
  --first-seen 2026-03-02T06:00:00Z --last-seen 2026-03-04T18:40:05+02:00 \
  --tlp amber --attach indicator.json >incident.json
valid incident.json
check incident.json "len(of('incident')) == 1 and of('incident')[0]['labels'] == ['rsit:fraud=\"phishing\"']"
check incident.json "of('incident')[0]['created_by_ref'] == org('CERT-EE') and [o['id'] for o in of('identity')][0] == org('CERT-EE')"
check incident.json "(lambda c: c['determination'] == 'confirmed' and c['investigation_status'] == 'open' and c['criticality'] == 70 and c['incident_types'] == ['dissemination-phishing-emails'] and c['events'][0]['event_ref'] == of('event')[0]['id'])(of('incident')[0]['extensions']['extension-definition--ef765651-680c-498d-9894-99799f2fa126'])"
check incident.json "of('event')[0]['start_time'] == '2026-03-02T06:00:00.000Z' and of('event')[0]['end_time'] == '2026-03-04T16:40:05.000Z'"
check incident.json "sorted(o['country'] for o in of('location')) == ['EE', 'UA'] and sorted(s for o in of('identity') for s in o.get('sectors', [])) == ['government-national', 'healthcare']"
check incident.json "sorted(r['relationship_type'] for r in of('relationship')) == ['indicates', 'located-at', 'located-at', 'targets', 'targets']"
check incident.json "[r for r in of('relationship') if r['relationship_type'] == 'indicates'][0]['source_ref'] == of('indicator')[0]['id']"
check incident.json "all(o['created'] == o['modified'] and len(o['created']) == 24 for o in objs if o.get('created_by_ref'))"
check incident.json "all(o.get('object_marking_refs') == ['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421'] for o in objs if o.get('created_by_ref'))"
"$certshare" validate --json incident.json >report.json
check report.json "d['valid'] and d['tlp'] == 'amber' and d['problems'] == []"

echo "--- new incident from the public card: the same identity"
"$certshare" new incident --identity keys/CERT-EE.card.json --name "Scan" --rsit information-gathering:scanner \
  --determination suspected --investigation-status new --tlp clear >scan.json
valid scan.json
check scan.json "of('identity')[0]['id'] == org('CERT-EE') and of('marking-definition')[0]['id'] == 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487' and of('incident')[0]['extensions']['extension-definition--ef765651-680c-498d-9894-99799f2fa126']['incident_types'] == ['network-scanning']"

echo "--- new sighting"
indicator_id="$(/usr/bin/python3 -c 'import json,sys; print([o["id"] for o in json.load(open(sys.argv[1]))["objects"] if o["type"] == "indicator"][0])' indicator.json)"
"$certshare" new sighting --identity keys/CERT-UA.secret.json --of "$indicator_id" --count 12 \
  --first-seen 2026-03-03T00:00:00Z --last-seen 2026-03-03T12:00:00Z --tlp amber >sighting.json
valid sighting.json
check sighting.json "of('sighting')[0]['sighting_of_ref'] == '$indicator_id' and of('sighting')[0]['count'] == 12 and of('sighting')[0]['where_sighted_refs'] == [org('CERT-UA')]"

echo "--- new bundle: attach and merge, each version once"
"$certshare" new bundle incident.json sighting.json indicator.json >merged.json
valid merged.json
check merged.json "len(objs) == len(json.load(open('incident.json'))['objects']) + 2 and len({(o['id'], o.get('modified', o.get('created'))) for o in objs}) == len(objs)"
cat sighting.json | "$certshare" new bundle - scan.json >merged2.json
valid merged2.json

echo "--- revise: same id and created, later modified, even twice in a row"
"$certshare" revise "${ee[@]}" incident.json >v2.json
"$certshare" revise "${ee[@]}" v2.json --investigation-status closed --criticality 20 >v3.json
valid v2.json
valid v3.json
/usr/bin/python3 - incident.json v2.json v3.json <<'PY' || fail "revise broke versioning"
import json, sys
docs = [json.load(open(p)) for p in sys.argv[1:]]
assert len({d["id"] for d in docs}) == 3, "each revision is a new bundle"
mine = "identity--3c83f7e6-6c4a-5676-93bb-5b930c49943f"
for old, new in zip(docs, docs[1:]):
    assert len(old["objects"]) == len(new["objects"])
    for a, b in zip(old["objects"], new["objects"]):
        assert a["id"] == b["id"] and a.get("created") == b.get("created")
        if a.get("created_by_ref") == mine:
            assert b["modified"] > a["modified"], (a["modified"], b["modified"])
        else:
            assert a == b, a["id"]
core = [o for o in docs[2]["objects"] if o["type"] == "incident"][0]["extensions"][
    "extension-definition--ef765651-680c-498d-9894-99799f2fa126"]
assert core["investigation_status"] == "closed" and core["criticality"] == 20
PY
"$certshare" revise "${ee[@]}" --revoke v3.json >v4.json
valid v4.json
check v4.json "of('incident')[0]['revoked'] is True"

echo "--- error paths"
expect_exit 2 "$certshare" new incident "${ee[@]}" --name "No classification"
expect_err "missing --rsit, --determination, --investigation-status, --tlp"
expect_err "not a terminal"
base=(new incident "${ee[@]}" --name X --rsit fraud/phishing --determination confirmed
      --investigation-status open --tlp amber)
expect_exit 0 "$certshare" "${base[@]}"
expect_exit 2 "$certshare" new incident "${ee[@]}" --name X --rsit fraud/spam \
  --determination confirmed --investigation-status open --tlp amber
expect_err "the types of fraud are fraud/unauthorised-use-of-resources"
expect_exit 2 "$certshare" new incident "${ee[@]}" --name X --rsit phishing \
  --determination confirmed --investigation-status open --tlp amber
expect_err "the classes are abusive-content"
for bad in 101 -1 high 7.5; do
  expect_exit 2 "$certshare" "${base[@]}" --criticality "$bad"
  expect_err "--criticality must be an integer from 0 to 100"
done
expect_exit 2 "$certshare" "${base[@]}" --determination maybe
expect_exit 2 "$certshare" new incident "${ee[@]}" --name X --rsit fraud/phishing \
  --determination maybe --investigation-status open --tlp amber
expect_err "blocked, confirmed, failed-attempt, false-positive, suspected"
expect_exit 2 "$certshare" "${base[@]}" --country XX
expect_err "ISO 3166-1 alpha-2"
expect_exit 2 "$certshare" "${base[@]}" --sector banking
expect_err "--sector"
expect_exit 2 "$certshare" "${base[@]}" --first-seen 2026-03-04T00:00:00Z --last-seen 2026-03-03T00:00:00Z
expect_err "before --first-seen"
expect_exit 2 "$certshare" "${base[@]}" --first-seen yesterday
expect_err "is not a date-time"
expect_exit 2 "$certshare" new incident "${ee[@]}" --name X --rsit fraud/phishing \
  --determination confirmed --investigation-status open --tlp purple
echo '{"type":"incident","id":"incident--nope","spec_version":"2.0"}' >bad.json
expect_exit 3 "$certshare" "${base[@]}" --attach bad.json
expect_err "id-format"
expect_exit 3 "$certshare" new incident --identity keys/missing.secret.json --name X \
  --rsit fraud/phishing --determination confirmed --investigation-status open --tlp amber
expect_err "keys/missing.secret.json"
expect_exit 2 "$certshare" "${base[@]}" --to CERT-UA
expect_err "--to applies only with --publish"
expect_exit 2 "$certshare" "${base[@]}" --publish --to CERT-UA
expect_err "--publish needs --registry"
expect_exit 3 "$certshare" "${base[@]}" --out incident.json
expect_err "ALREADY_EXISTS"
expect_exit 2 "$certshare" new indicator "${ee[@]}"
expect_err "at least one observable"
expect_exit 2 "$certshare" new indicator "${ee[@]}" --ip 203.0.113.256
expect_exit 2 "$certshare" new indicator "${ee[@]}" --file-hash "SHA-256:abc"
expect_err "64 hexadecimal digits"
expect_exit 2 "$certshare" new indicator "${ee[@]}" --url "hxxps://x.example/"
expect_exit 2 "$certshare" new indicator "${ee[@]}" --domain x --incident incident--nope
expect_exit 2 "$certshare" new sighting "${ee[@]}"
expect_err "missing --of"
expect_exit 2 "$certshare" new sighting "${ee[@]}" --of "$indicator_id" --count 1000000000
expect_exit 3 "$certshare" revise --identity keys/CERT-UA.secret.json incident.json
expect_err "nothing to revise"
expect_exit 3 "$certshare" revise "${ee[@]}" v4.json --determination confirmed
expect_exit 2 "$certshare" revise "${ee[@]}" v2.json --investigation-status done
expect_err "new, open, closed"
expect_exit 2 "$certshare" revise "${ee[@]}" v2.json --criticality 500
expect_exit 3 "$certshare" new bundle bad.json
expect_exit 3 "$certshare" validate bad.json
grep -q "\[id-format\]" "$work/out" || fail "validate does not list the rule: $(cat "$work/out")"
expect_exit 3 "$certshare" validate --json bad.json
check "$work/out" "d['valid'] is False and {'/id', '/spec_version'} <= {p['pointer'] for p in d['problems']} and all(p['rule'] and p['message'] for p in d['problems'])"
echo '{"type":' >trunc.json
expect_exit 3 "$certshare" validate trunc.json
expect_exit 3 "$certshare" validate missing.json

echo "--- on a terminal, missing values are asked for"
if command -v script >/dev/null; then
  printf 'Asked incident\nfraud/nonsense\nfraud/phishing\nsuspected\nnew\ngreen\n' |
    script -qec "$certshare new incident --identity keys/CERT-EE.secret.json --out asked.json" /dev/null \
      >asked.log 2>&1 || fail "interactive new incident failed: $(cat asked.log)"
  valid asked.json
  check asked.json "of('incident')[0]['name'] == 'Asked incident' and of('marking-definition')[0]['name'] == 'TLP:GREEN'"
  grep -q "the types of fraud are" asked.log || fail "the bad answer was not explained: $(cat asked.log)"
else
  echo "  (skipped: no script command)"
fi
echo "PASS"
