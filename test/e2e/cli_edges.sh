# test/e2e/cli_edges.sh: psql's connection flags, help and typos, connection strings as
# arguments, colour, strict pgmig.toml, the version, line-buffered output, SIGINT/SIGTERM during
# a deploy (docs/cli.md). Sourced by run.sh, which runs this file alone with
# `bash test/e2e/run.sh cli_edges`.
# --- CLI edges (issue 19) ---
# psql's connection flags, help and typos, connection strings as arguments, colour, strict
# pgmig.toml, the version, line-buffered output, SIGINT/SIGTERM during a deploy (docs/cli.md).
pwc=$run_dir/pw
trap 'bash scripts/cluster.sh stop "$pwc" >/dev/null 2>&1; cleanup' EXIT
pg -?
[ "$rc" = 0 ] && grep -q 'Exit codes' <<<"$out" && ok "cli: -? is help" || bad "cli: -? is help" "$rc $out$err"
pg up -?
[ "$rc" = 0 ] && grep -q 'Exit codes' <<<"$out" && ok "cli: up -? is help" || bad "cli: up -? is help" "$rc $out$err"
pg -h /nonexistent status
expect_rc "cli: -h is --host (as psql's), not help: cannot connect, exit 3" 3
expect_err "cli: -h names the host tried" "/nonexistent"
pg stauts
expect_rc "cli: a misspelt verb is exit 2" 2
expect_err "cli: a misspelt verb: the closest one suggested" "unknown command 'stauts'; did you mean 'status'\?"
pg migrate
expect_rc "cli: an unknown verb is exit 2" 2
expect_err "cli: an unknown verb: the verbs listed" "unknown command 'migrate'; the commands are init, new, up"
pg --version
expect_eq "cli: --version is the Makefile's EXTVERSION" "$out" "pgmig $(sed -n 's/^EXTVERSION *= *//p' Makefile)"
pg status 'postgresql://bob:hunter2@/nodb?host=/nonexistent'
expect_rc "cli: a connection string as an argument is -d" 3
expect_err "cli: the argument's database was tried" "nodb"
grep -q hunter2 <<<"$out$err" && bad "cli: argument connection string: password never printed" "$err" ||
    ok "cli: argument connection string: password never printed"
pg status -d 'dbname=x' 'postgresql://bob:hunter2@/nodb?host=/nonexistent'
expect_rc "cli: -d and a connection string argument: exit 2" 2
grep -qE 'hunter2|nodb' <<<"$out$err" && bad "cli: a refused connection string is not echoed" "$err" ||
    ok "cli: a refused connection string is not echoed"
pg up --lock-wait 'postgresql://bob:hunter2@db/app'
expect_rc "cli: a connection string as a bad option value: exit 2" 2
grep -q hunter2 <<<"$out$err" && bad "cli: CLI11's errors never print a password" "$err" ||
    ok "cli: CLI11's errors never print a password"
pg --color=always status -d 'host=/nonexistent dbname=x'
grep -q $'\e\[' <<<"$err" && ok "colour: --color=always colours a pipe, NO_COLOR or not" || bad "colour: --color=always" "$err"
pg status --color=never -d 'host=/nonexistent dbname=x'
grep -q $'\e\[' <<<"$err" && bad "colour: --color=never" "$err" || ok "colour: --color=never"
pg --color=sometimes status
expect_rc "colour: --color takes auto, always, never" 2
if command -v script >/dev/null; then
    # a terminal on one stream, a file on the other: only the terminal is coloured
    newdb e_colour
    script -qec "env -u NO_COLOR TERM=xterm '$bin' up --dir '$fx/numbered' 2>'$run_dir/colour.err'" /dev/null >"$run_dir/colour.tty"
    grep -q $'\e\[32mapplied' "$run_dir/colour.tty" && ok "colour: stdout on a terminal is coloured" || bad "colour: stdout on a terminal" "$(cat "$run_dir/colour.tty")"
    script -qec "env -u NO_COLOR TERM=xterm '$bin' status -d 'host=/nonexistent dbname=x' >'$run_dir/colour.out'" /dev/null >"$run_dir/colour.tty"
    grep -q $'\e\[1;31merror:' "$run_dir/colour.tty" && ok "colour: stderr on a terminal is coloured" || bad "colour: stderr on a terminal" "$(cat "$run_dir/colour.tty")"
    script -qec "env -u NO_COLOR TERM=xterm '$bin' status -d 'host=/nonexistent dbname=x' 2>'$run_dir/colour.err'" /dev/null >/dev/null
    grep -q $'\e\[' "$run_dir/colour.err" && bad "colour: stderr to a file is not coloured while stdout is a terminal" "$(cat "$run_dir/colour.err")" ||
        ok "colour: stderr to a file is not coloured while stdout is a terminal"
    script -qec "TERM=xterm NO_COLOR=1 '$bin' status -d 'host=/nonexistent dbname=x'" /dev/null >"$run_dir/colour.tty"
    grep -q $'\e\[' "$run_dir/colour.tty" && bad "colour: NO_COLOR on a terminal" "$(cat "$run_dir/colour.tty")" || ok "colour: NO_COLOR on a terminal"
