#!/usr/bin/env bash
# certshare's benchmark (issue 13; docs/performance.md says what each
# scenario means and shows the last full run). It builds certshare in
# release mode (build-release/, with -DCERTSHARE_BENCH=ON), installs what
# is missing (the peers RabbitMQ and Redis, their C client libraries,
# gnuplot), starts a certshare-broker, RabbitMQ and Redis itself, on
# loopback only, on ephemeral ports, each with its own temporary data
# directory (never the system's instances), runs the scenarios, stops
# everything it started (also on failure), and writes:
#
#   docs/performance.md               the report (below its marker line)
#   docs/performance/results.json     every measurement, raw
#   docs/performance/*.png            the plots (gnuplot)
#
# usage: scripts/bench.sh [--quick | --medium] [scenario...]
#   scenarios: ingest fanout latency catchup growth e2e (default: all six)
#   --quick    small counts, a few minutes: checks the script works
#   --medium   the counts of the committed report on the 2-core machine
#   (neither)  the issue's counts: 1,000,000 records replayed, 10,000,000
#              stored (about 45 GB; skipped with a note when the disk has
#              less), 100,000 alerts end to end; hours on 2 cores
#
# Environment: BENCH_OUT=<dir> writes the report there instead of docs/
# (the results of a partial run do not replace the committed ones by
# accident: only a run of all six scenarios writes into docs/ by default).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
profile=full
scenarios=()
for arg in "$@"; do
  case "$arg" in
    --quick) profile=quick ;;
    --medium) profile=medium ;;
    ingest | fanout | latency | catchup | growth | e2e) scenarios+=("$arg") ;;
    -h | --help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done
[ ${#scenarios[@]} -gt 0 ] || scenarios=(ingest fanout latency catchup growth e2e)
wants() { [[ " ${scenarios[*]} " == *" $1 "* ]]; }

# Counts per profile: records published in a measured ingest run, in a
# fan-out run, seconds of each latency run, records replayed, the store
# sizes of the growth runs, records in the stalled-subscriptions run,
# alerts per sensor end to end, analyst publishes.
case "$profile" in
  quick) ingest_n=3000 fanout_n=1500 latency_s=3 catchup_n=10000 growth_points="0 10000 30000"
         growth_n=3000 stalled_n=3000 e2e_n=1000 publish_runs=3 ;;
  medium) ingest_n=20000 fanout_n=5000 latency_s=10 catchup_n=100000
          growth_points="0 100000 1000000" growth_n=20000 stalled_n=20000 e2e_n=20000 publish_runs=10 ;;
  full) ingest_n=100000 fanout_n=50000 latency_s=30 catchup_n=1000000
        growth_points="0 1000000 10000000" growth_n=100000 stalled_n=100000 e2e_n=50000 publish_runs=20 ;;
esac
recipients=CERT-UA,CERT-EU,CERT-LV,CERT-LT
started_at=$(date +%s)

echo "==> bench.sh: profile $profile, scenarios: ${scenarios[*]}"
"$root/scripts/install-deps.sh" rabbitmq-server redis-server gnuplot-nox librabbitmq-dev libhiredis-dev

echo "==> building (release) in build-release/"
build="$root/build-release"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCERTSHARE_BENCH=ON "${launcher[@]}" >/dev/null
nice -n 10 cmake --build "$build" -j "$(nproc)" \
  --target certshare certshare-broker certshare_loadgen rabbitmq_bench redis_bench \
  >"$build/bench-build.log" 2>&1 || { tail -n 40 "$build/bench-build.log"; exit 1; }
certshare="$build/agent/certshare"
broker_bin="$build/broker/certshare-broker"
loadgen="$build/bench/certshare_loadgen"

