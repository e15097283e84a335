#!/usr/bin/env bash
# docs/docker.md: what can be checked of docs/examples/docker without Docker (there is none where
# pgmig is tested): the Dockerfile's stages, that the packages it installs exist in Debian 12,
# that its make lines use variables and CMake options that exist, and its init script, run with
# the image's environment against the server of PGHOST/PGPORT (pgmig installed).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:?usage: docker.sh WORKDIR}
# shellcheck source=test/docs/lib.sh
source "$root/test/docs/lib.sh"
dir=$root/docs/examples/docker
dockerfile=$dir/Dockerfile
rm -rf "$work"
mkdir -p "$work"

# The Dockerfile with its continuation lines joined and its comments dropped, one instruction a line.
grep -vE '^[[:space:]]*#' "$dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | grep -vE '^[[:space:]]*$' \
    >"$work/instructions"
final_stage=$(awk '/^FROM / { n++ } n == 2' "$work/instructions")
build_stage=$(awk '/^FROM / { n++ } n == 1' "$work/instructions")

# --- stages ------------------------------------------------------------------------------------
froms=$(grep -E '^FROM ' "$work/instructions")
if grep -qxF 'ARG PG_IMAGE=postgres:15-bookworm' "$work/instructions" &&
    [ "$froms" = $'FROM ${PG_IMAGE} AS build\nFROM ${PG_IMAGE}' ]; then
    ok "Dockerfile: two stages, both FROM \${PG_IMAGE}, postgres:15-bookworm by default"
else
    indent <<<"$froms"
    bad "Dockerfile: two stages, both FROM \${PG_IMAGE}, postgres:15-bookworm by default"
fi
copies=$(grep -E '^(COPY|ADD|RUN) ' <<<"$final_stage" | grep -vE '^RUN ' | sed -E 's/[[:space:]]+/ /g')
want=$'COPY --from=build /out/ /\nCOPY docs/examples/docker/initdb/10-pgmig.sh /docker-entrypoint-initdb.d/'
if [ "$copies" = "$want" ] && ! grep -qE 'apt-get|make' <<<"$final_stage" &&
    [ -x "$root/docs/examples/docker/initdb/10-pgmig.sh" ]; then
    ok "Dockerfile: the final stage copies /out and the init script (which exists), installs nothing"
else
    indent <<<"$copies"
    bad "Dockerfile: the final stage copies /out and the init script (which exists), installs nothing"
fi

# --- packages of the build stage ------------------------------------------------------------------
packages=$(grep -oE 'apt-get install [^;]*' <<<"$build_stage" | tr ' ' '\n' | grep -vE '^(apt-get|install|-.*|)$' |
    tr -d '"' | sed 's/\$PG_MAJOR/15/')
missing=()
for p in $packages; do
    apt-cache show "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ -n "$packages" ] && [ ${#missing[@]} -eq 0 ]; then
    ok "Dockerfile: the packages of the build stage exist in Debian 12 ($(wc -w <<<"$packages"))"
else
    echo "  not found by apt-cache: ${missing[*]:-(no apt-get install line found)}"
    bad "Dockerfile: the packages of the build stage exist in Debian 12"
fi

# --- make lines: the Makefile's variables, CMake's options -----------------------------------------
make_lines=$(grep -oE 'make [^;]*' <<<"$build_stage")
problems=()
for v in $(grep -oE '\b[A-Z_]+=' <<<"$make_lines" | tr -d '=' | sort -u); do
    grep -qE "\\\$\\($v\\)|^${v}[[:space:]]*\\??=" "$root/Makefile" || problems+=("make variable $v is not in the Makefile")
done
for o in $(grep -oE '\-D[A-Z_]+=' "$dockerfile" | sed -E 's/^-D//; s/=$//' | sort -u); do
    grep -qE "option\\($o " "$root/CMakeLists.txt" "$root"/cmake/*.cmake || problems+=("CMake option $o does not exist")
done
if [ -n "$make_lines" ] && [ ${#problems[@]} -eq 0 ]; then
    ok "Dockerfile: its make lines use the Makefile's variables and existing CMake options"
else
    printf '  %s\n' "${problems[@]:-no make line found}"
    bad "Dockerfile: its make lines use the Makefile's variables and existing CMake options"
fi

# --- the init script, with the image's environment -------------------------------------------------
init=$dir/initdb/10-pgmig.sh
has_pgmig() { psql -X -qAt -d "$1" -c "SELECT count(*) FROM pg_extension WHERE extname = 'pgmig'"; }
cleanup() {
    psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS docker_app' -c 'DROP DATABASE IF EXISTS docker_later' >/dev/null 2>&1
    psql -X -q -d template1 -c 'DROP EXTENSION IF EXISTS pgmig' >/dev/null 2>&1
}
cleanup
psql -X -q -d postgres -c 'CREATE DATABASE docker_app' >/dev/null # POSTGRES_DB, created by the entrypoint
first=0 second=0
POSTGRES_USER=$PGUSER POSTGRES_DB=docker_app bash "$init" >"$work/init.log" 2>&1 || first=$?
psql -X -q -d postgres -c 'CREATE DATABASE docker_later' >/dev/null
POSTGRES_USER=$PGUSER POSTGRES_DB=docker_app bash "$init" >>"$work/init.log" 2>&1 || second=$?
got="$first $second $(has_pgmig docker_app) $(has_pgmig template1) $(has_pgmig docker_later)"
if [ "$got" = "0 0 1 1 1" ]; then
    ok "docker/initdb/10-pgmig.sh: pgmig in POSTGRES_DB, template1 and a database created later; rerun is harmless"
else
    indent <"$work/init.log"
    echo "  exit codes, then pgmig in docker_app, template1, docker_later: $got (want 0 0 1 1 1)"
    bad "docker/initdb/10-pgmig.sh: pgmig in POSTGRES_DB, template1 and a database created later; rerun is harmless"
fi
cleanup
true
