#!/usr/bin/env bash
# `make demo` / `make demo-stop`: a guided tour of pgmig on a throwaway PostgreSQL cluster.
#
#   scripts/demo.sh start   install what is missing, build and install pgmig, start a cluster in
#                           .demo/ (Unix socket only), create database `demo`, and deploy examples/
#                           with the pgmig client and from psql, explaining each step
#   scripts/demo.sh stop    stop the demo cluster (its data stays in .demo/ until you delete it)
#
# Rerunning `start` reuses the cluster and recreates database `demo` from scratch.
set -Eeuo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
demo_dir=$root/.demo
cluster=$root/scripts/cluster.sh
pgmig_bin=${PGMIG_BIN:-$root/build/client/pgmig}

if [ -t 1 ]; then bold=$'\e[1m' dim=$'\e[2m' off=$'\e[0m'; else bold='' dim='' off=''; fi
n=0
step() { # title, then lines of explanation
    n=$((n + 1))
    printf '\n%s== Step %d: %s%s\n' "$bold" "$n" "$1" "$off"
    shift
    local line
    for line in "$@"; do printf '   %s\n' "$line"; done
}
show() { printf '%s$ %s%s\n' "$dim" "$*" "$off"; }
# Runs the client as `pgmig` (shown that way), using the binary just built.
pgmig() { show "pgmig $*"; "$pgmig_bin" "$@"; }
# psql without ~/.psqlrc, stopping at the first error.
sql() {
    case $1 in *"'"*) show "psql -c \"$1\"" ;; *) show "psql -c '$1'" ;; esac
    psql -X -v ON_ERROR_STOP=1 -c "$1"
}

failed() {
    printf '\n%sThe demo stopped at step %d (exit code %s).%s\n' "$bold" "$n" "$1" "$off" >&2
    printf 'Logs: %s/build.log (build), %s/server.log (server); docs/troubleshooting.md explains pgmig errors.\n' "$demo_dir" "$demo_dir" >&2
}

