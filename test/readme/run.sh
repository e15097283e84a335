#!/usr/bin/env bash
# Runs README.md's runnable shell blocks, in order, against a throwaway cluster of its own.
#
# A runnable block is a ```sh fence directly after a line `<!-- runnable -->`. The blocks run
# from the top of the checkout, one after another, as a user would type them: exported variables
# carry over from one block to the next, and `pgmig` is the built client
# (${PGMIG_BIN:-build/client/pgmig}). Each block fails on its first failing command.
#
# Also checks that examples/ applies and rolls back with plain psql (examples_psql.sh), that
# docs/testing-migrations.md's pg_regress example works (doc_pg_regress.sh), and that every
# relative link in README.md and the guides points at a file (and heading) that exists.
#
# Needs the extension installed (make install). The last line is "N passed, N failed".
set -uo pipefail

root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel 2>/dev/null) ||
    root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
readme=${README:-$root/README.md}
run_dir=$root/.testrun/readme
pgmig_bin=${PGMIG_BIN:-build/client/pgmig}
case $pgmig_bin in /*) ;; *) pgmig_bin=$root/$pgmig_bin ;; esac
block_timeout=${BLOCK_TIMEOUT:-180}

passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok     %s\n' "$1"; }
bad() { failed=$((failed + 1)); printf 'FAILED %s\n' "$1"; }
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

bash scripts/cluster.sh stop "$run_dir/cluster" 2>/dev/null
rm -rf "$run_dir"
mkdir -p "$run_dir/bin"
trap 'bash "$root/scripts/cluster.sh" stop "$run_dir/cluster" 2>/dev/null' EXIT

# --- preconditions ---------------------------------------------------------------------------
if [ ! -x "$pgmig_bin" ]; then
    echo "no pgmig client at $pgmig_bin (run make, or set PGMIG_BIN)"
    bad "client built"
    finish
fi
ln -s "$pgmig_bin" "$run_dir/bin/pgmig"
if ! bash scripts/cluster.sh start "$run_dir/cluster" >"$run_dir/cluster.log" 2>&1; then
    cat "$run_dir/cluster.log"
    bad "throwaway cluster starts"
    finish
fi
run_dir_cluster=$run_dir/cluster
trap 'bash "$root/scripts/cluster.sh" stop "$run_dir_cluster" 2>/dev/null' EXIT
eval "$(bash scripts/cluster.sh env "$run_dir_cluster")"
export PGHOST PGPORT PGUSER PGDATABASE
if [ "$(psql -X -qAt -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'pgmig'")" != 1 ]; then
    echo "extension pgmig is not installed in this PostgreSQL (run make install)"
    bad "extension installed"
    finish
fi

# --- links in README.md and the guides ------------------------------------------------------
# Every relative link must name a file that exists, and a #fragment into a Markdown file must
# name one of its headings (GitHub's anchors: lower case, punctuation dropped, spaces to -).
anchors() { # file.md -> its heading anchors, one a line
    awk '/^```/ { code = !code } !code && /^#+ / { sub(/^#+ +/, ""); s = tolower($0)
         gsub(/[^a-z0-9 _-]/, "", s); gsub(/ /, "-", s); print s }' "$1"
}
link_errors=()
for md in "$readme" docs/getting-started.md docs/concepts.md docs/testing-migrations.md docs/troubleshooting.md; do
    [ -f "$md" ] || { link_errors+=("$md: missing"); continue; }
    base=$(dirname "$md")
    while IFS= read -r link; do
        target=${link%%#*}
        frag=
        [[ $link == *"#"* ]] && frag=${link#*#}
        if [ -z "$target" ]; then file=$md; else file=$base/$target; fi
        if [ ! -e "$file" ]; then
            link_errors+=("${md#"$root"/}: $link (no such file)")
        elif [ -n "$frag" ] && [[ $file == *.md ]] && ! anchors "$file" | grep -qxF -- "$frag"; then
            link_errors+=("${md#"$root"/}: $link (no such heading)")
        fi
    done < <(grep -oE '\]\([^)]+\)' "$md" | sed -E 's/^\]\((.*)\)$/\1/' | grep -vE '^[a-z]+:' | sort -u)
done
if [ ${#link_errors[@]} -eq 0 ]; then ok "links in README.md and docs/ guides"; else
    printf '  %s\n' "${link_errors[@]}"
    bad "links in README.md and docs/ guides"
fi

# --- examples/ with plain psql -----------------------------------------------------------------
if bash test/readme/examples_psql.sh >"$run_dir/examples.log" 2>&1; then
    ok "examples/: every up, then every down, with plain psql"
else
    sed 's/^/  | /' "$run_dir/examples.log"
    bad "examples/: every up, then every down, with plain psql"
fi

# --- docs/testing-migrations.md's pg_regress example --------------------------------------------
if bash test/readme/doc_pg_regress.sh "$root/docs/testing-migrations.md" "$run_dir/pg_regress" \
    >"$run_dir/pg_regress.log" 2>&1; then
    ok "docs/testing-migrations.md: pg_regress example"
else
    sed 's/^/  | /' "$run_dir/pg_regress.log"
    bad "docs/testing-migrations.md: pg_regress example"
fi

# --- runnable blocks ---------------------------------------------------------------------------
# Writes each block to $run_dir/block.N.sh and prints "N LINE" for each.
awk -v out="$run_dir/block" '
    /^[[:space:]]*<!--[[:space:]]*runnable[[:space:]]*-->[[:space:]]*$/ { want = 1; next }
    want && /^```(sh|bash|shell)[[:space:]]*$/ { n++; file = out "." n ".sh"; printf "" > file;
                                                 print n, NR + 1; inblock = 1; want = 0; next }
    want && NF { want = 0 }
    inblock && /^```[[:space:]]*$/ { inblock = 0; close(file); next }
    inblock { print > file }
' "$readme" >"$run_dir/blocks.txt"

if [ ! -s "$run_dir/blocks.txt" ]; then
    bad "README has runnable blocks"
    finish
fi

# State carried from block to block: the environment a user's shell would have.
state=$run_dir/state.sh
{
    echo "export PATH='$run_dir/bin':\"\$PATH\""
    echo "export PGHOST='$PGHOST' PGPORT='$PGPORT' PGUSER='$PGUSER' PGDATABASE='$PGDATABASE'"
} >"$state"

while read -r n line; do
    name="README.md block $n (line $line)"
    {
        echo "source '$state'"
        echo "cd '$root'"
        echo "set -eo pipefail"
        echo "set -x"
        cat "$run_dir/block.$n.sh"
        echo "{ set +x; } 2>/dev/null"
        echo "export -p | grep -vE '^declare -x (OLDPWD|PWD|SHLVL|_)=' >'$state.next'"
    } >"$run_dir/run.$n.sh"
    timeout "$block_timeout" bash "$run_dir/run.$n.sh" >"$run_dir/block.$n.log" 2>&1
    rc=$?
    sed 's/^/  | /' "$run_dir/block.$n.log"
    if [ $rc -eq 0 ] && [ -f "$state.next" ]; then
        mv "$state.next" "$state"
        ok "$name"
    else
        [ $rc -eq 124 ] && echo "  (timed out after ${block_timeout}s)"
        echo "  exit code $rc"
        bad "$name"
    fi
done <"$run_dir/blocks.txt"

finish
