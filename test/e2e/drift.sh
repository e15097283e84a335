# test/e2e/drift.sh: DDL run outside pgmig (docs/safety.md, "Drift: DDL outside pgmig"): status
# warns, `pgmig drift` lists it (--json, --since, --exit-code), deploys are not drift, `drift
# --check` finds an ALTER TABLE made with the event triggers disabled, and pg_dump | pg_restore
# into a new database works and records nothing. Sourced by run.sh; alone:
# `bash test/e2e/run.sh drift`.

newdb e_drift
mkdir -p "$work/drift"
printf 'CREATE TABLE orders (id int PRIMARY KEY);\n' >"$work/drift/001_orders.up.sql"
printf 'DROP TABLE orders;\n' >"$work/drift/001_orders.down.sql"
printf 'CREATE INDEX CONCURRENTLY orders_id_idx ON orders (id);\n' >"$work/drift/002_idx.up.sql"
pg up --dir "$work/drift"
expect_rc "drift: up" 0
pg drift
expect_eq "drift: a deploy, its non-transactional statement too, is not drift" "$rc:$out" \
    "0:no changes outside pgmig since the last deploy ($(q -c "SELECT pg_catalog.to_json(last_deploy) #>> '{}' FROM mig.drift_status()"))"
pg status --dir "$work/drift"
expect_eq "drift: status without drift warns about nothing" "$rc:$err" "0:"

q -c "ALTER TABLE orders ADD COLUMN note text" -c "CREATE TABLE side (id int)"
pg status --dir "$work/drift"
expect_rc "drift: status exits 0 with drift" 0
expect_err "drift: status warns about drift since the last deploy" \
    '^warning: 2 changes made outside pgmig since the last deploy \(.*\): `pgmig drift` lists them$'
pg status --json --dir "$work/drift"
expect_eq "drift: status --json carries drift" \
    "$(jq -r '[.drift.capture, .drift.since_last_deploy, (.drift.last_deploy | test("T")), (.warnings | length)] | map(tostring) | join(",")' <<<"$out")" \
    "on,2,true,1"
pg drift
expect_rc "drift: listing" 0
grep -qE '^ +1  [0-9T:-]+  postgres +ALTER TABLE +table public\.orders$' <<<"$out" &&
    grep -qE '^ +ALTER TABLE orders ADD COLUMN note text$' <<<"$out" &&
    grep -qE '^ +2  .* CREATE TABLE +table public\.side$' <<<"$out" &&
    ok "drift: lists each object with its statement" || bad "drift: lists each object with its statement" "$out"
pg drift --exit-code
expect_rc "drift --exit-code: 4 when drift is listed" 4
pg drift --json
expect_eq "drift --json: rows with who, what and the statement" \
    "$(jq -r '[.command, .ok, .capture, (.drift | length), .drift[0].role, .drift[0].event, .drift[0].command_tag, .drift[0].object_identity, .drift[0].statement, (.drift[0].at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))] | map(tostring) | join("|")' <<<"$out")" \
    "drift|true|on|2|postgres|ddl|ALTER TABLE|public.orders|ALTER TABLE orders ADD COLUMN note text|true"
if /usr/bin/python3 - "$root/docs/pgmig.schema.json" 3<<<"$out" <<'PY' 2>/dev/null; then
import json, sys, jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(3)))
PY
    ok "drift --json: valid against docs/pgmig.schema.json"
else bad "drift --json: valid against docs/pgmig.schema.json" "$out"; fi

# the next deploy: nothing since it; --since all still lists everything
printf 'CREATE TABLE later (id int);\n' >"$work/drift/003_later.up.sql"
pg up --dir "$work/drift"
pg status --dir "$work/drift"
expect_eq "drift: after the next deploy status warns no more" "$rc:$err" "0:"
pg drift --since all --json
expect_eq "drift --since all: every row" "$(jq -r '.drift | length' <<<"$out")" 2
pg drift --since '2000-01-01' --json
expect_eq "drift --since TIME" "$(jq -r '.drift | length' <<<"$out")" 2
pg drift --since yesterdayish
expect_rc "drift --since: a time the server cannot read is a usage error" 2
expect_err "drift --since: says what it takes" "^error: --since 'yesterdayish': .*last-deploy, all, or a time"

# --check: the catalog against the last deploy's fingerprint, with capture disabled
pg drift --check
expect_eq "drift --check: the catalog matches after a deploy" "$rc:${out%% (*}" "0:the catalog matches the fingerprint of the last deploy"
q -c "ALTER EVENT TRIGGER pgmig_drift_ddl DISABLE" -c "ALTER EVENT TRIGGER pgmig_drift_drop DISABLE" \
    -c "ALTER TABLE orders ALTER COLUMN note TYPE varchar(200)" -c "DROP TABLE side"
