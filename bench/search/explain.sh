#!/usr/bin/env bash
# The PostgreSQL plans (EXPLAIN ANALYZE with BUFFERS) of the SQL behind the
# benchmark searches, taken with auto_explain from the cluster log: Carnet runs
# its searches as prepared statements with parameters, so the plans are the
# real ones, with the real parameter values.
#
#   bench/search/explain.sh on   DATA_DIR   # ALTER DATABASE carnet SET session_preload_libraries = 'auto_explain' ...
#     (then restart Carnet: the settings apply to new database sessions only,
#      and the pool keeps its sessions; run.sh does this itself)
#   bench/search/explain.sh run  DATA_DIR PATHS_DIR [URL]   # one request per scenario, prints its plans
#   bench/search/explain.sh off  DATA_DIR   # RESET the settings (auto_explain with ANALYZE slows every statement)
#
# DATA_DIR: server.data_dir of a Carnet on its embedded cluster (holds pg/ and
# pg-password), or the folder run.sh/server.sh made (holding var/).
# PATHS_DIR: what pick_values.py wrote. URL: the server (default http://127.0.0.1:8080).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/server.sh"

mode=${1:?on|run|off}
dir=${2:?DATA_DIR}
[ -d "$dir/var/pg" ] && dir="$dir/var"

case "$mode" in
on)
  db_psql "$dir" <<'SQL'
ALTER DATABASE carnet SET session_preload_libraries = 'auto_explain';
ALTER DATABASE carnet SET auto_explain.log_min_duration = 0;
ALTER DATABASE carnet SET auto_explain.log_analyze = on;
ALTER DATABASE carnet SET auto_explain.log_buffers = on;
ALTER DATABASE carnet SET auto_explain.log_timing = on;
ALTER DATABASE carnet SET auto_explain.log_nested_statements = on;
ALTER DATABASE carnet SET auto_explain.log_format = 'text';
SQL
  echo "# auto_explain on for database carnet: restart Carnet so that its pool opens new sessions"
  ;;
off)
  db_psql "$dir" <<'SQL'
ALTER DATABASE carnet RESET session_preload_libraries;
ALTER DATABASE carnet RESET auto_explain.log_min_duration;
ALTER DATABASE carnet RESET auto_explain.log_analyze;
ALTER DATABASE carnet RESET auto_explain.log_buffers;
ALTER DATABASE carnet RESET auto_explain.log_timing;
ALTER DATABASE carnet RESET auto_explain.log_nested_statements;
ALTER DATABASE carnet RESET auto_explain.log_format;
SQL
  echo "# auto_explain off for new sessions (restart Carnet before measuring again)"
  ;;
run)
  paths=${3:?PATHS_DIR}
  url=${4:-http://127.0.0.1:8080}
  logdir="$dir/pg/log"
  for scenario in identifier name_birthdate obs_code obs_date_sort enc_revinclude condition_walk; do
    target=$(head -1 "$paths/$scenario.paths")
    log=$(ls -t "$logdir"/*.log | head -1)
    before=$(stat -c %s "$log")
    status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: application/fhir+json' "$url$target")
    sleep 1  # the logging collector writes asynchronously
    echo "=================================================================="
    echo "== $scenario: GET $target -> $status"
    echo "=================================================================="
    # Every plan logged meanwhile, except the audit records' INSERTs.
    tail -c +"$((before + 1))" "$log" | awk '
      function flush() { if (block != "" && block !~ /Query Text: INSERT INTO audit_event/) print block; block = "" }
      /LOG:  duration: .* plan:/ { flush(); block = $0 "\n"; next }
      /^[0-9]{4}-[0-9]{2}-[0-9]{2} / { flush(); next }
      { if (block != "") block = block $0 "\n" }
      END { flush() }'
  done
  ;;
*)
  echo "usage: $0 on|run|off DATA_DIR [PATHS_DIR [URL]]" >&2
  exit 2
  ;;
esac
