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
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Hermetic: no setting from the caller's environment (scenario_start) or home.
scenario_start config
export HOME="$work/home"
mkdir -p "$HOME"
ee="$XDG_CONFIG_HOME/certshare"  # CERT-EE's agent uses the default location
ua="$work/ua"                     # CERT-UA's is named with --config

echo "--- certshare init writes a commented file and never overwrites it"
expect_exit 2 "$certshare" init --org "CERT EE"
expect_exit 2 "$certshare" init --broker "broker.example:7700"
# init needs the broker's endpoint, which the broker picks when it starts,
# and the broker needs the cards: identities first, then the broker, then
# init. (The broker's files are in $work: keys/BROKER.*, registry.json.)
make_keys BROKER
"$certshare" keygen --org CERT-EE --out "$ee/keys" >/dev/null
printf 'ua passphrase, long enough\n' >"$work/ua.pass"
chmod 600 "$work/ua.pass"
"$certshare" keygen --org CERT-UA --out "$ua/keys" --passphrase-file "$work/ua.pass" >"$work/out"
grep -q "protected by the passphrase" "$work/out" || fail "keygen did not say the file is protected"
[ "$(stat -c %a "$ua/keys/CERT-UA.secret.json")" = 600 ] || fail "protected secret not 0600"
grep -q '"certshare-secret-v1-protected"' "$ua/keys/CERT-UA.secret.json" ||
  fail "keygen --passphrase-file wrote a plain secret file"
! grep -q '"sign_secret"' "$ua/keys/CERT-UA.secret.json" || fail "a plain secret in a protected file"
"$certshare" registry import --registry "$work/registry.json" \
  "$ee/keys/CERT-EE.card.json" "$ua/keys/CERT-UA.card.json" >/dev/null
start_broker

expect_exit 0 "$certshare" init --org CERT-EE --broker "$endpoint"  # default location
[ -f "$ee/agent.toml" ] || fail "init did not write $ee/agent.toml"
expect_out "Next steps"
expect_out "certshare keygen --org CERT-EE --out $ee/keys"
expect_out "$ee/keys/BROKER.card.json"
before="$(sha256sum "$ee/agent.toml")"
expect_exit 3 "$certshare" init --org CERT-EE
expect_err "ALREADY_EXISTS"
expect_err "never overwrites"
[ "$(sha256sum "$ee/agent.toml")" = "$before" ] || fail "init overwrote agent.toml"
# Every key is there, each after a comment.
for key in identity registry passphrase_file endpoint card public_key to tlp path limit; do
  grep -qE "^(# )?$key = " "$ee/agent.toml" || fail "agent.toml lacks $key"
done
expect_exit 0 "$certshare" init --org CERT-UA --broker "$endpoint" --out "$ua/agent.toml"
expect_out "--config $ua/agent.toml"

echo "--- nothing edited: the files where init said, then only --config"
cp "$work/keys/BROKER.card.json" "$ee/keys/"
cp "$work/keys/BROKER.card.json" "$ua/keys/"
# registry import finds the registry through the configuration.
expect_exit 0 "$certshare" registry import "$ee/keys/CERT-EE.card.json" "$ua/keys/CERT-UA.card.json"
[ -f "$ee/registry.json" ] || fail "registry import did not use registry from the default config"
expect_exit 0 "$certshare" registry import --config "$ua/agent.toml" \
  "$ee/keys/CERT-EE.card.json" "$ua/keys/CERT-UA.card.json"
expect_exit 0 "$certshare" registry show --config "$ua/agent.toml"
expect_out "CERT-EE"

# CERT-EE: no flag at all (the default configuration file).
expect_exit 0 "$certshare" publish "$samples/incident-amber.json" --to CERT-UA
expect_out "published"
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
expect_err "nope.json"
# The flag beats the environment.
expect_exit 0 env CERTSHARE_REGISTRY="$work/nope.json" "$certshare" publish \
  "$samples/incident-amber.json" --to CERT-UA --registry "$ee/registry.json"
