#!/usr/bin/env bash
# test/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]: builds the libFuzzer targets of the client's
# parsers (test/fuzz, clang, -fsanitize=fuzzer,address,undefined) in build-fuzz/ and runs each for
# SECONDS_PER_TARGET (default 60; `make test` gives 3, `make fuzz` FUZZ_TIME). Prints each
# target's executions and ends with "N passed, N failed" (a target passes when nothing crashed).
# A crash leaves its input in build-fuzz/crashes/ and prints the command that replays it.
#
# The corpus of each target starts from test/fuzz/seeds/TARGET and the files of test/fixtures
# that it reads, and grows in build-fuzz/corpus/TARGET from one run to the next.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
shift || true
build=${PGMIG_FUZZ_BUILD:-$root/build-fuzz}
all_targets=(names sections liquibase sqitch_plan config directives placeholders fast_split
             version_order index_statement)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

if ! command -v clang++ >/dev/null; then
    echo "fuzz: clang++ is not installed (apt-get install clang libclang-rt-14-dev)"
    echo "0 passed, 1 failed"
    exit 1
fi

mkdir -p "$build"
echo "fuzz: building the targets in $build"
if ! { CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DPGMIG_FUZZ=ON -DPGMIG_TESTS=OFF \
           -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
       cmake --build "$build" -j"${PGMIG_FUZZ_JOBS:-2}" --target fuzz_targets >"$build/build.log" 2>&1; }; then
    tail -n 40 "$build/build.log"
    echo "fuzz: build failed"
    echo "0 passed, 1 failed"
    exit 1
fi
rm -f "$build/build.log"

# Seeds from the repository's own migration files, for the targets that read such files.
fixture_seeds() { # target dir
    local t=$1 dir=$2 f i=0
    case $t in
    names)
        find "$root/test/fixtures" "$root/examples" -mindepth 1 -printf '%f\n' | sort -u |
            while read -r f; do printf '%s' "$f" >"$dir/name-$((i++))"; done ;;
    sections | fast_split | placeholders | index_statement | liquibase)
        find "$root/test/fixtures" "$root/examples" "$root/sql" -name '*.sql' -size -64k |
            while read -r f; do cp "$f" "$dir/file-$((i++))"; done ;;
    directives)
        find "$root/test/fixtures" "$root/examples" -name metadata.toml |
            while read -r f; do { printf '\001'; cat "$f"; } >"$dir/diesel-$((i++))"; done ;;
    esac
}

passed=0
failed=0
mkdir -p "$build/crashes"
for t in "${targets[@]}"; do
    exe=$build/fuzz/fuzz_$t
    corpus=$build/corpus/$t
    seeds=$build/seeds/$t
    rm -rf "$seeds"
    mkdir -p "$corpus" "$seeds"
    fixture_seeds "$t" "$seeds"
    log=$build/fuzz-$t.log
    # -timeout: an input that takes 10 s is a hang; leaks are reported (ASan's LeakSanitizer)
    "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
        -print_final_stats=1 -artifact_prefix="$build/crashes/$t-" \
        "$corpus" "$root/test/fuzz/seeds/$t" "$seeds" >"$log" 2>&1
    rc=$?
    execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -n 1)
    units=$(find "$corpus" -type f | wc -l)
    if [ $rc -eq 0 ]; then
        printf 'ok     %-16s %12s executions in %ss, corpus %d\n' "$t" "${execs:-?}" "$seconds" "$units"
        passed=$((passed + 1))
    else
        printf 'FAILED %-16s (exit %d) after %s executions\n' "$t" "$rc" "${execs:-?}"
        grep -E 'ERROR: |runtime error|invariant broken|SUMMARY|Test unit written' "$log" | head -n 12
        artifact=$(sed -nE 's/.*Test unit written to (.*)$/\1/p' "$log" | tail -n 1)
        [ -n "$artifact" ] && echo "       replay: $exe $artifact   (log: $log)"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
