# test/e2e/pooler.sh: pgmig through a real PgBouncer in transaction pooling mode, in front of the
# run's cluster (docs/cli.md, "Through a connection pooler"): a deployer role over TCP with
# scram-sha-256; up, status, --dry-run, down, redo, a non-transactional migration (whose session
# settings must not stay behind on the pooler's server connections), 8 concurrent `pgmig up` of
# the same folder and `up` racing `down`, each trial followed by the consistency check. Skipped
# (one ok line saying so) only where the pgbouncer binary is absent.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh pooler`.

# PgBouncer, its deployer role, pooled_pgmig and pooled_q: shared with the fault suite
# shellcheck source=../lib/pgbouncer.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/pgbouncer.sh"

# pooled ARGS: pgmig as the deployer, through PgBouncer
pooled() {
    out=$(pooled_pgmig "$@" 2>"$run_dir/stderr")
    rc=$?
    err=$(cat "$run_dir/stderr")
}
pooled_bg() { # OUTFILE ARGS: pooled, in the background; output and exit code in OUTFILE(.rc)
    local f=$1
    shift
    (pooled_pgmig "$@" >"$f" 2>&1
        echo $? >"$f.rc") &
}

pool_db() { # NAME: a database for the deployer, with the audit table
    audit_db "$1"
    q -c "SELECT mig.grant_deployer('pool_deployer')" -c "GRANT CREATE ON SCHEMA public TO pool_deployer" \
        -c "GRANT SELECT, INSERT, DELETE ON audit TO pool_deployer" >/dev/null
}

# One ok or bad for a trial: consistent, then the next `pgmig up` (through the pooler) completes
# and applies every migration exactly once.
pool_check() { # LABEL DIR
    local msg n
    msg=$(disagreements 2>&1)
    if [ -n "$msg" ]; then bad "$1: consistent after the trial" "$msg"; return; fi
    pooled up --dir "$2"
    n=$(find "$2" -name '*.up.sql' | wc -l)
    msg=$(disagreements 2>&1)
    if [ "$rc" != 0 ] || [ -n "$msg" ] || [ "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" != "$n" ]; then
        bad "$1: consistent, and the next up completes" "exit $rc; $msg
$err"
    else
        ok "$1: consistent, and the next up completes"
    fi
}

if [ ! -x "$pgb_bin" ]; then
    ok "pooler: skipped: pgbouncer not installed"
else
pool_role
if ! pgbouncer_start; then
    bad "pooler: PgBouncer starts ($pgb_bin)" "$(cat "$pgb/start.err" "$pgb/pgbouncer.log" 2>/dev/null | tail -10)"
else
ok "pooler: PgBouncer $(pgbouncer_version) in transaction pooling mode on 127.0.0.1:$pgb_port"

# --- one deployer: up, status, --dry-run, down, redo ----------------------------------------------
pool_db e_pool
audit_folder "$work/pool" 1 10
pooled up --dir "$work/pool"
expect_rc "pooler: up" 0
expect_eq "pooler: up: 10 applied" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 10
expect_eq "pooler: the log names the deployer" "$(q -c "SELECT string_agg(DISTINCT role, ',') FROM mig.log")" "pool_deployer"
pooled status --json --dir "$work/pool"
expect_rc "pooler: status" 0
expect_eq "pooler: status: 10 applied" "$(jq '[.migrations[] | select(.state == "applied")] | length' <<<"$out" 2>&1)" 10
audit_folder "$work/pool" 11 12
before=$(snap)
pooled up --dry-run --dir "$work/pool"
expect_rc "pooler: up --dry-run" 0
grep -q '012' <<<"$out" && ok "pooler: --dry-run names the pending migrations" || bad "pooler: --dry-run names the pending migrations" "$out"
expect_eq "pooler: --dry-run changed nothing" "$(snap)" "$before"
pooled status --json --dir "$work/pool"
expect_eq "pooler: status: 2 new" "$(jq -r '[.migrations[] | select(.state != "applied") | .version + ":" + .state] | join(",")' <<<"$out" 2>&1)" "011:new,012:new"
printf 'SELECT pg_sleep(1.6);\n' >>"$work/pool/012_m012.up.sql"
pooled up --dir "$work/pool"
expect_rc "pooler: up of the 2 new ones" 0
# the apply's backend, found on a second connection through the pooler (the client's own
# backend pid is PgBouncer's, not the server's)
grep -qE '^running +012 m012' <<<"$out" && ok "pooler: a long apply names the running migration" || bad "pooler: a long apply names the running migration" "$out"
pooled down --batch --dir "$work/pool"
expect_rc "pooler: down --batch" 0
expect_eq "pooler: down --batch: the last batch rolled back" "$(q -c "SELECT string_agg(version, ',') FROM mig.status() WHERE state = 'pending'")" "011,012"
pooled redo --dir "$work/pool"
expect_rc "pooler: redo" 0
expect_eq "pooler: redo: 010 applied again" "$(q -c "SELECT count(*) FROM mig.log WHERE version = '010' AND action = 'apply'")" 2
pool_check "pooler: single deployer" "$work/pool"

