#!/usr/bin/env bash
# ctest: store and forward with the real programs (docs/agent.md, "Store and
# forward"):
#   (a) publish --no-wait (and a waiting publish) while the broker is down,
#       then start it and flush: each record reaches the subscriber once;
#   (b) kill -9 of `certshare flush` at random moments while it forwards a
#       few hundred spooled records, several times, then finish: every
#       accepted record is at the broker exactly once;
#   (c) a full spool refuses new input with SPOOL_FULL (exit 7) and drops
#       nothing; a --split bundle is accepted whole or not at all;
#   (d) status (with a durable subscription's lag) and get, and a record
#       the broker refuses (exit 4, kept in the refused area, listed by
#       status --refused, dropped by flush).
# usage: spool_cli_test.sh <certshare> <certshare-broker>
set -euo pipefail
certshare="$1"
broker_bin="$2"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# (Default spools go under $XDG_STATE_HOME, in $work.)
scenario_start spool

# gen_incidents <file> <first> <count> [bundle]: CLEAR incidents with
# fresh ids, one object (count 1) or a bundle that also carries the TLP
# marking definition (which --split does not send).
gen() {
  python3 - "$@" <<'PY'
import json, sys, uuid
path, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
clear = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
def incident(n):
    return {"type": "incident", "spec_version": "2.1", "id": f"incident--{uuid.uuid4()}",
            "created": "2026-11-01T10:00:00.000Z", "modified": "2026-11-01T10:00:00.000Z",
            "name": f"Spool test incident {n}", "object_marking_refs": [clear]}
objs = [incident(n) for n in range(first, first + count)]
if len(sys.argv) > 4:
    marking = {"type": "marking-definition", "spec_version": "2.1", "id": clear,
               "created": "2022-10-01T00:00:00.000Z", "name": "TLP:CLEAR",
               "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
                              {"extension_type": "property-extension", "tlp_2_0": "clear"}}}
    doc = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [marking] + objs}
else:
    doc = objs[0]
json.dump(doc, open(path, "w"))
PY
}
# ids_of <file>: the incident ids a generated file holds, one per line.
ids_of() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("\n".join(o["id"] for o in d.get("objects",[d]) if o["type"]=="incident"))' "$1"
}

echo "--- setup: identities, registry, a broker endpoint that stays fixed"
# An ephemeral port, then the same port for every later start.
broker_config max_record_bytes=2048
start_broker CERT-EE CERT-UA CERT-XX
stop_broker
broker_config listen="$endpoint" max_record_bytes=2048

# received: every record CERT-UA can read, one JSON line each, in $work/out.
received() { expect_exit 0 agent CERT-UA subscribe --from 1 --until-caught-up --timeout 30; }
# check_once <ids-file>: each id in the file was received exactly once.
check_once() {
  received
  python3 - "$work/out" "$1" <<'PY' || fail "delivery check failed"
import json, sys, collections
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
seqs = [l["sequence"] for l in lines]
assert len(seqs) == len(set(seqs)), "a sequence was delivered twice"
ids = collections.Counter(l["id"] for l in lines)
want = [w for w in open(sys.argv[2]).read().split() if w]
missing = [w for w in want if ids[w] == 0]
twice = [w for w in want if ids[w] > 1]
assert not missing, f"{len(missing)} accepted records missing, e.g. {missing[:3]}"
assert not twice, f"{len(twice)} records stored twice, e.g. {twice[:3]}"
print(f"  {len(want)} accepted records, each at the broker exactly once ({len(lines)} received)")
PY
}

echo "--- (a) the broker is down: publish --no-wait spools and exits 0"
gen "$work/a1.json" 1 1
gen "$work/a2.json" 2 1
expect_exit 0 agent CERT-EE publish "$work/a1.json" --no-wait
expect_out_re "^spooled incident--"
expect_out "1 records wait in $XDG_STATE_HOME/certshare/spool/CERT-EE-"
echo "  $(cat "$work/out")"
echo "--- (a) --no-wait needs no broker settings at all (it only spools); waiting does"
gen "$work/a0.json" 3 1
expect_exit 0 "$certshare" publish "$work/a0.json" --no-wait \
  --identity "$work/keys/CERT-EE.secret.json" --registry "$work/registry.json"
expect_out_re "^spooled incident--"
expect_exit 2 "$certshare" publish "$work/a0.json" \
  --identity "$work/keys/CERT-EE.secret.json" --registry "$work/registry.json"
