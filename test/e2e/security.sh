# test/e2e/security.sh: pgmig used by an attacker with one deployer role, over TCP with a
# password (scram-sha-256), and by a superuser deploying after it (docs/security.md, threat
# model). A cluster of its own that also listens on 127.0.0.1. Sourced by run.sh, which runs this
# file alone with `bash test/e2e/run.sh security`.
sec=$run_dir/sec
sec_setup() {
    bash scripts/cluster.sh start "$sec" >/dev/null && bash scripts/cluster.sh stop "$sec" >/dev/null || return 1
    { echo "host all all 127.0.0.1/32 scram-sha-256"; cat "$sec/data/pg_hba.conf"; } >"$sec/hba.new" &&
        cat "$sec/hba.new" >"$sec/data/pg_hba.conf"
    CLUSTER_OPTIONS="-c listen_addresses=127.0.0.1" bash scripts/cluster.sh start "$sec" >/dev/null
}
if ! sec_setup; then
    bad "security: a cluster listening on 127.0.0.1" "$(tail -5 "$sec/server.log" 2>/dev/null)"
else
saved_host=$PGHOST saved_port=$PGPORT
eval "$(bash scripts/cluster.sh env "$sec")"
port=$PGPORT
export PGDATABASE=sec
password='Dep loyer S3cret'
# dep ARGS: pgmig as the deployer, over TCP with its password
dep() {
    out=$(PGPASSWORD=$password "$bin" -d "host=127.0.0.1 port=$port dbname=sec user=deployer" "$@" 2>"$run_dir/stderr")
    rc=$?
    err=$(cat "$run_dir/stderr")
}
depq() { PGPASSWORD=$password q -h 127.0.0.1 -p "$port" -U deployer -d sec "$@"; }
no_password() { ! grep -qF "$password" <<<"$out$err" && ok "$1" || bad "$1: the password was printed" "$out$err"; }
superuser() { q -d sec -c "SELECT rolsuper FROM pg_roles WHERE rolname = 'deployer'"; }

q -d postgres -c "CREATE DATABASE sec" -c "CREATE ROLE deployer LOGIN PASSWORD '$password'"
q -d sec -c "CREATE EXTENSION pgmig" -c "SELECT mig.grant_deployer('deployer')" \
    -c "GRANT CREATE ON SCHEMA public TO deployer"

rm -rf "$work/app"; mkdir -p "$work/app"
printf 'CREATE TABLE sec_a (id int);\n' >"$work/app/001_a.up.sql"
printf 'DROP TABLE sec_a;\n' >"$work/app/001_a.down.sql"
printf 'CREATE TABLE sec_b (id int);\n' >"$work/app/002_b.up.sql"
printf 'DROP TABLE sec_b;\n' >"$work/app/002_b.down.sql"

# 1. the deployer deploys over TCP with its password: its own SQL, its own rights
dep up --dir "$work/app"
expect_rc "deployer over TCP (scram-sha-256): up" 0
no_password "deployer: up prints no password"
expect_eq "deployer: its tables are its own" "$(q -d sec -c "SELECT string_agg(tableowner, ',') FROM pg_tables WHERE tablename IN ('sec_a', 'sec_b')")" "deployer,deployer"
expect_eq "deployer: the log names it and its TCP address" \
    "$(q -d sec -c "SELECT string_agg(DISTINCT role || '@' || host(client_addr), ',') FROM mig.log")" "deployer@127.0.0.1"
dep status --dir "$work/app"
expect_rc "deployer: status" 0
dep up --dir "$work/app"
expect_rc "deployer: up again does nothing" 0

# 2. no DML for the deployer, and a wrong password is refused without being printed
for sql in "UPDATE mig.migration SET up_sql = 'SELECT 1'" \
    "INSERT INTO mig.applied (vkey, batch, applied_by, checksum, method) SELECT vkey, 1, 'x', 'x', 'run' FROM mig.migration LIMIT 1" \
    "DELETE FROM mig.log" "INSERT INTO mig.log (action, role) VALUES ('apply', 'postgres')" \
    "SELECT setval('mig.log_id_seq', 1000000)"; do
    msg=$(depq -c "$sql" 2>&1)
    grep -q "permission denied" <<<"$msg" && ok "deployer: refused: ${sql:0:40}" || bad "deployer: refused: ${sql:0:40}" "$msg"
