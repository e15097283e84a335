# test/stress/refusal.sh: the refusal to guess under kill -9 (sourced by run.sh). A deploy killed
# while a top-level statement whose effect pgmig cannot check was running leaves its lease naming
# that statement; the next `pgmig up` must then stop with exit 2 and say what to verify and the
# two ways on (docs/troubleshooting.md, "A non-transactional migration is partial or failed"),
# never run the statement again nor skip it. The folder holds two such statements, each taking a
# moment: `CREATE DATABASE` (a copy of the trials' template) and an unnamed `CREATE INDEX
# CONCURRENTLY` (which the server stops within a second of its client going away, leaving an
# invalid index, unless it was done). Each trial kills `pgmig up` at a random moment; the
# rerun either completes (the kill landed elsewhere, or in the `VACUUM` before the first, which
# is run again) or refuses; then the way on its message gives is followed, after checking the
# catalog as a user would (took effect: record it done; did not: drop the invalid index, forget
# the lease), and check_trial must hold, with the database and one valid index made.

refuse_db=stress_refused                                  # what CREATE DATABASE makes
refuse_ix='CREATE INDEX CONCURRENTLY ON big ((md5(md5(a::text))))' # the unnamed index

# REFUSE_TX transactional migrations (as gen_folder's tx ones) before, between and after the
# two non-transactional ones: VACUUM (safe to repeat) then CREATE DATABASE; the unnamed index.
gen_refusal_folder() { # DIR
    local dir=$1 i v k=${REFUSE_TX:-20}
    rm -rf "$dir" && mkdir -p "$dir"
    for ((i = 1; i <= 3 * k + 2; i++)); do
        v=$(printf '%03d' "$i")
        if ((i == k + 1)); then
            printf 'VACUUM big;\nCREATE DATABASE %s TEMPLATE stress_tpl;\n' "$refuse_db" >"$dir/${v}_db.up.sql"
        elif ((i == 2 * k + 2)); then
            printf '%s;\n' "$refuse_ix" >"$dir/${v}_ix.up.sql"
        else
            printf "CREATE TABLE t%s (id int PRIMARY KEY, note text);\nINSERT INTO audit VALUES ('%s');\n" \
                "$v" "$v" >"$dir/${v}_m$v.up.sql"
        fi
    done
}
drop_refuse_db() { q -d postgres -c "DROP DATABASE IF EXISTS $refuse_db WITH (FORCE)"; }

# What a user checks before choosing the way on: did the cut statement take effect? For the
# index, an invalid one left by the cut build is dropped (docs/troubleshooting.md, the end).
refusal_took_effect() { # DB KIND(db|index): 1 or 0
    local ix
    if [ "$2" = db ]; then
        q -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$refuse_db'"
        return
    fi
    for ix in $(q -d "$1" -c "SELECT indexrelid::regclass FROM pg_index WHERE indrelid = 'big'::regclass AND NOT indisvalid"); do
        q -d "$1" -c "DROP INDEX CONCURRENTLY $ix"
    done
    q -d "$1" -c "SELECT count(*) FROM pg_index WHERE indrelid = 'big'::regclass"
}

# After the kill: consistent; the rerun completes (0) or refuses (2, naming one of the two
# statements, with both ways on); on a refusal, the way on that fits the catalog is run and
# counted in refusals[KIND.record|KIND.forget]. Sets rerun_how to "normal" or "refused KIND, ...";
# on a failure, counts it (bad) and leaves rerun_how empty.
declare -A refusals=()
refusal_rerun() { # LABEL DB DIR
    local label=$1 db=$2 dir=$3 msg out rc kind way
    rerun_how=
    msg=$(check_consistent "$db" 2>&1)
    if [ -n "$msg" ]; then bad "$label: inconsistent after the kill" "$msg"; return; fi
    out=$(PGDATABASE=$db "$bin" up --dir "$dir" --lock-wait 60 2>&1)
    rc=$?
    [ $rc -eq 0 ] && { rerun_how=normal; return; }
    kind=
    grep -qF "CREATE DATABASE $refuse_db" <<<"$out" && kind=db
    grep -qF "$refuse_ix" <<<"$out" && kind=index
    if [ $rc -ne 2 ] || [ -z "$kind" ] ||
        ! grep -q 'was running when a deploy was interrupted, and pgmig cannot tell whether it took effect' <<<"$out"; then
        bad "$label: the rerun neither completes nor refuses to guess (exit $rc)" "$out"
        return
    fi
    if [ "$(refusal_took_effect "$db" $kind)" = 1 ]; then # record it done
        way=record
        msg=$(grep -o "SELECT mig.record_statement('[^']*', [0-9]*, 'up')" <<<"$out" | head -1)
    else # let pgmig run it
        way=forget
        msg=$(grep -o "SELECT \* FROM mig.lease('forget')" <<<"$out" | head -1)
    fi
    if [ -z "$msg" ] || ! q -d "$db" -c "$msg" >/dev/null 2>&1; then
        bad "$label: the refusal's way on (${msg:-none found in the message})" "$out"
        return
    fi
    refusals[$kind.$way]=$((${refusals[$kind.$way]:-0} + 1))
    rerun_how="refused $kind, $way"
}

# After the deploy: the database made, one index on big, valid (the invalid index check is
# check_trial's own).
refusal_after_up="SELECT 'no database $refuse_db' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$refuse_db')
    UNION ALL SELECT count(*) || ' indexes on big' FROM pg_index WHERE indrelid = 'big'::regclass HAVING count(*) <> 1"

refusal_scenario() {
    local dir=$work/refuse d i db pid n=0 k
    gen_refusal_folder "$dir"
    drop_refuse_db
    d=$(measure_up "$dir")
    drop_refuse_db
    scen_begin "kill -9 of pgmig up around an uncheckable CREATE DATABASE and unnamed CREATE INDEX CONCURRENTLY (undisturbed up ${d} s)"
    for ((i = 1; i <= refusal_trials; i++)); do
        db=rf_$i
        trial_db $db
        "$bin" up --dir "$dir" >/dev/null 2>&1 &
        pid=$!
        sleep "$(scale "$(rand_fraction)" "$d")"
        kill -9 $pid 2>/dev/null
        wait $pid 2>/dev/null
        scen_trials=$((scen_trials + 1))
        refusal_rerun "refusal #$i" $db "$dir"
        [ -n "$rerun_how" ] && AFTER_UP_SQL=$refusal_after_up check_trial "refusal #$i ($rerun_how)" $db "$dir"
        drop_refuse_db
        drop_db $db
    done
    for k in "${!refusals[@]}"; do n=$((n + refusals[$k])); done
    scen_end "($n refused: CREATE DATABASE ${refusals[db.record]:-0} recorded done, ${refusals[db.forget]:-0} lease forgotten; index ${refusals[index.record]:-0} recorded done, ${refusals[index.forget]:-0} lease forgotten)"
}
