# test/e2e/hostile_files.sh: folders a deploy should never trust (docs/cli.md, "Hostile files"):
# names with spaces, quotes, newlines, escape sequences and non-ASCII; a 0-byte file; a 200 MB
# file (the client's memory stays under 100 MB); invalid UTF-8 in a file and in a file's name;
# symbolic link loops; an unreadable file and folder (as the postgres user, so that permissions
# apply); a folder that changes while `up` reads it. Each gets a clear error naming the file, or
# safe behaviour, and nothing else changes.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh hostile_files`.

# refused DIR LABEL PATTERN: `up` of DIR refused (exit 2) with an error matching PATTERN, and
# the database unchanged
refused() {
    local before
    before=$(snap)
    pg up --dir "$1"
    expect_rc "hostile: $2: exit 2" 2
    expect_err "hostile: $2: the error names the file" "$3"
    expect_eq "hostile: $2: nothing changed" "$(snap)" "$before"
}

# --- names: spaces, quotes, a newline, an escape sequence, non-ASCII ------------------------------
newdb h_names
h=$work/h_names && mkdir -p "$h"
printf 'CREATE TABLE h_space (id int);\n' >"$h/001_add users.up.sql"
printf 'DROP TABLE h_space;\n' >"$h/001_add users.down.sql"
printf 'CREATE TABLE h_quote (id int);\n' >"$h/002_it's \"quoted\".up.sql"
printf 'CREATE TABLE h_nl (id int);\n' >"$h/003_new"$'\n'"line.up.sql"
printf 'DROP TABLE h_nl;\n' >"$h/003_new"$'\n'"line.down.sql"
printf 'CREATE TABLE h_esc (id int);\n' >"$h/004_esc"$'\e'"[2J.up.sql"
printf 'DROP TABLE h_esc;\n' >"$h/004_esc"$'\e'"[2J.down.sql"
printf 'CREATE TABLE h_utf8 (id int);\n' >"$h/005_café_日本.up.sql"
printf 'DROP TABLE h_utf8;\n' >"$h/005_café_日本.down.sql"
pg up --dir "$h"
expect_rc "hostile: names with spaces, quotes, a newline, ESC, non-ASCII: up" 0
expect_eq "hostile: names: stored as they are" "$(q -c "SELECT string_agg(name, '|' ORDER BY version) FROM mig.status() WHERE state = 'applied'")" \
    "add users|it's \"quoted\"|new