expect_err "missing --broker"
echo "--- (a) nothing listens: a waiting publish says so after --connect-timeout (exit 5); the record stays"
expect_exit 5 agent CERT-EE publish "$work/a2.json" --timeout 2
expect_err "UNREACHABLE (403): nothing accepted a connection at $endpoint"
expect_err "stays in the spool"
expect_exit 5 agent CERT-EE status --timeout 1
expect_out "NOT reachable"
expect_out "3 pending"
echo "--- (a) the builders' --publish spools too: the broker down, the record stays"
expect_exit 5 "$certshare" new indicator --identity "$work/keys/CERT-EE.secret.json" \
  --registry "$work/registry.json" --broker "$endpoint" --broker-card "$work/keys/BROKER.card.json" \
  --ip 198.51.100.23 --tlp amber --to CERT-UA --publish --timeout 2 --out "$work/a3.json"
expect_err "stays in the spool"
echo "--- (a) the broker starts; flush delivers all four, each once"
start_broker
expect_exit 0 agent CERT-EE flush --timeout 30
expect_out "flushed 4 records: 4 published, 0 already published, 0 refused; 0 pending"
{ ids_of "$work/a0.json"; ids_of "$work/a1.json"; ids_of "$work/a2.json"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/a3.json"  # one record: the bundle
} >"$work/accepted.txt"
check_once "$work/accepted.txt"
expect_exit 0 agent CERT-EE flush --timeout 30
expect_out "flushed 0 records"
expect_exit 0 agent CERT-EE publish "$work/a1.json"
expect_out "already published: incident--"
check_once "$work/accepted.txt"

echo "--- (b) kill -9 of certshare flush at random moments while it forwards"
pending() {
  agent CERT-EE status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["spool"]["pending"])'
}
# The moment of each kill is random around a delay that adapts: shorter
# after a flush that finished first, longer after one killed before any
# ACK, so that most kills land while ACKs come in. At least 6 rounds, and
# more (up to 14) until 2 kills have interrupted a flush half way.
partial=0
round=0
delay=100  # centiseconds
while [ "$round" -lt 14 ] && { [ "$round" -lt 6 ] || [ "$partial" -lt 2 ]; }; do
  round=$((round + 1))
  # More records each round, on top of what earlier kills left behind.
  gen "$work/big-$round.json" $((round * 10000)) 1000 bundle
  expect_exit 0 agent CERT-EE publish "$work/big-$round.json" --split --no-wait
  expect_out "spooled 1000 records of bundle--"
  ids_of "$work/big-$round.json" >>"$work/accepted.txt"
  before="$(pending)"
  background agent_exec CERT-EE flush --timeout 30 >"$work/flush-$round.out" 2>&1
  flush_pid=$last_pid
  wait_cs=$((delay * (70 + RANDOM % 61) / 100))
  sleep "$((wait_cs / 100)).$(printf %02d $((wait_cs % 100)))"
  sigkill "$flush_pid"
  after="$(pending)"
  if grep -q "^flushed" "$work/flush-$round.out"; then
    echo "  round $round: $before pending, the flush finished before kill -9 at ${wait_cs}0 ms"
    delay=$((delay * 2 / 3 + 1))
  elif [ "$after" -eq "$before" ]; then
    echo "  round $round: $before pending, killed at ${wait_cs}0 ms before any ACK"
    delay=$((delay * 3 / 2 + 1))
  else
    echo "  round $round: $before pending, killed at ${wait_cs}0 ms with $after still pending"
    partial=$((partial + 1))
  fi
done
[ "$partial" -gt 0 ] || fail "no flush was killed in the middle of forwarding"
expect_exit 0 agent CERT-EE flush --timeout 60
expect_out "0 pending"
check_once "$work/accepted.txt"

echo "--- (c) a full spool refuses new input (exit 7) and drops nothing"
small=(--spool "$work/small-spool" --spool-max-records 3)
for n in 1 2 3 4; do gen "$work/c$n.json" $((900 + n)) 1; done
stop_broker
for n in 1 2 3; do expect_exit 0 agent CERT-EE publish "$work/c$n.json" --no-wait "${small[@]}"; done
expect_exit 7 agent CERT-EE publish "$work/c4.json" --no-wait "${small[@]}"
expect_err "SPOOL_FULL (125)"
expect_err "nothing was accepted"
expect_exit 7 agent CERT-EE publish "$work/c4.json" "${small[@]}"
gen "$work/c-bundle.json" 950 5 bundle
expect_exit 7 agent CERT-EE publish "$work/c-bundle.json" --split --no-wait \
  --spool "$work/small-spool" --spool-max-records 7
expect_exit 5 agent CERT-EE status --spool "$work/small-spool" --timeout 1
expect_out "3 pending"
start_broker
expect_exit 0 agent CERT-EE flush --spool "$work/small-spool" --timeout 30
expect_out "3 published"
expect_exit 0 agent CERT-EE publish "$work/c4.json" "${small[@]}"
expect_out_re "^published incident--"
for n in 1 2 3 4; do ids_of "$work/c$n.json"; done >>"$work/accepted.txt"
check_once "$work/accepted.txt"

