# test/e2e/repair.sh: the ways out of a folder that no longer matches the database: a down file
# added to an applied migration (`up` stores it when the database had none, `repair --down V`
# replaces one), a reviewed comment edit of an applied migration (`repair V`, refused for a
# changed statement unless --force), a pending migration whose file was deleted (status
# missing-file, `up` refuses it, `discard V` removes it).
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh repair`.

rp=$work/repair
rm -rf "$rp" && mkdir -p "$rp"
printf 'CREATE TABLE rp_a (id int);\n' >"$rp/001_a.up.sql"
printf 'DROP TABLE rp_a;\n' >"$rp/001_a.down.sql"
printf 'CREATE TABLE rp_b (id int);\n' >"$rp/002_b.up.sql"
newdb e_repair
pg up --dir "$rp"
expect_rc "repair: up of 001 and 002 (002 without a down file)" 0

# --- a forgotten down file, added to an applied migration: up stores it ---------------------------
printf 'DROP TABLE rp_b;\n' >"$rp/002_b.down.sql"
pg up --dir "$rp" --dry-run
expect_rc "repair: up --dry-run with an added down file" 0
expect_err "repair: up --dry-run says it would store it" "would store the down script of applied migration 002"
expect_eq "repair: up --dry-run stores nothing" "$(q -c "SELECT has_down FROM mig.status() WHERE version = '002'")" "f"
pg up --dir "$rp"
expect_rc "repair: up with a down file added to an applied migration: no longer refused" 0
expect_err "repair: up says it stored the down script" "stored the down script of applied migration 002 \(.*002_b.down.sql\)"
expect_eq "repair: the down script is stored" "$(q -c "SELECT has_down FROM mig.status() WHERE version = '002'")" "t"
expect_eq "repair: ... and logged" "$(q -c "SELECT count(*) FROM mig.log WHERE action = 'set_down' AND version = '002'")" "1"
pg up --dir "$rp"
expect_rc "repair: the next up has nothing to do" 0
expect_eq "repair: ... and stores nothing again" "$(q -c "SELECT count(*) FROM mig.log WHERE action = 'set_down'")" "1"

# --- a changed down file: up refuses it, naming repair --down; repair --down stores it ----------
printf 'DROP TABLE IF EXISTS rp_b;\n' >"$rp/002_b.down.sql"
pg up --dir "$rp"
expect_rc "repair: up with a changed down script of an applied migration: refused" 2
expect_err "repair: the refusal names repair --down" "pgmig repair --down 002"
pg repair --down 002 --dir "$rp" --dry-run
expect_rc "repair --down --dry-run" 0
grep -q "would replace the down script" <<<"$out" && ok "repair --down --dry-run: says what it would do" || bad "repair --down --dry-run: says what it would do" "$out"
expect_eq "repair --down --dry-run: changes nothing" "$(q -c "SELECT down_checksum = mig.checksum(E'DROP TABLE rp_b;\n') FROM mig.status() WHERE version = '002'")" "t"
pg repair --down 002 --dir "$rp"
expect_rc "repair --down 002" 0
expect_eq "repair --down: the file's down script is stored" "$(q -c "SELECT down_checksum = mig.checksum(E'DROP TABLE IF EXISTS rp_b;\n') FROM mig.status() WHERE version = '002'")" "t"
pg up --dir "$rp"
expect_rc "repair: up after repair --down" 0
pg repair --down 005 --dir "$rp"
expect_rc "repair --down of a version the folder has not: exit 2" 2

# --- a reviewed comment edit of an applied migration: repair V ----------------------------------
printf -- '-- reviewed: the table of a\nCREATE TABLE rp_a (\n    id int\n);\n' >"$rp/001_a.up.sql"
pg status --dir "$rp"
grep -qE '^001 +a +modified' <<<"$out" && ok "repair: status shows the edited migration modified" || bad "repair: status shows the edited migration modified" "$out"
pg up --dir "$rp"
expect_rc "repair: up refuses the edited applied migration" 2
expect_err "repair: the refusal names pgmig repair" "pgmig repair 001"
before=$(snap)
pg repair 001 --dir "$rp" --dry-run
expect_rc "repair 001 --dry-run" 0
grep -qE "would replace the up script: checksum [0-9a-f]{64} -> [0-9a-f]{64} \(comments and whitespace only\)" <<<"$out" && ok "repair --dry-run: both checksums" || bad "repair --dry-run: both checksums" "$out"
grep -qF '  +1: -- reviewed: the table of a' <<<"$out" && ok "repair --dry-run: the changed lines" || bad "repair --dry-run: the changed lines" "$out"
expect_eq "repair --dry-run: nothing changed" "$(snap)" "$before"
pg repair 001 --dir "$rp"
expect_rc "repair 001" 0
grep -qE "replaced the up script: checksum" <<<"$out" && ok "repair: says what it replaced" || bad "repair: says what it replaced" "$out"
pg status --dir "$rp" --json
expect_eq "repair: status no longer shows it modified" "$(jq -r '.migrations[] | select(.version == "001") | .state' <<<"$out")" "applied"
expect_eq "repair: logged with the role and the old checksum" \
    "$(q -c "SELECT role || ':' || (message ~ '^up script replaced \(was [0-9a-f]{64}\)$') FROM mig.log WHERE action = 'repair'")" "$(q -c "SELECT current_user")":true
pg up --dir "$rp"
expect_rc "repair: up after repair has nothing to do" 0
pg repair 001 --dir "$rp" --json
expect_eq "repair --json: nothing to repair" "$(jq -c '[.repair.up_changed, .repair.down_changed]' <<<"$out")" "[false,false]"

# a changed statement: refused (PM015), nothing changed; --force accepts it
printf 'CREATE TABLE rp_a (id bigint);\n' >"$rp/001_a.up.sql"
before=$(snap)
pg repair 001 --dir "$rp"
expect_rc "repair: a changed statement is refused" 2
expect_err "repair: the refusal says why and names --force" "changes its statements.*"
expect_err "repair: ... with its SQLSTATE" "PM015"
expect_err "repair: ... and the changed line" '\+1: CREATE TABLE rp_a \(id bigint\);' 
expect_eq "repair: refused: nothing changed" "$(snap)" "$before"
pg repair 001 --dir "$rp" --force --json
expect_rc "repair --force" 0
expect_eq "repair --force --json: statements changed" "$(jq -c '[.repair.up_changed, .repair.statements_changed]' <<<"$out")" "[true,true]"

# a pending migration: nothing to repair
printf 'CREATE TABLE rp_c (id int);\n' >"$rp/003_c.up.sql"
pg up --to 002 --dir "$rp"
q -c "SELECT FROM mig.upload_many(ARRAY['003'], ARRAY['c'], ARRAY[E'CREATE TABLE rp_c (id int);\n'], files => ARRAY['003_c.up.sql'])"
pg repair 003 --dir "$rp"
expect_rc "repair of a pending migration: refused (exit 2)" 2
expect_err "repair of a pending migration: says it is not applied" "pending, not applied"

# --- a pending migration whose file was deleted: missing-file, never run, discard ---------------
rm "$rp/003_c.up.sql"
pg status --dir "$rp"
grep -qE '^003 +c +missing-file' <<<"$out" && ok "missing-file: status shows the pending migration without its file" || bad "missing-file: status shows the pending migration without its file" "$out"
pg status --dir "$rp" --json
expect_eq "missing-file: status --json" "$(jq -r '.migrations[] | select(.version == "003") | .state' <<<"$out")" "missing-file"
before=$(snap)
pg up --dir "$rp"
expect_rc "missing-file: up refuses to run it" 2
expect_err "missing-file: the refusal names the version and discard" "pending migration 003 \(c\).*pgmig discard 003"
expect_eq "missing-file: up ran nothing" "$(snap)" "$before"
expect_eq "missing-file: the table does not exist" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'rp_c'")" "0"
pg up --to 002 --dir "$rp"
expect_rc "missing-file: up --to below it is not refused" 0
pg discard 003 --dir "$rp" --dry-run
expect_rc "discard --dry-run" 0
expect_eq "discard --dry-run: removes nothing" "$(q -c "SELECT count(*) FROM mig.migration WHERE version = '003'")" "1"
pg discard 003 --dir "$rp"
expect_rc "discard 003" 0
grep -q "discarded pending migration 003 (c)" <<<"$out" && ok "discard: says so" || bad "discard: says so" "$out"
expect_eq "discard: gone from the database, logged" "$(q -c "SELECT (SELECT count(*) FROM mig.migration WHERE version = '003') || ':' || (SELECT count(*) FROM mig.log WHERE action = 'discard' AND version = '003')")" "0:1"
pg up --dir "$rp"
expect_rc "missing-file: up after discard" 0
pg discard 001 --dir "$rp"
expect_rc "discard of an applied migration: refused (exit 2)" 2
expect_err "discard of an applied migration: its SQLSTATE" "PM016"
pg discard 009 --dir "$rp"
expect_rc "discard of an unknown version: exit 2" 2

# a pending migration uploaded from SQL, without a file, stays pending (not missing-file)
q -c "SELECT FROM mig.upload('004', 'from_sql', 'SELECT 1')"
pg status --dir "$rp"
grep -qE '^004 +from_sql +pending' <<<"$out" && ok "missing-file: an upload from SQL without a file stays pending" || bad "missing-file: an upload from SQL without a file stays pending" "$out"
q -c "SELECT FROM mig.discard('004')"

# an applied migration whose file is gone keeps its state
rm "$rp/002_b.up.sql" "$rp/002_b.down.sql"
pg status --dir "$rp"
grep -qE '^002 +b +missing-file' <<<"$out" && ok "missing-file: an applied migration without its file" || bad "missing-file: an applied migration without its file" "$out"
