#!/usr/bin/env bash
# Loads N Patients into a running Carnet and measures read-by-id and create
# throughput and latency with wrk (64 connections by default).
#
#   ./scripts/run.sh &            # a Release server on the default config
#   bench/run.sh                  # N=10000, 64 connections, 30 s per phase
#   BENCH_N=50000 BENCH_SECONDS=60 BENCH_URL=http://127.0.0.1:8080 bench/run.sh
#
# Prints one RESULT line per phase; record them in docs/benchmarks.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
url=${BENCH_URL:-http://127.0.0.1:8080}
n=${BENCH_N:-10000}
connections=${BENCH_CONNECTIONS:-64}
seconds=${BENCH_SECONDS:-30}
threads=${BENCH_THREADS:-2}
export BENCH_DIR=$here BENCH_N=$n BENCH_THREADS=$threads BENCH_PREFIX=${BENCH_PREFIX:-bench}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
# BENCH_FHIR_PATH: the FHIR base path on that server (/fhir for Carnet; bench/nodejs uses /4_0_0).
fhir_path=${BENCH_FHIR_PATH:-/fhir}
export BENCH_FHIR_PATH=$fhir_path
curl -sf "$url$fhir_path/metadata" >/dev/null || { echo "no FHIR server at $url$fhir_path (start ./scripts/run.sh)" >&2; exit 1; }

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# loading $n Patients (PUT $BENCH_PREFIX-0..$BENCH_PREFIX-$((n - 1)))"
# Enough PUTs to cover every id once: wrk runs by time, so stop when the count is reached.
load_start=$(date +%s.%N)
wrk -t"$threads" -c"$connections" -d600s -s "$here/wrk/load.lua" "$url" >/dev/null &
wrk_pid=$!
while kill -0 "$wrk_pid" 2>/dev/null; do
  last=$(curl -sf "$url$fhir_path/Patient/$BENCH_PREFIX-$((n - 1))" -o /dev/null -w '%{http_code}' || true)
  [ "$last" = "200" ] && break
  sleep 0.5
done
kill "$wrk_pid" 2>/dev/null || true
wait "$wrk_pid" 2>/dev/null || true
echo "# loaded in $(echo "$(date +%s.%N) - $load_start" | bc) s"

echo "# read-by-id: GET $fhir_path/Patient/[random id], $connections connections, ${seconds}s"
wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$here/wrk/read.lua" "$url" | grep RESULT
echo "# create: POST $fhir_path/Patient, $connections connections, ${seconds}s"
wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$here/wrk/create.lua" "$url" | grep RESULT
