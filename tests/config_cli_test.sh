#!/usr/bin/env bash
# ctest: the agent's configuration file, `certshare init` and
# passphrase-protected secret files, with the real programs on loopback.
#   - `certshare init` writes agent.toml; with nothing edited, publish and
#     subscribe run with only --config (or nothing: the default location);
#   - precedence: flag > environment > configuration file > default;
#   - configuration errors (unknown key, wrong type, missing settings);
#   - protected secret files: passphrase file (mode checked), environment
#     variable, wrong passphrase, no terminal, `certshare protect`.
# usage: config_cli_test.sh <certshare> <certshare-broker> <samples-dir>
set -euo pipefail
certshare="$1"
broker_bin="$2"
samples="$3"
work="$(mktemp -d "${TMPDIR:-/tmp}/certshare-config-test.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_exit <code> <command...>: runs the command, checks its exit status.
expect_exit() {
  local want="$1"; shift
  set +e
  "$@" >"$work/out" 2>"$work/err" </dev/null
  local got=$?
  set -e
  [ "$got" -eq "$want" ] || fail "expected exit $want, got $got from: $* :: $(cat "$work/err")"
}
expect_stderr() { grep -q -- "$1" "$work/err" || fail "stderr lacks '$1': $(cat "$work/err")"; }
expect_stdout() { grep -q -- "$1" "$work/out" || fail "stdout lacks '$1': $(cat "$work/out")"; }

# Hermetic: no setting from the caller's environment or home.
for v in $(env | sed -n 's/^\(CERTSHARE_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
export HOME="$work/home" XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state"
mkdir -p "$HOME"
ee="$XDG_CONFIG_HOME/certshare"  # CERT-EE's agent uses the default location
ua="$work/ua"                     # CERT-UA's is named with --config

echo "--- the broker"
mkdir -p "$work/broker"
"$certshare" keygen --org BROKER --out "$work/broker/keys" >/dev/null
cat >"$work/broker/broker.json" <<JSON
{
  "listen": "tcp://127.0.0.1:*",
  "metrics_listen": "127.0.0.1:0",
  "identity": "keys/BROKER.secret.json",
  "registry": "registry.json",
  "data_dir": "data",
  "endpoint_file": "broker.endpoint"
}
JSON

echo "--- certshare init writes a commented file and never overwrites it"
expect_exit 2 "$certshare" init --org "CERT EE"
expect_exit 2 "$certshare" init --broker "broker.example:7700"
# init needs the broker's endpoint, which the broker picks when it starts,
# and the broker needs the cards: identities first, then the broker, then
# init.
"$certshare" keygen --org CERT-EE --out "$ee/keys" >/dev/null
printf 'ua passphrase, long enough\n' >"$work/ua.pass"
chmod 600 "$work/ua.pass"
"$certshare" keygen --org CERT-UA --out "$ua/keys" --passphrase-file "$work/ua.pass" >"$work/out"
grep -q "protected by the passphrase" "$work/out" || fail "keygen did not say the file is protected"
[ "$(stat -c %a "$ua/keys/CERT-UA.secret.json")" = 600 ] || fail "protected secret not 0600"
grep -q '"certshare-secret-v1-protected"' "$ua/keys/CERT-UA.secret.json" ||
  fail "keygen --passphrase-file wrote a plain secret file"
! grep -q '"sign_secret"' "$ua/keys/CERT-UA.secret.json" || fail "a plain secret in a protected file"
"$certshare" registry import --registry "$work/broker/registry.json" \
  "$ee/keys/CERT-EE.card.json" "$ua/keys/CERT-UA.card.json" >/dev/null
"$broker_bin" --config "$work/broker/broker.json" >"$work/broker/log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do [ -s "$work/broker/broker.endpoint" ] && break; sleep 0.05; done
endpoint="$(cat "$work/broker/broker.endpoint")"
[ -n "$endpoint" ] || fail "the broker did not start: $(cat "$work/broker/log")"

expect_exit 0 "$certshare" init --org CERT-EE --broker "$endpoint"  # default location
[ -f "$ee/agent.toml" ] || fail "init did not write $ee/agent.toml"
expect_stdout "Next steps"
expect_stdout "certshare keygen --org CERT-EE --out $ee/keys"
expect_stdout "$ee/keys/BROKER.card.json"
before="$(sha256sum "$ee/agent.toml")"
expect_exit 3 "$certshare" init --org CERT-EE
expect_stderr "ALREADY_EXISTS"
expect_stderr "never overwrites"
[ "$(sha256sum "$ee/agent.toml")" = "$before" ] || fail "init overwrote agent.toml"
# Every key is there, each after a comment.
for key in identity registry passphrase_file endpoint card public_key to tlp path limit; do
  grep -qE "^(# )?$key = " "$ee/agent.toml" || fail "agent.toml lacks $key"
done
expect_exit 0 "$certshare" init --org CERT-UA --broker "$endpoint" --out "$ua/agent.toml"
expect_stdout "--config $ua/agent.toml"

echo "--- nothing edited: the files where init said, then only --config"
cp "$work/broker/keys/BROKER.card.json" "$ee/keys/"
cp "$work/broker/keys/BROKER.card.json" "$ua/keys/"
# registry import finds the registry through the configuration.
expect_exit 0 "$certshare" registry import "$ee/keys/CERT-EE.card.json" "$ua/keys/CERT-UA.card.json"
[ -f "$ee/registry.json" ] || fail "registry import did not use registry from the default config"
expect_exit 0 "$certshare" registry import --config "$ua/agent.toml" \
  "$ee/keys/CERT-EE.card.json" "$ua/keys/CERT-UA.card.json"
expect_exit 0 "$certshare" registry show --config "$ua/agent.toml"
expect_stdout "CERT-EE"

# CERT-EE: no flag at all (the default configuration file).
expect_exit 0 "$certshare" publish "$samples/incident-amber.json" --to CERT-UA
expect_stdout "published"
# The spool is where the comment init wrote says: one folder per identity,
# <org>-<first 8 hex digits of the signing key>, under $XDG_STATE_HOME.
grep -q 'XDG_STATE_HOME/certshare/spool/<org>-<first 8 hex digits of the signing' "$ee/agent.toml" ||
  fail "init's comment on [spool] path does not describe the default spool"
sign8="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sign_public"][:8])' \
  "$ee/keys/CERT-EE.card.json")"
