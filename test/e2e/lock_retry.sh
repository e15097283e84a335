# test/e2e/lock_retry.sh: locks held by the application (docs/safety.md, "Lock timeouts: retry
# the statement"). A long transaction holds a lock on a table a migration alters: with
# --lock-timeout the deploy either succeeds once the lock is released, its earlier statements
# run once, or fails cleanly after its bound; while it waits it holds no lock on the table.

lr_hold() { # SECONDS SQL...: a psql session 'long_app' that runs SQL in a transaction, sleeps, commits;
    # returns once its lock is taken ($holder: its pid)
    local secs=$1
    shift
    local args=(-c 'BEGIN')
    for sql in "$@"; do args+=(-c "$sql"); done
    PGAPPNAME=long_app psql -X -q "${args[@]}" -c "SELECT pg_sleep($secs)" -c 'COMMIT' >/dev/null 2>&1 &
    holder=$!
    for _ in $(seq 100); do
        [ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'long_app'
                   AND query LIKE 'SELECT pg_sleep%'")" = 1 ] && return 0
        sleep 0.1
    done
}
lr_release() { # ends the holder's transaction now
    q -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'long_app'" >/dev/null
    wait $holder 2>/dev/null
}
lr_locks() { # the user tables the backend with application_name $1 holds a granted lock on
    q -c "SELECT coalesce(string_agg(DISTINCT c.relname, ',' ORDER BY c.relname), '') FROM pg_locks l
          JOIN pg_stat_activity a ON a.pid = l.pid JOIN pg_class c ON c.oid = l.relation
          JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE a.application_name = '$1' AND l.granted AND n.nspname = 'public'"
}

# --- the application commits while the deployer retries: applied, the INSERT ran once -----------
newdb e_lockretry
q -c 'CREATE TABLE app_t (id int)' -c 'CREATE TABLE audit (n int)'
mkdir -p "$work/lr"
printf 'INSERT INTO audit VALUES (1);\nALTER TABLE app_t ADD COLUMN note text;\n' >"$work/lr/1_note.up.sql"
lr_hold 4 'SELECT count(*) FROM app_t'
PGAPPNAME=lr_deployer "$bin" up --lock-timeout 200ms --lock-retries 100 --dir "$work/lr" \
    >"$run_dir/lr.out" 2>"$run_dir/lr.err" &
deployer=$!
# sampled while it waits (in the lock queue or backing off): audit (its first statement's), never app_t
held=""
for _ in 1 2 3 4 5 6 7 8; do
    sleep 0.2
    held="$held $(lr_locks lr_deployer)"
done
wait $deployer
rc=$?
err=$(cat "$run_dir/lr.err")
wait $holder
expect_rc "lock retry: applied once the application committed" 0
case "$held" in
*app_t*) bad "lock retry: the waiting deployer holds no lock on the table it waits for" "$held" ;;
*audit*) ok "lock retry: the waiting deployer holds no lock on the table it waits for" ;;
*) bad "lock retry: sampled while waiting (holds audit's lock)" "$held" ;;
esac
expect_eq "lock retry: the statement before it ran once" "$(q -c 'SELECT count(*) FROM audit')" 1
expect_eq "lock retry: the migration is applied" \
    "$(q -c "SELECT state FROM mig.status() WHERE version = '1'")" applied
expect_err "lock retry: says which statement retries" "lock timeout in migration 1 \(note\), statement 2"
expect_err "lock retry: names the holder (pid, application, query start)" \
    "public.app_t: pid [0-9]+ \(application 'long_app', AccessShareLock, query started"
expect_eq "lock retry: attempts in mig.log" \
    "$(q -c "SELECT count(*) > 0 FROM mig.log WHERE action = 'lock_retry' AND version = '1'")" t
expect_eq "lock retry: the log's chain holds" "$(q -c 'SELECT count(*) FROM mig.log_verify()')" 0
case "$err" in
*"retrying the transaction"*) bad "lock retry: the client does not rerun the transaction" "$err" ;;
*) ok "lock retry: the client does not rerun the transaction" ;;
esac

