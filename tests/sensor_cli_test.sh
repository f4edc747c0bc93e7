#!/usr/bin/env bash
# ctest: `certshare sensor` end to end on loopback, with real processes: a
# broker, a sensor of CERT-EE publishing Suricata EVE alerts (from standard
# input, from a followed file across a rotation, from a Unix socket) and
# JSON lines of STIX, and CERT-UA's subscriber receiving the sightings,
# each kept for the OASIS schema check of sensor_cli_oasis (tests/oasis.sh).
# usage: sensor_cli_test.sh <certshare> <certshare-broker>
set -euo pipefail
certshare="$1"
broker_bin="$2"
source "$(dirname "${BASH_SOURCE[0]}")/oasis.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scenario_start sensor
# json_field <file> <field>: a field of the JSON object on the file's last line.
json_field() {
  python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])[sys.argv[2]])' "$1" "$2"
}

echo "--- identities, registry, broker"
start_broker CERT-EE CERT-UA CERT-XX
sensor() { agent CERT-EE sensor --tlp amber --to CERT-UA "$@"; }
# sensor_bg: the same in the background, the sensor's pid in $last_pid.
sensor_bg() { background agent_exec CERT-EE sensor --tlp amber --to CERT-UA "$@"; }

# eve_alert <second> <sid> [src_ip]: one EVE alert line (Suricata's documented format).
eve_alert() {
  printf '{"timestamp":"2026-11-27T10:00:%02d.000001+0100","flow_id":%d,"event_type":"alert","src_ip":"%s","src_port":50096,"dest_ip":"209.53.113.5","dest_port":80,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":%d,"rev":10,"signature":"ET HUNTING test %d","category":"Potentially Bad Traffic","severity":2},"app_proto":"http"}\n' \
    "$1" "$((1000 + $1))" "${3:-192.168.2.14}" "$2" "$2"
}
# received <org> <file>: everything <org> may read, one JSON line per record.
received() {
  agent "$1" subscribe --until-caught-up --timeout 30 >"$2" 2>"$work/subscribe.err"
}
# count_received <n>: CERT-UA has received n records.
count_received() {
  received CERT-UA "$work/ua.jsonl" && [ "$(wc -l <"$work/ua.jsonl")" -eq "$1" ]
}
# check_sightings <jsonl>: every record is a bundle with one sighting, and
# passes the OASIS schemas.
check_sightings() {
  rm -rf "$work/objects" && mkdir "$work/objects"
  python3 - "$1" "$work/objects" <<'PY'
import json, sys
for n, line in enumerate(open(sys.argv[1])):
    r = json.loads(line)
    o = r["object"]
    assert r["origin"] == "CERT-EE" and r["tlp"] == "amber", r
    assert o["type"] == "bundle", o["type"]
    types = [x["type"] for x in o["objects"]]
    assert types.count("sighting") == 1, types
    assert "observed-data" in types and "network-traffic" in types, types
    json.dump(o, open(f"{sys.argv[2]}/record{n}.json", "w"))
PY
  oasis_keep "the sightings received in $(basename "$1")" --bundle "$work/objects"
}

