#!/usr/bin/env bash
# Compares two builds (or two configurations) on one search scenario, on the
# same loaded database at the same time: A runs on the embedded cluster of
# BENCH_DATA_DIR, B on that same cluster through `database.url`, and short
# wrk slices alternate A, B, A, B... On this 2-core VM throughput drifts by
# ±30 % over minutes; interleaved slices see the same drift, so the per-round
# ratio B/A is what a change is worth (A against itself gives 0.97–1.03).
#
#   BENCH_START=1 BENCH_DATA_DIR=/tmp/sbench bench/search/run.sh   # once: load the data (and measure)
#   bench/search/ab.sh BIN_A BIN_B SCENARIO [ROUNDS] [SLICE_SECONDS]
#   AB_TOML_B=$'[threads]\nio = 2' bench/search/ab.sh build/carnet build/carnet enc_revinclude 8 4
#
# Environment (defaults):
#   BENCH_DATA_DIR   (required)  the folder run.sh loaded (holding var/pg)
#   BENCH_COPIES     25          as loaded
#   AB_TOML_A, AB_TOML_B ""      more TOML for A's or B's configuration (e.g. [threads], [audit]);
#                                B's [database] section is written here: use AB_DATABASE_B for more keys
#   AB_DATABASE_B    ""          more keys of B's [database] section, e.g. "pool_size = 5"
#   AB_ENV_B         ""          environment for B, e.g. "MALLOC_ARENA_MAX=2"
#   AB_WARMUP_SECONDS SLICE      the first, uncounted slice of each server (caches filling up)
#   BENCH_CONNECTIONS 32, BENCH_THREADS 2, AB_HTTP_PORT 18092 (B: +1), AB_PG_PORT 54362
#
# Prints one line per slice (req/s, p95, CPU ms per request of the server and
# of the cluster, audit rows per WAL fsync) and, at the end, each round's B/A
# ratio of req/s and their median. The first slice of each server is a
# warm-up (AB_WARMUP_SECONDS) and is not counted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/server.sh"
[ $# -ge 3 ] || { sed -n 2,24p "$0" >&2; exit 2; }
bin_a=$1 bin_b=$2 scenario=$3 rounds=${4:-6} slice=${5:-4}
data_dir=${BENCH_DATA_DIR:?set BENCH_DATA_DIR to the folder bench/search/run.sh loaded}
[ -d "$data_dir/var/pg" ] || { echo "no loaded cluster in $data_dir/var/pg" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
port_a=${AB_HTTP_PORT:-18092} port_b=$((${AB_HTTP_PORT:-18092} + 1)) pg_port=${AB_PG_PORT:-54362}
connections=${BENCH_CONNECTIONS:-32} threads=${BENCH_THREADS:-2}
export BENCH_DIR=$root/bench

work=$(mktemp -d /tmp/carnet-ab-XXXXXX)
chmod 711 "$work"
pid_a="" pid_b=""
stop_all() {
  for p in $pid_b $pid_a; do  # B first: it uses A's cluster
    if kill -TERM "$p" 2>/dev/null; then wait "$p" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap stop_all EXIT

wait_for() {  # PORT PID LOG
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$1/fhir/metadata" -o /dev/null && return 0
    kill -0 "$2" 2>/dev/null || { tail -20 "$3" >&2; return 1; }
    sleep 0.5
  done
  echo "no answer on :$1 within 120 s" >&2
  return 1
}

# A: the embedded cluster of the loaded data (server.sh writes its configuration).
BENCH_EXTRA_TOML=${AB_TOML_A:-} start_server "$bin_a" "$data_dir" "$port_a" "$pg_port" >/dev/null
pid_a=$SERVER_PID

# B: the same cluster, as an external database, through the same Unix socket
# as A (loopback TCP would cost B ~10 % more on enc_revinclude).
password=$(cat "$data_dir/var/pg-password")
mkdir -p "$work/b"
cat >"$work/b.toml" <<EOF
[server]
data_dir = "$work/b"
schemas_dir = "$root/schemas"
log_level = "warn"
[http]
port = $port_b
[https]
enabled = false
[database]
url = "postgresql://carnet:$password@/carnet?host=$data_dir/var/pg&port=$pg_port"
${AB_DATABASE_B:-}
${AB_TOML_B:-}
EOF
# shellcheck disable=SC2086 # AB_ENV_B: words of NAME=value
env ${AB_ENV_B:-} "$bin_b" serve --config "$work/b.toml" >>"$work/b.log" 2>&1 &
pid_b=$!
wait_for "$port_b" "$pid_b" "$work/b.log"

python3 "$here/pick_values.py" --out "$work/paths" --copies "${BENCH_COPIES:-25}" --prefix /fhir >/dev/null
export BENCH_PATHS=$work/paths/$scenario.paths
[ -s "$BENCH_PATHS" ] || { echo "unknown scenario $scenario" >&2; exit 2; }
postmaster=$(head -1 "$data_dir/var/pg/postmaster.pid")

psql_value() {
  PGPASSWORD=$password psql -X -qAt -h 127.0.0.1 -p "$pg_port" -U carnet -d carnet -c "$1"
}

# One slice against PORT (server PID): prints "LABEL rps p95 carnet_ms pg_ms rows_per_sync".
measure() {
  local label=$1 port=$2 pid=$3 seconds=${4:-$slice} s0 p0 w0 a0 result s1 p1 w1 a1
  s0=$(cpu_ticks "$pid")
  # shellcheck disable=SC2046 # one pid per word
  p0=$(cpu_ticks "$postmaster" $(pgrep -P "$postmaster"))
  w0=$(psql_value "SELECT wal_sync FROM pg_stat_wal")
  a0=$(psql_value "SELECT coalesce(max(seq), 0) FROM audit_event")
  result=$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$here/wrk/paths.lua" \
    "http://127.0.0.1:$port" | grep '^RESULT')
  s1=$(cpu_ticks "$pid")
  # shellcheck disable=SC2046
  p1=$(cpu_ticks "$postmaster" $(pgrep -P "$postmaster"))
  w1=$(psql_value "SELECT wal_sync FROM pg_stat_wal")
  a1=$(psql_value "SELECT coalesce(max(seq), 0) FROM audit_event")
  python3 - "$label" "$result" "$(getconf CLK_TCK)" "$s0" "$s1" "$p0" "$p1" "$w0" "$w1" "$a0" "$a1" <<'PY'
import re, sys
label, result, hz = sys.argv[1], sys.argv[2], int(sys.argv[3])
s0, s1, p0, p1, w0, w1, a0, a1 = map(int, sys.argv[4:12])
n = int(re.search(r"requests=(\d+)", result).group(1))
rps = float(re.search(r"rps=([\d.]+)", result).group(1))
p95 = float(re.search(r"p95_ms=([\d.]+)", result).group(1))
bad = int(re.search(r"non2xx=(\d+)", result).group(1))
per = lambda t: t * 1000 / hz / max(n, 1)
print(f"{label} rps={rps:.0f} p95_ms={p95:.2f} carnet_ms={per(s1 - s0):.3f} pg_ms={per(p1 - p0):.3f} "
      f"rows_per_sync={(a1 - a0) / max(w1 - w0, 1):.1f} non2xx={bad}")
PY
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores; $scenario, $rounds rounds of ${slice}s, $connections connections"
echo "# A: $bin_a ${AB_TOML_A:+(+TOML)}; B: $bin_b ${AB_TOML_B:+(+TOML)}${AB_DATABASE_B:+ [database] $AB_DATABASE_B}${AB_ENV_B:+ env $AB_ENV_B}"
measure warmup-A "$port_a" "$pid_a" "${AB_WARMUP_SECONDS:-$slice}" >/dev/null
measure warmup-B "$port_b" "$pid_b" "${AB_WARMUP_SECONDS:-$slice}" >/dev/null
lines=()
for r in $(seq 1 "$rounds"); do
  a=$(measure "A$r" "$port_a" "$pid_a")
  b=$(measure "B$r" "$port_b" "$pid_b")
  echo "$a"
  echo "$b"
  lines+=("$a" "$b")
done
printf '%s\n' "${lines[@]}" >"$work/slices"
python3 - "$work/slices" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
def val(row, key):
    return float(next(f for f in row if f.startswith(key + "=")).split("=")[1])
a = [r for r in rows if r[0].startswith("A")]
b = [r for r in rows if r[0].startswith("B")]
for name, side in (("A", a), ("B", b)):
    rps = statistics.median(val(r, "rps") for r in side)
    p95 = statistics.median(val(r, "p95_ms") for r in side)
    cpu = statistics.median(val(r, "carnet_ms") + val(r, "pg_ms") for r in side)
    print(f"SUMMARY {name} median rps={rps:.0f} p95_ms={p95:.2f} cpu_ms={cpu:.3f}")
ratios = [val(y, "rps") / val(x, "rps") for x, y in zip(a, b)]
print("SUMMARY B/A rps per round " + " ".join(f"{x:.2f}" for x in ratios) +
      f" median {statistics.median(ratios):.3f}")
PY
