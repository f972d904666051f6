#!/usr/bin/env bash
# Installs the Debian 12 packages Carnet needs to build, run and test (only
# those missing). Needs root (or sudo) when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ccache pkg-config git
  libboost-system-dev libboost-dev libssl-dev openssl
  nlohmann-json3-dev libpqxx-dev libpq-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
  libjemalloc-dev
  libgtest-dev googletest
  postgresql-15 postgresql-client-15
  curl wrk
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q || true
"${sudo_cmd[@]}" apt-get install -y -q "${missing[@]}"
# Debian's postgresql package starts a system cluster on 5432; Carnet runs its
# own private cluster and does not need it.