done
out=$(PGPASSWORD=wrong-$password "$bin" -d "host=127.0.0.1 port=$port dbname=sec user=deployer" status --dir "$work/app" 2>&1)
rc=$?
err=$out
expect_rc "deployer: a wrong password: exit 3" 3
no_password "a wrong password is not printed"

# 3. the deployer plants an escalation as a pending migration; the superuser's next deploy of
#    the same folder runs nothing of it
depq -c "SELECT count(*) FROM mig.upload('3', 'looks_harmless', 'ALTER ROLE deployer SUPERUSER')" >/dev/null
pg up --dir "$work/app"
expect_rc "superuser: up with a planted migration: refused (exit 2)" 2
expect_err "superuser: the refusal names the version and the uploader" 'migration 3 \(looks_harmless\) was uploaded by role "deployer"'
expect_err "superuser: the refusal says how to proceed" "trust-uploads"
expect_eq "superuser: the deployer is no superuser" "$(superuser)" "f"
expect_eq "superuser: nothing was recorded" "$(q -d sec -c "SELECT state FROM mig.status() WHERE version = '3'")" "pending"
pg status --dir "$work/app"
grep -qE '^3 +looks_harmless +pending' <<<"$out" && ok "status lists the planted migration" || bad "status lists the planted migration" "$out"
q -d sec -c "DELETE FROM mig.migration WHERE version = '3'"

# 4. a migration the superuser's folder holds too, uploaded by the deployer: vouched for
printf 'CREATE TABLE sec_c (id int);\n' >"$work/app/003_c.up.sql"
printf 'DROP TABLE sec_c;\n' >"$work/app/003_c.down.sql"
depq -c "SELECT count(*) FROM mig.upload('3', 'c', 'CREATE TABLE sec_c (id int);' || chr(10), 'DROP TABLE sec_c;' || chr(10))" >/dev/null
pg up --dir "$work/app"
expect_rc "superuser: up with the deployer's upload of the same file: runs" 0
# (001 and 002, applied by the deployer, are in the folder too: vouched for as well)
expect_err "superuser: says it vouched" "vouched for 3 migration"
expect_eq "superuser: the vouches are logged" "$(q -d sec -c "SELECT string_agg(version || ':' || role || ':' || message, ',' ORDER BY id) FROM mig.log WHERE action = 'vouch'")" \
    "001:postgres:uploaded by deployer,002:postgres:uploaded by deployer,3:postgres:uploaded by deployer"

# 5. a migration only the server has: --trust-uploads names it, then runs it
depq -c "SELECT count(*) FROM mig.upload('4', 'server_only', 'CREATE TABLE sec_d (id int)', 'DROP TABLE sec_d')" >/dev/null
pg up --dir "$work/app"
expect_rc "superuser: a server-only upload of the deployer is refused" 2
pg up --dir "$work/app" --trust-uploads
expect_rc "superuser: --trust-uploads runs it" 0
expect_err "superuser: --trust-uploads names it and its uploader first" "trusting migration 4 \(server_only\), uploaded by deployer"
expect_eq "superuser: it ran" "$(q -d sec -c "SELECT state FROM mig.status() WHERE version = '4'")" "applied"

# 6. rolling back what the superuser vouched for or trusted; the audit log's chain holds
pg down 2 --dir "$work/app"
expect_rc "superuser: down 2" 0
expect_eq "superuser: down 2 rolled back 4 and 3" "$(q -d sec -c "SELECT string_agg(version, ',' ORDER BY version) FROM mig.status() WHERE state = 'pending'")" "3,4"

