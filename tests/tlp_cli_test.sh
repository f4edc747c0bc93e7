#!/usr/bin/env bash
# ctest tlp_cli: TLP markings and the payload's agreement with its signed
# header, with the real programs (issue 10, items 2, 9 and 14; docs/agent.md
# "certshare publish" rules 1 and 2, "certshare subscribe" step 5;
# docs/records.md "TLP" and "Warnings"). Needs nothing outside the
# repository.
#   - An indicator marked with the standard TLP 1.0 AMBER marking is TLP:AMBER
#     to `validate`; `publish --tlp clear` (or green) is refused naming the
#     object and the marking; published without --tlp it goes AMBER,
#     encrypted, and a bystander receives nothing. The same through
#     `new bundle --publish`, `revise` + `publish`, and
#     `sensor --format jsonl`.
#   - Records sealed by the forge_record helper whose payload disagrees with
#     the signed header (TLP 1.0 AMBER content under a CLEAR header; an
#     object naming another registered organisation as its creator) are
#     quarantined by the recipient and reach no output, the bystander's
#     neither; `publish` refuses the second kind before sealing.
#   - `validate`: empty lists in x_mitre_* properties accepted, warnings and
#     --strict, JSON errors with line and column, a byte order mark.
# usage: tlp_cli_test.sh <certshare> <certshare-broker> <forge_record>
set -euo pipefail
certshare="$1"
broker_bin="$2"
forge="$3"
source "$(dirname "$0")/lib.sh"
scenario_start tlp

tlp1_amber="marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
ee_identity="$(python3 -c 'import uuid; print("identity--%s" % uuid.uuid5(uuid.UUID("b006fa24-9c77-4e53-be16-0c198082af03"), "org:CERT-EE"))')"
ua_identity="$(python3 -c 'import uuid; print("identity--%s" % uuid.uuid5(uuid.UUID("b006fa24-9c77-4e53-be16-0c198082af03"), "org:CERT-UA"))')"
# indicator <uuid> [extra members]: an indicator marked TLP 1.0 AMBER, on one line.
indicator() {
  printf '{"type":"indicator","spec_version":"2.1","id":"indicator--%s",%s"created":"2026-11-27T09:00:00.000Z","modified":"2026-11-27T09:30:00.000Z","pattern":"[ipv4-addr:value = '"'"'203.0.113.47'"'"']","pattern_type":"stix","valid_from":"2026-11-27T09:00:00Z","object_marking_refs":["%s"]}\n' \
    "$1" "${2:-}" "$tlp1_amber"
}
indicator 8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f >"$work/tlp1-amber.json"

echo "--- validate reads TLP 1.0"
expect_exit 0 "$certshare" validate "$work/tlp1-amber.json"
expect_out "TLP:amber)"
expect_out "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f is marked TLP:AMBER by $tlp1_amber (TLP 1.0 AMBER)"
expect_exit 0 "$certshare" validate --json "$work/tlp1-amber.json"
python3 - "$work/out" "$tlp1_amber" <<'PY' || fail "validate --json: $(cat "$work/out")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["valid"] and r["tlp"] == "amber" and r["tlp_marking"] == sys.argv[2], r
assert r["tlp_object"] == "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f" and r["warnings"] == [], r
PY

echo "--- a broker; CERT-EE publishes, CERT-UA is named, CERT-XX is a bystander"
start_broker CERT-EE CERT-UA CERT-XX
# receive <org> [args]: what <org> may read, one line per record, in $work/out.
receive() { local org="$1"; shift; expect_exit "${RECEIVE_EXIT:-0}" agent "$org" subscribe --from 1 --until-caught-up --timeout 30 "$@"; }

echo "--- publish: --tlp may raise, never lower"
for lower in clear green; do
  expect_exit 3 agent CERT-EE publish "$work/tlp1-amber.json" --tlp "$lower" --to CERT-UA
  expect_err "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f is marked TLP:AMBER by $tlp1_amber (TLP 1.0 AMBER), and --tlp $lower would lower it"