# The tests' helpers: $work (removed at exit), background processes
# stopped at exit, keys, registry, brokers (tests/lib.sh documents them).
source "$root/tests/lib.sh"
scenario_start bench
results="$work/results.jsonl"
# How idle the machine is before anything of the benchmark runs (the CPU
# over 3 s, from /proc/stat): the report says whether other work shared it.
idle_before=$(python3 - <<'PY'
import time
def sample():
    v = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return v[3] + v[4], sum(v)  # idle + iowait, all
i0, t0 = sample(); time.sleep(3); i1, t1 = sample()
print(round(100 * (i1 - i0) / max(t1 - t0, 1)))
PY
)
: >"$results"
lib_cleanup_bench() {
  local status=$?
  set +e
  # RabbitMQ may take longer to stop than lib_cleanup waits: stop it first,
  # its Erlang VM too, then its epmd.
  if [ -n "${rabbit_script:-}" ] && kill -0 "$rabbit_script" 2>/dev/null; then
    kill -TERM "$rabbit_script" 2>/dev/null || true
    [ -n "${rabbit_pid:-}" ] || rabbit_pid=$(cat "$work/rabbitmq/pid" 2>/dev/null || true)
    for _ in $(seq 600); do
      kill -0 "${rabbit_pid:-$rabbit_script}" 2>/dev/null || break
      sleep 0.1
    done
    [ -z "${rabbit_pid:-}" ] || kill -KILL "$rabbit_pid" 2>/dev/null || true
  fi
  [ -z "${epmd_port:-}" ] || ERL_EPMD_PORT=$epmd_port epmd -kill >/dev/null 2>&1 || true
  (exit "$status")
  lib_cleanup
}
trap lib_cleanup_bench EXIT
say() { printf '==> %s\n' "$*"; }
# Appends a result (one JSON object) to $results, with the fields in
# $extra ('"key":value,...') if set, and shows its start.
record() {
  if [ -n "${extra:-}" ]; then sed "s/}\$/,$extra}/"; else cat; fi >>"$results"
  tail -n 1 "$results" | cut -c1-200
}

# A port nobody listens on now, picked by the kernel.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- certshare --------------------------------------------------------------
make_keys BROKER CERT-EE CERT-UA CERT-EU CERT-LV CERT-LT
make_registry CERT-EE CERT-UA CERT-EU CERT-LV CERT-LT >/dev/null
# A broker with the defaults, but for 64 connections per organisation
# (the 100-subscriptions run holds 25 per recipient) and warnings only.
# Each scenario starts on an empty store of its own, removed after it.
certshare_broker() {
  broker_config --name "$1" max_connections_per_org=64 log_level=warn
  start_broker --name "$1"
}
certshare_done() {
  stop_broker
  rm -rf "$site/$1-data"
}
loadgen() {
  local mode="$1" scenario="$2"
  shift 2
  "$loadgen" "$mode" --keys "$site/keys" --registry "$site/registry.json" --broker "$endpoint" \
    --broker-pid "$broker_pid" --recipients "$recipients" --scenario "$scenario" "$@" | record
}

# --- the peers --------------------------------------------------------------
start_rabbitmq() {
  local dir="$work/rabbitmq"
  mkdir -p "$dir/home"
  rabbit_port=$(free_port)
  epmd_port=$(free_port)
  echo "listeners.tcp.default = 127.0.0.1:$rabbit_port" >"$dir/rabbitmq.conf"
  echo "[]." >"$dir/enabled_plugins"
  env HOME="$dir/home" ERL_EPMD_PORT="$epmd_port" ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_CONF_ENV_FILE=/dev/null RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_NODENAME=certshare-bench@localhost \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$rabbit_port" RABBITMQ_DIST_PORT="$(free_port)" \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/pid" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    /usr/lib/rabbitmq/bin/rabbitmq-server >"$dir/out.log" 2>&1 &
  last_pid=$!
  pids+=("$last_pid")
  rabbit_script=$last_pid
  wait_seconds=120 wait_until "RabbitMQ to listen on $rabbit_port ($dir/out.log)" port_open "$rabbit_port"
  rabbit_pid=$(cat "$dir/pid")
}
stop_rabbitmq() {
  wait_seconds=120 stop "$rabbit_script" RabbitMQ "$work/rabbitmq/out.log"
  rabbit_script=""
  ERL_EPMD_PORT=$epmd_port epmd -kill >/dev/null 2>&1 || true
  epmd_port=""
}
start_redis() {
  local dir="$work/redis"
  mkdir -p "$dir"
  redis_port=$(free_port)
  cat >"$dir/redis.conf" <<EOF
bind 127.0.0.1
port $redis_port
dir $dir
daemonize no
save ""
appendonly yes
appendfsync always
EOF
  background redis-server "$dir/redis.conf" >"$dir/out.log" 2>&1
  redis_pid=$last_pid
  wait_until "Redis to listen on $redis_port" port_open "$redis_port"
}
stop_redis() { stop "$redis_pid" Redis "$work/redis/out.log"; }
rabbitmq_bench() {
  local mode="$1" scenario="$2"
  shift 2
  "$build/bench/rabbitmq_bench" "$mode" --port "$rabbit_port" --server-pid "$rabbit_pid" \
    --scenario "$scenario" --bytes "$record_bytes" "$@" | record
}
redis_bench() {
  local mode="$1" scenario="$2"
  shift 2
  "$build/bench/redis_bench" "$mode" --port "$redis_port" --server-pid "$redis_pid" \
    --scenario "$scenario" --bytes "$record_bytes" "$@" | record
}
peers_needed() { wants ingest || wants fanout || wants latency || wants catchup; }
if peers_needed; then
  say "starting RabbitMQ and Redis on loopback"
  start_rabbitmq
  start_redis