expect_out "already published"
# --config beats CERTSHARE_CONFIG, which beats the default location.
expect_exit 0 env CERTSHARE_CONFIG="$work/nope.toml" CERTSHARE_PASSPHRASE_FILE="$work/ua.pass" \
  "$certshare" subscribe --config "$ua/agent.toml" --until-caught-up --timeout 30
expect_exit 3 env CERTSHARE_CONFIG="$work/nope.toml" "$certshare" publish \
  "$samples/notice-clear.json"
expect_err "INVALID_CONFIG"
expect_err "nope.toml"
# The file beats the default: publish.to gives default recipients, which
# --to replaces. (A hand-written file, absolute paths, public_key.)
transport_public="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["transport_public"])' \
  "$work/keys/BROKER.card.json")"
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
expect_err "UNKNOWN_ORGANISATION"
# Without the file's recipients the AMBER record is refused (the default).
expect_exit 3 "$certshare" publish "$samples/incident-amber.json"
expect_err "needs named recipients"

echo "--- configuration errors say what to do"
expect_exit 2 env XDG_CONFIG_HOME="$work/empty" "$certshare" publish "$samples/notice-clear.json"
expect_err "missing --identity, --registry, --broker and --broker-card"
expect_err "CERTSHARE_BROKER_CARD"
expect_err "certshare init"
expect_exit 2 env XDG_CONFIG_HOME="$work/empty" "$certshare" registry show
expect_err "missing --registry"
printf 'identiy = "x"\n[broker]\nendpoint = 7700\n[sensor]\ntlp = "orange"\n' >"$work/bad.toml"
expect_exit 3 "$certshare" publish "$samples/notice-clear.json" --config "$work/bad.toml"
expect_err "INVALID_CONFIG"
expect_err "3 problems"
expect_err 'line 1: unknown key "identiy"; did you mean "identity"?'
expect_err "line 3: broker.endpoint must be a string"
expect_err "line 5: sensor.tlp"
printf '[broker\n' >"$work/syntax.toml"
expect_exit 3 "$certshare" subscribe --config "$work/syntax.toml" --until-caught-up
expect_err "line 1, column"

echo "--- protected secret files"
# No passphrase and no terminal: say how to give one.
expect_exit 3 "$certshare" subscribe --config "$ua/agent.toml" --until-caught-up --timeout 30
expect_err "protected by a passphrase"
expect_err "--passphrase-file"
expect_err "CERTSHARE_PASSPHRASE"
expect_exit 3 env CERTSHARE_PASSPHRASE="not the passphrase" \
  "$certshare" subscribe --config "$ua/agent.toml" --until-caught-up --timeout 30
expect_err "DECRYPT_FAILED"
expect_err "wrong passphrase"
cp -p "$work/ua.pass" "$work/loose.pass"
chmod 644 "$work/loose.pass"
expect_exit 3 "$certshare" subscribe --config "$ua/agent.toml" --passphrase-file "$work/loose.pass" \
  --until-caught-up --timeout 30
expect_err "INSECURE_PERMISSIONS"
expect_err "chmod 600 $work/loose.pass"
expect_exit 0 "$certshare" subscribe --config "$ua/agent.toml" --passphrase-file "$work/ua.pass" \
  --until-caught-up --timeout 30
# Building needs only the card fields: no passphrase asked.
expect_exit 0 "$certshare" new sighting --config "$ua/agent.toml" \
  --of indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f --count 2
grep -q '"created_by_ref"' "$work/out" || fail "new sighting printed no STIX"
# keygen --protect without a terminal cannot ask.
expect_exit 2 "$certshare" keygen --org CERT-XX --out "$work/xx" --protect
expect_err "not a terminal"
[ ! -e "$work/xx/CERT-XX.secret.json" ] || fail "keygen wrote a secret file without a passphrase"
printf 'short\n' >"$work/short.pass"
chmod 600 "$work/short.pass"
expect_exit 2 "$certshare" keygen --org CERT-XX --out "$work/xx" --passphrase-file "$work/short.pass"
expect_err "shorter than 8"

