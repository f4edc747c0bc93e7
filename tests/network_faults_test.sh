#!/usr/bin/env bash
# ctest: network faults between the agents and the broker, with the real
# programs (issue 6, "network cut mid-message, broker unreachable for a
# while, subscriber disconnected mid-batch"; docs/agent.md, "Store and
# forward" and "Subscriber feeds").
#
# A TCP proxy (tests/chaos_proxy.py) stands between the agents and the
# broker. It forwards bytes and cuts connections at random moments: after a
# random number of bytes (so inside a ZeroMQ frame: the peer gets part of a
# message), or after a random lifetime, each time closing both sides
# abruptly; after some cuts it resets every new connection for a while (the
# broker is unreachable).
#
# Through the proxy, CERT-EE spools a large bundle (publish --split
# --no-wait) and runs `certshare flush` until its spool is empty, while
# CERT-UA's feed (`subscribe --name feed --output-dir`) runs, restarted
# whenever it exits, until it has output everything. Then, straight from the
# broker: every record CERT-EE spooled is stored exactly once; the feed
# directory holds each exactly once, in the broker's order; one more run of
# the feed outputs nothing. The test fails if the proxy made no cut inside a
# message (it cannot pass by doing nothing).
#
# Last, a deterministic check: a waiting `publish` whose connections are
# reset during the CURVE handshake for a moment (the broker restarting, a
# flaky link) must keep trying until --timeout, as for any unreachable
# broker, and succeed once the broker can be reached.
#
# usage: network_faults_test.sh <certshare> <certshare-broker>
# environment: CHAOS_RECORDS (default 2500), CHAOS_SEED (default random).
set -euo pipefail
certshare="$1"
broker_bin="$2"
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
scenario_start netfaults
records="${CHAOS_RECORDS:-2500}"
seed="${CHAOS_SEED:-$RANDOM$RANDOM}"

echo "--- setup: identities, registry, broker, chaos proxy (seed $seed)"
start_broker CERT-EE CERT-UA
# The agents reach the broker through the proxy ($proxied, set as $endpoint
# below) or straight ($direct: endpoint="$direct" agent ...).
direct="$endpoint"
# A byte budget per connection of 48-320 KiB (the flush sends up to 256
# records of ~600 bytes at once, the feed receives as much): most cuts land
# inside a message. At most 14 cuts, so that the test ends in bounded time.
background python3 "$here/chaos_proxy.py" --target "${direct#tcp://}" --port-file "$work/proxy.port" \
  --stats "$work/proxy.json" --seed "$seed" --min-bytes 49152 --max-bytes 327680 \
  --min-life-ms 2000 --max-life-ms 8000 --outage-prob 0.3 --outage-max-ms 1200 \
  --max-cuts 14 >"$work/proxy.log" 2>&1
proxy_pid=$last_pid
wait_until "the proxy's port file" test -s "$work/proxy.port"
proxied="tcp://127.0.0.1:$(cat "$work/proxy.port")"
endpoint="$proxied"

pending() {
  endpoint="$direct" agent CERT-EE status --json --timeout 2 | python3 -c 'import json,sys; print(json.load(sys.stdin)["spool"]["pending"])'
}
proxy_stat() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/proxy.json" "$1"
}

echo "--- CERT-EE spools a bundle of $records incidents (publish --split --no-wait)"
python3 - "$work/bundle.json" "$records" <<'PY'
import json, sys, uuid
path, count = sys.argv[1], int(sys.argv[2])
clear = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
marking = {"type": "marking-definition", "spec_version": "2.1", "id": clear,
           "created": "2022-10-01T00:00:00.000Z", "name": "TLP:CLEAR",
           "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
                          {"extension_type": "property-extension", "tlp_2_0": "clear"}}}
objs = [{"type": "incident", "spec_version": "2.1", "id": f"incident--{uuid.uuid4()}",
         "created": "2026-11-01T10:00:00.000Z", "modified": "2026-11-01T10:00:00.000Z",
         "name": f"Network faults test incident {n}", "object_marking_refs": [clear]}
        for n in range(count)]
json.dump({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [marking] + objs},
          open(path, "w"))
