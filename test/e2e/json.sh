# test/e2e/json.sh: `--json` is one document of one shape for every verb (docs/json.md), valid
# against docs/pgmig.schema.json; `status --exit-code`. Sourced by run.sh; alone:
# `bash test/e2e/run.sh json`.
schema=$root/docs/pgmig.schema.json
js_dir=$work/json
rm -rf "$js_dir" && mkdir -p "$js_dir"
cp -r "$fx/numbered" "$js_dir/m"
# VERB: the stdout of the last `pg` is one JSON document valid against the schema
valid() {
    local msg
    if msg=$(/usr/bin/python3 - "$schema" 3<<<"$out" <<'PY' 2>&1
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(3))
jsonschema.Draft202012Validator(schema).validate(doc)
PY
    ); then ok "json: $1: valid against docs/pgmig.schema.json"; else bad "json: $1: valid against the schema" "$msg
$out"; fi
}
field() { jq -r "$1" <<<"$out" 2>/dev/null; }

newdb e2e_json
pg status --exit-code --json --dir "$js_dir/m"
valid "status (pending)"
expect_eq "json: status --exit-code: 4 with new migrations" "$rc:$(field '.ok'):$(field '.exit_code'):$(field '.command')" "4:false:4:status"
pg up --json --dir "$js_dir/m"
valid "up"
expect_eq "json: up: ok, a migration each with its action and who applied it" \
    "$rc:$(field '[.ok, (.migrations | length), .migrations[0].action, .migrations[0].applied_by, (.migrations[0].duration_s | type)] | map(tostring) | join(",")')" \
    "0:true,4,applied,postgres,number"
expect_eq "json: up: nothing but the document on stdout" "$(head -c1 <<<"$out")$(tail -c2 <<<"$out")" "{}"
pg status --exit-code --json --dir "$js_dir/m"
valid "status (up to date)"
expect_eq "json: status --exit-code: 0 when everything is applied" "$rc:$(field '.migrations[0].state')" "0:applied"
[[ "$(field '.migrations[0].applied_at')" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+\+00:00$ ]] &&
    ok "json: status: applied_at is RFC 3339" || bad "json: status: applied_at is RFC 3339" "$out"
PGOPTIONS='-c datestyle=German' pg status --json --dir "$js_dir/m"
[[ "$(field '.migrations[0].applied_at')" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T ]] &&
    ok "json: status: RFC 3339 whatever the DateStyle" || bad "json: status: RFC 3339 whatever the DateStyle" "$out"
pg status --exit-code --dir "$js_dir/m"
expect_rc "status --exit-code (table): 0 when up to date" 0
pg log --json
valid "log"
expect_eq "json: log: entries with RFC 3339 times and seconds" \
    "$(field '[.command, (.entries[0].at | test("T")), (.entries[0].duration_s | type)] | map(tostring) | join(",")')" "log,true,number"
pg log --verify --json
valid "log --verify"
pg drift --json
valid "drift"
pg drift --check --json
valid "drift --check"
pg validate --json --dir "$js_dir/m"
valid "validate"
pg down --json --dir "$js_dir/m"
valid "down"
expect_eq "json: down: the migration rolled back" "$rc:$(field '[.migrations[0].version, .migrations[0].action] | join(",")')" "0:004,rolled back"
pg up -q --dir "$js_dir/m"
pg redo --json --yes --dir "$js_dir/m"
valid "redo"
expect_eq "json: redo: rolled back and applied again" "$rc:$(field '[.migrations[] | .version + " " + .action] | join(",")')" "0:004 rolled back,004 applied"
pg goto 003 --json --yes --dir "$js_dir/m"
valid "goto"
expect_eq "json: goto: rolled back 004" "$rc:$(field '[.migrations[] | .version + " " + .action] | join(",")')" "0:004 rolled back"
pg verify --json --dir "$js_dir/m"
valid "verify"
expect_eq "json: verify: 004 verified, nothing changed" "$rc:$(field '[.migrations[] | .version + " " + .action] | join(",")'):$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" "0:004 ok:3"
pg up --dry-run --json --dir "$js_dir/m"
valid "up --dry-run"
expect_eq "json: up --dry-run: dry_run and the migrations" "$(field '[.dry_run, (.migrations | length)] | map(tostring) | join(",")')" "true,1"
pg reset --json --yes --dir "$js_dir/m"
valid "reset"

# a failure: the error with its SQLSTATE, file, line and column
printf 'SELECT nosuchcolumn FROM pg_class;\n' >"$js_dir/m/005_bad.sql"
pg up --json --dir "$js_dir/m"
valid "up (failed)"
expect_eq "json: a failed up: exit 1, the error's sqlstate, file, line, column and version" \
    "$rc:$(field '[.ok, .error.sqlstate, (.error.file | split("/") | last), .error.line, .error.column, .error.version] | map(tostring) | join(",")')" \
    "1:false,42703,005_bad.sql,1,8,005"
rm "$js_dir/m/005_bad.sql"
pg up --json -d 'host=/nonexistent dbname=x' --dir "$js_dir/m"
valid "up (cannot connect)"
expect_eq "json: cannot connect: exit 3, the error's message" "$rc:$(field '.exit_code'):$(field '.error.message | test("cannot connect")')" "3:3:true"
pg baseline 003 --json --dir "$js_dir/m"
valid "baseline"
