# test/e2e/up.sh: up: a no-op up (nothing uploaded, fast), --dry-run, --per-migration, --to, an
# edited pending migration, what is committed before a non-transactional migration or an enum
# label, and when up asks the server for a plan.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh up`.

# --- no-op up: nothing uploaded, fast -----------------------------------------------------------
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

# --- dry run ------------------------------------------------------------------------------------
newdb e_dry
before=$(snap)
pg up --dry-run --json --dir "$fx/golang-migrate"
expect_rc "dry-run: exit 0" 0
if jq -e '.dry_run == true and (.migrations | length) == 6 and (.migrations[0] | has("version") and has("name") and has("file") and has("action") and has("duration_s") and has("transactional"))' >/dev/null <<<"$out"; then
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

# up --dry-run --json: a failure is in the JSON too
newdb e_dry_fail
mkdir -p "$work/dryf" && printf 'CREATE TABLE dfj (id int);\n' >"$work/dryf/1_a.up.sql" && printf 'SELECT nosuch FROM dfj;\n' >"$work/dryf/2_bad.up.sql"
pg up --dry-run --json --dir "$work/dryf"
expect_eq "dry-run --json failure: ok false, the error's file, line, sqlstate" \
    "$rc:$(jq -r '[.ok, (.error.file | split("/") | last), .error.line, .error.sqlstate] | map(tostring) | join(",")' <<<"$out")" "1:false,2_bad.up.sql,1,42703"

# --- --per-migration ----------------------------------------------------------------------------
newdb e_verbs
pg up --per-migration --dir "$fx/numbered"
expect_rc "up --per-migration" 0
expect_eq "up --per-migration: one batch per migration" "$(q -c "SELECT count(DISTINCT batch) FROM mig.status()")" 4

# up --to uploads (and parses) nothing above its target: a later broken script does not block it
newdb e_upto_later_broken
mkdir -p "$work/uptob" && printf 'CREATE TABLE ub1 ();\n' >"$work/uptob/1_a.up.sql" &&
    printf 'CREATE TABLE ub2 ();\n' >"$work/uptob/2_b.up.sql" && printf 'DROP TABLEX ub2;\n' >"$work/uptob/2_b.down.sql"
pg up --to 1 --dir "$work/uptob"
expect_rc "up --to: a broken script above the target: exit 0" 0
expect_eq "up --to: only the target applied, nothing above it uploaded" \
    "$(q -c "SELECT string_agg(version || ':' || state, ',' ORDER BY version) FROM mig.status()")" "1:applied"
pg up --strict --dir "$work/uptob"
expect_rc "up --strict: the broken down script is refused when it is uploaded: exit 1" 1
pg up --dir "$work/uptob"
expect_rc "up: a broken down script does not block the deploy: exit 0" 0
expect_err "up: the broken down script is named, FILE:LINE:COL" "warning: .*2_b.down.sql:1:6: the down script of migration 2 does not parse"

# a pending (uploaded, not applied) migration whose file changed is re-uploaded, not refused
newdb e_replace
mkdir -p "$work/repl" && echo 'CREATE TABLE r1();' >"$work/repl/1_a.up.sql" && echo 'CREATE TABLE r2();' >"$work/repl/2_b.up.sql"
pg up --to 1 --dir "$work/repl"
echo 'CREATE TABLE r2_fixed();' >"$work/repl/2_b.up.sql"
pg up --dir "$work/repl"
expect_rc "pending migration edited: up re-uploads it and applies" 0
expect_eq "pending migration edited: the new script ran" \
    "$(q -c "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")" "r1,r2_fixed"

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

# "committed N migration(s) before non-transactional migration V" counts what that commit made
newdb e_commit_counts
mkdir -p "$work/ccount" && printf 'CREATE TABLE cc (id int);\n' >"$work/ccount/1_a.up.sql" &&
    printf 'CREATE INDEX CONCURRENTLY cc_1 ON cc (id);\n' >"$work/ccount/2_i.up.sql" &&
    printf 'CREATE TABLE cc3 (id int);\n' >"$work/ccount/3_b.up.sql" &&
    printf 'CREATE INDEX CONCURRENTLY cc_2 ON cc3 (id);\n' >"$work/ccount/4_j.up.sql"
pg up --dir "$work/ccount"
expect_eq "commit counts: one before 2, one before 4" "$rc:$(grep -E '^committed [0-9]+ migration' <<<"$out" | paste -sd'|')" \
    "0:committed 1 migration(s) before non-transactional migration 2|committed 1 migration(s) before non-transactional migration 4"

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
