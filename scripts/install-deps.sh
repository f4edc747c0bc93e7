#!/usr/bin/env bash
# Installs the Debian 12 packages certshare builds and tests with, and does
# nothing when they are all present. Needs root (or sudo) only to install.
# Arguments name more packages to install the same way (scripts/bench.sh:
# the peers and their client libraries, gnuplot).
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libzmq3-dev cppzmq-dev rapidjson-dev librocksdb-dev libsodium-dev
  libspdlog-dev libgtest-dev libcli11-dev libcpp-httplib-dev libtomlplusplus-dev
  python3 python3-jsonschema
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "==> installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root to install ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
