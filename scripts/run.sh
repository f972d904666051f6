#!/usr/bin/env bash
# Installs what is missing, builds (Release) and runs the server in the
# foreground: FHIR at http://127.0.0.1:8080/fhir and https://127.0.0.1:8443/fhir,
# on a private PostgreSQL cluster under var/ (initialised on first start).
# CARNET_CONFIG=path/to/file.toml selects another configuration.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh carnet
config=${CARNET_CONFIG:-config/carnet.toml}
exec build/carnet serve --config "$config"
