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

# --- redo, reset, goto in one transaction (docs/cli.md, "redo, reset, goto") --------------------
# 2's up fails once at_guard is empty: the rollback before it is undone with it
newdb e_atomic
mkdir -p "$work/atomic" && printf 'CREATE TABLE at_a (id int);\n' >"$work/atomic/1_a.up.sql" &&
    printf 'DROP TABLE at_a;\n' >"$work/atomic/1_a.down.sql" &&
    printf 'CREATE TABLE at_b (id int);\nSELECT 1 / (SELECT count(*) FROM at_guard)::int;\n' >"$work/atomic/2_b.up.sql" &&
    printf 'DROP TABLE at_b;\n' >"$work/atomic/2_b.down.sql"
q -c "CREATE TABLE at_guard (x int); INSERT INTO at_guard VALUES (1)"
pg up --dir "$work/atomic"
expect_rc "atomic: up" 0
q -c "DELETE FROM at_guard"
before=$(snap)
pg redo --dir "$work/atomic"
expect_rc "atomic: redo whose up fails: exit 1" 1
expect_err "atomic: redo whose up fails: says nothing changed" "nothing changed: the rollback of 1 migration\\(s\\) was undone with it"
expect_eq "atomic: redo whose up fails: still applied, its table there, nothing changed" "$(snap)" "$before"
pg reset --dir "$work/atomic"
expect_rc "atomic: reset whose up fails: exit 1" 1
expect_err "atomic: reset whose up fails: says nothing changed" "nothing changed: the rollback of 2 migration\\(s\\) was undone with it"
expect_eq "atomic: reset whose up fails: nothing changed" "$(snap)" "$before"
q -c "INSERT INTO at_guard VALUES (1)"
pg redo --dir "$work/atomic"
expect_eq "atomic: redo: exit 0, no notice, applied again in a new batch" \
    "$rc:$err:$(q -c "SELECT state, batch > 1 FROM mig.status() WHERE version = '2'")" "0::applied|t"
# goto 0: everything down, nothing applied after it (0 is no migration here)
pg goto 0 --dir "$work/atomic"
expect_eq "atomic: goto 0: exit 0, nothing applied, the tables gone" \
    "$rc:$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'"):$(q -c "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'")" "0:0:at_guard"
pg goto 0 --dir "$work/atomic"
expect_rc "atomic: goto 0 with nothing applied: exit 0" 0
pg up --dir "$work/atomic"
# a version that is no migration (but 0) is refused before anything runs
before=$(snap)
pg goto 5 --dir "$work/atomic"
expect_rc "atomic: goto an unknown version: exit 2" 2
expect_err "atomic: goto an unknown version: says so" "unknown version \"5\""
expect_eq "atomic: goto an unknown version: nothing changed" "$(snap)" "$before"
# goto 0 whose last down fails (a view depends on its table): nothing rolled back (one
# transaction)
q -c "CREATE VIEW at_v AS SELECT * FROM at_a"
pg goto 0 --dir "$work/atomic"
expect_eq "atomic: goto 0 whose last down fails: exit 1, nothing changed" "$rc:$(snap)" "1:$before"
expect_err "atomic: goto 0 whose last down fails: says nothing was rolled back" "nothing was rolled back"
q -c "DROP VIEW at_v"

# goto V down then up in one go: 3 rolled back and 2 (added below it) applied, or neither
newdb e_atomic_goto
mkdir -p "$work/agoto" && printf 'CREATE TABLE ag_1 (id int);\n' >"$work/agoto/1_a.up.sql" &&
    printf 'DROP TABLE ag_1;\n' >"$work/agoto/1_a.down.sql" &&
    printf 'CREATE TABLE ag_3 (id int);\n' >"$work/agoto/3_c.up.sql" &&
    printf 'DROP TABLE ag_3;\n' >"$work/agoto/3_c.down.sql"
pg up --dir "$work/agoto"
printf 'CREATE TABLE ag_2 (id int);\nSELECT 1/0;\n' >"$work/agoto/2_b.up.sql" && printf 'DROP TABLE ag_2;\n' >"$work/agoto/2_b.down.sql"
before=$(snap)
pg goto 2 --dir "$work/agoto"
expect_eq "atomic: goto V whose up fails: exit 1, 3 still applied, nothing changed" "$rc:$(snap)" "1:$before"
printf 'CREATE TABLE ag_2 (id int);\n' >"$work/agoto/2_b.up.sql"
pg goto 2 --dir "$work/agoto"
expect_eq "atomic: goto V: 3 rolled back and 2 applied" \
    "$rc:$(q -c "SELECT string_agg(version || '=' || state, ',' ORDER BY version) FROM mig.status()"):$(q -c "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")" \
    "0:1=applied,2=applied,3=pending:ag_1,ag_2"
expect_eq "atomic: goto V: the rollback of 3 and the up of 2 in one transaction" \
    "$(q -c "SELECT string_agg(action || ' ' || version, ',' ORDER BY id) || ':' || count(DISTINCT xmin::text) FROM mig.log WHERE action IN ('rollback', 'apply') AND id > (SELECT max(id) - 2 FROM mig.log)")" \
    "rollback 3,apply 2:1"