start() {
    cd "$root"
    trap 'failed $?' ERR

    step "Install missing packages" \
        "scripts/setup.sh installs the Debian packages needed to build and test pgmig" \
        "(PostgreSQL 15 server and headers, cmake, CLI11, fmt, ...). Quiet when all are there."
    show "bash scripts/setup.sh"
    bash scripts/setup.sh

    step "Build and install pgmig" \
        "make builds two things: the extension (pgmig.so, loaded by the server) and the" \
        "pgmig command-line client (build/client/pgmig). make install copies the extension" \
        "into PostgreSQL's directories and the client into /usr/local/bin."
    show "make -s && make -s install"
    printf '   (a minute or two the first time; the compiler output goes to .demo/build.log)\n'
    mkdir -p "$demo_dir"
    local sudo=
    [ "$(id -u)" = 0 ] || sudo=sudo
    if ! { make -s && $sudo make -s install; } >"$demo_dir/build.log" 2>&1; then
        tail -n 40 "$demo_dir/build.log" >&2
        false
    fi

    step "Start a throwaway PostgreSQL cluster in .demo/" \
        "A private server for this demo: it listens only on a Unix socket in .demo/sock" \
        "(no TCP port), lets user postgres in without a password, and is reused if running."
    show "bash scripts/cluster.sh start .demo"
    bash "$cluster" start "$demo_dir"
    eval "$(bash "$cluster" env "$demo_dir")"
    export PGHOST PGPORT PGUSER
    export PGAPPNAME=pgmig-demo
    printf '   The server listens on socket directory %s, port %s.\n' "$PGHOST" "$PGPORT"

    step "Create a fresh database 'demo' and install the extension in it" \
        "CREATE EXTENSION pgmig creates schema mig: the functions (mig.apply, mig.rollback," \
        "mig.status, ...) and the tables where migrations, history and the audit log live."
    export PGDATABASE=postgres
    PGOPTIONS='-c client_min_messages=warning' sql "DROP DATABASE IF EXISTS demo WITH (FORCE)"
    sql "CREATE DATABASE demo"
    export PGDATABASE=demo
    sql "CREATE EXTENSION pgmig"
    printf '   From here on, PGHOST, PGPORT, PGUSER and PGDATABASE=demo point psql and pgmig at it.\n'

    step "Look at the migrations folder" \
        "examples/ uses golang-migrate's layout: {version}_{title}.up.sql and .down.sql." \
        "Nothing is in the database yet: status lists every migration as new (found in the" \
        "folder, not yet uploaded)."
    show "ls examples"
    ls examples | sed 's/^/   /'
    pgmig status --dir examples

    step "Deploy: pgmig up" \
        "The client reads the files, uploads each migration (up and down SQL) into the database," \
        "and applies everything pending in version order, in one transaction: if any migration" \
        "failed, nothing would be left behind. The CREATE INDEX CONCURRENTLY migration cannot run" \
        "in a transaction, so it runs on its own, after the rest has committed." \
        "(-v: a line per migration, even when the output is not a terminal.)"
    pgmig up -v --dir examples

    step "Status after the deploy" \
        "Every migration is applied: the first eight in batch 1, committed together; the index" \
        "in batch 2 of its own. The down scripts are now stored in the database."
    pgmig status --dir examples

    step "Look at the new schema with psql" \
        "The tables, the view and the seed rows that the migrations created."
    sql '\dt'
    sql 'SELECT * FROM published_posts ORDER BY id'

    step "Roll everything back: pgmig down --all" \
        "The down scripts come from the database, not from the files: a rollback works even" \
        "where the migration files are not available. They run in reverse version order; the" \
        "index is dropped outside a transaction (its down script is DROP INDEX CONCURRENTLY)."
    pgmig down --all -v --dir examples

    step "Status after the rollback" \
        "Every migration is pending again, and the application tables are gone."
    pgmig status --dir examples
    sql "SELECT count(*) AS application_tables FROM pg_tables WHERE schemaname = 'public'"

    step "Deploy again" \
        "The migrations are already uploaded with the same checksums, so up only applies them."
    pgmig up -v --dir examples

    step "The same information from SQL" \
        "Everything the client shows comes from SQL functions a DBA can call from psql." \
        "mig.status() is the state of each migration; mig.log is the append-only audit trail."
    sql 'SELECT version, name, state, batch, transactional FROM mig.status()'
    sql 'SELECT id, action, version, batch, role FROM mig.log ORDER BY id DESC LIMIT 5'

    trap - ERR
    local conninfo="host=$PGHOST port=$PGPORT user=postgres dbname=demo"
    printf '\n%sThe demo cluster is still running.%s From the top of this checkout (%s):\n' "$bold" "$off" "$root"
    printf '  Connect with psql:    psql -h %s -p %s -U postgres demo\n' "$PGHOST" "$PGPORT"
    printf '  Use the client:       pgmig -d "%s" status --dir examples\n' "$conninfo"
    printf '  Or set the variables: eval "$(bash scripts/cluster.sh env .demo)"; export PGDATABASE=demo\n'
    printf '  Things to try:        pgmig down 2 --dir examples; pgmig up --dir examples; pgmig log\n'
    printf '                        psql: SELECT * FROM mig.status(); SELECT * FROM mig.log;\n'
    printf '  Stop it:              make demo-stop   (rerun make demo any time; rm -rf .demo deletes it)\n'
}

stop() {
    if [ ! -d "$demo_dir/data" ]; then
        echo "No demo cluster in $demo_dir (nothing to stop)."
        return 0
    fi
    if [ ! -f "$demo_dir/data/postmaster.pid" ]; then
        echo "The demo cluster is not running (its data is in $demo_dir; rm -rf .demo deletes it)."
        return 0
    fi
    bash "$cluster" stop "$demo_dir"
    echo "Demo cluster stopped. Its data stays in $demo_dir: make demo reuses it, rm -rf .demo deletes it."
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
    echo "usage: scripts/demo.sh start|stop" >&2
    exit 2
    ;;
esac
