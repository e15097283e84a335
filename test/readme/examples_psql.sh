#!/usr/bin/env bash
# Checks examples/ with plain psql, without pgmig: on a fresh database, every up script in
# version order, then every down script in reverse order, must succeed. A script whose
# statements cannot run in a transaction block (CREATE/DROP INDEX CONCURRENTLY) runs without -1.
# Needs PGHOST/PGPORT/PGUSER for a running server; creates and drops database examples_check.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$root/examples}
db=examples_check_$$
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

run() { # file
    local single=-1
    grep -qiE '^[^-]*\b(CONCURRENTLY|VACUUM)\b' "$1" && single=
    psql -X -q -v ON_ERROR_STOP=1 $single -d "$db" -f "$1" >/dev/null
}

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT

mapfile -t ups < <(ls "$dir"/*.up.sql | sort)
for f in "${ups[@]}"; do run "$f"; echo "up   ok  $(basename "$f")"; done
psql -X -q -d "$db" -c 'SELECT id, title, author FROM published_posts ORDER BY id' >/dev/null
for ((i = ${#ups[@]} - 1; i >= 0; i--)); do
    f=${ups[$i]%.up.sql}.down.sql
    run "$f"; echo "down ok  $(basename "$f")"
done
left=$(psql -X -qAt -d "$db" -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'")
left=$((left + $(psql -X -qAt -d "$db" -c "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public'")))
[ "$left" -eq 0 ] || { echo "objects left in schema public after all downs: $left"; exit 1; }
echo "examples: all ups and downs ran with psql"
