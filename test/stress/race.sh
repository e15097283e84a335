# test/stress/race.sh: racing deployers (sourced by run.sh): eight `pgmig up` at once, `up`
# racing `down`, `up` racing `SELECT * FROM mig.apply()` from psql, and a deployer waiting while
# another builds an index concurrently. No error but the documented waits, no double apply, no
# deadlock, and the waiter never blocks the index build.

# stderr lines a racing deployer may print: the documented waits
allowed_stderr='^(waiting for the deploy lock, held by |waiting for pid [0-9]+, which still runs this statement)'
unexpected_stderr() { # FILE...
    cat "$@" | grep -vE "$allowed_stderr" | grep -v '^$' | head -10
}

# stderr of racing deployers that is not a documented wait (through the pooler, its note too)
racer_stderr() { # FILE...
    if [ -n "$via_pooler" ]; then pooled_unexpected_stderr "$@"; else unexpected_stderr "$@"; fi
}

# eight_ups LABEL OUT DB DIR: 8 concurrent `pgmig up` of DIR into DB (as the deployer through
# the pooler while via_pooler is set, lib.sh); one bad naming their exit codes and unexpected
# stderr, or check_trial
eight_ups() {
    local label=$1 out=$2 db=$3 dir=$4 i pids=() rcs="" msg
    for ((i = 1; i <= 8; i++)); do
        deployer up --dir "$dir" --lock-wait 120 >"$run_dir/$out.$i.out" 2>"$run_dir/$out.$i.err" &
        pids+=($!)
    done
    for i in "${pids[@]}"; do
        wait "$i"
        rcs+="$? "
    done
    scen_trials=$((scen_trials + 1))
    msg=$(racer_stderr "$run_dir/$out".*.err)
    if [ "$rcs" != "0 0 0 0 0 0 0 0 " ] || [ -n "$msg" ]; then
        bad "$label ($(basename "$dir")): exits $rcs" "$msg"
    else
        check_trial "$label" "$db" "$dir"
    fi
}

race_eight() {
    local r i db dir pids rcs msg
    scen_begin "8 concurrent pgmig up of the same folder (tx and nt folders alternately)"
    for ((r = 1; r <= race_rounds; r++)); do
        db=r8_$r dir=$work/tx
        ((r % 2 == 0)) && dir=$work/nt
        trial_db $db
        eight_ups "race 8 up #$r" r8 $db "$dir"
        drop_db $db
    done
    scen_end
}

other_rounds() { local n=$((race_rounds / 5)); echo $((n < 2 ? 2 : n)); }

# up_races_down LABEL OUT DB DIR DELAY DOWN_ARGS...: with 100 of DIR applied to DB, `up` racing
# `down DOWN_ARGS` (started DELAY seconds later); one bad naming their exits and unexpected
# stderr, or check_trial
up_races_down() {
    local label=$1 out=$2 db=$3 dir=$4 delay=$5 p1 p2 r1 r2 msg
    shift 5
    deployer up --dir "$dir" --to 100 -q >/dev/null 2>&1
    q -c "TRUNCATE ddl_log" # indexes dropped by down and built again count once more
    deployer up --dir "$dir" --lock-wait 120 >"$run_dir/$out.1.out" 2>"$run_dir/$out.1.err" &
    p1=$!
    [ -n "$delay" ] && sleep "$delay"
    deployer down "$@" --yes --lock-wait 120 >"$run_dir/$out.2.out" 2>"$run_dir/$out.2.err" &
    p2=$!
    wait $p1
    r1=$?
    wait $p2
    r2=$?
    scen_trials=$((scen_trials + 1))
    msg=$(racer_stderr "$run_dir/$out".*.err)
    if [ "$r1,$r2" != 0,0 ] || [ -n "$msg" ]; then
        bad "$label: exits $r1,$r2" "$msg"
    else
        check_trial "$label" "$db" "$dir"
    fi
}

race_up_down() {
    local r db rounds=$(other_rounds)
    scen_begin "pgmig up racing pgmig down --to 050 (nt folder, from 100 applied)"
    for ((r = 1; r <= rounds; r++)); do
        db=rud_$r
        trial_db $db
        up_races_down "race up/down #$r" rud $db "$work/nt" "" --to 050
        drop_db $db
    done
    scen_end
}