line|esc"$'\e'"[2J|café_日本"
expect_eq "hostile: names: one output line per migration, control characters escaped" \
    "$(grep -E '^applied +[0-9]{3} ' <<<"$out" | sed 's/ ([0-9]* ms)$//')" \
    "applied     001 add users
applied     002 it's \"quoted\"
applied     003 new\\x0Aline
applied     004 esc\\x1B[2J
applied     005 café_日本"
grep -q $'\e' <<<"$out$err" && bad "hostile: names: no escape sequence reaches the terminal" "$out" ||
    ok "hostile: names: no escape sequence reaches the terminal"
pg status --dir "$h"
expect_rc "hostile: names: status" 0
expect_eq "hostile: names: status: 5 applied, one line each" "$(grep -c ' applied ' <<<"$out")" 5
pg down 3 --dir "$h"
expect_rc "hostile: names: down" 0
expect_eq "hostile: names: down prints the names escaped" "$(grep -E '^rolled back +[0-9]{3} ' <<<"$out" | sed 's/ ([0-9]* ms)$//' | tr -s ' ')" \
    "rolled back 005 café_日本
rolled back 004 esc\\x1B[2J
rolled back 003 new\\x0Aline"
pg up --dir "$h"
expect_eq "hostile: names: up again, everything in place" \
    "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")|$(q -c "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'h\_%'")" "5|5"

# --- a 0-byte file: applied as a no-op (golang-migrate's placeholders), as is a 0-byte down -------
newdb h_empty
h=$work/h_empty && mkdir -p "$h"
printf 'CREATE TABLE h_e1 (id int);\n' >"$h/001_first.up.sql"
: >"$h/002_placeholder.up.sql"
: >"$h/002_placeholder.down.sql"
before=$(snap | tail -n +3)
pg up --dir "$h"
expect_rc "hostile: a 0-byte up script: up" 0
expect_eq "hostile: 0 bytes: applied as a no-op" "$(q -c "SELECT state, checksum = encode(sha256(''), 'hex') FROM mig.status() WHERE version = '002'")" "applied|t"
pg down --dir "$h"
expect_rc "hostile: a 0-byte down script: down" 0
expect_eq "hostile: 0 bytes: rolled back, the other migration untouched" \
    "$(q -c "SELECT string_agg(version || ':' || state, ',' ORDER BY version) FROM mig.status()")|$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'h_e1'")" \
    "001:applied,002:pending|1"

# --- invalid UTF-8, symbolic link loops: refused, naming the file ----------------------------------
newdb h_refused
h=$work/h_refused && mkdir -p "$h"
printf 'CREATE TABLE h_r1 (id int);\n' >"$h/001_first.up.sql"
pg up --dir "$h"
printf 'CREATE TABLE h_r2 (id int);\n' >"$h/002_second.up.sql"
printf 'CREATE TABLE h_bad (id int); -- caf\351\n' >"$h/003_latin1.up.sql"
refused "$h" "invalid UTF-8 in a file" "003_latin1\.up\.sql:1:36: not valid UTF-8 \(byte 0xe9\)"
rm "$h/003_latin1.up.sql"
printf 'CREATE TABLE h_bad (id int);\n' >"$h/003_caf"$'\351'".up.sql"
refused "$h" "invalid UTF-8 in a file's name" "003_caf\\\\xE9\.up\.sql: the file name is not valid UTF-8"
rm "$h/003_caf"*
ln -s 003_loop.up.sql "$h/003_loop.up.sql"
refused "$h" "a symbolic link to itself" "003_loop\.up\.sql: cannot read: Too many levels of symbolic links"
rm "$h/003_loop.up.sql"
ln -s 004_b.up.sql "$h/003_a.up.sql"
ln -s 003_a.up.sql "$h/004_b.up.sql"
refused "$h" "two symbolic links to each other" "003_a\.up\.sql: cannot read: Too many levels of symbolic links"
rm "$h/003_a.up.sql" "$h/004_b.up.sql"
ln -s . "$h/loop"
pg up --dir "$h"
expect_rc "hostile: a folder linked to itself: ignored, the rest applied" 0
expect_err "hostile: a folder linked to itself: a warning names it" "loop: ignored \(directory\)"
rm "$h/loop"
expect_eq "hostile: refused files: the folder's own migrations applied once" \
    "$(q -c "SELECT string_agg(version || ':' || action, ',' ORDER BY id) FROM mig.log WHERE action = 'apply'")" "001:apply,002:apply"

# --- unreadable: as the postgres user (not root), so that permissions apply ------------------------
newdb h_perm
hp=$(mktemp -d /tmp/pgmig-hostile.XXXXXX)
chmod 755 "$hp"
mkdir "$hp/db"
printf 'CREATE TABLE h_p1 (id int);\n' >"$hp/db/001_first.up.sql"
printf 'CREATE TABLE h_p2 (id int);\n' >"$hp/db/002_secret.up.sql"
cp "$bin" "$hp/pgmig"
as_user=()
if [ "$(id -u)" = 0 ]; then
    chown -R postgres: "$hp"
    as_user=(runuser -u postgres --)
fi
chmod 000 "$hp/db/002_secret.up.sql"
# pg as that user (its own cache directory)
pg_user() {
    out=$("${as_user[@]}" env XDG_CACHE_HOME="$hp/cache" "$hp/pgmig" "$@" 2>"$run_dir/stderr")
    rc=$?
    err=$(cat "$run_dir/stderr")
}
before=$(snap)
pg_user up --dir "$hp/db"
expect_rc "hostile: an unreadable file (as $("${as_user[@]}" id -un)): exit 2" 2
expect_err "hostile: an unreadable file: named, with the reason" "002_secret\.up\.sql: cannot read: Permission denied"
expect_eq "hostile: an unreadable file: nothing changed" "$(snap)" "$before"
chmod 644 "$hp/db/002_secret.up.sql"
mkdir "$hp/db/sub" && chmod 000 "$hp/db/sub"
pg_user up --dir "$hp/db"
expect_rc "hostile: an unreadable folder inside: exit 2" 2
expect_err "hostile: an unreadable folder: named, with the reason" "db/sub: cannot list: Permission denied"
expect_eq "hostile: an unreadable folder: nothing changed" "$(snap)" "$before"
rmdir "$hp/db/sub"
pg_user up --dir "$hp/db"
expect_rc "hostile: readable again: up" 0
rm -rf "$hp"

# --- a 200 MB file: streamed, the client's memory stays under 100 MB -------------------------------
# What the file adds to the client's peak memory: the same verb on a one-line folder (in a
# database of its own) is the baseline. A build with AddressSanitizer maps ~170 MB of its own
# (make test SANITIZE=1), so the bound is on the difference, not the total.
# max_rss VERB ARGS: pgmig under /usr/bin/time -v; sets rc and rss (MB)
max_rss() {
    /usr/bin/time -v "$bin" "$@" >"$run_dir/big.out" 2>"$run_dir/big.time"
    rc=$?
    rss=$(($(sed -n 's/.*Maximum resident set size (kbytes): //p' "$run_dir/big.time") / 1024))
}
big_verbs=("up --dry-run" "up" "status" "status --no-cache" "validate")
newdb h_small
hs=$work/h_small && mkdir -p "$hs"
printf 'CREATE TABLE h_s (id int);\n' >"$hs/001_s.up.sql"
declare -A base_rss
for verb in "${big_verbs[@]}"; do
    # shellcheck disable=SC2086
    max_rss $verb --dir "$hs"
    base_rss[$verb]=$rss
done
rm -rf "$hs"
newdb h_big
h=$work/h_big && mkdir -p "$h"
printf 'CREATE TABLE h_b1 (id int);\n' >"$h/001_first.up.sql"
{
    printf 'CREATE TABLE h_big (id int);\n'
    yes -- '-- a data migration of 200 MB: never held whole by the client ---------------------' |
        head -c $((200 * 1024 * 1024))
    printf '\nINSERT INTO h_big VALUES (1);\n'
} >"$h/002_big.up.sql"
printf 'DROP TABLE h_big;\n' >"$h/002_big.down.sql"
for verb in "${big_verbs[@]}"; do
    # shellcheck disable=SC2086
    max_rss $verb --dir "$h"
    if [ "$rc" = 0 ] && [ $((rss - base_rss[$verb])) -lt 100 ]; then
        ok "hostile: a 200 MB file: $verb in $rss MB (${base_rss[$verb]} MB for a one-line folder)"
    else
        bad "hostile: a 200 MB file: $verb: exit $rc, $rss MB, ${base_rss[$verb]} MB for a one-line folder (under 100 more expected)" "$(grep -v '^	' "$run_dir/big.time" | tail -5)"
    fi
done
expect_eq "hostile: a 200 MB file: applied once, its last statement ran" \
    "$(q -c "SELECT count(*) FROM mig.log WHERE version = '002' AND action = 'apply'")|$(q -c "SELECT count(*) FROM h_big")" "1|1"
rm -rf "$h"

# --- a folder that changes while `up` reads it ---------------------------------------------------
# While deploys of 150 migrations run, a loop adds new migrations, saves existing files as editors
# do (a new file renamed over the old one, same content), and moves a file away for a moment.
# Each deploy either applies (exit 0) or refuses with an error naming a file (exit 2); after each,
# every migration is applied once or not at all and status agrees; at the end `up` completes.
audit_db h_churn
h=$work/h_churn && mkdir -p "$h"
audit_folder "$h" 1 150
churn() {
    local i=151 v f
    while [ ! -e "$run_dir/churn.stop" ]; do
        [ $i -le 199 ] && audit_folder "$h" $i $i && i=$((i + 1))
        v=$(printf '%03d' $((RANDOM % 150 + 1)))
        f="$h/${v}_m$v.up.sql"
        cp "$f" "$h/.save.tmp" && mv "$h/.save.tmp" "$f"
        v=$(printf '%03d' $((RANDOM % 150 + 1)))
        f="$h/${v}_m$v.down.sql"
        mv "$f" "$h/.away" && sleep 0.01 && mv "$h/.away" "$f"
    done
}
rm -f "$run_dir/churn.stop"
churn &
churner=$!
outcomes=
for round in 1 2 3 4 5 6; do
    [ $round = 4 ] && q -c "SELECT count(*) FROM mig.rollback(40)" >/dev/null # more to do again
    pg up --dir "$h"
    outcomes+=" $rc"
    if [ "$rc" != 0 ] && { [ "$rc" != 2 ] || ! grep -qE "$h/[0-9]{3}_m[0-9]{3}\.(up|down)\.sql" <<<"$err"; }; then
        bad "hostile: a changing folder, round $round: exit 0, or 2 naming a file" "exit $rc
$err"
    fi
    msg=$(disagreements 2>&1)
    [ -z "$msg" ] || bad "hostile: a changing folder, round $round: consistent" "$msg"
done
touch "$run_dir/churn.stop"
wait $churner
audit_folder "$h" 151 199 # the migrations the loop had not added yet
ok "hostile: a changing folder: 6 deploys while it changed (exit codes:$outcomes)"
pg up --dir "$h"
expect_rc "hostile: a changing folder: once it is still, up completes" 0
expect_eq "hostile: a changing folder: every migration applied exactly once, status agrees" \
    "$(disagreements 2>&1)|$(q -c "SELECT count(*) FROM audit")|$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" "|199|199"
pg status --dir "$h"
expect_eq "hostile: a changing folder: status: all applied" "$(grep -c ' applied ' <<<"$out")" 199
