# test/e2e/edit_diff.sh: an applied migration whose file was edited: `up`, `status`, `validate`
# and `adopt`'s refusal show the unified diff of the stored script against the file's (first 20
# lines, --full for all), and say when only line endings or trailing whitespace differ
# (docs/troubleshooting.md, PM001).
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh edit_diff`.

ed=$work/edit_diff
rm -rf "$ed" && mkdir -p "$ed"
printf 'CREATE TABLE ed_a (id int);\n-- the first table\nINSERT INTO ed_a VALUES (1);\n' >"$ed/001_a.up.sql"
printf 'DROP TABLE ed_a;\n' >"$ed/001_a.down.sql"
{
    printf 'CREATE TABLE ed_b (id int);\n'
    for i in $(seq 1 40); do printf 'INSERT INTO ed_b VALUES (%d);\n' "$i"; done
} >"$ed/002_b.up.sql"
newdb e_edit_diff
pg up --dir "$ed"
expect_rc "edit_diff: up" 0

# --- a changed line: up refuses, with the diff under the error ------------------------------------
printf 'CREATE TABLE ed_a (id int);\n-- the first table, reviewed\nINSERT INTO ed_a VALUES (1);\n' >"$ed/001_a.up.sql"
before=$(snap)
pg up --dir "$ed"
expect_rc "edit_diff: up refuses an edited applied migration" 2
expect_err "edit_diff: the diff's headers name the database and the file" "^  --- applied 001 \(in the database\)$"
expect_err "edit_diff: ... and the file" "^  \+\+\+ .*/001_a.up.sql$"
expect_err "edit_diff: a hunk header as diff -u writes it" "^  @@ -1,3 \+1,3 @@$"
expect_err "edit_diff: the removed line" "^  --- the first table$"
expect_err "edit_diff: the added line" "^  \+-- the first table, reviewed$"
expect_err "edit_diff: context lines" "^   CREATE TABLE ed_a \(id int\);$"
if grep -q "only" <<<"$err"; then bad "edit_diff: a text change is not called whitespace" "$err"; else ok "edit_diff: a text change is not called whitespace"; fi
expect_eq "edit_diff: nothing changed" "$(snap)" "$before"

pg up --dir "$ed" --json
expect_rc "edit_diff: up --json" 2
expect_eq "edit_diff: --json carries the diff as the error's detail" \
    "$(jq -r '.error.detail | split("\n") | .[4]' <<<"$out" 2>&1)" "--- the first table"

pg status --dir "$ed"
expect_rc "edit_diff: status" 0
grep -qE '^001 a: .*001_a.up.sql differs from what was applied:$' <<<"$out" && ok "edit_diff: status names the modified migration under its table" || bad "edit_diff: status names the modified migration under its table" "$out"
grep -qE '^  \+-- the first table, reviewed$' <<<"$out" && ok "edit_diff: status shows the diff" || bad "edit_diff: status shows the diff" "$out"
pg status --dir "$ed" --json
expect_eq "edit_diff: status --json has the diff of the modified migration only" \
    "$(jq -c '[.migrations[] | select(.diff) | .version]' <<<"$out")" '["001"]'

pg validate --dir "$ed"
expect_rc "edit_diff: validate reports the edit" 2
grep -qE '^\s+\+-- the first table, reviewed$' <<<"$out$err" && ok "edit_diff: validate shows the diff" || bad "edit_diff: validate shows the diff" "$out
$err"

# --- long diffs: the first 20 lines, then --full -----------------------------------------------
printf 'CREATE TABLE ed_a (id int);\n-- the first table\nINSERT INTO ed_a VALUES (1);\n' >"$ed/001_a.up.sql"
sed -i 's/VALUES (\([0-9]*\))/VALUES (\1 + 100)/' "$ed/002_b.up.sql"
pg up --dir "$ed"
expect_rc "edit_diff: up refuses 002 edited on 40 lines" 2
expect_err "edit_diff: the diff is cut after 20 lines, saying how many more" "^  \.\.\. [0-9]+ more lines of the diff \(--full shows them all\)$"
expect_eq "edit_diff: 20 lines of hunks shown" "$(grep -cE '^  [-+ @](INSERT|CREATE|@@)' <<<"$err")" "20"
pg up --dir "$ed" --full
expect_err "edit_diff: --full shows the last changed line" "^  \+INSERT INTO ed_b VALUES \(40 \+ 100\);$"
if grep -q "more lines of the diff" <<<"$err"; then bad "edit_diff: --full is not cut" "$err"; else ok "edit_diff: --full is not cut"; fi
pg status --dir "$ed" --full
grep -qE '^  \+INSERT INTO ed_b VALUES \(40 \+ 100\);$' <<<"$out" && ok "edit_diff: status --full" || bad "edit_diff: status --full" "$out"

# --- layout only: line endings, trailing whitespace --------------------------------------------
sed -i 's/VALUES (\([0-9]*\) + 100)/VALUES (\1)/' "$ed/002_b.up.sql"
sed -i 's/$/\r/' "$ed/001_a.up.sql"
pg up --dir "$ed"
expect_rc "edit_diff: CRLF line endings: refused" 2
expect_err "edit_diff: says only the line endings differ" "^  only the line endings differ \(CRLF against LF\); after a review, pgmig repair 001 stores the file's$"
expect_err "edit_diff: a carriage return is shown as \\\\r" '^  \+CREATE TABLE ed_a \(id int\);\\r$'
printf 'CREATE TABLE ed_a (id int);  \n-- the first table\t\nINSERT INTO ed_a VALUES (1);\n\n' >"$ed/001_a.up.sql"
pg up --dir "$ed"
expect_err "edit_diff: says only trailing whitespace differs" "^  only trailing whitespace differs"
pg repair 001 --dir "$ed"
expect_rc "edit_diff: repair stores the whitespace edit" 0
pg up --dir "$ed"
expect_rc "edit_diff: up after repair" 0

# --- a changed down file: the down scripts' diff ------------------------------------------------
printf 'DROP TABLE IF EXISTS ed_a;\n' >"$ed/001_a.down.sql"
pg up --dir "$ed"
expect_rc "edit_diff: changed down file refused" 2
expect_err "edit_diff: the down scripts are diffed" "^  \+DROP TABLE IF EXISTS ed_a;$"
expect_err "edit_diff: ... against the down file" "^  \+\+\+ .*/001_a.down.sql$"