# --- a non-transactional migration: done, and nothing of its session left on the pool -------------
printf 'CREATE INDEX CONCURRENTLY t001_i ON t001 (id);\n' >"$work/pool/013_nt.up.sql"
printf 'DROP INDEX CONCURRENTLY t001_i;\n' >"$work/pool/013_nt.down.sql"
printf 'CREATE TABLE t014 (id int);\nINSERT INTO audit VALUES (%s);\n' "'014'" >"$work/pool/014_m014.up.sql"
printf 'DROP TABLE t014;\nDELETE FROM audit WHERE v = %s;\n' "'014'" >"$work/pool/014_m014.down.sql"
pooled up --lock-timeout 4321ms --statement-timeout 98765ms --dir "$work/pool"
expect_rc "pooler: a non-transactional migration (CREATE INDEX CONCURRENTLY)" 0
expect_err "pooler: says the timeouts do not apply to its statements" "through a connection pooler, --lock-timeout and --statement-timeout do not apply"
expect_eq "pooler: its index is valid, the next one applied" \
    "$(q -c "SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = 't001_i'::regclass), (SELECT state FROM mig.status() WHERE version = '014')")" "t|applied"
# every server connection of the pool at once (each holds a transaction): none kept pgmig's timeouts
for i in $(seq $pool_size); do
    pooled_q -c "BEGIN" -c "SELECT current_setting('lock_timeout') || ' ' || current_setting('statement_timeout') || ' ' || current_setting('client_connection_check_interval'), pg_sleep(0.5)" -c "COMMIT" >"$run_dir/pool_set.$i" 2>&1 &
done
wait
expect_eq "pooler: no server connection keeps pgmig's session timeouts" "$(cat "$run_dir"/pool_set.* | sort -u)" "0 0 0|"
pooled down 2 --dir "$work/pool"
expect_rc "pooler: down of the non-transactional migration" 0
expect_eq "pooler: its index dropped" "$(q -c "SELECT count(*) FROM pg_class WHERE relname = 't001_i'")" 0
pool_check "pooler: non-transactional migration" "$work/pool"

# --- 8 concurrent deployers of the same folder ------------------------------------------------------
audit_folder "$work/race" 1 40 0.1
for round in 1 2 3; do
    pool_db "e_pool_race$round"
    for i in 1 2 3 4 5 6 7 8; do pooled_bg "$run_dir/race.$i" up --dir "$work/race"; done
    wait
    rcs=$(cat "$run_dir"/race.*.rc | sort -u | tr '\n' ' ')
    expect_eq "pooler: 8 concurrent ups, round $round: all exit 0" "$rcs" "0 "
    [ "$rcs" = "0 " ] || cat "$run_dir"/race.[1-8] | grep -v '^applied\|^waiting' | head -20
    expect_eq "pooler: 8 concurrent ups, round $round: each migration applied once" \
        "$(q -c "SELECT count(*), count(DISTINCT version) FROM mig.log WHERE action = 'apply'")" "40|40"
    pool_check "pooler: 8 concurrent ups, round $round" "$work/race"
done

# --- up racing down -----------------------------------------------------------------------------------
pool_db e_pool_updown
pooled up --dir "$work/race"
for round in 1 2 3; do
    pooled_bg "$run_dir/ud.down" down --to 010 --dir "$work/race"
    sleep 0.$((RANDOM % 5))
    pooled_bg "$run_dir/ud.up" up --dir "$work/race"
    wait
    expect_eq "pooler: up racing down, round $round: both exit 0" "$(cat "$run_dir/ud.down.rc") $(cat "$run_dir/ud.up.rc")" "0 0"
    pool_check "pooler: up racing down, round $round" "$work/race"
done

pgbouncer_stop
# its directory under /tmp (a checkout the postgres user cannot reach), unless something failed
[ -L "$run_dir/pgbouncer" ] && [ "$failed" -eq 0 ] && rm -rf "$pgb"
fi
fi
