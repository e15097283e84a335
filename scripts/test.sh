#!/usr/bin/env bash
# `make test`: builds and installs pgmig, then runs every suite against throwaway clusters that
# the suites start and stop themselves. The last line is "N passed, N failed".
#
# Suites: pg_regress (sql/ -> expected/), isolation (test/isolation), client unit tests (ctest),
# end-to-end runs of the real binary (test/e2e; its security area: a deployer over TCP with a
# password, and a superuser deploying after it), README's runnable blocks (test/readme), the
# guides' examples (test/docs: pgTAP, the CI page's shell steps, the Docker page's init script),
# one small repetition of every benchmark workload (test/bench --smoke; no timing assertions),
# the fault suite at its reduced size (test/stress: kill -9, immediate shutdown, racing
# deployers, directly and through PgBouncer, the refusal to guess after a kill; `make stress`
# runs it at full size, docs/reliability.md), and, last, packaging
# (test/package: the Debian packages built from a clean clone, installed, used and removed,
# the make-installed extension put back; META.json, VPATH build, man page, completions). The
# client's parsers are fuzzed for a few seconds each (test/fuzz, libFuzzer; `make fuzz` runs
# them longer).
#
# SANITIZE=1 (`make test SANITIZE=1`): the client and its unit tests are built again with
# AddressSanitizer and UndefinedBehaviorSanitizer in build-sanitize/, and the unit and
# end-to-end tests (and the other suites that run the client) use that build.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PG_CONFIG=${PG_CONFIG:-pg_config}
pgxs_dir=$(dirname "$($PG_CONFIG --pgxs)")/..
pg_regress=$pgxs_dir/test/regress/pg_regress
pg_isolation_regress=$pgxs_dir/test/isolation/pg_isolation_regress
client_build=$root/build
if [ "${SANITIZE:-0}" = 1 ]; then
    client_build=$root/build-sanitize
    # any report ends the process with an error; leaks of a process that exits are not bugs of
    # a short-lived command line tool, and a report must not be lost in a test's captured output
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:log_path=$root/.testrun/asan}
    # (GCC's combined runtime writes UBSan's reports to stderr whatever log_path says, so the logs
    # are searched too, below; abort_on_error: exit 134, never one of pgmig's exit codes, which a
    # test expecting a failure could take for its own)
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$root/.testrun/ubsan}
fi
export PGMIG_BIN=${PGMIG_BIN:-$client_build/client/pgmig}

passed=0
failed=0
failed_suites=()

note() { printf '\n=== %s\n' "$*"; }

