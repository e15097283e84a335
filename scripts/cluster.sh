#!/usr/bin/env bash
# Throwaway PostgreSQL clusters for tests, the demo and the benchmark.
#
#   scripts/cluster.sh start DIR [PORT]   initdb (if needed) and start a cluster in DIR
#   scripts/cluster.sh stop DIR           stop the cluster in DIR (by its own pg_ctl)
#   scripts/cluster.sh env DIR            print PGHOST/PGPORT/PGUSER exports for it
#
# CLUSTER_OPTIONS (environment) adds server options to `start`, after the ones below, so that
# they win (the e2e tests' TLS cluster: -c listen_addresses=127.0.0.1 -c ssl=on ...).
#
# The server listens only on a Unix socket in DIR/sock (no TCP). As root, it runs as the
# `postgres` OS user (PostgreSQL refuses to run as root); where `postgres` cannot enter DIR (a
# checkout in a private directory), the cluster lives under /tmp and DIR links to it. Authentication is trust: these
# clusters are throwaway and reachable only through a socket in a directory we own.
set -euo pipefail

PG_BINDIR=${PG_BINDIR:-$(pg_config --bindir)}
cmd=${1:?usage: cluster.sh start|stop|env DIR [PORT]}
dir=${2:?usage: cluster.sh start|stop|env DIR [PORT]}
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# As root, the server runs as `postgres`, which must reach the cluster's directory. A checkout
# inside a directory only root may enter (root's home is mode 700, and so is any mktemp -d)
# cannot hold it: the cluster then lives in a directory of its own under /tmp, and DIR becomes a
# symbolic link to it, so that the caller's paths stay the same (PGHOST is the real path).
place_cluster() {
    if [ -L "$dir" ] || [ "$(id -u)" != 0 ]; then
        mkdir -p "$dir"
        return
    fi
    mkdir -p "$dir"
    if runuser -u postgres -- test -x "$dir" 2>/dev/null; then
        return
    fi
    local real
    real=$(mktemp -d /tmp/pgmig-cluster.XXXXXX) || exit 1
    chmod 755 "$real"
    # what the caller put there already (make demo's build log) moves along
    (shopt -s dotglob nullglob; for f in "$dir"/*; do mv "$f" "$real"/; done)
    rmdir "$dir" && ln -s "$real" "$dir"
}
if [ "$cmd" = start ]; then place_cluster; else mkdir -p "$dir"; fi
dir=$(cd "$dir" && pwd -P)

port_file="$dir/port"

case "$cmd" in
start)
    port=${3:-}
    if [ -z "$port" ]; then
        if [ -f "$port_file" ]; then port=$(cat "$port_file"); else
            # a port number only names the socket file; pick one not used by another cluster here
            port=$(( 55000 + (RANDOM % 5000) ))
        fi
    fi
    echo "$port" >"$port_file"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir" "$port_file"; fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$PG_BINDIR/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
            --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
            { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_owner mkdir -p "$dir/sock"
    if as_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        exit 0
    fi
    as_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir/sock -p $port -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50 -c shared_preload_libraries='' ${CLUSTER_OPTIONS:-}" \
        start >/dev/null || { tail -20 "$dir/server.log" >&2; exit 1; }
    ;;
stop)
    if [ -f "$dir/data/PG_VERSION" ]; then
        as_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
env)
    echo "export PGHOST=$dir/sock PGPORT=$(cat "$port_file") PGUSER=postgres PGDATABASE=postgres"
    ;;
*)
    echo "usage: cluster.sh start|stop|env DIR [PORT]" >&2
    exit 2
    ;;
esac
