#!/usr/bin/env bash
# Installs what building and testing pgmig needs on Debian 12 (idempotent; quiet when all is there).
set -euo pipefail

packages=(
    build-essential cmake pkg-config
    postgresql-15 postgresql-client-15 postgresql-server-dev-15 libpq-dev libssl-dev
    libkrb5-dev libldap-dev
    libcli11-dev libfmt-dev nlohmann-json3-dev libtomlplusplus-dev libgtest-dev
    libipc-run-perl time openssl jq
    postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl python3-yaml python3-jsonschema
    debhelper dpkg-dev postgresql-server-dev-all man-db groff-base zsh
    pgbouncer
    clang libclang-rt-14-dev valgrind
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "pgmig: missing packages: ${missing[*]}" >&2
        echo "pgmig: run as root (or: sudo apt-get install -y ${missing[*]})" >&2
        exit 1
    fi
    echo "pgmig: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # No package's service may start (pgbouncer's would listen on 6432): the tests start their
    # own PgBouncer (test/e2e/pooler.sh). policy-rc.d's 101 tells invoke-rc.d and
    # deb-systemd-invoke not to start anything; a Docker image has one already.
    policy=/usr/sbin/policy-rc.d
    own_policy=
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
    fi
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [ -n "$own_policy" ] && rm -f "$policy"
fi
# pgbouncer's system service stays stopped and disabled (where an earlier install started it)
if [ "$(id -u)" = 0 ] && [ -x /etc/init.d/pgbouncer ]; then
    if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
        systemctl disable --now pgbouncer.service pgbouncer.socket >/dev/null 2>&1 || true
    elif [ -f /run/postgresql/pgbouncer.pid ]; then
        /etc/init.d/pgbouncer stop >/dev/null 2>&1 || true
    fi
fi

# Optional: the real dbmate and node-pg-migrate (npm packages), which test/e2e/adopt.sh runs to
# migrate a database before `pgmig adopt` takes over; into .testrun/npm, when npm and its
# registry are reachable. Without them those tests say why they did not run.
npm_dir=$(cd "$(dirname "$0")/.." && pwd)/.testrun/npm
if [ ! -x "$npm_dir/node_modules/.bin/dbmate" ] || [ ! -x "$npm_dir/node_modules/.bin/node-pg-migrate" ]; then
    if ! command -v npm >/dev/null && [ "$(id -u)" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm \
            >/dev/null 2>&1 || true
    fi
    if ! command -v npm >/dev/null; then
        echo "pgmig: npm is not installed (apt-get install nodejs npm): test/e2e/adopt.sh will not run the real dbmate and node-pg-migrate" >&2
    elif ! timeout 30 npm ping >/dev/null 2>&1; then
        echo "pgmig: the npm registry is not reachable: test/e2e/adopt.sh will not run the real dbmate and node-pg-migrate" >&2
    else
        echo "pgmig: installing dbmate and node-pg-migrate into $npm_dir (for test/e2e/adopt.sh)"
        timeout 300 npm install --prefix "$npm_dir" --no-audit --no-fund --silent \
            dbmate@^2 node-pg-migrate@^9 pg@^8 >/dev/null 2>&1 ||
            echo "pgmig: npm install of dbmate and node-pg-migrate failed: test/e2e/adopt.sh will not run them" >&2
    fi
fi
