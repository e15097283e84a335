# test/e2e/dry_run_report.sh: the lock report of `up --dry-run` (docs/safety.md, "Lock report:
# `up --dry-run`"): the locks each statement takes, sizes and rows, rewrites, the flags with their
# safer patterns; `--fail-on` as a CI gate (exit 4); `--json` valid against the schema; nothing
# changed afterwards. Sourced by run.sh, which runs this file alone with
# `bash test/e2e/run.sh dry_run_report`.

dr=$work/dry_run_report
rm -rf "$dr" && mkdir -p "$dr"
newdb e_dry_run_report
q -c "CREATE TABLE accounts (id int PRIMARY KEY, email text)" \
    -c "INSERT INTO accounts SELECT g, 'a' || g FROM generate_series(1, 5000) g" \
    -c "CREATE TABLE payments (id int PRIMARY KEY, account_id int, cents int)" \
    -c "INSERT INTO payments SELECT g, g % 5000 + 1, g FROM generate_series(1, 20000) g" \
    -c "ANALYZE accounts, payments"
printf 'CREATE TABLE audit (id int, at timestamptz);\nINSERT INTO audit VALUES (1, now()), (2, now());\n' >"$dr/001_audit.up.sql"
printf -- '-- widen the amounts\nALTER TABLE payments ALTER COLUMN cents TYPE bigint;\n' >"$dr/002_widen.up.sql"
printf 'ALTER TABLE payments ADD CONSTRAINT payments_account_fk\n    FOREIGN KEY (account_id) REFERENCES accounts (id);\n' >"$dr/003_fk.up.sql"
printf 'CREATE INDEX payments_cents_idx ON payments (cents);\n' >"$dr/004_index.up.sql"
printf 'CREATE TABLE audit_archive (LIKE audit);\nCOMMENT ON TABLE audit_archive IS $$old rows$$;\n' >"$dr/005_archive.up.sql"

# everything the report must leave as it was: pgmig's history, the schema, the data
dr_state() {
    snap
    pg_dump -s --no-comments -N mig "$PGDATABASE" 2>&1 | grep -vE '^--|^\\(un)?restrict '
    q -c "SELECT count(*), sum(cents) FROM payments" -c "SELECT count(*) FROM mig.migration"
}
before=$(dr_state)

pg up --dry-run --dir "$dr"
expect_rc "dry-run report: exit 0 without --fail-on" 0
row() { grep -E "$1" <<<"$out" | head -1; }
[[ "$(row '^002 ')" =~ ALTER\ TABLE\ payments.*AccessExclusiveLock\ +public\.payments\ +[0-9.]+\ [kM]B\ +20000\ +rewritten\ +access-exclusive,\ rewrite ]] &&
    ok "dry-run report: the rewrite, its ACCESS EXCLUSIVE lock, size, rows and flags" ||
    bad "dry-run report: the rewrite's line" "$out"
[[ "$(row '^001 ')" =~ CREATE\ TABLE\ audit.*AccessExclusiveLock\ +public\.audit\ +new ]] &&
    ok "dry-run report: a new table is new, and not flagged" || bad "dry-run report: the new table's line" "$out"
l=$(row '^001 +2 ')
[[ $l =~ ^001\ +2\ +2\ .*INSERT\ INTO\ audit ]] && [[ $l != *Lock* ]] &&
    ok "dry-run report: the second statement of a script, its line; no lock beyond ACCESS EXCLUSIVE held" ||
    bad "dry-run report: statement 2 of 001" "$out"
grep -qE 'public\.payments +[0-9.]+ [kM]B +20000 +validated-constraint' <<<"$out" &&
    ok "dry-run report: a validated foreign key is flagged on its table" || bad "dry-run report: the foreign key" "$out"
grep -qE 'public\.accounts +[0-9.]+ [kM]B +5000 *$' <<<"$out" &&
    ok "dry-run report: the referenced table's lock, not flagged" || bad "dry-run report: the referenced table" "$out"
grep -qE '^004 .*CREATE INDEX payments_cents_idx.*index-without-concurrently' <<<"$out" &&
    ok "dry-run report: an index built without CONCURRENTLY on a table with rows" || bad "dry-run report: the index" "$out"
[[ "$(grep -E '^005 ' <<<"$out")" =~ flags ]] && bad "dry-run report: the harmless migration is not flagged" "$out" ||
    ok "dry-run report: the harmless migration is not flagged"
grep -q "^3 statement(s) flagged:" <<<"$out" && ok "dry-run report: three statements flagged" ||
    bad "dry-run report: three statements flagged" "$out"
grep -qE "^  002 \(widen\), statement 1, .*002_widen\.up\.sql:2: access-exclusive, rewrite$" <<<"$out" &&
    ok "dry-run report: a flagged statement names its file and line (after a comment)" || bad "dry-run report: the flagged statement's file and line" "$out"
grep -qE "^    validated-constraint: ADD CONSTRAINT \.\.\. NOT VALID, then VALIDATE CONSTRAINT" <<<"$out" &&
    ok "dry-run report: each flag with its safer pattern" || bad "dry-run report: the safer pattern" "$out"
grep -qE "^would apply 005 archive" <<<"$out" && [ "$(tail -1 <<<"$out")" = "dry run: rolled back, nothing changed" ] &&
    ok "dry-run report: after today's lines, before the last one" || bad "dry-run report: where the report is" "$out"
