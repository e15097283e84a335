# test/e2e/verify.sh: pgmig verify (docs/safety.md, "Proven rollbacks"): good downs pass and
# leave nothing changed (not even the uploads); a down that does not restore the schema exits 5
# naming the migration and the objects; --to, a range after applied migrations, --each; not
# verifiable migrations; --json against the schema; --scratch creates and drops its database (on
# success, failure and SIGINT), and says so when the role may not create databases.
# Sourced by run.sh; alone: `bash test/e2e/run.sh verify`.
vdir=$work/verify
rm -rf "$vdir" && mkdir -p "$vdir/good"
# mig FOLDER FILE SQL: one migration file
mig() { printf '%s\n' "$3" >"$vdir/$1/$2"; }
mig good 001_person.up.sql "CREATE TABLE person (id int PRIMARY KEY, name text DEFAULT 'x');"
mig good 001_person.down.sql "DROP TABLE person;"
mig good 002_person_idx.up.sql "CREATE INDEX person_name_idx ON person (name);"
mig good 002_person_idx.down.sql "DROP INDEX person_name_idx;"
mig good 003_pet.up.sql "CREATE TABLE pet (id int, owner int REFERENCES person);"
mig good 003_pet.down.sql "DROP TABLE pet;"
cp -r "$vdir/good" "$vdir/bad"
mig bad 004_default.up.sql "ALTER TABLE person ALTER COLUMN name SET DEFAULT 'y';"
mig bad 004_default.down.sql "SELECT 1;"
mig bad 005_leftover.up.sql "CREATE TABLE leftover (id int);"
mig bad 005_leftover.down.sql "SELECT 1;"
cp -r "$vdir/good" "$vdir/nodown"
rm "$vdir/nodown/002_person_idx.down.sql"
# everything verify must leave as it was
vsnap() {
    q -c "SELECT count(*) FROM mig.migration" -c "SELECT count(*) FROM mig.log" \
        -c "SELECT string_agg(version, ',' ORDER BY version) FROM mig.status() WHERE state = 'applied'" \
        -c "SELECT mig.fingerprint_hash()"
}
schema_valid() { # NAME: $out is one JSON document valid against docs/pgmig.schema.json
    local msg
    if msg=$(/usr/bin/python3 - "$root/docs/pgmig.schema.json" 3<<<"$out" <<'PY' 2>&1
import json, sys
import jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(3)))
PY
    ); then ok "$1"; else bad "$1" "$msg
$out"; fi
}

# --- pending migrations of an existing database ------------------------------------------------
newdb e_verify
before=$(vsnap)
pg verify --dir "$vdir/good"
expect_rc "verify: good downs: exit 0" 0
expect_eq "verify: a line per migration and the summary" \
    "$(grep -cE '^verified +00[123] ' <<<"$out"):$(tail -1 <<<"$out")" \
    "3:verify: 3 verified, 0 failed, 0 not verifiable, 0 not verified; everything was rolled back"
expect_eq "verify: nothing left changed, not even the uploads" "$(vsnap)" "$before"
pg verify --dir "$vdir/bad"
expect_rc "verify: a down that does not restore the schema: exit 5" 5
expect_eq "verify: names the migration, the object, before and after; the rest not verified" \
    "$(grep -A3 '^FAILED' <<<"$out")
$(grep '^not verified' <<<"$out")" \
    "FAILED          004 default: its down script does not restore the schema
    changed column public.person.name
        before: text default 'x'::text
        after:  text default 'y'::text
not verified    005 leftover: comes after 004, which failed"
expect_err "verify: the error line" "a down script does not restore the schema"
expect_eq "verify: nothing left changed after a failure" "$(vsnap)" "$before"
pg verify --to 003 --dir "$vdir/bad"
expect_rc "verify --to 003: the good part passes" 0
pg verify --to 004 --dir "$vdir/bad"
expect_rc "verify --to 004: 001's down drops the table, so the range as a whole is restored" 0
pg verify --to 004 --each --dir "$vdir/bad"
expect_rc "verify --to 004 --each: 004's own down does not undo its up" 5
expect_eq "verify --each: the migrations before it are verified" "$(grep -c '^verified' <<<"$out")" 3