pg status --dir "$work/drift"
expect_err "drift: status says capture is unavailable" '^warning: drift capture is unavailable'
pg drift --json
expect_eq "drift: nothing captured with the triggers disabled" "$(jq -r '[.capture, (.drift | length)] | map(tostring) | join(",")' <<<"$out")" "unavailable,0"
pg drift --check
expect_rc "drift --check: exit 4 when the catalog differs" 4
expect_eq "drift --check: the changed column and the dropped table" "$out" \
    "changed  column       public.orders.note
removed  table        public.side
removed  column       public.side.id"
pg drift --check -v
grep -qF 'was: text' <<<"$out" && grep -qF 'now: character varying(200)' <<<"$out" &&
    ok "drift --check -v: both definitions" || bad "drift --check -v: both definitions" "$out"
pg drift --check --json
expect_eq "drift --check --json" \
    "$(jq -r '[.exit_code, (.changes | length), .changes[0].change, .changes[0].identity, (.fingerprint_at | test("T"))] | map(tostring) | join(",")' <<<"$out")" \
    "4,3,changed,public.orders.note,true"
q -c "ALTER EVENT TRIGGER pgmig_drift_ddl ENABLE" -c "ALTER EVENT TRIGGER pgmig_drift_drop ENABLE"

# capture off for a session (superuser-set): nothing recorded, and drift says so
PGOPTIONS='-c pgmig.drift_capture=off' psql -X -q -c "CREATE TABLE quiet (id int)"
pg drift --since all --json
expect_eq "drift: pgmig.drift_capture=off records nothing" "$(jq -r '[.drift[].object_identity] | index("public.quiet")' <<<"$out")" null
PGOPTIONS='-c pgmig.drift_capture=off' pg drift
expect_err "drift: warns when capture is off" '^warning: drift capture is off here'

# pg_dump | pg_restore into a new database: the restore works, its DDL is not drift, the rows
# come back
before=$(q -c "SELECT count(*) FROM mig.drift")
pg_dump -Fc -f "$work/drift.dump" e_drift 2>"$work/dump.err" && ok "drift: pg_dump works" || bad "drift: pg_dump works" "$(cat "$work/dump.err")"
q -d postgres -c "DROP DATABASE IF EXISTS e_drift_restored" -c "CREATE DATABASE e_drift_restored"
pg_restore -d e_drift_restored "$work/drift.dump" 2>"$work/restore.err" &&
    ok "drift: pg_restore into a new database works" || bad "drift: pg_restore into a new database works" "$(cat "$work/restore.err")"
expect_eq "drift: the restore recorded nothing; the dumped rows came back" \
    "$(q -d e_drift_restored -c "SELECT count(*) FROM mig.drift")" "$before"
PGDATABASE=e_drift_restored pg drift --check
expect_eq "drift: --check on the restored database compares with the dumped fingerprint" "$rc" 4
q -d e_drift_restored -c "CREATE TABLE after_restore (id int)"
expect_eq "drift: a new session on the restored database records drift again" \
    "$(q -d e_drift_restored -c "SELECT object_identity FROM mig.drift ORDER BY id DESC LIMIT 1")" "public.after_restore"
q -d postgres -c "DROP DATABASE e_drift_restored"

# CREATE EXTENSION pgmig where another event trigger exists
newdb e_drift_other noext
q -c "CREATE FUNCTION other_trg() RETURNS event_trigger LANGUAGE plpgsql AS \$\$BEGIN RAISE NOTICE 'other: %', tg_tag; END\$\$" \
    -c "CREATE EVENT TRIGGER other_ddl ON ddl_command_end EXECUTE FUNCTION other_trg()" \
    -c "CREATE EVENT TRIGGER other_drop ON sql_drop EXECUTE FUNCTION other_trg()"
q -c "CREATE EXTENSION pgmig" 2>"$work/other.err" && ok "drift: CREATE EXTENSION beside another event trigger" ||
    bad "drift: CREATE EXTENSION beside another event trigger" "$(cat "$work/other.err")"
pg up --dir "$work/drift"
expect_rc "drift: up beside another event trigger" 0
q -c "CREATE TABLE by_hand (id int)"
pg drift --json
expect_eq "drift: captured beside another event trigger" "$(jq -r '[.drift[].object_identity] | join(",")' <<<"$out")" "public.by_hand"
