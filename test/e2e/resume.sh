# test/e2e/resume.sh: interrupted deploys: a non-transactional migration that fails, a client
# killed with kill -9; what stays committed, and the rerun that completes.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh resume`.

# --- non-transactional failure, then resume -----------------------------------------------------
newdb e_resume
mkdir -p "$work/nt"
echo 'CREATE TABLE nt_a(x int);' >"$work/nt/1_a.up.sql"
printf 'CREATE INDEX CONCURRENTLY nt_i1 ON nt_a (x);\nCREATE INDEX CONCURRENTLY nt_i2 ON nt_later (x);\n' >"$work/nt/2_idx.up.sql"
pg up --dir "$work/nt"
expect_rc "non-transactional: failing statement exits 1" 1
expect_err "non-transactional: error names file, line 2" "2_idx.up.sql:2:[0-9]+: ERROR: relation \"nt_later\" does not exist"
expect_eq "non-transactional: first migration committed before it" "$(q -c "SELECT state FROM mig.status() WHERE version = '1'")" applied
st=$(q -c "SELECT state FROM mig.status() WHERE version = '2'")
[ "$st" = failed ] || [ "$st" = partial ] && ok "non-transactional: state $st" || bad "non-transactional: state after failure" "$st"
q -c 'CREATE TABLE nt_later(x int)'
pg up --dir "$work/nt"
expect_rc "non-transactional: rerun resumes and completes" 0
expect_eq "non-transactional: applied, both indexes" \
    "$(q -c "SELECT (SELECT state FROM mig.status() WHERE version = '2') || ',' || (SELECT count(*) FROM pg_indexes WHERE indexname IN ('nt_i1', 'nt_i2'))")" "applied,2"

# --- kill -9 of the client during a long deploy -------------------------------------------------
newdb e_kill
mkdir -p "$work/kill"
echo 'CREATE TABLE k1(id int);' >"$work/kill/1_k1.up.sql"
printf 'SELECT pg_sleep(2);\nCREATE TABLE k2(id int);\n' >"$work/kill/2_slow.up.sql"
echo 'CREATE TABLE k3(id int);' >"$work/kill/3_k3.up.sql"
"$bin" up --dir "$work/kill" >/dev/null 2>&1 &
victim=$!
sleep 0.8
kill -9 $victim
wait $victim 2>/dev/null
expect_eq "kill -9: nothing applied while the deploy was cut" \
    "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 0
pg up --dir "$work/kill" --lock-wait 30
expect_rc "kill -9: rerun completes" 0
expect_eq "kill -9: each migration applied exactly once" \
    "$(q -c "SELECT string_agg(version || ':' || n, ',' ORDER BY version) FROM (SELECT version, count(*) n FROM mig.log WHERE action = 'apply' GROUP BY version) s")" "1:1,2:1,3:1"
expect_eq "kill -9: tables exist" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename IN ('k1', 'k2', 'k3')")" 3

# kill -9 in the middle of a non-transactional migration: the rerun resumes after the last
# statement that was recorded
newdb e_kill_nt
mkdir -p "$work/killnt"
echo 'CREATE TABLE kn(id int);' >"$work/killnt/1_kn.up.sql"
printf 'VACUUM kn;\nSELECT pg_sleep(2);\nCREATE TABLE kn_after(id int);\n' >"$work/killnt/2_nt.up.sql"
"$bin" up --dir "$work/killnt" >/dev/null 2>&1 &
victim=$!
sleep 1
kill -9 $victim
wait $victim 2>/dev/null
st=$(q -c "SELECT state FROM mig.status() WHERE version = '2'")
[ "$st" = partial ] && ok "kill -9 (non-transactional): state partial after the kill" || bad "kill -9 (non-transactional): state partial" "$st"
sleep 1.5
pg up --dir "$work/killnt"
expect_rc "kill -9 (non-transactional): rerun completes" 0
expect_eq "kill -9 (non-transactional): applied once, table created" \
    "$(q -c "SELECT (SELECT state FROM mig.status() WHERE version = '2') || ',' || (SELECT count(*) FROM mig.log WHERE action = 'apply' AND version = '2') || ',' || (SELECT count(*) FROM pg_tables WHERE tablename = 'kn_after')")" "applied,1,1"

