# test/e2e/version_check.sh: the client compares the extension's version in the database with
# its own (client/src/extension_check.cpp): older stops before anything changes (exit 2, naming
# both versions and ALTER EXTENSION pgmig UPDATE), newer warns, missing is left to the verbs.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh version_check`.

client_version=$("$bin" --version | awk '{print $2}')
make_version=$(sed -n 's/^EXTVERSION *= *//p' "$root/Makefile")
expect_eq "version: pgmig --version is the Makefile's EXTVERSION" "$client_version" "$make_version"

newdb e_vcheck
fresh vcheck golang-migrate
pg status --dir "$work/vcheck"
expect_rc "version: same version: status runs" 0
if grep -q "extension in this database" <<<"$err"; then bad "version: same version: no warning" "$err"; else ok "version: same version: no warning"; fi

# an older extension (its catalog entry says so): nothing runs
q -c "UPDATE pg_catalog.pg_extension SET extversion = '0.1.0' WHERE extname = 'pgmig'"
before=$(snap)
pg up --dir "$work/vcheck"
expect_rc "version: older extension: up exits 2" 2
expect_err "version: older extension: both versions named" "version 0\.1\.0, older than this pgmig client \($client_version\)"
expect_err "version: older extension: how to update" "ALTER EXTENSION pgmig UPDATE"
expect_eq "version: older extension: nothing applied" "$(snap)" "$before"
for verb in status "down --all" log; do
    # shellcheck disable=SC2086 # the verb's words
    pg $verb --dir "$work/vcheck"
    expect_rc "version: older extension: $verb exits 2" 2
done

# a newer extension: a warning, and the verb runs
q -c "UPDATE pg_catalog.pg_extension SET extversion = '99.0.0' WHERE extname = 'pgmig'"
pg status --dir "$work/vcheck"
expect_rc "version: newer extension: status runs" 0
expect_err "version: newer extension: warns to upgrade the client" "version 99\.0\.0, newer than this pgmig client \($client_version\): upgrade the client"
q -c "UPDATE pg_catalog.pg_extension SET extversion = '$make_version' WHERE extname = 'pgmig'"

# really installed at 0.1.0, then updated as the message says
if [ -f "$("${PG_CONFIG:-pg_config}" --sharedir)/extension/pgmig--0.1.0.sql" ]; then
    newdb e_vcheck_old noext
    q -c "CREATE EXTENSION pgmig VERSION '0.1.0'"
    pg up --dir "$work/vcheck"
    expect_rc "version: extension 0.1.0 installed: up exits 2" 2
    expect_err "version: extension 0.1.0 installed: named" "version 0\.1\.0, older"
    q -c "ALTER EXTENSION pgmig UPDATE"
    pg up --dir "$work/vcheck"
    expect_rc "version: after ALTER EXTENSION pgmig UPDATE: up runs" 0
else
    ok "version: (pgmig--0.1.0.sql not installed: the real 0.1.0 install is not tried)"
fi

# no extension at all: the verbs' own message, as before
newdb e_vcheck_none noext
pg up --dir "$work/vcheck"
expect_rc "version: no extension: up exits 2" 2
expect_err "version: no extension: the usual hint" "extension is not installed"
