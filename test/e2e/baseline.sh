# test/e2e/baseline.sh: baseline: marking migrations applied without running them.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh baseline`.

newdb e_baseline
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
