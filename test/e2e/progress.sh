# test/e2e/progress.sh: what a deploy tells while it runs (docs/cli.md, "Output"): when stdout
# is a pipe, a line naming a migration that runs for long and a line as each ends,
# pg_stat_activity naming the running migration, the server's progress NOTICEs for psql users,
# and pgmig.log_level's server log lines (none by default, and no ERROR for a normal rollback). Sourced by run.sh; alone:
# `bash test/e2e/run.sh progress`.
pw_dir=$work/progress
rm -rf "$pw_dir" && mkdir -p "$pw_dir"
slow_up() { # FILE SECONDS [transaction:false]
    printf -- '-- migrate:up %s\nSELECT pg_catalog.pg_sleep(%s);\nCREATE TABLE %s (x int);\n-- migrate:down %s\nDROP TABLE %s;\n' \
        "${3:-}" "$2" "$4" "${3:-}" "$4" >"$pw_dir/$1"
}
slow_up 20240101000001_first.sql 0.2 "" p_first
slow_up 20240101000002_second_one.sql 1.5 "" p_second
slow_up 20240101000003_third.sql 0 "" p_third
newdb e2e_progress
server_log=$cluster/server.log
log_lines_before=$(wc -l <"$server_log")

# a piped deploy: each line as it happens (the pipe is read while the deploy runs)
"$bin" --dir "$pw_dir" up 2>"$run_dir/stderr" | while IFS= read -r line; do
    printf '%s %s\n' "$(date +%s.%N)" "$line"
done >"$pw_dir/timed.txt" &
deploy=$!
seen=""
for _ in $(seq 1 60); do # the running migration in pg_stat_activity, within 3 s
    seen=$(q -d e2e_progress -c "SELECT query FROM pg_stat_activity WHERE application_name LIKE 'pgmig %' AND query LIKE '/* pgmig: applying 20240101000002 %'")
    [ -n "$seen" ] && break
    sleep 0.05
done
wait $deploy
grep -q '/\* pgmig: applying 20240101000002 second_one \*/ SELECT' <<<"$seen" &&
    ok "progress: pg_stat_activity names the running migration" ||
    bad "progress: pg_stat_activity names the running migration" "$seen"
out=$(cut -d' ' -f2- "$pw_dir/timed.txt")
want="running     20240101000002 second_one
applied     20240101000001 first
applied     20240101000002 second_one
applied     20240101000003 third
applied 3 migration(s) in"
expect_eq "progress: piped, the long migration named while it runs, a line as each ends, a summary" \
    "$(sed -E 's/ \([^)]*\)$//; s/(applied 3 migration\(s\) in).*/\1/' <<<"$out")" "$want"
grep -q 'running     20240101000002 second_one (migration 2 of 3, after 1\.[0-9] s)' <<<"$out" &&
    ok "progress: piped, which of the transaction's migrations it is" || bad "progress: which migration of the transaction" "$out"
# "running second_one" is read well before "applied second_one": printed while it runs
t_start=$(grep ' running     20240101000002' "$pw_dir/timed.txt" | cut -d' ' -f1)
t_end=$(grep ' applied     20240101000002' "$pw_dir/timed.txt" | cut -d' ' -f1)
awk -v a="$t_start" -v b="$t_end" 'BEGIN { exit !(b - a > 0.3) }' &&
    ok "progress: the running line reaches the pipe while the migration runs" ||
    bad "progress: the running line reaches the pipe while the migration runs" "$(cat "$pw_dir/timed.txt")"

# a non-transactional statement is named too
printf -- '-- migrate:up transaction:false\nSELECT pg_catalog.pg_sleep(1.5);\n-- migrate:down\nSELECT 1;\n' \
    >"$pw_dir/20240101000004_outside.sql"