# a name or message with terminal control characters is printed escaped
depq -c "SELECT count(*) FROM mig.upload('6', E'evil\\x1b[2Jname', 'DO \$\$ BEGIN RAISE EXCEPTION E''boom\\x1b]0;pwned\\x07''; END \$\$')" >/dev/null
pg status --dir "$work/app"
grep -q $'\x1b' <<<"$out" && bad "status: no raw ESC from a name" "$(cat -v <<<"$out")" || ok "status: no raw ESC from a name"
grep -qF 'evil\x1B[2Jname' <<<"$out" && ok "status: the name's ESC is shown escaped" || bad "status: the name's ESC is shown escaped" "$out"
pg up --dir "$work/app" --trust-uploads
grep -q $'\x1b' <<<"$err" && bad "up: no raw ESC from an error message" "$(cat -v <<<"$err")" || ok "up: no raw ESC from an error message"
grep -qF 'boom\x1B]0;pwned\x07' <<<"$err" && ok "up: the message's controls are shown escaped" || bad "up: the message's controls are shown escaped" "$err"
q -d sec -c "DELETE FROM mig.migration WHERE version = '6'"

# 7. down: the deployer's latest migration is rolled back by the superuser only when it holds
#    the same files (vouched) or says --trust-uploads
printf 'CREATE TABLE sec_e (id int);\n' >"$work/app/005_e.up.sql"
printf 'DROP TABLE sec_e;\n' >"$work/app/005_e.down.sql"
dep up --dir "$work/app" --trust-uploads # 4 is only on the server, and now the superuser's
expect_rc "deployer: up of 005 (3 and 4 again, and 005)" 0
mkdir -p "$work/empty_dir" && printf 'SELECT 1;\n' >"$work/empty_dir/900_other.up.sql"
pg down 1 --dir "$work/empty_dir"
expect_rc "superuser: down of the deployer's migration without its file: refused (exit 2)" 2
expect_err "superuser: the down refusal names the uploader" 'migration 005 \(e\) was uploaded by role "deployer"'
pg down 1 --dir "$work/app"
expect_rc "superuser: down with the same files: vouched, rolled back" 0
expect_eq "superuser: 005 is pending again" "$(q -d sec -c "SELECT state FROM mig.status() WHERE version = '005'")" "pending"
dep up --dir "$work/app" --trust-uploads
pg down 1 --dir "$work/empty_dir" --trust-uploads
expect_rc "superuser: down --trust-uploads without the file" 0
expect_err "superuser: down --trust-uploads names what it trusts" "trusting migration 005 \(e\), uploaded by deployer"
pg log --verify
expect_rc "log --verify: intact, exit 0" 0
grep -q "hash chain is intact" <<<"$out" && ok "log --verify: intact" || bad "log --verify: intact" "$out"
# a superuser removes the third row behind the trigger's back: the chain breaks at the fourth
third=$(q -d sec -c "SELECT id FROM mig.log ORDER BY id OFFSET 2 LIMIT 1")
fourth=$(q -d sec -c "SELECT id FROM mig.log ORDER BY id OFFSET 3 LIMIT 1")
q -d sec -c "ALTER TABLE mig.log DISABLE TRIGGER log_append_only" -c "DELETE FROM mig.log WHERE id = $third" \
    -c "ALTER TABLE mig.log ENABLE TRIGGER log_append_only"
pg log --verify --json
expect_rc "log --verify: a row removed by a superuser: exit 1" 1
expect_eq "log --verify --json: names where the chain breaks" "$(jq -c '[.ok, .breaks[0].id]' <<<"$out")" "[false,$fourth]"
expect_eq "the audit log's chain breaks where the row was removed" "$(q -d sec -c "SELECT string_agg(id::text, ',') FROM mig.log_verify()")" "$fourth"


