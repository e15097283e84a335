#!/usr/bin/env bash
# docs/testing-migrations.md, "pgTAP": runs the page's blocks marked `<!-- pgtap: run -->` and
# `<!-- pgtap: psql -->` as a user would, from a directory holding a copy of docs/examples/pgtap,
# against the server of PGHOST/PGPORT (pgmig and pgtap installed); they must pass. Then on two
# broken copies, each block must fail, naming the failed test: an up script that builds the wrong
# column type, and a down script that leaves a table behind.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:?usage: pgtap.sh WORKDIR}
# shellcheck source=test/docs/lib.sh
source "$root/test/docs/lib.sh"
page=$root/docs/testing-migrations.md
rm -rf "$work"
mkdir -p "$work"

n_run=$(blocks "$page" "pgtap: run" "$work/run")
n_psql=$(blocks "$page" "pgtap: psql" "$work/psql")
if [ "$n_run" -ne 1 ] || [ "$n_psql" -ne 1 ]; then
    bad "docs/testing-migrations.md has one 'pgtap: run' and one 'pgtap: psql' block (found $n_run and $n_psql)"
    exit 1
fi

# copy VARIANT: a project directory holding docs/examples/pgtap, as the blocks expect
copy() {
    mkdir -p "$work/$1/docs/examples"
    cp -r "$root/docs/examples/pgtap" "$work/$1/docs/examples/"
    echo "$work/$1/docs/examples/pgtap"
}

# check VARIANT BLOCK WANT [TEXT]: runs the block in the variant's directory; WANT is pass or fail,
# and a failure must print TEXT
check() {
    local variant=$1 block=$2 want=$3 text=${4:-} log=$work/$1.$2.log rc
    dropdb --if-exists pgtap_demo >/dev/null 2>&1
    run_block "$work/$block/1.sh" "$work/$variant" "$log"
    rc=$?
    local name="pgTAP example, '$block' block, $variant copy: it should $want"
    if [ "$want" = pass ] && [ $rc -eq 0 ]; then
        ok "$name"
    elif [ "$want" = fail ] && [ $rc -ne 0 ] && grep -qF -- "$text" "$log"; then
        ok "$name ($text)"
    else
        indent <"$log"
        echo "  exit code $rc${text:+, expected a failure naming: $text}"
        bad "$name"
    fi
}

copy good >/dev/null
check good run pass
check good psql pass

dir=$(copy wrong_type)
sed -i 's/numeric(12,2) NOT NULL DEFAULT 0 CHECK (balance >= 0)/numeric NOT NULL DEFAULT 0 CHECK (balance >= 0)/' \
    "$dir/migrations/20240301100000_create_accounts.up.sql"
check wrong_type run fail 'Column accounts.balance should be type numeric(12,2)'
check wrong_type psql fail 'not ok 2 - Column accounts.balance should be type numeric(12,2)'

dir=$(copy down_leaves_table)
echo 'DELETE FROM accounts;' >"$dir/migrations/20240301100000_create_accounts.down.sql"
check down_leaves_table run fail 'Table accounts should not exist'
dropdb --if-exists pgtap_demo >/dev/null 2>&1
true
