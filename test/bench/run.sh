#!/usr/bin/env bash
# `make bench`: the performance benchmark (docs/performance.md: workloads W1-W7 and their targets).
#
#   test/bench/run.sh [--smoke] [--reps N] [--only W1,W3,V1,...] [--keep] [--disk]
#
# Starts its own throwaway cluster in .bench/cluster (stopped on exit), generates the workloads into
# .bench/work, and runs every workload with three tools, each repetition in a freshly created
# database (CREATE DATABASE ... TEMPLATE; the pgmig template already has CREATE EXTENSION pgmig):
#   pgmig   ${PGMIG_BIN:-build/client/pgmig} -d "dbname=DB" up --dir DIR   (down --all, status)
#   psql    psql -X -q -1 -v ON_ERROR_STOP=1 -f concatenated.sql
#   floor   test/bench/floor.c: the concatenated SQL as ONE PQexec inside BEGIN/COMMIT
# Wall time and client peak RSS come from test/bench/measure.c (fork/exec/wait4, CLOCK_MONOTONIC,
# ru_maxrss); for W4 it also samples the serving backend's VmHWM from /proc.
#
# --smoke: one repetition at small sizes, no timing assertions; checks that every tool succeeded
# and left the right result; the last line is "N passed, N failed" (used by `make test`).
# Without --smoke the targets of docs/performance.md are judged too (met / NOT met); the exit code is
# non-zero only when a tool failed or left a wrong result, not when a target is missed.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
here=$root/test/bench
# shellcheck source=test/bench/gen.sh
source "$here/gen.sh"

smoke=0
reps=
only=W1,W2,W3,W4,W5,W6,W7,V1
keep=0
on_disk=0
while [ $# -gt 0 ]; do
    case "$1" in
    --smoke) smoke=1 ;;
    --reps) reps=${2:?--reps needs a number}; shift ;;
    --reps=*) reps=${1#--reps=} ;;
    --only) only=${2:?--only needs a list like W1,W3}; shift ;;
    --only=*) only=${1#--only=} ;;
    --keep) keep=1 ;;
    --disk) on_disk=1 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
only=$(tr '[:lower:]' '[:upper:]' <<<"$only")
wanted() { [[ ",$only," == *",$1,"* ]]; }

if [ $smoke = 1 ]; then
    N1=50 N3=5 R3=1000 W4_BYTES=$((1024 * 1024)) N6=200
    reps=${reps:-1}
    reps_w4=$reps
    reps_w3=$reps
    warm=1
else
    warm=0 # small workloads get one untimed warm-up repetition (the first run after a CREATE DATABASE is cold)
    N1=1000 N3=100 R3=10000 W4_BYTES=$((50 * 1024 * 1024)) N6=10000
    reps_w4=${reps:-3} # the 50 MB workload is the slow one: 3 repetitions unless --reps says otherwise
    reps_w3=${reps:-5}
    # the short workloads (about a second or less a run) get 15: on a shared VM a single run can
    # be 20 % off; the medians of 5 moved by several percent between identical runs, and W1's
    # ratio of the medians of 9 by up to 0.2 (0.97 and 1.18 the same day, same binaries)
    reps=${reps:-15}
fi