echo "--- EVE from standard input: alerts become sightings, the rest is skipped or reported"
{
  eve_alert 1 2018358
  printf '{"timestamp":"2026-11-27T09:00:02.000002+0000","event_type":"alert","src_ip":"2001:db8::10","src_port":50968,"dest_ip":"2001:db8::53","dest_port":53,"proto":"UDP","alert":{"action":"blocked","gid":1,"signature_id":42,"rev":3,"signature":"DNS to a sinkhole","category":"","severity":3,"rule":"alert dns any any -> any any (msg:\\"DNS to a sinkhole\\"; sid:42; rev:3;)"},"app_proto":"dns"}\n'
  printf '{"timestamp":"2026-11-27T10:00:03.5-0500","event_type":"flow","src_ip":"10.0.0.1","dest_ip":"10.0.0.2","proto":"TCP","flow":{"state":"closed"}}\n'
  printf '{"timestamp":"2026-11-27T10:00:04.000000+0000","event_type":"alert","src_ip":"x.x.250.50"\n'
  printf '{"timestamp":"2026-11-27T10:00:05.1+0000","event_type":"alert","src_ip":"198.51.100.7","dest_ip":"203.0.113.9","proto":"ICMP","icmp_type":8,"icmp_code":0,"alert":{"signature_id":2100384,"rev":6,"signature":"GPL ICMP_INFO PING"}}\n'
  printf '{"timestamp":"2026-11-27T10:00:06.000000+0000","event_type":"dns","dns":{"type":"query","rrname":"example.org"}}\n'
} >"$work/eve-stdin.json"
expect_exit 0 sensor --input - --format eve --spool "$work/spool-1" --json <"$work/eve-stdin.json"
[ "$(json_field "$work/out" published)" -eq 3 ] || fail "3 alerts should be published: $(cat "$work/out")"
[ "$(json_field "$work/out" skipped)" -eq 2 ] || fail "flow and dns events should be skipped: $(cat "$work/out")"
[ "$(json_field "$work/out" bad)" -eq 1 ] || fail "one bad line: $(cat "$work/out")"
[ "$(json_field "$work/out" stored)" -eq 3 ] || fail "the broker should store 3: $(cat "$work/out")"
[ "$(json_field "$work/out" pending)" -eq 0 ] || fail "nothing should stay spooled: $(cat "$work/out")"
expect_err "standard input line 4: MALFORMED_JSON"
count_received 3 || fail "CERT-UA should receive 3 sightings: $(cat "$work/ua.jsonl") $(cat "$work/subscribe.err")"
check_sightings "$work/ua.jsonl"
received CERT-XX "$work/xx.jsonl"
[ ! -s "$work/xx.jsonl" ] || fail "CERT-XX is not a recipient of the AMBER sightings"

echo "--- the same input again publishes nothing new (deterministic ids)"
expect_exit 0 sensor --input - --format eve --spool "$work/spool-1" --json <"$work/eve-stdin.json"
[ "$(json_field "$work/out" duplicates)" -eq 3 ] || fail "3 duplicates expected: $(cat "$work/out")"
count_received 3 || fail "still 3 records for CERT-UA"

echo "--- following a file across a rotation (rename and recreate)"
sensor_bg --input "$work/follow/eve.json" --format eve --spool "$work/spool-2" --poll-ms 20 \
  --batch-delay-ms 20 >"$work/follow.out" 2>"$work/follow.err"
follow_pid=$last_pid
# The file must appear after the sensor has looked for it (a file present
# at start is followed from its end, like tail -F).
wait_until "the following sensor to start" grep -q "reading .*eve.json" "$work/follow.err"
mkdir -p "$work/follow"
eve_alert 11 7001 >>"$work/follow/eve.json"   # appeared after start: read from its start
wait_until "the first followed alert" count_received 4
printf '%s' "$(eve_alert 12 7002)" >>"$work/follow/eve.json"   # a partial line: no newline yet
mv "$work/follow/eve.json" "$work/follow/eve.json.1"
printf '\n' >>"$work/follow/eve.json.1"        # the writer finishes its line in the old file
eve_alert 13 7003 >>"$work/follow/eve.json"   # and goes on in a new one
wait_until "the alerts around the rotation" count_received 6
stop "$follow_pid" "the following sensor" "$work/follow.err"
grep -q "rotated" "$work/follow.err" || fail "the rotation was not reported: $(cat "$work/follow.err")"
check_sightings "$work/ua.jsonl"

echo "--- a Unix socket"
sensor_bg --input "unix:$work/eve.sock" --format eve --spool "$work/spool-3" \
  --batch-delay-ms 20 >"$work/socket.out" 2>"$work/socket.err"
socket_pid=$last_pid
wait_until "the sensor's socket" test -S "$work/eve.sock"
{ eve_alert 21 7101; eve_alert 22 7102 10.9.9.9; } >"$work/socket-lines.json"
python3 - "$work/eve.sock" "$work/socket-lines.json" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(open(sys.argv[2], "rb").read())
s.close()
PY
wait_until "the socket's alerts" count_received 8
stop "$socket_pid" "the socket sensor" "$work/socket.err"
[ ! -e "$work/eve.sock" ] || fail "the socket file should be removed at exit"
check_sightings "$work/ua.jsonl"

