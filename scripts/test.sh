#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test: unit tests
# and integration tests (which start their own throwaway PostgreSQL clusters
# and real servers on loopback). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure --timeout 1500 -j2