[ -d "$XDG_STATE_HOME/certshare/spool/CERT-EE-$sign8" ] ||
  fail "no default spool at $XDG_STATE_HOME/certshare/spool/CERT-EE-$sign8: $(ls -R "$XDG_STATE_HOME")"
# CERT-UA: only --config, and the passphrase from the environment.
expect_exit 0 env CERTSHARE_PASSPHRASE="ua passphrase, long enough" \
  "$certshare" subscribe --config "$ua/agent.toml" --until-caught-up --timeout 30
[ "$(wc -l <"$work/out")" -eq 1 ] || fail "CERT-UA should receive 1 record: $(cat "$work/out")"
grep -q '"origin":"CERT-EE"' "$work/out" || fail "not CERT-EE's record: $(cat "$work/out")"
# ... and from CERTSHARE_CONFIG.
expect_exit 0 env CERTSHARE_CONFIG="$ua/agent.toml" CERTSHARE_PASSPHRASE_FILE="$work/ua.pass" \
  "$certshare" subscribe --until-caught-up --timeout 30
[ "$(wc -l <"$work/out")" -eq 1 ] || fail "CERTSHARE_CONFIG: expected 1 record"

echo "--- precedence: flag > environment > configuration file > default"
# The environment beats the file: a registry that does not exist is used.
expect_exit 3 env CERTSHARE_REGISTRY="$work/nope.json" "$certshare" publish \
  "$samples/incident-amber.json" --to CERT-UA
expect_stderr "nope.json"
# The flag beats the environment.
expect_exit 0 env CERTSHARE_REGISTRY="$work/nope.json" "$certshare" publish \
  "$samples/incident-amber.json" --to CERT-UA --registry "$ee/registry.json"
expect_stdout "already published"
# --config beats CERTSHARE_CONFIG, which beats the default location.
expect_exit 0 env CERTSHARE_CONFIG="$work/nope.toml" CERTSHARE_PASSPHRASE_FILE="$work/ua.pass" \
  "$certshare" subscribe --config "$ua/agent.toml" --until-caught-up --timeout 30