# a range after applied migrations
pg up -q --to 003 --dir "$vdir/bad"
before=$(vsnap)
pg verify --dir "$vdir/bad"
expect_rc "verify after up --to 003: 004 fails" 5
expect_eq "verify after up --to 003: 004 named, 001-003 not listed" \
    "$(grep -oE '^[A-Za-z ]+ +00[0-9]' <<<"$out" | tr -s ' ' | paste -sd,)" "FAILED 004,not verified 005"
pg verify --from 005 --dir "$vdir/bad"
expect_rc "verify --from 005: 004 applied first, 005 fails (table left behind)" 5
expect_eq "verify --from 005: the table left behind" "$(grep -E '^    added table' <<<"$out")" \
    "    added table public.leftover"
expect_eq "verify: the applied migrations and the schema are as they were" "$(vsnap)" "$before"

# not verifiable: no down script
newdb e_verify_nodown
pg verify --dir "$vdir/nodown"
expect_rc "verify: a migration without a down script is reported, not failed" 0
expect_eq "verify: not verifiable, and what comes after it not verified" \
    "$(grep -E '^not verif' <<<"$out" | tr -s ' ')" \
    "not verifiable 002 person_idx: no down script
not verified 003 pet: comes after 002, which is not verifiable"

# --- --json --------------------------------------------------------------------------------------
newdb e_verify_json
pg verify --json --dir "$vdir/bad"
schema_valid "verify --json: valid against docs/pgmig.schema.json"
expect_eq "verify --json: exit code, actions, the difference" \
    "$rc:$(jq -r '[.exit_code, .scratch, ([.migrations[].action] | join(",")), .migrations[3].phase, .migrations[3].differences[0].identity, .migrations[3].differences[0].after] | map(tostring) | join("|")' <<<"$out")" \
    "5:5|false|ok,ok,ok,differs,not verified|down|public.person.name|text default 'y'::text"
pg verify --json --dir "$vdir/good"
schema_valid "verify --json (ok): valid against the schema"
expect_eq "verify --json: ok" "$rc:$(jq -r '.ok' <<<"$out")" "0:true"

# --- --scratch -----------------------------------------------------------------------------------
scratch_dbs() { q -d postgres -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgmig_verify_%'"; }
pg verify --scratch --dir "$vdir/good" -d postgres
expect_rc "verify --scratch: the whole history from an empty schema" 0
expect_eq "verify --scratch: 3 verified, the scratch database dropped" \
    "$(grep -c '^verified' <<<"$out"):$(scratch_dbs)" "3:0"
pg verify --scratch --dir "$vdir/bad" -d postgres
expect_rc "verify --scratch: a failing down: exit 5" 5
expect_eq "verify --scratch: dropped after a failure too" "$(scratch_dbs)" 0
q -d postgres -c "DROP ROLE IF EXISTS e_verify_nocreate" -c "CREATE ROLE e_verify_nocreate LOGIN"
pg verify --scratch --dir "$vdir/good" -d postgres -U e_verify_nocreate
expect_rc "verify --scratch without CREATEDB: exit 2" 2
expect_err "verify --scratch without CREATEDB: says what is missing" \
    'role "e_verify_nocreate" may not create databases'
q -d postgres -c "DROP ROLE e_verify_nocreate"
# SIGINT while the scratch database is in use: dropped all the same
mkdir -p "$vdir/slow"
mig slow 001_slow.up.sql "SELECT pg_sleep(30);"
mig slow 001_slow.down.sql "SELECT 1;"
# (SIGINT not ignored: a background job of a script ignores it)
perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' "$bin" verify --scratch --dir "$vdir/slow" -d postgres >"$run_dir/verify_int.out" 2>&1 &
vpid=$!
for _ in $(seq 100); do
    [ "$(q -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'pgmig_verify_$vpid' AND query LIKE '%pg_sleep%'")" = 1 ] && break
    sleep 0.1
done
kill -INT "$vpid"
wait "$vpid"
rc=$?
expect_eq "verify --scratch interrupted: exit 130, the scratch database dropped" "$rc:$(scratch_dbs)" "130:0"