# --- an interrupted CREATE INDEX CONCURRENTLY (docs/troubleshooting.md) -----------------------
# its effect without its record: a valid index of that name is recorded done, not built again
newdb e_cic_valid
mkdir -p "$work/cicv"
echo 'CREATE TABLE cv(id int);' >"$work/cicv/1_cv.up.sql"
printf 'CREATE INDEX CONCURRENTLY cv_i ON cv (id);\n' >"$work/cicv/2_cv_i.up.sql"
pg up --dir "$work/cicv" --to 1
q -c "CREATE INDEX cv_i ON cv (id)" # as a killed deploy leaves it: built, not recorded
pg up --dir "$work/cicv"
expect_rc "interrupted CIC, index valid: up completes" 0
expect_err "interrupted CIC, index valid: says it was recorded done" "index public.cv_i exists and is valid .*recorded done"
expect_eq "interrupted CIC, index valid: applied once" \
    "$(q -c "SELECT state FROM mig.status() WHERE version = '2'")" applied
# an invalid index (a build that was cut) is dropped and built again
newdb e_cic_invalid
mkdir -p "$work/cici"
echo 'CREATE TABLE ci(id int); INSERT INTO ci VALUES (1), (1);' >"$work/cici/1_ci.up.sql"
printf 'DELETE FROM ci WHERE ctid <> (SELECT min(ctid) FROM ci);\n' >"$work/cici/2_dedupe.up.sql"
printf 'CREATE UNIQUE INDEX CONCURRENTLY ci_u ON ci (id);\n' >"$work/cici/3_ci_u.up.sql"
pg up --dir "$work/cici" --to 1
q -c "CREATE UNIQUE INDEX CONCURRENTLY ci_u ON ci (id)" 2>/dev/null # fails: leaves ci_u invalid
expect_eq "interrupted CIC: the leftover index is invalid" \
    "$(q -c "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ci_u'::regclass")" f
pg up --dir "$work/cici"
expect_rc "interrupted CIC, index invalid: up completes" 0
expect_err "interrupted CIC, index invalid: says it drops and builds it again" "index public.ci_u exists but is invalid .*dropping it and building it again"
expect_eq "interrupted CIC, index invalid: now valid, applied" \
    "$(q -c "SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = 'ci_u'::regclass) || ',' || (SELECT state FROM mig.status() WHERE version = '3')")" "true,applied"
# DROP INDEX CONCURRENTLY whose index is gone already: recorded done
newdb e_dic
mkdir -p "$work/dic"
echo 'CREATE TABLE dc(id int); CREATE INDEX dc_i ON dc (id);' >"$work/dic/1_dc.up.sql"
printf 'DROP INDEX CONCURRENTLY dc_i;\n' >"$work/dic/2_drop.up.sql"
pg up --dir "$work/dic" --to 1
q -c "DROP INDEX dc_i"
pg up --dir "$work/dic"
expect_rc "interrupted DROP INDEX CONCURRENTLY: up completes" 0
expect_err "interrupted DROP INDEX CONCURRENTLY: recorded done" "index dc_i is not there"

