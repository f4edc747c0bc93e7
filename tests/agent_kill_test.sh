#!/usr/bin/env bash
# ctest: the agent killed with SIGKILL while it spools and sends, with the
# real programs (issue 6, "Agent killed with SIGKILL at random moments
# while spooling and sending: nothing it accepted is lost"; docs/agent.md,
# "Store and forward").
#
#   (a) `certshare publish --split` of bundles, kill -9 at random moments,
#       alternately with --no-wait (only spooling) and waiting for the
#       broker (spooling, then sending). A run that exited 0 accepted its
#       records: with --no-wait the spool holds all of them at once; a run
#       that was killed accepted all or nothing (pending before and after,
#       from `certshare status --json`).
#   (b) `certshare sensor` following EVE files (--from-beginning), kill -9
#       at random moments, some rounds with the broker reachable (it sends
#       while it reads), some with a broker endpoint nobody answers (it can
#       only spool). What it accepted is a prefix of its input: after the
#       kill, the spool's pending count and what the broker already holds
#       say how long. Then one sensor that ends normally (standard input,
#       --drain-timeout 0): its summary says how many it accepted.
#   (c) `certshare flush` of both spools, then straight from the broker:
#       every accepted record is stored exactly once, and nothing that was
#       not accepted is there.
#   (d) kill -9 of the first command on a fresh spool (publish --no-wait)
#       and on a fresh feed state directory (subscribe --output-dir) at
#       random moments: the next command must be able to use them.
# usage: agent_kill_test.sh <certshare> <certshare-broker>
set -euo pipefail
certshare="$1"
broker_bin="$2"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scenario_start agent-kill
# sleep_ms <n>
sleep_ms() { sleep "$(($1 / 1000)).$(printf %03d $(($1 % 1000)))"; }

echo "--- setup: identities, registry, broker"
start_broker CERT-EE CERT-UA
# An endpoint nobody listens on: a port the kernel gave and took back.
nobody="tcp://127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# pending <spool>: records pending in a spool (read without taking it).
pending() {
  agent CERT-EE status --json --timeout 2 --spool "$1" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["spool"]["pending"])'
}
# at_broker <file>: every record CERT-UA can read, one JSON line each.
at_broker() {
  agent CERT-UA subscribe --from 1 --until-caught-up --timeout 30 >"$1" 2>"$work/sub.err" ||
    fail "subscribe: $(cat "$work/sub.err")"
}

echo "--- (a) publish --split, kill -9 at random moments"
pub_spool="$work/spool-publish"
sensor_spool="$work/spool-sensor"
# Both spools are created by a command that is not killed (see (d)).
expect_exit 0 agent CERT-EE flush --spool "$pub_spool"
expect_exit 0 agent CERT-EE flush --spool "$sensor_spool"
K=200
rounds=0
killed=0
completed=0
killed_after_spooling=0
delay_nowait=150  # ms: adapts so that kills land around the end of the work
delay_wait=250
: >"$work/publish-rounds.txt"
while [ "$rounds" -lt 24 ] && { [ "$rounds" -lt 12 ] || [ "$killed" -lt 4 ] || [ "$completed" -lt 2 ]; }; do
  rounds=$((rounds + 1))
  python3 - "$work/bundle-$rounds.json" "$K" "$rounds" <<'PY'
import json, sys, uuid
path, count, rnd = sys.argv[1], int(sys.argv[2]), sys.argv[3]
clear = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
objs = [{"type": "incident", "spec_version": "2.1", "id": f"incident--{uuid.uuid4()}",
         "created": "2026-11-01T10:00:00.000Z", "modified": "2026-11-01T10:00:00.000Z",
         "name": f"Agent kill test round {rnd} incident {n}", "object_marking_refs": [clear]}
        for n in range(count)]