expect_exit 3 env CERTSHARE_CONFIG="$work/nope.toml" "$certshare" publish \
  "$samples/notice-clear.json"
expect_stderr "INVALID_CONFIG"
expect_stderr "nope.toml"
# The file beats the default: publish.to gives default recipients, which
# --to replaces. (A hand-written file, absolute paths, public_key.)
transport_public="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["transport_public"])' \
  "$work/broker/keys/BROKER.card.json")"
cat >"$work/alt.toml" <<TOML
identity = "$ee/keys/CERT-EE.secret.json"
registry = "$ee/registry.json"
[broker]
endpoint = "$endpoint"
public_key = "$transport_public"
[publish]
to = ["CERT-UA"]
TOML
expect_exit 0 "$certshare" publish "$samples/incident-amber.json" --config "$work/alt.toml" --json
grep -q '"duplicate":true' "$work/out" || fail "publish with publish.to: $(cat "$work/out")"
expect_exit 3 "$certshare" publish "$samples/incident-amber.json" --config "$work/alt.toml" \
  --to CERT-NOPE
expect_stderr "UNKNOWN_ORGANISATION"
# Without the file's recipients the AMBER record is refused (the default).
expect_exit 3 "$certshare" publish "$samples/incident-amber.json"
expect_stderr "needs named recipients"

echo "--- configuration errors say what to do"
expect_exit 2 env XDG_CONFIG_HOME="$work/empty" "$certshare" publish "$samples/notice-clear.json"
expect_stderr "missing --identity, --registry, --broker and --broker-card"
expect_stderr "CERTSHARE_BROKER_CARD"
expect_stderr "certshare init"
expect_exit 2 env XDG_CONFIG_HOME="$work/empty" "$certshare" registry show
expect_stderr "missing --registry"
printf 'identiy = "x"\n[broker]\nendpoint = 7700\n[sensor]\ntlp = "orange"\n' >"$work/bad.toml"
expect_exit 3 "$certshare" publish "$samples/notice-clear.json" --config "$work/bad.toml"
expect_stderr "INVALID_CONFIG"
expect_stderr "3 problems"
expect_stderr 'line 1: unknown key "identiy"; did you mean "identity"?'
expect_stderr "line 3: broker.endpoint must be a string"
expect_stderr "line 5: sensor.tlp"
printf '[broker\n' >"$work/syntax.toml"
expect_exit 3 "$certshare" subscribe --config "$work/syntax.toml" --until-caught-up
expect_stderr "line 1, column"

echo "--- protected secret files"
# No passphrase and no terminal: say how to give one.
expect_exit 3 "$certshare" subscribe --config "$ua/agent.toml" --until-caught-up --timeout 30
expect_stderr "protected by a passphrase"
expect_stderr "--passphrase-file"
expect_stderr "CERTSHARE_PASSPHRASE"
expect_exit 3 env CERTSHARE_PASSPHRASE="not the passphrase" \
  "$certshare" subscribe --config "$ua/agent.toml" --until-caught-up --timeout 30
expect_stderr "DECRYPT_FAILED"
expect_stderr "wrong passphrase"
cp -p "$work/ua.pass" "$work/loose.pass"
chmod 644 "$work/loose.pass"
expect_exit 3 "$certshare" subscribe --config "$ua/agent.toml" --passphrase-file "$work/loose.pass" \
  --until-caught-up --timeout 30
expect_stderr "INSECURE_PERMISSIONS"
expect_stderr "chmod 600 $work/loose.pass"
expect_exit 0 "$certshare" subscribe --config "$ua/agent.toml" --passphrase-file "$work/ua.pass" \
  --until-caught-up --timeout 30
# Building needs only the card fields: no passphrase asked.
expect_exit 0 "$certshare" new sighting --config "$ua/agent.toml" \
  --of indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f --count 2
grep -q '"created_by_ref"' "$work/out" || fail "new sighting printed no STIX"
# keygen --protect without a terminal cannot ask.
expect_exit 2 "$certshare" keygen --org CERT-XX --out "$work/xx" --protect
expect_stderr "not a terminal"
[ ! -e "$work/xx/CERT-XX.secret.json" ] || fail "keygen wrote a secret file without a passphrase"
printf 'short\n' >"$work/short.pass"
chmod 600 "$work/short.pass"
expect_exit 2 "$certshare" keygen --org CERT-XX --out "$work/xx" --passphrase-file "$work/short.pass"
expect_stderr "shorter than 8"

