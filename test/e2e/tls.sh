# test/e2e/tls.sh: TLS (a second cluster that takes TCP connections with TLS only).
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh tls`.

# TLS: the OpenSSL linked into pgmig (statically, with the static libpq: docs/performance.md,
# "Process start") negotiates, verifies the server's certificate and its name, and refuses a
# certificate from another CA. The server takes TCP connections on 127.0.0.1 only with TLS
# (hostnossl ... reject), so the connection that works is encrypted.
tls=$run_dir/tls
tls_setup() {
    bash scripts/cluster.sh start "$tls" >/dev/null && bash scripts/cluster.sh stop "$tls" || return 1
    tls=$(cd "$tls" && pwd -P) # the server reads the certificates: a path it can reach
    local d=$tls/certs
    mkdir -p "$d" && (
        cd "$d" &&
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
                -subj "/CN=pgmig e2e CA" -keyout ca.key -out ca.crt &&
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
                -subj "/CN=pgmig e2e other CA" -keyout other.key -out other.crt &&
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
                -subj "/CN=127.0.0.1" -keyout server.key -out server.csr &&
            printf 'subjectAltName=IP:127.0.0.1\n' >san.ext &&
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
                -extfile san.ext -out server.crt
    ) >"$run_dir/tls.log" 2>&1 || return 1
    chmod 600 "$d/server.key"
    [ "$(id -u)" = 0 ] && chown -R postgres: "$d"
    { echo "hostnossl all all 127.0.0.1/32 reject"; cat "$tls/data/pg_hba.conf"; } >"$tls/hba.new" &&
        cat "$tls/hba.new" >"$tls/data/pg_hba.conf"
    CLUSTER_OPTIONS="-c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=$d/server.crt -c ssl_key_file=$d/server.key" \
        bash scripts/cluster.sh start "$tls" >/dev/null
}
if tls_setup; then
    tls_port=$(cat "$tls/port")
    PGHOST=$tls/sock PGPORT=$tls_port q -d postgres -c "CREATE DATABASE e_tls" &&
        PGHOST=$tls/sock PGPORT=$tls_port q -d e_tls -c "CREATE EXTENSION pgmig"
    tls_dsn="host=127.0.0.1 port=$tls_port dbname=e_tls user=postgres"
    pg up --dir "$fx/numbered" -d "$tls_dsn sslmode=require"
    expect_rc "tls: up over TLS (sslmode=require)" 0
    pg status --json --dir "$fx/numbered" -d "$tls_dsn sslmode=verify-full sslrootcert=$tls/certs/ca.crt"
    expect_rc "tls: status with the certificate and its name verified (verify-full)" 0
    expect_eq "tls: verify-full: the 4 migrations applied over TLS" "$(grep -o '"state": *"applied"' <<<"$out" | wc -l)" 4
    pg status -d "$tls_dsn sslmode=disable"
    expect_rc "tls: without TLS the server refuses (so the runs above were encrypted): exit 3" 3
    expect_err "tls: the refusal is the server's (no encryption)" "no encryption"
    pg status -d "$tls_dsn sslmode=verify-full sslrootcert=$tls/certs/other.crt"
    expect_rc "tls: a certificate from another CA: exit 3" 3
    expect_err "tls: says the certificate did not verify" "certificate verify failed"
    bash scripts/cluster.sh stop "$tls"
else
    bad "tls: cannot set up the TLS cluster" "$(cat "$run_dir/tls.log" 2>/dev/null; tail -5 "$tls/server.log" 2>/dev/null)"
fi