echo "--- JSON lines of ready STIX"
cat >"$work/objects.jsonl" <<'JSONL'
{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2026-11-27T09:00:00.000Z","modified":"2026-11-27T09:00:00.000Z","pattern":"[ipv4-addr:value = '203.0.113.47']","pattern_type":"stix","valid_from":"2026-11-27T09:00:00Z"}
{"type":"incident","id":"incident--nope","spec_version":"2.0"}
JSONL
expect_exit 0 sensor --input - --format jsonl --spool "$work/spool-4" --json <"$work/objects.jsonl"
[ "$(json_field "$work/out" published)" -eq 1 ] || fail "1 object published: $(cat "$work/out")"
[ "$(json_field "$work/out" bad)" -eq 1 ] || fail "1 bad line: $(cat "$work/out")"
expect_err "standard input line 2: INVALID_STIX"
count_received 9 || fail "CERT-UA should have the indicator too"

echo "--- kill -9 and restart: a followed file resumes where the spool left it"
received CERT-UA "$work/ua.jsonl"
base="$(wc -l <"$work/ua.jsonl")"
mkdir -p "$work/resume"
eve_alert 41 7401 >"$work/resume/eve.json"
sensor_bg --input "$work/resume/eve.json" --format eve --spool "$work/spool-6" --poll-ms 20 \
  --batch-delay-ms 20 --from-beginning >"$work/resume.out" 2>"$work/resume.err"
resume_pid=$last_pid
wait_until "the first alert of the resumed file" count_received $((base + 1))
saved_position() { ls "$work/spool-6/sensor-positions/"*.json >/dev/null 2>&1; }
wait_until "the sensor's saved position" saved_position
sigkill "$resume_pid"
eve_alert 42 7402 >>"$work/resume/eve.json"   # written while the sensor is down
eve_alert 43 7403 >>"$work/resume/eve.json"
# Without --from-beginning now: a plain restart must not skip what came meanwhile.
sensor_bg --input "$work/resume/eve.json" --format eve --spool "$work/spool-6" --poll-ms 20 \
  --batch-delay-ms 20 >"$work/resume.out" 2>"$work/resume.err"
resume_pid=$last_pid
wait_until "the alerts written while the sensor was down" count_received $((base + 3))
grep -q "resuming .*eve.json at byte" "$work/resume.err" || fail "no resume notice: $(cat "$work/resume.err")"
stop "$resume_pid" "the resumed sensor" "$work/resume.err"
python3 - "$work/ua.jsonl" <<'PY' || fail "a record was received twice"
import json, sys, collections
ids = collections.Counter(json.loads(l)["id"] for l in open(sys.argv[1]))
assert max(ids.values()) == 1, [i for i, n in ids.items() if n > 1]
PY

echo "--- errors are clear"
expect_exit 3 agent CERT-EE sensor --input - --format eve --tlp amber --spool "$work/spool-5" </dev/null
expect_err "needs named recipients"
expect_exit 3 agent CERT-EE sensor --input - --format eve --tlp amber --to CERT-NOPE \
  --spool "$work/spool-5" </dev/null
expect_err "UNKNOWN_ORGANISATION"
expect_exit 2 sensor --input - --format csv </dev/null
expect_exit 2 sensor --input - --format eve --tlp purple </dev/null
touch "$work/not-a-socket"
expect_exit 3 sensor --input "unix:$work/not-a-socket" --format eve --spool "$work/spool-5"
expect_err "not a socket"
for mode in 0660x 08 1777 ""; do
  expect_exit 2 sensor --input "unix:$work/mode.sock" --format eve --socket-mode "$mode" </dev/null
  expect_err "socket-mode must be an octal file mode"
done

echo "--- the configuration file's [spool] path is the sensor's spool"
cat >"$work/agent.toml" <<TOML
[spool]
path = "$work/spool-from-config"
TOML
eve_alert 31 7301 >"$work/one-alert.json"
expect_exit 0 sensor --config "$work/agent.toml" --input - --format eve --json <"$work/one-alert.json"
[ "$(json_field "$work/out" published)" -eq 1 ] || fail "one alert: $(cat "$work/out")"
[ -d "$work/spool-from-config" ] || fail "the sensor did not use spool.path of the configuration"

stop_broker
echo "PASS"
