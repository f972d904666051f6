#!/usr/bin/env bash
# Configures and builds Carnet (Release) into build/. Usage: scripts/build.sh [target...]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCARNET_WERROR=OFF >/dev/null
if [ $# -eq 0 ]; then
  cmake --build build -j"$jobs"
else
  cmake --build build -j"$jobs" --target "$@"
fi
