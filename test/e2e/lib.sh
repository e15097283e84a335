# test/e2e/lib.sh: what every end-to-end test file shares. run.sh sources it, then the area
# files, all in one shell: the paths of this run, the ok/bad counters, the throwaway cluster, and
# the helpers the tests call (pg, q, newdb, snap, expect_*, fresh, upload_calls).

root=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel 2>/dev/null) ||
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
bin=${PGMIG_BIN:-build/client/pgmig}
case $bin in /*) ;; *) bin=$root/$bin ;; esac
run_dir=${E2E_DIR:-$root/.testrun/e2e-$$}
cluster=$run_dir/cluster
work=$run_dir/work
fx=$root/test/fixtures

# --- counters: each test is one ok or one bad ---------------------------------------------------
passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok     %s\n' "$1"; }
bad() {
    failed=$((failed + 1))
    printf 'FAILED %s\n' "$1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/       | /' | head -40
    return 0
}
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# --- the run's cluster --------------------------------------------------------------------------
# Each fails with the suite's summary line, so that a caller sees "0 passed, 1 failed".
require_binary() {
    [ -x "$bin" ] && return 0
    echo "no pgmig binary at $bin (build it first: make)"
    echo "0 passed, 1 failed"
    return 1
}
start_cluster() { # a fresh cluster under $run_dir; its PG* settings exported
    bash scripts/cluster.sh stop "$cluster" >/dev/null 2>&1
    rm -rf "$run_dir"
    mkdir -p "$work"
    if ! bash scripts/cluster.sh start "$cluster"; then
        echo "cannot start a cluster"
        echo "0 passed, 1 failed"
        return 1
    fi
    eval "$(bash scripts/cluster.sh env "$cluster")"
    unset DATABASE_URL PGMIG_DSN PGMIG_CONFIG PGSERVICE
    export NO_COLOR=1 LC_ALL=C
    # the stat cache (docs/cli.md) of this run, not the user's
    export XDG_CACHE_HOME=$run_dir/cache
}
cleanup() { # on exit: background jobs, every cluster of the run; the directory if all passed
    local pids
    pids=$(jobs -p)
    [ -n "$pids" ] && kill $pids 2>/dev/null
    # test/e2e/pooler.sh's PgBouncer, by its own pid
    [ -f "$run_dir/pgbouncer/pgbouncer.pid" ] && kill "$(cat "$run_dir/pgbouncer/pgbouncer.pid")" 2>/dev/null
    bash scripts/cluster.sh stop "$cluster" >/dev/null 2>&1
    bash scripts/cluster.sh stop "$run_dir/cluster2" >/dev/null 2>&1
    bash scripts/cluster.sh stop "$run_dir/tls" >/dev/null 2>&1
    bash scripts/cluster.sh stop "$run_dir/sec" >/dev/null 2>&1
    if [ "$failed" -eq 0 ] && [ -z "${E2E_KEEP:-}" ]; then rm -rf "$run_dir"; fi
}

# --- helpers ------------------------------------------------------------------------------------
# pg ARGS: runs pgmig; sets $rc, $out (stdout) and $err (stderr)
pg() {
    out=$("$bin" "$@" 2>"$run_dir/stderr")
    rc=$?
    err=$(cat "$run_dir/stderr")
}
q() { PGOPTIONS='-c client_min_messages=warning' psql -X -A -t -q -v ON_ERROR_STOP=1 "$@"; }
newdb() { # NAME [noext]
    q -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
    [ "${2:-}" = noext ] || q -d "$1" -c 'CREATE EXTENSION pgmig'
    export PGDATABASE=$1
}
# everything a failed command must leave unchanged
snap() {
    q -c "SELECT version, state, checksum, batch FROM mig.status() ORDER BY 1" \
        -c "SELECT count(*) FROM mig.log" \
        -c "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1" \
        -c "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1" 2>&1
}
expect_rc() { # NAME EXPECTED
    if [ "$rc" = "$2" ]; then ok "$1"; else bad "$1 (exit $rc, expected $2)" "$out
$err"; fi
}
expect_err() { # NAME PATTERN (grep -E on stderr)
    if grep -qE -- "$2" <<<"$err"; then ok "$1"; else bad "$1 (stderr lacks /$2/)" "$err"; fi
}
expect_eq() { # NAME GOT WANT
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got:  $2
want: $3"; fi
}
fresh() { # NAME FIXTURE: copy a fixture folder to $work/NAME
    rm -rf "${work:?}/$1"
    cp -r "$fx/$2" "$work/$1"
}
upload_calls() {
    sleep 0.5 # the client's backend reports its function statistics when it exits
    q -c "SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions WHERE schemaname = 'mig' AND funcname IN ('upload', 'upload_many')"
}

# --- exactly once (test/e2e/pooler.sh, hostile_files.sh) -----------------------------------------
# A folder of migrations FROM..TO: V (three digits) creates table tV and writes one audit row, so
# that an apply twice shows as two rows (its down script undoes both); SLOW: a pause in every 10th.
audit_folder() { # DIR FROM TO [SLOW]
    local i v
    mkdir -p "$1"
    for ((i = $2; i <= $3; i++)); do
        v=$(printf '%03d' "$i")
        { printf 'CREATE TABLE t%s (id int);\nINSERT INTO audit VALUES (%s);\n' "$v" "'$v'"
            [ -n "${4:-}" ] && [ $((i % 10)) = 0 ] && printf 'SELECT pg_sleep(%s);\n' "$4"; } >"$1/${v}_m$v.up.sql"
        printf 'DROP TABLE t%s;\nDELETE FROM audit WHERE v = %s;\n' "$v" "'$v'" >"$1/${v}_m$v.down.sql"
    done
}
audit_db() { # NAME: newdb with the audit table
    newdb "$1"
    q -c "CREATE TABLE audit (v text NOT NULL)"
}
# What must hold after every trial: each migration applied exactly once or not at all (for the
# m* ones of audit_folder: its audit row and its table; for all: mig.status, mig.applied and
# mig.log agree), no lock on mig.state, no backend left in a transaction or running (a pooler's
# idle ones stay). Prints what disagrees (nothing when all agree).
disagreements() {
    local i
    for i in $(seq 50); do # a client's transaction ends a moment after it exits
        [ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'")" = 0 ] && break
        sleep 0.1
    done
    q <<'SQL'
WITH s AS (SELECT version, name, state FROM mig.status()),
ap AS (SELECT version FROM s WHERE state = 'applied' AND name ~ '^m'),
au AS (SELECT v, count(*) n FROM audit GROUP BY v),
tb AS (SELECT substr(relname, 2) v FROM pg_class WHERE relkind = 'r' AND relname ~ '^t[0-9]{3}$'
       AND relnamespace = 'public'::regnamespace),
lg AS (SELECT version, count(*) FILTER (WHERE action = 'apply') - count(*) FILTER (WHERE action = 'rollback') net
       FROM mig.log GROUP BY version)
SELECT 'audit rows ' || n || ' for ' || v FROM au WHERE n > 1
UNION ALL SELECT 'audit row, not applied: ' || v FROM au WHERE v NOT IN (SELECT version FROM ap)
UNION ALL SELECT 'applied, no audit row: ' || version FROM ap WHERE version NOT IN (SELECT v FROM au)
UNION ALL SELECT 'table, not applied: t' || v FROM tb WHERE v NOT IN (SELECT version FROM ap)
UNION ALL SELECT 'applied, no table: ' || version FROM ap WHERE version NOT IN (SELECT v FROM tb)
UNION ALL SELECT 'mig.log apply - rollback = ' || coalesce(lg.net, 0) || ' for ' || s.version || ' (' || s.state || ')'
    FROM s LEFT JOIN lg USING (version)
    WHERE coalesce(lg.net, 0) <> CASE WHEN s.state = 'applied' THEN 1 ELSE 0 END
UNION ALL SELECT 'state ' || state || ': ' || version FROM s WHERE state NOT IN ('applied', 'pending')
UNION ALL SELECT 'mig.applied complete ' || (SELECT count(*) FROM mig.applied WHERE complete)
    || ', status applied ' || (SELECT count(*) FROM s WHERE state = 'applied')
    WHERE (SELECT count(*) FROM mig.applied WHERE complete) <> (SELECT count(*) FROM s WHERE state = 'applied')
UNION ALL SELECT 'lock left on mig.state by pid ' || pid FROM pg_locks
    WHERE relation = 'mig.state'::regclass AND pid <> pg_backend_pid()
UNION ALL SELECT 'backend left ' || state || ': ' || left(query, 60) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle';
SQL
}
