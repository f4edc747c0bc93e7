#!/usr/bin/env bash
# Signed delivery receipts through the real programs (docs/receipts.md):
# an AMBER record to three recipients, one of them offline, `status <id>`
# shows 2 of 3 processed, then 3 of 3 once the third has subscribed; a
# subscriber with --receipts none sends none; status by sequence and
# --json; the receipt objects kept for the OASIS check (receipts_cli_oasis).
# usage: receipts_cli_test.sh <certshare> <certshare-broker> <samples-dir>
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oasis.sh"
certshare="$1" broker_bin="$2" samples="$3"
scenario_start receipts
start_broker CERT-EE CERT-UA CERT-EU CERT-XX

incident="$samples/incident-amber.json"
id="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$incident")"
expect_exit 0 agent CERT-EE publish "$incident" --to CERT-UA,CERT-EU,CERT-XX --json
expect_out '"sequence":1'

# Nothing yet: no recipient has subscribed.
expect_exit 0 agent CERT-EE status "$id"
expect_out "recipient   CERT-UA  nothing yet"
expect_out "0 of 3 processed"

# CERT-UA and CERT-EU receive it and send their receipts; CERT-XX is away.
for org in CERT-UA CERT-EU; do
  expect_exit 0 agent "$org" subscribe --until-caught-up --timeout 20
  expect_out "$id"
  expect_err "receipts: sent through"
done
expect_exit 0 agent CERT-EE status "$id"
expect_out_re "recipient   CERT-UA  processed 20[0-9-]*T"
expect_out_re "recipient   CERT-EU  processed 20[0-9-]*T"
expect_out "recipient   CERT-XX  nothing yet"
expect_out "2 of 3 processed"

# CERT-XX comes back: 3 of 3, also by sequence and as JSON.
expect_exit 0 agent CERT-XX subscribe --until-caught-up --timeout 20
expect_exit 0 agent CERT-EE status 1 --json
python3 - "$work/out" "$id" <<'PY' || fail "status 1 --json: $(cat "$work/out")"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["id"] == sys.argv[2] and s["sequence"] == 1, s
assert s["processed"] == 3 and s["rejected"] == 0 and s["total"] == 3, s
assert sorted(r["org"] for r in s["recipients"]) == ["CERT-EU", "CERT-UA", "CERT-XX"], s
assert all(r["state"] == "processed" and r["at"].endswith("Z") for r in s["recipients"]), s
PY

# The receipts are records to CERT-EE only: the origin reads one (sequence
# 2, CERT-UA's), a bystander cannot.
expect_exit 0 agent CERT-EE get 2
python3 - "$work/out" "$work/receipt.json" <<'PY' || fail "get 2: $(cat "$work/out")"
import json, sys
line = json.load(open(sys.argv[1]))
assert line["origin"] == "CERT-UA" and line["tlp"] == "amber+strict", line
assert line["recipients"] == ["CERT-EE"], line
obj = line["object"]
assert obj["type"] == "certshare-receipt" and obj["state"] == "processed", obj
assert obj["origin"] == "CERT-EE" and obj["recipient"] == "CERT-UA", obj
json.dump(obj, open(sys.argv[2], "w"))
PY
oasis_keep "a receipt object" "$work/receipt.json"
expect_exit 4 agent CERT-EU get 2

# --receipts none: CERT-UA reads a second record and sends nothing back.
sed 's/bundle--95704c23-df61-4954-b2d6-48d6d4ae8be9/bundle--0c9511ac-e14b-4f48-9d49-54bfc93c9b34/' \
  "$incident" >"$work/second.json"
expect_exit 0 agent CERT-EE publish "$work/second.json" --to CERT-UA,CERT-EU
expect_exit 0 agent CERT-UA subscribe --from 5 --until-caught-up --timeout 20 --receipts none
expect_out "bundle--0c9511ac-e14b-4f48-9d49-54bfc93c9b34"
expect_err "receipts: none"
expect_exit 0 agent CERT-EU subscribe --from 5 --until-caught-up --timeout 20
expect_exit 0 agent CERT-EE status bundle--0c9511ac-e14b-4f48-9d49-54bfc93c9b34
expect_out "recipient   CERT-UA  nothing yet"
expect_out_re "recipient   CERT-EU  processed"
expect_out "1 of 2 processed"

# A record this agent did not publish.
expect_exit 3 agent CERT-UA status "$id"
expect_err "NOT_FOUND"
echo "receipts_cli: ok"