count() { # suite passed failed
    passed=$((passed + $2))
    failed=$((failed + $3))
    [ "$3" -eq 0 ] || failed_suites+=("$1")
    printf -- '--- %s: %d passed, %d failed\n' "$1" "$2" "$3"
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Reads "N passed, N failed" from the last such line of a suite's output.
count_from_summary() { # suite logfile exitcode
    local line p f
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
    if [ -z "$line" ]; then
        echo "$1: no summary line (exit code $3)"
        count "$1" 0 1
        return
    fi
    p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
    if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    count "$1" "$p" "$f"
}

note "setup: packages"
bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

note "build and install (extension and client)"
# Installing into PostgreSQL's directories needs root: as another user, through sudo.
install_cmd=(make -s install)
if [ "$(id -u)" != 0 ]; then install_cmd=(sudo make -s install PG_CONFIG="$PG_CONFIG"); fi
if ! { make -s -j2 && "${install_cmd[@]}"; } >"$root/.build.log" 2>&1; then
    cat "$root/.build.log"
    echo "build failed"
    echo "0 passed, 1 failed"
    exit 1
fi
grep -E 'warning:' "$root/.build.log" | grep -v '/usr/' | head -20 || true
rm -f "$root/.build.log"
if [ "${SANITIZE:-0}" = 1 ]; then
    note "build the client with -fsanitize=address,undefined ($client_build)"
    if ! { cmake -S "$root" -B "$client_build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
               -DPGMIG_SANITIZE=ON >/dev/null && cmake --build "$client_build" -j2; } \
        >"$root/.build.log" 2>&1; then
        tail -n 40 "$root/.build.log"
        echo "sanitized build failed"
        echo "0 passed, 1 failed"
        exit 1
    fi
    rm -f "$root/.build.log"
fi

run_dir=$root/.testrun
mkdir -p "$run_dir"
rm -f "$run_dir"/asan.* "$run_dir"/ubsan.*
# pg_regress, the isolation tester and prove run as `postgres` when we are root: they read their
# inputs (sql/, expected/, test/isolation, test/t) from a copy it can reach when the checkout is
# in a directory only root may enter (clusters take care of themselves: scripts/cluster.sh)
inputs=$root
if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -r "$root/sql" 2>/dev/null; then
    inputs=$(mktemp -d /tmp/pgmig-inputs.XXXXXX)
    mkdir -p "$inputs/test"
    cp -r "$root/sql" "$root/expected" "$inputs/" && cp -r "$root/test/isolation" "$root/test/t" "$inputs/test/"
    chmod -R a+rX "$inputs"
    chown -R postgres: "$inputs"
    echo "(the checkout is private: pg_regress, isolation and TAP read their inputs from $inputs)"
fi

# --- pg_regress and isolation, one throwaway cluster -------------------------------------
note "pg_regress and isolation"
sql_dir=$run_dir/sql
bash scripts/cluster.sh stop "$sql_dir" 2>/dev/null
rm -rf "$sql_dir"
if bash scripts/cluster.sh start "$sql_dir"; then
    eval "$(bash scripts/cluster.sh env "$sql_dir")"
    sql_dir=$(cd "$sql_dir" && pwd -P) # the cluster's own directory, where postgres may write
    mkdir -p "$sql_dir/regress" "$sql_dir/isolation"
    [ "$(id -u)" = 0 ] && chown -R postgres: "$sql_dir/regress" "$sql_dir/isolation"
    read -r -a regress_tests <<<"$(make -s print-REGRESS)"
    read -r -a isolation_tests <<<"$(make -s print-ISOLATION)"
    for kind in regress isolation; do
        if [ $kind = regress ]; then
            as_postgres "$pg_regress" --inputdir="$inputs" --outputdir="$sql_dir/regress" \
                --bindir="$($PG_CONFIG --bindir)" --host="$PGHOST" --port="$PGPORT" \
                --load-extension=pgmig --dbname=contrib_regression "${regress_tests[@]}" \
                >"$sql_dir/regress.log" 2>&1
        else
            as_postgres "$pg_isolation_regress" --inputdir="$inputs/test/isolation" \
                --outputdir="$sql_dir/isolation" --bindir="$($PG_CONFIG --bindir)" \
                --host="$PGHOST" --port="$PGPORT" --load-extension=pgmig \
                --dbname=isolation_regression "${isolation_tests[@]}" \
                >"$sql_dir/$kind.log" 2>&1
        fi
        rc=$?
        cat "$sql_dir/$kind.log"
        ok=$(grep -cE '\.\.\. +ok' "$sql_dir/$kind.log")
        bad=$(grep -cE '\.\.\. +FAILED|failed \(ignored\)' "$sql_dir/$kind.log")
        if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
        [ -f "$sql_dir/$kind/regression.diffs" ] && [ "$bad" -gt 0 ] && head -c 20000 "$sql_dir/$kind/regression.diffs"
        count "$kind" "$ok" "$bad"
    done
    bash scripts/cluster.sh stop "$sql_dir"
else
    count "regress cluster" 0 1
fi

# --- TAP: dump/restore, crash (PostgreSQL::Test::Cluster, each test its own node) -----------
note "TAP (test/t)"
tap_dir=$run_dir/tap
[ "$inputs" != "$root" ] && tap_dir=$inputs/tap
rm -rf "$tap_dir"
mkdir -p "$tap_dir"
[ "$(id -u)" = 0 ] && chown postgres: "$tap_dir"
(cd "$inputs/test" && as_postgres env TESTDIR="$tap_dir" PATH="$($PG_CONFIG --bindir):$PATH" \
    PERL5LIB="$pgxs_dir/test/perl" PG_REGRESS="$pg_regress" \
    prove t/*.pl) >"$run_dir/tap.log" 2>&1
rc=$?
cat "$run_dir/tap.log"
tap_total=$(grep -oE 'Tests=[0-9]+' "$run_dir/tap.log" | tail -n 1 | cut -d= -f2)
tap_total=${tap_total:-0}
tap_bad=$(grep -oE 'Failed: [0-9]+\)' "$run_dir/tap.log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
tap_bad=${tap_bad:-0}
if [ "$rc" -ne 0 ] && [ "$tap_bad" -eq 0 ]; then tap_bad=1; fi
count tap $((tap_total > tap_bad ? tap_total - tap_bad : 0)) "$tap_bad"

# --- client unit tests ----------------------------------------------------------------------
note "client unit tests (ctest)"
ctest --test-dir "$client_build" --output-on-failure >"$run_dir/ctest.log" 2>&1
rc=$?
tail -n 30 "$run_dir/ctest.log"
line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$run_dir/ctest.log" | tail -n 1)
if [ -n "$line" ]; then
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
    bad=$(sed -E 's/.*tests passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
    count ctest $((total - bad)) "$bad"
else
    count ctest 0 1
fi
[ $rc -eq 0 ] || [ -n "$line" ] || true

# --- suites that print their own "N passed, N failed" ---------------------------------------
# test/fuzz: 3 seconds per parser (the build in build-fuzz/ is kept from one run to the next)
for suite in "test/fuzz/run.sh ${FUZZ_TEST_TIME:-3}" test/e2e/run.sh test/readme/run.sh test/docs/run.sh \
    "test/bench/run.sh --smoke" "test/stress/run.sh --reduced" test/package/run.sh; do
    name=${suite%% *}
    note "$suite"
    if [ ! -f "$name" ]; then
        echo "$name is missing"
        count "$name" 0 1
        continue
    fi
    log=$run_dir/$(basename "$(dirname "$name")")-$(basename "$name" .sh).log
    bash $suite >"$log" 2>&1
    rc=$?
    tail -n 60 "$log"
    count_from_summary "$name" "$log" "$rc"
done

if [ "${SANITIZE:-0}" = 1 ]; then
    note "sanitizer reports ($run_dir/asan.*, $run_dir/ubsan.*)"
    reports=$(find "$run_dir" -maxdepth 1 -name 'asan.*' -o -maxdepth 1 -name 'ubsan.*' | wc -l)
    find "$run_dir" -maxdepth 1 \( -name 'asan.*' -o -name 'ubsan.*' \) -exec head -n 30 {} \;
    # reports that went to a test's stderr (and from there into its suite's log)
    in_logs=$(grep -h -o -E '[^ ]+: runtime error: .*|ERROR: AddressSanitizer: [a-z-]+' "$run_dir"/*.log 2>/dev/null | sort -u)
    if [ -n "$in_logs" ]; then
        printf '%s\n' "$in_logs"
        reports=$((reports + $(printf '%s\n' "$in_logs" | wc -l)))
    fi
    if [ "$reports" -eq 0 ]; then count sanitizers 1 0; else count sanitizers 0 "$reports"; fi
fi

note "summary"
[ ${#failed_suites[@]} -eq 0 ] || echo "failing suites: ${failed_suites[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
