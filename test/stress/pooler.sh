# test/stress/pooler.sh: the races of race.sh through a real PgBouncer in transaction pooling
# mode (sourced by run.sh; PgBouncer and its deployer role: test/lib/pgbouncer.sh, shared with
# test/e2e/pooler.sh). Eight `pgmig up` of the same folder at once, sharing fewer server
# connections than there are deployers, and `pgmig up` racing `pgmig down --all`, all as the
# scram deployer over TCP. Each round is followed by check_trial, whose next `pgmig up` goes
# through the pooler too. Where pgbouncer is not installed the scenario says it was skipped: a
# pass at the reduced size, a failure at the full one.

# shellcheck source=../lib/pgbouncer.sh
. "$root/test/lib/pgbouncer.sh"

pooled_trial_db() { # NAME: trial_db, the deployer allowed to deploy both folders into it
    trial_db "$1"
    q -c "SELECT mig.grant_deployer('pool_deployer')" -c "GRANT CREATE ON SCHEMA public TO pool_deployer" \
        -c "GRANT SELECT, INSERT, DELETE ON audit TO pool_deployer" -c "GRANT INSERT ON ddl_log TO pool_deployer" \
        -c "ALTER TABLE big OWNER TO pool_deployer" >/dev/null
}

# stderr a racing deployer may print through the pooler: the documented waits, and the note
# that the timeouts do not apply to non-transactional statements (docs/cli.md, "Through a
# connection pooler")
pooled_unexpected_stderr() { # FILE...
    grep -hv '^note: through a connection pooler, --lock-timeout and --statement-timeout do not apply' "$@" |
        grep -vE "$allowed_stderr" | grep -v '^$' | head -10
}

pooled_eight() {
    local r db dir
    scen_begin "pooler: 8 concurrent pgmig up through PgBouncer (pool of $pool_size, tx and nt folders alternately)"
    for ((r = 1; r <= pool_rounds; r++)); do
        db=p8_$r dir=$work/tx
        ((r % 2 == 0)) && dir=$work/nt
        pooled_trial_db $db
        eight_ups "pooler 8 up #$r" p8 $db "$dir"
        drop_db $db
    done
    scen_end
}

pooled_up_down() {
    local r db
    scen_begin "pooler: pgmig up racing pgmig down --all through PgBouncer (nt folder, from 100 applied)"
    for ((r = 1; r <= pool_updown_rounds; r++)); do
        db=pud_$r
        pooled_trial_db $db
        up_races_down "pooler up/down --all #$r" pud $db "$work/nt" "0.$((RANDOM % 3))" --all
        drop_db $db
    done
    scen_end
}

pooler_scenario() {
    if [ ! -x "$pgb_bin" ]; then
        echo "pooler: skipped: pgbouncer not installed ($pgb_bin)"
        if [ "$size" = full ]; then bad "pooler: pgbouncer is required at the full size"; else ok; fi
        return
    fi
    pool_role
    if ! pgbouncer_start; then
        bad "pooler: PgBouncer starts ($pgb_bin)" "$(cat "$pgb/start.err" "$pgb/pgbouncer.log" 2>/dev/null | tail -10)"
        return
    fi
    echo "pooler: PgBouncer $(pgbouncer_version) in transaction pooling mode on 127.0.0.1:$pgb_port"
    via_pooler=1
    pooled_eight
    pooled_up_down
    via_pooler=
    pgbouncer_stop
    # its directory under /tmp (a checkout the postgres user cannot reach), unless something failed
    [ -L "$run_dir/pgbouncer" ] && [ "$failed" -eq 0 ] && rm -rf "$pgb"
}
