#!/usr/bin/env bash
# End-to-end tests of the real `pgmig` binary against a real, throwaway PostgreSQL cluster.
#
# Builds nothing: expects the client at $PGMIG_BIN (default build/client/pgmig) and the extension
# installed (`make install`). Starts its own cluster under .testrun/e2e-PID (scripts/cluster.sh;
# one directory per run, so that two runs at once do not stop each other's cluster), stops it at
# the end and removes the directory when everything passed. Every test uses its own database.
# The last line is "N passed, N failed"; the exit code is non-zero when anything failed.
set -uo pipefail

root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel 2>/dev/null) ||
    root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bin=${PGMIG_BIN:-build/client/pgmig}
case $bin in /*) ;; *) bin=$root/$bin ;; esac
run_dir=${E2E_DIR:-$root/.testrun/e2e-$$}
cluster=$run_dir/cluster
work=$run_dir/work
fx=$root/test/fixtures

passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok     %s\n' "$1"; }
bad() {
    failed=$((failed + 1))
    printf 'FAILED %s\n' "$1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/       | /' | head -40
    return 0
}
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
cleanup() {
    local pids
    pids=$(jobs -p)
    [ -n "$pids" ] && kill $pids 2>/dev/null
    bash scripts/cluster.sh stop "$cluster" >/dev/null 2>&1
    bash scripts/cluster.sh stop "$run_dir/cluster2" >/dev/null 2>&1
    bash scripts/cluster.sh stop "$run_dir/tls" >/dev/null 2>&1
    if [ "$failed" -eq 0 ] && [ -z "${E2E_KEEP:-}" ]; then rm -rf "$run_dir"; fi
}
trap cleanup EXIT

if [ ! -x "$bin" ]; then
    echo "no pgmig binary at $bin (build it first: make)"
    echo "0 passed, 1 failed"
    exit 1
fi
bash scripts/cluster.sh stop "$cluster" >/dev/null 2>&1
rm -rf "$run_dir"
mkdir -p "$work"
if ! bash scripts/cluster.sh start "$cluster"; then
    echo "cannot start a cluster"
    echo "0 passed, 1 failed"
    exit 1
fi
eval "$(bash scripts/cluster.sh env "$cluster")"
unset DATABASE_URL PGMIG_DSN PGMIG_CONFIG PGSERVICE
export NO_COLOR=1 LC_ALL=C
# the stat cache (docs/cli.md) of this run, not the user's
export XDG_CACHE_HOME=$run_dir/cache

# --- helpers --------------------------------------------------------------------------------
# pg ARGS: runs pgmig; sets $rc, $out (stdout) and $err (stderr)
pg() {
    out=$("$bin" "$@" 2>"$run_dir/stderr")
    rc=$?
    err=$(cat "$run_dir/stderr")
}
q() { PGOPTIONS='-c client_min_messages=warning' psql -X -A -t -q -v ON_ERROR_STOP=1 "$@"; }
newdb() { # NAME [noext]
    q -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
    [ "${2:-}" = noext ] || q -d "$1" -c 'CREATE EXTENSION pgmig'
    export PGDATABASE=$1
}
# everything a failed command must leave unchanged
snap() {
    q -c "SELECT version, state, checksum, batch FROM mig.status() ORDER BY 1" \
        -c "SELECT count(*) FROM mig.log" \
        -c "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1" \
        -c "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1" 2>&1
}
expect_rc() { # NAME EXPECTED
    if [ "$rc" = "$2" ]; then ok "$1"; else bad "$1 (exit $rc, expected $2)" "$out
$err"; fi
}
expect_err() { # NAME PATTERN (grep -E on stderr)
    if grep -qE -- "$2" <<<"$err"; then ok "$1"; else bad "$1 (stderr lacks /$2/)" "$err"; fi
}
expect_eq() { # NAME GOT WANT
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got:  $2
want: $3"; fi
}
fresh() { # NAME FIXTURE: copy a fixture folder to $work/NAME
    rm -rf "${work:?}/$1"
    cp -r "$fx/$2" "$work/$1"
}
upload_calls() {
    sleep 0.5 # the client's backend reports its function statistics when it exits
    q -c "SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions WHERE schemaname = 'mig' AND funcname IN ('upload', 'upload_many')"
}

echo "pgmig: $bin"

# --- 1. help, version, usage ----------------------------------------------------------------
for verb in init new up down redo reset goto status log validate baseline; do
    pg "$verb" --help
    if [ "$rc" = 0 ] && grep -q 'Exit codes' <<<"$out"; then ok "help: $verb --help"; else bad "help: $verb --help" "$out$err"; fi
done
pg --version
expect_rc "--version" 0
pg
expect_rc "usage: no verb is exit 2" 2
pg up --no-such-option
expect_rc "usage: unknown option is exit 2" 2
pg down --to 1 --all
expect_rc "usage: down --to and --all together is exit 2" 2

# --- 2. every layout: up, status, validate, down, up again --------------------------------
for layout in golang-migrate directory dbmate flyway numbered; do
    db=l_${layout//-/_}
    newdb "$db"
    pg up --dir "$fx/$layout"
    expect_rc "$layout: up" 0
    pg status --json --dir "$fx/$layout"
    n_files=$(jq '[.[] | select(.kind == "versioned")] | length' <<<"$out")
    n_applied=$(jq '[.[] | select(.kind == "versioned" and .state == "applied")] | length' <<<"$out")
    if [ "$n_files" -gt 0 ] && [ "$n_files" = "$n_applied" ]; then
        ok "$layout: status --json: all $n_applied applied"
    else
        bad "$layout: status --json: all applied" "$out"
    fi
    pg validate --dir "$fx/$layout"
    expect_rc "$layout: validate (online)" 0
    pg up --dir "$fx/$layout"
    expect_rc "$layout: second up is a no-op" 0
    before=$(q -c "SELECT count(*) FROM mig.log")
    pg down --dir "$fx/$layout"
    expect_rc "$layout: down 1" 0
    after=$(q -c "SELECT count(*) FROM mig.log WHERE action = 'rollback'")
    [ "$after" -ge 1 ] && ok "$layout: down logged a rollback" || bad "$layout: down logged a rollback" "$(q -c 'TABLE mig.log')"
    pg up --dir "$fx/$layout"
    expect_rc "$layout: up again after down" 0
    left=$(q -c "SELECT count(*) FROM mig.status() WHERE state <> 'applied'")
    expect_eq "$layout: everything applied again" "$left" 0
done

# layout-specific checks
PGDATABASE=l_golang_migrate
expect_eq "golang-migrate: enum label added then used (ends the transaction)" \
    "$(q -d l_golang_migrate -c "SELECT column_default FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'status'")" \
    "'pending'::account_status"
expect_eq "golang-migrate: title containing .sql" \
    "$(q -d l_golang_migrate -c "SELECT name FROM mig.status() WHERE version = '20240309082057'")" "release_status_view.sql"
expect_eq "golang-migrate: down paired by version (titles differ)" \
    "$(q -d l_golang_migrate -c "SELECT has_down FROM mig.status() WHERE version = '20240309082057'")" "t"
expect_eq "directory: CREATE INDEX CONCURRENTLY ran and the index is valid" \
    "$(q -d l_directory -c "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'posts_user_id'")" "t"
expect_eq "directory: diesel versions (dashes dropped) in order" \
    "$(q -d l_directory -c "SELECT string_agg(version, ',') FROM mig.status()")" \
    "00000000000000,20170728002039,20170926200549,20180101000000"
expect_eq "directory: loose data file was not run" \
    "$(q -d l_directory -c "SELECT count(*) FROM users")" 0
expect_eq "dbmate: transaction:false migration is non-transactional" \
    "$(q -d l_dbmate -c "SELECT transactional FROM mig.status() WHERE version = '20151129054054'")" "f"
expect_eq "dbmate: concurrent index exists" \
    "$(q -d l_dbmate -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'accounts_name'")" 1
expect_eq "flyway: V1_1 is version 1.1, ordered 1 < 1.1 < 2 < 2.10" \
    "$(q -d l_flyway -c "SELECT string_agg(version, ',') FROM mig.status() WHERE kind = 'versioned'")" "1,1.1,2,2.10"
expect_eq "flyway: repeatable R__ applied after versioned ones" \
    "$(q -d l_flyway -c "SELECT count(*) FROM pg_views WHERE viewname = 'active_products'")" 1
expect_eq "numbered: optional down files" \
    "$(q -d l_numbered -c "SELECT string_agg(has_down::text, ',') FROM mig.status()")" "true,true,false,true"

# repeatable re-applied when its checksum changes
fresh fw flyway
newdb e_repeatable
pg up --dir "$work/fw"
printf 'CREATE OR REPLACE VIEW active_products AS\nSELECT id, name, price, sku FROM products WHERE NOT discontinued;\n' >"$work/fw/R__product_views.sql"
pg status --json --dir "$work/fw"
expect_eq "flyway: a changed repeatable's state is changed (not modified)" \
    "$(jq -r '.[] | select(.kind == "repeatable") | .state' <<<"$out")" changed
pg up --dir "$work/fw"
expect_rc "flyway: changed repeatable is re-applied" 0
expect_eq "flyway: view has the new definition" \
    "$(q -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'active_products'")" 4

# --- 3. no-op up: nothing uploaded, fast -------------------------------------------------------
newdb e_noop
q -d postgres -c "ALTER DATABASE e_noop SET track_functions = 'all'"
pg up --dir "$fx/golang-migrate"
calls1=$(upload_calls)
[ "$calls1" -gt 0 ] && ok "no-op: first up uploaded ($calls1 mig.upload calls)" || bad "no-op: first up uploaded" "calls=$calls1"
log1=$(q -c "SELECT count(*) FROM mig.log")
t0=$(date +%s%N)
pg up --dir "$fx/golang-migrate"
t1=$(date +%s%N)
expect_rc "no-op: second up exits 0" 0
calls2=$(upload_calls)
expect_eq "no-op: second up sent no mig.upload" "$calls2" "$calls1"
expect_eq "no-op: second up logged nothing" "$(q -c "SELECT count(*) FROM mig.log")" "$log1"
ms=$(((t1 - t0) / 1000000))
if [ "$ms" -lt 1000 ]; then ok "no-op: second up took $ms ms"; else bad "no-op: second up took $ms ms"; fi

# --- 4. dry run ----------------------------------------------------------------------------
newdb e_dry
before=$(snap)
pg up --dry-run --json --dir "$fx/golang-migrate"
expect_rc "dry-run: exit 0" 0
if jq -e '.dry_run == true and (.migrations | length) == 6 and (.migrations[0] | has("version") and has("name") and has("file") and has("action") and has("duration_ms") and has("transactional"))' >/dev/null <<<"$out"; then
    ok "dry-run: JSON report with every migration"
else
    bad "dry-run: JSON report" "$out"
fi
expect_eq "dry-run: database unchanged" "$(snap)" "$before"
newdb e_dry2
pg up --dry-run --dir "$fx/directory"
expect_rc "dry-run: non-transactional migration" 0
grep -q "would run outside a transaction" <<<"$out" && ok "dry-run: reports 'would run outside a transaction'" || bad "dry-run: reports outside" "$out"
expect_eq "dry-run: no index, no table" "$(q -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0

# --- 5. bad input: clear message, exit 2, database unchanged ------------------------------
newdb e_bad
pg up --dir "$fx/numbered"
before=$(snap)
bad_case() { # NAME PATTERN DIR [extra args]
    local name=$1 pat=$2
    shift 2
    pg up --dir "$@"
    expect_rc "bad input: $name: exit 2" 2
    expect_err "bad input: $name: message" "$pat"
    expect_eq "bad input: $name: database unchanged" "$(snap)" "$before"
}
bad_case "missing folder" "does not exist" "$work/no-such-folder"
mkdir -p "$work/utf8" && printf 'CREATE TABLE u1();\n' >"$work/utf8/1_ok.up.sql" &&
    printf "SELECT 1;\nSELECT 'caf\xe9';\n" >"$work/utf8/2_latin1.up.sql"
bad_case "non-UTF-8 file" "2_latin1.up.sql:2:.*UTF-8" "$work/utf8"
mkdir -p "$work/dup" && echo 'CREATE TABLE d1();' >"$work/dup/1_a.up.sql" && echo 'CREATE TABLE d2();' >"$work/dup/01_b.up.sql"
bad_case "duplicate versions" "duplicate version.*(1_a.up.sql.*01_b.up.sql|01_b.up.sql.*1_a.up.sql)" "$work/dup"
mkdir -p "$work/nover" && echo 'CREATE TABLE n1();' >"$work/nover/1_a.up.sql" && echo 'CREATE TABLE n2();' >"$work/nover/create_users.up.sql"
bad_case "up file without a version" "create_users.up.sql.*no version" "$work/nover"
mkdir -p "$work/mixed" && echo 'SELECT 1;' >"$work/mixed/1_a.up.sql" && echo 'SELECT 1;' >"$work/mixed/V2__b.sql"
bad_case "mixed layouts" "mixes" "$work/mixed"
fresh edited numbered
printf -- '-- reserved for the reporting schema (edited)\n' >"$work/edited/003_reserved.sql"
old_sum=$(sha256sum "$fx/numbered/003_reserved.sql" | cut -d' ' -f1)
new_sum=$(sha256sum "$work/edited/003_reserved.sql" | cut -d' ' -f1)
bad_case "edited applied migration" "003_reserved.sql.*$old_sum.*$new_sum" "$work/edited"
pg down 2 --dir "$fx/numbered"
expect_rc "bad input: down without a down script: exit 2" 2
expect_err "bad input: down without a down script: names the version" "003"
expect_eq "bad input: down without a down script: database unchanged" "$(snap)" "$before"
pg down --to 99 --dir "$fx/numbered"
expect_rc "bad input: down --to unknown version: exit 2" 2
expect_err "bad input: down --to unknown version: message" "unknown version"
expect_eq "bad input: down --to unknown version: database unchanged" "$(snap)" "$before"
# a fresh folder: the plan comes from the uploads' own results, and must refuse the target too
bad_case "up --to a version no migration has" 'unknown version "20240115090150"' \
    "$fx/golang-migrate" --to 20240115090150
pg goto abc --dir "$fx/numbered"
[ "$rc" = 2 ] && ok "bad input: goto invalid version: exit 2" || bad "bad input: goto invalid version: exit 2 (got $rc)" "$err"
expect_eq "bad input: goto invalid version: database unchanged" "$(snap)" "$before"
pg validate --dir "$work/dup"
expect_rc "validate: duplicate versions: exit 2" 2
pg validate --offline --json --dir "$work/dup"
if jq -e '.ok == false and (.errors | length) >= 1' >/dev/null <<<"$out"; then ok "validate --json: errors listed"; else bad "validate --json" "$out"; fi

# --- 6. migration errors: compiler-style report, exit 1, nothing applied ------------------
newdb e_sqlerr
mkdir -p "$work/sqlerr" && printf 'CREATE TABLE ok1(id int);\n' >"$work/sqlerr/1_ok.up.sql" &&
    printf 'CREATE TABLE b(id int);\nINSERT INTO b VALUES (1);\nSELECT nosuchcol\n  FROM b;\n' >"$work/sqlerr/2_bad.up.sql"
before=$(snap)
pg up --dir "$work/sqlerr"
expect_rc "sql error: exit 1" 1
expect_err "sql error: FILE:LINE:COL: ERROR: message (SQLSTATE)" "2_bad.up.sql:3:8: ERROR: column \"nosuchcol\" does not exist \(42703\)"
expect_err "sql error: source line with a caret" "^ +\| +\^"
expect_eq "sql error: one transaction, nothing applied" "$(snap)" "$before"
mkdir -p "$work/dbmerr" && printf -- '-- header\n-- migrate:up\nCREATE TABLE c(id int);\nSELEC 1;\n\n-- migrate:down\nDROP TABLE c;\n' >"$work/dbmerr/20240101000000_c.sql"
pg up --dir "$work/dbmerr"
expect_rc "sql error (dbmate): exit 1" 1
expect_err "sql error (dbmate): line counted from the top of the file" "20240101000000_c.sql:4:1: ERROR: syntax error"
# up parses the down scripts it uploads: an error in one names the down file and its line
mkdir -p "$work/downerr" && printf 'CREATE TABLE de(id int);\n' >"$work/downerr/1_de.up.sql" &&
    printf 'SELECT 1;\nDROP TABLEX de;\n' >"$work/downerr/1_de.down.sql"
pg up --dir "$work/downerr"
expect_rc "sql error in a down script at up: exit 1" 1
expect_err "sql error in a down script at up: names the down file, line, column" \
    "1_de.down.sql:2:6: ERROR: syntax error"
expect_err "sql error in a down script at up: shows the down script's line" "2 \\| DROP TABLEX de;"
expect_err "sql error in a down script at up: says it is the down script, parsed at upload" \
    "note: the error is in the down script of migration [0-9]+: .up. parses down scripts"
expect_eq "sql error in a down script at up: nothing applied" "$(snap)" "$before"
printf -- '-- migrate:up\nCREATE TABLE c(id int);\n-- migrate:down\nDROP TABLE c;\nDROP TABLEX c;\n' \
    >"$work/dbmerr/20240101000000_c.sql"
pg up --dir "$work/dbmerr"
expect_err "sql error in a dbmate down section at up: line counted from the top of the file" \
    "20240101000000_c.sql:5:6: ERROR: syntax error"
mkdir -p "$work/hint" && printf 'CREATE TABLE h(id int PRIMARY KEY);\nINSERT INTO h VALUES (1), (1);\n' >"$work/hint/1_h.up.sql"
pg up --dir "$work/hint"
expect_err "sql error: DETAIL forwarded" "DETAIL: Key \(id\)=\(1\) already exists"
pg up --per-migration --dir "$work/sqlerr"
expect_rc "sql error --per-migration: exit 1" 1
expect_eq "sql error --per-migration: the one before is committed" \
    "$(q -c "SELECT string_agg(version || ':' || state, ',') FROM mig.status() WHERE version = '1'")" "1:applied"

# wrapped in its own BEGIN/COMMIT: wrapper dropped with a server WARNING, forwarded to stderr
newdb e_wrap
mkdir -p "$work/wrap" && printf 'BEGIN;\nCREATE TABLE w1(id int);\nCOMMIT;\n' >"$work/wrap/1_w.up.sql"
pg up --dir "$work/wrap"
expect_rc "BEGIN/COMMIT wrapper: applied" 0
expect_err "BEGIN/COMMIT wrapper: server warning forwarded" "WARNING"
expect_eq "BEGIN/COMMIT wrapper: ran transactionally" "$(q -c "SELECT transactional FROM mig.status()")" t
# an error in a wrapped script is reported at the file's line, not the body's
newdb e_wrap_err
mkdir -p "$work/wraperr" && printf -- '-- header\n\nBEGIN;\n\nCREATE TABLE we(id int);\nSELECT nosuch FROM we;\n\nCOMMIT;\n' >"$work/wraperr/1_we.up.sql"
pg up --dir "$work/wraperr"
expect_err "BEGIN/COMMIT wrapper: an error names the file's line and column" "1_we.up.sql:6:8: ERROR: column \"nosuch\" does not exist"
expect_err "BEGIN/COMMIT wrapper: and shows that line" "6 \\| SELECT nosuch FROM we;"
# many wrapped scripts (a sqitch project's): three warnings, then one line for the rest
newdb e_wrap_many
mkdir -p "$work/wrapmany" && for i in 1 2 3 4 5 6; do printf 'BEGIN;\nCREATE TABLE wm%s();\nCOMMIT;\n' $i >"$work/wrapmany/${i}_w.up.sql"; done
pg up --dir "$work/wrapmany"
expect_rc "wrapper warnings: up" 0
[ "$(grep -c 'own BEGIN/COMMIT wrapper is ignored' <<<"$err")" = 3 ] && ok "wrapper warnings: the first three shown" ||
    bad "wrapper warnings: the first three shown" "$err"
expect_err "wrapper warnings: the rest in one line" "3 more migration\\(s\\) had their own BEGIN/COMMIT wrapper ignored"
newdb e_wrap_many_v
pg up -v --dir "$work/wrapmany"
[ "$(grep -c 'own BEGIN/COMMIT wrapper is ignored' <<<"$err")" = 6 ] && ok "wrapper warnings: -v shows each" ||
    bad "wrapper warnings: -v shows each" "$err"
# a long non-ASCII name is shortened in status at a character boundary (valid UTF-8, '~')
newdb e_long_name
long=$(printf 'é%.0s' $(seq 1 45))
mkdir -p "$work/longname" && printf 'SELECT 1;\n' >"$work/longname/1_${long}.up.sql"
pg up --dir "$work/longname"
pg status --dir "$work/longname"
row=$(grep -E '^1 ' <<<"$out")
if iconv -f UTF-8 -t UTF-8 <<<"$row" >/dev/null 2>&1 && grep -q "$(printf 'é%.0s' $(seq 1 39))~" <<<"$row"; then
    ok "status: long non-ASCII name cut to 39 characters and '~', valid UTF-8"
else
    bad "status: long non-ASCII name cut to 39 characters and '~', valid UTF-8" "$row"
fi
# --statement-timeout applies to migration SQL
newdb e_stmt_timeout
mkdir -p "$work/sto" && printf 'SELECT pg_sleep(3);\n' >"$work/sto/1_slow.up.sql"
pg up --statement-timeout 300ms --dir "$work/sto"
expect_rc "--statement-timeout: migration cancelled, exit 1" 1
expect_err "--statement-timeout: SQLSTATE 57014" "57014"
newdb e_downfail
mkdir -p "$work/downfail" && printf 'CREATE TABLE df(id int);\n' >"$work/downfail/1_df.up.sql" &&
    printf 'DROP TABLE df;\nDROP TABLE df_nosuch;\n' >"$work/downfail/1_df.down.sql"
pg up --dir "$work/downfail"
pg down --dir "$work/downfail"
expect_rc "sql error in down: exit 1" 1
expect_err "sql error in down: names the down file" "1_df.down.sql:2:1: ERROR: table \"df_nosuch\" does not exist"
expect_err "sql error in down: says nothing was rolled back" "nothing was rolled back"
expect_eq "sql error in down: still applied" "$(q -c "SELECT state FROM mig.status() WHERE version = '1'")" applied
# one at a time (a non-transactional down in the range): what was rolled back before the error
newdb e_downfail_steps
mkdir -p "$work/downsteps" && printf 'CREATE TABLE ds(id int);\n' >"$work/downsteps/1_ds.up.sql" &&
    printf 'DROP TABLE ds_nosuch;\n' >"$work/downsteps/1_ds.down.sql" &&
    printf 'CREATE INDEX CONCURRENTLY ds_i ON ds(id);\n' >"$work/downsteps/2_i.up.sql" &&
    printf 'DROP INDEX CONCURRENTLY ds_i;\n' >"$work/downsteps/2_i.down.sql"
pg up --dir "$work/downsteps"
pg down --all --dir "$work/downsteps"
expect_rc "sql error in down, one at a time: exit 1" 1
expect_err "sql error in down, one at a time: says how many were rolled back before" \
    "1 migration\\(s\\) were rolled back before this one"
expect_eq "sql error in down, one at a time: 2 rolled back, 1 still applied" \
    "$(q -c "SELECT string_agg(version || '=' || state, ',' ORDER BY version) FROM mig.status()")" "1=applied,2=pending"

# --- 7. --per-migration, --to, down variants, redo, reset, goto --------------------------
newdb e_verbs
pg up --per-migration --dir "$fx/numbered"
expect_rc "up --per-migration" 0
expect_eq "up --per-migration: one batch per migration" "$(q -c "SELECT count(DISTINCT batch) FROM mig.status()")" 4
newdb e_verbs2
pg up --to 002 --dir "$fx/numbered"
expect_rc "up --to" 0
expect_eq "up --to 002: two applied" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 2
pg up --dir "$fx/numbered"
newdb e_batch
pg up --to 20240115090100 --dir "$fx/golang-migrate"
pg up --dir "$fx/golang-migrate"
pg down --batch --dir "$fx/golang-migrate"
expect_rc "down --batch" 0
expect_eq "down --batch: the last batch (after the enum label's commit) rolled back" \
    "$(q -c "SELECT string_agg(version, ',') FROM mig.status() WHERE state = 'applied'")" "20240115090000,20240115090100,20240115090200"
PGDATABASE=e_verbs2
pg down --to 001 --dir "$fx/numbered" -v
expect_rc "down --to 001 refused: 003 has no down script" 2
newdb e_verbs3
pg up --dir "$fx/golang-migrate"
pg redo --dir "$fx/golang-migrate"
expect_rc "redo" 0
expect_eq "redo: last migration applied again, in a new batch" \
    "$(q -c "SELECT state, batch > 1 FROM mig.status() WHERE version = '20240310000000'")" "applied|t"
pg goto 20240115090100 --dir "$fx/golang-migrate"
expect_rc "goto down" 0
expect_eq "goto down: 2 applied" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 2
pg goto 20240115090300 --dir "$fx/golang-migrate"
expect_rc "goto up" 0
expect_eq "goto up: 4 applied" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 4
pg reset --dir "$fx/golang-migrate"
expect_rc "reset" 0
expect_eq "reset: all applied in the latest batches" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 6
pg down --all --dir "$fx/golang-migrate"
expect_rc "down --all" 0
expect_eq "down --all: nothing applied, no user tables" \
    "$(q -c "SELECT (SELECT count(*) FROM mig.status() WHERE state = 'applied') + (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')")" 0
newdb e_downnt
pg up --dir "$fx/dbmate"
pg down --all --dir "$fx/dbmate"
expect_rc "down --all through a non-transactional down" 0
expect_eq "down --all: index and table gone" "$(q -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0

# --- 8. status, log ---------------------------------------------------------------------------
newdb e_status
fresh st golang-migrate
pg up --to 20240115090100 --dir "$work/st"
q -c "SELECT FROM mig.upload('20240115090200', 'uploaded_from_sql', 'SELECT 1;')" # pending
rm "$work/st/20240115090000_create_users.up.sql"
printf 'CREATE TABLE late();\n' >"$work/st/20250101000000_late.up.sql"
pg status --dir "$work/st" --json
expect_rc "status --json" 0
expect_eq "status: missing-file, new, pending states" \
    "$(jq -r '[.[] | .version + "=" + .state] | join(",")' <<<"$out")" \
    "20240115090000=missing-file,20240115090100=applied,20240115090200=pending,20240115090300=new,20240309082057=new,20240310000000=new,20250101000000=new"
if jq -e 'all(.[]; has("version") and has("name") and has("state") and has("batch") and has("applied_at") and has("duration") and has("file") and has("checksum"))' >/dev/null <<<"$out"; then
    ok "status --json: documented fields"
else bad "status --json: documented fields" "$out"; fi
printf 'ALTER TABLE users ADD COLUMN x int;\n-- edited\n' >"$work/st/20240115090100_create_status_type.up.sql"
pg status --dir "$work/st"
expect_rc "status (table)" 0
grep -qE '^20240115090100 +create_status_type +modified' <<<"$out" && ok "status: modified when the applied file changed" || bad "status: modified" "$out"
pg log --json
if [ "$rc" = 0 ] && jq -e 'length == 2 and .[0].action == "apply" and (.[0] | has("id") and has("at") and has("version") and has("role") and has("application_name"))' >/dev/null <<<"$out"; then
    ok "log --json"
else bad "log --json" "$out"; fi
expect_eq "log: application_name is pgmig" "$(jq -r '.[0].application_name' <<<"$out")" pgmig
pg log --limit 1
expect_rc "log --limit" 0
[ "$(wc -l <<<"$out")" = 2 ] && ok "log --limit 1: header and one row" || bad "log --limit 1" "$out"

# a pending (uploaded, not applied) migration whose file changed is re-uploaded, not refused
newdb e_replace
mkdir -p "$work/repl" && echo 'CREATE TABLE r1();' >"$work/repl/1_a.up.sql" && echo 'CREATE TABLE r2();' >"$work/repl/2_b.up.sql"
pg up --to 1 --dir "$work/repl"
echo 'CREATE TABLE r2_fixed();' >"$work/repl/2_b.up.sql"
pg up --dir "$work/repl"
expect_rc "pending migration edited: up re-uploads it and applies" 0
expect_eq "pending migration edited: the new script ran" \
    "$(q -c "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")" "r1,r2_fixed"

# --- 9. non-transactional failure, then resume ---------------------------------------------
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

# --- 10. concurrency: two deployers at once ---------------------------------------------------
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

# --- 11. lock held by someone else: wait, show who, give up with exit 3 ----------------------
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

# --- 12. kill -9 of the client during a long deploy ---------------------------------------------
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

# --- 13. connection, passwords, configuration ----------------------------------------------
pg status -d 'postgresql://bob:hunter2@/nodb?host=/nonexistent'
expect_rc "connect: failure is exit 3" 3
if grep -q hunter2 <<<"$out$err"; then bad "connect: password never printed (URL)" "$err"; else ok "connect: password never printed (URL)"; fi
pg status -d 'host=/nonexistent dbname=x password=hunter2'
if grep -q hunter2 <<<"$out$err"; then bad "connect: password never printed (conninfo)" "$err"; else ok "connect: password never printed (conninfo)"; fi
pg status -d 'host=/nonexistent dbname=x password=hunter2\ tail9'
if grep -qE 'hunter2|tail9' <<<"$out$err"; then bad "connect: password with an escaped space never printed" "$err"; else ok "connect: password with an escaped space never printed"; fi
DATABASE_URL='postgresql://bob:hunter3@/nodb?host=/nonexistent' PGHOST= PGDATABASE= "$bin" status >/dev/null 2>"$run_dir/stderr"
rc=$?
err=$(cat "$run_dir/stderr")
[ "$rc" = 3 ] && ! grep -q hunter3 <<<"$err" && grep -q nodb <<<"$err" && ok "connect: DATABASE_URL used when nothing else is given" || bad "connect: DATABASE_URL" "$rc $err"
newdb e_conf
mkdir -p "$work/proj"
cat >"$work/proj/pgmig.toml" <<EOF
dir = "db"
[env.prod]
dsn = "dbname=e_conf"
require_yes = true
EOF
cp -r "$fx/numbered" "$work/proj/db"
(cd "$work/proj" && PGDATABASE=postgres "$bin" up --env prod >/dev/null 2>"$run_dir/stderr")
rc=$?
err=$(cat "$run_dir/stderr")
expect_rc "config: environment with require_yes refuses without --yes" 2
expect_err "config: says --yes is required" "requires --yes"
(cd "$work/proj" && PGDATABASE=postgres "$bin" up --env prod --yes >/dev/null 2>&1)
rc=$?
expect_rc "config: --env dsn and dir from pgmig.toml, with --yes" 0
expect_eq "config: applied in the env's database" "$(q -d e_conf -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 4
pg --env nope status --config "$work/proj/pgmig.toml"
expect_rc "config: unknown --env is exit 2" 2
pg status --wait=5
expect_rc "connect: --wait on a running server" 0
# --wait: a server that comes up a moment later
cluster2=$run_dir/cluster2
if bash scripts/cluster.sh start "$cluster2" && bash scripts/cluster.sh stop "$cluster2"; then
    sock2=$cluster2/sock
    port2=$(cat "$cluster2/port")
    mkdir -p "$work/wait"
    (cd "$work/wait" && "$bin" init -d "host=$sock2 port=$port2 dbname=postgres user=postgres" --wait=60 >"$run_dir/wait.out" 2>&1) &
    waiter=$!
    sleep 1.5
    bash scripts/cluster.sh start "$cluster2"
    wait $waiter
    rc=$?
    expect_rc "connect: --wait until the server accepts connections" 0
    pg status --wait=1 -d "host=/nonexistent dbname=x"
    expect_rc "connect: --wait gives up with exit 3" 3
    bash scripts/cluster.sh stop "$cluster2"
else
    bad "connect: --wait (cannot start a second cluster)"
fi

# TLS: the OpenSSL linked into pgmig (statically, with the static libpq: docs/performance.md,
# "Process start") negotiates, verifies the server's certificate and its name, and refuses a
# certificate from another CA. The server takes TCP connections on 127.0.0.1 only with TLS
# (hostnossl ... reject), so the connection that works is encrypted.
tls=$run_dir/tls
tls_setup() {
    bash scripts/cluster.sh start "$tls" >/dev/null && bash scripts/cluster.sh stop "$tls" || return 1
    local d=$tls/certs
    mkdir -p "$d" && (
        cd "$d" &&
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
                -subj "/CN=pgmig e2e CA" -keyout ca.key -out ca.crt &&
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
                -subj "/CN=pgmig e2e other CA" -keyout other.key -out other.crt &&
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
                -subj "/CN=127.0.0.1" -keyout server.key -out server.csr &&
            printf 'subjectAltName=IP:127.0.0.1\n' >san.ext &&
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
                -extfile san.ext -out server.crt
    ) >"$run_dir/tls.log" 2>&1 || return 1
    chmod 600 "$d/server.key"
    [ "$(id -u)" = 0 ] && chown -R postgres: "$d"
    { echo "hostnossl all all 127.0.0.1/32 reject"; cat "$tls/data/pg_hba.conf"; } >"$tls/hba.new" &&
        cat "$tls/hba.new" >"$tls/data/pg_hba.conf"
    CLUSTER_OPTIONS="-c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=$d/server.crt -c ssl_key_file=$d/server.key" \
        bash scripts/cluster.sh start "$tls" >/dev/null
}
if tls_setup; then
    tls_port=$(cat "$tls/port")
    PGHOST=$tls/sock PGPORT=$tls_port q -d postgres -c "CREATE DATABASE e_tls" &&
        PGHOST=$tls/sock PGPORT=$tls_port q -d e_tls -c "CREATE EXTENSION pgmig"
    tls_dsn="host=127.0.0.1 port=$tls_port dbname=e_tls user=postgres"
    pg up --dir "$fx/numbered" -d "$tls_dsn sslmode=require"
    expect_rc "tls: up over TLS (sslmode=require)" 0
    pg status --json --dir "$fx/numbered" -d "$tls_dsn sslmode=verify-full sslrootcert=$tls/certs/ca.crt"
    expect_rc "tls: status with the certificate and its name verified (verify-full)" 0
    expect_eq "tls: verify-full: the 4 migrations applied over TLS" "$(grep -o '"state": *"applied"' <<<"$out" | wc -l)" 4
    pg status -d "$tls_dsn sslmode=disable"
    expect_rc "tls: without TLS the server refuses (so the runs above were encrypted): exit 3" 3
    expect_err "tls: the refusal is the server's (no encryption)" "no encryption"
    pg status -d "$tls_dsn sslmode=verify-full sslrootcert=$tls/certs/other.crt"
    expect_rc "tls: a certificate from another CA: exit 3" 3
    expect_err "tls: says the certificate did not verify" "certificate verify failed"
    bash scripts/cluster.sh stop "$tls"
else
    bad "tls: cannot set up the TLS cluster" "$(cat "$run_dir/tls.log" 2>/dev/null; tail -5 "$tls/server.log" 2>/dev/null)"
fi

# extension not installed: a hint, exit 2
newdb e_noext noext
pg status
expect_rc "no extension: exit 2" 2
expect_err "no extension: hint names CREATE EXTENSION" "CREATE EXTENSION pgmig"
pg up --lock-timeout xyz --dir "$fx/numbered"
expect_rc "a bad --lock-timeout: exit 2 before anything is sent" 2
expect_err "a bad --lock-timeout: says what a time is" "lock timeout 'xyz' is not a time"
mkdir -p "$work/badtoml" && printf 'lock_wait = "abc"\n' >"$work/badtoml/pgmig.toml"
pg status --config "$work/badtoml/pgmig.toml" --dir "$fx/numbered"
expect_rc "pgmig.toml: lock_wait that is not a number: exit 2" 2
expect_err "pgmig.toml: lock_wait: says what it must be" "lock_wait must be a number of seconds"
pg log
expect_rc "no extension: log: exit 2" 2
expect_err "no extension: log: the same hint" "CREATE EXTENSION pgmig"
# quiet when piped, a line per migration with -v
newdb e_quiet
pg up --dir "$fx/numbered"
expect_eq "output: nothing on stdout when piped" "$out" ""
newdb e_verbose
pg up -v --dir "$fx/numbered"
[ "$(grep -cE '^applied +00[0-9] ' <<<"$out")" = 4 ] && grep -q 'applied 4 migration(s) in' <<<"$out" &&
    ok "output: -v prints a line per migration and a summary" || bad "output: -v" "$out"
grep -q $'\e\[' <<<"$out$err" && bad "output: no colour when not a terminal" "$out$err" || ok "output: no colour when not a terminal"

# --- 14. init, new, baseline, validate ---------------------------------------------------------
newdb e_init noext
mkdir -p "$work/init"
(cd "$work/init" && "$bin" init >/dev/null 2>"$run_dir/stderr")
rc=$?
err=$(cat "$run_dir/stderr")
expect_rc "init" 0
[ -d "$work/init/migrations" ] && [ -f "$work/init/pgmig.toml" ] && ok "init: folder and pgmig.toml" || bad "init: folder and pgmig.toml"
expect_eq "init: extension created" "$(q -c "SELECT count(*) FROM pg_extension WHERE extname = 'pgmig'")" 1
(cd "$work/init" && "$bin" new "create widgets" >"$run_dir/new.out" 2>&1)
ls "$work/init/migrations" | grep -qE '^[0-9]{14}_create_widgets\.up\.sql$' && ok "new: golang-migrate layout with a timestamp in an empty folder" || bad "new: empty folder" "$(ls "$work/init/migrations")"
echo 'CREATE TABLE widgets(id int);' >"$(ls "$work/init/migrations"/*.up.sql)"
echo 'DROP TABLE widgets;' >"$(ls "$work/init/migrations"/*.down.sql)"
(cd "$work/init" && "$bin" up >/dev/null 2>&1)
expect_eq "new + up from the project folder" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'widgets'")" 1
for layout in directory dbmate flyway numbered; do
    fresh "new_$layout" "$layout"
    before=$(find "$work/new_$layout" | sort)
    pg new add_things --dir "$work/new_$layout"
    created=$(comm -13 <(echo "$before") <(find "$work/new_$layout" | sort) | sed "s|$work/new_$layout/||" | tr '\n' ' ')
    case $layout in
    directory) pat='^[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{6}_add_things [0-9-]+_add_things/down.sql [0-9-]+_add_things/up.sql $' ;;
    dbmate) pat='^[0-9]{14}_add_things.sql $' ;;
    flyway) pat='^U2_11__add_things.sql V2_11__add_things.sql $' ;;
    numbered) pat='^005_add_things.sql 005_add_things_down.sql $' ;;
    esac
    grep -qE "$pat" <<<"$created" && ok "new: $layout layout ($created)" || bad "new: $layout layout" "$created"
    pg validate --offline --dir "$work/new_$layout"
    expect_rc "new: $layout folder still valid" 0
done
# Prisma: DIR/migration.sql per migration (no down), migration_lock.toml beside them
newdb e_prisma
mkdir -p "$work/prisma/20210605225044_init" "$work/prisma/20210606000000_add_email" &&
    printf 'CREATE TABLE "User" (id serial PRIMARY KEY);\n' >"$work/prisma/20210605225044_init/migration.sql" &&
    printf -- '-- AlterTable\nALTER TABLE "User" ADD COLUMN "email" TEXT;\n' >"$work/prisma/20210606000000_add_email/migration.sql" &&
    printf 'provider = "postgresql"\n' >"$work/prisma/migration_lock.toml"
pg up --dir "$work/prisma"
expect_rc "prisma: up" 0
[ -z "$err" ] && ok "prisma: no warning (migration_lock.toml belongs to the folder)" || bad "prisma: no warning" "$err"
expect_eq "prisma: both applied, the column there" \
    "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'"),$(q -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'email'")" "2,1"
pg status --dir "$work/prisma"
grep -qE '^20210606000000 +add_email +applied' <<<"$out" && ok "prisma: status" || bad "prisma: status" "$out"
pg new add_name --dir "$work/prisma"
ls "$work/prisma"/*_add_name/ | tr '\n' ' ' | grep -qx 'migration.sql ' && ok "prisma: new writes DIR/migration.sql" ||
    bad "prisma: new writes DIR/migration.sql" "$(ls -R "$work/prisma")"
# goose: the Down section must not run on up (read as plain numbered files, both would)
newdb e_goose
mkdir -p "$work/goose" &&
    printf -- '-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE gt (id int);\n-- +goose StatementEnd\n\n-- +goose Down\nDROP TABLE gt;\n' \
        >"$work/goose/20230101120000_create_gt.sql" &&
    printf -- '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY gt_i ON gt (id);\n-- +goose Down\nDROP INDEX gt_i;\n' \
        >"$work/goose/20230102120000_index_gt.sql"
pg up --dir "$work/goose"
expect_rc "goose: up" 0
expect_eq "goose: the table and the concurrent index are there (Down sections not run)" \
    "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'gt'"),$(q -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'gt_i'")" "1,1"
pg down --all --dir "$work/goose"
expect_rc "goose: down --all runs the Down sections" 0
expect_eq "goose: table gone" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'gt'")" 0
newdb e_sqlmigrate
mkdir -p "$work/sqlmigrate" &&
    printf -- '-- +migrate Up\nCREATE TABLE smt (id int);\n-- +migrate Down\nDROP TABLE smt;\n' >"$work/sqlmigrate/1-initial.sql" &&
    printf -- '-- +migrate Up\nALTER TABLE smt ADD x int;\nSELECT nosuch FROM smt;\n-- +migrate Down\nALTER TABLE smt DROP x;\n' >"$work/sqlmigrate/2-add-x.sql"
pg up --dir "$work/sqlmigrate"
expect_rc "sql-migrate: an error: exit 1" 1
expect_err "sql-migrate: the error's line counted from the top of the file" "2-add-x.sql:3:8: ERROR: column \"nosuch\" does not exist"
printf -- '-- +migrate Up\nALTER TABLE smt ADD x int;\n-- +migrate Down\nALTER TABLE smt DROP x;\n' >"$work/sqlmigrate/2-add-x.sql"
pg up --dir "$work/sqlmigrate"
expect_rc "sql-migrate: up" 0
expect_eq "sql-migrate: both applied" "$(q -c "SELECT string_agg(version || '=' || name, ',' ORDER BY version) FROM mig.status() WHERE state = 'applied'")" "1=initial,2=add-x"
# sqitch: the plan's order (not its dates), names with '/', a reworked change, revert/ as downs
newdb e_sqitch
sq=$work/sqitch
mkdir -p "$sq/deploy/app.fn" "$sq/revert/app.fn" "$sq/verify"
cat >"$sq/sqitch.plan" <<'PLAN'
%syntax-version=1.0.0
%project=flipr

appschema 2013-12-30T23:19:57Z Marge <marge@example.com> # Add schema.
users [appschema] 2013-12-31T00:02:50Z Marge <marge@example.com> # Users.
app.fn/hello [appschema] 2013-12-29T00:00:00Z Marge <marge@example.com> # earlier date, later in the plan
@v1.0 2014-01-01T00:00:00Z Marge <marge@example.com> # Tag v1.0.
app.fn/hello [app.fn/hello@v1.0] 2014-01-02T00:00:00Z Marge <marge@example.com> # reworked
PLAN
printf 'BEGIN;\nCREATE SCHEMA flipr;\nCOMMIT;\n' >"$sq/deploy/appschema.sql"
printf 'BEGIN;\nDROP SCHEMA flipr;\nCOMMIT;\n' >"$sq/revert/appschema.sql"
printf 'BEGIN;\nCREATE TABLE flipr.users (nickname text PRIMARY KEY);\nCOMMIT;\n' >"$sq/deploy/users.sql"
printf 'BEGIN;\nDROP TABLE flipr.users;\nCOMMIT;\n' >"$sq/revert/users.sql"
printf 'CREATE FUNCTION flipr.hello() RETURNS text LANGUAGE sql AS $$ SELECT 1::text $$;\n' >"$sq/deploy/app.fn/hello@v1.0.sql"
printf 'DROP FUNCTION flipr.hello();\n' >"$sq/revert/app.fn/hello@v1.0.sql"
printf "CREATE OR REPLACE FUNCTION flipr.hello() RETURNS text LANGUAGE sql AS \$\$ SELECT 'hello' \$\$;\n" >"$sq/deploy/app.fn/hello.sql"
printf 'CREATE OR REPLACE FUNCTION flipr.hello() RETURNS text LANGUAGE sql AS $$ SELECT 1::text $$;\n' >"$sq/revert/app.fn/hello.sql"
printf 'SELECT 1;\n' >"$sq/verify/users.sql"
printf '[core]\n\tengine = pg\n' >"$sq/sqitch.conf"
pg up --dir "$sq"
expect_rc "sqitch: up" 0
expect_eq "sqitch: the plan's changes in plan order, the rework last" \
    "$(q -c "SELECT string_agg(version || '=' || name, ',' ORDER BY version::int) FROM mig.status() WHERE state = 'applied'")" \
    "1=appschema,2=users,3=app.fn/hello,4=app.fn/hello"
expect_eq "sqitch: the reworked function is the last one" "$(q -c "SELECT flipr.hello()")" hello
pg down --dir "$sq"
expect_rc "sqitch: down runs revert/app.fn/hello.sql" 0
expect_eq "sqitch: the function as before the rework" "$(q -c "SELECT flipr.hello()")" 1
pg down --all --dir "$sq"
expect_rc "sqitch: down --all" 0
expect_eq "sqitch: the schema gone" "$(q -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'flipr'")" 0
pg new more --dir "$sq"
expect_rc "sqitch: new is sqitch add's job: exit 2" 2
expect_err "sqitch: new says so" "sqitch add more"
printf 'users2 2014-02-01T00:00:00Z Marge <marge@example.com> # missing script\n' >>"$sq/sqitch.plan"
pg up --dir "$sq"
expect_rc "sqitch: a change without its deploy script: exit 2" 2
expect_err "sqitch: the plan's line and the missing file named" "sqitch.plan:9: change users2: .*deploy/users2.sql does not exist"
# Liquibase formatted SQL: changesets as the up script, --rollback lines (last first) as the down
newdb e_liquibase
mkdir -p "$work/liquibase"
printf -- '--liquibase formatted sql\n\n--changeset alice:1\nCREATE TABLE lqp (id int PRIMARY KEY);\n--rollback DROP TABLE lqp;\n\n--changeset alice:2 dbms:h2\nCREATE TABLE lq_h2 (id int);\n\n--changeset alice:3\nINSERT INTO lqp VALUES (1);\n--rollback DELETE FROM lqp WHERE id = 1;\n' \
    >"$work/liquibase/001_init.sql"
printf -- '--liquibase formatted sql\n--changeset bob:1\nSELECT nosuch FROM lqp;\n--rollback SELECT 1;\n' >"$work/liquibase/002_bad.sql"
pg up --dir "$work/liquibase"
expect_rc "liquibase: an error: exit 1" 1
expect_err "liquibase: the error at the file's line" "002_bad.sql:3:8: ERROR: column \"nosuch\" does not exist"
rm "$work/liquibase/002_bad.sql"
pg up --dir "$work/liquibase"
expect_rc "liquibase: up" 0
expect_eq "liquibase: the h2 changeset skipped, the others ran" \
    "$(q -c "SELECT count(*) FROM lqp"),$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'lq_h2'")" "1,0"
pg down --dir "$work/liquibase"
expect_rc "liquibase: down runs the rollbacks" 0
expect_eq "liquibase: table gone" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'lqp'")" 0
printf -- '--liquibase formatted sql\n--changeset c:1 context:test\nINSERT INTO lqp VALUES (2);\n' >"$work/liquibase/003_ctx.sql"
pg up --dir "$work/liquibase"
expect_rc "liquibase: a context: exit 2" 2
expect_err "liquibase: a context is refused, naming file and line" "003_ctx.sql:2: changeset c:1: context is not supported"
# Liquibase: an error in a rollback names the file's line of that --rollback line
newdb e_liquibase_rb
mkdir -p "$work/lqrb"
printf -- '--liquibase formatted sql\n--changeset a:1\nCREATE TABLE lqr (id int);\n--rollback DROP TABLE lqr;\n--changeset a:2\nINSERT INTO lqr VALUES (1);\n--rollback DELETE FROM lqr\n--rollback WHERE nosuch = 1;\n' >"$work/lqrb/001_init.sql"
pg up --dir "$work/lqrb"
expect_rc "liquibase: up (rollback checked by the server's parser only)" 0
pg down --dir "$work/lqrb"
expect_rc "liquibase: a failing rollback: exit 1" 1
expect_err "liquibase: the rollback's error at the file's line" "001_init.sql:8:7: ERROR: column \"nosuch\" does not exist"
expect_err "liquibase: the failing line's text" "WHERE nosuch = 1;"
# tern: the text below `---- create above / drop below ----` is the down script, not part of
# the up (read as plain numbered files, the table would be created and dropped at once)
newdb e_tern
mkdir -p "$work/tern" &&
    printf 'create table tt1 (id serial primary key);\n\n---- create above / drop below ----\n\ndrop table tt1;\n' >"$work/tern/001_create_tt1.sql" &&
    printf 'insert into tt1 default values;\n' >"$work/tern/002_seed.sql" &&
    printf -- '---- tern: disable-tx ----\ncreate index concurrently tt1_i on tt1 (id);\n---- create above / drop below ----\ndrop index tt1_i;\n' >"$work/tern/003_index.sql" &&
    printf -- 'create table tt4 ();\n---- create above / drop below ----\ndrop table tt4;\nselect nosuch from tt1;\n' >"$work/tern/004_tt4.sql" &&
    printf '[database]\nhost = localhost\n' >"$work/tern/tern.conf"
pg up --dir "$work/tern"
expect_rc "tern: up" 0
expect_eq "tern: the tables, the row and the concurrent index are there (down sections not run)" \
    "$(q -c "SELECT count(*) FROM tt1"),$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'tt4'"),$(q -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'tt1_i'")" "1,1,1"
expect_eq "tern: tern.conf is not warned about" "$(grep -c tern.conf <<<"$err")" 0
pg down --to 1 --dir "$work/tern"
expect_rc "tern: a migration without a separator cannot be rolled back: exit 2" 2
expect_err "tern: says which" "no down script for 002"
pg down --dir "$work/tern"
expect_rc "tern: an error in a down section: exit 1" 1
expect_err "tern: the down section's error at the file's line" "004_tt4.sql:4:8: ERROR: column \"nosuch\" does not exist"
printf 'create view tv as select {{.n}} as n;\n' >"$work/tern/004_tmpl.sql"
pg up --dir "$work/tern"
expect_rc "tern: a template: exit 2" 2
expect_err "tern: a template is refused, naming file and line" "004_tmpl.sql:1: tern's templates"
rm "$work/tern/004_tmpl.sql"
pg new add_more --dir "$work/tern"
expect_rc "tern: new" 0
grep -qx -- '---- create above / drop below ----' "$work/tern/005_add_more.sql" 2>/dev/null && ok "tern: new writes the next number with the separator" ||
    bad "tern: new writes the next number with the separator" "$(ls "$work/tern")"
rm -f "$work/tern/005_add_more.sql"
# node-pg-migrate: `-- Up Migration` / `-- Down Migration` sections
newdb e_npm
mkdir -p "$work/npm" &&
    printf -- '-- Up Migration\nCREATE TABLE npa (id int);\n\n-- Down Migration\nDROP TABLE npa;\n' >"$work/npm/1600000000000_create-npa.sql" &&
    printf 'INSERT INTO npa VALUES (1);\n' >"$work/npm/1600000000001_seed.sql" &&
    printf -- '-- Up Migration\nALTER TABLE npa ADD b int;\nSELECT nosuch FROM npa;\n-- Down Migration\nALTER TABLE npa DROP b;\n' >"$work/npm/1600000000002_add-b.sql" &&
    printf 'exports.up = (pgm) => {};\n' >"$work/npm/1600000000003_js.js"
pg up --dir "$work/npm"
expect_rc "node-pg-migrate: an error: exit 1" 1
expect_err "node-pg-migrate: the error at the file's line" "1600000000002_add-b.sql:3:8: ERROR: column \"nosuch\" does not exist"
expect_err "node-pg-migrate: the .js migration is named in a warning" "1600000000003_js.js: ignored"
printf -- '-- Up Migration\nALTER TABLE npa ADD b int;\n-- Down Migration\nALTER TABLE npa DROP b;\n' >"$work/npm/1600000000002_add-b.sql"
pg up --dir "$work/npm"
expect_rc "node-pg-migrate: up" 0
expect_eq "node-pg-migrate: the table with its row and column (down sections not run)" \
    "$(q -c "SELECT count(*) FROM npa WHERE b IS NULL")" 1
pg down --dir "$work/npm"
expect_rc "node-pg-migrate: down runs the Down Migration section" 0
expect_eq "node-pg-migrate: column gone" "$(q -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'npa' AND column_name = 'b'")" 0
printf -- 'INSERT INTO npa VALUES (2);\n-- down migration: delete it\nDELETE FROM npa WHERE id = 2;\n' >"$work/npm/1600000000004_loose.sql"
before=$(snap)
pg up --dir "$work/npm"
expect_rc "node-pg-migrate: a marker with text after it: exit 2" 2
expect_err "node-pg-migrate: refused, naming file and line" "1600000000004_loose.sql:2: node-pg-migrate splits the file at this line"
expect_eq "node-pg-migrate: nothing changed" "$(snap)" "$before"
rm "$work/npm/1600000000004_loose.sql"
printf -- 'BEGIN;\n-- Up Migration\nINSERT INTO npa VALUES (3);\nCOMMIT;\n' >"$work/npm/1600000000005_wrapped.sql"
pg up --dir "$work/npm"
expect_rc "node-pg-migrate: SQL above the first marker: exit 2" 2
expect_err "node-pg-migrate: refused, naming file and line" "1600000000005_wrapped.sql:1: SQL before the first"
expect_eq "node-pg-migrate: nothing changed by it" "$(snap)" "$before"
rm "$work/npm/1600000000005_wrapped.sql"
pg new add_c --dir "$work/npm"
expect_rc "node-pg-migrate: new" 0
ls "$work/npm" | grep -qE '^1[0-9]{12}_add_c\.sql$' && ok "node-pg-migrate: new names the file in milliseconds, as the folder" ||
    bad "node-pg-migrate: new names the file in milliseconds" "$(ls "$work/npm")"
# graphile-migrate: committed/NNNNNN[-message].sql with the `--!` header; up only
newdb e_graphile
mkdir -p "$work/gm" &&
    printf -- '--! Previous: -\n--! Hash: sha1:aa\n\nCREATE TABLE gma (id int);\n' >"$work/gm/000001.sql" &&
    printf -- '--! Previous: sha1:aa\n--! Hash: sha1:bb\n--! Message: index gma\n--! no-transaction\n\nCREATE INDEX CONCURRENTLY gma_i ON gma (id);\n' >"$work/gm/000002-index-gma.sql"
pg up --dir "$work/gm"
expect_rc "graphile-migrate: up (a no-transaction migration among them)" 0
expect_eq "graphile-migrate: both applied, the message slug as the name" \
    "$(q -c "SELECT string_agg(version || '=' || name, ',' ORDER BY version) FROM mig.status() WHERE state = 'applied'"),$(q -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'gma_i'")" "000001=,000002=index-gma,1"
pg new more --dir "$work/gm"
expect_rc "graphile-migrate: new is graphile-migrate commit's job: exit 2" 2
printf -- '--! Previous: sha1:bb\n--! Hash: sha1:cc\n\nGRANT ALL ON TABLE gma TO :DATABASE_OWNER;\n' >"$work/gm/000003.sql"
before=$(snap)
pg up --dir "$work/gm"
expect_rc "graphile-migrate: a placeholder: exit 2" 2
expect_err "graphile-migrate: the placeholder is refused, naming file and line" "000003.sql:4: graphile-migrate's placeholder :DATABASE_OWNER is not substituted"
expect_eq "graphile-migrate: nothing changed" "$(snap)" "$before"
rm "$work/gm/000003.sql"
# shmig: `-- ====  UP  ====` / `-- ==== DOWN ====` in VERSION-name.sql, BEGIN/COMMIT wrapped
newdb e_shmig
mkdir -p "$work/shmig" &&
    printf -- '-- Migration: create_table\n-- ====  UP  ====\n\nBEGIN;\nCREATE TABLE sht (id int);\nCOMMIT;\n\n-- ==== DOWN ====\n\nBEGIN;\nDROP TABLE sht;\nCOMMIT;\n' >"$work/shmig/1485643154-create_table.sql" &&
    printf -- '-- ====  UP  ====\nBEGIN;\nINSERT INTO sht VALUES (1);\nSELECT nosuch FROM sht;\nCOMMIT;\n-- ==== DOWN ====\nDELETE FROM sht;\n' >"$work/shmig/1485648520-testdata.sql"
pg up --dir "$work/shmig"
expect_rc "shmig: an error: exit 1" 1
expect_err "shmig: the error at the file's line" "1485648520-testdata.sql:4:8: ERROR: column \"nosuch\" does not exist"
rm "$work/shmig/1485648520-testdata.sql"
pg up --dir "$work/shmig"
expect_rc "shmig: up" 0
expect_eq "shmig: the table is there (the DOWN section not run)" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'sht'")" 1
pg down --dir "$work/shmig"
expect_rc "shmig: down runs the DOWN section" 0
expect_eq "shmig: table gone" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'sht'")" 0
# Postgrator: VERSION.do[.title].sql and VERSION.undo[.title].sql
newdb e_postgrator
mkdir -p "$work/postgrator" &&
    printf 'CREATE TABLE pga (id int);\n' >"$work/postgrator/001.do.sql" &&
    printf 'DROP TABLE pga;\n' >"$work/postgrator/001.undo.sql" &&
    printf 'ALTER TABLE pga ADD b int;\n' >"$work/postgrator/002.do.add-b.sql" &&
    printf 'ALTER TABLE pga DROP b;\n' >"$work/postgrator/002.undo.add-b.sql"
pg up --dir "$work/postgrator"
expect_rc "postgrator: up" 0
expect_eq "postgrator: both applied" "$(q -c "SELECT string_agg(version || '=' || name, ',' ORDER BY version) FROM mig.status() WHERE state = 'applied'")" "001=,002=add-b"
pg down --all --dir "$work/postgrator"
expect_rc "postgrator: down --all runs the undo files" 0
expect_eq "postgrator: table gone" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'pga'")" 0
pg new add_c --dir "$work/postgrator"
expect_eq "postgrator: new writes do and undo files" "$(ls "$work/postgrator" | grep -c '^003\.\(do\|undo\)\.add_c\.sql$')" 2
# drizzle-kit: meta/_journal.json decides; a .sql file it does not list is not run
newdb e_drizzle
mkdir -p "$work/drizzle/meta" &&
    printf 'CREATE TABLE "dza" ("id" serial PRIMARY KEY NOT NULL);\n--> statement-breakpoint\nCREATE INDEX "dza_i" ON "dza" ("id");\n' >"$work/drizzle/0000_fancy_name.sql" &&
    printf 'ALTER TABLE "dza" ADD COLUMN "b" integer;\n' >"$work/drizzle/0001_perpetual_screwball.sql" &&
    printf 'DROP TABLE "dza";\n' >"$work/drizzle/0001_abandoned_dagger.sql" &&
    printf '{"version":"7","dialect":"postgresql","entries":[{"idx":0,"version":"7","when":1700000000000,"tag":"0000_fancy_name","breakpoints":true},{"idx":1,"version":"7","when":1700000001000,"tag":"0001_perpetual_screwball","breakpoints":true}]}\n' >"$work/drizzle/meta/_journal.json" &&
    printf '{}\n' >"$work/drizzle/meta/0000_snapshot.json"
pg up --dir "$work/drizzle"
expect_rc "drizzle: up" 0
expect_eq "drizzle: the journal's two migrations ran, the unlisted one did not" \
    "$(q -c "SELECT string_agg(version || '=' || name, ',' ORDER BY version) FROM mig.status() WHERE state = 'applied'"),$(q -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'dza' AND column_name = 'b'")" \
    "0000=fancy_name,0001=perpetual_screwball,1"
expect_err "drizzle: the unlisted file is named in a warning" "0001_abandoned_dagger.sql: ignored \(not in meta/_journal.json"
pg new more --dir "$work/drizzle"
expect_rc "drizzle: new is drizzle-kit generate's job: exit 2" 2
expect_err "drizzle: new says so" "drizzle-kit generate"
# Atlas and sqlx: plain numbered files whose `-- atlas:txmode none` / `-- no-transaction` run
# outside a transaction; atlas.sum belongs to the folder
newdb e_atlas
mkdir -p "$work/atlas" &&
    printf 'CREATE TABLE ata (id int);\n' >"$work/atlas/20220811074144_create_ata.sql" &&
    printf -- '-- atlas:txmode none\n\nINSERT INTO ata VALUES (1);\nINSERT INTO ata VALUES (2);\nSELECT nosuch FROM ata;\n' >"$work/atlas/20220811074145_fill.sql" &&
    printf 'h1:abc=\n20220811074144_create_ata.sql h1:def=\n' >"$work/atlas/atlas.sum"
pg up --dir "$work/atlas"
expect_rc "atlas: an error in a txmode none file: exit 1" 1
expect_eq "atlas: txmode none: the statements before the error stay (no transaction)" "$(q -c "SELECT count(*) FROM ata")" 2
expect_eq "atlas: atlas.sum is not warned about" "$(grep -c atlas.sum <<<"$err")" 0
newdb e_sqlx
mkdir -p "$work/sqlx" &&
    printf 'CREATE TABLE sxa (id int);\n' >"$work/sqlx/20220101000000_create.sql" &&
    printf -- '-- no-transaction\nINSERT INTO sxa VALUES (1);\nSELECT nosuch FROM sxa;\n' >"$work/sqlx/20220101000001_fill.sql"
pg up --dir "$work/sqlx"
expect_rc "sqlx: an error in a no-transaction file: exit 1" 1
expect_eq "sqlx: no-transaction: the statement before the error stays" "$(q -c "SELECT count(*) FROM sxa")" 1
# Flyway: a script's .conf with executeInTransaction=false; SQL callbacks are named, not run
newdb e_flyway_conf
mkdir -p "$work/fwconf" &&
    printf 'CREATE TABLE fwc (id int);\n' >"$work/fwconf/V1__create.sql" &&
    printf 'INSERT INTO fwc VALUES (1);\nINSERT INTO fwc VALUES (2);\nSELECT nosuch FROM fwc;\n' >"$work/fwconf/V2__fill.sql" &&
    printf 'executeInTransaction=false\n' >"$work/fwconf/V2__fill.sql.conf" &&
    printf 'GRANT SELECT ON fwc TO PUBLIC;\n' >"$work/fwconf/afterMigrate__grants.sql"
pg up --dir "$work/fwconf"
expect_rc "flyway: an error in an executeInTransaction=false script: exit 1" 1
expect_eq "flyway: executeInTransaction=false: the statements before the error stay" "$(q -c "SELECT count(*) FROM fwc")" 2
expect_err "flyway: the afterMigrate callback is named, not run" "afterMigrate__grants.sql: ignored \(a Flyway afterMigrate callback"
printf 'encoding=ISO-8859-1\n' >"$work/fwconf/V1__create.sql.conf"
pg validate --offline --dir "$work/fwconf"
expect_rc "flyway: a script config with another encoding: exit 2" 2
expect_err "flyway: names the file and line" "V1__create.sql.conf:1: encoding ISO-8859-1"
# Flyway: placeholders are not expanded: validate warns naming file and line; up fails with a hint
newdb e_flyway_placeholder
mkdir -p "$work/fwph" &&
    printf 'CREATE TABLE fwp (id int);\n' >"$work/fwph/V1__create.sql" &&
    printf -- '-- the default schema\nCREATE TABLE ${flyway:defaultSchema}.fwp2 (id int);\n' >"$work/fwph/V2__more.sql"
pg validate --offline --dir "$work/fwph"
expect_rc "flyway placeholder: validate --offline only warns: exit 0" 0
expect_err "flyway placeholder: validate names file, line and placeholder" 'V2__more.sql:2: \$\{flyway:defaultSchema\} is a Flyway placeholder'
before=$(snap)
pg up --dir "$work/fwph"
expect_rc "flyway placeholder: up fails on the server's syntax error: exit 1" 1
expect_err "flyway placeholder: the error is at the placeholder" 'V2__more.sql:2:14: ERROR: syntax error'
expect_err "flyway placeholder: with a hint naming it" 'HINT: \$\{flyway:defaultSchema\} is a placeholder of Flyway'
expect_eq "flyway placeholder: nothing applied" "$(snap)" "$before"
# repeated section markers, as each tool reads them: sql-migrate gathers every Up (and Down)
# section (frain-dev/convoy), dbmate's second up marker is text of its up section, goose refuses
newdb e_repeated_markers
mkdir -p "$work/smrep" "$work/dbrep" "$work/gorep" &&
    printf -- '-- +migrate Up\nCREATE TABLE sr1 (id int);\n-- +migrate Down\nDROP TABLE sr1;\n-- +migrate Up\nCREATE TABLE sr2 (id int);\n-- +migrate Down\nDROP TABLE sr2;\n' >"$work/smrep/1-init.sql" &&
    printf -- '-- +migrate Up\nCREATE TABLE sr3 (id int);\n-- +migrate Up\nSELECT nosuch FROM sr3;\n' >"$work/smrep/2-bad.sql" &&
    printf -- '-- migrate:up\nCREATE TABLE dr1 (id int);\n-- migrate:up\nCREATE TABLE dr2 (id int);\n-- migrate:down\nDROP TABLE dr2;\nDROP TABLE dr1;\n' >"$work/dbrep/20240101000000_init.sql" &&
    printf -- '-- +goose Up\nSELECT 1;\n-- +goose Up\nSELECT 2;\n' >"$work/gorep/00001_x.sql"
pg up --dir "$work/smrep"
expect_rc "sql-migrate: an error in a second Up section: exit 1" 1
expect_err "sql-migrate: the error names the file's line" '2-bad.sql:4:8: ERROR: column "nosuch" does not exist'
pg up --to 1 --dir "$work/smrep"
expect_eq "sql-migrate: every Up section ran" "$rc:$(q -c "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE tablename LIKE 'sr%'")" "0:sr1,sr2"
pg down --yes --dir "$work/smrep"
expect_eq "sql-migrate: every Down section ran" "$rc:$(q -c "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'sr%'")" "0:0"
pg up --dir "$work/dbrep"
expect_eq "dbmate: a second up marker is part of the up section" "$rc:$(q -c "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE tablename LIKE 'dr%'")" "0:dr1,dr2"
pg down --yes --dir "$work/dbrep"
expect_eq "dbmate: and the down section rolls both back" "$rc:$(q -c "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'dr%'")" "0:0"
pg validate --offline --dir "$work/gorep"
expect_rc "goose: a second Up marker is refused: exit 2" 2
expect_err "goose: naming file and line" '00001_x.sql:3: a second up section marker'
# validate says what up does with a script's own BEGIN/COMMIT wrapper (dropped, body transactional)
newdb e_validate_wrapper
mkdir -p "$work/vwrap" && printf -- '-- a comment\nBEGIN;\nCREATE TABLE vw (id int);\nCOMMIT;\n' >"$work/vwrap/1_w.up.sql" &&
    printf 'CREATE INDEX CONCURRENTLY vw_id ON vw (id);\n' >"$work/vwrap/2_i.up.sql"
pg validate --dir "$work/vwrap"
expect_err "validate: the wrapper is named as dropped" "1_w.up.sql:2: its own BEGIN ... COMMIT wrapper is dropped"
if grep -q '1_w.up.sql.*cannot run in a transaction' <<<"$err"; then bad "validate: a wrapped script is not called non-transactional" "$err"; else ok "validate: a wrapped script is not called non-transactional"; fi
expect_err "validate: a CONCURRENTLY script still is" "2_i.up.sql:1: CREATE INDEX cannot run in a transaction"
# sql-migrate: files of one number run in name order (nakama)
newdb e_sqlm_same
mkdir -p "$work/smsame" && printf -- '-- +migrate Up\nCREATE TABLE sms (id int);\n' >"$work/smsame/20230222172539-create.sql" &&
    printf -- '-- +migrate Up\nALTER TABLE sms ADD b int;\n' >"$work/smsame/20230222172540-uid-2.sql" &&
    printf -- '-- +migrate Up\nALTER TABLE sms ADD a int;\n' >"$work/smsame/20230222172540-uid-1.sql"
pg up --dir "$work/smsame"
expect_eq "sql-migrate: files of one number: applied, uid-1 before uid-2" \
    "$rc:$(q -c "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'sms'")" "0:id,a,b"
# Prisma: directories of one timestamp run in name order (langfuse)
newdb e_prisma_same_ts
mkdir -p "$work/prts/20240528214728_idx_01" "$work/prts/20240528214728_idx_02" &&
    printf 'CREATE TABLE pt (id int);\n' >"$work/prts/20240528214728_idx_01/migration.sql" &&
    printf 'CREATE INDEX pt_id ON pt (id);\n' >"$work/prts/20240528214728_idx_02/migration.sql" &&
    printf 'provider = "postgresql"\n' >"$work/prts/migration_lock.toml"
pg up --dir "$work/prts"
expect_rc "prisma: two directories of one timestamp: up: exit 0" 0
expect_eq "prisma: both applied, in name order" \
    "$(q -c "SELECT string_agg(version || ':' || name, ',' ORDER BY version) FROM mig.status() WHERE state = 'applied'")" \
    "20240528214728:idx_01,20240528214728.1:idx_02"
# a non-transactional migration that failed at its first statement: status says how far it got;
# down undoes nothing of it (nothing ran) and leaves it pending, then goes on below it
newdb e_down_failed_first
mkdir -p "$work/dff" && printf 'CREATE TABLE dfa (id int);\n' >"$work/dff/1_a.up.sql" && printf 'DROP TABLE dfa;\n' >"$work/dff/1_a.down.sql" &&
    printf 'CREATE INDEX CONCURRENTLY dfb_idx ON nosuch (id);\nCREATE TABLE dfb (id int);\n' >"$work/dff/2_b.up.sql" &&
    printf 'DROP TABLE dfb;\nDROP INDEX CONCURRENTLY dfb_idx;\n' >"$work/dff/2_b.down.sql"
pg up --dir "$work/dff"
expect_rc "non-transactional, first statement fails: up: exit 1" 1
pg status --dir "$work/dff"
expect_eq "status: a failed migration shows its statements done" "$(awk '$1 == 2 {print $3, $(NF-4), $(NF-3), $(NF-2)}' <<<"$out")" "failed 0 of 2"
pg status --json --dir "$work/dff"
expect_eq "status --json: statements_done and statements" \
    "$(jq -c '[.[] | select(.version == "2") | .statements_done, .statements]' <<<"$out" 2>/dev/null || echo nojq)" "[0,2]"
pg down --dir "$work/dff"
expect_rc "down of a migration that failed at its first statement: exit 0" 0
expect_eq "down: it is pending again, its down script not run" \
    "$(q -c "SELECT string_agg(version || ':' || state, ',' ORDER BY version) FROM mig.status()")" "1:applied,2:pending"
pg down --dir "$work/dff"
expect_eq "down: then the one below it" "$rc:$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'dfa'")" "0:0"
# a migration adding an enum label is committed before the next: said without -v, and a later
# failure says what stays applied
newdb e_enum_commit
mkdir -p "$work/enumc" && printf "CREATE TYPE ec_mood AS ENUM ('sad');\n" >"$work/enumc/1_type.up.sql" &&
    printf "ALTER TYPE ec_mood ADD VALUE 'happy';\n" >"$work/enumc/2_label.up.sql" &&
    printf 'SELECT nosuchcol FROM pg_class;\n' >"$work/enumc/3_broken.up.sql"
pg up --dir "$work/enumc"
expect_rc "enum label then a failure: exit 1" 1
expect_eq "enum label: the commit is said" "$(grep -c 'committed 2 migration(s), up to 2, which adds an enum label' <<<"$out")" 1
expect_err "enum label: the failure says the committed ones stay applied" "the 2 migration\(s\) committed before it stay applied"
expect_eq "enum label: 1 and 2 applied, 3 not" "$(q -c "SELECT string_agg(version || ':' || state, ',' ORDER BY version) FROM mig.status()")" "1:applied,2:applied,3:pending"
# a baselined migration rolled back is pending again: reset (down --all, then up) runs it
newdb e_baseline_reset
mkdir -p "$work/blr" && printf 'CREATE TABLE blr_a (id int);\n' >"$work/blr/1_a.up.sql" && printf 'DROP TABLE blr_a;\n' >"$work/blr/1_a.down.sql" &&
    printf 'INSERT INTO blr_a VALUES (1);\n' >"$work/blr/2_b.up.sql" && printf 'DELETE FROM blr_a;\n' >"$work/blr/2_b.down.sql"
q -c "CREATE TABLE blr_a (id int)"
pg baseline --yes 1 --dir "$work/blr"
pg reset --yes --dir "$work/blr"
expect_rc "baseline, then reset: exit 0" 0
expect_eq "baseline, then reset: both applied, the table there again" \
    "$(q -c "SELECT string_agg(version || ':' || state, ',' ORDER BY version) FROM mig.status()" -c "SELECT count(*) FROM blr_a")" "1:applied,2:applied
1"
# a non-transactional down that fails part-way: status says so, up refuses (it looped, running
# nothing), down resumes at the failed statement
newdb e_ntx_down_partial
mkdir -p "$work/ndp" && printf 'CREATE TABLE ndp (id int);\n' >"$work/ndp/1_t.up.sql" && printf 'DROP TABLE ndp;\n' >"$work/ndp/1_t.down.sql" &&
    printf 'CREATE INDEX CONCURRENTLY ndp_a ON ndp (id);\nCREATE INDEX CONCURRENTLY ndp_b ON ndp (id);\n' >"$work/ndp/2_idx.up.sql" &&
    printf 'DROP INDEX CONCURRENTLY ndp_a;\nDROP INDEX CONCURRENTLY ndp_b;\nSELECT 1/0;\nSELECT 2;\n' >"$work/ndp/2_idx.down.sql"
pg up --dir "$work/ndp"
pg down --dir "$work/ndp"
expect_rc "ntx down fails part-way: exit 1" 1
expect_err "ntx down fails part-way: says it is rolled back part-way, down resumes" "2 idx is rolled back part-way: fix the cause and run .pgmig down. again"
pg status --dir "$work/ndp"
expect_eq "ntx down part-way: status shows the down's progress" "$(grep -c 'rolled back part-way: 2 of 4 down statements done' <<<"$out")" 1
timeout 20 "$bin" up --dir "$work/ndp" >"$run_dir/ndp.out" 2>&1
rc=$?
expect_eq "ntx down part-way: up refuses instead of looping (exit 2)" "$rc:$(grep -c 'is part-way rolled back (2 of 4 down statements done)' "$run_dir/ndp.out")" "2:1"
# "committed N migration(s) before non-transactional migration V" counts what that commit made
newdb e_commit_counts
mkdir -p "$work/ccount" && printf 'CREATE TABLE cc (id int);\n' >"$work/ccount/1_a.up.sql" &&
    printf 'CREATE INDEX CONCURRENTLY cc_1 ON cc (id);\n' >"$work/ccount/2_i.up.sql" &&
    printf 'CREATE TABLE cc3 (id int);\n' >"$work/ccount/3_b.up.sql" &&
    printf 'CREATE INDEX CONCURRENTLY cc_2 ON cc3 (id);\n' >"$work/ccount/4_j.up.sql"
pg up --dir "$work/ccount"
expect_eq "commit counts: one before 2, one before 4" "$rc:$(grep -E '^committed [0-9]+ migration' <<<"$out" | paste -sd'|')" \
    "0:committed 1 migration(s) before non-transactional migration 2|committed 1 migration(s) before non-transactional migration 4"
# up --dry-run --json: a failure is in the JSON too
newdb e_dry_fail
mkdir -p "$work/dryf" && printf 'CREATE TABLE dfj (id int);\n' >"$work/dryf/1_a.up.sql" && printf 'SELECT nosuch FROM dfj;\n' >"$work/dryf/2_bad.up.sql"
pg up --dry-run --json --dir "$work/dryf"
expect_eq "dry-run --json failure: ok false, the error's file, line, sqlstate" \
    "$rc:$(jq -r '[.ok, (.error.file | split("/") | last), .error.line, .error.sqlstate] | map(tostring) | join(",")' <<<"$out")" "1:false,2_bad.up.sql,1,42703"
# up --to uploads (and parses) nothing above its target: a later broken script does not block it
newdb e_upto_later_broken
mkdir -p "$work/uptob" && printf 'CREATE TABLE ub1 ();\n' >"$work/uptob/1_a.up.sql" &&
    printf 'CREATE TABLE ub2 ();\n' >"$work/uptob/2_b.up.sql" && printf 'DROP TABLEX ub2;\n' >"$work/uptob/2_b.down.sql"
pg up --to 1 --dir "$work/uptob"
expect_rc "up --to: a broken script above the target: exit 0" 0
expect_eq "up --to: only the target applied, nothing above it uploaded" \
    "$(q -c "SELECT string_agg(version || ':' || state, ',' ORDER BY version) FROM mig.status()")" "1:applied"
pg up --dir "$work/uptob"
expect_rc "up: the broken down script is refused when it is uploaded: exit 1" 1
# each of a folder's problems on a line of its own, each an error
mkdir -p "$work/twoerr" && printf 'SELECT 1;\n' >"$work/twoerr/1_a.up.sql" && printf 'SELECT 1;\n' >"$work/twoerr/01_b.up.sql" &&
    printf 'SELECT 1;\n' >"$work/twoerr/2_c.up.sql" && printf 'SELECT 1;\n' >"$work/twoerr/02_d.up.sql"
pg up --dir "$work/twoerr"
expect_eq "folder errors: one 'error:' line per problem" "$rc:$(grep -c '^error: duplicate version' <<<"$err")" "2:2"
# Flyway baseline migrations (B…): the latest runs first on an empty database; a database that
# ran the V migrations it stands for (deleted since) skips it
newdb e_flyway_b_old
mkdir -p "$work/fwb_v" "$work/fwb" &&
    printf 'CREATE TABLE fb (id int);\n' >"$work/fwb_v/V1__create.sql" &&
    printf 'ALTER TABLE fb ADD x int;\n' >"$work/fwb_v/V2__add_x.sql" &&
    printf 'CREATE TABLE fb (id int, x int);\n' >"$work/fwb/B2__baseline.sql" &&
    printf 'ALTER TABLE fb ADD y int;\n' >"$work/fwb/V3__add_y.sql"
pg up --dir "$work/fwb_v"
pg up --dir "$work/fwb"
expect_rc "flyway B: a database that ran V1, V2: up of B2 + V3: exit 0" 0
expect_eq "flyway B: B2 skipped there, V3 applied" \
    "$(q -c "SELECT string_agg(version || ':' || name, ',' ORDER BY version) FROM mig.status() WHERE state = 'applied'")" \
    "1:create,2:add_x,3:add_y"
newdb e_flyway_b_new
pg up --dir "$work/fwb"
expect_rc "flyway B: an empty database: up: exit 0" 0
expect_eq "flyway B: B2 then V3 applied" \
    "$(q -c "SELECT string_agg(version || ':' || name, ',' ORDER BY version) FROM mig.status() WHERE state = 'applied'")" \
    "2:baseline,3:add_y"
pg up --dir "$work/fwb"
expect_eq "flyway B: the next up is a no-op" "$rc:$(q -c "SELECT count(*) FROM mig.log WHERE action = 'apply'")" "0:2"
# a psql meta-command in a script: the server's syntax error gets a hint saying what it is
newdb e_psql_meta
mkdir -p "$work/meta" && printf 'CREATE TABLE mt (id int);\n\\set ON_ERROR_STOP 1\n' >"$work/meta/1_a.up.sql"
pg up --dir "$work/meta"
expect_rc "psql meta-command: up: exit 1" 1
expect_err "psql meta-command: named in a hint" 'HINT: \\set ON_ERROR_STOP 1 is a psql meta-command'
# dbmate: a dash after the version (dbmate takes any NNN….sql; supabase's init-scripts)
newdb e_dbmate_dash
mkdir -p "$work/dbdash" &&
    printf -- '-- migrate:up\nCREATE TABLE dd (id int);\n-- migrate:down\nDROP TABLE dd;\n' >"$work/dbdash/00000000000000-initial-schema.sql" &&
    printf -- '-- migrate:up\nALTER TABLE dd ADD c int;\n-- migrate:down\nALTER TABLE dd DROP c;\n' >"$work/dbdash/20240101000000_alter.sql"
pg up --dir "$work/dbdash"
expect_rc "dbmate: dash-named file read as a migration: exit 0" 0
expect_eq "dbmate: both applied" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 2
# SQL files and no migration: an error, not a successful up that did nothing
mkdir -p "$work/nomig" && printf 'CREATE TABLE nm ();\n' >"$work/nomig/schema.sql"
pg up --dir "$work/nomig"
expect_rc "no migration but .sql files: exit 2" 2
expect_err "no migration but .sql files: names them" 'no migration found, but 1 .sql file\(s\) .*nomig/schema.sql'
# a non-transactional migration whose statements take microseconds (a SET first): each one's time
# is recorded (interval input without an exponent) and the migration is applied
newdb e_nontx_fast
mkdir -p "$work/ntfast" &&
    printf 'SET lock_timeout = 0;\nSET statement_timeout = 0;\nCREATE TABLE IF NOT EXISTS ntf (id int);\nCREATE INDEX CONCURRENTLY IF NOT EXISTS ntf_id ON ntf (id);\n' >"$work/ntfast/1_nt.up.sql"
pg up --dir "$work/ntfast"
expect_rc "non-transactional, fast statements: up: exit 0" 0
expect_eq "non-transactional, fast statements: applied, every statement done" \
    "$(q -c "SELECT state FROM mig.status()" -c "SELECT bool_and(done) FROM mig.statements('1', 'up')")" "applied
t"
# diesel: its newer YYYY-MM-DD-HHMMSS-NNNN versions sort by their time among the older 14-digit
# ones, as diesel sorts them (crates.io's folder has both)
newdb e_diesel_mixed
mkdir -p "$work/dmix/00000000000000_diesel_initial_setup" "$work/dmix/2026-05-05-180007-0000_create_dm" \
    "$work/dmix/2026-05-27-120000_alter_dm" "$work/dmix/2026-06-01-090000-0000_fill_dm" &&
    printf 'SELECT 1;\n' >"$work/dmix/00000000000000_diesel_initial_setup/up.sql" &&
    printf 'SELECT 1;\n' >"$work/dmix/00000000000000_diesel_initial_setup/down.sql" &&
    printf 'CREATE TABLE dm (id int);\n' >"$work/dmix/2026-05-05-180007-0000_create_dm/up.sql" &&
    printf 'DROP TABLE dm;\n' >"$work/dmix/2026-05-05-180007-0000_create_dm/down.sql" &&
    printf 'ALTER TABLE dm ADD COLUMN name text;\n' >"$work/dmix/2026-05-27-120000_alter_dm/up.sql" &&
    printf 'ALTER TABLE dm DROP COLUMN name;\n' >"$work/dmix/2026-05-27-120000_alter_dm/down.sql" &&
    printf "INSERT INTO dm VALUES (1, 'x');\n" >"$work/dmix/2026-06-01-090000-0000_fill_dm/up.sql" &&
    printf 'DELETE FROM dm;\n' >"$work/dmix/2026-06-01-090000-0000_fill_dm/down.sql"
pg up --dir "$work/dmix"
expect_rc "diesel mixed versions: up: exit 0" 0
expect_eq "diesel mixed versions: applied in diesel's (time) order" \
    "$(q -c "SELECT string_agg(name, ',' ORDER BY id) FROM mig.log WHERE action = 'apply'")" \
    "diesel_initial_setup,create_dm,alter_dm,fill_dm"
pg status --dir "$work/dmix"
expect_eq "diesel mixed versions: status lists them in that order" \
    "$(awk 'NR > 1 {print $2}' <<<"$out" | paste -sd,)" "diesel_initial_setup,create_dm,alter_dm,fill_dm"
pg up --to 2026-05-27-120000 --dir "$work/dmix"
expect_rc "diesel mixed versions: --to in diesel's own spelling: exit 0" 0
pg down --all --yes --dir "$work/dmix"
expect_rc "diesel mixed versions: down --all: exit 0" 0
expect_eq "diesel mixed versions: rolled back" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'dm'")" 0
# __diesel_schema_migrations has 202605051800070000 (dashes dropped): baseline takes it as diesel's
pg baseline --yes 202605051800070000 --dir "$work/dmix"
expect_rc "diesel mixed versions: baseline at diesel's recorded version: exit 0" 0
expect_eq "diesel mixed versions: baseline marks only what is at or below it" \
    "$(q -c "SELECT string_agg(name, ',' ORDER BY version) FROM mig.status() WHERE state = 'baseline'")" \
    "diesel_initial_setup,create_dm"
# Sourcegraph: bare-number directories named by their metadata.yaml, which is not warned about
newdb e_sourcegraph
mkdir -p "$work/sg/1528395834" "$work/sg/1528395835" &&
    printf 'CREATE TABLE sg1();\n' >"$work/sg/1528395834/up.sql" && printf 'DROP TABLE sg1;\n' >"$work/sg/1528395834/down.sql" &&
    printf "name: 'squashed migrations'\nparents: []\n" >"$work/sg/1528395834/metadata.yaml" &&
    printf 'CREATE TABLE sg2();\n' >"$work/sg/1528395835/up.sql" &&
    printf 'name: second one\nparent: 1528395834\n' >"$work/sg/1528395835/metadata.yaml"
pg up --dir "$work/sg"
expect_rc "sourcegraph: up" 0
[ -z "$err" ] && ok "sourcegraph: no warning for metadata.yaml" || bad "sourcegraph: no warning for metadata.yaml" "$err"
expect_eq "sourcegraph: names from metadata.yaml" \
    "$(q -c "SELECT string_agg(version || '=' || name, ',' ORDER BY version) FROM mig.status()")" \
    "1528395834=squashed migrations,1528395835=second one"
newdb e_baseline
head -c0 /dev/null
psql -X -q -v ON_ERROR_STOP=1 -f "$fx/golang-migrate/20240115090000_create_users.up.sql" -f "$fx/golang-migrate/20240115090100_create_status_type.up.sql" >/dev/null
before=$(snap)
pg baseline 20240115090150 --dir "$fx/golang-migrate"
expect_rc "baseline: a version no migration has: exit 2" 2
expect_err "baseline: says so" 'unknown version "20240115090150"'
expect_eq "baseline: unknown version: nothing changed" "$(snap)" "$before"
pg baseline 20240115090100 --dir "$fx/golang-migrate"
expect_rc "baseline" 0
pg up --dir "$fx/golang-migrate"
expect_rc "baseline: up applies only what follows" 0
expect_eq "baseline: everything up to date" "$(q -c "SELECT count(*) FROM mig.status() WHERE state NOT IN ('applied', 'baseline')")" 0
expect_eq "baseline: baselined migrations were not run (log)" \
    "$(q -c "SELECT count(*) FROM mig.log WHERE action = 'apply' AND version IN ('20240115090000', '20240115090100')")" 0
newdb e_validate
mkdir -p "$work/val" && printf 'CREATE TABLE v(id int);\n' >"$work/val/1_v.up.sql" &&
    printf 'CREATE INDEX CONCURRENTLY v_i ON v(id);\n' >"$work/val/2_i.up.sql" && echo 'DROP INDEX v_i;' >"$work/val/2_i.down.sql" &&
    printf 'SELECT 1;\nSELEC 2;\n' >"$work/val/3_bad.up.sql"
pg validate --dir "$work/val"
expect_rc "validate: syntax error found with the server's parser: exit 2" 2
expect_err "validate: names file, line and column" "3_bad.up.sql:2:1"
expect_err "validate: non-transactional statement reported" "2_i.up.sql:1: CREATE INDEX"
expect_err "validate: missing down reported as a warning" "warning: .*1_v.up.sql.*no down script"
mkdir -p "$work/uponly" && for i in 1 2 3 4 5 6; do printf 'CREATE TABLE uo%s();\n' $i >"$work/uponly/${i}_t.up.sql"; done
pg validate --dir "$work/uponly"
expect_rc "validate: an up-only folder: exit 0" 0
expect_err "validate: an up-only folder: one warning for the six missing downs" \
    "warning: 6 of 6 migrations have no down script .*: 1, 2, 3, \\.\\.\\., 6"
[ "$(grep -c 'no down script' <<<"$err")" = 1 ] && ok "validate: an up-only folder: one line" ||
    bad "validate: an up-only folder: one line" "$err"
pg validate -v --dir "$work/uponly"
[ "$(grep -c 'has no down script' <<<"$err")" = 6 ] && ok "validate -v: each missing down named" ||
    bad "validate -v: each missing down named" "$err"
newdb e_validate_noext noext
pg validate --dir "$work/uponly"
expect_rc "validate: database without the extension: exit 0" 0
expect_err "validate: database without the extension: a note, offline checks" \
    "note: the database has no pgmig extension.*offline checks only"
pg validate --offline --dir "$work/val"
expect_rc "validate --offline: names only" 0

# --- 15. stat cache: never trusted over a changed file; a corrupt cache is ignored -------------
newdb e_cache
fresh cache golang-migrate
pg up --dir "$work/cache"
expect_rc "cache: up" 0
sleep 2.1 # only files changed at least 2 s ago are cached
pg status --dir "$work/cache"
pg status --dir "$work/cache"
if grep -q '^20240115090000_create_users.up.sql	' "$XDG_CACHE_HOME"/pgmig/* 2>/dev/null; then
    ok "cache: status wrote a cache with the up scripts"
else
    bad "cache: status wrote a cache with the up scripts" "$(ls -la "$XDG_CACHE_HOME"/pgmig 2>&1; cat "$XDG_CACHE_HOME"/pgmig/* 2>&1 | head)"
fi
grep -qE '^20240115090000 +create_users +applied' <<<"$out" && ok "cache: applied while unchanged" || bad "cache: applied while unchanged" "$out"
f_up=$work/cache/20240115090000_create_users.up.sql
size_before=$(stat -c %s "$f_up")
sed -i 's/users/usurs/' "$f_up" # same size, new contents, new mtime
expect_eq "cache: the edit kept the size" "$(stat -c %s "$f_up")" "$size_before"
pg status --dir "$work/cache"
grep -qE '^20240115090000 +create_users +modified' <<<"$out" && ok "cache: same-size edit is flagged modified" || bad "cache: same-size edit is flagged modified" "$out"
sed -i 's/usurs/users/' "$f_up"
sleep 0.05
pg status --dir "$work/cache"
pg status --dir "$work/cache"
grep -qE '^20240115090000 +create_users +applied' <<<"$out" && ok "cache: edit undone, applied again" || bad "cache: edit undone, applied again" "$out"
f2_up=$work/cache/20240115090100_create_status_type.up.sql # cached since the start
grep -q '^20240115090100_create_status_type.up.sql	' "$XDG_CACHE_HOME"/pgmig/* && ok "cache: second file cached" || bad "cache: second file cached" "$(cat "$XDG_CACHE_HOME"/pgmig/*)"
cp -p "$f2_up" "$work/cache_ref"
sed -i 's/TYPE/tYPE/' "$f2_up"
touch -r "$work/cache_ref" "$f2_up" # same size AND the old mtime: only ctime tells
expect_eq "cache: same size, same mtime" "$(stat -c '%s %Y' "$f2_up")" "$(stat -c '%s %Y' "$work/cache_ref")"
pg status --dir "$work/cache"
grep -qE '^20240115090100 +create_status_type +modified' <<<"$out" && ok "cache: same size and mtime restored is still modified" || bad "cache: same size and mtime restored is still modified" "$out"
pg up --dir "$work/cache"
expect_rc "cache: up refuses the edited applied migration" 2
expect_err "cache: up names the edited file" "20240115090100_create_status_type.up.sql"
cp -p "$work/cache_ref" "$f2_up"
for c in "$XDG_CACHE_HOME"/pgmig/*; do printf 'garbage\n\0\377 not a cache\n' >"$c"; done
pg status --dir "$work/cache"
expect_rc "cache: a corrupt cache is ignored" 0
grep -qE '^20240115090000 +create_users +applied' <<<"$out" && ok "cache: corrupt cache, states still right" || bad "cache: corrupt cache, states still right" "$out"
head -1 "$XDG_CACHE_HOME"/pgmig/* | grep -q '^pgmig-stat-cache 1' && ok "cache: a corrupt cache is rewritten" || bad "cache: a corrupt cache is rewritten" "$(head -c 200 "$XDG_CACHE_HOME"/pgmig/*)"
# a cache whose checksums lie (stat fields still matching) is what --no-cache is for
for c in "$XDG_CACHE_HOME"/pgmig/*; do sed -i -E 's/\t[0-9a-f]{64}$/\t0000000000000000000000000000000000000000000000000000000000000000/' "$c"; done
pg status --no-cache --dir "$work/cache"
grep -qE '^20240115090000 +create_users +applied' <<<"$out" && ok "cache: --no-cache reads every file" || bad "cache: --no-cache reads every file" "$out"
pg up --no-cache --dir "$work/cache"
expect_rc "cache: no-op up --no-cache" 0
rm -f "$XDG_CACHE_HOME"/pgmig/*
printf 'CREATE TABLE late (id int);\n' >"$work/cache/20240401000000_late.up.sql"
sleep 2.1
pg status --dir "$work/cache"
pg status --dir "$work/cache" # the new file's checksum now comes from the cache
grep -qE '^20240401000000 +late +new' <<<"$out" && ok "cache: a new file is new" || bad "cache: a new file is new" "$out"
pg up --dir "$work/cache"
expect_rc "cache: up uploads a file known only by its cached checksum (read then)" 0
expect_eq "cache: it ran" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'late'")" 1
pg status --no-cache --dir "$work/cache"
grep -qE '^20240401000000 +late +applied' <<<"$out" && ok "cache: uploaded body has the cached checksum" || bad "cache: uploaded body has the cached checksum" "$out"
# the server's checksum of an upload is compared with the expected one: a cached checksum that
# is not the file's (what a file edited between hashing and uploading looks like) stops the
# deploy. A checksum is compared before the upload only for a migration the server knows (here
# a pending one), and only a script not read ahead (over 256 kB) is uploaded from a second read.
{
    printf 'CREATE TABLE later (id int);\n'
    for i in $(seq 1 5000); do printf -- '-- line %05d: a script bigger than what up reads ahead while it connects\n' "$i"; done
} >"$work/cache/20240402000000_later.up.sql"
pg up --to 20240401000000 --dir "$work/cache"
# uploaded (not applied) from SQL, as a DBA may: the server knows it, pending
q -c "SELECT FROM mig.upload('20240402000000', 'later', pg_read_file('$work/cache/20240402000000_later.up.sql'))"
expect_eq "cache: the later migration uploaded, pending" \
    "$(q -c "SELECT state FROM mig.status() WHERE version = '20240402000000'")" pending
sleep 2.1
pg status --dir "$work/cache" # caches the file's checksum
for c in "$XDG_CACHE_HOME"/pgmig/*; do
    sed -i -E '/^20240402000000_later\.up\.sql\t/ s/\t[0-9a-f]{64}$/\t1111111111111111111111111111111111111111111111111111111111111111/' "$c"
done
before=$(snap)
pg up --dir "$work/cache"
expect_rc "cache: an upload whose server checksum is not the expected one: exit 2" 2
expect_err "cache: it says the file changed while pgmig ran" "20240402000000_later.up.sql: the file changed while pgmig was running"
expect_eq "cache: nothing applied or stored" "$(snap)" "$before"

# --- 16. big scripts are streamed (COPY), never held whole; errors still name the line -------
newdb e_stream
mkdir -p "$work/stream"
{
    printf 'CREATE TABLE s (id int, t text);\n'
    for i in $(seq 1 300); do printf "INSERT INTO s VALUES (%d, E'tab\\\\there\\\\\\\\ back\tslash %d');\n" "$i" "$i"; done
    printf 'INSERT INTO s VALUES (0, $$multi\r\nline \\\\N é$$);\n'
} >"$work/stream/1_big.up.sql"
printf 'DROP TABLE s;\n' >"$work/stream/1_big.down.sql"
PGMIG_STREAM_ABOVE=1000 pg up --dir "$work/stream"
expect_rc "stream: up of a script above the threshold" 0
expect_eq "stream: every row arrived" "$(q -c "SELECT count(*) FROM s")" 301
expect_eq "stream: backslashes, tabs, CR and non-ASCII intact" \
    "$(q -c "SELECT t FROM s WHERE id = 0" | od -c | head -2 | tr -s ' ')" \
    "$(printf 'multi\r\nline \\\\N é\n' | od -c | head -2 | tr -s ' ')"
pg status --no-cache --dir "$work/stream"
grep -qE '^1 +big +applied' <<<"$out" && ok "stream: the server's checksum equals the whole file's" || bad "stream: checksum" "$out"
pg down --dir "$work/stream"
expect_rc "stream: down" 0
{
    printf 'CREATE TABLE s2 (id int);\n'
    for i in $(seq 1 200); do printf 'INSERT INTO s2 VALUES (%d);\n' "$i"; done
    printf 'INSERT INTO s2 VALUES (1) (2);\n'
} >"$work/stream/2_bad.up.sql"
PGMIG_STREAM_ABOVE=1000 pg up --dir "$work/stream"
expect_rc "stream: syntax error in a streamed script: exit 1" 1
expect_err "stream: error names file and line" "2_bad.up.sql:202:"
expect_err "stream: the line is re-read from the file" "202 \\| INSERT INTO s2 VALUES \\(1\\) \\(2\\);"
expect_eq "stream: nothing applied" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 0
{
    for i in $(seq 1 100); do printf 'SELECT %d;\n' "$i"; done
    printf 'SELECT 1; -- caf\351\n'
} >"$work/stream/2_bad.up.sql"
PGMIG_STREAM_ABOVE=100 pg up --dir "$work/stream"
expect_rc "stream: invalid UTF-8 in a streamed script: exit 2" 2
expect_err "stream: invalid UTF-8 named with line and column" "2_bad.up.sql:101:17: not valid UTF-8"
rm "$work/stream/2_bad.up.sql"
PGMIG_STREAM_ABOVE=100 pg up --dir "$work/stream"
expect_rc "stream: up again" 0
sed -i 's/^CREATE TABLE s (id int, t text);/CREATE TABLE s (id int, t text, x int);/' "$work/stream/1_big.up.sql"
PGMIG_STREAM_ABOVE=100 pg up --dir "$work/stream"
expect_rc "stream: an applied streamed script edited is refused" 2

# --- 17. scripts read late: ahead while connecting, the rest when needed ---------------------
# `up` lists the folder, reads scripts while it connects, and the rest when it needs them:
# those of migrations the server knows before comparing, the others while uploading (batches
# that start small). A bad file found then changes nothing, and every bad file is named.
mkdir -p "$work/lazy"
for i in $(seq -w 1 120); do
    printf 'CREATE TABLE lz_%s (id int);\n' "$i" >"$work/lazy/${i}_t.up.sql"
    printf 'DROP TABLE lz_%s;\n' "$i" >"$work/lazy/${i}_t.down.sql"
done
cp -r "$work/lazy" "$work/lazy_bad"
printf "SELECT 1;\nSELECT 'caf\xe9';\n" >"$work/lazy_bad/050_t.up.sql"
printf 'DROP TABLE lz_110; -- \xff\n' >"$work/lazy_bad/110_t.down.sql"
sleep 2.1 # settled: their checksums may be cached
newdb e_lazy
q -d postgres -c "ALTER DATABASE e_lazy SET track_functions = 'all'"
before=$(snap)
PGMIG_TRACE=1 pg up --dir "$work/lazy_bad"
expect_rc "lazy: bad files found while uploading: exit 2" 2
expect_err "lazy: the bad up script named, with line and column" "lazy_bad/050_t.up.sql:2:12: not valid UTF-8"
expect_err "lazy: the bad down script named too" "lazy_bad/110_t.down.sql:1:.*not valid UTF-8"
grep -q "upload: first call sent" <<<"$err" && ok "lazy: uploads were under way when they were found" ||
    bad "lazy: uploads were under way when they were found" "$err"
expect_eq "lazy: database unchanged" "$(snap)" "$before"
calls=$(upload_calls)
[ "$calls" -ge 1 ] && ok "lazy: the upload calls that ran were rolled back ($calls)" || bad "lazy: uploads ran" "calls=$calls"
# the same bad files while the server cannot be reached: still the bad files first (exit 2)
pg up -d "host=/nonexistent dbname=x" --dir "$work/lazy_bad"
expect_rc "lazy: bad files and no server: exit 2" 2
expect_err "lazy: bad files and no server: the file named" "050_t.up.sql:2:12: not valid UTF-8"
pg up -d "host=/nonexistent dbname=x" --dir "$work/lazy"
expect_rc "lazy: good files and no server: exit 3" 3

# a cold stat cache and a warm one give the same deploy; `up` caches down scripts' checksums too
cold_cache=$run_dir/cache_cold
rm -rf "$cold_cache"
newdb e_lazy_cold
XDG_CACHE_HOME=$cold_cache PGMIG_TRACE=1 pg up --dir "$work/lazy"
expect_rc "lazy: up with a cold stat cache" 0
grep -q "up: locked" <<<"$err" && ok "lazy: new migrations: the lock is taken while the folder is read" ||
    bad "lazy: lock taken early" "$err"
snap_cold=$(snap)
if grep -q '^001_t\.down\.sql	' "$cold_cache"/pgmig/* 2>/dev/null && grep -q '^120_t\.up\.sql	' "$cold_cache"/pgmig/*; then
    ok "lazy: up cached the checksums of up and down scripts"
else
    bad "lazy: up cached the checksums of up and down scripts" "$(head -5 "$cold_cache"/pgmig/* 2>&1)"
fi
newdb e_lazy_warm
XDG_CACHE_HOME=$cold_cache pg up --dir "$work/lazy"
expect_rc "lazy: up with the warm stat cache" 0
expect_eq "lazy: warm and cold cache: the same result" "$(snap)" "$snap_cold"
# a no-op up with a warm cache opens no script, and takes no lock
q -c "ALTER DATABASE e_lazy_warm SET log_statement = 'all'"
if command -v strace >/dev/null; then
    XDG_CACHE_HOME=$cold_cache strace -f -e trace=openat -o "$run_dir/strace" "$bin" up --dir "$work/lazy" >/dev/null 2>&1
    opened=$(grep -c '\.sql"' "$run_dir/strace")
    expect_eq "lazy: no-op up with a warm cache opens no script" "$opened" 0
fi
marker="e2e-marker-$$-$RANDOM"
q -c "SELECT '$marker'" >/dev/null
XDG_CACHE_HOME=$cold_cache pg up --dir "$work/lazy"
expect_rc "lazy: no-op up" 0
sleep 0.3
if sed -n "/$marker/,\$p" "$cluster/server.log" | grep -q 'mig\.lock('; then
    bad "lazy: no-op up takes no lock" "$(sed -n "/$marker/,\$p" "$cluster/server.log" | grep 'mig\.lock(' | head -3)"
else
    ok "lazy: no-op up takes no lock"
fi
q -c "ALTER DATABASE e_lazy_warm RESET log_statement"
# a no-op up with a cold cache reads every script and finds nothing to do
rm -rf "$cold_cache"
XDG_CACHE_HOME=$cold_cache pg up -v --dir "$work/lazy"
expect_rc "lazy: no-op up with a cold cache" 0
grep -q "nothing to do: 120 migrations applied" <<<"$out" && ok "lazy: cold no-op finds nothing to do" || bad "lazy: cold no-op" "$out$err"
# an applied migration edited, and a new bad file: the bad file is reported first (as when the
# folder is read whole); without it, the edit (both checksums named)
cp -r "$work/lazy" "$work/lazy_edit"
printf 'CREATE TABLE lz_003 (id bigint);\n' >"$work/lazy_edit/003_t.up.sql"
printf "SELECT '\xe9';\n" >"$work/lazy_edit/121_t.up.sql"
before=$(snap)
for cache_state in warm cold; do
    [ $cache_state = cold ] && rm -rf "$cold_cache"
    XDG_CACHE_HOME=$cold_cache pg up --dir "$work/lazy_edit"
    expect_rc "lazy ($cache_state cache): edited + bad new file: exit 2" 2
    expect_err "lazy ($cache_state cache): the bad new file is named" "121_t.up.sql:1:9: not valid UTF-8"
    expect_eq "lazy ($cache_state cache): database unchanged" "$(snap)" "$before"
done
rm "$work/lazy_edit/121_t.up.sql"
XDG_CACHE_HOME=$cold_cache pg up --dir "$work/lazy_edit"
expect_rc "lazy: an edited applied migration: exit 2" 2
expect_err "lazy: the edited file named with both checksums" "003_t.up.sql: migration 003 was applied with checksum [0-9a-f]{64}, but the file's checksum is now $(sha256sum "$work/lazy_edit/003_t.up.sql" | cut -d' ' -f1)"
expect_eq "lazy: edited: database unchanged" "$(snap)" "$before"

# --- own plan: with nothing pending on the server, up asks mig.plan only when the uploads show
# a batch that needs it (a non-transactional migration, an enum label before the last one)
plan_calls() {
    sleep 0.5 # the client's backend reports its function statistics when it exits
    q -c "SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions WHERE schemaname = 'mig' AND funcname = 'plan'"
}
own_plan_db() { # NAME
    newdb "$1"
    q -d postgres -c "ALTER DATABASE $1 SET track_functions = 'all'"
}
mkdir -p "$work/op_plain" "$work/op_enum" "$work/op_cic"
for i in 1 2 3; do
    printf 'CREATE TABLE op_%s (id int);\n' "$i" >"$work/op_plain/00${i}_t.up.sql"
    printf 'DROP TABLE op_%s;\n' "$i" >"$work/op_plain/00${i}_t.down.sql"
done
own_plan_db e_op_plain
pg up --dir "$work/op_plain"
expect_rc "own plan: plain batch applied" 0
expect_eq "own plan: plain batch: three applied" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 3
expect_eq "own plan: plain batch: mig.plan not asked" "$(plan_calls)" 0
own_plan_db e_op_to
pg up --to 002 --dir "$work/op_plain"
expect_eq "own plan: --to 002 applies 001 and 002 only (003 not even uploaded)" \
    "$(q -c "SELECT string_agg(version || ':' || state, ',' ORDER BY version) FROM mig.status()")" \
    "001:applied,002:applied"
expect_eq "own plan: --to: mig.plan not asked" "$(plan_calls)" 0
# 003 uploaded by hand (as from psql): the server has something pending, so mig.plan is asked
q -c "SELECT FROM mig.upload('003', 't', E'CREATE TABLE op_3 (id int);\\n', E'DROP TABLE op_3;\\n')"
pg up --dir "$work/op_plain"
expect_eq "own plan: pending on the server: the rest applied" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 3
expect_eq "own plan: pending on the server: mig.plan asked" "$(plan_calls)" 1
printf "CREATE TYPE op_mood AS ENUM ('sad');\n" >"$work/op_enum/001_type.up.sql"
printf "ALTER TYPE op_mood ADD VALUE 'happy';\n" >"$work/op_enum/002_label.up.sql"
printf "CREATE TABLE op_e (m op_mood DEFAULT 'happy');\n" >"$work/op_enum/003_use.up.sql"
own_plan_db e_op_enum
pg up --dir "$work/op_enum"
expect_rc "own plan: enum label added, then used: applied" 0
expect_eq "own plan: enum label: all three applied" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 3
expect_eq "own plan: enum label: mig.plan asked" "$(test "$(plan_calls)" -ge 1 && echo yes)" yes
printf 'CREATE TABLE op_c (id int);\n' >"$work/op_cic/001_t.up.sql"
printf 'CREATE INDEX CONCURRENTLY op_c_i ON op_c (id);\n' >"$work/op_cic/002_i.up.sql"
printf 'CREATE TABLE op_d (id int);\n' >"$work/op_cic/003_t.up.sql"
own_plan_db e_op_cic
pg up --dir "$work/op_cic"
expect_rc "own plan: a non-transactional migration in the batch: applied" 0
expect_eq "own plan: non-transactional: all three applied, the index valid" \
    "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'"):$(q -c "SELECT indisvalid FROM pg_index WHERE indexrelid = 'op_c_i'::regclass")" "3:t"
expect_eq "own plan: non-transactional: mig.plan asked" "$(test "$(plan_calls)" -ge 1 && echo yes)" yes


# --- CLI edges (issue 19) ---
# psql's connection flags, help and typos, connection strings as arguments, colour, strict
# pgmig.toml, the version, line-buffered output, SIGINT/SIGTERM during a deploy (docs/cli.md).
pwc=$run_dir/pw
trap 'bash scripts/cluster.sh stop "$pwc" >/dev/null 2>&1; cleanup' EXIT
pg -?
[ "$rc" = 0 ] && grep -q 'Exit codes' <<<"$out" && ok "cli: -? is help" || bad "cli: -? is help" "$rc $out$err"
pg up -?
[ "$rc" = 0 ] && grep -q 'Exit codes' <<<"$out" && ok "cli: up -? is help" || bad "cli: up -? is help" "$rc $out$err"
pg -h /nonexistent status
expect_rc "cli: -h is --host (as psql's), not help: cannot connect, exit 3" 3
expect_err "cli: -h names the host tried" "/nonexistent"
pg stauts
expect_rc "cli: a misspelt verb is exit 2" 2
expect_err "cli: a misspelt verb: the closest one suggested" "unknown command 'stauts'; did you mean 'status'\?"
pg migrate
expect_rc "cli: an unknown verb is exit 2" 2
expect_err "cli: an unknown verb: the verbs listed" "unknown command 'migrate'; the commands are init, new, up"
pg --version
expect_eq "cli: --version is the Makefile's EXTVERSION" "$out" "pgmig $(sed -n 's/^EXTVERSION *= *//p' Makefile)"
pg status 'postgresql://bob:hunter2@/nodb?host=/nonexistent'
expect_rc "cli: a connection string as an argument is -d" 3
expect_err "cli: the argument's database was tried" "nodb"
grep -q hunter2 <<<"$out$err" && bad "cli: argument connection string: password never printed" "$err" ||
    ok "cli: argument connection string: password never printed"