echo "--- certshare protect: add, change, remove; atomic, still 0600"
printf 'a new passphrase for EE\n' >"$work/ee.pass"
printf 'another passphrase for EE\n' >"$work/ee2.pass"
chmod 600 "$work/ee.pass" "$work/ee2.pass"
expect_exit 0 "$certshare" protect --passphrase-file "$work/ee.pass"  # the configured identity
expect_out "protected $ee/keys/CERT-EE.secret.json"
[ "$(stat -c %a "$ee/keys/CERT-EE.secret.json")" = 600 ] || fail "protect changed the mode"
grep -q '"certshare-secret-v1-protected"' "$ee/keys/CERT-EE.secret.json" || fail "not protected"
ls "$ee/keys" | grep -q tmp && fail "protect left a temporary file: $(ls "$ee/keys")"
expect_exit 0 env CERTSHARE_PASSPHRASE="a new passphrase for EE" \
  "$certshare" publish "$samples/notice-clear.json"
expect_out "published"
expect_exit 3 "$certshare" protect "$ee/keys/CERT-EE.secret.json" \
  --current-passphrase-file "$work/ee2.pass" --passphrase-file "$work/ee2.pass"
expect_err "wrong passphrase"
expect_exit 0 "$certshare" protect "$ee/keys/CERT-EE.secret.json" \
  --current-passphrase-file "$work/ee.pass" --passphrase-file "$work/ee2.pass"
expect_out "changed the passphrase"
expect_exit 3 env CERTSHARE_PASSPHRASE="a new passphrase for EE" \
  "$certshare" publish "$samples/notice-clear.json"
expect_err "wrong passphrase"
expect_exit 0 "$certshare" protect "$ee/keys/CERT-EE.secret.json" --remove \
  --current-passphrase-file "$work/ee2.pass"
expect_out "removed the passphrase"
grep -q '"format": "certshare-secret-v1"' "$ee/keys/CERT-EE.secret.json" || fail "not plain again"
[ "$(stat -c %a "$ee/keys/CERT-EE.secret.json")" = 600 ] || fail "protect --remove changed the mode"
expect_exit 0 "$certshare" publish "$samples/notice-clear.json"
expect_out "already published"
expect_exit 0 "$certshare" protect "$ee/keys/CERT-EE.secret.json" --remove
expect_out "nothing to do"

echo "--- --help everywhere, with the settings and exit statuses"
expect_exit 0 "$certshare" --help
expect_out "Exit status"
expect_out "init"
expect_out "protect"
for sub in init protect keygen publish subscribe status "registry import"; do
  # shellcheck disable=SC2086
  expect_exit 0 "$certshare" $sub --help
done
expect_exit 0 "$certshare" publish --help
expect_out "--config"
expect_out "--passphrase-file"
expect_out "CERTSHARE_IDENTITY"

echo "--- an unknown command is named"
expect_exit 2 "$certshare" frobnicate
expect_err '"frobnicate" is not a command; the commands are: keygen, publish'

echo "--- registry import is all or nothing; agent.toml must be ASCII"
"$certshare" keygen --org CERT-AA --out "$work/aa" >/dev/null
echo '{"format":"not-a-card"}' >"$work/aa/bad.card.json"
expect_exit 3 "$certshare" registry import --registry "$work/aa/registry.json" \
  "$work/aa/CERT-AA.card.json" "$work/aa/bad.card.json"
expect_err "nothing was imported"
[ ! -e "$work/aa/registry.json" ] || fail "a failed import wrote the registry"
[ ! -s "$work/out" ] || fail "a failed import said it imported: $(cat "$work/out")"
printf 'identity = "/home/j\xc3\xbcri/k.json"\n' >"$work/aa/agent.toml"
expect_exit 3 "$certshare" status --config "$work/aa/agent.toml"
expect_err "line 1: a character beyond ASCII"
expect_err '\u00fc'

stop_broker
echo "PASS"
