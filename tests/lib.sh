# shellcheck shell=bash
# The helpers of the shell scenario tests (tests/*.sh) and of
# scripts/demo-scenario.sh; sourced, not run. A script uses these rather
# than defining its own:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   certshare="$1" broker_bin="$2"   # the programs the broker and agent helpers run
#   scenario_start <name>
#
# The test's folder and its processes
#   scenario_start <name>     $work: a fresh folder,
#                             $TMPDIR/certshare-<name>-test.XXXXXX, removed at
#                             exit; XDG_STATE_HOME and XDG_CONFIG_HOME inside
#                             it, and no CERTSHARE_* setting of the caller's
#                             (but the tests' own CERTSHARE_OASIS_KEEP and
#                             CERTSHARE_BROKER_LOG_LEVEL)
#   scenario_start --dir <dir>
#                             $work is <dir> (made if missing), kept at exit,
#                             and the environment is left alone (the demo)
#                             Either way, at exit (also on failure) every
#                             process in $pids is stopped: SIGTERM, SIGKILL
#                             if it is still there 5 s later, and reaped.
#   background <command...>   starts the command in the background; its pid
#                             in $last_pid and $pids. A shell function runs in
#                             a subshell: `background agent_exec ...` makes
#                             $last_pid the certshare process itself
#   wait_exit <pid> <code> [<what> [<log>]]
#                             waits (polled, as wait_until) for the process to
#                             end; fails unless it exited <code>, naming <what>
#                             and showing the end of the file <log>
#   stop <pid> [<what> [<log>]]
#                             SIGTERM, then wait_exit <pid> 0 (a clean stop)
#   sigkill <pid>             SIGKILL, reaped; its exit status in
#                             $killed_status (137, or its own if it had ended)
#   A process waited for by these is taken out of $pids.
#
# Checks
#   fail <message>            prints "FAIL: <message>" on standard error
#                             ($fail_prefix instead of FAIL if set), exits 1
#   expect_exit <code> <command...>
#                             runs the command, its standard output in
#                             $work/out and its standard error in $work/err;
#                             fails unless it exits <code>, showing both. Its
#                             standard input is /dev/null (never a terminal)
#                             unless the call redirects it:
#                             expect_exit 0 cmd <file
#   expect_out <text>         the last expect_exit's standard output holds
#                             <text> (a fixed string)
#   expect_err <text>         its standard error holds <text>
#   expect_out_re <regex>     its standard output matches <regex> (grep)
#   expect_err_re <regex>     its standard error matches <regex>
#   wait_until <what> <command...>
#                             polls the command every 0.05 s until it
#                             succeeds; fails naming <what> after
#                             $wait_seconds (20 unless set; for one call:
#                             wait_seconds=N wait_until ...)
#   poll <command...>         the same, but returns 1 instead of failing
#
# The broker and the agents. They use $certshare and $broker_bin, and $site:
# the folder of the keys (keys/), the registry (registry.json) and the
# brokers' files, $work unless a script sets it.
#   make_keys <org>...        certshare keygen of each into $site/keys
#   make_registry <org>...    $site/registry.json of their cards; prints what
#                             `certshare registry import` says
#   broker_config [--name <n>] [<key>=<value>]...
#                             writes $site/<n>.json (<n>: broker): listen on
#                             an ephemeral loopback port, metrics on
#                             127.0.0.1:0, keys/BROKER.secret.json,
#                             registry.json, data in <n>-data, the endpoint in
#                             <n>.endpoint; then each <key>=<value> (a number,
#                             true or false as such, anything else a string;
#                             <key>= is "")
#   start_broker [--name <n>] [<org>...]
#                             with organisations: make_keys BROKER and them,
#                             make_registry them (without: they must be
#                             there). broker_config (the defaults) unless
#                             $site/<n>.json is there; starts
#                             certshare-broker with it, its log appended to
#                             $site/<n>.log; once it listens: $endpoint and
#                             $broker_pid. Fails, showing the log, if it exits
#                             or does not listen in time
#   stop_broker               stops the broker start_broker started last
#                             (stop: it must exit 0)
#   agent <org> <subcommand> [args...]
#                             certshare as <org>: its identity, the registry
#                             ($agent_registry if set), $endpoint and the
#                             broker's card (another broker: endpoint=...
#                             agent ...)
#   agent_exec <org> <subcommand> [args...]
#                             the same, replacing the shell it runs in: for
#                             background agent_exec ..., ( agent_exec ... ) &

scenario_start() {
  lib_keep=""
  if [ "$1" = --dir ]; then
    work="$2"
    lib_keep=yes
    mkdir -p "$work"
  else
    work="$(mktemp -d "${TMPDIR:-/tmp}/certshare-$1-test.XXXXXX")"
    export XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config"
    local v
    for v in $(compgen -e); do
      case "$v" in
        CERTSHARE_OASIS_KEEP | CERTSHARE_BROKER_LOG_LEVEL) ;;
        CERTSHARE_*) unset "$v" ;;
      esac
    done
  fi
  site="$work"
  pids=()
  last_pid=""
  trap lib_cleanup EXIT
}
lib_cleanup() {
  local status=$? pid alive=() left
  set +e
  for pid in "${pids[@]}"; do
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && alive+=("$pid")
  done
  for _ in $(seq 100); do
    left=()
    for pid in "${alive[@]}"; do kill -0 "$pid" 2>/dev/null && left+=("$pid"); done
    alive=("${left[@]}")
    [ "${#alive[@]}" -eq 0 ] && break
    sleep 0.05
  done
  for pid in "${alive[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null; done
  [ -n "$lib_keep" ] || rm -rf "$work"
  exit "$status"
}

