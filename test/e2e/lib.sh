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
