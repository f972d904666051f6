#!/usr/bin/env bash
# What search indexing costs on writes: the same create benchmarks against
# several builds, each on a fresh server and cluster of its own.
#
#   BENCH_BINARIES="/tmp/carnet-before-search build/carnet" bench/search/creates.sh
#
# For each binary: bench/run.sh (PUT-load BENCH_N Patients, read by id, POST
# Patient) and a POST Observation phase (wrk/create_observation.lua, about ten
# index rows per resource). Build the "without indexing" binary from the
# commit before the search index (or any build without it) into its own
# build folder. Prints RESULT lines prefixed with "binary=<path>".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/server.sh"

binaries=${BENCH_BINARIES:-$root/build/carnet}
http_port=${BENCH_HTTP_PORT:-18090}
pg_port=${BENCH_PG_PORT:-54349}
seconds=${BENCH_SECONDS:-30}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
trap stop_server EXIT

for bin in $binaries; do
  data_dir=$(mktemp -d /tmp/carnet-create-bench-XXXXXX)
  chmod 711 "$data_dir"
  start_server "$bin" "$data_dir" "$http_port" "$pg_port"
  BENCH_URL="http://127.0.0.1:$http_port" BENCH_N=${BENCH_N:-10000} BENCH_SECONDS=$seconds \
    BENCH_CONNECTIONS=$connections BENCH_THREADS=$threads "$root/bench/run.sh" | sed "s#^RESULT #RESULT binary=$bin #"
  echo "# create Observation: POST /fhir/Observation, $connections connections, ${seconds}s"
  BENCH_DIR=$root/bench wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$here/wrk/create_observation.lua" \
    "http://127.0.0.1:$http_port" | grep '^RESULT' | sed "s#^RESULT #RESULT binary=$bin phase=create_observation #"
  stop_server
  rm -rf "$data_dir"
done