PGMIG=${PGMIG_BIN:-$root/build/client/pgmig}
case "$PGMIG" in /*) ;; *) PGMIG=$root/$PGMIG ;; esac

# smoke and full runs use separate directories, so `make test` can run beside `make bench`
mode=$([ $smoke = 1 ] && echo smoke || echo full)
bench=$root/.bench
bin=$bench/bin/$mode
cluster=$bench/$mode/cluster
work=$bench/work/$mode
logs=$bench/$mode/logs
results=$bench/$mode/results.tsv
mkdir -p "$bin" "$logs"
rm -f "$logs"/* "$results"

passed=0
failed=0
failures=()
check() { # name ok(0/1) [detail]
    if [ "$2" = 1 ]; then
        passed=$((passed + 1))
        printf '  ok    %s\n' "$1"
    else
        failed=$((failed + 1))
        failures+=("$1")
        printf '  FAIL  %s%s\n' "$1" "${3:+: $3}"
    fi
}
finish() {
    if [ ${#failures[@]} -gt 0 ]; then
        echo "failed checks: ${failures[*]}"
        echo "logs: $logs"
    fi
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

# --- helpers: build -----------------------------------------------------------------------
echo "== building measure and floor"
CC=${CC:-cc}
# The floor links libpq as pgmig does: the client build's copy (CMakeLists.txt, bench_floor) when
# it is there and current, else one compiled here against the shared libpq.
floor_built=${PGMIG_BENCH_FLOOR:-$root/build/bench/floor}
if [ -x "$floor_built" ] && [ "$floor_built" -nt "$here/floor.c" ]; then
    cp "$floor_built" "$bin/floor"
    floor_how="client build's ($floor_built)"
else
    floor_how="shared libpq (no current $floor_built)"
    $CC -O2 -Wall -I"$(pg_config --includedir)" -o "$bin/floor" "$here/floor.c" \
        -L"$(pg_config --libdir)" -lpq || { check "build floor" 0; finish; }
fi
echo "   floor: $floor_how, links $(ldd "$bin/floor" | grep -c '=>') shared libraries; pgmig: $(ldd "$PGMIG" 2>/dev/null | grep -c '=>')"
if ! $CC -O2 -Wall -o "$bin/measure" "$here/measure.c"; then
    check "build measure" 0
    finish
fi

# --- cluster ------------------------------------------------------------------------------
# The data directory lives on tmpfs (/dev/shm) when there is room: with fsync=off the disk adds
# nothing but noise (on this VM's disk, 1,000 CREATE TABLEs varied by +-30% from run to run; on
# tmpfs by +-5%). .bench/cluster is then a symlink to it. --disk keeps it on disk.
shm_dir=
stop_cluster() {
    [ $keep = 1 ] && return
    bash "$root/scripts/cluster.sh" stop "$cluster" >/dev/null 2>&1
    [ -n "$shm_dir" ] && rm -rf "$shm_dir" "$cluster"
}
trap stop_cluster EXIT
bash "$root/scripts/cluster.sh" stop "$cluster" >/dev/null 2>&1
if [ -L "$cluster" ]; then rm -rf "$(readlink "$cluster")"; fi
rm -rf "$cluster"
need_kb=$([ $smoke = 1 ] && echo 1000000 || echo 6000000)
if [ $on_disk = 0 ] && [ -d /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt $need_kb ]; then
    shm_dir=$(mktemp -d /dev/shm/pgmig-bench.XXXXXX)
    ln -s "$shm_dir" "$cluster"
fi
echo "== starting cluster in $cluster${shm_dir:+ -> $shm_dir (tmpfs)}"
# V1 holds, to its end, the locks of 1,000 tables created, dropped and created again (about
# 10,000): more than the lock table of max_connections=50 holds at the default
# max_locks_per_transaction (its size only; the other workloads take far fewer)
if ! CLUSTER_OPTIONS="-c max_locks_per_transaction=256 ${CLUSTER_OPTIONS:-}" bash "$root/scripts/cluster.sh" start "$cluster"; then
    check "start cluster" 0
    finish
fi
eval "$(bash "$root/scripts/cluster.sh" env "$cluster")"
export PGHOST PGPORT PGUSER PGDATABASE

q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; } # q DB -c SQL

have_pgmig=1
if [ ! -x "$PGMIG" ]; then
    echo "!! pgmig binary $PGMIG not found (build it: make && make install); pgmig runs fail"
    have_pgmig=0
fi
if [ "$(q postgres -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'pgmig'")" != 1 ]; then
    echo "!! extension pgmig is not installed (make install); pgmig runs fail"
    have_pgmig=0
fi

# --- workloads ----------------------------------------------------------------------------
stamp="N1=$N1 N3=$N3 R3=$R3 W4_BYTES=$W4_BYTES N6=$N6 gen=$(cksum <"$here/gen.sh")"
if [ ! -f "$work/stamp" ] || [ "$(cat "$work/stamp")" != "$stamp" ]; then
    echo "== generating workloads into $work"
    gen_workloads "$work" "$N1" "$N3" "$R3" "$W4_BYTES" "$N6"
    echo "$stamp" >"$work/stamp"
fi
R4=$(cat "$work/w4.rows")
W4_FILE=$work/w4/0001_load_w4.up.sql
W4_KB=$(($(stat -c %s "$W4_FILE") / 1024))
echo "   W1 $N1 migrations; W3 $N3 x $R3 rows ($(du -sh "$work/w3.up.sql" | cut -f1)); W4 $((W4_KB / 1024)) MB, $R4 rows; W6 $N6 migrations"

# --- databases ----------------------------------------------------------------------------
# Templates: tmpl_plain (empty), tmpl_ext (CREATE EXTENSION pgmig), tmpl_w1_pgmig (W1 applied by
# pgmig), tmpl_w1_plain (W1's SQL applied by the floor), tmpl_w6 (N6 applied by pgmig).
mkdb() { q postgres -c "CREATE DATABASE $1 TEMPLATE $2"; }
dropdb_() { q postgres -c "DROP DATABASE IF EXISTS $1" 2>/dev/null; }
declare -A made=()
template() { # name -> 0 if it exists (creating it on first use)
    local t=$1
    [ -n "${made[$t]:-}" ] && return "${made[$t]}"
    made[$t]=1
    case $t in
    tmpl_plain) mkdb tmpl_plain template1 || return 1 ;;
    tmpl_ext)
        [ $have_pgmig = 1 ] || return 1
        mkdb tmpl_ext template1 && q tmpl_ext -c "CREATE EXTENSION pgmig" || return 1 ;;
    tmpl_w1_pgmig)
        template tmpl_ext || return 1
        mkdb tmpl_w1_pgmig tmpl_ext || return 1
        echo "   (building template: W1 applied by pgmig)"
        "$PGMIG" -d "dbname=tmpl_w1_pgmig" up --dir "$work/w1" >"$logs/tmpl_w1_pgmig.log" 2>&1 ||
            { echo "   pgmig up failed, see $logs/tmpl_w1_pgmig.log"; return 1; } ;;
    tmpl_w1_plain)
        template tmpl_plain || return 1
        mkdb tmpl_w1_plain tmpl_plain && "$bin/floor" -d "dbname=tmpl_w1_plain" -f "$work/w1.up.sql" || return 1 ;;
    tmpl_w6)
        template tmpl_ext || return 1
        mkdb tmpl_w6 tmpl_ext || return 1
        echo "   (building template: W6, $N6 migrations applied by pgmig)"
        "$PGMIG" -d "dbname=tmpl_w6" up --dir "$work/w6" >"$logs/tmpl_w6.log" 2>&1 ||
            { echo "   pgmig up failed, see $logs/tmpl_w6.log"; return 1; }
        # what autovacuum does within a minute in production; without statistics on mig's tables
        # the planner picks a different plan for mig.status() (see docs/performance.md)
        q tmpl_w6 -c "VACUUM ANALYZE" || return 1 ;;
    esac
    made[$t]=0
    return 0
}

# --- one timed run ------------------------------------------------------------------------
# run W TOOL REP TEMPLATE [-b] -- command with @DB@ for the database name
# Appends "W TOOL REP wall rss hwm rc" to results.tsv; sets $db, $rc, $log for the checks.
run() {
    local w=$1 tool=$2 rep=$3 tmpl=$4 mem=
    shift 4
    [ "$1" = -b ] && { mem=1; shift; }
    [ "$1" = -- ] && shift
    db=$(tr '[:upper:]' '[:lower:]' <<<"b_${w}_${tool}_${rep}")
    log=$logs/${w}_${tool}_${rep}
    rc=999
    dropdb_ "$db"
    if ! template "$tmpl" || ! mkdb "$db" "$tmpl" >"$log.setup" 2>&1; then
        echo "   $w $tool: cannot create database from $tmpl" >>"$log.setup"
        return 1
    fi
    # start every run from the same state: nothing dirty in shared buffers or in the kernel
    q "$db" -c "CHECKPOINT" >/dev/null
    sync
    local args=() a
    for a in "$@"; do args+=("${a//@DB@/$db}"); done
    local m
    if [ -n "$mem" ]; then
        m=$("$bin/measure" -b "postgres $db " -o "$log.out" -e "$log.err" -- "${args[@]}")
    else
        m=$("$bin/measure" -o "$log.out" -e "$log.err" -- "${args[@]}")
    fi
    read -r wall rss hwm rc <<<"$m"
    [ "$rep" = 0 ] || # repetition 0 is an untimed warm-up
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$tool" "$rep" "$wall" "$rss" "$hwm" "$rc" >>"$results"
    [ "$rc" = 0 ]
}
err_of() { head -c 300 "$log.err" 2>/dev/null | tr '\n' ' '; }
count_tables() { q "$db" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE '$1\\_%'"; }
# rows in all tables named PREFIX_*
count_rows() {
    q "$db" -c "SELECT coalesce(sum((xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %s', c.oid::regclass), false, true, '')))[1]::text::bigint), 0)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname LIKE '$1\\_%'"
}
finish_run() { [ $keep = 1 ] || dropdb_ "$db"; }

# order of the three tools rotates with the repetition, so no tool always runs first
order() { # rep -> tool list
    case $(($1 % 3)) in
    1) echo pgmig psql floor ;;
    2) echo psql floor pgmig ;;
    0) echo floor pgmig psql ;;
    esac
}

pgmig_ok() { [ $have_pgmig = 1 ]; }

# --- workloads ----------------------------------------------------------------------------
w1() {
    local rep tool ok n
    for rep in $(seq "$warm" "$reps"); do
        for tool in $(order "$rep"); do
            rc=skipped db=b_none log=$logs/none n=
            case $tool in
            pgmig) pgmig_ok && run W1 pgmig "$rep" tmpl_ext -- "$PGMIG" -d "dbname=@DB@" up --dir "$work/w1" ;;
            psql) run W1 psql "$rep" tmpl_plain -- psql -X -q -1 -v ON_ERROR_STOP=1 -d @DB@ -f "$work/w1.up.sql" ;;
            floor) run W1 floor "$rep" tmpl_plain -- "$bin/floor" -d "dbname=@DB@" -f "$work/w1.up.sql" ;;
            esac
            ok=0
            if [ "$rc" = 0 ]; then
                n=$(count_tables w1)
                [ "$n" = "$N1" ] && ok=1
                if [ $tool = pgmig ] && [ $ok = 1 ]; then
                    [ "$(q "$db" -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" = "$N1" ] || ok=0
                fi
            fi
            [ "$rep" = 1 ] && check "W1 $tool: $N1 migrations applied" $ok "rc=$rc tables=${n:-?} $(err_of)"
            [ "$rep" != 1 ] && [ $ok = 0 ] && [ "$rc" != skipped ] && check "W1 $tool rep $rep" 0 "rc=$rc $(err_of)"
            finish_run
        done
    done
}

w2() {
    local rep tool ok before after
    for rep in $(seq "$warm" "$reps"); do
        for tool in $(order "$rep"); do
            rc=skipped db=b_none log=$logs/none n=
            case $tool in
            pgmig) pgmig_ok && run W2 pgmig "$rep" tmpl_w1_pgmig -- "$PGMIG" -d "dbname=@DB@" up --dir "$work/w1" ;;
            psql) run W2 psql "$rep" tmpl_plain -- psql -X -q -d @DB@ -c "SELECT 1" ;;
            floor) run W2 floor "$rep" tmpl_plain -- "$bin/floor" -d "dbname=@DB@" -c "SELECT 1" ;;
            esac
            ok=0
            if [ "$rc" = 0 ]; then
                ok=1
                if [ $tool = pgmig ]; then
                    [ "$(count_tables w1)" = "$N1" ] || ok=0
                    [ "$(q "$db" -c "SELECT count(*) FROM mig.log WHERE action = 'apply'")" = \
                      "$(q tmpl_w1_pgmig -c "SELECT count(*) FROM mig.log WHERE action = 'apply'")" ] || ok=0
                fi
            fi
            if [ "$rep" = 1 ]; then
                case $tool in
                pgmig) check "W2 pgmig: no-op up, nothing applied" $ok "rc=$rc $(err_of)" ;;
                *) check "W2 $tool: connect + SELECT 1" $ok "rc=$rc $(err_of)" ;;
                esac
            elif [ $ok = 0 ] && [ "$rc" != skipped ]; then
                check "W2 $tool rep $rep" 0 "rc=$rc $(err_of)"
            fi
            finish_run
        done
    done
    # untimed: with log_statement=all, the no-op up must not send any migration body
    if pgmig_ok && template tmpl_w1_pgmig; then
        db=b_w2_logged
        dropdb_ $db
        mkdb $db tmpl_w1_pgmig
        before=$(stat -c %s "$cluster/server.log")
        PGOPTIONS="-c log_statement=all -c log_parameter_max_length=-1 -c log_min_duration_statement=-1" \
            "$PGMIG" -d "dbname=$db" up --dir "$work/w1" >"$logs/W2_logged.out" 2>&1
        rc=$?
        sleep 0.2
        tail -c +$((before + 1)) "$cluster/server.log" >"$logs/W2_server.log"
        after=$(grep -c 'CREATE TABLE' "$logs/W2_server.log")
        local stmts
        stmts=$(grep -c 'LOG:  \(statement\|execute\)' "$logs/W2_server.log")
        check "W2 pgmig: no migration body sent (server log: $stmts statements)" \
            "$([ $rc = 0 ] && [ "$after" = 0 ] && echo 1 || echo 0)" "rc=$rc, $after log lines with CREATE TABLE"
        finish_run
    else
        check "W2 pgmig: no migration body sent" 0 "pgmig unavailable"
    fi
}

w3() {
    local rep tool ok n want=$((N3 * R3))
    for rep in $(seq 1 "$reps_w3"); do
        for tool in $(order "$rep"); do
            rc=skipped db=b_none log=$logs/none n=
            case $tool in
            pgmig) pgmig_ok && run W3 pgmig "$rep" tmpl_ext -- "$PGMIG" -d "dbname=@DB@" up --dir "$work/w3" ;;
            psql) run W3 psql "$rep" tmpl_plain -- psql -X -q -1 -v ON_ERROR_STOP=1 -d @DB@ -f "$work/w3.up.sql" ;;
            floor) run W3 floor "$rep" tmpl_plain -- "$bin/floor" -d "dbname=@DB@" -f "$work/w3.up.sql" ;;
            esac
            ok=0
            n=
            if [ "$rc" = 0 ]; then
                n=$(count_rows w3)
                [ "$n" = "$want" ] && [ "$(count_tables w3)" = "$N3" ] && ok=1
            fi
            [ "$rep" = 1 ] && check "W3 $tool: $N3 migrations, $want rows" $ok "rc=$rc rows=${n:-?} $(err_of)"
            [ "$rep" != 1 ] && [ $ok = 0 ] && [ "$rc" != skipped ] && check "W3 $tool rep $rep" 0 "rc=$rc $(err_of)"
            finish_run
        done
    done
}

w4() {
    local rep tool ok n
    for rep in $(seq 1 "$reps_w4"); do
        for tool in $(order "$rep"); do
            rc=skipped db=b_none log=$logs/none n=
            case $tool in
            pgmig) pgmig_ok && run W4 pgmig "$rep" tmpl_ext -b -- "$PGMIG" -d "dbname=@DB@" up --dir "$work/w4" ;;
            psql) run W4 psql "$rep" tmpl_plain -b -- psql -X -q -1 -v ON_ERROR_STOP=1 -d @DB@ -f "$W4_FILE" ;;
            floor) run W4 floor "$rep" tmpl_plain -b -- "$bin/floor" -d "dbname=@DB@" -f "$W4_FILE" ;;
            esac
            ok=0
            n=
            if [ "$rc" = 0 ]; then
                n=$(q "$db" -c "SELECT count(*) FROM w4_data")
                [ "$n" = "$R4" ] && ok=1
            fi
            [ "$rep" = 1 ] && check "W4 $tool: $((W4_KB / 1024)) MB file, $R4 rows" $ok "rc=$rc rows=${n:-?} $(err_of)"
            [ "$rep" != 1 ] && [ $ok = 0 ] && [ "$rc" != skipped ] && check "W4 $tool rep $rep" 0 "rc=$rc $(err_of)"
            finish_run
        done
    done
}

w5() {
    local rep tool ok n
    for rep in $(seq "$warm" "$reps"); do
        for tool in $(order "$rep"); do
            rc=skipped db=b_none log=$logs/none n=
            case $tool in
            pgmig) pgmig_ok && run W5 pgmig "$rep" tmpl_w1_pgmig -- "$PGMIG" -d "dbname=@DB@" down --all --dir "$work/w1" ;;
            psql) run W5 psql "$rep" tmpl_w1_plain -- psql -X -q -1 -v ON_ERROR_STOP=1 -d @DB@ -f "$work/w1.down.sql" ;;
            floor) run W5 floor "$rep" tmpl_w1_plain -- "$bin/floor" -d "dbname=@DB@" -f "$work/w1.down.sql" ;;
            esac
            ok=0
            n=
            if [ "$rc" = 0 ]; then
                n=$(count_tables w1)
                [ "$n" = 0 ] && ok=1
                if [ $tool = pgmig ] && [ $ok = 1 ]; then
                    [ "$(q "$db" -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" = 0 ] || ok=0
                fi
            fi
            [ "$rep" = 1 ] && check "W5 $tool: $N1 migrations rolled back" $ok "rc=$rc tables left=${n:-?} $(err_of)"
            [ "$rep" != 1 ] && [ $ok = 0 ] && [ "$rc" != skipped ] && check "W5 $tool rep $rep" 0 "rc=$rc $(err_of)"
            finish_run
        done
    done
}

w6() {
    local rep tool ok n
    local status_sql="SELECT * FROM mig.status()"
    for rep in $(seq "$warm" "$reps"); do
        for tool in $(order "$rep"); do
            rc=skipped db=b_none log=$logs/none n=
            case $tool in
            pgmig) pgmig_ok && run W6 pgmig "$rep" tmpl_w6 -- "$PGMIG" -d "dbname=@DB@" status --dir "$work/w6" ;;
            psql) pgmig_ok && run W6 psql "$rep" tmpl_w6 -- psql -X -d @DB@ -c "$status_sql" ;;
            floor) pgmig_ok && run W6 floor "$rep" tmpl_w6 -- "$bin/floor" -d "dbname=@DB@" -c "$status_sql" ;;
            esac
            ok=0
            n=
            if [ "$rc" = 0 ]; then
                case $tool in
                pgmig) n=$(grep -c applied "$log.out"); [ "$n" -ge "$N6" ] && ok=1 ;;
                psql) grep -q "^($N6 rows)" "$log.out" && ok=1 ;;
                floor) ok=1 ;;
                esac
            fi
            if [ "$rep" = 1 ]; then
                case $tool in
                pgmig) check "W6 pgmig status: $N6 applied listed" $ok "rc=$rc lines with 'applied'=${n:-?} $(err_of)" ;;
                psql) check "W6 psql: $status_sql returns $N6 rows" $ok "rc=$rc $(err_of)" ;;
                floor) check "W6 floor: $status_sql" $ok "rc=$rc $(err_of)" ;;
                esac
            elif [ $ok = 0 ] && [ "$rc" != skipped ]; then
                check "W6 $tool rep $rep" 0 "rc=$rc $(err_of)"
            fi
            finish_run
        done
    done
}

# W7: the lock report (docs/safety.md) of W1, `up --dry-run`, against a plain `up` of the same
# folder; the two alternate which runs first
w7() {
    local rep tool ok tools
    for rep in $(seq "$warm" "$reps"); do
        tools="pgmig report"
        [ $((rep % 2)) = 0 ] && tools="report pgmig"
        for tool in $tools; do
            rc=skipped db=b_none log=$logs/none
            case $tool in
            pgmig) pgmig_ok && run W7 pgmig "$rep" tmpl_ext -- "$PGMIG" -d "dbname=@DB@" up --dir "$work/w1" ;;
            report) pgmig_ok && run W7 report "$rep" tmpl_ext -- "$PGMIG" -d "dbname=@DB@" up --dry-run --dir "$work/w1" ;;
            esac
            ok=0
            if [ "$rc" = 0 ]; then
                case $tool in
                pgmig) [ "$(count_tables w1)" = "$N1" ] && ok=1 ;;
                report) [ "$(count_tables w1)" = 0 ] && grep -q '^lock report' "$log.out" &&
                    [ "$(grep -c '^would apply' "$log.out")" = "$N1" ] && ok=1 ;;
                esac
            fi
            [ "$rep" = 1 ] && check "W7 $tool: $([ $tool = report ] && echo "lock report of $N1 migrations, nothing left" || echo "$N1 migrations applied")" $ok "rc=$rc $(err_of)"
            [ "$rep" != 1 ] && [ $ok = 0 ] && [ "$rc" != skipped ] && check "W7 $tool rep $rep" 0 "rc=$rc $(err_of)"
            finish_run
        done
    done
}

# V1: `verify` of W1's folder on a database where nothing is applied (the uploads, then 1,000
# ups, downs and ups again with four catalog fingerprints, all rolled back; docs/safety.md)
# against a plain `up` of the same folder, the two back to back in each repetition
v1() {
    local rep tool ok n
    for rep in $(seq "$warm" "$reps"); do
        for tool in $([ $((rep % 2)) = 1 ] && echo "verify up" || echo "up verify"); do
            rc=skipped db=b_none log=$logs/none n=
            case $tool in
            verify) pgmig_ok && run V1 verify "$rep" tmpl_ext -- "$PGMIG" -d "dbname=@DB@" verify --dir "$work/w1" ;;
            up) pgmig_ok && run V1 up "$rep" tmpl_ext -- "$PGMIG" -d "dbname=@DB@" up --dir "$work/w1" ;;
            esac
            ok=0
            if [ "$rc" = 0 ]; then
                n=$(count_tables w1)
                case $tool in
                verify) [ "$(grep -c '^verified' "$log.out")" = "$N1" ] && [ "$n" = 0 ] && ok=1 ;;
                up) [ "$n" = "$N1" ] && ok=1 ;;
                esac
            fi
            [ "$rep" = 1 ] && check "V1 $tool: $N1 migrations $([ $tool = up ] && echo applied || echo "verified, nothing left")" $ok "rc=$rc tables=${n:-?} $(err_of)"
            [ "$rep" != 1 ] && [ $ok = 0 ] && [ "$rc" != skipped ] && check "V1 $tool rep $rep" 0 "rc=$rc $(err_of)"
            finish_run
        done
    done
}

t_start=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for w in W1 W2 W3 W4 W5 W6 W7 V1; do
    wanted $w || continue
    echo "== $w"
    t0=$(date +%s)
    ${w,,}
    echo "   ($(($(date +%s) - t0)) s)"
done

# --- report -------------------------------------------------------------------------------
# medians per workload and tool: wall, client max RSS (kB), max backend HWM (kB), runs, failures
summary=$(awk -F'\t' '
    { key = $1 "\t" $2; n[key]++; wall[key, n[key]] = $4; rss[key, n[key]] = $5
      if ($6 > hwm[key]) hwm[key] = $6
      if ($7 != 0) bad[key]++ }
    function median(arr, key, cnt,    i, j, t, v) {
        for (i = 1; i <= cnt; i++) v[i] = arr[key, i] + 0
        for (i = 2; i <= cnt; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
        return cnt % 2 ? v[(cnt + 1) / 2] : (v[cnt / 2] + v[cnt / 2 + 1]) / 2
    }
    END { for (key in n) printf "%s\t%.4f\t%d\t%d\t%d\t%d\n", key, median(wall, key, n[key]), median(rss, key, n[key]), hwm[key], n[key], bad[key] + 0 }
' "$results" 2>/dev/null | sort)

get() { # W tool field(3=wall 4=rss 5=hwm 6=runs 7=bad)
    awk -F'\t' -v w="$1" -v t="$2" -v f="$3" '$1 == w && $2 == t && $7 == 0 { print $f }' <<<"$summary"
}
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b }'; }
# median over repetitions of pgmig's wall time / the floor's in the same repetition: the two ran
# back to back, so a machine that got slower or faster between repetitions cancels out
paired() { # W [TOOL BASE]: TOOL / BASE (default pgmig / floor)
    awk -F'\t' -v w="$1" -v a="${2:-pgmig}" -v b="${3:-floor}" '$1 == w && $7 == 0 && ($2 == a || $2 == b) { t[$2, $3] = $4; reps[$3] = 1 }
        END { n = 0; for (r in reps) if (t[a, r] > 0 && t[b, r] > 0) v[++n] = t[a, r] / t[b, r]
              for (i = 2; i <= n; i++) { x = v[i]; for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
              if (n) printf "%.2f", n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }' "$results"
}
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
mb() { [ -n "$1" ] && awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

echo
echo "== results ($([ $smoke = 1 ] && echo "smoke: sizes scaled down, targets not judged" || echo "medians of $reps runs, W3: $reps_w3, W4: $reps_w4"); $(nproc) cores, PostgreSQL $(q postgres -c 'SHOW server_version' | cut -d' ' -f1))"
fmt='%-3s %-30s %8s %8s %8s %7s %7s %7s %-25s %-8s %s\n'
# shellcheck disable=SC2059
printf "$fmt" W workload "pgmig s" "psql s" "floor s" pg/flr paired pg/psql target verdict "client peak RSS MB (pgmig/psql/floor)"
for w in W1 W2 W3 W4 W5 W6; do
    wanted $w || continue
    p=$(get $w pgmig 3) s=$(get $w psql 3) f=$(get $w floor 3)
    rp=$(ratio "$p" "$f") rs=$(ratio "$p" "$s")
    mem="$(mb "$(get $w pgmig 4)")/$(mb "$(get $w psql 4)")/$(mb "$(get $w floor 4)")"
    case $w in
    W1) what="$N1 CREATE TABLE migrations"; target="<= 1.10 x floor"; good=$([ -n "$rp" ] && le "$rp" 1.10 && echo 1) ;;
    W2) what="no-op up, $N1 applied [1]"; target="<= 0.030 s"; good=$([ -n "$p" ] && le "$p" 0.030 && echo 1) ;;
    W3) what="$N3 migr. x $R3 rows"; target="<= 1.05 x floor"; good=$([ -n "$rp" ] && le "$rp" 1.05 && echo 1) ;;
    W4) what="$((W4_KB / 1024)) MB file of INSERTs"; target="<= 1.2 x floor, RSS <= 2x"
        prss=$(get W4 pgmig 4)
        good=$([ -n "$rp" ] && le "$rp" 1.2 && [ -n "$prss" ] && le "$prss" $((2 * W4_KB)) && echo 1)
        mem="$mem; backend peak $(mb "$(get $w pgmig 5)")/$(mb "$(get $w psql 5)")/$(mb "$(get $w floor 5)")" ;;
    W5) what="down --all of $N1 migrations"; target="<= 1.15 x floor"; good=$([ -n "$rp" ] && le "$rp" 1.15 && echo 1) ;;
    W6) what="status, $N6 applied [2]"; target="<= 0.050 s (pgmig, query)"
        # the query's own time is the floor column (one PQexec); psql's column adds psql's
        # aligned formatting of 10,000 rows, shown for reference
        good=$([ -n "$p" ] && [ -n "$f" ] && le "$p" 0.050 && le "$f" 0.050 && echo 1) ;;
    esac
    if [ $smoke = 1 ]; then verdict="-"; elif [ -z "$p" ]; then verdict="no data"; elif [ -n "$good" ]; then verdict="met"; else verdict="NOT met"; fi
    # shellcheck disable=SC2059
    pr=
    case $w in W1 | W3 | W4 | W5) pr=$(paired "$w") ;; esac
    printf "$fmt" "$w" "$what" "${p:--}" "${s:--}" "${f:--}" "${rp:--}" "${pr:--}" "${rs:--}" "$target" "$verdict" "$mem"
done
if wanted W7; then
    p=$(get W7 report 3) u=$(get W7 pgmig 3)
    r7=$(ratio "$p" "$u") pr=$(paired W7 report pgmig)
    if [ $smoke = 1 ]; then verdict="-"; elif [ -z "$r7" ]; then verdict="no data"; elif le "$r7" 3; then verdict="met"; else verdict="NOT met"; fi
    printf 'W7  lock report: up --dry-run of W1 %8s s, plain up %s s: ratio %s (paired %s), target <= 3 x up: %s\n' \
        "${p:--}" "${u:--}" "${r7:--}" "${pr:--}" "$verdict"
fi
if wanted V1; then
    pv=$(get V1 verify 3) pu=$(get V1 up 3)
    rv=$(ratio "$pv" "$pu")
    prv=$(awk -F'\t' '$1 == "V1" && $7 == 0 { t[$2, $3] = $4; reps[$3] = 1 }
        END { n = 0; for (r in reps) if (t["verify", r] > 0 && t["up", r] > 0) v[++n] = t["verify", r] / t["up", r]
              for (i = 2; i <= n; i++) { x = v[i]; for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
              if (n) printf "%.2f", n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }' "$results")
    if [ $smoke = 1 ]; then verdict="-"; elif [ -z "$rv" ]; then verdict="no data"; elif le "$rv" 3.0; then verdict="met"; else verdict="NOT met"; fi
    echo "V1  verify of W1's $N1 migrations: ${pv:--} s; up of the same folder: ${pu:--} s; verify/up ${rv:--} (paired ${prv:--}); target <= 3.0 x up: $verdict"
fi
echo "pg/flr: ratio of the medians (the verdict); paired: median of each repetition's pgmig / floor (the two ran back to back)"
echo "[1] psql and floor columns: connect + SELECT 1 (the bare minimum), for comparison"
echo "[2] psql: psql -X -c 'SELECT * FROM mig.status()' (most of it is psql formatting 10,000 rows); floor: the same query by one PQexec, which the target judges"
echo "W4 backend peak: VmHWM of the serving backend(s), including shared buffers touched"
echo "raw runs: $results (W tool rep wall_s client_maxrss_kb backend_hwm_kb exit); logs: $logs"
echo "total $(($(date +%s) - t_start)) s; load average at start $load_start, at end $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the numbers)"
finish
