# test/e2e/lazy.sh: scripts read late: ahead while connecting, the rest when needed.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh lazy`.

# `up` lists the folder, reads scripts while it connects, and the rest when it needs them:
# those of migrations the server knows before comparing, the others while uploading (batches
# that start small). A bad file found then changes nothing, and every bad file is named.
mkdir -p "$work/lazy"
for i in $(seq -w 1 120); do
    printf 'CREATE TABLE lz_%s (id int);\n' "$i" >"$work/lazy/${i}_t.up.sql"
    printf 'DROP TABLE lz_%s;\n' "$i" >"$work/lazy/${i}_t.down.sql"
done
cp -r "$work/lazy" "$work/lazy_bad"
printf "SELECT 1;\nSELECT 'caf\xe9';\n" >"$work/lazy_bad/050_t.up.sql"
printf 'DROP TABLE lz_110; -- \xff\n' >"$work/lazy_bad/110_t.down.sql"
sleep 2.1 # settled: their checksums may be cached
newdb e_lazy
q -d postgres -c "ALTER DATABASE e_lazy SET track_functions = 'all'"
before=$(snap)
PGMIG_TRACE=1 pg up --dir "$work/lazy_bad"
expect_rc "lazy: bad files found while uploading: exit 2" 2
expect_err "lazy: the bad up script named, with line and column" "lazy_bad/050_t.up.sql:2:12: not valid UTF-8"
expect_err "lazy: the bad down script named too" "lazy_bad/110_t.down.sql:1:.*not valid UTF-8"
grep -q "upload: first call sent" <<<"$err" && ok "lazy: uploads were under way when they were found" ||
    bad "lazy: uploads were under way when they were found" "$err"
expect_eq "lazy: database unchanged" "$(snap)" "$before"
calls=$(upload_calls)
[ "$calls" -ge 1 ] && ok "lazy: the upload calls that ran were rolled back ($calls)" || bad "lazy: uploads ran" "calls=$calls"
# the same bad files while the server cannot be reached: still the bad files first (exit 2)
pg up -d "host=/nonexistent dbname=x" --dir "$work/lazy_bad"
expect_rc "lazy: bad files and no server: exit 2" 2
expect_err "lazy: bad files and no server: the file named" "050_t.up.sql:2:12: not valid UTF-8"
pg up -d "host=/nonexistent dbname=x" --dir "$work/lazy"
expect_rc "lazy: good files and no server: exit 3" 3

# a cold stat cache and a warm one give the same deploy; `up` caches down scripts' checksums too
cold_cache=$run_dir/cache_cold
rm -rf "$cold_cache"
newdb e_lazy_cold
XDG_CACHE_HOME=$cold_cache PGMIG_TRACE=1 pg up --dir "$work/lazy"
expect_rc "lazy: up with a cold stat cache" 0
grep -q "up: locked" <<<"$err" && ok "lazy: new migrations: the lock is taken while the folder is read" ||
    bad "lazy: lock taken early" "$err"
snap_cold=$(snap)
if grep -q '^001_t\.down\.sql	' "$cold_cache"/pgmig/* 2>/dev/null && grep -q '^120_t\.up\.sql	' "$cold_cache"/pgmig/*; then
    ok "lazy: up cached the checksums of up and down scripts"
else
    bad "lazy: up cached the checksums of up and down scripts" "$(head -5 "$cold_cache"/pgmig/* 2>&1)"
fi
newdb e_lazy_warm
XDG_CACHE_HOME=$cold_cache pg up --dir "$work/lazy"
expect_rc "lazy: up with the warm stat cache" 0
expect_eq "lazy: warm and cold cache: the same result" "$(snap)" "$snap_cold"
# a no-op up with a warm cache opens no script, and takes no lock
q -c "ALTER DATABASE e_lazy_warm SET log_statement = 'all'"
if command -v strace >/dev/null; then
    XDG_CACHE_HOME=$cold_cache strace -f -e trace=openat -o "$run_dir/strace" "$bin" up --dir "$work/lazy" >/dev/null 2>&1
    opened=$(grep -c '\.sql"' "$run_dir/strace")
    expect_eq "lazy: no-op up with a warm cache opens no script" "$opened" 0
fi
marker="e2e-marker-$$-$RANDOM"
q -c "SELECT '$marker'" >/dev/null
XDG_CACHE_HOME=$cold_cache pg up --dir "$work/lazy"
expect_rc "lazy: no-op up" 0
sleep 0.3
if sed -n "/$marker/,\$p" "$cluster/server.log" | grep -q 'mig\.lock('; then
    bad "lazy: no-op up takes no lock" "$(sed -n "/$marker/,\$p" "$cluster/server.log" | grep 'mig\.lock(' | head -3)"
else
    ok "lazy: no-op up takes no lock"
fi
q -c "ALTER DATABASE e_lazy_warm RESET log_statement"
# a no-op up with a cold cache reads every script and finds nothing to do
rm -rf "$cold_cache"
XDG_CACHE_HOME=$cold_cache pg up -v --dir "$work/lazy"
expect_rc "lazy: no-op up with a cold cache" 0
grep -q "nothing to do: 120 migrations applied" <<<"$out" && ok "lazy: cold no-op finds nothing to do" || bad "lazy: cold no-op" "$out$err"
# an applied migration edited, and a new bad file: the bad file is reported first (as when the
# folder is read whole); without it, the edit (both checksums named)
cp -r "$work/lazy" "$work/lazy_edit"
printf 'CREATE TABLE lz_003 (id bigint);\n' >"$work/lazy_edit/003_t.up.sql"
printf "SELECT '\xe9';\n" >"$work/lazy_edit/121_t.up.sql"
before=$(snap)
for cache_state in warm cold; do
    [ $cache_state = cold ] && rm -rf "$cold_cache"
    XDG_CACHE_HOME=$cold_cache pg up --dir "$work/lazy_edit"
    expect_rc "lazy ($cache_state cache): edited + bad new file: exit 2" 2
    expect_err "lazy ($cache_state cache): the bad new file is named" "121_t.up.sql:1:9: not valid UTF-8"
    expect_eq "lazy ($cache_state cache): database unchanged" "$(snap)" "$before"
done
rm "$work/lazy_edit/121_t.up.sql"
XDG_CACHE_HOME=$cold_cache pg up --dir "$work/lazy_edit"
expect_rc "lazy: an edited applied migration: exit 2" 2
expect_err "lazy: the edited file named with both checksums" "003_t.up.sql: migration 003 was applied with checksum [0-9a-f]{64}, but the file's checksum is now $(sha256sum "$work/lazy_edit/003_t.up.sql" | cut -d' ' -f1)"
expect_eq "lazy: edited: database unchanged" "$(snap)" "$before"