# 8. the deployer's safety verbs: the lock report, verify, drift (docs/safety.md), over TCP
printf 'CREATE TABLE sec_f (id int PRIMARY KEY);\nCREATE INDEX sec_f_i ON sec_f (id);\n' >"$work/app/007_f.up.sql"
printf 'DROP TABLE sec_f;\n' >"$work/app/007_f.down.sql"
dep up --dry-run --dir "$work/app" --trust-uploads
expect_rc "deployer: up --dry-run (the lock report)" 0
grep -q "007" <<<"$out" && ok "deployer: the lock report names 007" || bad "deployer: the lock report names 007" "$out
$err"
dep verify --dir "$work/app" --trust-uploads
expect_rc "deployer: verify of 007 (its down restores the schema)" 0
expect_eq "deployer: verify left nothing behind" "$(q -d sec -c "SELECT to_regclass('public.sec_f') IS NULL")" "t"
printf 'DROP INDEX sec_f_i;\n' >"$work/app/007_f.down.sql" # leaves the table behind
dep verify --dir "$work/app" --trust-uploads
expect_rc "deployer: verify of a down that leaves a table: exit 5" 5
grep -q "sec_f" <<<"$out$err" && ok "deployer: verify names the table left behind" || bad "deployer: verify names the table left behind" "$out
$err"
printf 'DROP TABLE sec_f;\n' >"$work/app/007_f.down.sql"
# the superuser verifies what the deployer uploaded: the folder holds the same files, which
# makes them the superuser's to run, as for `up`, in the transaction verify rolls back
printf 'CREATE TABLE sec_g (id int);\n' >"$work/app/008_g.up.sql"
printf 'DROP TABLE sec_g;\n' >"$work/app/008_g.down.sql"
depq -c "SELECT count(*) FROM mig.upload('008', 'g', \$\$$(cat "$work/app/008_g.up.sql")\$\$, \$\$$(cat "$work/app/008_g.down.sql")\$\$)" >/dev/null
vouches=$(q -d sec -c "SELECT count(*) FROM mig.log WHERE action = 'vouch'")
pg verify --dir "$work/app"
expect_rc "superuser: verify of the deployer's uploads of the same files: exit 0" 0
expect_eq "superuser: after verify the upload is still the deployer's" "$(q -d sec -c "SELECT uploaded_by FROM mig.migration WHERE version = '008'")" "deployer"
expect_eq "superuser: verify's vouches are rolled back with it" "$(q -d sec -c "SELECT count(*) FROM mig.log WHERE action = 'vouch'")" "$vouches"
rm "$work/app/008_g.up.sql" "$work/app/008_g.down.sql"
pg verify --dir "$work/app"
expect_rc "superuser: verify of a server-only upload of the deployer: refused (exit 2)" 2
q -d sec -c "DELETE FROM mig.migration WHERE version = '008'"
dep up --dir "$work/app" --trust-uploads
expect_rc "deployer: up of 007" 0
depq -c "CREATE TABLE sec_by_hand (id int)" >/dev/null
expect_eq "deployer: its DDL outside pgmig is recorded as drift, under its name" \
    "$(q -d sec -c "SELECT string_agg(role || ':' || command_tag || ':' || object_identity, ',') FROM mig.drift WHERE object_identity = 'public.sec_by_hand'")" \
    "deployer:CREATE TABLE:public.sec_by_hand"
dep drift --exit-code --dir "$work/app"
expect_rc "deployer: drift --exit-code: exit 4" 4
grep -q "sec_by_hand" <<<"$out" && ok "deployer: drift lists its table" || bad "deployer: drift lists its table" "$out
$err"
dep drift --check --dir "$work/app"
expect_rc "deployer: drift --check: exit 4" 4
grep -q "sec_by_hand" <<<"$out" && ok "deployer: drift --check finds the table against the stored fingerprint" || bad "deployer: drift --check finds the table against the stored fingerprint" "$out
$err"
msg=$(depq -c "DELETE FROM mig.drift" 2>&1)
grep -q "permission denied" <<<"$msg" && ok "deployer: cannot delete its drift" || bad "deployer: cannot delete its drift" "$msg"
# (before pgmig's library is loaded in a session the setting is a placeholder anyone may set;
# PostgreSQL drops a placeholder's value its setter had no right to once the library defines it)
depq -c "SET pgmig.drift_capture = off" -c "CREATE TABLE sec_hidden (id int)" >/dev/null 2>&1
expect_eq "deployer: cannot turn drift capture off (its DDL is recorded all the same)" \
    "$(q -d sec -c "SELECT count(*) FROM mig.drift WHERE object_identity = 'public.sec_hidden'")" 1
msg=$(depq -c "SELECT mig.version_key('1') IS NOT NULL" -c "SET pgmig.drift_capture = off" 2>&1)
grep -q "permission denied" <<<"$msg" && ok "deployer: setting drift capture off is refused once pgmig is loaded" || bad "deployer: setting drift capture off is refused once pgmig is loaded" "$msg"

export PGHOST=$saved_host PGPORT=$saved_port
bash scripts/cluster.sh stop "$sec" >/dev/null 2>&1
fi