fi
mkdir -p "$work/strict"
printf 'dir = "db"\n[env.prod]\ndsn = "dbname=x"\nrequre_yes = true\n' >"$work/strict/pgmig.toml"
pg --env prod status --config "$work/strict/pgmig.toml"
expect_rc "pgmig.toml: a misspelt key is exit 2" 2
expect_err "pgmig.toml: a misspelt key: named with its line and the right key" \
    "pgmig.toml:4: in \[env.prod\]: unknown key 'requre_yes' \(did you mean 'require_yes'\?\)"
newdb e_strict
printf '[env.prod]\nrequire_yes = "yes"\n' >"$work/strict/pgmig.toml"
pg --env prod up --config "$work/strict/pgmig.toml" --dir "$fx/numbered"
expect_rc "pgmig.toml: require_yes = \"yes\" is exit 2" 2
expect_err "pgmig.toml: require_yes = \"yes\": says what it must be" "pgmig.toml:2: in \[env.prod\]: require_yes must be true or false"
expect_eq "pgmig.toml: require_yes = \"yes\": nothing deployed" "$(q -c "SELECT count(*) FROM mig.status()")" 0

# sleeping DB: waits (10 s at most) until a backend of DB sleeps in pg_sleep
sleeping() { q -d "$1" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$1' AND wait_event = 'PgSleep'"; }
wait_sleeping() {
    for _ in $(seq 100); do
        [ "$(sleeping "$1")" -gt 0 ] && return 0
        sleep 0.1
    done
    return 1
}
# piped output: each line as it is printed (stdout is line-buffered on a pipe too)
newdb e_piped
mkdir -p "$work/piped"
printf 'CREATE TABLE pl_first (id int);\n' >"$work/piped/001_first.sql"
printf 'SELECT pg_sleep(3);\n' >"$work/piped/002_slow.sql"
"$bin" up -v --per-migration --dir "$work/piped" 2>&1 | cat >"$run_dir/piped.out" &
piper=$!
if wait_sleeping e_piped; then
    seen=$(grep -cE '^applied +001 first ' "$run_dir/piped.out")
    still=$(sleeping e_piped)
    expect_eq "piped: the first migration's line is out while the second still runs" "$seen:$([ "$still" -gt 0 ] && echo running)" "1:running"
else
    bad "piped: the second migration never ran" "$(cat "$run_dir/piped.out")"
fi
wait $piper
grep -qE '^applied +002 slow ' "$run_dir/piped.out" && ok "piped: then the second's" || bad "piped: then the second's" "$(cat "$run_dir/piped.out")"
# SIGTERM during a deploy: the statement is cancelled on the server, rolled back, exit 143
newdb e_sigterm
mkdir -p "$work/sigterm"
printf 'CREATE TABLE sg_first (id int);\n' >"$work/sigterm/001_first.sql"
printf 'SELECT pg_sleep(30);\n' >"$work/sigterm/002_sleepy.sql"
"$bin" up --dir "$work/sigterm" >"$run_dir/sigterm.out" 2>"$run_dir/sigterm.err" &
victim=$!
if wait_sleeping e_sigterm; then
    sleep 1
    kill -TERM $victim
    wait $victim
    rc=$?
    err=$(cat "$run_dir/sigterm.err")
    expect_rc "SIGTERM: exit 143" 143
    for _ in $(seq 30); do [ "$(sleeping e_sigterm)" = 0 ] && break; sleep 0.1; done
    expect_eq "SIGTERM: the server no longer runs the statement" "$(sleeping e_sigterm)" 0
    expect_err "SIGTERM: names the migration that was not applied" "migration 002 \(sleepy\) was running when pgmig was interrupted by SIGTERM: cancelled and rolled back, not applied"
    expect_err "SIGTERM: says nothing of the transaction was applied" "rolled back: nothing from this transaction was applied"
    expect_eq "SIGTERM: nothing applied (one transaction)" "$(q -d e_sigterm -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 0
else
    kill -9 $victim 2>/dev/null
    bad "SIGTERM: the migration never ran" "$(cat "$run_dir/sigterm.err")"
fi
# SIGINT (not ignored: a background job of a script ignores it) with --per-migration: 001 stays
newdb e_sigint
perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' "$bin" up -v --per-migration --dir "$work/sigterm" >"$run_dir/sigint.out" 2>"$run_dir/sigint.err" &
victim=$!
if wait_sleeping e_sigint; then
    kill -INT $victim
    wait $victim
    rc=$?
    err=$(cat "$run_dir/sigint.err")
    expect_rc "SIGINT: exit 130" 130
    expect_eq "SIGINT: the committed migration stays, the interrupted one is pending" \
        "$(q -d e_sigint -c "SELECT string_agg(version || ':' || state, ',' ORDER BY version) FROM mig.status()")" "001:applied,002:pending"
    expect_err "SIGINT: says what stays committed" "the 1 migration\(s\) committed before it stay applied"
    grep -qE '^applied +001 first ' "$run_dir/sigint.out" && ok "SIGINT: the log has the committed migration's line" || bad "SIGINT: the log" "$(cat "$run_dir/sigint.out")"
else
    kill -9 $victim 2>/dev/null
    bad "SIGINT: the migration never ran" "$(cat "$run_dir/sigint.err")"
fi
wait
# -h/-p/-U/-W/-w against a TCP server that wants a password (scram-sha-256)
pw_setup() {
    bash scripts/cluster.sh start "$pwc" >/dev/null && bash scripts/cluster.sh stop "$pwc" || return 1
    { echo "host all app 127.0.0.1/32 scram-sha-256"; cat "$pwc/data/pg_hba.conf"; } >"$pwc/hba.new" &&
        cat "$pwc/hba.new" >"$pwc/data/pg_hba.conf" &&
        CLUSTER_OPTIONS="-c listen_addresses=127.0.0.1" bash scripts/cluster.sh start "$pwc" >/dev/null || return 1
    PGHOST=$pwc/sock PGPORT=$(cat "$pwc/port") q -d postgres \
        -c "CREATE ROLE app LOGIN SUPERUSER PASSWORD 's3cret pw'" -c "CREATE DATABASE e_pw OWNER app" &&
        PGHOST=$pwc/sock PGPORT=$(cat "$pwc/port") q -d e_pw -c "CREATE EXTENSION pgmig"
}
if pw_setup; then
    pw_port=$(cat "$pwc/port")
    export PGPASSFILE=$run_dir/no-pgpass
    PGPASSWORD='s3cret pw' pg -h 127.0.0.1 -p "$pw_port" -U app -d e_pw up --dir "$fx/numbered"
    expect_rc "psql flags: -h -p -U -d before the verb, PGPASSWORD" 0
    expect_eq "psql flags: applied over TCP as the user given" \
        "$(PGHOST=$pwc/sock PGPORT=$pw_port q -d e_pw -c "SELECT count(*) || ':' || string_agg(DISTINCT role::text, ',') || ':' || string_agg(DISTINCT host(client_addr), ',') FROM mig.log WHERE action = 'apply'")" "4:app:127.0.0.1"
    PGPASSWORD='s3cret pw' pg status --json -h 127.0.0.1 -p "$pw_port" -U app -d e_pw --dir "$fx/numbered"
    expect_rc "psql flags: after the verb too" 0
    printf '127.0.0.1:%s:*:app:s3cret pw\n' "$pw_port" >"$run_dir/pgpass" && chmod 600 "$run_dir/pgpass"
    PGPASSFILE=$run_dir/pgpass pg log --host 127.0.0.1 --port "$pw_port" --username app --dbname e_pw
    expect_rc "psql flags: long names, password from a .pgpass file" 0
    PGPASSWORD='not it' pg status -h 127.0.0.1 -p "$pw_port" -U app -d e_pw
    expect_rc "psql flags: a wrong password is exit 3" 3
    expect_err "psql flags: the server's refusal is shown" 'password authentication failed for user "app"'
    pg -w status -h 127.0.0.1 -p "$pw_port" -U app -d e_pw
    expect_rc "psql flags: -w and no password: exit 3, no prompt" 3
    expect_err "psql flags: -w: says no password was given" "no password supplied"
    printf 's3cret pw\n' | setsid -w "$bin" -W -h 127.0.0.1 -p "$pw_port" -U app -d e_pw status >/dev/null 2>"$run_dir/stderr"
    rc=$?
    expect_rc "psql flags: -W reads the password (from stdin without a terminal)" 0
    # a long apply is watched on a second connection, with the password typed for the first
    mkdir -p "$run_dir/pw_slow"
    printf 'SELECT pg_catalog.pg_sleep(1.6);\n' >"$run_dir/pw_slow/900_slow.up.sql"
    printf 's3cret pw\n' | setsid -w "$bin" -W -h 127.0.0.1 -p "$pw_port" -U app -d e_pw up --dir "$run_dir/pw_slow" >"$run_dir/pw_slow.out" 2>"$run_dir/stderr"
    grep -q '^running     900 slow (migration 1 of 1, after 1' "$run_dir/pw_slow.out" &&
        ok "psql flags: -W: a long migration is named while it runs (the watcher reuses the typed password)" ||
        bad "psql flags: -W: the watcher reuses the typed password" "$(cat "$run_dir/pw_slow.out" "$run_dir/stderr")"
    PGPASSWORD='s3cret pw' pg status -d "host=/nonexistent port=1 user=nobody dbname=e_pw" -h 127.0.0.1 -p "$pw_port" -U app
    expect_rc "psql flags: -h -p -U override the connection string's" 0
    unset PGPASSFILE
    bash scripts/cluster.sh stop "$pwc"
else
    bad "psql flags: cannot set up the password cluster" "$(tail -5 "$pwc/server.log" 2>/dev/null)"
fi
# --- end of CLI edges (issue 19) ---