race_up_apply() {
    local r db dir=$work/tx p1 r1 errs rounds=$(other_rounds)
    scen_begin "pgmig up --per-migration racing SELECT * FROM mig.apply() from psql (tx folder)"
    for ((r = 1; r <= rounds; r++)); do
        db=rua_$r
        trial_db $db
        "$bin" up --dir "$dir" --per-migration --lock-wait 120 >"$run_dir/rua.out" 2>"$run_dir/rua.err" &
        p1=$!
        errs=0
        while kill -0 $p1 2>/dev/null; do
            q -c "SELECT count(*) FROM mig.apply()" >/dev/null 2>>"$run_dir/rua.psql.err" || errs=$((errs + 1))
            sleep 0.05
        done
        wait $p1
        r1=$?
        scen_trials=$((scen_trials + 1))
        if [ "$r1" != 0 ] || [ "$errs" != 0 ] || [ -n "$(unexpected_stderr "$run_dir/rua.err")" ]; then
            bad "race up/mig.apply #$r: exit $r1, $errs psql errors" "$(cat "$run_dir/rua.err" "$run_dir/rua.psql.err")"
        else
            check_trial "race up/mig.apply #$r" $db "$dir"
        fi
        rm -f "$run_dir/rua.psql.err"
        drop_db $db
    done
    scen_end
}

# A waits in no transaction while B builds an index (CREATE INDEX CONCURRENTLY waits for every
# transaction with an older snapshot: a waiter polling inside one would stall the build), and
# does not run B's statement itself.
race_waiter_cic() {
    local r db dir=$work/slow p1 p2 r1 r2 i blocked started waited msg rounds=$(((race_rounds + 9) / 10))
    rm -rf "$dir" && mkdir -p "$dir"
    printf "CREATE TABLE t001 (id int PRIMARY KEY, note text);\nINSERT INTO audit VALUES ('001');\n" >"$dir/001_a.up.sql"
    printf 'CREATE INDEX CONCURRENTLY i002_a ON big ((md5(md5(md5(md5(md5(md5(a::text))))))));\n' >"$dir/002_slow.up.sql"
    printf "CREATE TABLE t003 (id int PRIMARY KEY, note text);\nINSERT INTO audit VALUES ('003');\n" >"$dir/003_c.up.sql"
    scen_begin "a deployer waiting while another runs CREATE INDEX CONCURRENTLY"
    for ((r = 1; r <= rounds; r++)); do
        db=rwc_$r
        trial_db $db
        "$bin" up --dir "$dir" >"$run_dir/rwc.1.out" 2>"$run_dir/rwc.1.err" &
        p1=$!
        started=0
        for ((i = 0; i < 100 && started == 0; i++)); do
            started=$(q -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$db' AND state = 'active' AND query LIKE '%CONCURRENTLY i002_a%' AND pid <> pg_backend_pid()")
            sleep 0.05
        done
        "$bin" up --dir "$dir" --lock-wait 120 >"$run_dir/rwc.2.out" 2>"$run_dir/rwc.2.err" &
        p2=$!
        blocked=0
        while kill -0 $p1 2>/dev/null; do
            blocked=$((blocked + $(q -c "SELECT count(*) FROM pg_stat_activity a WHERE datname = '$db' AND query LIKE '%CONCURRENTLY i002_a%' AND EXISTS (SELECT 1 FROM unnest(pg_blocking_pids(a.pid)) b JOIN pg_stat_activity w ON w.pid = b WHERE w.application_name LIKE 'pgmig%')")))
            sleep 0.1
        done
        wait $p1
        r1=$?
        wait $p2
        r2=$?
        scen_trials=$((scen_trials + 1))
        msg=$(unexpected_stderr "$run_dir"/rwc.*.err)
        waited=$(grep -c 'which runs migration 002 (up statement 1) outside a transaction' "$run_dir/rwc.2.err")
        if [ "$started" = 0 ] || [ "$r1,$r2" != 0,0 ] || [ "$blocked" != 0 ] || [ -n "$msg" ] || [ "$waited" = 0 ]; then
            bad "race waiter/CIC #$r: build seen $started, exits $r1,$r2, build blocked by a pgmig backend in $blocked polls, waited for the lease: $waited" "$msg"
        else
            check_trial "race waiter/CIC #$r" $db "$dir"
        fi
        drop_db $db
    done
    scen_end
}