background() {
  "$@" &
  last_pid=$!
  pids+=("$last_pid")
}
lib_forget() {
  local i
  for i in "${!pids[@]}"; do [ "${pids[$i]}" = "$1" ] && pids[$i]=""; done
  return 0
}
lib_gone() { ! kill -0 "$1" 2>/dev/null; }
wait_exit() {
  local pid="$1" want="$2" what="${3:-process $1}" log="${4:-}" got
  wait_until "$what to exit" lib_gone "$pid"
  set +e
  wait "$pid"
  got=$?
  set -e
  lib_forget "$pid"
  [ "$got" -eq "$want" ] || fail "$what exited $got, expected $want${log:+: $(tail -n 30 "$log")}"
}
stop() {
  kill -TERM "$1" 2>/dev/null || true
  wait_exit "$1" 0 "${2:-process $1}" "${3:-}"
}
sigkill() {
  kill -KILL "$1" 2>/dev/null || true
  set +e
  wait "$1" 2>/dev/null
  killed_status=$?
  set -e
  lib_forget "$1"
}

fail() { echo "${fail_prefix:-FAIL}: $*" >&2; exit 1; }

# The device and inode of standard input, to tell whether a call redirects it.
lib_stdin_id() { stat -L -c %d:%i /dev/stdin 2>/dev/null || true; }
lib_stdin="$(lib_stdin_id)"
expect_exit() {
  local want="$1" got
  shift
  set +e
  if [ "$(lib_stdin_id)" = "$lib_stdin" ]; then
    "$@" >"$work/out" 2>"$work/err" </dev/null
  else
    "$@" >"$work/out" 2>"$work/err"
  fi
  got=$?
  set -e
  [ "$got" -eq "$want" ] || fail "expected exit $want, got $got from: $* :: $(cat "$work/out" "$work/err")"
}
expect_out() { grep -qF -- "$1" "$work/out" || fail "stdout lacks '$1': $(cat "$work/out")"; }
expect_err() { grep -qF -- "$1" "$work/err" || fail "stderr lacks '$1': $(cat "$work/err")"; }
expect_out_re() { grep -q -- "$1" "$work/out" || fail "stdout does not match '$1': $(cat "$work/out")"; }
expect_err_re() { grep -q -- "$1" "$work/err" || fail "stderr does not match '$1': $(cat "$work/err")"; }

poll() {
  for _ in $(seq $((${wait_seconds:-20} * 20))); do "$@" && return 0; sleep 0.05; done
  return 1
}
wait_until() {
  local what="$1"
  shift
  poll "$@" || fail "timed out waiting for $what"
}

make_keys() {
  local org
  for org in "$@"; do "$certshare" keygen --org "$org" --out "$site/keys" >/dev/null; done
}
make_registry() {
  local org cards=()
  for org in "$@"; do cards+=("$site/keys/$org.card.json"); done
  "$certshare" registry import --registry "$site/registry.json" "${cards[@]}"
}
broker_config() {
  local name=broker setting key value i
  if [ "${1:-}" = --name ]; then name="$2"; shift 2; fi
  local keys=(listen metrics_listen identity registry data_dir endpoint_file)
  local -A json=([listen]='"tcp://127.0.0.1:*"' [metrics_listen]='"127.0.0.1:0"'
    [identity]='"keys/BROKER.secret.json"' [registry]='"registry.json"'
    [data_dir]="\"$name-data\"" [endpoint_file]="\"$name.endpoint\"")
  for setting in "$@"; do
    key="${setting%%=*}"
    value="${setting#*=}"
    [ "$key" != "$setting" ] && [[ "$value" != *[\"\\]* ]] ||
      fail "broker_config: $setting is not <key>=<value> (a value without quotes or backslashes)"
    [ -n "${json[$key]+set}" ] || keys+=("$key")
    if [[ "$value" =~ ^(-?[0-9]+|true|false)$ ]]; then json[$key]="$value"; else json[$key]="\"$value\""; fi
  done
  {
    echo "{"
    for i in "${!keys[@]}"; do
      printf '  "%s": %s%s\n' "${keys[$i]}" "${json[${keys[$i]}]}" "$([ "$i" -lt $((${#keys[@]} - 1)) ] && echo ,)"
    done
    echo "}"
  } >"$site/$name.json"
}
lib_listening() { [ -s "$1" ] || lib_gone "$2"; }
start_broker() {
  local name=broker
  if [ "${1:-}" = --name ]; then name="$2"; shift 2; fi
  if [ "$#" -gt 0 ]; then
    make_keys BROKER "$@"
    make_registry "$@" >/dev/null
  fi
  [ -e "$site/$name.json" ] || broker_config --name "$name"
  rm -f "$site/$name.endpoint"
  background "$broker_bin" --config "$site/$name.json" >>"$site/$name.log" 2>&1
  broker_pid=$last_pid
  broker_log="$site/$name.log"
  poll lib_listening "$site/$name.endpoint" "$broker_pid" || true
  if [ ! -s "$site/$name.endpoint" ]; then
    lib_gone "$broker_pid" && fail "$name exited at start: $(tail -n 30 "$broker_log")"
    fail "$name did not listen within ${wait_seconds:-20} s: $(tail -n 30 "$broker_log")"
  fi
  endpoint="$(cat "$site/$name.endpoint")"
}
stop_broker() { stop "$broker_pid" "the broker" "$broker_log"; }

agent() {
  local org="$1" sub="$2"
  shift 2
  # ${lib_exec} is empty, or "exec" when called by agent_exec.
  ${lib_exec:-} "$certshare" "$sub" --identity "$site/keys/$org.secret.json" \
    --registry "${agent_registry:-$site/registry.json}" --broker "$endpoint" \
    --broker-card "$site/keys/BROKER.card.json" "$@"
}
agent_exec() { lib_exec="exec" agent "$@"; }