# kill -9 of the client while the server builds the index: the server stops the build within a
# second (client_connection_check_interval), the rerun builds it once, valid
newdb e_cic_kill
mkdir -p "$work/cick"
cat >"$work/cick/1_slow.up.sql" <<'SQL'
CREATE FUNCTION slow_id(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS
$$BEGIN PERFORM pg_catalog.pg_sleep(0.02); RETURN $1; END$$;
CREATE TABLE sk(id int);
INSERT INTO sk SELECT g FROM generate_series(1, 150) g;
SQL
printf 'CREATE INDEX CONCURRENTLY sk_i ON sk (slow_id(id));\n' >"$work/cick/2_sk_i.up.sql"
pg up --dir "$work/cick" --to 1
"$bin" up --dir "$work/cick" >/dev/null 2>&1 &
victim=$!
for _ in $(seq 1 40); do # until the build runs
    [ -n "$(q -c "SELECT 1 FROM pg_stat_activity WHERE query LIKE '/* pgmig: 2 up statement 1 of 1 */%'")" ] && break
    sleep 0.05
done
kill -9 $victim
wait $victim 2>/dev/null
pg up --dir "$work/cick"
expect_rc "kill -9 during CREATE INDEX CONCURRENTLY: the rerun completes" 0
expect_err "kill -9 during CREATE INDEX CONCURRENTLY: the cut build's invalid index is dropped and built again" \
    "index public.sk_i exists but is invalid"
expect_eq "kill -9 during CREATE INDEX CONCURRENTLY: one valid index, applied once" \
    "$(q -c "SELECT (SELECT count(*) FROM pg_index WHERE indexrelid::regclass::text LIKE 'sk_i%') || ',' || (SELECT indisvalid FROM pg_index WHERE indexrelid = 'sk_i'::regclass) || ',' || (SELECT count(*) FROM mig.log WHERE action IN ('apply', 'apply_statement') AND version = '2' AND message IS NULL AND action = 'apply')")" "1,true,1"

# --- what a statement cut by a deploy that died left, for more kinds of statement -------------
# a REINDEX CONCURRENTLY cut in the middle leaves an invalid NAME_ccnew: dropped, then run again
newdb e_reindex_cut
mkdir -p "$work/rxc"
echo 'CREATE TABLE rx(id int); INSERT INTO rx VALUES (1), (1); CREATE INDEX rx_i ON rx (id);' >"$work/rxc/1_rx.up.sql"
printf 'REINDEX INDEX CONCURRENTLY rx_i;\n' >"$work/rxc/2_reindex.up.sql"
pg up --dir "$work/rxc" --to 1
q -c "CREATE UNIQUE INDEX CONCURRENTLY rx_i_ccnew ON rx (id)" 2>/dev/null # fails: invalid, as a cut REINDEX leaves it
pg up --dir "$work/rxc"
expect_rc "interrupted REINDEX CONCURRENTLY: up completes" 0
expect_err "interrupted REINDEX CONCURRENTLY: says what it drops" "invalid index\(es\) public.rx_i_ccnew left by an interrupted REINDEX CONCURRENTLY"
expect_eq "interrupted REINDEX CONCURRENTLY: no invalid index left, applied" \
    "$(q -c "SELECT (SELECT count(*) FROM pg_index WHERE NOT indisvalid) || ',' || (SELECT state FROM mig.status() WHERE version = '2')")" "0,applied"

# ALTER TYPE … ADD VALUE whose label is there already: recorded done, not run again
newdb e_enum_cut
mkdir -p "$work/enc"
echo "CREATE TYPE mood AS ENUM ('sad'); CREATE TABLE en(id int);" >"$work/enc/1_mood.up.sql"
printf "VACUUM en;\nALTER TYPE mood ADD VALUE 'happy';\n" >"$work/enc/2_happy.up.sql"
pg up --dir "$work/enc" --to 1
q -c "ALTER TYPE mood ADD VALUE 'happy'"
pg up --dir "$work/enc"
expect_rc "ADD VALUE whose label exists: up completes" 0
expect_err "ADD VALUE whose label exists: recorded done" "type mood has the label 'happy' already: recorded done"

# a statement that can run in a transaction runs in one with its record: a kill cannot part them
newdb e_wrapped
mkdir -p "$work/wrapnt"
echo 'CREATE TABLE wr(id int);' >"$work/wrapnt/1_wr.up.sql"
printf 'VACUUM wr;\nINSERT INTO wr SELECT 1 FROM pg_sleep(2);\n' >"$work/wrapnt/2_nt.up.sql"
"$bin" up --dir "$work/wrapnt" >/dev/null 2>&1 &
victim=$!
sleep 1
kill -9 $victim
wait $victim 2>/dev/null
pg up --dir "$work/wrapnt" --lock-wait 30
expect_rc "kill -9 during a statement run with its record: the rerun completes" 0
expect_eq "kill -9 during a statement run with its record: its row inserted once" "$(q -c "SELECT count(*) FROM wr")" 1

# a statement that cannot run in a transaction, cannot be checked and is not safe to repeat, cut
# by a deploy that died (its lease, dead, names it): refused, with what to check and do
newdb e_refuse
mkdir -p "$work/refuse"
echo 'CREATE TABLE rf(id int);' >"$work/refuse/1_rf.up.sql"
printf 'VACUUM rf;\nCREATE DATABASE e_refuse_made;\n' >"$work/refuse/2_db.up.sql"
pg up --dir "$work/refuse" --to 1
q -c "DROP DATABASE IF EXISTS e_refuse_made"
q -c "SELECT count(*) FROM mig.lease('take', 'a-deploy-that-died', '2', 'up', 2)" >/dev/null
q -c "UPDATE mig.lease SET renewed = now() - interval '1 minute'"
pg up --dir "$work/refuse"
expect_rc "cut statement that cannot be checked: refused (exit 2)" 2
expect_err "cut statement that cannot be checked: says what to check and how to go on" \
    "migration 2 up statement 2 was running when a deploy was interrupted.*|SELECT mig.record_statement\('2', 2, 'up'\)"
expect_eq "cut statement that cannot be checked: not run, statement 1 done" \
    "$(q -c "SELECT (SELECT count(*) FROM pg_database WHERE datname = 'e_refuse_made') || ',' || (SELECT statements_done FROM mig.status() WHERE version = '2')")" "0,1"
q -c "CREATE DATABASE e_refuse_made" # the user checks: it did not take effect; runs it, records it
q -c "SELECT mig.record_statement('2', 2, 'up')" >/dev/null
pg up --dir "$work/refuse"
expect_rc "cut statement recorded done by the user: up completes" 0
expect_eq "cut statement recorded done by the user: applied" "$(q -c "SELECT state FROM mig.status() WHERE version = '2'")" applied
q -c "DROP DATABASE IF EXISTS e_refuse_made"
