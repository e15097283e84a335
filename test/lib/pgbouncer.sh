# test/lib/pgbouncer.sh: a real PgBouncer in transaction pooling mode in front of a test run's
# cluster, and the deployer role it lets in (`pool_deployer`, scram-sha-256 over TCP). Sourced by
# test/e2e/pooler.sh and test/stress/pooler.sh (docs/cli.md, "Through a connection pooler";
# docs/reliability.md). Defines functions only; expects from its caller: q (psql as the cluster's
# superuser), run_dir, bin (the pgmig binary) and the cluster's PGHOST / PGPORT.

pgb_bin=${PGBOUNCER_BIN:-$(command -v pgbouncer || echo /usr/sbin/pgbouncer)}
pgb=$run_dir/pgbouncer
pool_password='P00l Dep"loyer'
pool_size=4 # fewer server connections than 8 racing deployers: they share them

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# The deployer role, with a scram password (PgBouncer's userlist is read from pg_authid).
pool_role() {
    [ "$(q -d postgres -c "SELECT count(*) FROM pg_roles WHERE rolname = 'pool_deployer'")" = 1 ] ||
        q -d postgres -c "CREATE ROLE pool_deployer LOGIN"
    q -d postgres -c "SET password_encryption = 'scram-sha-256'" \
        -c "ALTER ROLE pool_deployer PASSWORD '${pool_password//\'/\'\'}'"
}

# PgBouncer of this run: its own ini in $pgb, as the postgres user, on 127.0.0.1 and a free port
# ($pgb_port), talking to the cluster over its socket; stopped by its own pid (pgbouncer_stop,
# and the caller's cleanup). Needs pool_role first.
pgbouncer_start() {
    local sock try
    sock=$(cd "$PGHOST" && pwd -P)
    mkdir -p "$pgb"
    if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$pgb" 2>/dev/null; then
        # a checkout in a private directory: the postgres user cannot reach it (as cluster.sh)
        rmdir "$pgb" && ln -s "$(mktemp -d /tmp/pgmig-pgbouncer.XXXXXX)" "$pgb" && chmod 755 "$pgb/"
    fi
    pgb=$(cd "$pgb" && pwd -P) # the path PgBouncer, as postgres, reaches
    q -d postgres -c "SELECT format('\"%s\" \"%s\"', rolname, rolpassword) FROM pg_authid WHERE rolname = 'pool_deployer'" >"$pgb/userlist.txt"
    [ "$(id -u)" = 0 ] && chown -R postgres: "$pgb"
    for try in 1 2 3 4 5; do
        pgb_port=$((20000 + RANDOM % 20000))
        ss -ltn 2>/dev/null | grep -q "[:.]$pgb_port " && continue
        cat >"$pgb/pgbouncer.ini" <<EOF
[databases]
* = host=$sock port=$PGPORT
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $pgb_port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $pgb/userlist.txt
pool_mode = transaction
default_pool_size = $pool_size
max_client_conn = 100
logfile = $pgb/pgbouncer.log
pidfile = $pgb/pgbouncer.pid
EOF
        as_postgres "$pgb_bin" -d -q "$pgb/pgbouncer.ini" 2>>"$pgb/start.err" || continue
        for _ in $(seq 50); do
            pg_isready -q -h 127.0.0.1 -p "$pgb_port" -d postgres && return 0
            sleep 0.1
        done
        pgbouncer_stop
    done
    return 1
}
pgbouncer_stop() {
    local pid
    pid=$(cat "$pgb/pgbouncer.pid" 2>/dev/null) || return 0
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$pgb/pgbouncer.pid"
}
pgbouncer_version() { "$pgb_bin" --version | head -1 | cut -d' ' -f2; }

# pooled_pgmig ARGS: pgmig as the deployer, through PgBouncer, on $PGDATABASE
pooled_pgmig() {
    PGPASSWORD=$pool_password "$bin" -d "host=127.0.0.1 port=$pgb_port dbname=$PGDATABASE user=pool_deployer" "$@"
}
# psql as the deployer through PgBouncer (without PGOPTIONS: it refuses the startup parameter)
pooled_q() { PGPASSWORD=$pool_password psql -X -A -t -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pgb_port" -U pool_deployer "$@"; }