json.dump({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objs}, open(path, "w"))
open(path + ".ids", "w").write("".join(o["id"] + "\n" for o in objs))
PY
  if [ $((rounds % 2)) -eq 1 ]; then mode=no-wait; delay=$delay_nowait; else mode=wait; delay=$delay_wait; fi
  before="$(pending "$pub_spool")"
  if [ "$mode" = no-wait ]; then
    background agent_exec CERT-EE publish "$work/bundle-$rounds.json" --split --no-wait \
      --spool "$pub_spool" >"$work/pub.out" 2>"$work/pub.err"
  else
    background agent_exec CERT-EE publish "$work/bundle-$rounds.json" --split --timeout 10 \
      --spool "$pub_spool" >"$work/pub.out" 2>"$work/pub.err"
  fi
  at=$((delay * (40 + RANDOM % 91) / 100))
  sleep_ms "$at"
  sigkill "$last_pid"
  status=$killed_status
  after="$(pending "$pub_spool")"
  case "$status" in
    0) outcome=accepted; completed=$((completed + 1)) ;;
    137) outcome=killed; killed=$((killed + 1)) ;;
    *) fail "round $rounds: publish exited $status: $(cat "$work/pub.out" "$work/pub.err")" ;;
  esac
  if [ "$mode" = no-wait ]; then
    # Nobody else uses this spool meanwhile: the counts are exact.
    delta=$((after - before))
    if [ "$outcome" = accepted ]; then
      [ "$delta" -eq "$K" ] || fail "round $rounds: publish --no-wait exited 0 but the spool grew by $delta, not $K"
      grep -q "^spooled $K records" "$work/pub.out" || fail "round $rounds: $(cat "$work/pub.out")"
      delay_nowait=$((delay_nowait * 4 / 5 + 1))
    else
      [ "$delta" -eq 0 ] || [ "$delta" -eq "$K" ] ||
        fail "round $rounds: killed while spooling, the spool grew by $delta: not all ($K) or nothing"
      if [ "$delta" -eq "$K" ]; then
        outcome=killed-accepted; killed_after_spooling=$((killed_after_spooling + 1))
      else
        outcome=killed-nothing; delay_nowait=$((delay_nowait * 5 / 4 + 1))
      fi
    fi
  else
    # A waiting publish also sends what earlier rounds left: only the end
    # (all or nothing at the broker) can tell what a killed one accepted.
    if [ "$outcome" = accepted ]; then
      grep -q "$K records: " "$work/pub.out" || fail "round $rounds: no summary: $(cat "$work/pub.out")"
      delay_wait=$((delay_wait * 4 / 5 + 1))
    else
      outcome=killed-unknown; delay_wait=$((delay_wait * 5 / 4 + 1))
    fi
  fi
  echo "$rounds $mode $outcome" >>"$work/publish-rounds.txt"
  echo "  round $rounds ($mode): kill -9 at ${at} ms: $outcome; pending $before -> $after"
done
[ "$killed" -gt 0 ] || fail "no publish was killed"
[ "$completed" -gt 0 ] || fail "no publish finished before its kill"

echo "--- (b) certshare sensor following EVE files, kill -9 at random moments"
L=3000
# eve_file <file> <round>: L alert lines; flow_id round*100000+n identifies line n.
eve_file() {
  python3 - "$1" "$2" "$L" <<'PY'
import sys
path, rnd, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "w") as f:
    for n in range(count):
        f.write('{"timestamp":"2026-11-27T10:%02d:%02d.%06d+0100","flow_id":%d,"event_type":"alert",'
                '"src_ip":"192.168.%d.14","src_port":%d,"dest_ip":"209.53.113.5","dest_port":80,'
                '"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":%d,"rev":1,'
                '"signature":"Agent kill test %d/%d","category":"Potentially Bad Traffic",'
                '"severity":2},"app_proto":"http"}\n'
                % (n // 60 % 60, n % 60, rnd, rnd * 100000 + n, rnd, 1024 + n,
                   9000000 + n, rnd, n))
