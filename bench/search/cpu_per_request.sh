#!/usr/bin/env bash
# CPU time per request of the server and of PostgreSQL, for one wrk script
# against each binary given, each on a fresh server and cluster of its own.
# Throughput on a 2-core VM varies ±15 % (more between fresh clusters); CPU
# per request is the steadier measure of what a build costs.
#
#   bench/search/cpu_per_request.sh LUA BIN [BIN...]
#   BENCH_SECONDS=10 bench/search/cpu_per_request.sh bench/search/wrk/create_observation.lua \
#       /tmp/carnet-before-search build/carnet
#
# Prints per binary: the wrk RESULT line and "CPU carnet=… postgres=… total=…"
# in milliseconds per request (user + system time from /proc, of the server
# process and of the cluster's postmaster and its children: backends, WAL
# writer, checkpointer). Run nothing else meanwhile: wrk shares the cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/server.sh"
[ $# -ge 2 ] || { echo "usage: $0 LUA BIN [BIN...]" >&2; exit 2; }
lua=$1
shift
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-64}
http_port=${BENCH_HTTP_PORT:-18092}
pg_port=${BENCH_PG_PORT:-54352}
export BENCH_DIR=$root/bench
trap stop_server EXIT

for bin in "$@"; do
  data_dir=$(mktemp -d /tmp/carnet-cpu-bench-XXXXXX)
  chmod 711 "$data_dir"
  start_server "$bin" "$data_dir" "$http_port" "$pg_port"
  wrk -t2 -c"$connections" -d3s -s "$lua" "http://127.0.0.1:$http_port" >/dev/null  # warm-up
  postmaster=$(head -1 "$data_dir/var/pg/postmaster.pid")
  cluster_pids() { echo "$postmaster" $(pgrep -P "$postmaster"); }
  server_before=$(cpu_ticks "$SERVER_PID")
  # shellcheck disable=SC2046 # one pid per word
  pg_before=$(cpu_ticks $(cluster_pids))
  result=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$lua" "http://127.0.0.1:$http_port" | grep '^RESULT')
  server_after=$(cpu_ticks "$SERVER_PID")
  # shellcheck disable=SC2046
  pg_after=$(cpu_ticks $(cluster_pids))
  echo "$result" | sed "s#^RESULT #RESULT binary=$bin script=$(basename "$lua") #"
  python3 - "$result" "$(getconf CLK_TCK)" "$server_before" "$server_after" "$pg_before" "$pg_after" <<'PY'
import re, sys
result, hz = sys.argv[1], int(sys.argv[2])
sb, sa, pb, pa = map(int, sys.argv[3:7])
n = int(re.search(r"requests=(\d+)", result).group(1))
carnet = (sa - sb) * 1000 / hz / n
postgres = (pa - pb) * 1000 / hz / n
print(f"CPU ms per request: carnet={carnet:.3f} postgres={postgres:.3f} total={carnet + postgres:.3f}")
PY
  stop_server
  rm -rf "$data_dir"
done
