# test/e2e/connect.sh: connecting: failures (exit 3), passwords never printed, DATABASE_URL,
# pgmig.toml and its environments, --wait; a database without the extension; bad settings (exit
# 2).
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh connect`.

# --- connection, passwords, configuration -------------------------------------------------------
pg status -d 'postgresql://bob:hunter2@/nodb?host=/nonexistent'
expect_rc "connect: failure is exit 3" 3
if grep -q hunter2 <<<"$out$err"; then bad "connect: password never printed (URL)" "$err"; else ok "connect: password never printed (URL)"; fi
pg status -d 'host=/nonexistent dbname=x password=hunter2'
if grep -q hunter2 <<<"$out$err"; then bad "connect: password never printed (conninfo)" "$err"; else ok "connect: password never printed (conninfo)"; fi
pg status -d 'host=/nonexistent dbname=x password=hunter2\ tail9'
if grep -qE 'hunter2|tail9' <<<"$out$err"; then bad "connect: password with an escaped space never printed" "$err"; else ok "connect: password with an escaped space never printed"; fi
DATABASE_URL='postgresql://bob:hunter3@/nodb?host=/nonexistent' PGHOST= PGDATABASE= "$bin" status >/dev/null 2>"$run_dir/stderr"
rc=$?
err=$(cat "$run_dir/stderr")
[ "$rc" = 3 ] && ! grep -q hunter3 <<<"$err" && grep -q nodb <<<"$err" && ok "connect: DATABASE_URL used when nothing else is given" || bad "connect: DATABASE_URL" "$rc $err"
newdb e_conf
mkdir -p "$work/proj"
cat >"$work/proj/pgmig.toml" <<EOF
dir = "db"
[env.prod]
dsn = "dbname=e_conf"
require_yes = true
EOF
cp -r "$fx/numbered" "$work/proj/db"
(cd "$work/proj" && PGDATABASE=postgres "$bin" up --env prod >/dev/null 2>"$run_dir/stderr")
rc=$?
err=$(cat "$run_dir/stderr")
expect_rc "config: environment with require_yes refuses without --yes" 2
expect_err "config: says --yes is required" "requires --yes"
(cd "$work/proj" && PGDATABASE=postgres "$bin" up --env prod --yes >/dev/null 2>&1)
rc=$?
expect_rc "config: --env dsn and dir from pgmig.toml, with --yes" 0
expect_eq "config: applied in the env's database" "$(q -d e_conf -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 4
pg --env nope status --config "$work/proj/pgmig.toml"
expect_rc "config: unknown --env is exit 2" 2
pg status --wait=5
expect_rc "connect: --wait on a running server" 0
# --wait: a server that comes up a moment later
cluster2=$run_dir/cluster2
if bash scripts/cluster.sh start "$cluster2" && bash scripts/cluster.sh stop "$cluster2"; then
    sock2=$cluster2/sock
    port2=$(cat "$cluster2/port")
    mkdir -p "$work/wait"
    (cd "$work/wait" && "$bin" init -d "host=$sock2 port=$port2 dbname=postgres user=postgres" --wait=60 >"$run_dir/wait.out" 2>&1) &
    waiter=$!
    sleep 1.5
    bash scripts/cluster.sh start "$cluster2"
    wait $waiter
    rc=$?
    expect_rc "connect: --wait until the server accepts connections" 0
    pg status --wait=1 -d "host=/nonexistent dbname=x"
    expect_rc "connect: --wait gives up with exit 3" 3
    bash scripts/cluster.sh stop "$cluster2"
else
    bad "connect: --wait (cannot start a second cluster)"
fi

# extension not installed: a hint, exit 2
newdb e_noext noext
pg status
expect_rc "no extension: exit 2" 2
expect_err "no extension: hint names CREATE EXTENSION" "CREATE EXTENSION pgmig"
pg up --lock-timeout xyz --dir "$fx/numbered"
expect_rc "a bad --lock-timeout: exit 2 before anything is sent" 2
expect_err "a bad --lock-timeout: says what a time is" "lock timeout 'xyz' is not a time"
mkdir -p "$work/badtoml" && printf 'lock_wait = "abc"\n' >"$work/badtoml/pgmig.toml"
pg status --config "$work/badtoml/pgmig.toml" --dir "$fx/numbered"
expect_rc "pgmig.toml: lock_wait that is not a number: exit 2" 2
expect_err "pgmig.toml: lock_wait: says what it must be" "lock_wait must be a number of seconds"
pg log
expect_rc "no extension: log: exit 2" 2
expect_err "no extension: log: the same hint" "CREATE EXTENSION pgmig"
