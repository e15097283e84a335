#!/usr/bin/env bash
# End-to-end tests of the real `pgmig` binary against a real, throwaway PostgreSQL cluster.
#
#   bash test/e2e/run.sh             every area below, in that order
#   bash test/e2e/run.sh up status   only test/e2e/up.sh and test/e2e/status.sh (quick iteration)
#
# Builds nothing: expects the client at $PGMIG_BIN (default build/client/pgmig) and the extension
# installed (`make install`). Starts its own cluster under .testrun/e2e-PID (scripts/cluster.sh;
# one directory per run, so that two runs at once do not stop each other's cluster), stops it at
# the end and removes the directory when everything passed. The tests are in one file per verb or
# area (docs/testing.md says where a new one goes), sourced into this shell with the helpers of
# lib.sh; each area starts on the cluster's default database, and every test uses its own.
# The last line is "N passed, N failed"; the exit code is non-zero when anything failed.
set -uo pipefail

e2e=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$e2e/lib.sh"

areas=(cli layouts layouts_sections up errors down status resume concurrency connect tls init_new
    baseline validate cache stream lazy security cli_edges adopt progress json repair
    layouts_folders version_check edit_diff pooler hostile_files dry_run_report lock_retry drift
    verify)

# every test/e2e/*.sh is an area of this list (none is left out by mistake), and so is every name
# given on the command line (test/e2e/up.sh, up.sh and up name the same area)
unlisted=()
for f in "$e2e"/*.sh; do
    name=$(basename "$f" .sh)
    case " lib run ${areas[*]} " in *" $name "*) ;; *) unlisted+=("$name") ;; esac
done
if [ ${#unlisted[@]} -gt 0 ]; then
    echo "test/e2e/run.sh: ${unlisted[*]} not in its list of areas"
    echo "0 passed, 1 failed"
    exit 1
fi
selected=()
for name in "${@:-${areas[@]}}"; do
    name=$(basename "$name" .sh)
    case " ${areas[*]} " in
    *" $name "*) selected+=("$name") ;;
    *)
        echo "no area '$name' (areas: ${areas[*]})"
        echo "0 passed, 1 failed"
        exit 1
        ;;
    esac
done

trap cleanup EXIT
require_binary || exit 1
start_cluster || exit 1
default_db=$PGDATABASE
echo "pgmig: $bin"

for area in "${selected[@]}"; do
    printf -- '--- test/e2e/%s.sh\n' "$area"
    export PGDATABASE=$default_db
    # shellcheck source=/dev/null
    . "$e2e/$area.sh"
done

finish
