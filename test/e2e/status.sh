# test/e2e/status.sh: status and log: every state, the --json fields, log --json and --limit, long
# names.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh status`.

# --- status, log --------------------------------------------------------------------------------
newdb e_status
fresh st golang-migrate
pg up --to 20240115090100 --dir "$work/st"
q -c "SELECT FROM mig.upload('20240115090200', 'uploaded_from_sql', 'SELECT 1;')" # pending
rm "$work/st/20240115090000_create_users.up.sql"
printf 'CREATE TABLE late();\n' >"$work/st/20250101000000_late.up.sql"
pg status --dir "$work/st" --json
expect_rc "status --json" 0
expect_eq "status: missing-file, new, pending states" \
    "$(jq -r '[.migrations[] | .version + "=" + .state] | join(",")' <<<"$out")" \
    "20240115090000=missing-file,20240115090100=applied,20240115090200=pending,20240115090300=new,20240309082057=new,20240310000000=new,20250101000000=new"
if jq -e '.command == "status" and .ok and all(.migrations[]; has("version") and has("name") and has("state") and has("batch") and has("applied_at") and has("applied_by") and has("duration_s") and has("file") and has("checksum"))' >/dev/null <<<"$out"; then
    ok "status --json: documented fields"
else bad "status --json: documented fields" "$out"; fi
printf 'ALTER TABLE users ADD COLUMN x int;\n-- edited\n' >"$work/st/20240115090100_create_status_type.up.sql"
pg status --dir "$work/st"
expect_rc "status (table)" 0
grep -qE '^20240115090100 +create_status_type +modified' <<<"$out" && ok "status: modified when the applied file changed" || bad "status: modified" "$out"
pg log --json
if [ "$rc" = 0 ] && jq -e '.command == "log" and (.entries | length) == 2 and .entries[0].action == "apply" and (.entries[0] | has("id") and has("at") and has("version") and has("role") and has("application_name") and has("duration_s")) and (.entries[0].at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+[+-][0-9]{2}:[0-9]{2}$"))' >/dev/null <<<"$out"; then
    ok "log --json"
else bad "log --json" "$out"; fi
expect_eq "log: application_name is pgmig and its version" "$(jq -r '.entries[0].application_name' <<<"$out")" "pgmig $(make -s -C "$root" print-EXTVERSION)"
pg log --limit 1
expect_rc "log --limit" 0
[ "$(wc -l <<<"$out")" = 2 ] && ok "log --limit 1: header and one row" || bad "log --limit 1" "$out"

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

# --- durations whatever the session's IntervalStyle (asked from the server in seconds) ------
mkdir -p "$work/iv"
printf 'SELECT pg_sleep(0.3);\n' >"$work/iv/001_slow.up.sql"
printf 'SELECT pg_sleep(0.3);\n' >"$work/iv/001_slow.down.sql"
at_least_250() { # NAME MS TEXT: MS (the first "N ms" of TEXT when empty) is 250 or more
    local ms=$2
    [ -n "$ms" ] || ms=$(grep -oE '[0-9]+ ms' <<<"$3" | head -1 | cut -d' ' -f1)
    if [ -n "$ms" ] && [ "${ms%.*}" -ge 250 ]; then ok "$1"; else bad "$1" "$3"; fi
}
for style in iso_8601 postgres_verbose sql_standard; do
    newdb "e_iv_$style"
    export PGOPTIONS="-c intervalstyle=$style"
    pg up --dry-run --json --dir "$work/iv"
    at_least_250 "intervalstyle $style: up --dry-run --json duration_s" \
        "$(jq -r '.migrations[0].duration_s * 1000 | floor' <<<"$out")" "$out"
    pg up -v --dir "$work/iv"
    at_least_250 "intervalstyle $style: up prints the migration's time" "" "$(grep 001 <<<"$out")"
    pg status --json --dir "$work/iv"
    at_least_250 "intervalstyle $style: status --json duration_s" "$(jq -r '.migrations[0].duration_s * 1000 | floor' <<<"$out")" "$out"
    pg status --dir "$work/iv"
    at_least_250 "intervalstyle $style: status table duration" "" "$(grep 001 <<<"$out")"
    pg down -v --dir "$work/iv"
    at_least_250 "intervalstyle $style: down prints the rollback's time" "" "$(grep 001 <<<"$out")"
    unset PGOPTIONS
done
