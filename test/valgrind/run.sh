#!/usr/bin/env bash
# test/valgrind/run.sh (`make valgrind`): the extension's regress suite (the Makefile's REGRESS)
# against a throwaway server running under Valgrind's memcheck, then the errors that memcheck
# attributes to pgmig.so: invalid reads and writes, uses of uninitialised values, and blocks
# "definitely lost" whose allocation stack passes through pgmig.so. Ends with "N passed, N failed"
# (regress tests, plus one check: no memcheck error in pgmig.so). Slow (every backend runs on
# Valgrind's simulated CPU): not part of `make test`. docs/fuzzing.md has the figures of a run.
#
# The server is the installed one ($PG_CONFIG's, with pgmig installed in it). Debian's build does
# not define USE_VALGRIND, so memcheck sees palloc's blocks as malloc'd memory contexts: a read
# past a palloc'd chunk inside its context goes unseen, one past the context's block does not.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
PG_CONFIG=${PG_CONFIG:-pg_config}
bindir=$($PG_CONFIG --bindir)
pgxs_dir=$(dirname "$($PG_CONFIG --pgxs)")/..
pg_regress=$pgxs_dir/test/regress/pg_regress
supp=${VALGRIND_SUPP:-$root/test/valgrind/postgres.supp}
command -v valgrind >/dev/null || { echo "valgrind is not installed"; echo "0 passed, 1 failed"; exit 1; }

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

dir=$(mktemp -d /tmp/pgmig-valgrind.XXXXXX)
chmod 755 "$dir"
mkdir -p "$dir/sock" "$dir/logs" "$dir/regress"
cp "$supp" "$dir/postgres.supp"
[ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
port=$((56000 + RANDOM % 4000))
as_postgres "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }

# memcheck follows the postmaster into every backend it forks; one log per process
as_postgres valgrind --quiet --trace-children=yes --leak-check=full --show-leak-kinds=definite \
    --errors-for-leak-kinds=definite --num-callers=30 --suppressions="$dir/postgres.supp" \
    --log-file="$dir/logs/memcheck.%p.log" \
    "$bindir/postgres" -D "$dir/data" -k "$dir/sock" -p "$port" -c listen_addresses='' \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=20 \
    -c autovacuum=off -c max_parallel_workers_per_gather=0 >"$dir/server.log" 2>&1 &
stop_server() { as_postgres "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 600 stop >/dev/null 2>&1; }
trap stop_server EXIT
for _ in $(seq 600); do
    "$bindir/pg_isready" -q -h "$dir/sock" -p "$port" && break
    sleep 1
done
"$bindir/pg_isready" -q -h "$dir/sock" -p "$port" || { tail -20 "$dir/server.log"; exit 1; }
echo "valgrind: server up in $dir (port $port)"

inputs=$root
if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -r "$root/sql" 2>/dev/null; then
    inputs=$dir/inputs
    mkdir -p "$inputs" && cp -r "$root/sql" "$root/expected" "$inputs/" && chown -R postgres: "$inputs"
fi
read -r -a tests <<<"$(make -s print-REGRESS)"
start=$(date +%s)
as_postgres "$pg_regress" --inputdir="$inputs" --outputdir="$dir/regress" --bindir="$bindir" \
    --host="$dir/sock" --port="$port" --load-extension=pgmig --dbname=contrib_regression \
    "${tests[@]}" >"$dir/regress.log" 2>&1
cat "$dir/regress.log"
echo "valgrind: regress took $(($(date +%s) - start)) s"
stop_server
trap - EXIT

ok=$(grep -cE '\.\.\. +ok' "$dir/regress.log")
bad=$(grep -cE '\.\.\. +FAILED|failed \(ignored\)' "$dir/regress.log")
[ -f "$dir/regress/regression.diffs" ] && [ "$bad" -gt 0 ] && head -c 8000 "$dir/regress/regression.diffs"

# A memcheck error is one block of a log, from its "==PID== <what>" line to the blank one.
errors_in_pgmig() {
    awk '/^==[0-9]+== [A-Z]/ { block = $0 "\n"; next }
         /^==[0-9]+== *$/   { if (block ~ /pgmig\.so/) printf "%s\n", block; block = ""; next }
         { block = block $0 "\n" }
         END { if (block ~ /pgmig\.so/) printf "%s\n", block }' "$dir"/logs/memcheck.*.log
}
report=$dir/pgmig-errors.txt
errors_in_pgmig >"$report"
n_pgmig=$(grep -cE '^==[0-9]+== (Invalid|Conditional|Use of uninit|Syscall param|[0-9,]+ bytes in [0-9,]+ blocks are definitely lost|Mismatched|Source and destination)' "$report")
n_all=$(cat "$dir"/logs/memcheck.*.log | grep -cE '^==[0-9]+== (Invalid|Conditional|Use of uninit|Syscall param|[0-9,]+ bytes in [0-9,]+ blocks are definitely lost)')
echo "valgrind: $(ls "$dir"/logs | wc -l) processes checked; memcheck errors: $n_all in all, $n_pgmig through pgmig.so"
head -c 20000 "$report"
if [ "$n_pgmig" -eq 0 ]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
echo "(logs kept in $dir)"
echo "$ok passed, $bad failed"
[ "$bad" -eq 0 ]
