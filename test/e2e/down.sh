# test/e2e/down.sh: down and its relatives: down --batch / --to / --all, redo, reset, goto (on
# databases that up --to set up), a failing down script, down of a failed or part-way rolled back
# non-transactional migration.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh down`.

# --- down variants, redo, reset, goto -----------------------------------------------------------
newdb e_verbs2
pg up --to 002 --dir "$fx/numbered"
expect_rc "up --to" 0
expect_eq "up --to 002: two applied" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 2
pg up --dir "$fx/numbered"
newdb e_batch
pg up --to 20240115090100 --dir "$fx/golang-migrate"
pg up --dir "$fx/golang-migrate"
pg down --batch --dir "$fx/golang-migrate"
expect_rc "down --batch" 0
expect_eq "down --batch: the last batch (after the enum label's commit) rolled back" \
    "$(q -c "SELECT string_agg(version, ',') FROM mig.status() WHERE state = 'applied'")" "20240115090000,20240115090100,20240115090200"
PGDATABASE=e_verbs2
pg down --to 001 --dir "$fx/numbered" -v
expect_rc "down --to 001 refused: 003 has no down script" 2
newdb e_verbs3
pg up --dir "$fx/golang-migrate"
pg redo --dir "$fx/golang-migrate"
expect_rc "redo" 0
expect_eq "redo: last migration applied again, in a new batch" \
    "$(q -c "SELECT state, batch > 1 FROM mig.status() WHERE version = '20240310000000'")" "applied|t"
pg goto 20240115090100 --dir "$fx/golang-migrate"
expect_rc "goto down" 0
expect_eq "goto down: 2 applied" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 2
pg goto 20240115090300 --dir "$fx/golang-migrate"
expect_rc "goto up" 0
expect_eq "goto up: 4 applied" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 4
pg reset --dir "$fx/golang-migrate"
expect_rc "reset" 0
expect_eq "reset: all applied in the latest batches" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 6
pg down --all --dir "$fx/golang-migrate"
expect_rc "down --all" 0
expect_eq "down --all: nothing applied, no user tables" \
    "$(q -c "SELECT (SELECT count(*) FROM mig.status() WHERE state = 'applied') + (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')")" 0
newdb e_downnt
pg up --dir "$fx/dbmate"
pg down --all --dir "$fx/dbmate"
expect_rc "down --all through a non-transactional down" 0
expect_eq "down --all: index and table gone" "$(q -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0

# --- a failing down script ----------------------------------------------------------------------
newdb e_downfail
mkdir -p "$work/downfail" && printf 'CREATE TABLE df(id int);\n' >"$work/downfail/1_df.up.sql" &&
    printf 'DROP TABLE df;\nDROP TABLE df_nosuch;\n' >"$work/downfail/1_df.down.sql"
pg up --dir "$work/downfail"
pg down --dir "$work/downfail"
expect_rc "sql error in down: exit 1" 1
expect_err "sql error in down: names the down file" "1_df.down.sql:2:1: ERROR: table \"df_nosuch\" does not exist"
expect_err "sql error in down: says nothing was rolled back" "nothing was rolled back"
expect_eq "sql error in down: still applied" "$(q -c "SELECT state FROM mig.status() WHERE version = '1'")" applied

# one at a time (a non-transactional down in the range): what was rolled back before the error
newdb e_downfail_steps
mkdir -p "$work/downsteps" && printf 'CREATE TABLE ds(id int);\n' >"$work/downsteps/1_ds.up.sql" &&
    printf 'DROP TABLE ds_nosuch;\n' >"$work/downsteps/1_ds.down.sql" &&
    printf 'CREATE INDEX CONCURRENTLY ds_i ON ds(id);\n' >"$work/downsteps/2_i.up.sql" &&
    printf 'DROP INDEX CONCURRENTLY ds_i;\n' >"$work/downsteps/2_i.down.sql"
pg up --dir "$work/downsteps"
pg down --all --dir "$work/downsteps"
expect_rc "sql error in down, one at a time: exit 1" 1
expect_err "sql error in down, one at a time: says how many were rolled back before" \
    "1 migration\\(s\\) were rolled back before this one"
expect_eq "sql error in down, one at a time: 2 rolled back, 1 still applied" \
    "$(q -c "SELECT string_agg(version || '=' || state, ',' ORDER BY version) FROM mig.status()")" "1=applied,2=pending"

# a non-transactional migration that failed at its first statement: status says how far it got;
# down undoes nothing of it (nothing ran) and leaves it pending, then goes on below it
newdb e_down_failed_first
mkdir -p "$work/dff" && printf 'CREATE TABLE dfa (id int);\n' >"$work/dff/1_a.up.sql" && printf 'DROP TABLE dfa;\n' >"$work/dff/1_a.down.sql" &&
    printf 'CREATE INDEX CONCURRENTLY dfb_idx ON nosuch (id);\nCREATE TABLE dfb (id int);\n' >"$work/dff/2_b.up.sql" &&
    printf 'DROP TABLE dfb;\nDROP INDEX CONCURRENTLY dfb_idx;\n' >"$work/dff/2_b.down.sql"
pg up --dir "$work/dff"
expect_rc "non-transactional, first statement fails: up: exit 1" 1
pg status --dir "$work/dff"
expect_eq "status: a failed migration shows its statements done" "$(awk '$1 == 2 {print $3, $(NF-4), $(NF-3), $(NF-2)}' <<<"$out")" "failed 0 of 2"
pg status --json --dir "$work/dff"
expect_eq "status --json: statements_done and statements" \
    "$(jq -c '[.migrations[] | select(.version == "2") | .statements_done, .statements]' <<<"$out" 2>/dev/null || echo nojq)" "[0,2]"
pg down --dir "$work/dff"
expect_rc "down of a migration that failed at its first statement: exit 0" 0
expect_eq "down: it is pending again, its down script not run" \
    "$(q -c "SELECT string_agg(version || ':' || state, ',' ORDER BY version) FROM mig.status()")" "1:applied,2:pending"
pg down --dir "$work/dff"
expect_eq "down: then the one below it" "$rc:$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'dfa'")" "0:0"

