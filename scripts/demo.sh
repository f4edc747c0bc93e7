#!/usr/bin/env bash
# certshare demo: installs what is missing, builds, then runs a local
# broker where an analyst (with the builders) and a Suricata sensor at
# CERT-EE publish signed, encrypted TLP:AMBER records, CERT-UA and CERT-EU
# receive them, CERT-EU's feed directory fills up with STIX bundle files,
# and a bystander gets nothing (scripts/demo-scenario.sh). Stops all it
# started.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
echo "==> building certshare"
"$root/scripts/build.sh" >/dev/null
build="${CERTSHARE_BUILD_DIR:-$root/build}"
work="$(mktemp -d "${TMPDIR:-/tmp}/certshare-demo.XXXXXX")"
shared="$root/../shared"
[ -x "$shared/tools/validate-stix" ] || shared=""
"$root/scripts/demo-scenario.sh" "$build/agent/certshare" "$build/broker/certshare-broker" \
  "$work" "$root/scripts/samples" "$shared"
echo
echo "Demo complete. Files are in $work"