# what commits separately is said before anything runs; no ERROR in the server's log (the
# client asks which downs are non-transactional instead of being refused)
newdb e_atomic_ntx
mkdir -p "$work/antx" && printf 'CREATE TABLE an (id int);\n' >"$work/antx/1_t.up.sql" &&
    printf 'DROP TABLE an;\n' >"$work/antx/1_t.down.sql" &&
    printf 'CREATE INDEX CONCURRENTLY an_i ON an (id);\n' >"$work/antx/2_idx.up.sql" &&
    printf 'DROP INDEX CONCURRENTLY an_i;\n' >"$work/antx/2_idx.down.sql"
pg up --dir "$work/antx"
errors_before=$(grep -c ERROR "$cluster/server.log")
pg down --dir "$work/antx"
expect_eq "atomic: down of a non-transactional migration: exit 0, index gone" \
    "$rc:$(q -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'an_i'")" "0:0"
sleep 0.3
expect_eq "atomic: down of a non-transactional migration: no ERROR in the server's log" \
    "$(($(grep -c ERROR "$cluster/server.log") - errors_before))" 0
pg up --dir "$work/antx"
pg down --all --dir "$work/antx"
expect_eq "atomic: down --all through a non-transactional down: exit 0, nothing left" \
    "$rc:$(q -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" "0:0"
pg up --dir "$work/antx"
pg redo --dir "$work/antx"
expect_rc "atomic: redo of a non-transactional down: exit 0" 0
expect_err "atomic: redo says the rollback commits before the up" \
    "redo: 2 idx has a non-transactional down: the rollback commits before the up runs"
pg reset --dir "$work/antx"
expect_rc "atomic: reset through a non-transactional down: exit 0" 0
expect_err "atomic: reset says the rollback commits first" \
    "reset: 2 idx has a non-transactional down: the rollback commits before the up runs, one migration at a time"
pg goto 1 --dir "$work/antx"
expect_eq "atomic: goto through a non-transactional down: exit 0, 2 pending" \
    "$rc:$(q -c "SELECT state FROM mig.status() WHERE version = '2'")" "0:pending"
pg up --dir "$work/antx"
pg goto 0 --dir "$work/antx"
expect_eq "atomic: goto 0 through a non-transactional down: exit 0, nothing applied" \
    "$rc:$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" "0:0"
sleep 0.3
errors_after=$(grep -c ERROR "$cluster/server.log")
expect_eq "atomic: down, redo, reset, goto of a non-transactional down: no ERROR in the server's log" \
    "$((errors_after - errors_before))" 0
# an up that runs outside a transaction: the rollback commits before it (said first)
printf 'DROP INDEX an_i;\n' >"$work/antx/2_idx.down.sql"
newdb e_atomic_ntx_up
pg up --dir "$work/antx"
pg reset --dir "$work/antx"
expect_rc "atomic: reset with a non-transactional up: exit 0" 0
expect_err "atomic: reset says the rollback commits before the non-transactional up" \
    "reset: 2 idx is non-transactional: the rollback and the migrations applied before it commit before it runs outside a transaction"

# a lock timeout in the apply that shares the rollback's transaction, with --lock-retries 0: the
# client never runs the transaction again (it would apply without the rollback, and find nothing
# to do); nothing changed. (With retries the server retries the statement inside the
# transaction: test/e2e/lock_retry.sh.)
newdb e_atomic_lock
q -c 'CREATE TABLE al_busy (id int)'
mkdir -p "$work/alock" && printf 'CREATE TABLE al_1 (id int);\n' >"$work/alock/1_a.up.sql" &&
    printf 'DROP TABLE al_1;\n' >"$work/alock/1_a.down.sql" &&
    printf 'CREATE TABLE al_2 (id int);\nALTER TABLE al_busy ADD COLUMN IF NOT EXISTS x int;\n' >"$work/alock/2_b.up.sql" &&
    printf 'DROP TABLE al_2;\n' >"$work/alock/2_b.down.sql"
pg up --dir "$work/alock"
before=$(snap)
psql -X -q -c 'BEGIN' -c 'LOCK TABLE al_busy IN ACCESS SHARE MODE' -c 'SELECT pg_sleep(1.5)' -c 'COMMIT' >/dev/null 2>&1 &
holder=$!
sleep 0.4
pg redo --lock-timeout 200ms --lock-retries 0 --dir "$work/alock"
wait $holder
expect_eq "atomic: lock timeout in redo's apply: exit 3 (as up after its retries), not retried" "$rc:$(grep -c retrying <<<"$err")" "3:0"
expect_err "atomic: lock timeout in redo's apply: says nothing changed" "nothing changed: the rollback of 1 migration"
expect_eq "atomic: lock timeout in redo's apply: nothing changed" "$(snap)" "$before"

# down --to a version no migration has, with a non-transactional down above it: refused as
# always (the server's unknown version), nothing rolled back
printf 'DROP INDEX CONCURRENTLY an_i;\n' >"$work/antx/2_idx.down.sql"
newdb e_atomic_down_to
pg up --dir "$work/antx"
before=$(snap)
pg down --to 1.5 --dir "$work/antx"
expect_eq "atomic: down --to an unknown version through a non-transactional down: exit 2, nothing changed" "$rc:$(snap)" "2:$before"
expect_err "atomic: down --to an unknown version: says so" "unknown version \"1.5\""
