# shellcheck shell=bash
# Sourced by bench/search/*.sh: start and stop a Carnet of our own on a fresh
# embedded PostgreSQL cluster (production defaults: fsync on, audit on).
#
#   start_server BIN DATA_DIR HTTP_PORT PG_PORT   # sets SERVER_PID, waits for /fhir/metadata
#   stop_server                                   # stops the server we started (and its cluster)
#   BENCH_EXTRA_TOML: more TOML appended to the configuration start_server writes,
#     e.g. $'[threads]\nworkers = 4'
#   db_psql DATA_DIR [psql args...]               # psql on database "carnet" of that cluster
#   cpu_ticks PID...                              # CPU ticks (user + system) of these processes

SERVER_PID=""

start_server() {
  local bin=$1 data_dir=$2 http_port=$3 pg_port=$4
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  mkdir -p "$data_dir"
  cat >"$data_dir/carnet.toml" <<EOF
# written by bench/search/server.sh
[server]
data_dir = "$data_dir/var"
schemas_dir = "$root/schemas"
log_level = "warn"
[http]
port = $http_port
[https]
enabled = false
[database.embedded]
port = $pg_port
${BENCH_EXTRA_TOML:-}
EOF
  "$bin" serve --config "$data_dir/carnet.toml" >>"$data_dir/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 240); do
    if curl -sf "http://127.0.0.1:$http_port/fhir/metadata" -o /dev/null; then
      echo "# started $bin (pid $SERVER_PID) on :$http_port, data in $data_dir/var, PostgreSQL on :$pg_port"
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "server exited; see $data_dir/server.log" >&2
      tail -20 "$data_dir/server.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "server did not answer within 120 s" >&2
  return 1
}

stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"                 # graceful: stops the embedded cluster too
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

# psql on the embedded cluster of a server whose server.data_dir is $1/var
# (or $1 itself when it holds pg/): the password is in <data_dir>/pg-password,
# the port on line 4 of pg/postmaster.pid.
db_psql() {
  local dir=$1
  shift
  [ -d "$dir/var/pg" ] && dir="$dir/var"
  local port
  port=$(sed -n 4p "$dir/pg/postmaster.pid")
  PGPASSWORD=$(cat "$dir/pg-password") psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U carnet -d carnet "$@"
}

# CPU ticks (user + system, in 1/CLK_TCK s) of the given pids; 0 for a pid gone.
cpu_ticks() {
  local total=0 t
  for p in "$@"; do
    t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    total=$((total + t))
  done
  echo "$total"
}