PY
}
# flows <jsonl>: "<flow id> <record id>" of every sensor record received.
flows() {
  python3 - "$1" <<'PY'
import json, re, sys
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    r = json.loads(line)
    if r["type"] != "bundle":
        continue
    for o in r["object"]["objects"]:
        if o["type"] == "sighting":
            print(re.search(r"flow (\d+)", o["description"]).group(1), r["id"])
PY
}
sensor_rounds=5
: >"$work/sensor-rounds.txt"
sdelay=500
for r in $(seq "$sensor_rounds"); do
  eve_file "$work/eve-$r.json" "$r"
  # Rounds 2 and 4: nobody answers, the sensor can only spool.
  if [ $((r % 2)) -eq 0 ]; then ep="$nobody"; reach=unreachable; else ep="$endpoint"; reach=reachable; fi
  before="$(pending "$sensor_spool")"
  [ "$before" -eq 0 ] || fail "sensor round $r: the spool is not empty at the start"
  endpoint="$ep" background agent_exec CERT-EE sensor --input "$work/eve-$r.json" \
    --from-beginning --format eve --tlp amber --to CERT-UA --spool "$sensor_spool" \
    --batch-size 64 --batch-delay-ms 20 --poll-ms 20 >"$work/sensor-$r.out" 2>"$work/sensor-$r.err"
  at=$((sdelay * (20 + RANDOM % 161) / 100))
  sleep_ms "$at"
  sigkill "$last_pid"
  status=$killed_status
  [ "$status" -eq 137 ] || fail "sensor round $r: expected the kill, got exit $status: $(cat "$work/sensor-$r.err")"
  p="$(pending "$sensor_spool")"
  at_broker "$work/broker-after-$r.jsonl"
  b="$(flows "$work/broker-after-$r.jsonl" | awk -v lo=$((r * 100000)) -v hi=$(((r + 1) * 100000)) '$1 >= lo && $1 < hi' | wc -l)"
  echo "$r $reach $p $b" >>"$work/sensor-rounds.txt"
  echo "  round $r (broker $reach): kill -9 at ${at} ms; $p pending in the spool, $b already at the broker"
  # Send what it accepted now, so that each round starts empty (and the
  # next round's counts are its own).
  expect_exit 0 agent CERT-EE flush --spool "$sensor_spool" --timeout 30
done

echo "--- (b) a sensor that ends normally: its summary says what it accepted"
eve_file "$work/eve-9.json" 9
expect_exit 0 agent CERT-EE sensor --input - --format eve --tlp amber --to CERT-UA \
  --spool "$sensor_spool" --batch-size 64 --drain-timeout 0 --json <"$work/eve-9.json"
summary="$(tail -1 "$work/out")"
published="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["published"])' "$summary")"
[ "$published" -eq "$L" ] || fail "the sensor's summary: $summary"
echo "  summary: $summary"

echo "--- (c) flush both spools, then check the broker"
expect_exit 0 agent CERT-EE flush --spool "$pub_spool" --timeout 30
grep -q "; 0 pending in" "$work/out" || fail "flush: $(cat "$work/out")"
expect_exit 0 agent CERT-EE flush --spool "$sensor_spool" --timeout 30
grep -q "; 0 pending in" "$work/out" || fail "flush: $(cat "$work/out")"
at_broker "$work/final.jsonl"
flows "$work/final.jsonl" >"$work/final.flows"
python3 - "$work" "$K" "$L" <<'PY' || fail "what the broker holds does not match what was accepted"
import collections, json, os, sys
work, K, L = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lines = [json.loads(l) for l in open(os.path.join(work, "final.jsonl")) if l.strip()]
seqs = [l["sequence"] for l in lines]
assert len(seqs) == len(set(seqs)), "a sequence was delivered twice"
ids = collections.Counter(l["id"] for l in lines)
twice = [i for i, n in ids.items() if n > 1]
assert not twice, f"{len(twice)} records stored twice, e.g. {twice[:3]}"

# (a) publish rounds: all or nothing; all when it was accepted.
accepted = lost = 0
for row in open(os.path.join(work, "publish-rounds.txt")):
    rnd, mode, outcome = row.split()
    want = open(os.path.join(work, f"bundle-{rnd}.json.ids")).read().split()
    have = sum(1 for w in want if ids[w] == 1)
    if outcome in ("accepted", "killed-accepted"):
        assert have == K, f"publish round {rnd} ({mode}, {outcome}): {have} of {K} records at the broker"
    elif outcome == "killed-nothing":
        assert have == 0, f"publish round {rnd} ({mode}): killed before spooling, yet {have} records are at the broker"
    else:
        assert have in (0, K), f"publish round {rnd} ({mode}, killed): {have} of {K} records at the broker, not all or nothing"
        print(f"  publish round {rnd} (waiting, killed): {'all' if have else 'none'} of its {K} records accepted")
    accepted += have
print(f"  publish: {accepted} records accepted in all, each at the broker exactly once")