expect_eq "dry-run report: nothing changed (history, schema, data)" "$(dr_state)" "$before"

# --- --fail-on: the CI gate ---------------------------------------------------------------------
pg up --dry-run --fail-on=rewrite,access-exclusive --dir "$dr"
expect_rc "--fail-on=rewrite,access-exclusive: exit 4" 4
expect_err "--fail-on: names the statement, its file and line, and the flags asked for" \
    "error: --fail-on: 002 \(widen\), statement 1, .*002_widen\.up\.sql:2: access-exclusive, rewrite"
[ "$(grep -c -- '--fail-on' <<<"$err")" = 1 ] && ok "--fail-on: only the statements with a listed flag" ||
    bad "--fail-on: only the statements with a listed flag" "$err"
pg up --dry-run --fail-on not-null-scan --dir "$dr"
expect_rc "--fail-on=not-null-scan: no such statement, exit 0" 0
pg up --dry-run --fail-on=any -q --dir "$dr"
expect_rc "--fail-on=any -q: exit 4" 4
expect_eq "--fail-on=any -q: no table, only the errors" "$out:$(grep -c -- '--fail-on' <<<"$err")" ":3"
pg up --dry-run --fail-on=rewrite,bogus --dir "$dr"
expect_rc "--fail-on with an unknown flag: exit 2" 2
expect_err "--fail-on with an unknown flag: names it and the known ones" 'unknown flag "bogus".*index-without-concurrently'
pg up --fail-on=rewrite --dir "$dr"
expect_rc "--fail-on without --dry-run: exit 2" 2
expect_eq "--fail-on: nothing changed" "$(dr_state)" "$before"

# --- --json ---------------------------------------------------------------------------------------
pg up --dry-run --json --fail-on=index-without-concurrently --dir "$dr"
expect_rc "dry-run report --json --fail-on: exit 4" 4
if /usr/bin/python3 - "$root/docs/pgmig.schema.json" 3<<<"$out" <<'PY' 2>/dev/null; then
import json, sys
import jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(3)))
PY
    ok "dry-run report --json: valid against docs/pgmig.schema.json"
else bad "dry-run report --json: valid against the schema" "$out"; fi
expect_eq "dry-run report --json: the report, the gate's verdict" \
    "$(jq -r '[.ok, .exit_code, .lock_report.failing, (.lock_report.fail_on | join(",")), (.lock_report.statements | length)] | map(tostring) | join(" ")' <<<"$out")" \
    "false 4 1 index-without-concurrently 7"
expect_eq "dry-run report --json: the rewrite's statement" \
    "$(jq -r '.lock_report.statements[] | select(.version == "002") | [.line, .tag, (.flags | join(",")), (.locks[0] | .relation, .lock, .existed, .rows_estimate, .rewrote, (.size_bytes > 0)), (.hints | keys | join(","))] | map(tostring) | join(" ")' <<<"$out")" \
    "2 ALTER TABLE access-exclusive,rewrite public.payments AccessExclusiveLock true 20000 true true access-exclusive,rewrite"
expect_eq "dry-run report --json: the index's table, its lock held since 002" \
    "$(jq -r '.lock_report.statements[] | select(.version == "004") | .locks[] | select(.relation == "public.payments") | [.lock, (.flags | join(","))] | map(tostring) | join(" ")' <<<"$out")" \
    "null index-without-concurrently"

# --- a non-transactional migration ends the report ------------------------------------------------
printf 'CREATE INDEX CONCURRENTLY payments_account_idx ON payments (account_id);\n' >"$dr/006_concurrently.up.sql"
printf 'ALTER TABLE payments ALTER COLUMN account_id SET NOT NULL;\n' >"$dr/007_not_null.up.sql"
before=$(dr_state)
pg up --dry-run --fail-on=not-null-scan --dir "$dr"
expect_rc "dry-run report: a migration after a non-transactional one is not executed, not flagged" 0
grep -q "would run outside a transaction (not executed): 006" <<<"$out" && ! grep -qE '^00[67] ' <<<"$out" &&
    ok "dry-run report: up to the non-transactional migration" || bad "dry-run report: up to the non-transactional migration" "$out"
expect_eq "dry-run report: nothing changed, uploads included" "$(dr_state)" "$before"

# --- a deploy, then the report of what is left ----------------------------------------------------
rm "$dr/006_concurrently.up.sql" "$dr/007_not_null.up.sql"
pg up --dir "$dr"
expect_rc "dry-run report: up applies everything" 0
printf 'ALTER TABLE payments ALTER COLUMN account_id SET NOT NULL;\n' >"$dr/008_not_null.up.sql"
pg up --dry-run --fail-on=not-null-scan --dir "$dr"
expect_rc "dry-run report: SET NOT NULL on a table with rows fails --fail-on=not-null-scan" 4
grep -qE '^008 .*ALTER TABLE payments.*AccessExclusiveLock +public\.payments .*access-exclusive, not-null-scan' <<<"$out" &&
    ok "dry-run report: SET NOT NULL flagged" || bad "dry-run report: SET NOT NULL flagged" "$out"
rm "$dr/008_not_null.up.sql" # the dry run uploaded nothing
pg up --dry-run --fail-on=any --dir "$dr"
expect_rc "dry-run report: nothing pending, --fail-on=any passes" 0