open(path + ".ids", "w").write("".join(o["id"] + "\n" for o in objs))
PY
expect_exit 0 agent CERT-EE publish "$work/bundle.json" --split --no-wait
grep -q "^spooled $records records of bundle--" "$work/out" || fail "publish: $(cat "$work/out")"
[ "$(pending)" -eq "$records" ] || fail "expected $records pending records"

echo "--- CERT-UA's feed through the proxy, restarted whenever it exits"
feed="$work/feed"
# The loop runs in the background; each subscriber's pid is in feed.pid,
# each exit status in feed.exits. Stopped (SIGTERM, by the cleanup), the
# loop kills its subscriber.
feed_loop() {
  trap 'kill -9 "$(cat "$work/feed.pid" 2>/dev/null)" 2>/dev/null; exit 143' TERM
  while [ ! -e "$work/stop-feed" ]; do
    background agent_exec CERT-UA subscribe --name feed --output-dir "$feed" \
      --roll-count 100 --roll-seconds 1 --timeout 20 >>"$work/feed.out" 2>>"$work/feed.err"
    echo "$last_pid" >"$work/feed.pid"
    set +e
    wait "$last_pid"
    echo $? >>"$work/feed.exits"
    set -e
    sleep 0.2  # a supervisor's pause before the restart
  done
}
background feed_loop
loop_pid=$last_pid

echo "--- CERT-EE flushes through the proxy until its spool is empty"
start=$SECONDS
flushes=0
flushed=""
while [ "$flushes" -lt 400 ] && [ $((SECONDS - start)) -lt 90 ]; do
  flushes=$((flushes + 1))
  set +e
  agent CERT-EE flush --timeout 2 >"$work/flush.out" 2>"$work/flush.err"
  got=$?
  set -e
  cat "$work/flush.err" >>"$work/flushes.err"
  # 0: done; 5: no acknowledgement within 2 s (a cut) or the handshake was
  # reset (see the last check). Anything else is a failure.
  case "$got" in
    0) grep -q "; 0 pending in" "$work/flush.out" || fail "flush exit 0 with records pending: $(cat "$work/flush.out")"
       flushed=yes; break ;;
    5) sleep 0.2 ;;  # as a cron job or timer would, a little later
    *) fail "flush exited $got: $(cat "$work/flush.out" "$work/flush.err")" ;;
  esac
done
[ -n "$flushed" ] || fail "the spool was not empty after $flushes flushes through the proxy ($(pending) pending)"
echo "  spool empty after $flushes runs of flush ($((SECONDS - start)) s)"

# feed_count: incidents in the feed directory's bundle files.
feed_count() {
  python3 - "$feed" <<'PY'
import json, os, sys
d = sys.argv[1]
n = 0
for name in os.listdir(d) if os.path.isdir(d) else []:
    if name.endswith(".json") and not name.startswith("."):
        n += sum(1 for o in json.load(open(os.path.join(d, name)))["objects"] if o["type"] == "incident")
print(n)
PY
}
# Polled every 0.5 s (each poll reads the whole directory), at most 90 s.
have=0
for _ in $(seq 180); do
  have="$(feed_count)"
  [ "$have" -ge "$records" ] && break
  sleep 0.5
done
[ "$have" -ge "$records" ] || fail "the feed holds $have of $records incidents after 90 s: $(tail -5 "$work/feed.err")"
touch "$work/stop-feed"
kill -TERM "$(cat "$work/feed.pid")" 2>/dev/null || true
# (A subscriber started just before stop-feed ends by its --timeout 20.)
wait_seconds=60 wait_exit "$loop_pid" 0 "the feed's restart loop"
feed_runs="$(wc -l <"$work/feed.exits")"
echo "  the feed has everything after $feed_runs subscriber runs (exit statuses: $(sort "$work/feed.exits" | uniq -c | awk '{printf "%s×%s ", $1, $2}'))"
# 0 or 143: stopped by the test; 5: the broker could not be reached or
# stopped answering. Anything else (1: the output failed, 6: a record was
# rejected) is a failure.
bad_exits="$(grep -vxE '0|5|143' "$work/feed.exits" || true)"
[ -z "$bad_exits" ] || fail "a subscriber exited with $(echo $bad_exits): $(grep -v "already output" "$work/feed.err" | tail -5)"
! grep -q "REJECTED" "$work/feed.err" || fail "the feed rejected a record: $(grep REJECTED "$work/feed.err" | head -3)"
echo "  runs ended by UNAUTHENTICATED (a reset during the CURVE handshake): $(grep -c UNAUTHENTICATED "$work/flushes.err" || true) of the flushes, $(grep -c UNAUTHENTICATED "$work/feed.err" || true) of the subscribers"
kill -TERM "$proxy_pid"
wait_exit "$proxy_pid" 143 "the proxy (killed by SIGTERM)" "$work/proxy.log"

