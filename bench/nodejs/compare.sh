#!/usr/bin/env bash
# Carnet against a Node.js FHIR server, side by side on this machine: the
# same bench/run.sh phases (PUT-load N Patients, read by id, create), the same
# wrk settings, the same PostgreSQL (Carnet's embedded cluster, fsync on),
# each server measured while the other is idle, in alternating rounds.
#
#   bench/nodejs/compare.sh [CARNET_BIN]        # default build/carnet
#
# The Node.js server (server.js here) is Asymmetrik's node-fhir-server-core
# (Express) with Patient stored as JSONB, one process per core. It does less
# per request than Carnet: no audit record, no validation against the FHIR
# definitions, no search index rows. Needs node and npm (the pinned packages
# are installed here with `npm ci`).
#
# Environment (defaults): BENCH_N 10000, BENCH_SECONDS 30, BENCH_CONNECTIONS 64,
# COMPARE_ROUNDS 2, COMPARE_HTTP_PORT 8095 (Carnet), COMPARE_PG_PORT 54395,
# NODE_FHIR_PORT 3011.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/bench/search/server.sh"
bin=${1:-$root/build/carnet}
for tool in node npm wrk curl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done
http_port=${COMPARE_HTTP_PORT:-8095} pg_port=${COMPARE_PG_PORT:-54395} node_port=${NODE_FHIR_PORT:-3011}
rounds=${COMPARE_ROUNDS:-2}

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

data=$(mktemp -d /tmp/carnet-compare-XXXXXX)
node_pid=""
cleanup() {
  [ -n "$node_pid" ] && kill -- -"$node_pid" 2>/dev/null || true
  stop_server
  rm -rf "$data"
}
trap cleanup EXIT

start_server "$bin" "$data" "$http_port" "$pg_port"
# The Node.js server on the same cluster, in a table of its own.
PGHOST=127.0.0.1 PGPORT=$pg_port PGUSER=carnet PGPASSWORD=$(cat "$data/var/pg-password") PGDATABASE=carnet \
  NODE_FHIR_PORT=$node_port setsid node "$here/server.js" >"$data/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$node_port/4_0_0/metadata" -o /dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$node_port/4_0_0/metadata" -o /dev/null || { echo "the Node.js server did not start:" >&2; cat "$data/node.log" >&2; exit 1; }
echo "# Node.js $(node --version), node-fhir-server-core $(node -p "require('$here/node_modules/@asymmetrik/node-fhir-server-core/package.json').version") on :$node_port"

for round in $(seq 1 "$rounds"); do
  echo "## round $round: Carnet ($bin)"
  BENCH_URL=http://127.0.0.1:$http_port BENCH_FHIR_PATH=/fhir "$root/bench/run.sh" | sed 's/^RESULT /RESULT server=carnet /'
  echo "## round $round: Node.js"
  BENCH_URL=http://127.0.0.1:$node_port BENCH_FHIR_PATH=/4_0_0 "$root/bench/run.sh" | sed 's/^RESULT /RESULT server=nodejs /'
done
