# test/e2e/cache.sh: the stat cache (docs/cli.md): never trusted over a changed file; a corrupt
# cache is ignored.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh cache`.

newdb e_cache
fresh cache golang-migrate
pg up --dir "$work/cache"
expect_rc "cache: up" 0
sleep 2.1 # only files changed at least 2 s ago are cached
pg status --dir "$work/cache"
pg status --dir "$work/cache"
if grep -q '^20240115090000_create_users.up.sql	' "$XDG_CACHE_HOME"/pgmig/* 2>/dev/null; then
    ok "cache: status wrote a cache with the up scripts"
else
    bad "cache: status wrote a cache with the up scripts" "$(ls -la "$XDG_CACHE_HOME"/pgmig 2>&1; cat "$XDG_CACHE_HOME"/pgmig/* 2>&1 | head)"
fi
grep -qE '^20240115090000 +create_users +applied' <<<"$out" && ok "cache: applied while unchanged" || bad "cache: applied while unchanged" "$out"
f_up=$work/cache/20240115090000_create_users.up.sql
size_before=$(stat -c %s "$f_up")
sed -i 's/users/usurs/' "$f_up" # same size, new contents, new mtime
expect_eq "cache: the edit kept the size" "$(stat -c %s "$f_up")" "$size_before"
pg status --dir "$work/cache"
grep -qE '^20240115090000 +create_users +modified' <<<"$out" && ok "cache: same-size edit is flagged modified" || bad "cache: same-size edit is flagged modified" "$out"
sed -i 's/usurs/users/' "$f_up"
sleep 0.05
pg status --dir "$work/cache"
pg status --dir "$work/cache"
grep -qE '^20240115090000 +create_users +applied' <<<"$out" && ok "cache: edit undone, applied again" || bad "cache: edit undone, applied again" "$out"
f2_up=$work/cache/20240115090100_create_status_type.up.sql # cached since the start
grep -q '^20240115090100_create_status_type.up.sql	' "$XDG_CACHE_HOME"/pgmig/* && ok "cache: second file cached" || bad "cache: second file cached" "$(cat "$XDG_CACHE_HOME"/pgmig/*)"
cp -p "$f2_up" "$work/cache_ref"
sed -i 's/TYPE/tYPE/' "$f2_up"
touch -r "$work/cache_ref" "$f2_up" # same size AND the old mtime: only ctime tells
expect_eq "cache: same size, same mtime" "$(stat -c '%s %Y' "$f2_up")" "$(stat -c '%s %Y' "$work/cache_ref")"
pg status --dir "$work/cache"
grep -qE '^20240115090100 +create_status_type +modified' <<<"$out" && ok "cache: same size and mtime restored is still modified" || bad "cache: same size and mtime restored is still modified" "$out"
pg up --dir "$work/cache"
expect_rc "cache: up refuses the edited applied migration" 2
expect_err "cache: up names the edited file" "20240115090100_create_status_type.up.sql"
cp -p "$work/cache_ref" "$f2_up"
for c in "$XDG_CACHE_HOME"/pgmig/*; do printf 'garbage\n\0\377 not a cache\n' >"$c"; done
pg status --dir "$work/cache"
expect_rc "cache: a corrupt cache is ignored" 0
grep -qE '^20240115090000 +create_users +applied' <<<"$out" && ok "cache: corrupt cache, states still right" || bad "cache: corrupt cache, states still right" "$out"
# (grep reads head's whole output: with -q it could exit early, and pipefail would see head's SIGPIPE)
grep -q '^pgmig-stat-cache 1' <<<"$(head -1 "$XDG_CACHE_HOME"/pgmig/*)" && ok "cache: a corrupt cache is rewritten" || bad "cache: a corrupt cache is rewritten" "$(head -c 200 "$XDG_CACHE_HOME"/pgmig/*)"
# a cache whose checksums lie (stat fields still matching) is what --no-cache is for
for c in "$XDG_CACHE_HOME"/pgmig/*; do sed -i -E 's/\t[0-9a-f]{64}$/\t0000000000000000000000000000000000000000000000000000000000000000/' "$c"; done
pg status --no-cache --dir "$work/cache"
grep -qE '^20240115090000 +create_users +applied' <<<"$out" && ok "cache: --no-cache reads every file" || bad "cache: --no-cache reads every file" "$out"
pg up --no-cache --dir "$work/cache"
expect_rc "cache: no-op up --no-cache" 0
rm -f "$XDG_CACHE_HOME"/pgmig/*
printf 'CREATE TABLE late (id int);\n' >"$work/cache/20240401000000_late.up.sql"
sleep 2.1
pg status --dir "$work/cache"
pg status --dir "$work/cache" # the new file's checksum now comes from the cache
grep -qE '^20240401000000 +late +new' <<<"$out" && ok "cache: a new file is new" || bad "cache: a new file is new" "$out"
pg up --dir "$work/cache"
expect_rc "cache: up uploads a file known only by its cached checksum (read then)" 0
expect_eq "cache: it ran" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'late'")" 1
pg status --no-cache --dir "$work/cache"
grep -qE '^20240401000000 +late +applied' <<<"$out" && ok "cache: uploaded body has the cached checksum" || bad "cache: uploaded body has the cached checksum" "$out"
# the server's checksum of an upload is compared with the expected one: a cached checksum that
# is not the file's (what a file edited between hashing and uploading looks like) stops the
# deploy. A checksum is compared before the upload only for a migration the server knows (here
# a pending one), and only a script not read ahead (over 256 kB) is uploaded from a second read.
{
    printf 'CREATE TABLE later (id int);\n'
    for i in $(seq 1 5000); do printf -- '-- line %05d: a script bigger than what up reads ahead while it connects\n' "$i"; done
} >"$work/cache/20240402000000_later.up.sql"
pg up --to 20240401000000 --dir "$work/cache"
# uploaded (not applied) from SQL, as a DBA may: the server knows it, pending
# (the body through psql, not pg_read_file: the server may not enter a private checkout)
q <<SQL
\set body \`cat '$work/cache/20240402000000_later.up.sql'\`
SELECT FROM mig.upload('20240402000000', 'later', :'body' || E'\\n');
SQL
expect_eq "cache: the later migration uploaded, pending" \
    "$(q -c "SELECT state FROM mig.status() WHERE version = '20240402000000'")" pending
sleep 2.1
pg status --dir "$work/cache" # caches the file's checksum
for c in "$XDG_CACHE_HOME"/pgmig/*; do
    sed -i -E '/^20240402000000_later\.up\.sql\t/ s/\t[0-9a-f]{64}$/\t1111111111111111111111111111111111111111111111111111111111111111/' "$c"
done
before=$(snap)
pg up --dir "$work/cache"
expect_rc "cache: an upload whose server checksum is not the expected one: exit 2" 2
expect_err "cache: it says the file changed while pgmig ran" "20240402000000_later.up.sql: the file changed while pgmig was running"
expect_eq "cache: nothing applied or stored" "$(snap)" "$before"