"$bin" --dir "$pw_dir" up >"$pw_dir/out4.txt" 2>&1 &
deploy=$!
seen=""
for _ in $(seq 1 60); do
    seen=$(q -d e2e_progress -c "SELECT query FROM pg_stat_activity WHERE application_name LIKE 'pgmig %' AND query LIKE '/* pgmig: %statement%'")
    [ -n "$seen" ] && break
    sleep 0.05
done
wait $deploy
grep -q '/\* pgmig: 20240101000004 up statement 1 of 1 \*/ SELECT pg_catalog.pg_sleep' <<<"$seen" &&
    ok "progress: pg_stat_activity names a non-transactional migration's statement" ||
    bad "progress: pg_stat_activity names a non-transactional migration's statement" "$seen"

# an error's position in a non-transactional statement is the file's, the comment not counted
mkdir -p "$pw_dir/bad"
printf -- '-- migrate:up transaction:false\nSELECT 1;\nSELECT nosuchcolumn FROM pg_class;\n-- migrate:down\nSELECT 1;\n' \
    >"$pw_dir/bad/20240101000005_bad_outside.sql"
newdb e2e_progress_bad
pg --dir "$pw_dir/bad" up
expect_err "progress: a failing non-transactional statement: its file, line and column" \
    "20240101000005_bad_outside.sql:3:8"
export PGDATABASE=e2e_progress

# --quiet and --json: no progress lines
slow_up 20240101000006_more.sql 0 "" p_more
newdb e2e_progress_q
pg --dir "$pw_dir" up --quiet
expect_eq "progress: --quiet prints nothing" "$out" ""

# psql users: SET pgmig.progress = on shows the NOTICEs; off (the default) shows none
newdb e2e_progress_psql
q -d e2e_progress_psql -c "SELECT mig.upload('1', 'one', 'CREATE TABLE psql_one (x int)', NULL)" >/dev/null
notices=$(psql -X -q -d e2e_progress_psql -c "SET pgmig.progress = on" -c "SELECT count(*) FROM mig.apply()" 2>&1 >/dev/null)
grep -q 'NOTICE:  pgmig: applying 1 one' <<<"$notices" && grep -qE 'NOTICE:  pgmig: applied 1 one in [0-9.]+ ms' <<<"$notices" &&
    ok "progress: SET pgmig.progress = on: a NOTICE as each migration starts and ends" ||
    bad "progress: SET pgmig.progress = on: NOTICEs" "$notices"
q -d e2e_progress_psql -c "SELECT mig.upload('2', 'two', 'CREATE TABLE psql_two (x int)', NULL)" >/dev/null
notices=$(psql -X -q -d e2e_progress_psql -c "SELECT count(*) FROM mig.apply()" 2>&1 >/dev/null)
expect_eq "progress: no NOTICE by default" "$notices" ""

# the server log: nothing from pgmig by default (no ERROR for a normal non-transactional
# rollback), one line per migration with pgmig.log_level = log
PGDATABASE=e2e_progress pg --dir "$pw_dir" down --all
expect_rc "progress: down through a non-transactional migration" 0
sleep 0.3
new_log=$(tail -n +"$((log_lines_before + 1))" "$server_log")
grep -E 'ERROR|pgmig:' <<<"$new_log" | grep -v 'nosuchcolumn' >"$pw_dir/log_noise.txt"
expect_eq "progress: the server log has no ERROR and no pgmig line by default" "$(cat "$pw_dir/log_noise.txt")" ""
log_lines_before=$(wc -l <"$server_log")
PGOPTIONS='-c pgmig.log_level=log' PGDATABASE=e2e_progress pg --dir "$pw_dir" up
expect_rc "progress: up with pgmig.log_level = log" 0
sleep 0.3
n=$(tail -n +"$((log_lines_before + 1))" "$server_log" | grep -cE 'LOG:  pgmig: applied migration 2024010100000[0-9] \([a-z_]+\) in [0-9.]+ ms as postgres$')
expect_eq "progress: pgmig.log_level = log: one server log line per migration" "$n" "4"