# (b) sensor rounds: what was accepted is a prefix of the file, as long as
# the spool and the broker said after the kill.
flows = collections.Counter()
for row in open(os.path.join(work, "final.flows")):
    flow, _ = row.split()
    flows[int(flow)] += 1
again = [f for f, n in flows.items() if n > 1]
assert not again, f"{len(again)} EVE events stored twice, e.g. {again[:3]}"
total = 0
for row in open(os.path.join(work, "sensor-rounds.txt")):
    rnd, reach, p, b = row.split()
    rnd, p, b = int(rnd), int(p), int(b)
    got = sorted(f - rnd * 100000 for f in flows if rnd * 100000 <= f < (rnd + 1) * 100000)
    n = len(got)
    assert got == list(range(n)), \
        f"sensor round {rnd}: the events at the broker are not the first {n} lines (missing {sorted(set(range(max(got, default=0) + 1)) - set(got))[:5]})"
    # Before the kill: b at the broker, p still pending (a record may be
    # both: stored, its acknowledgement not yet applied to the spool).
    assert max(p, b) <= n <= p + b, \
        f"sensor round {rnd} ({reach}): {n} events at the broker, but after the kill {p} were pending and {b} at the broker"
    if reach == "unreachable":
        assert b == 0 and n == p, f"sensor round {rnd}: {p} pending, {n} at the broker"
    total += n
    print(f"  sensor round {rnd} ({reach}): {n} events accepted (pending {p} + at the broker {b}), all stored once")
got9 = sum(1 for f in flows if 900000 <= f < 1000000)
assert got9 == L, f"the sensor that ended normally accepted {L}, {got9} are at the broker"
print(f"  sensor: {total + got9} events accepted in all, each at the broker exactly once")
PY
rounds_killed="$(grep -c killed "$work/publish-rounds.txt" || true)"
echo "  kills: $rounds_killed of $rounds publish runs (killed after spooling: $killed_after_spooling), $sensor_rounds sensors"

{
  echo "--- (d) kill -9 while a spool, or a feed's state directory, is first created"
  # The first command on a fresh directory creates a RocksDB database; a
  # kill at any moment of that must leave a directory the next command can
  # use (nothing was accepted or output yet, so there is nothing to lose).
  # 16 kills each, at random moments in the first 120 ms.
  spool_broken=0
  spool_why=""
  for i in $(seq 16); do
    background agent_exec CERT-EE publish "$work/bundle-1.json" --split --no-wait \
      --spool "$work/fresh-spool-$i" >/dev/null 2>&1
    sleep_ms $((RANDOM % 120))
    sigkill "$last_pid"
    set +e
    agent CERT-EE publish "$work/bundle-1.json" --split --no-wait \
      --spool "$work/fresh-spool-$i" >"$work/out" 2>"$work/err"
    got=$?
    set -e
    if [ "$got" -ne 0 ]; then
      spool_broken=$((spool_broken + 1))
      spool_why="exit $got: $(cat "$work/err")"
    fi
  done
  state_broken=0
  state_why=""
  for i in $(seq 16); do
    # --type indicator: nothing to receive, the run only opens its state.
    background agent_exec CERT-UA subscribe --name "fresh-$i" --output-dir "$work/fresh-feed-$i" \
      --type indicator --until-caught-up --timeout 10 >/dev/null 2>&1
    sleep_ms $((RANDOM % 120))
    sigkill "$last_pid"
    set +e
    agent CERT-UA subscribe --name "fresh-$i" --output-dir "$work/fresh-feed-$i" \
      --type indicator --until-caught-up --timeout 10 >"$work/out" 2>"$work/err"
    got=$?
    set -e
    if [ "$got" -ne 0 ]; then
      state_broken=$((state_broken + 1))
      state_why="exit $got: $(tail -1 "$work/err")"
    fi
  done
  echo "  unusable after the kill: $spool_broken of 16 fresh spools, $state_broken of 16 fresh feed state directories"
  [ "$spool_broken" -eq 0 ] ||
    fail "$spool_broken of 16 spools killed while first created can no longer be used (publish, flush and status all refuse them), e.g. $spool_why"
  [ "$state_broken" -eq 0 ] ||
    fail "$state_broken of 16 feed state directories killed while first created can no longer be used, e.g. $state_why"
}

stop_broker
echo "PASS"
