# test/e2e/stream.sh: big scripts are streamed (COPY), never held whole; errors still name the
# line.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh stream`.

newdb e_stream
mkdir -p "$work/stream"
{
    printf 'CREATE TABLE s (id int, t text);\n'
    for i in $(seq 1 300); do printf "INSERT INTO s VALUES (%d, E'tab\\\\there\\\\\\\\ back\tslash %d');\n" "$i" "$i"; done
    printf 'INSERT INTO s VALUES (0, $$multi\r\nline \\\\N é$$);\n'
} >"$work/stream/1_big.up.sql"
printf 'DROP TABLE s;\n' >"$work/stream/1_big.down.sql"
PGMIG_STREAM_ABOVE=1000 pg up --dir "$work/stream"
expect_rc "stream: up of a script above the threshold" 0
expect_eq "stream: every row arrived" "$(q -c "SELECT count(*) FROM s")" 301
expect_eq "stream: backslashes, tabs, CR and non-ASCII intact" \
    "$(q -c "SELECT t FROM s WHERE id = 0" | od -c | head -2 | tr -s ' ')" \
    "$(printf 'multi\r\nline \\\\N é\n' | od -c | head -2 | tr -s ' ')"
pg status --no-cache --dir "$work/stream"
grep -qE '^1 +big +applied' <<<"$out" && ok "stream: the server's checksum equals the whole file's" || bad "stream: checksum" "$out"
pg down --dir "$work/stream"
expect_rc "stream: down" 0
{
    printf 'CREATE TABLE s2 (id int);\n'
    for i in $(seq 1 200); do printf 'INSERT INTO s2 VALUES (%d);\n' "$i"; done
    printf 'INSERT INTO s2 VALUES (1) (2);\n'
} >"$work/stream/2_bad.up.sql"
PGMIG_STREAM_ABOVE=1000 pg up --dir "$work/stream"
expect_rc "stream: syntax error in a streamed script: exit 1" 1
expect_err "stream: error names file and line" "2_bad.up.sql:202:"
expect_err "stream: the line is re-read from the file" "202 \\| INSERT INTO s2 VALUES \\(1\\) \\(2\\);"
expect_eq "stream: nothing applied" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 0
{
    for i in $(seq 1 100); do printf 'SELECT %d;\n' "$i"; done
    printf 'SELECT 1; -- caf\351\n'
} >"$work/stream/2_bad.up.sql"
PGMIG_STREAM_ABOVE=100 pg up --dir "$work/stream"
expect_rc "stream: invalid UTF-8 in a streamed script: exit 2" 2
expect_err "stream: invalid UTF-8 named with line and column" "2_bad.up.sql:101:17: not valid UTF-8"
rm "$work/stream/2_bad.up.sql"
PGMIG_STREAM_ABOVE=100 pg up --dir "$work/stream"
expect_rc "stream: up again" 0
sed -i 's/^CREATE TABLE s (id int, t text);/CREATE TABLE s (id int, t text, x int);/' "$work/stream/1_big.up.sql"
PGMIG_STREAM_ABOVE=100 pg up --dir "$work/stream"
expect_rc "stream: an applied streamed script edited is refused" 2
