#!/usr/bin/env bash
# Generates the benchmark workloads of docs/performance.md ("Workloads") (sourced by test/bench/run.sh).
#
#   gen_workloads OUTDIR N1 N3 R3 W4_BYTES N6
#
# OUTDIR/w1/   N1 golang-migrate migrations  NNNN_create_w1_NNNN.up.sql / .down.sql
#              up: CREATE TABLE w1_NNNN (id integer PRIMARY KEY, name text);  down: DROP TABLE w1_NNNN;
# OUTDIR/w1.up.sql    the up scripts concatenated in version order   (psql and the floor, W1)
# OUTDIR/w1.down.sql  the down scripts concatenated in reverse order (psql and the floor, W5)
# OUTDIR/w3/   N3 migrations, each: CREATE TABLE w3_NNNN (id integer PRIMARY KEY, label text NOT NULL,
#              amount numeric(12,2)); then R3 literal rows as multi-row INSERTs of 1,000 rows each
# OUTDIR/w3.up.sql    concatenated
# OUTDIR/w4/   one migration 0001_load_w4.up.sql: CREATE TABLE w4_data (...) then single-row literal
#              INSERTs (pg_dump --inserts style) until the file reaches W4_BYTES; the psql and floor
#              runs use the same file. OUTDIR/w4.rows holds the number of rows.
# OUTDIR/w6/   N6 tiny migrations (SELECT N;) used to fill mig.status() for W6.
#
# Every tool gets byte-identical SQL: the concatenated files are the migration files joined with
# cat, in the order pgmig applies (or rolls back) them.
set -uo pipefail

gen_workloads() {
    local out=$1 n1=$2 n3=$3 r3=$4 w4_bytes=$5 n6=$6
    rm -rf "$out"
    mkdir -p "$out/w1" "$out/w3" "$out/w4" "$out/w6"

    # W1 (and W5): tiny CREATE TABLE migrations
    awk -v n="$n1" -v dir="$out/w1" 'BEGIN {
        w = length(n "") < 4 ? 4 : length(n "")
        for (i = 1; i <= n; i++) {
            v = sprintf("%0" w "d", i)
            f = dir "/" v "_create_w1_" v
            printf "CREATE TABLE w1_%s (id integer PRIMARY KEY, name text);\n", v > (f ".up.sql")
            close(f ".up.sql")
            printf "DROP TABLE w1_%s;\n", v > (f ".down.sql")
            close(f ".down.sql")
        }
    }'
    # shellcheck disable=SC2012
    ls "$out/w1" | grep '\.up\.sql$' | sort | sed "s|^|$out/w1/|" | xargs cat >"$out/w1.up.sql"
    # shellcheck disable=SC2012
    ls "$out/w1" | grep '\.down\.sql$' | sort -r | sed "s|^|$out/w1/|" | xargs cat >"$out/w1.down.sql"

    # W3: 100 migrations x 10,000 literal rows
    awk -v n="$n3" -v r="$r3" -v dir="$out/w3" 'BEGIN {
        w = length(n "") < 4 ? 4 : length(n "")
        for (i = 1; i <= n; i++) {
            v = sprintf("%0" w "d", i)
            f = dir "/" v "_load_w3_" v
            up = f ".up.sql"
            printf "CREATE TABLE w3_%s (id integer PRIMARY KEY, label text NOT NULL, amount numeric(12,2));\n", v > up
            for (k = 1; k <= r; k++) {
                if ((k - 1) % 1000 == 0) printf "INSERT INTO w3_%s (id, label, amount) VALUES\n", v > up
                sep = (k % 1000 == 0 || k == r) ? ";" : ","
                printf "(%d,'\''item %d of %d'\'',%d.%02d)%s\n", k, k, i, k % 100000, k % 100, sep > up
            }
            close(up)
            printf "DROP TABLE w3_%s;\n", v > (f ".down.sql")
            close(f ".down.sql")
        }
    }'
    # shellcheck disable=SC2012
    ls "$out/w3" | grep '\.up\.sql$' | sort | sed "s|^|$out/w3/|" | xargs cat >"$out/w3.up.sql"

    # W4: one big file of single-row INSERTs
    awk -v target="$w4_bytes" -v f="$out/w4/0001_load_w4.up.sql" -v rowsf="$out/w4.rows" 'BEGIN {
        line = "CREATE TABLE w4_data (id integer PRIMARY KEY, name text NOT NULL, amount numeric(12,2), note text);\n"
        printf "%s", line > f
        size = length(line)
        k = 0
        while (size < target) {
            k++
            line = sprintf("INSERT INTO w4_data VALUES (%d, '\''name %d'\'', %d.%02d, '\''note for row %d: lorem ipsum dolor sit amet'\'');\n", k, k, k % 100000, k % 100, k)
            printf "%s", line > f
            size += length(line)
        }
        close(f)
        print k > rowsf
    }'
    echo "DROP TABLE w4_data;" >"$out/w4/0001_load_w4.down.sql"

    # W6: many tiny applied migrations for status
    awk -v n="$n6" -v dir="$out/w6" 'BEGIN {
        w = length(n "") < 4 ? 4 : length(n "")
        for (i = 1; i <= n; i++) {
            v = sprintf("%0" w "d", i)
            f = dir "/" v "_step_" v
            printf "SELECT %d;\n", i > (f ".up.sql")
            close(f ".up.sql")
            printf "SELECT -%d;\n", i > (f ".down.sql")
            close(f ".down.sql")
        }
    }'
}
