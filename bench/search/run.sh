#!/usr/bin/env bash
# The search benchmark: loads the 40 Synthea smart-2019 patients 25 times with
# fresh ids (≈ 253,650 resources), picks real values, and measures six searches
# with wrk (32 connections, 30 s each, p50/p95/p99). See docs/benchmarks.md, "Search".
#
#   ./scripts/run.sh &                 # any Release server, or let this script start one:
#   bench/search/run.sh                # against http://127.0.0.1:8080/fhir
#   BENCH_START=1 bench/search/run.sh  # a fresh server + cluster of its own (BENCH_CARNET_BIN, default build/carnet)
#
# Environment (defaults):
#   BENCH_FHIR_URL   http://127.0.0.1:8080/fhir   the FHIR base
#   BENCH_START      0     1: start BENCH_CARNET_BIN on a fresh data folder BENCH_DATA_DIR (mktemp)
#                          with its embedded cluster on BENCH_PG_PORT (54339); stopped at the end
#   BENCH_SKIP_LOAD  0     1: do not load (otherwise loading is skipped when the last resource exists)
#   BENCH_DATA_DIR   ""    the running server's data folder (holding pg/): VACUUM (ANALYZE) after loading
#   BENCH_COPIES     25    BENCH_LOAD_THREADS 8
#   BENCH_SECONDS    30    BENCH_CONNECTIONS 32   BENCH_THREADS 2
#   BENCH_ONLY       ""    e.g. "identifier obs_code": run only these scenarios
#   BENCH_EXPLAIN    0     1: also print the plans (needs BENCH_START=1, or BENCH_DATA_DIR of the
#                          running server and a restart by hand: see explain.sh)
#
# Prints one "RESULT scenario=..." line per search (and a WALK line for the paging walk).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/server.sh"

fhir=${BENCH_FHIR_URL:-http://127.0.0.1:8080/fhir}
fhir=${fhir%/}
base=$(echo "$fhir" | sed -E 's#^(https?://[^/]+).*#\1#')
prefix=${fhir#"$base"}
port=$(echo "$base" | sed -nE 's#.*:([0-9]+)$#\1#p')
seconds=${BENCH_SECONDS:-30}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
copies=${BENCH_COPIES:-25}
export BENCH_DIR=$root/bench BENCH_COPIES=$copies

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

if [ "${BENCH_START:-0}" = 1 ]; then
  data_dir=${BENCH_DATA_DIR:-$(mktemp -d /tmp/carnet-search-bench-XXXXXX)}
  chmod 711 "$data_dir"
  bin=${BENCH_CARNET_BIN:-$root/build/carnet}
  trap stop_server EXIT
  start_server "$bin" "$data_dir" "${port:-8080}" "${BENCH_PG_PORT:-54339}"
fi
curl -sf "$fhir/metadata" -o /dev/null || { echo "no Carnet at $fhir (start ./scripts/run.sh, or BENCH_START=1)" >&2; exit 1; }

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# server $fhir, $copies copies of the Synthea smart-2019 patients"

# ---- load
if [ "${BENCH_SKIP_LOAD:-0}" = 1 ]; then
  echo "# load skipped (BENCH_SKIP_LOAD=1)"
elif python3 "$here/load_synthea.py" --url "$fhir" --copies "$copies" --check >/dev/null; then
  echo "# already loaded (the last resource of copy $copies exists)"
else
  python3 "$here/load_synthea.py" --url "$fhir" --copies "$copies" --threads "${BENCH_LOAD_THREADS:-8}"
fi
# After a bulk load, what autovacuum would do over the next hours: the
# visibility map lets the per-row checks of a search be index-only scans (the
# planner also prefers them only once it knows), and fresh statistics.
# Measured: Observation?patient&code did ~1.4x more req/s after it.
vacuum_dir=${BENCH_DATA_DIR:-${data_dir:-}}
if [ -n "$vacuum_dir" ]; then
  db_psql "$vacuum_dir" -c "VACUUM (ANALYZE)"
  echo "# VACUUM (ANALYZE) done"
else
  echo "# not vacuumed (no BENCH_DATA_DIR): run VACUUM (ANALYZE) on the database after a first load"
fi

# ---- values
work=$(mktemp -d /tmp/carnet-search-paths-XXXXXX)
python3 "$here/pick_values.py" --out "$work" --copies "$copies" --prefix "$prefix" >/dev/null
echo "# request targets in $work (values.json: what each should return)"

# ---- one request each first: a search that fails or finds nothing is not a benchmark
scenarios=${BENCH_ONLY:-"identifier name_birthdate obs_code obs_date_sort enc_revinclude condition_walk"}
for s in $scenarios; do
  target=$(head -1 "$work/$s.paths")
  curl -s -H 'Accept: application/fhir+json' "$base$target" -o "$work/$s.sample.json" -w "%{http_code}" >"$work/$s.status" || true
  python3 - "$s" "$work/$s.sample.json" "$(cat "$work/$s.status")" <<'PY'
import json, sys
name, path, status = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    b = json.load(open(path))
except Exception:
    b = {}
entries = b.get("entry", [])
modes = {}
for e in entries:
    m = e.get("search", {}).get("mode", "match")
    modes[m] = modes.get(m, 0) + 1
nxt = any(l.get("relation") == "next" for l in b.get("link", []))
print(f"# check {name}: HTTP {status}, {b.get('resourceType', '?')}, entries {modes}, next page: {nxt}")
PY
done

# ---- measure
for s in $scenarios; do
  export BENCH_PATHS=$work/$s.paths
  if [ "$s" = condition_walk ]; then
    # one connection per wrk thread: each keeps its own position in the walk
    echo "# $s: walk Condition?code=...&_count=50 to the last page and again, $connections connections, ${seconds}s"
    wrk -t"$connections" -c"$connections" -d"${seconds}s" --latency -s "$here/wrk/walk.lua" "$base" |
      grep -E '^(RESULT|WALK)' | sed "s/^RESULT /RESULT scenario=$s /; s/^WALK /WALK scenario=$s /"
  else
    echo "# $s: $(wc -l <"$BENCH_PATHS") distinct targets, $connections connections, ${seconds}s"
    wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$here/wrk/paths.lua" "$base" |
      grep '^RESULT' | sed "s/^RESULT /RESULT scenario=$s /"
  fi
done

# ---- plans
if [ "${BENCH_EXPLAIN:-0}" = 1 ]; then
  if [ "${BENCH_START:-0}" = 1 ]; then
    "$here/explain.sh" on "$data_dir"
    stop_server
    start_server "$bin" "$data_dir" "${port:-8080}" "${BENCH_PG_PORT:-54339}"
    "$here/explain.sh" run "$data_dir" "$work" "$base"
    "$here/explain.sh" off "$data_dir"
  elif [ -n "${BENCH_DATA_DIR:-}" ]; then
    "$here/explain.sh" run "$BENCH_DATA_DIR" "$work" "$base"
  else
    echo "# BENCH_EXPLAIN=1 needs BENCH_START=1 or BENCH_DATA_DIR (see explain.sh)" >&2
  fi
fi
