# test/e2e/errors.sh: what a bad folder or a failing migration reports: bad input (a clear
# message, exit 2, the database unchanged), SQL errors as FILE:LINE:COL with the line and a caret
# (exit 1, nothing applied), hints, scripts with their own BEGIN/COMMIT, --statement-timeout.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh errors`.

# --- bad input: clear message, exit 2, database unchanged ---------------------------------------
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

# each of a folder's problems on a line of its own, each an error
mkdir -p "$work/twoerr" && printf 'SELECT 1;\n' >"$work/twoerr/1_a.up.sql" && printf 'SELECT 1;\n' >"$work/twoerr/01_b.up.sql" &&
    printf 'SELECT 1;\n' >"$work/twoerr/2_c.up.sql" && printf 'SELECT 1;\n' >"$work/twoerr/02_d.up.sql"
pg up --dir "$work/twoerr"
expect_eq "folder errors: one 'error:' line per problem" "$rc:$(grep -c '^error: duplicate version' <<<"$err")" "2:2"

# SQL files and no migration: an error, not a successful up that did nothing
mkdir -p "$work/nomig" && printf 'CREATE TABLE nm ();\n' >"$work/nomig/schema.sql"
pg up --dir "$work/nomig"
expect_rc "no migration but .sql files: exit 2" 2
expect_err "no migration but .sql files: names them" 'no migration found, but 1 .sql file\(s\) .*nomig/schema.sql'

# --- migration errors: compiler-style report, exit 1, nothing applied ---------------------------
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
# up --strict refuses a down script that does not parse: the error names the down file and line
mkdir -p "$work/downerr" && printf 'CREATE TABLE de(id int);\n' >"$work/downerr/1_de.up.sql" &&
    printf 'SELECT 1;\nDROP TABLEX de;\n' >"$work/downerr/1_de.down.sql"
pg up --strict --dir "$work/downerr"
expect_rc "sql error in a down script at up: exit 1" 1
expect_err "sql error in a down script at up: names the down file, line, column" \
    "1_de.down.sql:2:6: ERROR: syntax error"
expect_err "sql error in a down script at up: shows the down script's line" "2 \\| DROP TABLEX de;"
expect_err "sql error in a down script at up: says it is the down script, parsed at upload" \
    "note: the error is in the down script of migration [0-9]+: .up. parses down scripts"
expect_eq "sql error in a down script at up: nothing applied" "$(snap)" "$before"
printf -- '-- migrate:up\nCREATE TABLE c(id int);\n-- migrate:down\nDROP TABLE c;\nDROP TABLEX c;\n' \
    >"$work/dbmerr/20240101000000_c.sql"
pg up --strict --dir "$work/dbmerr"
expect_err "sql error in a dbmate down section at up: line counted from the top of the file" \
    "20240101000000_c.sql:5:6: ERROR: syntax error"
mkdir -p "$work/hint" && printf 'CREATE TABLE h(id int PRIMARY KEY);\nINSERT INTO h VALUES (1), (1);\n' >"$work/hint/1_h.up.sql"
pg up --dir "$work/hint"
expect_err "sql error: DETAIL forwarded" "DETAIL: Key \(id\)=\(1\) already exists"
pg up --per-migration --dir "$work/sqlerr"
expect_rc "sql error --per-migration: exit 1" 1
expect_eq "sql error --per-migration: the one before is committed" \
    "$(q -c "SELECT string_agg(version || ':' || state, ',') FROM mig.status() WHERE version = '1'")" "1:applied"

# a psql meta-command in a script: the server's syntax error gets a hint saying what it is
newdb e_psql_meta
mkdir -p "$work/meta" && printf 'CREATE TABLE mt (id int);\n\\set ON_ERROR_STOP 1\n' >"$work/meta/1_a.up.sql"
pg up --dir "$work/meta"
expect_rc "psql meta-command: up: exit 1" 1
expect_err "psql meta-command: named in a hint" 'HINT: \\set ON_ERROR_STOP 1 is a psql meta-command'

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

# --statement-timeout applies to migration SQL
newdb e_stmt_timeout
mkdir -p "$work/sto" && printf 'SELECT pg_sleep(3);\n' >"$work/sto/1_slow.up.sql"
pg up --statement-timeout 300ms --dir "$work/sto"
expect_rc "--statement-timeout: migration cancelled, exit 1" 1
expect_err "--statement-timeout: SQLSTATE 57014" "57014"

# Broken down scripts (docs/sql-api.md): old ones that their own tools never read must not block
# a deploy. up stores them with their error and warns, FILE:LINE:COL; rolling back through one
# is refused before anything runs (exit 2); pgmig status shows it.
newdb e_broken_down
mkdir -p "$work/brokendown" && printf 'CREATE TABLE bd1(id int);\n' >"$work/brokendown/1_a.up.sql" &&
    printf 'DROP TABLE bd1;\n' >"$work/brokendown/1_a.down.sql" &&
    printf 'CREATE TABLE bd2(id int);\n' >"$work/brokendown/2_b.up.sql" &&
    printf -- '-- from 2017\nDROP TABLEX bd2;\n' >"$work/brokendown/2_b.down.sql" &&
    printf 'CREATE TABLE bd3(id int);\n' >"$work/brokendown/3_c.up.sql" &&
    printf 'DROP TABLE bd3;\n' >"$work/brokendown/3_c.down.sql"
pg up --dir "$work/brokendown"
expect_rc "broken down: up applies everything: exit 0" 0
expect_err "broken down: one warning naming FILE:LINE:COL" "warning: .*2_b.down.sql:2:6: the down script of migration 2 does not parse \(syntax error at or near \"TABLEX\"\)"
expect_eq "broken down: one warning only" "$(grep -c 'does not parse' <<<"$err")" 1
expect_eq "broken down: all applied" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 3
pg down 2 --dir "$work/brokendown"
expect_rc "broken down: down through it is refused: exit 2" 2
expect_err "broken down: the refusal names FILE:LINE:COL" "2_b.down.sql:2:6: syntax error"
expect_eq "broken down: nothing rolled back" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 3
pg down 1 --dir "$work/brokendown"
expect_rc "broken down: the migration above it rolls back" 0
pg status --dir "$work/brokendown"
expect_rc "broken down: status" 0
grep -qE '^2: its down script does not parse: .*2_b.down.sql:2:6: syntax error' <<<"$out" && ok "broken down: status names it" || bad "broken down: status names it" "$out"
pg status --json --dir "$work/brokendown"
expect_eq "broken down: status --json down_error" "$(jq -r '.migrations[] | select(.version == "2") | .down_error' <<<"$out" | grep -c '2_b.down.sql:2:6')" 1

# strict = true in pgmig.toml refuses it as --strict does
newdb e_broken_down_strict
printf 'strict = true\n' >"$work/strict.toml"
out=$(PGMIG_CONFIG="$work/strict.toml" "$bin" up --dir "$work/brokendown" 2>"$run_dir/stderr"); rc=$?; err=$(cat "$run_dir/stderr")
expect_rc "broken down: strict = true in pgmig.toml refuses it (exit 1)" 1
expect_eq "broken down: strict = true: nothing applied" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 0
