#!/usr/bin/env bash
# Checks the pg_regress example of docs/testing-migrations.md as a user would run it: the ```sql
# block after `<!-- pg_regress: migrations -->` becomes test/sql/migrations.sql in a scratch
# project whose migrations/ is examples/, pg_regress runs it against the server named by
# PGHOST/PGPORT (extension installed), and every block after `<!-- expected excerpt -->` must
# appear verbatim in its output.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
doc=${1:-$root/docs/testing-migrations.md}
work=${2:?usage: doc_pg_regress.sh DOC WORKDIR}
pg_config=${PG_CONFIG:-pg_config}
pg_regress=$(dirname "$($pg_config --pgxs)")/../test/regress/pg_regress

rm -rf "$work"
mkdir -p "$work/test/sql" "$work/test/expected"
ln -s "$root/examples" "$work/migrations"

# blocks: the sql file, then the excerpts (excerpt.1, excerpt.2, ...)
awk -v out="$work" '
    /^<!-- pg_regress: migrations -->$/ { want = "sql"; next }
    /^<!-- expected excerpt -->$/ { want = "excerpt"; next }
    want != "" && /^```/ { n += (want == "excerpt"); file = (want == "sql") ? out "/test/sql/migrations.sql" : out "/excerpt." n;
                           printf "" > file; inblock = 1; want = ""; next }
    inblock && /^```[[:space:]]*$/ { inblock = 0; close(file); next }
    inblock { print > file }
' "$doc"
[ -s "$work/test/sql/migrations.sql" ] || { echo "no pg_regress example found in $doc"; exit 1; }
touch "$work/test/expected/migrations.out"

cd "$work"
"$pg_regress" --inputdir=test --outputdir="$work/out" --bindir="$($pg_config --bindir)" \
    --host="$PGHOST" --port="$PGPORT" --load-extension=pgmig --dbname=doc_pg_regress \
    migrations >"$work/pg_regress.log" 2>&1 || true   # fails by design: the expected file is empty
results=$work/out/results/migrations.out
[ -s "$results" ] || { cat "$work/pg_regress.log"; echo "pg_regress produced no output"; exit 1; }
if grep -q '^ERROR:' "$results"; then
    errors=$(grep -c '^ERROR:' "$results")
else
    errors=0
fi
out=$(cat "$results")
bad=0
for f in "$work"/excerpt.*; do
    [ -e "$f" ] || continue
    want=$(cat "$f")
    if [[ $out != *"$want"* ]]; then
        echo "not in the output of pg_regress: $(basename "$f")"
        sed 's/^/  > /' "$f"
        bad=1
    fi
done
# the example expects exactly the two failing INSERTs
if [ "$errors" -ne 2 ]; then
    echo "expected 2 errors (the two failing INSERTs), got $errors:"
    grep '^ERROR:' "$results"
    bad=1
fi
[ $bad -eq 0 ] || { echo "--- full output:"; cat "$results"; exit 1; }
echo "docs/testing-migrations.md: the pg_regress example runs and prints what the doc shows"
