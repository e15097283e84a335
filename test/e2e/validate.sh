# test/e2e/validate.sh: validate: the server's parser, non-transactional statements, missing
# downs, --offline.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh validate`.

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

# validate says what up does with a script's own BEGIN/COMMIT wrapper (dropped, body transactional)
newdb e_validate_wrapper
mkdir -p "$work/vwrap" && printf -- '-- a comment\nBEGIN;\nCREATE TABLE vw (id int);\nCOMMIT;\n' >"$work/vwrap/1_w.up.sql" &&
    printf 'CREATE INDEX CONCURRENTLY vw_id ON vw (id);\n' >"$work/vwrap/2_i.up.sql"
pg validate --dir "$work/vwrap"
expect_err "validate: the wrapper is named as dropped" "1_w.up.sql:2: its own BEGIN ... COMMIT wrapper is dropped"
if grep -q '1_w.up.sql.*cannot run in a transaction' <<<"$err"; then bad "validate: a wrapped script is not called non-transactional" "$err"; else ok "validate: a wrapped script is not called non-transactional"; fi
expect_err "validate: a CONCURRENTLY script still is" "2_i.up.sql:1: CREATE INDEX cannot run in a transaction"

# every broken file in one run; a broken down script is a warning (up deploys it), an error with --strict
newdb e_validate_broken
mkdir -p "$work/vbroken" && printf 'CREATE TABLE a();\n' >"$work/vbroken/1_a.up.sql" &&
    printf 'DROP TABLEX a;\n' >"$work/vbroken/1_a.down.sql" && printf 'CREATE TABLEX b();\n' >"$work/vbroken/2_b.up.sql" &&
    printf 'DROP TABLE b;\n' >"$work/vbroken/2_b.down.sql" && printf 'CREATE TABLE c();\n' >"$work/vbroken/3_c.up.sql" &&
    printf 'DROP TABLEZ c;\n' >"$work/vbroken/3_c.down.sql"
pg validate --dir "$work/vbroken"
expect_rc "validate: a broken up script: exit 2" 2
expect_eq "validate: every broken file in one run" "$(grep -cE '(1_a.down|2_b.up|3_c.down).sql:1:[0-9]+: syntax error' <<<"$err")" 3
expect_err "validate: a broken down script is a warning" "warning: .*1_a.down.sql:1:6: syntax error.*rolling the migration back is refused"
pg validate --strict --dir "$work/vbroken"
expect_err "validate --strict: a broken down script is an error" "error: .*3_c.down.sql:1:6: syntax error"

