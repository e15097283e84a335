# Shared by the docs suite's scripts (sourced): ok/FAILED lines, and the blocks of a page.
# shellcheck shell=bash

ok() { printf 'ok     %s\n' "$1"; }
bad() { printf 'FAILED %s\n' "$1"; }
indent() { sed 's/^/  | /'; } # a command's own output, which may hold TAP's "ok" lines

# blocks PAGE MARKER OUTDIR: writes the fenced block after each line `<!-- MARKER -->` of PAGE to
# OUTDIR/1.sh, OUTDIR/2.sh, ... (in page order) and prints their count.
blocks() {
    local page=$1 marker=$2 out=$3
    mkdir -p "$out"
    awk -v out="$out" -v marker="<!-- $marker -->" '
        $0 == marker { want = 1; next }
        want && /^```/ { n++; file = out "/" n ".sh"; printf "" > file; inblock = 1; want = 0; next }
        want && NF { want = 0 }
        inblock && /^```[[:space:]]*$/ { inblock = 0; close(file); next }
        inblock { print > file }
        END { print n + 0 }
    ' "$page"
}

# run_block FILE DIR LOG: runs a block as a user would type it in DIR (stops at the first
# failing command), its output in LOG; returns its exit code.
run_block() {
    local file=$1 dir=$2 log=$3
    (cd "$dir" && timeout "${BLOCK_TIMEOUT:-180}" bash -c "set -eo pipefail; set -x; $(cat "$file")") \
        >"$log" 2>&1
}