echo "--- certshare protect: add, change, remove; atomic, still 0600"
printf 'a new passphrase for EE\n' >"$work/ee.pass"
printf 'another passphrase for EE\n' >"$work/ee2.pass"
chmod 600 "$work/ee.pass" "$work/ee2.pass"
expect_exit 0 "$certshare" protect --passphrase-file "$work/ee.pass"  # the configured identity
expect_stdout "protected $ee/keys/CERT-EE.secret.json"
[ "$(stat -c %a "$ee/keys/CERT-EE.secret.json")" = 600 ] || fail "protect changed the mode"
grep -q '"certshare-secret-v1-protected"' "$ee/keys/CERT-EE.secret.json" || fail "not protected"
ls "$ee/keys" | grep -q tmp && fail "protect left a temporary file: $(ls "$ee/keys")"
expect_exit 0 env CERTSHARE_PASSPHRASE="a new passphrase for EE" \
  "$certshare" publish "$samples/notice-clear.json"
expect_stdout "published"
expect_exit 3 "$certshare" protect "$ee/keys/CERT-EE.secret.json" \
  --current-passphrase-file "$work/ee2.pass" --passphrase-file "$work/ee2.pass"
expect_stderr "wrong passphrase"
expect_exit 0 "$certshare" protect "$ee/keys/CERT-EE.secret.json" \
  --current-passphrase-file "$work/ee.pass" --passphrase-file "$work/ee2.pass"
expect_stdout "changed the passphrase"
expect_exit 3 env CERTSHARE_PASSPHRASE="a new passphrase for EE" \
  "$certshare" publish "$samples/notice-clear.json"
expect_stderr "wrong passphrase"
expect_exit 0 "$certshare" protect "$ee/keys/CERT-EE.secret.json" --remove \
  --current-passphrase-file "$work/ee2.pass"
expect_stdout "removed the passphrase"
grep -q '"format": "certshare-secret-v1"' "$ee/keys/CERT-EE.secret.json" || fail "not plain again"
[ "$(stat -c %a "$ee/keys/CERT-EE.secret.json")" = 600 ] || fail "protect --remove changed the mode"
expect_exit 0 "$certshare" publish "$samples/notice-clear.json"
expect_stdout "already published"
expect_exit 0 "$certshare" protect "$ee/keys/CERT-EE.secret.json" --remove
expect_stdout "nothing to do"

echo "--- --help everywhere, with the settings and exit statuses"
expect_exit 0 "$certshare" --help
expect_stdout "Exit status"
expect_stdout "init"
expect_stdout "protect"
for sub in init protect keygen publish subscribe status "registry import"; do
  # shellcheck disable=SC2086
  expect_exit 0 "$certshare" $sub --help
done
expect_exit 0 "$certshare" publish --help
expect_stdout "--config"
expect_stdout "--passphrase-file"
expect_stdout "CERTSHARE_IDENTITY"

echo "--- an unknown command is named"
expect_exit 2 "$certshare" frobnicate
expect_stderr '"frobnicate" is not a command; the commands are: keygen, publish'

echo "--- registry import is all or nothing; agent.toml must be ASCII"
"$certshare" keygen --org CERT-AA --out "$work/aa" >/dev/null
echo '{"format":"not-a-card"}' >"$work/aa/bad.card.json"
expect_exit 3 "$certshare" registry import --registry "$work/aa/registry.json" \
  "$work/aa/CERT-AA.card.json" "$work/aa/bad.card.json"
expect_stderr "nothing was imported"
[ ! -e "$work/aa/registry.json" ] || fail "a failed import wrote the registry"
[ ! -s "$work/out" ] || fail "a failed import said it imported: $(cat "$work/out")"
printf 'identity = "/home/j\xc3\xbcri/k.json"\n' >"$work/aa/agent.toml"
expect_exit 3 "$certshare" status --config "$work/aa/agent.toml"
expect_stderr "line 1: a character beyond ASCII"
expect_stderr '\\u00fc'

kill -TERM "${pids[0]}"
wait "${pids[0]}" || fail "broker did not stop cleanly"
pids[0]=""
echo "PASS"