pg status -d 'dbname=x' 'postgresql://bob:hunter2@/nodb?host=/nonexistent'
expect_rc "cli: -d and a connection string argument: exit 2" 2
grep -qE 'hunter2|nodb' <<<"$out$err" && bad "cli: a refused connection string is not echoed" "$err" ||
    ok "cli: a refused connection string is not echoed"
pg up --lock-wait 'postgresql://bob:hunter2@db/app'
expect_rc "cli: a connection string as a bad option value: exit 2" 2
grep -q hunter2 <<<"$out$err" && bad "cli: CLI11's errors never print a password" "$err" ||
    ok "cli: CLI11's errors never print a password"
pg --color=always status -d 'host=/nonexistent dbname=x'
grep -q $'\e\[' <<<"$err" && ok "colour: --color=always colours a pipe, NO_COLOR or not" || bad "colour: --color=always" "$err"
pg status --color=never -d 'host=/nonexistent dbname=x'
grep -q $'\e\[' <<<"$err" && bad "colour: --color=never" "$err" || ok "colour: --color=never"
pg --color=sometimes status
expect_rc "colour: --color takes auto, always, never" 2
if command -v script >/dev/null; then
    # a terminal on one stream, a file on the other: only the terminal is coloured
    newdb e_colour
    script -qec "env -u NO_COLOR TERM=xterm '$bin' up --dir '$fx/numbered' 2>'$run_dir/colour.err'" /dev/null >"$run_dir/colour.tty"
    grep -q $'\e\[32mapplied' "$run_dir/colour.tty" && ok "colour: stdout on a terminal is coloured" || bad "colour: stdout on a terminal" "$(cat "$run_dir/colour.tty")"
    script -qec "env -u NO_COLOR TERM=xterm '$bin' status -d 'host=/nonexistent dbname=x' >'$run_dir/colour.out'" /dev/null >"$run_dir/colour.tty"
    grep -q $'\e\[1;31merror:' "$run_dir/colour.tty" && ok "colour: stderr on a terminal is coloured" || bad "colour: stderr on a terminal" "$(cat "$run_dir/colour.tty")"
    script -qec "env -u NO_COLOR TERM=xterm '$bin' status -d 'host=/nonexistent dbname=x' 2>'$run_dir/colour.err'" /dev/null >/dev/null
    grep -q $'\e\[' "$run_dir/colour.err" && bad "colour: stderr to a file is not coloured while stdout is a terminal" "$(cat "$run_dir/colour.err")" ||
        ok "colour: stderr to a file is not coloured while stdout is a terminal"
    script -qec "TERM=xterm NO_COLOR=1 '$bin' status -d 'host=/nonexistent dbname=x'" /dev/null >"$run_dir/colour.tty"
    grep -q $'\e\[' "$run_dir/colour.tty" && bad "colour: NO_COLOR on a terminal" "$(cat "$run_dir/colour.tty")" || ok "colour: NO_COLOR on a terminal"