fi
# The peers' messages are as large as certshare's records (measured below;
# this is the size of the quick run's records, for a run without ingest).
record_bytes=3500

# --- 1. ingest --------------------------------------------------------------
if wants ingest; then
  say "1. ingest: 1, 4, 16 publishers, records single and in batches of 256"
  certshare_broker ingest
  for p in 1 4 16; do
    loadgen run ingest --publishers "$p" --records "$ingest_n" --batch 256
    loadgen run ingest --publishers "$p" --records "$ingest_n" --batch 1
  done
  record_bytes=$(python3 -c 'import json, sys
print(round(next(r["record_bytes"] for r in map(json.loads, open(sys.argv[1])) if r.get("batch") == 256)))' "$results")
  certshare_done ingest
  for p in 1 4 16; do
    rabbitmq_bench run ingest --publishers "$p" --messages "$ingest_n"
    redis_bench run ingest --publishers "$p" --messages "$ingest_n"
  done
  redis_bench run ingest --publishers 50 --window 1 --messages "$ingest_n"
  # The size the issue quotes the peers at, for comparison.
  rabbitmq_bench run ingest-1.5k --publishers 4 --messages "$ingest_n" --bytes 1500
  redis_bench run ingest-1.5k --publishers 4 --messages "$ingest_n" --bytes 1500
fi

# --- 2. live fan-out -----------------------------------------------------
if wants fanout; then
  say "2. fan-out: 4 publishers, 4 and 32 subscribers verifying every record"
  certshare_broker fanout
  for s in 4 32; do loadgen run fanout --publishers 4 --records "$fanout_n" --subscribers "$s"; done
  certshare_done fanout
  for s in 4 32; do
    rabbitmq_bench run fanout --publishers 4 --messages "$fanout_n" --consumers "$s"
    redis_bench run fanout --publishers 4 --messages "$fanout_n" --consumers "$s"
  done
fi

# --- 3. latency -------------------------------------------------------------
if wants latency; then
  say "3. latency at 1,000 and 10,000 records/s, 4 subscribers"
  certshare_broker latency
  for rate in 1000 10000; do
    loadgen run latency --publishers 1 --rate "$rate" --records $((rate * latency_s)) --subscribers 4
  done
  certshare_done latency
  for rate in 1000 10000; do
    rabbitmq_bench run latency --rate "$rate" --messages $((rate * latency_s)) --consumers 4
    redis_bench run latency --rate "$rate" --messages $((rate * latency_s)) --consumers 4
  done
fi

# --- 4. catch-up ------------------------------------------------------------
if wants catchup; then
  say "4. catch-up: $catchup_n stored records replayed"
  certshare_broker catchup
  loadgen run catchup-fill --publishers 4 --records "$catchup_n" --stream
  loadgen catchup catchup
  loadgen catchup catchup --no-verify
  # certshare subscribe, writing JSON lines, as CERT-UA would.
  start=$(date +%s.%N)
  TIMEFORMAT='%U %S'
  cpu=$( { time agent CERT-UA subscribe --from 1 --until-caught-up --credit 8192 --receipts none \
    >"$work/catchup.jsonl" 2>"$work/catchup.err"; } 2>&1)
  end=$(date +%s.%N)
  lines=$(wc -l <"$work/catchup.jsonl")
  python3 -c 'import json,sys; n,s,e,u,k=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]),float(sys.argv[4]),float(sys.argv[5]); print(json.dumps({"system":"certshare","scenario":"catchup-subscribe","records":n,"seconds":e-s,"rate":n/(e-s),"cpu_seconds":u+k}))' \
    "$lines" "$start" "$end" $cpu | record
  rm -f "$work/catchup.jsonl"
  certshare_done catchup
  rabbitmq_bench catchup catchup --publishers 4 --messages "$catchup_n"
  redis_bench catchup catchup --publishers 4 --messages "$catchup_n"
fi

if peers_needed; then
  stop_rabbitmq
  stop_redis
fi

# --- 5. growth --------------------------------------------------------------
if wants growth; then
  say "5. growth: ingest at $growth_points records stored; 100 subscriptions, 50 stalled"
  certshare_broker growth
  stored=0
  for point in $growth_points; do
    need=$(( (point - stored) * 6 / 1024 ))  # MiB: about 4.3 KB stored per record, and room
    avail=$(df -Pm "$site" | awk 'NR == 2 { print $4 }')
    if [ "$need" -gt "$avail" ]; then
      echo "{\"system\":\"certshare\",\"scenario\":\"growth-skipped\",\"stored\":$point,\"why\":\"$need MiB needed, $avail MiB free\"}" | record
      break
    fi
    if [ "$point" -gt "$stored" ]; then
      loadgen run growth-fill --publishers 4 --records $((point - stored)) --stream
      stored=$point
    fi
    du_mb=$(du -sm "$site/growth-data" | cut -f1)
    extra="\"stored\":$point,\"store_mb\":$du_mb" loadgen run growth --publishers 4 --records "$growth_n"
    stored=$((stored + growth_n))
  done
  certshare_done growth
  certshare_broker stalled
  loadgen run stalled --publishers 4 --records "$stalled_n" --subscribers 50 --stalled 50 \
    --credit 8192 --no-verify
  certshare_done stalled
fi

# --- 6. end to end ----------------------------------------------------------
if wants e2e; then
  say "6. end to end: 2 sensors x $e2e_n alerts -> broker -> 4 certshare subscribe feeds"
  # Suricata EVE alerts (docs/sensor-mapping.md), varied per line.
  eve() {
    python3 - "$1" "$2" <<'EOF'
import sys
n, tag = int(sys.argv[1]), int(sys.argv[2])
for i in range(n):
    print('{"timestamp":"2026-11-27T10:%02d:%02d.%06d+0100","flow_id":%d,"in_iface":"eth0",'
          '"event_type":"alert","src_ip":"10.%d.%d.%d","src_port":%d,"dest_ip":"198.51.100.%d",'
          '"dest_port":443,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":%d,'
          '"rev":4,"signature":"ET POLICY Suspicious outbound TLS to rare domain %d",'
          '"category":"Potentially Bad Traffic","severity":2},"app_proto":"tls",'
          '"flow":{"pkts_toserver":5,"pkts_toclient":4,"bytes_toserver":900,'
          '"bytes_toclient":3100,"start":"2026-11-27T09:59:59.000001+0100"}}'
          % ((i // 60000) % 60, (i // 1000) % 60, (i % 1000) * 1000 + tag, tag * 10**7 + i,
             tag, (i >> 8) & 255, i & 255, 1024 + i % 60000, i % 200, 2030000 + i % 50, i % 50))
EOF
  }
  sensor() {  # <n> <label>: sensor n reads eve<n>.json
    agent_exec CERT-EE sensor --input - --format eve --tlp amber --to "$recipients" \
      --spool "$work/$2-spool$1" --drain-timeout 3600 --json \
      <"$work/eve$1.json" >"$work/$2-sensor$1.json" 2>"$work/$2-sensor$1.err"
  }
  e2e_run() {  # <label> <feeds>: 2 sensors, and <feeds> durable feeds
    local label="$1" feeds="$2" s f spids=() fpids=() start end
    certshare_broker "$label"
    for f in $(seq "$feeds"); do
      org=$(cut -d, -f"$f" <<<"$recipients")
      background agent_exec "$org" subscribe --name "feed$f" --count $((2 * e2e_n)) --credit 8192 \
        --receipts none >"$work/$label-feed$f.jsonl" 2>"$work/$label-feed$f.err"
      fpids+=("$last_pid")
    done
    sleep 2  # the feeds subscribe
    background "$loadgen" watch --broker-pid "$broker_pid" --until-exists "$work/$label.done" \
      --scenario "$label" >"$work/$label.watch"
    local watcher=$last_pid
    start=$(date +%s.%N)
    for s in 1 2; do
      background sensor "$s" "$label"
      spids+=("$last_pid")
    done
    for s in "${spids[@]}"; do wait_seconds=7200 wait_exit "$s" 0 "a sensor" "$work/$label-sensor1.err"; done
    for s in 1 2; do
      grep -q "sensor: $e2e_n lines" "$work/$label-sensor$s.err" || fail "sensor $s: $(tail -n 3 "$work/$label-sensor$s.err")"
    done
    local sensors_end; sensors_end=$(date +%s.%N)
    for f in "${fpids[@]}"; do wait_seconds=7200 wait_exit "$f" 0 "a feed" "$work/$label-feed1.err"; done
    end=$(date +%s.%N)
    touch "$work/$label.done"
    wait_exit "$watcher" 0 "the watcher"
    python3 - "$label" "$((2 * e2e_n))" "$feeds" "$start" "$sensors_end" "$end" "$work/$label.watch" <<'EOF' | record
import json, sys
label, n, feeds, start, sensors_end, end, watch = sys.argv[1:]
n, feeds, start, sensors_end, end = int(n), int(feeds), float(start), float(sensors_end), float(end)
out = {"system": "certshare", "scenario": label, "records": n, "feeds": feeds,
       "sensors_seconds": sensors_end - start, "sensors_rate": n / (sensors_end - start),
       "seconds": end - start, "end_to_end_rate": n / (end - start)}
out["server"] = json.load(open(watch))["server"]
print(json.dumps(out))
EOF
    rm -f "$work/$label"-feed*.jsonl
    certshare_done "$label"
  }
  eve "$e2e_n" 1 >"$work/eve1.json"
  eve "$e2e_n" 2 >"$work/eve2.json"
  e2e_run e2e-no-feeds 0
  e2e_run e2e 4

  say "6. an analyst's certshare publish, process start to ACK ($publish_runs runs)"
  certshare_broker publish
  for i in $(seq "$publish_runs"); do
    sed "s/95704c23-df61-4954-b2d6-48d6d4ae8be9/$(cat /proc/sys/kernel/random/uuid)/" \
      "$root/scripts/samples/incident-amber.json" >"$work/incident.json"
    start=$(date +%s%N)
    agent CERT-EE publish "$work/incident.json" --to "$recipients" --spool "$work/analyst-spool" >/dev/null
    end=$(date +%s%N)
    echo $(( (end - start) / 1000 ))
  done | python3 -c '
import json, sys
us = sorted(int(l) for l in sys.stdin)
print(json.dumps({"system": "certshare", "scenario": "publish", "runs": len(us),
                  "ms_min": us[0] / 1000, "ms_median": us[len(us) // 2] / 1000, "ms_max": us[-1] / 1000}))' | record
  certshare_done publish
fi

# --- the report -------------------------------------------------------------
out="${BENCH_OUT:-}"
if [ -z "$out" ]; then
  if [ ${#scenarios[@]} -eq 6 ]; then out="$root/docs"; else out="$root/build-release/bench-report"; fi
fi
mkdir -p "$out/performance"
say "writing $out/performance.md"
python3 "$root/bench/report.py" --results "$results" --out "$out" --profile "$profile" \
  --seconds $(( $(date +%s) - started_at )) --root "$root" --certshare "$certshare" \
  --broker "$broker_bin" --idle-before "$idle_before"
echo "bench.sh: done in $(( $(date +%s) - started_at )) s: $out/performance.md"
