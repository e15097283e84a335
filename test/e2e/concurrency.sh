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

# --- a deployer that starts while another runs a non-transactional migration ------------------
# it waits for the other's lease (docs/cli.md, "Locking and timeouts") and does not run the
# other's statements, nor record them
newdb e_lease
mkdir -p "$work/lease"
echo 'CREATE TABLE ls(id int);' >"$work/lease/1_ls.up.sql"
printf 'VACUUM ls;\nINSERT INTO ls SELECT 1 FROM pg_sleep(2);\nVACUUM ls;\n' >"$work/lease/2_nt.up.sql"
echo 'CREATE TABLE ls3(id int);' >"$work/lease/3_ls3.up.sql"
"$bin" up --dir "$work/lease" >"$run_dir/l1.out" 2>"$run_dir/l1.err" &
p1=$!
for _ in $(seq 1 60); do # until its statement runs
    [ -n "$(q -c "SELECT 1 FROM pg_stat_activity WHERE query LIKE '/* pgmig: 2 up statement 2 of 3 */%'")" ] && break
    sleep 0.05
done
pg up --dir "$work/lease"
wait $p1
r1=$?
expect_eq "lease: both deployers exit 0" "$r1,$rc" "0,0"
expect_err "lease: the second waits, naming the migration running outside a transaction" \
    "waiting for the deploy lock, held by pid [0-9]+ .*which runs migration 2 \(up statement 2\) outside a transaction"
expect_eq "lease: the statement ran once, every migration applied once" \
    "$(q -c "SELECT (SELECT count(*) FROM ls) || ',' || (SELECT string_agg(version || ':' || n, ',' ORDER BY version) FROM (SELECT version, count(*) n FROM mig.log WHERE action = 'apply' GROUP BY version) s)")" "1,1:1,2:1,3:1"
expect_eq "lease: given back at the end" "$(q -c "SELECT count(*) FROM mig.lease")" 0