cuts="$(proxy_stat cuts)"
mid="$(proxy_stat cuts_mid_message)"
mid_up="$(python3 -c 'import json,sys; print(sum(1 for c in json.load(open(sys.argv[1]))["cut_log"] if c["mid_message"] and c["direction"] == "up"))' "$work/proxy.json")"
mid_down="$(python3 -c 'import json,sys; print(sum(1 for c in json.load(open(sys.argv[1]))["cut_log"] if c["mid_message"] and c["direction"] == "down"))' "$work/proxy.json")"
echo "--- the proxy: $(proxy_stat connections) connections, $cuts cuts ($mid inside a message: $mid_up agent to broker, $mid_down broker to agent; $(proxy_stat cuts_by_bytes) by bytes, $(proxy_stat cuts_by_lifetime) by lifetime), $(proxy_stat outages) outages ($(proxy_stat refused) connections reset)"
[ "$(proxy_stat framing_errors)" -eq 0 ] || fail "the proxy could not follow ZeroMQ's framing on $(proxy_stat framing_errors) cut connections"
[ "$mid" -gt 0 ] || fail "the proxy cut no connection inside a message: the test proved nothing"

echo "--- straight from the broker: each spooled record stored exactly once"
endpoint="$direct"
expect_exit 0 agent CERT-UA subscribe --from 1 --until-caught-up --timeout 30
cp "$work/out" "$work/broker.jsonl"
python3 - "$work/broker.jsonl" "$work/bundle.json.ids" <<'PY' || fail "the broker's records are wrong"
import json, sys, collections
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
want = [w for w in open(sys.argv[2]).read().split() if w]
seqs = [l["sequence"] for l in lines]
assert len(seqs) == len(set(seqs)), "a sequence was delivered twice"
ids = collections.Counter(l["id"] for l in lines)
missing = [w for w in want if ids[w] == 0]
twice = [i for i, n in ids.items() if n > 1]
extra = set(ids) - set(want)
assert not missing, f"{len(missing)} spooled records are not at the broker, e.g. {missing[:3]}"
assert not twice, f"{len(twice)} records stored twice, e.g. {twice[:3]}"
assert not extra, f"{len(extra)} records nobody published, e.g. {list(extra)[:3]}"
# Informational: the broker's order against the order of acceptance (the
# agent sends in order; a resend after a cut lands after what followed it).
rank = {w: n for n, w in enumerate(want)}
order = [rank[l["id"]] for l in sorted(lines, key=lambda l: l["sequence"])]
late = sum(1 for a, b in zip(order, order[1:]) if b < a)
print(f"  {len(want)} records spooled, {len(lines)} stored, each exactly once "
      f"({late} places where the broker's order differs from the order of acceptance)")
PY

echo "--- the feed once more, straight from the broker: nothing new to output"
before_files="$(find "$feed" -maxdepth 1 -name '*.json' | wc -l)"
expect_exit 0 agent CERT-UA subscribe --name feed --output-dir "$feed" \
  --roll-count 100 --until-caught-up --timeout 30
after_files="$(find "$feed" -maxdepth 1 -name '*.json' | wc -l)"
[ "$after_files" -eq "$before_files" ] ||
  fail "a last run of the feed wrote $((after_files - before_files)) more files: $(cat "$work/err")"

echo "--- the feed directory: each record exactly once, in the broker's order"
cat "$work/feed.err" >"$work/feed-all.err"
python3 - "$feed" "$work/broker.jsonl" "$work/bundle.json.ids" <<'PY' || fail "the feed directory is wrong"
import json, os, re, sys, collections
d, broker, want_file = sys.argv[1:4]
seq_of = {}
for l in open(broker):
    if l.strip():
        r = json.loads(l)
        seq_of[r["id"]] = r["sequence"]
