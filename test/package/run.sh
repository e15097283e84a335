#!/usr/bin/env bash
# test/package/run.sh: packaging. The one version source (Makefile's EXTVERSION) against
# pgmig.control, META.json (also checked against PGXN's meta spec 1.0.0) and debian/changelog;
# a VPATH build (what pg_buildext does) that exports the extension's functions; the man page
# (renders without warnings) and the bash and zsh completions (offer the verbs), which must name
# every verb of `pgmig --help`; `make install` with DESTDIR; and, as root, the Debian packages:
# built with `dpkg-buildpackage -us -uc -b` from a clean clone of HEAD, installed with dpkg -i,
# used (a throwaway cluster, CREATE EXTENSION, the packaged pgmig's up, --version, man page,
# completion), and removed. The extension files that were installed before (make install) are
# put back exactly as they were, whatever happens.
#
#   bash test/package/run.sh            everything (the Debian part only as root)
#   PACKAGE_SKIP_DEB=1 bash test/package/run.sh   everything but the Debian packages
#   PACKAGE_DEBS=DIR bash test/package/run.sh     install and use the .deb files in DIR instead
#                                                  of building them (quicker, while working on it)
#
# Expects the client at $PGMIG_BIN (default build/client/pgmig). Prints ok/FAILED lines and ends
# with "N passed, N failed"; the exit code is non-zero when anything failed.
set -uo pipefail
# (no `cmd | grep -q` below: grep stops reading at the first match, and with pipefail the
# writer's SIGPIPE would fail the check)

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
bin=${PGMIG_BIN:-build/client/pgmig}
case $bin in /*) ;; *) bin=$root/$bin ;; esac
export PG_CONFIG=${PG_CONFIG:-pg_config}
scratch=$(mktemp -d /tmp/pgmig-package.XXXXXX)
chmod 755 "$scratch"
src=$scratch/src

passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok     %s\n' "$1"; }
bad() {
    failed=$((failed + 1))
    printf 'FAILED %s\n' "$1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/       | /' | head -40
    return 0
}
skip() { printf 'skip   %s\n' "$1"; }
expect_eq() { # NAME GOT WANT
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got:  $2
want: $3"; fi
}

version=$(sed -n 's/^EXTVERSION *= *//p' Makefile)
pg_major=$("$PG_CONFIG" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')

# --- the one version source -----------------------------------------------------------------
check_versions() {
    expect_eq "version: pgmig.control default_version" \
        "$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" pgmig.control)" "$version"
    expect_eq "version: META.json version" "$(jq -r .version META.json)" "$version"
    expect_eq "version: META.json provides.pgmig.version" "$(jq -r .provides.pgmig.version META.json)" "$version"
    expect_eq "version: META.json provides.pgmig.file" "$(jq -r .provides.pgmig.file META.json)" \
        "extension/pgmig--$version.sql"
    expect_eq "version: debian/changelog upstream version" \
        "$(head -1 debian/changelog | sed -E 's/^pgmig \(([^-]+)-[^)]*\).*/\1/')" "$version"
    if [ -x "$bin" ]; then
        expect_eq "version: pgmig --version" "$("$bin" --version)" "pgmig $version"
    else
        bad "version: no pgmig binary at $bin (build it first: make)"
    fi
}