done
expect_exit 0 agent CERT-EE publish "$work/tlp1-amber.json" --to CERT-UA --json
python3 - "$work/out" <<'PY' || fail "the TLP 1.0 AMBER indicator did not go as AMBER: $(cat "$work/out")"
import json, sys
r = json.loads(open(sys.argv[1]).read().splitlines()[-1])
assert r["tlp"] == "amber", r
PY
indicator 3f1b7c1a-52a4-4d0e-9c35-0a8f3f6c2b11 >"$work/raised.json"
expect_exit 0 agent CERT-EE publish "$work/raised.json" --tlp red --to CERT-UA
expect_out "TLP:red"
receive CERT-XX
[ ! -s "$work/out" ] || fail "the bystander received a TLP 1.0 AMBER record: $(cat "$work/out")"
receive CERT-UA
python3 - "$work/out" <<'PY' || fail "CERT-UA should have both, AMBER and RED: $(cat "$work/out")"
import json, sys
got = {json.loads(l)["id"]: json.loads(l)["tlp"] for l in open(sys.argv[1])}
assert got == {"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f": "amber",
               "indicator--3f1b7c1a-52a4-4d0e-9c35-0a8f3f6c2b11": "red"}, got
PY

echo "--- the builders and revise: the same rule"
indicator 5b0e2f4c-1d3a-4e6b-8f70-9a1b2c3d4e5f >"$work/merge.json"
expect_exit 0 "$certshare" new bundle "$work/merge.json" --identity "$work/keys/CERT-EE.secret.json" \
  --registry "$work/registry.json" --broker "$endpoint" --broker-card "$work/keys/BROKER.card.json" \
  --publish --to CERT-UA
expect_out "TLP:amber"
indicator 6c1f3a5d-2e4b-4f7c-9081-ab2c3d4e5f60 "\"created_by_ref\":\"$ee_identity\"," >"$work/own.json"
"$certshare" revise "$work/own.json" --identity "$work/keys/CERT-EE.secret.json" >"$work/revised.json"
expect_exit 3 agent CERT-EE publish "$work/revised.json" --tlp clear --to CERT-UA
expect_err "(TLP 1.0 AMBER), and --tlp clear would lower it"
expect_exit 0 agent CERT-EE revise "$work/own.json" --publish --to CERT-UA
expect_out "TLP:amber"

echo "--- sensor --format jsonl: a line marked above --tlp is a bad line"
indicator 7d2a4b6e-3f5c-4a8d-9192-bc3d4e5f6071 >"$work/line.jsonl"
expect_exit 0 agent CERT-EE sensor --input - --format jsonl --tlp green --spool "$work/spool-s1" \
  --json <"$work/line.jsonl"
expect_err "is marked TLP:AMBER by $tlp1_amber (TLP 1.0 AMBER), and --tlp green would lower it"
python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).read().splitlines()[-1]); assert r["published"] == 0 and r["bad"] == 1, r' \
  "$work/out" || fail "the line should be bad: $(cat "$work/out")"
expect_exit 0 agent CERT-EE sensor --input - --format jsonl --tlp amber --to CERT-UA \
  --spool "$work/spool-s2" --json <"$work/line.jsonl"
python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).read().splitlines()[-1]); assert r["published"] == 1, r' \
  "$work/out" || fail "the line should be published: $(cat "$work/out")"
receive CERT-XX
[ ! -s "$work/out" ] || fail "the bystander received something: $(cat "$work/out")"

echo "--- payload and signed header disagree: quarantined, never output"
# TLP 1.0 AMBER content under a signed CLEAR header: the broker sends CLEAR
# to everyone, so the bystander gets it too; neither may output it.
indicator 8f3b5c7a-4a6d-4b9e-a2a3-cd4e5f607182 >"$work/mislabelled.json"
mislabelled_seq="$("$forge" "$work/keys/CERT-EE.secret.json" "$work/registry.json" "$endpoint" \
  "$work/keys/BROKER.card.json" CERT-UA "$work/mislabelled.json" tlp=clear)"
