#!/usr/bin/env bash
# docs/ci.md: parses the page's four YAML blocks, then runs the shell of the GitHub Actions and
# GitLab CI examples (test/docs/ci_yaml.py turns a block into a script) for a pull request and a
# push to main, against the server of PGHOST/PGPORT (pgmig installed) standing in for the
# service container, with this repository's examples/ as the migrations folder. Then the same
# with a migration that fails (the pipeline must stop at the first `up`, exit 1, production
# untouched) and with production unreachable (the deploy step tries 3 times, exit 3).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:?usage: ci_page.sh WORKDIR}
# shellcheck source=test/docs/lib.sh
source "$root/test/docs/lib.sh"
page=$root/docs/ci.md
rm -rf "$work"
mkdir -p "$work/bin"
conn_host=$PGHOST conn_port=$PGPORT conn_user=$PGUSER

# --- every YAML block parses ------------------------------------------------------------------
for marker in github-image github gitlab-image gitlab; do
    n=$(blocks "$page" "ci: $marker" "$work/yaml-$marker")
    if [ "$n" = 1 ] && /usr/bin/python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' \
        "$work/yaml-$marker/1.sh" 2>"$work/yaml-$marker.err"; then
        ok "docs/ci.md: the '$marker' YAML block parses"
    else
        indent <"$work/yaml-$marker.err"
        bad "docs/ci.md: the '$marker' YAML block parses ($n block(s) found)"
    fi
done

# The deploy step's `sleep 10` between attempts, made instant
printf '#!/bin/sh\necho "(sleep $*)"\n' >"$work/bin/sleep"
chmod +x "$work/bin/sleep"

applied() { psql -X -qAt -d "$1" -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'"; }
dropdbs() {
    for db in app staging production; do dropdb --if-exists "$db" >/dev/null 2>&1; done
    psql -X -q -d template1 -c 'DROP EXTENSION IF EXISTS pgmig' >/dev/null 2>&1
}

# scenario NAME CI EVENT VARIANT: a fresh folder and databases, then the CI's steps for the event.
# Sets $rc and $log. VARIANT: good, broken (a failing migration added), unreachable (production).
scenario() {
    local name=$1 ci=$2 event=$3 variant=$4 dir=$work/$1
    mkdir -p "$dir"
    cp -r "$root/examples" "$dir/migrations"
    log=$dir.log
    dropdbs
    # the service's database, as the image's entrypoint leaves it: created, then the init script
    if ! { createdb app && POSTGRES_USER=$conn_user POSTGRES_DB=app bash "$root/docs/examples/docker/initdb/10-pgmig.sh" >/dev/null &&
        createdb staging && createdb production &&
        pgmig -q -d staging up --to 20240115090200 --dir "$dir/migrations"; }; then
        rc=99
        echo "setting up the databases failed" >"$log"
        return
    fi
    local prod="host=$conn_host port=$conn_port dbname=production"
    if [ "$variant" = broken ]; then
        printf 'SELECT nosuchcol FROM users;\n' >"$dir/migrations/20240115090900_broken.up.sql"
        printf 'SELECT 1;\n' >"$dir/migrations/20240115090900_broken.down.sql"
    elif [ "$variant" = unreachable ]; then
        prod="host=$work/nowhere port=$conn_port dbname=production"
    fi
    local staging="host=$conn_host port=$conn_port dbname=staging"
    [ "$variant" = nosecrets ] && staging='' prod=''
    printf 'export PGHOST=%q PGPORT=%q PGUSER=%q\n' "$conn_host" "$conn_port" "$conn_user" >"$dir.overrides"
    if ! /usr/bin/python3 "$root/test/docs/ci_yaml.py" "$page" "ci: $ci" "$event" >"$dir.sh" 2>"$log"; then
        rc=98
        return
    fi
    (
        cd "$dir" &&
            export PATH="$work/bin:$PATH" CI_OVERRIDES="$dir.overrides" \
                SECRET_STAGING_URL="$staging" SECRET_PRODUCTION_URL="$prod" \
                STAGING_URL="$staging" PRODUCTION_URL="$prod" &&
            timeout 300 bash "$dir.sh"
    ) >"$log" 2>&1
    rc=$?
}

# expect NAME CONDITION...: ok when the condition (a shell test) holds, else the log
expect() {
    local name=$1
    shift
    if "$@"; then ok "$name"; else
        indent <"$log"
        echo "  exit code $rc; applied: app $(applied app), staging $(applied staging), production $(applied production)"
        bad "$name"
    fi
}

for ci in github gitlab; do
    scenario "$ci-pr" "$ci" pull_request good
    expect "docs/ci.md, $ci, pull request: every step passes, the dry run leaves staging as it was" \
        test "$rc $(applied app) $(applied staging) $(applied production) $(jq -r .ok "$work/$ci-pr/dry-run.json" 2>/dev/null)" = "0 9 3 0 true"
    expect "docs/ci.md, $ci, pull request: the steps ran (lint, wait, up/down/up, dry run)" \
        grep -q 'would run outside a transaction (not executed): 20240115090800' "$log"

    scenario "$ci-push" "$ci" push good
    expect "docs/ci.md, $ci, push to main: every step passes, production has every migration, staging untouched" \
        test "$rc $(applied app) $(applied staging) $(applied production)" = "0 9 3 9"

    scenario "$ci-broken" "$ci" push broken
    expect "docs/ci.md, $ci, a failing migration: the job stops at the first up with exit 1, production untouched" \
        test "$rc $(applied production) $(grep -c '^::: failed: migrations' "$log")" = "1 0 1"
    expect "docs/ci.md, $ci, a failing migration: the log names the file, line and column" \
        grep -q 'migrations/20240115090900_broken.up.sql:1:8: ERROR' "$log"

    scenario "$ci-unreachable" "$ci" push unreachable
    expect "docs/ci.md, $ci, production unreachable: the deploy tries 3 times, then exit 3" \
        test "$rc $(grep -c 'cannot connect' "$log") $(grep -c '^(sleep 10)' "$log")" = "3 3 2"

    scenario "$ci-pr-nosecrets" "$ci" pull_request nosecrets
    expect "docs/ci.md, $ci, pull request without secrets: the dry run is skipped, the job passes" \
        test "$rc $(grep -c 'STAGING_URL is not set: no dry run' "$log")" = "0 1"
    scenario "$ci-push-nosecrets" "$ci" push nosecrets
    expect "docs/ci.md, $ci, push without secrets: the deploy fails, production untouched" \
        test "$rc $(applied production) $(grep -c 'PRODUCTION_URL .* is not set' "$log")" = "1 0 1"
done
dropdbs
true