# a non-transactional down that fails part-way: status says so, up refuses (it looped, running
# nothing), down resumes at the failed statement
newdb e_ntx_down_partial
mkdir -p "$work/ndp" && printf 'CREATE TABLE ndp (id int);\n' >"$work/ndp/1_t.up.sql" && printf 'DROP TABLE ndp;\n' >"$work/ndp/1_t.down.sql" &&
    printf 'CREATE INDEX CONCURRENTLY ndp_a ON ndp (id);\nCREATE INDEX CONCURRENTLY ndp_b ON ndp (id);\n' >"$work/ndp/2_idx.up.sql" &&
    printf 'DROP INDEX CONCURRENTLY ndp_a;\nDROP INDEX CONCURRENTLY ndp_b;\nSELECT 1/0;\nSELECT 2;\n' >"$work/ndp/2_idx.down.sql"
pg up --dir "$work/ndp"
pg down --dir "$work/ndp"
expect_rc "ntx down fails part-way: exit 1" 1
expect_err "ntx down fails part-way: says it is rolled back part-way, down resumes" "2 idx is rolled back part-way: fix the cause and run .pgmig down. again"
pg status --dir "$work/ndp"
expect_eq "ntx down part-way: status shows the down's progress" "$(grep -c 'rolled back part-way: 2 of 4 down statements done' <<<"$out")" 1
timeout 20 "$bin" up --dir "$work/ndp" >"$run_dir/ndp.out" 2>&1
rc=$?
expect_eq "ntx down part-way: up refuses instead of looping (exit 2)" "$rc:$(grep -c 'is part-way rolled back (2 of 4 down statements done)' "$run_dir/ndp.out")" "2:1"