for org in CERT-UA CERT-XX; do
  RECEIVE_EXIT=6 receive "$org" --quarantine "$work/quarantine-$org"
  ! grep -q "8f3b5c7a-4a6d-4b9e-a2a3-cd4e5f607182" "$work/out" || fail "$org output the mislabelled record"
  expect_err "record $mislabelled_seq REJECTED, not output: INVALID_STIX (102): indicator--8f3b5c7a-4a6d-4b9e-a2a3-cd4e5f607182 is marked TLP:AMBER by $tlp1_amber (TLP 1.0 AMBER), but the signed header says TLP:clear"
  python3 - "$work/quarantine-$org" "$mislabelled_seq" <<'PY' || fail "$org: the quarantine reason is wrong"
import glob, json, sys
[path] = glob.glob(sys.argv[1] + "/*.json")
why = json.load(open(path))
assert why["sequence"] == int(sys.argv[2]) and why["code"] == 102, why
assert why["claimed"]["tlp"] == "clear", why
PY
done
# An object naming CERT-UA as its creator, in a record of CERT-EE's.
indicator 9a4c6d8b-5b7e-4caf-b3b4-de5f60718293 "\"created_by_ref\":\"$ua_identity\"," >"$work/claimed.json"
expect_exit 3 agent CERT-EE publish "$work/claimed.json" --to CERT-UA
expect_err "ORIGIN_MISMATCH (201): indicator--9a4c6d8b-5b7e-4caf-b3b4-de5f60718293 names CERT-UA's identity ($ua_identity) in created_by_ref"
claimed_seq="$("$forge" "$work/keys/CERT-EE.secret.json" "$work/registry.json" "$endpoint" \
  "$work/keys/BROKER.card.json" CERT-UA "$work/claimed.json" as-is)"
RECEIVE_EXIT=6 receive CERT-UA --quarantine "$work/quarantine-claimed"
! grep -q "9a4c6d8b-5b7e-4caf-b3b4-de5f60718293" "$work/out" || fail "CERT-UA output the record claiming its identity"
expect_err "record $claimed_seq REJECTED, not output: ORIGIN_MISMATCH (201)"
[ "$(find "$work/quarantine-claimed" -name "$(printf '%012d' "$claimed_seq")-*.json" | wc -l)" -eq 1 ] ||
  fail "the record claiming CERT-UA's identity is not quarantined"

echo "--- validate: custom empty lists, warnings, --strict, JSON errors, BOM"
cat >"$work/mitre.json" <<'JSON'
{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
 {"type": "attack-pattern", "spec_version": "2.1", "id": "attack-pattern--2c4d4e92-0ccf-4a97-b54c-86d662988a53",
  "created": "2020-05-21T17:43:26.506Z", "modified": "2024-04-16T12:25:11.146Z", "name": "Program Download",
  "x_mitre_contributors": [], "x_mitre_data_sources": [], "x_mitre_platforms": ["None"]}]}
JSON
expect_exit 0 "$certshare" validate --strict "$work/mitre.json"
expect_out "valid STIX 2.1"
sed 's/"x_mitre_platforms"/"platforms"/' "$work/mitre.json" >"$work/unprefixed.json"
expect_exit 0 "$certshare" validate "$work/unprefixed.json"
expect_out "1 warning"
expect_out "warning: /objects/0/platforms:"
expect_out "[custom-prefix]"
expect_exit 3 "$certshare" validate --strict "$work/unprefixed.json"
expect_out "1 warning, refused with --strict"
expect_exit 3 "$certshare" validate --strict --json "$work/unprefixed.json"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert not r["valid"] and r["warnings"][0]["rule"] == "custom-prefix", r' \
  "$work/out" || fail "validate --strict --json: $(cat "$work/out")"
printf '{\n  "type": "indicator",\n  "id" "x"\n}\n' >"$work/broken.json"
expect_exit 3 "$certshare" validate "$work/broken.json"
expect_out "invalid JSON at line 3, column 8 (byte 32)"
{ printf '\xef\xbb\xbf'; cat "$work/tlp1-amber.json"; } >"$work/bom.json"
expect_exit 3 "$certshare" validate "$work/bom.json"
expect_out "starts with a UTF-8 byte order mark (EF BB BF)"
expect_exit 3 agent CERT-EE publish "$work/bom.json" --to CERT-UA
expect_err "byte order mark"

echo "PASS"