echo "--- a large bundle: progress bar on a terminal only, summary always"
gen "$work/split.json" 70000 300 bundle
expect_exit 0 agent CERT-EE publish "$work/split.json" --split
expect_out_re "^bundle--.*: 300 records: 300 published, 0 already published, 0 refused (1 TLP marking definitions not sent)"
! grep -q "publishing \[" "$work/err" || fail "a progress bar without a terminal: $(cat "$work/err")"
ids_of "$work/split.json" >>"$work/accepted.txt"
if command -v script >/dev/null; then
  # script(1) gives the command a terminal: now the bar is drawn.
  gen "$work/split-tty.json" 71000 300 bundle
  script -qec "$(printf '%q ' "$certshare" publish "$work/split-tty.json" --split \
    --identity "$work/keys/CERT-EE.secret.json" --registry "$work/registry.json" \
    --broker "$endpoint" --broker-card "$work/keys/BROKER.card.json")" /dev/null >"$work/tty.out"
  grep -q "publishing \[#*-*\]  [0-9]*/300" "$work/tty.out" || fail "no progress bar on a terminal: $(cat -v "$work/tty.out")"
  grep -q "300 records: 300 published" "$work/tty.out" || fail "no summary: $(cat -v "$work/tty.out")"
  ids_of "$work/split-tty.json" >>"$work/accepted.txt"
fi
expect_exit 0 agent CERT-EE publish "$work/split.json" --split --json
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["records"]==300 and s["duplicates"]==300 and s["published"]==0 and s["refused"]==[] and s["pending"]==0, s' \
  "$work/out" || fail "publish --split --json: $(cat "$work/out")"
check_once "$work/accepted.txt"

echo "--- (d) status"
expect_exit 0 agent CERT-EE status
expect_out "organisation  CERT-EE"
expect_out "reachable, round trip"
expect_out "0 pending"
expect_exit 0 agent CERT-EE status --json
python3 - "$work/out" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sign_public"])' "$work/keys/CERT-EE.card.json")" <<'PY' || fail "status --json: $(cat "$work/out")"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["org"] == "CERT-EE", s
assert s["broker"]["reachable"] is True, s
assert s["spool"]["pending"] == 0 and s["spool"]["oldest_accepted"] is None, s
assert len(s["keys"]["sign"]) == 64, s
if sys.argv[2]:
    assert s["keys"]["sign"] == sys.argv[2], "sign key differs from the card"
PY

echo "--- (d) status: subscription lag (POSITIONS)"
expect_exit 0 agent CERT-EE status
expect_out_re "^subscriptions none$"
# CERT-UA's first durable subscription: everything acknowledged, then one
# record more than it has seen.
expect_exit 0 agent CERT-UA subscribe --name eu-feed --until-caught-up --timeout 30
acked="$(python3 -c 'import json,sys; print(max(json.loads(l)["sequence"] for l in open(sys.argv[1]) if l.strip()))' "$work/out")"
gen "$work/lag.json" 980 1
expect_exit 0 agent CERT-EE publish "$work/lag.json" --json
lag_head="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sequence"])' "$work/out")"
behind=$((lag_head - acked))
[ "$behind" -ge 1 ] || fail "head $lag_head not after the acknowledged $acked"
# The broker learns that the subscriber's connection is gone when a send to
# it fails (here: the new record) or by heartbeat: wait for it.
for _ in $(seq 60); do
  expect_exit 0 agent CERT-UA status
  grep -q "^subscriptions eu-feed: .*, not connected$" "$work/out" && break
  sleep 0.5
done
expect_out_re "^subscriptions eu-feed: acknowledged through $acked of $lag_head (at most $behind behind), not connected$"
expect_exit 0 agent CERT-UA status --json
python3 - "$work/out" "$acked" "$lag_head" <<'PY' || fail "status --json subscriptions: $(cat "$work/out")"
import json, sys
s = json.load(open(sys.argv[1]))
acked, head = int(sys.argv[2]), int(sys.argv[3])
assert s["subscriptions"] == [{"name": "eu-feed", "acknowledged": acked, "head": head,
                               "behind": head - acked, "behind_counted": False,
                               "connected": False,
                               "position_removed": False}], s
PY
expect_exit 0 agent CERT-EE status --json
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["subscriptions"]==[], s' \
  "$work/out" || fail "CERT-EE sees subscriptions: $(cat "$work/out")"

