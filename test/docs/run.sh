#!/usr/bin/env bash
# The "docs" suite: runs the examples of the guides that are not README blocks, against a
# throwaway cluster of its own, with the built client, so that the pages cannot drift.
#
#   pgtap.sh      docs/testing-migrations.md, "pgTAP": the marked blocks, on docs/examples/pgtap,
#                 then on broken copies of it, which must fail
#   ci_page.sh    docs/ci.md: the YAML of the CI examples is parsed and the shell of their
#                 migrate jobs runs, per event (pull request, push to main)
#   docker.sh     docs/docker.md and docs/examples/docker: what can be checked without Docker
#
# Needs the extension installed (make install), pgTAP (postgresql-15-pgtap), pg_prove
# (libtap-parser-sourcehandler-pgtap-perl) and python3-yaml (scripts/setup.sh installs them).
# Each script prints its own ok/FAILED lines; the last line is "N passed, N failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
run_dir=$root/.testrun/docs
pgmig_bin=${PGMIG_BIN:-build/client/pgmig}
case $pgmig_bin in /*) ;; *) pgmig_bin=$root/$pgmig_bin ;; esac

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
# a private checkout's cluster lives under /tmp, and the previous run's link points at it
[ -L "$run_dir/cluster" ] && rm -rf "$(readlink "$run_dir/cluster")"
rm -rf "$run_dir"
mkdir -p "$run_dir/bin"
trap 'bash "$root/scripts/cluster.sh" stop "$run_dir/cluster" 2>/dev/null' EXIT

if [ ! -x "$pgmig_bin" ]; then
    echo "no pgmig client at $pgmig_bin (run make, or set PGMIG_BIN)"
    bad "client built"
    finish
fi
# `pgmig` in the examples is the built client
ln -s "$pgmig_bin" "$run_dir/bin/pgmig"
export PATH=$run_dir/bin:$PATH
export XDG_CACHE_HOME=$run_dir/cache # the stat cache of these runs, not the user's
if ! bash scripts/cluster.sh start "$run_dir/cluster" >"$run_dir/cluster.log" 2>&1; then
    cat "$run_dir/cluster.log"
    bad "throwaway cluster starts"
    finish
fi
eval "$(bash scripts/cluster.sh env "$run_dir/cluster")"
export PGHOST PGPORT PGUSER PGDATABASE
for ext in pgmig pgtap; do
    if [ "$(psql -X -qAt -c "SELECT count(*) FROM pg_available_extensions WHERE name = '$ext'")" != 1 ]; then
        echo "extension $ext is not installed in this PostgreSQL (make install; scripts/setup.sh for pgtap)"
        bad "extension $ext installed"
    fi
done
[ "$failed" -eq 0 ] || finish

# --- links of the pages this suite covers -------------------------------------------------------
# Every relative link must name a file that exists, and a #fragment into a Markdown file one of
# its headings (GitHub's anchors: lower case, punctuation dropped, spaces to -), as test/readme
# checks README.md's.
anchors() { # file.md -> its heading anchors, one a line
    awk '/^```/ { code = !code } !code && /^#+ / { sub(/^#+ +/, ""); s = tolower($0)
         gsub(/[^a-z0-9 _-]/, "", s); gsub(/ /, "-", s); print s }' "$1"
}
link_errors=()
for md in docs/ci.md docs/docker.md; do
    [ -f "$md" ] || { link_errors+=("$md: missing"); continue; }
    while IFS= read -r link; do
        target=${link%%#*} frag=
        [[ $link == *"#"* ]] && frag=${link#*#}
        if [ -z "$target" ]; then file=$md; else file=$(dirname "$md")/$target; fi
        if [ ! -e "$file" ]; then
            link_errors+=("$md: $link (no such file)")
        elif [ -n "$frag" ] && [[ $file == *.md ]] && ! anchors "$file" | grep -xF -- "$frag" >/dev/null; then
            link_errors+=("$md: $link (no such heading)")
        fi
    done < <(grep -oE '\]\([^)]+\)' "$md" | sed -E 's/^\]\((.*)\)$/\1/' | grep -vE '^[a-z]+:' | sort -u)
done
if [ ${#link_errors[@]} -eq 0 ]; then ok "links in docs/ci.md and docs/docker.md"; else
    printf '  %s\n' "${link_errors[@]}"
    bad "links in docs/ci.md and docs/docker.md"
fi

# Each script prints "ok NAME" / "FAILED NAME" lines; they are counted here.
for script in pgtap.sh ci_page.sh docker.sh; do
    [ -f "test/docs/$script" ] || { bad "test/docs/$script exists"; continue; }
    bash "test/docs/$script" "$run_dir/${script%.sh}" >"$run_dir/${script%.sh}.log" 2>&1
    rc=$?
    cat "$run_dir/${script%.sh}.log"
    p=$(grep -c '^ok ' "$run_dir/${script%.sh}.log")
    f=$(grep -c '^FAILED ' "$run_dir/${script%.sh}.log")
    passed=$((passed + p))
    failed=$((failed + f))
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then bad "test/docs/$script exited with $rc"; fi
done
finish