# --- the application keeps its lock: the deploy fails cleanly after --lock-retries ----------------
newdb e_lockgiveup
q -c 'CREATE TABLE app_t (id int)' -c 'CREATE TABLE audit (n int)'
lr_hold 60 'SELECT count(*) FROM app_t'
pg up --lock-timeout 100ms --lock-retries 2 --dir "$work/lr"
expect_rc "lock give-up: exit 3 after --lock-retries" 3
expect_err "lock give-up: keeps the lock timeout's error" "canceling statement due to lock timeout"
expect_err "lock give-up: says how many attempts" "ran the statement 3 times in [0-9.]+ s"
expect_eq "lock give-up: nothing of the migration stays" \
    "$(q -c 'SELECT count(*) FROM audit')|$(q -c 'SELECT count(*) FROM mig.applied')" "0|0"
# --lock-wait-max bounds the total wait whatever the retries
start=$(date +%s%N)
pg up --lock-timeout 100ms --lock-retries 1000 --lock-wait-max 700ms --dir "$work/lr"
ms=$((($(date +%s%N) - start) / 1000000))
expect_rc "lock give-up: exit 3 after --lock-wait-max" 3
if [ "$ms" -lt 6000 ]; then ok "lock give-up: --lock-wait-max bounds the wait (${ms} ms)"; else
    bad "lock give-up: --lock-wait-max bounds the wait" "took $ms ms"; fi
# pgmig.toml's lock_retries and lock_wait_max
printf 'lock_retries = 1\nlock_wait_max = "5s"\n' >"$work/lr_toml.toml"
pg --config "$work/lr_toml.toml" up --lock-timeout 100ms --dir "$work/lr"
expect_err "lock give-up: pgmig.toml's lock_retries" "ran the statement 2 times"
lr_release
pg up --lock-timeout 100ms --dir "$work/lr"
expect_rc "lock give-up: applies once the lock is gone" 0

# --- redo: the rollback and the apply in one transaction; the apply's statement is retried in it -
newdb e_lockredo
q -c 'CREATE TABLE app_t (id int)'
mkdir -p "$work/lrredo"
printf 'CREATE TABLE r_1 (id int);\n' >"$work/lrredo/1_a.up.sql"
printf 'DROP TABLE r_1;\n' >"$work/lrredo/1_a.down.sql"
printf 'CREATE TABLE r_2 (id int);\nALTER TABLE app_t ADD COLUMN IF NOT EXISTS x int;\n' >"$work/lrredo/2_b.up.sql"
printf 'DROP TABLE r_2;\n' >"$work/lrredo/2_b.down.sql"
pg up --dir "$work/lrredo"
batch_before=$(q -c "SELECT batch FROM mig.status() WHERE version = '2'")
lr_hold 1.5 'SELECT count(*) FROM app_t'
pg redo --lock-timeout 150ms --lock-retries 100 --dir "$work/lrredo"
wait $holder
expect_rc "lock retry in redo: the apply's statement is retried inside the transaction" 0
expect_err "lock retry in redo: it says so" "lock timeout in migration 2 \(b\), statement 2"
expect_eq "lock retry in redo: rolled back and applied again" \
    "$(q -c "SELECT batch > $batch_before FROM mig.status() WHERE version = '2'")" t

# --- a non-transactional migration: the client retries its statement -----------------------------
newdb e_locknontx
q -c 'CREATE TABLE app_t (id int)'
mkdir -p "$work/lrnt"
echo 'CREATE INDEX CONCURRENTLY app_t_id ON app_t (id);' >"$work/lrnt/1_idx.up.sql"
lr_hold 1.5 'LOCK TABLE app_t IN SHARE MODE'
pg up --lock-timeout 150ms --lock-retries 100 --dir "$work/lrnt"
wait $holder
expect_rc "lock retry outside a transaction: applied" 0
expect_err "lock retry outside a transaction: the statement is retried" \
    "lock timeout in migration 1 up statement 1 of 1 \(attempt 1 of 101\); the locks it needs are held by public.app_t: pid [0-9]+ \(application 'long_app', ShareLock, query started [^)]*\); retrying in"
expect_eq "lock retry outside a transaction: the index is valid" \
    "$(q -c "SELECT indisvalid FROM pg_index WHERE indexrelid = 'app_t_id'::regclass")" t
pg up --lock-timeout 150ms --lock-retries 0 --dir "$work/lrnt"
expect_rc "lock retry: --lock-retries 0 is accepted" 0
pg up --lock-retries many --dir "$work/lrnt"
expect_rc "lock retry: --lock-retries must be a number" 2
pg up --lock-wait-max soon --dir "$work/lrnt"
expect_rc "lock retry: --lock-wait-max must be a time" 2
