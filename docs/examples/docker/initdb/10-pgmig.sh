#!/usr/bin/env bash
# /docker-entrypoint-initdb.d/10-pgmig.sh: the official image's entrypoint runs this once, when
# it initialises an empty data directory, with its temporary server listening on the local socket.
# Creates pgmig in template1, so that every database created later has it, and in POSTGRES_DB
# (created from template1 before this runs).
set -euo pipefail

for db in template1 "${POSTGRES_DB:-postgres}"; do
    psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --no-password \
        --dbname "$db" -c 'CREATE EXTENSION IF NOT EXISTS pgmig'
done