echo "--- (d) get: a record by sequence, verified; one this organisation may not read"
gen "$work/amber.json" 990 1
python3 - "$work/amber.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["object_marking_refs"] = ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]
json.dump(d, open(sys.argv[1], "w"))
PY
expect_exit 0 agent CERT-EE publish "$work/amber.json" --to CERT-UA --json
amber_seq="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sequence"])' "$work/out")"
amber_id="$(ids_of "$work/amber.json")"
expect_exit 0 agent CERT-UA get "$amber_seq"
python3 - "$work/out" "$amber_seq" "$amber_id" <<'PY' || fail "get printed: $(cat "$work/out")"
import json, sys
r = json.loads(open(sys.argv[1]).read())
assert r["sequence"] == int(sys.argv[2]) and r["id"] == sys.argv[3] and r["tlp"] == "amber", r
assert r["object"]["id"] == sys.argv[3], r
PY
expect_exit 4 agent CERT-XX get "$amber_seq"
expect_err "not available to CERT-XX"
expect_exit 4 agent CERT-UA get 999999
expect_err "no record at sequence 999999 yet"

echo "--- (d) a record the broker refuses: exit 4, kept apart, listed, dropped"
python3 - "$work/huge.json" <<'PY'
import json, sys, uuid
json.dump({"type": "incident", "spec_version": "2.1", "id": f"incident--{uuid.uuid4()}",
           "created": "2026-11-01T10:00:00.000Z", "modified": "2026-11-01T10:00:00.000Z",
           "name": "Too large for this broker", "description": "x" * 4000,
           "object_marking_refs": ["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"]},
          open(sys.argv[1], "w"))
PY
expect_exit 4 agent CERT-EE publish "$work/huge.json"
expect_err "RECORD_TOO_LARGE"
expect_err "refused area"
expect_exit 0 agent CERT-EE status --refused
expect_out "1 refused"
expect_out "RECORD_TOO_LARGE (122)"
expect_exit 0 agent CERT-EE flush --drop-refused
expect_err "dropping incident--"
expect_exit 0 agent CERT-EE status --json
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["spool"]["refused"]==0, s' \
  "$work/out" || fail "refused record not dropped"

echo "--- topics: derived for GREEN, only when asked for AMBER; subscribers filter on them"
stop_broker
broker_config listen="$endpoint" max_record_bytes=65536  # room for whole incident bundles
start_broker
build() {  # build <out> <tlp> [flags...]: an incident by the builder, published
  local out="$1" tlp="$2"; shift 2
  expect_exit 0 "$certshare" new incident --identity "$work/keys/CERT-EE.secret.json" \
    --registry "$work/registry.json" --broker "$endpoint" \
    --broker-card "$work/keys/BROKER.card.json" --name "Topic test $tlp" \
    --rsit intrusions/system-compromise --determination confirmed \
    --investigation-status open --sector energy --country EE --tlp "$tlp" \
    --out "$out" --publish "$@"
}
build "$work/t-green.json" green
build "$work/t-amber.json" amber --to CERT-UA
build "$work/t-amber-auto.json" amber --to CERT-UA --derive-topics always --topic campaign:x
expect_exit 0 agent CERT-UA subscribe --from 1 --until-caught-up --timeout 30 --topic sector:energy
python3 - "$work/out" "$work/t-green.json" "$work/t-amber.json" "$work/t-amber-auto.json" <<'PY' ||
import json, sys
got = {r["id"]: r["topics"] for r in (json.loads(l) for l in open(sys.argv[1]) if l.strip())}
green, amber, auto = (json.load(open(p))["id"] for p in sys.argv[2:5])
want = ["country:EE", "rsit:intrusions", "sector:energy"]
assert got.get(green) == want, ("green", got)
assert amber not in got, ("an AMBER record without topics matched a topic filter", got)
assert got.get(auto) == sorted(want + ["campaign:x"]), ("amber, derive always", got)
assert len(got) == 2, got
PY
  fail "topic filter: $(cat "$work/out")"
expect_exit 0 agent CERT-UA subscribe --from 1 --until-caught-up --timeout 30 --topic country:UA
[ ! -s "$work/out" ] || fail "nothing has the topic country:UA: $(cat "$work/out")"
expect_exit 2 agent CERT-EE publish "$work/t-green.json" --derive-topics sometimes

echo "--- the broker down: status says so (exit 5)"
stop_broker
expect_exit 5 agent CERT-EE status --timeout 1
expect_out "NOT reachable"
expect_out_re "^subscriptions unknown (the broker is not reachable)$"
expect_exit 5 agent CERT-EE status --timeout 1 --json
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["subscriptions"] is None and s["subscriptions_error"], s' \
  "$work/out" || fail "status --json, broker down: $(cat "$work/out")"
echo "PASS"