want = set(w for w in open(want_file).read().split() if w)
names = sorted(os.listdir(d))
left = [n for n in names if n.startswith(".")]
assert not left, f"temporary files left in the feed directory: {left}"
got = []
for name in names:
    m = re.fullmatch(r"certshare-clear-(\d{12})-(\d{12})(-\d+)?\.json", name)
    assert m, f"unexpected file name {name}"
    first, last = int(m.group(1)), int(m.group(2))
    b = json.load(open(os.path.join(d, name)))
    assert b["type"] == "bundle", name
    incs = [o["id"] for o in b["objects"] if o["type"] == "incident"]
    seqs = [seq_of.get(i) for i in incs]
    assert None not in seqs, f"{name} holds a record the broker does not have"
    assert seqs and seqs[0] == first and seqs[-1] == last, \
        f"{name}: its records are sequences {seqs[0]}..{seqs[-1]}, its name says {first}..{last}"
    got.extend(incs)
count = collections.Counter(got)
twice = [i for i, n in count.items() if n > 1]
missing = want - set(count)
assert not twice, f"{len(twice)} records output twice, e.g. {twice[:3]}"
assert not missing, f"{len(missing)} records never output, e.g. {list(missing)[:3]}"
order = [seq_of[i] for i in got]
back = [(a, b) for a, b in zip(order, order[1:]) if b <= a]
assert not back, f"the feed is out of the broker's order (CERT-EE) {len(back)} times, e.g. {back[:3]}"
print(f"  {len(got)} records in {len(names)} files, each exactly once, in order")
PY
skipped="$(grep -c "was already output; skipped" "$work/feed-all.err" || true)"
lost_sub="$(grep -c "the broker lost the subscription" "$work/feed-all.err" || true)"
echo "  the feed skipped $skipped records delivered again, subscribed again $lost_sub times after a cut"
[ "$(pending)" -eq 0 ] || fail "records are still pending in CERT-EE's spool"

echo "--- a reset during the CURVE handshake is a network fault, not a refusal"
# The proxy resets every new connection while the file 'outage' exists. A
# waiting publish started then must keep trying (docs/agent.md: a broker
# that cannot be reached is retried until --timeout; only UNAUTHENTICATED,
# "which retrying does not fix", ends it at once) and succeed once the
# outage ends, 1.5 s later.
background python3 "$here/chaos_proxy.py" --target "${direct#tcp://}" --port-file "$work/proxy2.port" \
  --stats "$work/proxy2.json" --max-cuts 0 --outage-file "$work/outage" >"$work/proxy2.log" 2>&1
proxy_pid=$last_pid
wait_until "the second proxy's port file" test -s "$work/proxy2.port"
touch "$work/outage"
python3 - "$work/one.json" <<'PY'
import json, sys, uuid
json.dump({"type": "incident", "spec_version": "2.1", "id": f"incident--{uuid.uuid4()}",
           "created": "2026-11-01T10:00:00.000Z", "modified": "2026-11-01T10:00:00.000Z",
           "name": "Published while the handshake is being reset", "object_marking_refs":
           ["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"]}, open(sys.argv[1], "w"))
PY
endpoint="tcp://127.0.0.1:$(cat "$work/proxy2.port")" background agent_exec CERT-EE publish \
  "$work/one.json" --timeout 10 >"$work/one.out" 2>"$work/one.err"
one_pid=$last_pid
proxy_reset() { [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["refused"])' "$work/proxy2.json")" -gt 0 ]; }
wait_seconds=10 wait_until "the publish to reach the proxy" proxy_reset
sleep 1.5  # the length of the outage, not a synchronisation
rm -f "$work/outage"
# It must not give up while the broker cannot be reached for 1.5 s, but
# retry until its --timeout 10.
wait_exit "$one_pid" 0 "publish, the broker unreachable for 1.5 s (--timeout 10)," "$work/one.err"
kill -TERM "$proxy_pid"
wait_exit "$proxy_pid" 143 "the second proxy (killed by SIGTERM)" "$work/proxy2.log"
grep -q "^published incident--" "$work/one.out" || fail "publish: $(cat "$work/one.out")"

stop_broker
echo "PASS ($records records, $cuts cuts of which $mid inside a message, seed $seed)"
