# test/e2e/concurrency.sh: two deployers at once; the deploy lock held by someone else
# (--lock-wait, exit 3); a migration's own lock_timeout, retried.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh concurrency`.

# --- two deployers at once ----------------------------------------------------------------------
newdb e_conc
mkdir -p "$work/conc"
echo 'CREATE TABLE c1(id int);' >"$work/conc/1_c1.up.sql"
printf 'SELECT pg_sleep(1);\nCREATE TABLE c2(id int);\n' >"$work/conc/2_slow.up.sql"
echo 'CREATE TABLE c3(id int);' >"$work/conc/3_c3.up.sql"
"$bin" up --dir "$work/conc" >"$run_dir/c1.out" 2>&1 &
p1=$!
"$bin" up --dir "$work/conc" >"$run_dir/c2.out" 2>&1 &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
expect_eq "concurrency: both deployers exit 0" "$r1,$r2" "0,0"
expect_eq "concurrency: each migration applied exactly once" \
    "$(q -c "SELECT string_agg(version || ':' || n, ',' ORDER BY version) FROM (SELECT version, count(*) n FROM mig.log WHERE action = 'apply' GROUP BY version) s")" "1:1,2:1,3:1"

# --- lock held by someone else: wait, show who, give up with exit 3 -----------------------------
newdb e_lock
mkdir -p "$work/lock" && echo 'CREATE TABLE l1();' >"$work/lock/1_l1.up.sql"
PGAPPNAME=holder_app psql -X -q -c 'BEGIN' -c 'SELECT mig.lock()' -c 'SELECT pg_sleep(3)' -c 'COMMIT' >/dev/null 2>&1 &
holder=$!
sleep 0.7
pg up --lock-wait 1 --dir "$work/lock"
expect_rc "lock: not obtained within --lock-wait: exit 3" 3
expect_err "lock: says who holds it" "holder_app"
wait $holder
pg up --dir "$work/lock"
expect_rc "lock: works once released" 0
# lock_timeout on the migration's own lock: retried with back-off
newdb e_locktimeout
q -c 'CREATE TABLE busy(id int)'
mkdir -p "$work/lt" && echo 'ALTER TABLE busy ADD COLUMN x int;' >"$work/lt/1_alter.up.sql"
psql -X -q -c 'BEGIN' -c 'LOCK TABLE busy' -c 'SELECT pg_sleep(1.2)' -c 'COMMIT' >/dev/null 2>&1 &
holder=$!
sleep 0.4
pg up --lock-timeout 200ms --dir "$work/lt"
wait $holder
expect_rc "lock_timeout: retried with back-off, then applied" 0
expect_err "lock_timeout: says it retries" "retrying"
