#!/usr/bin/env bash
# test/stress/run.sh: the fault suite (docs/reliability.md). Real processes: one throwaway
# cluster, the real pgmig binary, killed with kill -9 at random moments, the server stopped with
# `pg_ctl stop -m immediate`, eight deployers at once. After every trial, check_trial (lib.sh):
# each migration applied exactly once or not at all, mig.status / mig.applied / mig.log and the
# catalog agree, no lock or backend left, and the next `pgmig up` completes.
#
#   bash test/stress/run.sh [--reduced | --full] [SCENARIO...]   (or SIZE=reduced|full)
#
# Scenarios: kill-client kill-server race (race.sh), pooler (the races through PgBouncer in
# transaction pooling mode, pooler.sh) and refusal (kill -9 around a statement whose effect
# cannot be checked, and the refusal to guess that follows, refusal.sh). `make test` runs the
# reduced size (a few minutes), `make stress` the full one. The last line is "N passed, N failed"
# (one per trial or round).
set -uo pipefail
source "$(dirname "$0")/lib.sh"

size=${SIZE:-reduced}
scenarios=()
for a in "$@"; do
    case $a in
    --full) size=full ;;
    --reduced) size=reduced ;;
    *) scenarios+=("$a") ;;
    esac
done
[ ${#scenarios[@]} -gt 0 ] || scenarios=(kill-client kill-server race pooler refusal)
# trials of each kill mode, of each crash kind (deploy, rollback); rounds of the eight-deployer
# race (the other races: a fifth of them, at least two; the waiter: a tenth, at least one);
# rounds of eight deployers and of up racing down --all through the pooler; refusal trials
if [ "$size" = full ]; then
    kill_trials=${KILL_TRIALS:-100} crash_trials=${CRASH_TRIALS:-20} race_rounds=${RACE_ROUNDS:-50}
    pool_rounds=${POOL_ROUNDS:-50} pool_updown_rounds=${POOL_UPDOWN_ROUNDS:-10} refusal_trials=${REFUSAL_TRIALS:-30}
else
    kill_trials=${KILL_TRIALS:-10} crash_trials=${CRASH_TRIALS:-3} race_rounds=${RACE_ROUNDS:-5}
    pool_rounds=${POOL_ROUNDS:-3} pool_updown_rounds=${POOL_UPDOWN_ROUNDS:-2} refusal_trials=${REFUSAL_TRIALS:-3}
fi
[ -x "$bin" ] || { echo "no pgmig binary at $bin"; echo "0 passed, 1 failed"; exit 1; }
source "$(dirname "$0")/race.sh"
source "$(dirname "$0")/pooler.sh"
source "$(dirname "$0")/refusal.sh"
trap 'kill $(jobs -p) 2>/dev/null; pgbouncer_stop; stop_cluster; [ "$failed" -eq 0 ] && [ -z "${STRESS_KEEP:-}" ] && rm -rf "$run_dir"' EXIT
start_cluster || { echo "cannot start a cluster"; echo "0 passed, 1 failed"; exit 1; }
make_template
gen_folder "$work/tx" tx
gen_folder "$work/nt" nt
suite_t0=$(now)
echo "size $size: $N migrations per folder; $kill_trials kill trials a mode, $crash_trials crash trials a kind, $race_rounds rounds of 8 deployers"
echo "  through the pooler: $pool_rounds rounds of 8 deployers, $pool_updown_rounds of up racing down --all; $refusal_trials refusal trials"

# How long an undisturbed `up` takes (the kills land at a random fraction of it).
measure_up() { # DIR [ARGS]
    local dir=$1 t
    shift
    trial_db measure
    t=$(now)
    "$bin" up --dir "$dir" -q "$@" >/dev/null 2>&1 || echo "measure: up failed" >&2
    elapsed "$t"
}

# --- 1. killed client ---------------------------------------------------------------------------
kill_client() { # MODE(default|per-migration|nt) TRIALS
    local mode=$1 trials=$2 dir=$work/tx args=() d i db pid
    [ "$mode" = per-migration ] && args=(--per-migration)
    [ "$mode" = nt ] && dir=$work/nt
    d=$(measure_up "$dir" "${args[@]}")
    scen_begin "kill -9 of pgmig up ($mode, $N migrations, undisturbed up ${d} s)"
    for ((i = 1; i <= trials; i++)); do
        db=kc_$i
        trial_db $db
        "$bin" up --dir "$dir" "${args[@]}" >/dev/null 2>&1 &
        pid=$!
        sleep "$(scale "$(rand_fraction)" "$d")"
        kill -9 $pid 2>/dev/null
        wait $pid 2>/dev/null
        scen_trials=$((scen_trials + 1))
        check_trial "kill-client $mode #$i" $db "$dir" "${args[@]}"
        drop_db $db
    done
    scen_end
}

# --- 2. killed server ---------------------------------------------------------------------------
kill_server() { # KIND(deploy|rollback) TRIALS
    local kind=$1 trials=$2 dir=$work/nt d i db pid t
    if [ "$kind" = deploy ]; then
        d=$(measure_up "$dir")
    else
        trial_db measure
        "$bin" up --dir "$dir" -q >/dev/null 2>&1
        t=$(now)
        "$bin" down --all --yes -q >/dev/null 2>&1 || echo "measure: down failed" >&2
        d=$(elapsed "$t")
    fi
    scen_begin "pg_ctl stop -m immediate during a $kind (nt folder, undisturbed ${d} s)"
    for ((i = 1; i <= trials; i++)); do
        db=ks_$i
        trial_db $db
        if [ "$kind" = rollback ]; then
            "$bin" up --dir "$dir" -q >/dev/null 2>&1
            q -c "TRUNCATE ddl_log"
            "$bin" down --all --yes >/dev/null 2>&1 &
        else
            "$bin" up --dir "$dir" >/dev/null 2>&1 &
        fi
        pid=$!
        sleep "$(scale "$(rand_fraction)" "$d")"
        crash_server
        wait $pid 2>/dev/null
        restart_server
        scen_trials=$((scen_trials + 1))
        if [ "$kind" = rollback ]; then
            RERUN_DOWN=1 check_trial "kill-server $kind #$i" $db "$dir"
        else
            check_trial "kill-server $kind #$i" $db "$dir"
        fi
        drop_db $db
    done
    scen_end
}

for s in "${scenarios[@]}"; do
    case $s in
    kill-client)
        kill_client default "$kill_trials"
        kill_client per-migration "$kill_trials"
        kill_client nt "$kill_trials"
        ;;
    kill-server)
        kill_server deploy "$crash_trials"
        kill_server rollback "$crash_trials"
        ;;
    race) race_eight; race_up_down; race_up_apply; race_waiter_cic ;;
    pooler) pooler_scenario ;;
    refusal) refusal_scenario ;;
    *) echo "unknown scenario $s"; failed=$((failed + 1)) ;;
    esac
done

echo
echo "figures ($size, $(elapsed "$suite_t0") s in all):"
[ ${#figures[@]} -gt 0 ] && printf '%s\n' "${figures[@]}" | awk -F'|' '{ printf "  %-80s %4d trials %3d failed %5d s %s\n", $1, $2, $3, $4, $5 }'
[ -n "${STRESS_FIGURES:-}" ] && printf '%s\n' "${figures[@]}" >"$STRESS_FIGURES"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
