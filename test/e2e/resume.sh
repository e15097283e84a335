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