fi
mkdir -p "$work/strict"
printf 'dir = "db"\n[env.prod]\ndsn = "dbname=x"\nrequre_yes = true\n' >"$work/strict/pgmig.toml"
pg --env prod status --config "$work/strict/pgmig.toml"
expect_rc "pgmig.toml: a misspelt key is exit 2" 2
expect_err "pgmig.toml: a misspelt key: named with its line and the right key" \
    "pgmig.toml:4: in \[env.prod\]: unknown key 'requre_yes' \(did you mean 'require_yes'\?\)"
newdb e_strict
printf '[env.prod]\nrequire_yes = "yes"\n' >"$work/strict/pgmig.toml"
pg --env prod up --config "$work/strict/pgmig.toml" --dir "$fx/numbered"
expect_rc "pgmig.toml: require_yes = \"yes\" is exit 2" 2
expect_err "pgmig.toml: require_yes = \"yes\": says what it must be" "pgmig.toml:2: in \[env.prod\]: require_yes must be true or false"
expect_eq "pgmig.toml: require_yes = \"yes\": nothing deployed" "$(q -c "SELECT count(*) FROM mig.status()")" 0

# sleeping DB: waits (10 s at most) until a backend of DB sleeps in pg_sleep
sleeping() { q -d "$1" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$1' AND wait_event = 'PgSleep'"; }
wait_sleeping() {
    for _ in $(seq 100); do
        [ "$(sleeping "$1")" -gt 0 ] && return 0
        sleep 0.1
    done
    return 1
}
# piped output: each line as it is printed (stdout is line-buffered on a pipe too)
newdb e_piped
mkdir -p "$work/piped"
printf 'CREATE TABLE pl_first (id int);\n' >"$work/piped/001_first.sql"
printf 'SELECT pg_sleep(3);\n' >"$work/piped/002_slow.sql"
"$bin" up -v --per-migration --dir "$work/piped" 2>&1 | cat >"$run_dir/piped.out" &
piper=$!
if wait_sleeping e_piped; then
    seen=$(grep -cE '^applied +001 first ' "$run_dir/piped.out")
    still=$(sleeping e_piped)
    expect_eq "piped: the first migration's line is out while the second still runs" "$seen:$([ "$still" -gt 0 ] && echo running)" "1:running"
else
    bad "piped: the second migration never ran" "$(cat "$run_dir/piped.out")"
fi
wait $piper
grep -qE '^applied +002 slow ' "$run_dir/piped.out" && ok "piped: then the second's" || bad "piped: then the second's" "$(cat "$run_dir/piped.out")"
# SIGTERM during a deploy: the statement is cancelled on the server, rolled back, exit 143
newdb e_sigterm
mkdir -p "$work/sigterm"
printf 'CREATE TABLE sg_first (id int);\n' >"$work/sigterm/001_first.sql"
printf 'SELECT pg_sleep(30);\n' >"$work/sigterm/002_sleepy.sql"
"$bin" up --dir "$work/sigterm" >"$run_dir/sigterm.out" 2>"$run_dir/sigterm.err" &
victim=$!
if wait_sleeping e_sigterm; then
    sleep 1
    kill -TERM $victim
    wait $victim
    rc=$?
    err=$(cat "$run_dir/sigterm.err")
    expect_rc "SIGTERM: exit 143" 143
    for _ in $(seq 30); do [ "$(sleeping e_sigterm)" = 0 ] && break; sleep 0.1; done
    expect_eq "SIGTERM: the server no longer runs the statement" "$(sleeping e_sigterm)" 0
    expect_err "SIGTERM: names the migration that was not applied" "migration 002 \(sleepy\) was running when pgmig was interrupted by SIGTERM: cancelled and rolled back, not applied"
    expect_err "SIGTERM: says nothing of the transaction was applied" "rolled back: nothing from this transaction was applied"
    expect_eq "SIGTERM: nothing applied (one transaction)" "$(q -d e_sigterm -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 0
else
    kill -9 $victim 2>/dev/null
    bad "SIGTERM: the migration never ran" "$(cat "$run_dir/sigterm.err")"
fi
# SIGINT (not ignored: a background job of a script ignores it) with --per-migration: 001 stays
newdb e_sigint
perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' "$bin" up -v --per-migration --dir "$work/sigterm" >"$run_dir/sigint.out" 2>"$run_dir/sigint.err" &
victim=$!
if wait_sleeping e_sigint; then
    kill -INT $victim
    wait $victim
    rc=$?
    err=$(cat "$run_dir/sigint.err")
    expect_rc "SIGINT: exit 130" 130
    expect_eq "SIGINT: the committed migration stays, the interrupted one is pending" \
        "$(q -d e_sigint -c "SELECT string_agg(version || ':' || state, ',' ORDER BY version) FROM mig.status()")" "001:applied,002:pending"
    expect_err "SIGINT: says what stays committed" "the 1 migration\(s\) committed before it stay applied"
    grep -qE '^applied +001 first ' "$run_dir/sigint.out" && ok "SIGINT: the log has the committed migration's line" || bad "SIGINT: the log" "$(cat "$run_dir/sigint.out")"
else
    kill -9 $victim 2>/dev/null
    bad "SIGINT: the migration never ran" "$(cat "$run_dir/sigint.err")"
fi
wait
# -h/-p/-U/-W/-w against a TCP server that wants a password (scram-sha-256)
pw_setup() {
    bash scripts/cluster.sh start "$pwc" >/dev/null && bash scripts/cluster.sh stop "$pwc" || return 1
    { echo "host all app 127.0.0.1/32 scram-sha-256"; cat "$pwc/data/pg_hba.conf"; } >"$pwc/hba.new" &&
        cat "$pwc/hba.new" >"$pwc/data/pg_hba.conf" &&
        CLUSTER_OPTIONS="-c listen_addresses=127.0.0.1" bash scripts/cluster.sh start "$pwc" >/dev/null || return 1
    PGHOST=$pwc/sock PGPORT=$(cat "$pwc/port") q -d postgres \
        -c "CREATE ROLE app LOGIN SUPERUSER PASSWORD 's3cret pw'" -c "CREATE DATABASE e_pw OWNER app" &&
        PGHOST=$pwc/sock PGPORT=$(cat "$pwc/port") q -d e_pw -c "CREATE EXTENSION pgmig"
}
if pw_setup; then
    pw_port=$(cat "$pwc/port")
    export PGPASSFILE=$run_dir/no-pgpass
    PGPASSWORD='s3cret pw' pg -h 127.0.0.1 -p "$pw_port" -U app -d e_pw up --dir "$fx/numbered"
    expect_rc "psql flags: -h -p -U -d before the verb, PGPASSWORD" 0
    expect_eq "psql flags: applied over TCP as the user given" \
        "$(PGHOST=$pwc/sock PGPORT=$pw_port q -d e_pw -c "SELECT count(*) || ':' || string_agg(DISTINCT role::text, ',') || ':' || string_agg(DISTINCT host(client_addr), ',') FROM mig.log WHERE action = 'apply'")" "4:app:127.0.0.1"
    PGPASSWORD='s3cret pw' pg status --json -h 127.0.0.1 -p "$pw_port" -U app -d e_pw --dir "$fx/numbered"
    expect_rc "psql flags: after the verb too" 0
    printf '127.0.0.1:%s:*:app:s3cret pw\n' "$pw_port" >"$run_dir/pgpass" && chmod 600 "$run_dir/pgpass"
    PGPASSFILE=$run_dir/pgpass pg log --host 127.0.0.1 --port "$pw_port" --username app --dbname e_pw
    expect_rc "psql flags: long names, password from a .pgpass file" 0
    PGPASSWORD='not it' pg status -h 127.0.0.1 -p "$pw_port" -U app -d e_pw
    expect_rc "psql flags: a wrong password is exit 3" 3
    expect_err "psql flags: the server's refusal is shown" 'password authentication failed for user "app"'
    pg -w status -h 127.0.0.1 -p "$pw_port" -U app -d e_pw
    expect_rc "psql flags: -w and no password: exit 3, no prompt" 3
    expect_err "psql flags: -w: says no password was given" "no password supplied"
    printf 's3cret pw\n' | setsid -w "$bin" -W -h 127.0.0.1 -p "$pw_port" -U app -d e_pw status >/dev/null 2>"$run_dir/stderr"
    rc=$?
    expect_rc "psql flags: -W reads the password (from stdin without a terminal)" 0
    PGPASSWORD='s3cret pw' pg status -d "host=/nonexistent port=1 user=nobody dbname=e_pw" -h 127.0.0.1 -p "$pw_port" -U app
    expect_rc "psql flags: -h -p -U override the connection string's" 0
    unset PGPASSFILE
    bash scripts/cluster.sh stop "$pwc"
else
    bad "psql flags: cannot set up the password cluster" "$(tail -5 "$pwc/server.log" 2>/dev/null)"
fi
# --- end of CLI edges (issue 19) ---

finish
