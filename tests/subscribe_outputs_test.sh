#!/usr/bin/env bash
# ctest: the subscriber's outputs end to end with the real programs
# (docs/agent.md, "Subscriber feeds"):
#   - --output-dir rolled by count: every file a valid STIX 2.1 bundle
#     (each object kept for the OASIS schema check of
#     subscribe_outputs_oasis, tests/oasis.sh), nothing twice;
#   - a kill -9 from outside while the subscriber follows live records:
#     after a restart with the same --name nothing is lost and nothing is
#     output twice (a crash between writing a file and acknowledging it:
#     tests/subscriber_session_test.cc);
#   - --exec with a command that fails once, then succeeds; one that keeps
#     failing stops the subscriber without acknowledging or skipping;
#   - a record whose signed header names another object than its payload
#     (made by the forge_record test helper) is quarantined, not output, and
#     acknowledged.
# usage: subscribe_outputs_test.sh <certshare> <certshare-broker> <forge_record>
set -euo pipefail
certshare="$1"
broker_bin="$2"
forge="$3"
source "$(dirname "${BASH_SOURCE[0]}")/oasis.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scenario_start outputs
wait_seconds=15

echo "--- a broker, CERT-EE publishing, CERT-UA subscribing"
start_broker CERT-EE CERT-UA
published=0
# publish_indicators <n>: CERT-EE publishes n new TLP:AMBER indicators to CERT-UA.
publish_indicators() {
  for _ in $(seq "$1"); do
    published=$((published + 1))
    "$certshare" new indicator --identity "$work/keys/CERT-EE.secret.json" \
      --ip "203.0.113.$published" --tlp amber --out "$work/indicator-$published.json"
    agent CERT-EE publish "$work/indicator-$published.json" --to CERT-UA >/dev/null
  done
}
# The ids of the indicators published so far, one per line, sorted.
published_ids() {
  for i in $(seq "$published"); do
    python3 -c 'import json,sys; print([o["id"] for o in json.load(open(sys.argv[1]))["objects"] if o["type"] == "indicator"][0])' \
      "$work/indicator-$i.json"
  done | sort
}
# check_bundles <dir>: every *.json is a valid bundle with each (id, version)
# once; prints the indicator ids of all files, one per line, sorted (so a
# duplicate across files shows).
check_bundles() {
  python3 - "$1" "$work/objects" <<'PY'
import json, os, sys
d, objdir = sys.argv[1], sys.argv[2]
os.makedirs(objdir, exist_ok=True)
ids, n = [], 0
for name in sorted(os.listdir(d)):
    if name.startswith("."):
        sys.exit(f"a temporary file is left in the feed directory: {name}")
    b = json.load(open(os.path.join(d, name)))
    assert b["type"] == "bundle" and b["id"].startswith("bundle--"), name
    keys = [(o["id"], o.get("modified", o.get("created", ""))) for o in b["objects"]]
    assert len(keys) == len(set(keys)), f"{name} holds an object version twice"
    for o in b["objects"]:
        n += 1
        json.dump(o, open(os.path.join(objdir, f"{n}.json"), "w"))
        if o["type"] == "indicator":
            ids.append(o["id"])
print("\n".join(sorted(ids)))
PY
  oasis_keep "the objects of the feed files in $(basename "$1")" "$work"/objects/*.json
  rm -rf "$work/objects"
}
count_files() { find "$1" -maxdepth 1 -name '*.json' | wc -l; }

echo "--- usage errors"
expect_exit 2 agent CERT-UA subscribe --exec cat --until-caught-up
expect_err "needs --state-dir"
expect_exit 2 agent CERT-UA subscribe --roll-count 5 --until-caught-up
expect_exit 2 agent CERT-UA subscribe --exec cat --output-dir "$work/x" --state-dir "$work/y"

echo "--- --output-dir rolled by count: valid bundles, each record once"
publish_indicators 5
feed="$work/feed"
roll=2
sub_dir() {
  agent CERT-UA subscribe --name dir-feed --output-dir "$feed" --roll-count "$roll" "$@"
}
expect_exit 0 sub_dir --until-caught-up --timeout 30
[ "$(count_files "$feed")" -eq 3 ] || fail "5 records by 2 should make 3 files: $(ls -a "$feed")"
ls "$feed" | grep -qx 'certshare-amber-000000000001-000000000002.json' ||
  fail "unexpected file names: $(ls "$feed")"
[ -d "$work/feed.state/seen" ] || fail "no state directory beside the feed"
check_bundles "$feed" >"$work/ids"
diff <(published_ids) "$work/ids" >/dev/null || fail "feed ids differ: $(diff <(published_ids) "$work/ids")"
# Resuming the durable subscription: nothing new, nothing again.
expect_exit 0 sub_dir --until-caught-up --timeout 30
[ "$(count_files "$feed")" -eq 3 ] || fail "a resumed subscription wrote again: $(ls "$feed")"

# A crash between writing a file and acknowledging it:
# tests/subscriber_session_test.cc drives the subscriber session directly.

echo "--- kill -9 while following live records, then restart"
background agent_exec CERT-UA subscribe \
  --name dir-feed --output-dir "$feed" --roll-count 1 --timeout 60 \
  >"$work/live.out" 2>"$work/live.err"
live=$last_pid
wait_until "the live subscriber" grep -q "subscribed" "$work/live.err"
before="$(count_files "$feed")"
more_files() { [ "$(count_files "$feed")" -gt "$before" ]; }
publish_indicators 3
wait_until "a file from the live subscriber" more_files
sigkill "$live"
expect_exit 0 sub_dir --until-caught-up --timeout 30
check_bundles "$feed" >"$work/ids"
diff <(published_ids) "$work/ids" >/dev/null ||
  fail "after kill -9 the feed lost or repeated records: $(diff <(published_ids) "$work/ids")"

echo "--- --exec: a command that fails once, then succeeds"
cat >"$work/handler.sh" <<SH
#!/bin/sh
if [ ! -e "$work/failed-once" ]; then touch "$work/failed-once"; exit 1; fi
env >"$work/handler.env"
cat >>"$work/exec.jsonl"
SH
chmod +x "$work/handler.sh"
CERTSHARE_PASSPHRASE=not-for-the-command expect_exit 0 agent CERT-UA subscribe \
  --name exec-feed --exec "$work/handler.sh" --state-dir "$work/exec-state" \
  --until-caught-up --timeout 30
expect_err "the --exec command failed for record 1 (exit status 1); running it again in 1 s"
python3 -c 'import json,sys; print("\n".join(sorted(o["id"] for l in open(sys.argv[1]) for o in json.loads(l)["object"]["objects"] if o["type"] == "indicator")))' \
  "$work/exec.jsonl" >"$work/ids"
diff <(published_ids) "$work/ids" >/dev/null || fail "--exec lost or repeated records: $(cat "$work/ids")"
! grep -q "not-for-the-command" "$work/handler.env" || fail "the command saw certshare's environment"
grep -q "^CERTSHARE_ORIGIN=CERT-EE$" "$work/handler.env" || fail "the command lacks CERTSHARE_ORIGIN"

echo "--- --exec: a command that keeps failing stops the subscriber, nothing skipped"
expect_exit 1 agent CERT-UA subscribe --name exec-feed-2 --exec 'exit 4' --exec-retries 1 \
  --state-dir "$work/exec-state-2" --until-caught-up --timeout 30
expect_err_re "failed for record 1 .* 2 times, last with exit status 4"
expect_err "not acknowledged"
rm -f "$work/exec.jsonl"
expect_exit 0 agent CERT-UA subscribe --name exec-feed-2 --exec "cat >>'$work/exec.jsonl'" \
  --state-dir "$work/exec-state-2" --until-caught-up --timeout 30
[ "$(head -c 40 "$work/exec.jsonl")" = '{"sequence":1,"origin":"CERT-EE","tlp":"' ] ||
  fail "the next run did not start with the record that failed: $(head -c 80 "$work/exec.jsonl")"
[ "$(wc -l <"$work/exec.jsonl")" -eq "$published" ] || fail "--exec lost or repeated records"

echo "--- a record whose payload is not what its signed header names is quarantined"
"$certshare" new indicator --identity "$work/keys/CERT-EE.secret.json" \
  --domain forged.example --tlp amber --out "$work/forged.json"
forged_seq="$("$forge" "$work/keys/CERT-EE.secret.json" "$work/registry.json" "$endpoint" \
  "$work/keys/BROKER.card.json" CERT-UA "$work/forged.json")"
publish_indicators 1
expect_exit 6 sub_dir --until-caught-up --timeout 30
expect_err "record $forged_seq REJECTED, not output: INVALID_STIX (102)"
expect_err "quarantined in $work/feed.state/quarantine/"
q="$work/feed.state/quarantine"
[ "$(find "$q" -name '*.record' | wc -l)" -eq 1 ] || fail "no raw record in the quarantine"
python3 - "$q" "$forged_seq" <<'PY' || fail "the quarantine reason is wrong"
import glob, json, sys
[path] = glob.glob(sys.argv[1] + "/*.json")
why = json.load(open(path))
assert why["sequence"] == int(sys.argv[2]), why
assert why["error"] == "INVALID_STIX" and why["code"] == 102, why
assert "is not what the signed header names" in why["message"], why
assert why["claimed"]["origin"] == "CERT-EE", why
PY
forged_id="$(python3 -c 'import json,sys; print([o["id"] for o in json.load(open(sys.argv[1]))["objects"] if o["type"] == "indicator"][0])' "$work/forged.json")"
check_bundles "$feed" >"$work/ids"
! grep -q "$forged_id" "$work/ids" || fail "the forged record reached the feed"
diff <(published_ids) "$work/ids" >/dev/null || fail "the feed lost or repeated records"
# Acknowledged: not delivered again.
expect_exit 0 sub_dir --until-caught-up --timeout 30
! grep -q "REJECTED" "$work/err" || fail "the quarantined record was delivered again"

echo "--- standard output still works, with a quarantine when asked"
expect_exit 6 agent CERT-UA subscribe --until-caught-up --timeout 30 --quarantine "$work/q2"
[ "$(wc -l <"$work/out")" -eq "$published" ] || fail "stdout: expected $published lines"
[ "$(find "$work/q2" -name '*.json' | wc -l)" -eq 1 ] || fail "stdout: nothing quarantined"

last_seq="$(python3 -c 'import json,sys; print(max(json.loads(l)["sequence"] for l in open(sys.argv[1])))' "$work/out")"
echo "--- an idle subscriber outlives the broker's silence limit (20 s) and still receives"
background agent_exec CERT-UA subscribe --name idle-feed --timeout 0 --from "$((last_seq + 1))" \
  >"$work/idle.out" 2>"$work/idle.err"
idle=$last_pid
wait_until "the idle subscriber" grep -q "subscribed" "$work/idle.err"
lines_before="$(wc -l <"$work/idle.out")"
# 26 s with nothing to receive: it must stay connected (polled every 0.5 s).
for _ in $(seq 52); do
  kill -0 "$idle" 2>/dev/null || fail "the idle subscriber stopped: $(cat "$work/idle.err")"
  sleep 0.5
done
publish_indicators 1
idle_received() { [ "$(wc -l <"$work/idle.out")" -gt "$lines_before" ]; }
wait_until "a record for the subscriber that was idle" idle_received
stop "$idle" "the idle subscriber, on SIGTERM," "$work/idle.err"
grep -q "stopping on a signal after 1 records" "$work/idle.err" ||
  fail "SIGTERM was not reported: $(cat "$work/idle.err")"

echo "--- SIGTERM commits the bundle file in progress, and the next run starts after it"
# The run starts after the record the idle subscriber received (its
# sequence is in its output: CERT-UA's receipts to CERT-EE take sequences
# of their own at the broker, so it is not simply last_seq + 1).
idle_seq="$(python3 -c 'import json,sys; print(max(json.loads(l)["sequence"] for l in open(sys.argv[1]) if l.strip()))' "$work/idle.out")"
term_feed="$work/term-feed"
background agent_exec CERT-UA subscribe --name term-feed --output-dir "$term_feed" \
  --roll-count 1000 --from "$((idle_seq + 1))" >"$work/term.out" 2>"$work/term.err"
term=$last_pid
wait_until "the subscriber with a large roll count" grep -q "subscribed" "$work/term.err"
publish_indicators 2
# Both records reach the subscriber at some moment; nothing is committed
# before 1000 records or the signal. Whenever the signal lands, what was
# taken is committed and acknowledged, and the next run brings the rest:
# together each record exactly once.
wait_until "the feed's state folder" test -d "$term_feed.state"
stop "$term" "the subscriber with a large roll count, on SIGTERM," "$work/term.err"
taken="$(sed -n 's/.*stopping on a signal after \([0-9]*\) records.*/\1/p' "$work/term.err")"
[ -n "$taken" ] || fail "SIGTERM was not reported: $(cat "$work/term.err")"
if [ "$taken" -gt 0 ]; then
  [ "$(count_files "$term_feed")" -eq 1 ] ||
    fail "SIGTERM after $taken records did not commit the file in progress: $(ls -a "$term_feed")"
fi
expect_exit 0 agent CERT-UA subscribe --name term-feed --output-dir "$term_feed" \
  --roll-count 1000 --until-caught-up --timeout 30
python3 - "$term_feed" <<'PY' || fail "after SIGTERM and a restart the feed lost or repeated a record"
import glob, json, sys, collections
ids = collections.Counter(o["id"] for f in glob.glob(sys.argv[1] + "/*.json")
                          for o in json.load(open(f))["objects"] if o["type"] == "indicator")
assert len(ids) == 2 and set(ids.values()) == {1}, ids
PY
echo "  SIGTERM after $taken of 2 records; together with the next run each once"

stop_broker
echo "PASS"
