# test/stress/lib.sh: what the fault suite's scenarios share (run.sh sources it): the suite's
# cluster, the generated folders, the per-trial databases, the checker run after every trial,
# and the per-scenario figures.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
bin=${PGMIG_BIN:-$root/build/client/pgmig}
case $bin in /*) ;; *) bin=$root/$bin ;; esac
run_dir=${STRESS_DIR:-$root/.testrun/stress-$$}
cluster=$run_dir/cluster
work=$run_dir/work
N=${STRESS_MIGRATIONS:-200} # migrations per folder
NT_VERSIONS="050 100 150 200" # the non-transactional ones of the nt folder

passed=0
failed=0
scen_fail=0
ok() { passed=$((passed + 1)); }
bad() {
    failed=$((failed + 1))
    scen_fail=$((scen_fail + 1))
    printf 'FAILED %s\n' "$1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/       | /' | head -30
    return 0
}
q() { PGOPTIONS='-c client_min_messages=warning' psql -X -A -t -q -v ON_ERROR_STOP=1 "$@"; }

# --- the suite's cluster ------------------------------------------------------------------------
start_cluster() {
    bash scripts/cluster.sh stop "$cluster" >/dev/null 2>&1
    rm -rf "$run_dir"
    mkdir -p "$work"
    bash scripts/cluster.sh start "$cluster" || return 1
    eval "$(bash scripts/cluster.sh env "$cluster")"
    unset DATABASE_URL PGMIG_DSN PGMIG_CONFIG PGSERVICE
    export NO_COLOR=1 LC_ALL=C XDG_CACHE_HOME=$run_dir/cache
}
pg_bindir() { echo "${PG_BINDIR:-$(pg_config --bindir)}"; }
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
data_dir() { echo "$(cd "$cluster" && pwd -P)/data"; }
crash_server() { as_owner "$(pg_bindir)/pg_ctl" -D "$(data_dir)" -m immediate -w stop >/dev/null 2>&1; }
restart_server() { bash scripts/cluster.sh start "$cluster" >/dev/null; }
stop_cluster() { bash scripts/cluster.sh stop "$cluster" >/dev/null 2>&1; }

# --- folders ------------------------------------------------------------------------------------
# Each migration V creates table t_V and inserts one row into audit (its down script undoes both):
# exactly once shows as one audit row per applied version. In the nt folder, NT_VERSIONS are
# non-transactional instead: two CREATE INDEX CONCURRENTLY on the template's table big.
gen_folder() { # DIR KIND(tx|nt)
    local dir=$1 kind=$2 i v
    rm -rf "$dir" && mkdir -p "$dir"
    for ((i = 1; i <= N; i++)); do
        v=$(printf '%03d' "$i")
        if [ "$kind" = nt ] && [[ " $NT_VERSIONS " == *" $v "* ]]; then
            printf 'CREATE INDEX CONCURRENTLY i%s_a ON big (a);\nCREATE INDEX CONCURRENTLY i%s_b ON big (b);\n' \
                "$v" "$v" >"$dir/${v}_nt$v.up.sql"
            printf 'DROP INDEX CONCURRENTLY i%s_b;\nDROP INDEX CONCURRENTLY i%s_a;\n' \
                "$v" "$v" >"$dir/${v}_nt$v.down.sql"
        else
            printf "CREATE TABLE t%s (id int PRIMARY KEY, note text);\nINSERT INTO t%s SELECT g, 'row ' || g FROM generate_series(1, 20) g;\nINSERT INTO audit VALUES ('%s');\n" \
                "$v" "$v" "$v" >"$dir/${v}_m$v.up.sql"
            printf "DROP TABLE t%s;\nDELETE FROM audit WHERE v = '%s';\n" "$v" "$v" >"$dir/${v}_m$v.down.sql"
        fi
    done
}

# The template of every trial's database: the extension, the audit table, big (rows enough for an
# index build to take a moment), and an event trigger that logs every completed CREATE INDEX
# (a statement run twice shows as two rows).
make_template() {
    q -d postgres -c "CREATE DATABASE stress_tpl"
    q -d stress_tpl <<'SQL'
CREATE EXTENSION pgmig;
CREATE TABLE audit (v text NOT NULL);
CREATE TABLE big AS SELECT g AS a, ((g::bigint * 7919) % 1000003)::int AS b FROM generate_series(1, 200000) g;
CREATE TABLE ddl_log (tag text, obj text, at timestamptz DEFAULT clock_timestamp());
CREATE FUNCTION log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.ddl_log (tag, obj)
    SELECT command_tag, object_identity FROM pg_event_trigger_ddl_commands()
    WHERE command_tag = 'CREATE INDEX';
END $$;
CREATE EVENT TRIGGER log_ddl ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION log_ddl();
VACUUM ANALYZE big;
SQL
}
trial_db() { # NAME: a fresh database from the template; exported as PGDATABASE
    q -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 TEMPLATE stress_tpl"
    export PGDATABASE=$1
}
drop_db() { q -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)"; }

# --- the checker --------------------------------------------------------------------------------
# How the checker runs pgmig: directly, or with via_pooler set, as the deployer through the
# pooler scenario's PgBouncer (test/lib/pgbouncer.sh).
via_pooler=
deployer() { if [ -n "$via_pooler" ]; then pooled_pgmig "$@"; else "$bin" "$@"; fi; }

# Waits until no backend of a pgmig client is left in DB (a killed client's backend ends when the
# server notices: at once when idle, within client_connection_check_interval while it runs).
# Through the pooler, its idle server connections stay (named after their last client): only
# a backend in a transaction or running counts.
wait_backends_gone() { # DB
    local i n idle_ok=
    [ -n "$via_pooler" ] && idle_ok="AND state <> 'idle'"
    for ((i = 0; i < 100; i++)); do
        n=$(q -d "$1" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$1' AND application_name LIKE 'pgmig%' AND pid <> pg_backend_pid() $idle_ok")
        [ "$n" = 0 ] && return 0
        sleep 0.1
    done
    q -d "$1" -c "SELECT pid, state, wait_event, left(query, 120) FROM pg_stat_activity WHERE datname = '$1' AND application_name LIKE 'pgmig%' $idle_ok"
    return 1
}

# What must hold whatever happened: each transactional migration applied exactly once or not at
# all (audit row, table, mig.status, mig.applied and mig.log agree), each index statement run at
# most once and recorded only when its index is valid, no lock on mig.state, no pgmig backend.
# Prints what disagrees (nothing when all agree).
check_consistent() { # DB
    local db=$1
    wait_backends_gone "$db" || echo "a pgmig backend is left behind"
    q -d "$db" <<'SQL'
WITH s AS (SELECT version, state, transactional, statements, statements_done FROM mig.status()),
tx AS (SELECT version FROM s WHERE transactional AND state = 'applied'),
au AS (SELECT v, count(*) n FROM audit GROUP BY v),
tb AS (SELECT substr(relname, 2) v FROM pg_class WHERE relkind = 'r' AND relname ~ '^t[0-9]{3}$'
       AND relnamespace = 'public'::regnamespace),
lg AS (SELECT version, count(*) FILTER (WHERE action = 'apply') - count(*) FILTER (WHERE action = 'rollback') net
       FROM mig.log GROUP BY version),
ix AS (SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE c.relname ~ '^i[0-9]{3}_[ab]$'),
dl AS (SELECT split_part(obj, '.', 2) relname, count(*) n FROM ddl_log GROUP BY 1),
dd AS (SELECT version, count(*) n FROM mig.log WHERE action = 'apply_statement' AND message LIKE 'down %'
       GROUP BY version),
rb AS (SELECT m.version FROM mig.applied a JOIN mig.migration m USING (vkey)
       WHERE coalesce(a.down_statements_done, 0) > 0
       -- a rollback cut in its first statement: a DROP INDEX CONCURRENTLY leaves the index
       -- invalid before it is gone (PostgreSQL's own steps); the lease names the migration
       UNION SELECT l.version FROM mig.lease l WHERE l.direction = 'down'),
-- trust_uploads: the checker only reads the scripts, uploaded by the pooler scenario's deployer
st AS (SELECT s.version, x.stmt_no, x.done, substring(x.sql from 'CONCURRENTLY (i[0-9]{3}_[ab])') relname
       FROM s, mig.statements(s.version, 'up', true) x WHERE NOT s.transactional AND s.version NOT IN (SELECT version FROM rb)),
sd AS (SELECT x.done, substring(x.sql from 'CONCURRENTLY (i[0-9]{3}_[ab])') relname
       FROM rb, mig.statements(rb.version, 'down', true) x)
SELECT 'audit rows ' || n || ' for ' || v FROM au WHERE n > 1
UNION ALL SELECT 'audit row without applied migration: ' || v FROM au WHERE v NOT IN (SELECT version FROM tx)
UNION ALL SELECT 'applied without audit row: ' || version FROM tx WHERE version NOT IN (SELECT v FROM au)
UNION ALL SELECT 'table without applied migration: t' || v FROM tb WHERE v NOT IN (SELECT version FROM tx)
UNION ALL SELECT 'applied without table: ' || version FROM tx WHERE version NOT IN (SELECT v FROM tb)
UNION ALL SELECT 'mig.log apply-rollback = ' || coalesce(lg.net, 0) || ' for ' || s.version || ' (' || s.state || ')'
    FROM s LEFT JOIN lg USING (version)
    WHERE coalesce(lg.net, 0) <> CASE WHEN s.state = 'applied' OR s.version IN (SELECT version FROM rb) THEN 1 ELSE 0 END
UNION ALL SELECT 'mig.applied complete ' || (SELECT count(*) FROM mig.applied WHERE complete)
    || ' but status applied ' || (SELECT count(*) FROM s WHERE state = 'applied')
    WHERE (SELECT count(*) FROM mig.applied WHERE complete) <> (SELECT count(*) FROM s WHERE state = 'applied')
UNION ALL SELECT 'index built ' || dl.n || ' times, dropped by a down script at most ' || coalesce(dd.n, 0) || ' times: ' || relname
    FROM dl LEFT JOIN dd ON dd.version = substr(dl.relname, 2, 3) WHERE dl.n > 1 + coalesce(dd.n, 0)
UNION ALL SELECT 'statement recorded done, index not valid: ' || st.relname
    FROM st LEFT JOIN ix USING (relname) WHERE st.done AND ix.indisvalid IS NOT TRUE AND st.relname IS NOT NULL
UNION ALL SELECT 'down statement recorded done, index still there: ' || sd.relname
    FROM sd JOIN ix USING (relname) WHERE sd.done
UNION ALL SELECT 'lock left on mig.state by pid ' || pid FROM pg_locks
    WHERE relation = 'mig.state'::regclass AND pid <> pg_backend_pid();
SQL
}

# After a trial: consistent; with RERUN_DOWN set, the rollback that was cut is run again and
# completes, consistent again; then `pgmig up` completes and everything is applied exactly once,
# every index valid (pgmig run by deployer: through the pooler in the pooler scenario), and
# AFTER_UP_SQL, when set, prints nothing. Counts one ok or one bad for the trial.
check_trial() { # LABEL DB DIR [extra up args]
    local label=$1 db=$2 dir=$3 msg out rc n
    shift 3
    n=$(find "$dir" -name '*.up.sql' | wc -l)
    msg=$(check_consistent "$db" 2>&1)
    if [ -n "$msg" ]; then
        bad "$label: inconsistent after the fault" "$msg"
        return
    fi
    if [ -n "${RERUN_DOWN:-}" ]; then
        out=$(PGDATABASE=$db deployer down --all --yes --lock-wait 60 2>&1)
        rc=$?
        msg=$(check_consistent "$db" 2>&1)
        msg+=$(q -d "$db" -c "SELECT 'still applied after down --all: ' || version || ' ' || state FROM mig.status() WHERE state <> 'pending'" 2>&1)
        if [ $rc -ne 0 ] || [ -n "$msg" ]; then
            bad "$label: the rollback run again (exit $rc)" "$out
$msg"
            return
        fi
    fi
    out=$(PGDATABASE=$db deployer up --dir "$dir" --lock-wait 60 "$@" 2>&1)
    rc=$?
    if [ $rc -ne 0 ]; then
        bad "$label: the next pgmig up fails (exit $rc)" "$out"
        return
    fi
    msg=$(check_consistent "$db" 2>&1)
    msg+=$(q -d "$db" -c "SELECT 'not applied: ' || version || ' ' || state FROM mig.status() WHERE state <> 'applied'
        UNION ALL SELECT 'applied ' || count(*) || ' of $n' FROM mig.status() HAVING count(*) <> $n
        UNION ALL SELECT 'invalid index ' || indexrelid::regclass FROM pg_index WHERE NOT indisvalid" 2>&1)
    [ -n "${AFTER_UP_SQL:-}" ] && msg+=$(q -d "$db" -c "$AFTER_UP_SQL" 2>&1)
    if [ -n "$msg" ]; then
        bad "$label: after the next pgmig up" "$msg"
        return
    fi
    ok
}

# --- figures ------------------------------------------------------------------------------------
figures=()
scen_begin() { scen_name=$1 scen_trials=0 scen_fail=0 scen_t0=$(date +%s.%N); echo "--- $1"; }
scen_end() { # [extra note]
    local secs
    secs=$(awk -v a="$scen_t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
    figures+=("$scen_name|$scen_trials|$scen_fail|$secs|${1:-}")
    printf -- '--- %s: %d trials, %d failed, %s s %s\n' "$scen_name" "$scen_trials" "$scen_fail" "$secs" "${1:-}"
}
rand_fraction() { awk -v s="$RANDOM$RANDOM" 'BEGIN { srand(s); printf "%.3f", rand() }'; }
scale() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a * b }'; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