# META.json against PGXN's meta spec 1.0.0 (https://pgxn.org/spec/): required keys, semantic
# versions, a known licence string, each provided extension with its file.
check_meta() {
    local errors
    errors=$(jq -r '
        def semver: type == "string" and test("^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+)?$");
        def licenses: ["agpl_3","apache_1_1","apache_2_0","artistic_1","artistic_2","bsd","freebsd",
            "gfdl_1_2","gfdl_1_3","gpl_1","gpl_2","gpl_3","lgpl_2_1","lgpl_3_0","mit","mozilla_1_0",
            "mozilla_1_1","openssl","perl_5","postgresql","qpl_1_0","ssleay","sun","zlib",
            "open_source","restricted","unrestricted","unknown"];
        . as $meta
        | [ (["name","abstract","version","maintainer","license","provides","meta-spec"][]
              | select(. as $k | $meta | has($k) | not) | "missing key \(.)"),
          (if (.name | type == "string" and test("^[A-Za-z0-9][A-Za-z0-9._-]*$")) then empty else "bad name" end),
          (if (.version | semver) then empty else "version is not a semantic version" end),
          (if (.["meta-spec"].version == "1.0.0") then empty else "meta-spec.version is not 1.0.0" end),
          (if ((.license | type) == "string" and (.license as $l | licenses | index($l))) or ((.license | type) == "object")
           then empty else "unknown licence \(.license)" end),
          (if (.release_status // "stable" | IN("stable","testing","unstable")) then empty else "bad release_status" end),
          (.provides | to_entries[] | select((.value.file | type) != "string" or (.value.version | semver | not))
              | "provides.\(.key): needs file and a semantic version")
        ] | .[]' META.json 2>&1)
    if [ $? -eq 0 ] && [ -z "$errors" ]; then ok "META.json: valid against PGXN meta spec 1.0.0"; else
        bad "META.json: valid against PGXN meta spec 1.0.0" "$errors"
    fi
    local f
    for f in $(jq -r '.provides[] | .file, (.docfile // empty)' META.json); do
        [ -f "$f" ] && ok "META.json: $f exists" || bad "META.json: $f exists"
    done
}

# --- VPATH build: the objects elsewhere, the sources found through VPATH ----------------------
# The SQL script's C entry points, each of which the module must export.
check_symbols() { # NAME SO
    local want missing
    want=$(grep -oE "'mig_[a-z0-9_]+'" "extension/pgmig--$version.sql" | tr -d "'" | sort -u)
    missing=$(comm -23 <(echo "$want") <(nm -D --defined-only "$2" | awk '{print $3}' | sort -u))
    if [ -n "$want" ] && [ -z "$missing" ]; then
        ok "$1: exports the $(echo "$want" | wc -l) mig_* functions of pgmig--$version.sql"
    else
        bad "$1: exports the mig_* functions" "missing: $missing"
    fi
}
# A clean clone of HEAD: the VPATH build and the packages are built from it (a VPATH build would
# take a pgmig.so already built in the checkout for its own).
clone_head() {
    local head
    head=$(git rev-parse HEAD)
    git diff --quiet HEAD 2>/dev/null || echo "(uncommitted changes are not tested here: the VPATH build and the packages are built from HEAD $head)"
    if git clone -q "$root" "$src" && git -C "$src" checkout -q "$head"; then ok "git clone of HEAD"; else
        bad "git clone of HEAD"
        return 1
    fi
}
check_vpath() {
    local v=$scratch/vpath
    mkdir -p "$v"
    if make -s -C "$v" -f "$src/Makefile" VPATH="$src" PGMIG_CLIENT=no -j2 >"$scratch/vpath.log" 2>&1; then
        ok "VPATH build: make -C DIR -f SRC/Makefile VPATH=SRC"
        check_symbols "VPATH build: pgmig.so" "$v/pgmig.so"
    else
        bad "VPATH build: make -C DIR -f SRC/Makefile VPATH=SRC" "$(tail -20 "$scratch/vpath.log")"
    fi
    if make -s -C "$v" -f "$src/Makefile" VPATH="$src" PGMIG_CLIENT=no install \
        DESTDIR="$v/dest" >"$scratch/vpath-install.log" 2>&1 &&
        [ -f "$v/dest$("$PG_CONFIG" --sharedir)/extension/pgmig--$version.sql" ] &&
        [ -f "$v/dest$("$PG_CONFIG" --sharedir)/extension/pgmig.control" ] &&
        [ -f "$v/dest$("$PG_CONFIG" --pkglibdir)/pgmig.so" ] && [ ! -e "$v/dest/usr/local/bin/pgmig" ]; then
        ok "VPATH build: install (DESTDIR) puts the module, control file and scripts, no client"
    else
        bad "VPATH build: install (DESTDIR)" "$(tail -20 "$scratch/vpath-install.log"; find "$v/dest" -type f)"
    fi
}

# --- man page and completions -------------------------------------------------------------------
help_verbs() { "$bin" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF {print $1}' | sort; }

check_man() { # NAME FILE
    local warnings text v missing=
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$2" 2>&1 >/dev/null)
    warnings+=$(groff -ww -z -man "$2" 2>&1)
    [ -z "$warnings" ] && ok "$1: renders without warnings" || bad "$1: renders without warnings" "$warnings"
    text=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$2" 2>/dev/null)
    for v in $(help_verbs); do
        grep -qE "^       $v( |$)" <<<"$text" || missing+=" $v"
    done
    [ -z "$missing" ] && ok "$1: describes every verb of pgmig --help" || bad "$1: verbs missing:$missing"
    for section in SYNOPSIS "GLOBAL OPTIONS" "EXIT STATUS" ENVIRONMENT FILES; do
        grep -q "^$section" <<<"$text" && ok "$1: section $section" || bad "$1: section $section"
    done
    missing=
    for opt in --dir --dbname --env --lock-timeout --json --color --no-cache --version; do
        grep -q -- "$opt" <<<"$text" || missing+=" $opt"
    done
    [ -z "$missing" ] && ok "$1: global options" || bad "$1: options missing:$missing"
}

bash_complete() { # FILE WORDS... : prints the completions of the last word, one a line
    local file=$1
    shift
    (cd "$scratch" && bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _pgmig
        printf "%s\n" "${COMPREPLY[@]}"' _ "$file" "$@")
}
check_bash_completion() { # NAME FILE
    mkdir -p "$scratch/comp/migrations" "$scratch/comp/db"
    expect_eq "$1: the verbs" "$(bash_complete "$2" pgmig '' | sort)" "$(help_verbs)"
    expect_eq "$1: a verb after global options" "$(bash_complete "$2" pgmig -v --dir x st)" "status"
    local up
    up=$(bash_complete "$2" pgmig up --)
    grep -qx -- --dry-run <<<"$up" && grep -qx -- --dir <<<"$up" && grep -qx -- --to <<<"$up" &&
        ok "$1: up's and the global options" || bad "$1: up's and the global options" "$up"
    expect_eq "$1: --dir completes folders" "$(bash_complete "$2" pgmig up --dir comp/m)" "comp/migrations"
    expect_eq "$1: --color's values" "$(bash_complete "$2" pgmig --color a | sort)" "$(printf 'always\nauto')"
    expect_eq "$1: adopt --from's tools" "$(bash_complete "$2" pgmig adopt --from fl)" "flyway"
}
check_zsh_completion() { # NAME FILE
    if ! command -v zsh >/dev/null; then
        skip "$1: zsh is not installed"
        return
    fi
    zsh -n "$2" 2>"$scratch/zsh.err" && ok "$1: parses" || bad "$1: parses" "$(cat "$scratch/zsh.err")"
    local verbs
    verbs=$(sed -n "/^    verbs=(/,/^    )/p" "$2" | sed -nE "s/^ +'([a-z]+):.*/\1/p" | sort)
    expect_eq "$1: the verbs are pgmig --help's" "$verbs" "$(help_verbs)"
    grep -qx '#compdef pgmig' <<<"$(head -1 "$2")" && ok "$1: #compdef pgmig" || bad "$1: #compdef pgmig"
    # what zsh really offers (an interactive zsh in a pseudo-terminal)
    expect_eq "$1: offers the verbs" "$(zsh_complete "$2" 'pgmig ' | sort)" "$(help_verbs)"
    expect_eq "$1: up's and the global options" "$(zsh_complete "$2" 'pgmig up --d' | sort)" \
        "$(printf -- '--dbname\n--dir\n--dry-run\n--dsn')"
    expect_eq "$1: --color's values" "$(zsh_complete "$2" 'pgmig --color ' | sort)" "$(printf 'always\nauto\nnever')"
    expect_eq "$1: a verb after global options" "$(zsh_complete "$2" 'pgmig -v st')" "status"
}
zsh_complete() { # FILE LINE: what zsh offers, one a line
    local out=$scratch/zsh.out dir=$scratch/zsh-fpath
    mkdir -p "$dir" && cp "$1" "$dir/_pgmig" && rm -f "$out"
    (cd "$scratch" && zsh -f "$root/test/package/zsh_complete.zsh" "$2" "$dir" "$out" >/dev/null 2>&1)
    [ -f "$out" ] && grep -v "^$" "$out" | sort -u
}

check_make_install() {
    local d=$scratch/destdir
    if make -s install-client-docs DESTDIR="$d" PREFIX=/usr >"$scratch/install.log" 2>&1 &&
        [ -f "$d/usr/share/man/man1/pgmig.1" ] &&
        [ -f "$d/usr/share/bash-completion/completions/pgmig" ] &&
        [ -f "$d/usr/share/zsh/vendor-completions/_pgmig" ]; then
        ok "make install: man page and completions under DESTDIR/PREFIX"
    else
        bad "make install: man page and completions under DESTDIR/PREFIX" "$(cat "$scratch/install.log"; find "$d" -type f)"
    fi
}

# --- Debian packages ------------------------------------------------------------------------------
ext_files() { # the extension's files as make install put them
    local f
    for f in "$("$PG_CONFIG" --pkglibdir)/pgmig.so" "$("$PG_CONFIG" --sharedir)"/extension/pgmig.control \
        "$("$PG_CONFIG" --sharedir)"/extension/pgmig--*.sql; do
        [ -e "$f" ] && echo "$f"
    done
}
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
saved=
save_extension() {
    saved=$scratch/saved
    mkdir -p "$saved"
    ext_files >"$saved/list"
    # shellcheck disable=SC2046
    [ -s "$saved/list" ] && tar --format=posix -C / -cf "$saved/files.tar" $(sed 's|^/||' "$saved/list")
}
restore_extension() { # the packages removed, the extension's files back as they were
    [ -n "$saved" ] || return 0
    installed pgmig && dpkg -r pgmig >/dev/null 2>&1
    installed "postgresql-$pg_major-pgmig" &&
        dpkg -r "postgresql-$pg_major-pgmig" >/dev/null 2>&1
    [ -f "$saved/files.tar" ] && tar -C / -xpf "$saved/files.tar"
    saved=
}
cleanup() {
    [ -d "$scratch/cluster" ] && bash scripts/cluster.sh stop "$scratch/cluster" >/dev/null 2>&1
    restore_extension
    if [ "$failed" -eq 0 ]; then rm -rf "$scratch"; else echo "(kept $scratch)"; fi
}
trap cleanup EXIT

build_debs() {
    if [ -n "${PACKAGE_DEBS:-}" ]; then
        echo "(the packages of $PACKAGE_DEBS, not built here)"
        cp "$PACKAGE_DEBS"/*.deb "$scratch"/
    elif (cd "$src" && dpkg-buildpackage -us -uc -b -j2) >"$scratch/deb-build.log" 2>&1; then
        ok "deb: dpkg-buildpackage -us -uc -b from a clean clone"
    else
        bad "deb: dpkg-buildpackage -us -uc -b from a clean clone" "$(tail -30 "$scratch/deb-build.log")"
        return 1
    fi
    ext_deb=$(ls "$scratch"/postgresql-"$pg_major"-pgmig_"$version"-*.deb 2>/dev/null | head -1)
    client_deb=$(ls "$scratch"/pgmig_"$version"-*.deb 2>/dev/null | head -1)
    [ -n "$ext_deb" ] && [ -n "$client_deb" ] && ok "deb: postgresql-$pg_major-pgmig and pgmig built" ||
        { bad "deb: both packages built" "$(ls "$scratch")"; return 1; }
    local c
    c=$(dpkg-deb -c "$ext_deb" | awk '{print $6}')
    for f in "usr/lib/postgresql/$pg_major/lib/pgmig.so" "usr/share/postgresql/$pg_major/extension/pgmig.control" \
        "usr/share/postgresql/$pg_major/extension/pgmig--$version.sql"; do
        grep -q "$f\$" <<<"$c" && ok "deb: postgresql-$pg_major-pgmig has /$f" || bad "deb: postgresql-$pg_major-pgmig has /$f"
    done
    c=$(dpkg-deb -c "$client_deb" | awk '{print $6}')
    for f in usr/bin/pgmig usr/share/man/man1/pgmig.1.gz usr/share/bash-completion/completions/pgmig \
        usr/share/zsh/vendor-completions/_pgmig; do
        grep -q "$f\$" <<<"$c" && ok "deb: pgmig has /$f" || bad "deb: pgmig has /$f"
    done
    grep -q "postgresql-$pg_major" <<<"$(dpkg-deb -f "$ext_deb" Depends)" &&
        ok "deb: the extension depends on postgresql-$pg_major" || bad "deb: extension Depends" "$(dpkg-deb -f "$ext_deb" Depends)"
    grep -q libpq5 <<<"$(dpkg-deb -f "$client_deb" Depends)" && ok "deb: the client depends on libpq5 (shared libpq)" ||
        bad "deb: the client depends on libpq5" "$(dpkg-deb -f "$client_deb" Depends)"
}

use_debs() {
    save_extension
    if dpkg -i "$ext_deb" "$client_deb" >"$scratch/dpkg.log" 2>&1; then ok "deb: dpkg -i"; else
        bad "deb: dpkg -i" "$(tail -20 "$scratch/dpkg.log")"
        return 1
    fi
    check_symbols "deb: installed pgmig.so" "$("$PG_CONFIG" --pkglibdir)/pgmig.so"
    expect_eq "deb: /usr/bin/pgmig --version" "$(/usr/bin/pgmig --version)" "pgmig $version"
    if bash scripts/cluster.sh start "$scratch/cluster" >"$scratch/cluster.log" 2>&1; then
        use_cluster
        bash scripts/cluster.sh stop "$scratch/cluster" >/dev/null 2>&1
    else
        bad "deb: a throwaway cluster" "$(tail -20 "$scratch/cluster.log")"
    fi
    check_installed_docs
    dpkg -r pgmig "postgresql-$pg_major-pgmig" >"$scratch/dpkg-r.log" 2>&1 && [ ! -e /usr/bin/pgmig ] &&
        ok "deb: dpkg -r removes them" || bad "deb: dpkg -r" "$(tail -10 "$scratch/dpkg-r.log")"
    local before
    before=$(cd / && tar -tf "$saved/files.tar" 2>/dev/null | sort)
    restore_extension
    expect_eq "deb: the extension's files are back as make install left them" \
        "$(ext_files | sed 's|^/||' | sort)" "$before"
}

# The packaged extension and client on a throwaway cluster (its PG* settings stay set: this is
# the last check).
use_cluster() {
    local out
    eval "$(bash scripts/cluster.sh env "$scratch/cluster")"
    unset DATABASE_URL PGMIG_DSN PGMIG_CONFIG PGSERVICE
    export XDG_CACHE_HOME=$scratch/cache
    psql -X -q -d postgres -c 'CREATE DATABASE pkg' >/dev/null &&
        psql -X -q -d pkg -c 'CREATE EXTENSION pgmig' >/dev/null &&
        ok "deb: CREATE EXTENSION pgmig" || bad "deb: CREATE EXTENSION pgmig"
    expect_eq "deb: the extension's version" \
        "$(psql -X -A -t -d pkg -c "SELECT extversion FROM pg_extension WHERE extname = 'pgmig'")" "$version"
    mkdir -p "$scratch/mig"
    echo 'CREATE TABLE pkg_widgets (id int);' >"$scratch/mig/001_widgets.up.sql"
    echo 'DROP TABLE pkg_widgets;' >"$scratch/mig/001_widgets.down.sql"
    echo 'ALTER TABLE pkg_widgets ADD name text;' >"$scratch/mig/002_name.up.sql"
    out=$(/usr/bin/pgmig up -d pkg --dir "$scratch/mig" 2>&1)
    [ $? -eq 0 ] && ok "deb: /usr/bin/pgmig up" || bad "deb: /usr/bin/pgmig up" "$out"
    expect_eq "deb: both migrations applied" \
        "$(psql -X -A -t -d pkg -c "SELECT string_agg(version || ':' || state, ' ' ORDER BY version) FROM mig.status()")" \
        "001:applied 002:applied"
    out=$(/usr/bin/pgmig status -d pkg --dir "$scratch/mig" 2>&1)
    [ $? -eq 0 ] && ok "deb: /usr/bin/pgmig status" || bad "deb: /usr/bin/pgmig status" "$out"
}

check_installed_docs() {
    # make install's copy under /usr/local may come first: every pgmig(1) man finds
    grep -qx /usr/share/man/man1/pgmig.1.gz <<<"$(man -a -w pgmig 2>/dev/null)" && ok "deb: man -w finds pgmig(1)" ||
        bad "deb: man -w finds pgmig(1)" "$(man -a -w pgmig 2>&1)"
    grep -q '^       pgmig - schema migrations' <<<"$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l /usr/share/man/man1/pgmig.1.gz 2>/dev/null)" &&
        ok "deb: the installed man page renders" || bad "deb: the installed man page renders"
    expect_eq "deb: the installed bash completion offers the verbs" \
        "$(bash_complete /usr/share/bash-completion/completions/pgmig pgmig '' | sort)" "$(help_verbs)"
    grep -q 'libpq\.so\.5' <<<"$(ldd /usr/bin/pgmig)" && ok "deb: the client uses the shared libpq" ||
        bad "deb: the client uses the shared libpq" "$(ldd /usr/bin/pgmig)"
}

check_debs() {
    if [ -n "${PACKAGE_SKIP_DEB:-}" ]; then
        skip "deb: PACKAGE_SKIP_DEB is set"
        return
    fi
    if [ "$(id -u)" != 0 ]; then
        skip "deb: installing packages needs root"
        return
    fi
    if ! command -v dpkg-buildpackage >/dev/null || ! command -v pg_buildext >/dev/null; then
        bad "deb: dpkg-buildpackage and pg_buildext (bash scripts/setup.sh installs them)"
        return
    fi
    for p in pgmig "postgresql-$pg_major-pgmig"; do
        if installed "$p"; then
            skip "deb: $p is installed on this machine: not replaced or removed by a test"
            return
        fi
    done
    [ -d "$src" ] && build_debs && use_debs
}

check_versions
check_meta
clone_head && check_vpath
check_man "man page" man/pgmig.1
check_bash_completion "bash completion" "$root/completion/pgmig.bash"
check_zsh_completion "zsh completion" "$root/completion/_pgmig"
check_make_install
check_debs

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
