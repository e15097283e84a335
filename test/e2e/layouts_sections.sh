# test/e2e/layouts_sections.sh: tools whose migration file holds its up and down sections, or
# whose plan lists the changes: goose, sql-migrate, sqitch, Liquibase formatted SQL, tern,
# node-pg-migrate, graphile-migrate, shmig; and repeated section markers, as each tool reads them.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh layouts_sections`.

# goose: the Down section must not run on up (read as plain numbered files, both would)
newdb e_goose
mkdir -p "$work/goose" &&
    printf -- '-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE gt (id int);\n-- +goose StatementEnd\n\n-- +goose Down\nDROP TABLE gt;\n' \
        >"$work/goose/20230101120000_create_gt.sql" &&
    printf -- '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY gt_i ON gt (id);\n-- +goose Down\nDROP INDEX gt_i;\n' \
        >"$work/goose/20230102120000_index_gt.sql"
pg up --dir "$work/goose"
expect_rc "goose: up" 0
expect_eq "goose: the table and the concurrent index are there (Down sections not run)" \
    "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'gt'"),$(q -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'gt_i'")" "1,1"
pg down --all --dir "$work/goose"
expect_rc "goose: down --all runs the Down sections" 0
expect_eq "goose: table gone" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'gt'")" 0

# --- sql-migrate: `-- +migrate Up` / `-- +migrate Down` sections --------------------------------
newdb e_sqlmigrate
mkdir -p "$work/sqlmigrate" &&
    printf -- '-- +migrate Up\nCREATE TABLE smt (id int);\n-- +migrate Down\nDROP TABLE smt;\n' >"$work/sqlmigrate/1-initial.sql" &&
    printf -- '-- +migrate Up\nALTER TABLE smt ADD x int;\nSELECT nosuch FROM smt;\n-- +migrate Down\nALTER TABLE smt DROP x;\n' >"$work/sqlmigrate/2-add-x.sql"
pg up --dir "$work/sqlmigrate"
expect_rc "sql-migrate: an error: exit 1" 1
expect_err "sql-migrate: the error's line counted from the top of the file" "2-add-x.sql:3:8: ERROR: column \"nosuch\" does not exist"
printf -- '-- +migrate Up\nALTER TABLE smt ADD x int;\n-- +migrate Down\nALTER TABLE smt DROP x;\n' >"$work/sqlmigrate/2-add-x.sql"
pg up --dir "$work/sqlmigrate"
expect_rc "sql-migrate: up" 0
expect_eq "sql-migrate: both applied" "$(q -c "SELECT string_agg(version || '=' || name, ',' ORDER BY version) FROM mig.status() WHERE state = 'applied'")" "1=initial,2=add-x"

# sql-migrate: files of one number run in name order (nakama)
newdb e_sqlm_same
mkdir -p "$work/smsame" && printf -- '-- +migrate Up\nCREATE TABLE sms (id int);\n' >"$work/smsame/20230222172539-create.sql" &&
    printf -- '-- +migrate Up\nALTER TABLE sms ADD b int;\n' >"$work/smsame/20230222172540-uid-2.sql" &&
    printf -- '-- +migrate Up\nALTER TABLE sms ADD a int;\n' >"$work/smsame/20230222172540-uid-1.sql"
pg up --dir "$work/smsame"
expect_eq "sql-migrate: files of one number: applied, uid-1 before uid-2" \
    "$rc:$(q -c "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'sms'")" "0:id,a,b"

# sqitch: the plan's order (not its dates), names with '/', a reworked change, revert/ as downs
newdb e_sqitch
sq=$work/sqitch
mkdir -p "$sq/deploy/app.fn" "$sq/revert/app.fn" "$sq/verify"
cat >"$sq/sqitch.plan" <<'PLAN'
%syntax-version=1.0.0
%project=flipr

appschema 2013-12-30T23:19:57Z Marge <marge@example.com> # Add schema.
users [appschema] 2013-12-31T00:02:50Z Marge <marge@example.com> # Users.
app.fn/hello [appschema] 2013-12-29T00:00:00Z Marge <marge@example.com> # earlier date, later in the plan
@v1.0 2014-01-01T00:00:00Z Marge <marge@example.com> # Tag v1.0.
app.fn/hello [app.fn/hello@v1.0] 2014-01-02T00:00:00Z Marge <marge@example.com> # reworked
PLAN
printf 'BEGIN;\nCREATE SCHEMA flipr;\nCOMMIT;\n' >"$sq/deploy/appschema.sql"
printf 'BEGIN;\nDROP SCHEMA flipr;\nCOMMIT;\n' >"$sq/revert/appschema.sql"
printf 'BEGIN;\nCREATE TABLE flipr.users (nickname text PRIMARY KEY);\nCOMMIT;\n' >"$sq/deploy/users.sql"
printf 'BEGIN;\nDROP TABLE flipr.users;\nCOMMIT;\n' >"$sq/revert/users.sql"
printf 'CREATE FUNCTION flipr.hello() RETURNS text LANGUAGE sql AS $$ SELECT 1::text $$;\n' >"$sq/deploy/app.fn/hello@v1.0.sql"
printf 'DROP FUNCTION flipr.hello();\n' >"$sq/revert/app.fn/hello@v1.0.sql"
printf "CREATE OR REPLACE FUNCTION flipr.hello() RETURNS text LANGUAGE sql AS \$\$ SELECT 'hello' \$\$;\n" >"$sq/deploy/app.fn/hello.sql"
printf 'CREATE OR REPLACE FUNCTION flipr.hello() RETURNS text LANGUAGE sql AS $$ SELECT 1::text $$;\n' >"$sq/revert/app.fn/hello.sql"
printf 'SELECT 1;\n' >"$sq/verify/users.sql"
printf '[core]\n\tengine = pg\n' >"$sq/sqitch.conf"
pg up --dir "$sq"
expect_rc "sqitch: up" 0
expect_eq "sqitch: the plan's changes in plan order, the rework last" \
    "$(q -c "SELECT string_agg(version || '=' || name, ',' ORDER BY version::int) FROM mig.status() WHERE state = 'applied'")" \
    "1=appschema,2=users,3=app.fn/hello,4=app.fn/hello"
expect_eq "sqitch: the reworked function is the last one" "$(q -c "SELECT flipr.hello()")" hello
pg down --dir "$sq"
expect_rc "sqitch: down runs revert/app.fn/hello.sql" 0
expect_eq "sqitch: the function as before the rework" "$(q -c "SELECT flipr.hello()")" 1
pg down --all --dir "$sq"
expect_rc "sqitch: down --all" 0
expect_eq "sqitch: the schema gone" "$(q -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'flipr'")" 0
pg new more --dir "$sq"
expect_rc "sqitch: new is sqitch add's job: exit 2" 2
expect_err "sqitch: new says so" "sqitch add more"
printf 'users2 2014-02-01T00:00:00Z Marge <marge@example.com> # missing script\n' >>"$sq/sqitch.plan"
pg up --dir "$sq"
expect_rc "sqitch: a change without its deploy script: exit 2" 2
expect_err "sqitch: the plan's line and the missing file named" "sqitch.plan:9: change users2: .*deploy/users2.sql does not exist"

# Liquibase formatted SQL: changesets as the up script, --rollback lines (last first) as the down
newdb e_liquibase
mkdir -p "$work/liquibase"
printf -- '--liquibase formatted sql\n\n--changeset alice:1\nCREATE TABLE lqp (id int PRIMARY KEY);\n--rollback DROP TABLE lqp;\n\n--changeset alice:2 dbms:h2\nCREATE TABLE lq_h2 (id int);\n\n--changeset alice:3\nINSERT INTO lqp VALUES (1);\n--rollback DELETE FROM lqp WHERE id = 1;\n' \
    >"$work/liquibase/001_init.sql"
printf -- '--liquibase formatted sql\n--changeset bob:1\nSELECT nosuch FROM lqp;\n--rollback SELECT 1;\n' >"$work/liquibase/002_bad.sql"
pg up --dir "$work/liquibase"
expect_rc "liquibase: an error: exit 1" 1
expect_err "liquibase: the error at the file's line" "002_bad.sql:3:8: ERROR: column \"nosuch\" does not exist"
rm "$work/liquibase/002_bad.sql"
pg up --dir "$work/liquibase"
expect_rc "liquibase: up" 0
expect_eq "liquibase: the h2 changeset skipped, the others ran" \
    "$(q -c "SELECT count(*) FROM lqp"),$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'lq_h2'")" "1,0"
pg down --dir "$work/liquibase"
expect_rc "liquibase: down runs the rollbacks" 0
expect_eq "liquibase: table gone" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'lqp'")" 0
printf -- '--liquibase formatted sql\n--changeset c:1 context:test\nINSERT INTO lqp VALUES (2);\n' >"$work/liquibase/003_ctx.sql"
pg up --dir "$work/liquibase"
expect_rc "liquibase: a context: exit 2" 2
expect_err "liquibase: a context is refused, naming file and line" "003_ctx.sql:2: changeset c:1: context is not supported"
# Liquibase: an error in a rollback names the file's line of that --rollback line
newdb e_liquibase_rb
mkdir -p "$work/lqrb"
printf -- '--liquibase formatted sql\n--changeset a:1\nCREATE TABLE lqr (id int);\n--rollback DROP TABLE lqr;\n--changeset a:2\nINSERT INTO lqr VALUES (1);\n--rollback DELETE FROM lqr\n--rollback WHERE nosuch = 1;\n' >"$work/lqrb/001_init.sql"
pg up --dir "$work/lqrb"
expect_rc "liquibase: up (rollback checked by the server's parser only)" 0
pg down --dir "$work/lqrb"
expect_rc "liquibase: a failing rollback: exit 1" 1
expect_err "liquibase: the rollback's error at the file's line" "001_init.sql:8:7: ERROR: column \"nosuch\" does not exist"
expect_err "liquibase: the failing line's text" "WHERE nosuch = 1;"

# tern: the text below `---- create above / drop below ----` is the down script, not part of
# the up (read as plain numbered files, the table would be created and dropped at once)
newdb e_tern
mkdir -p "$work/tern" &&
    printf 'create table tt1 (id serial primary key);\n\n---- create above / drop below ----\n\ndrop table tt1;\n' >"$work/tern/001_create_tt1.sql" &&
    printf 'insert into tt1 default values;\n' >"$work/tern/002_seed.sql" &&
    printf -- '---- tern: disable-tx ----\ncreate index concurrently tt1_i on tt1 (id);\n---- create above / drop below ----\ndrop index tt1_i;\n' >"$work/tern/003_index.sql" &&
    printf -- 'create table tt4 ();\n---- create above / drop below ----\ndrop table tt4;\nselect nosuch from tt1;\n' >"$work/tern/004_tt4.sql" &&
    printf '[database]\nhost = localhost\n' >"$work/tern/tern.conf"
pg up --dir "$work/tern"
expect_rc "tern: up" 0
expect_eq "tern: the tables, the row and the concurrent index are there (down sections not run)" \
    "$(q -c "SELECT count(*) FROM tt1"),$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'tt4'"),$(q -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'tt1_i'")" "1,1,1"
expect_eq "tern: tern.conf is not warned about" "$(grep -c tern.conf <<<"$err")" 0
pg down --to 1 --dir "$work/tern"
expect_rc "tern: a migration without a separator cannot be rolled back: exit 2" 2
expect_err "tern: says which" "no down script for 002"
pg down --dir "$work/tern"
expect_rc "tern: an error in a down section: exit 1" 1
expect_err "tern: the down section's error at the file's line" "004_tt4.sql:4:8: ERROR: column \"nosuch\" does not exist"
printf 'create view tv as select {{.n}} as n;\n' >"$work/tern/004_tmpl.sql"
pg up --dir "$work/tern"
expect_rc "tern: a template: exit 2" 2
expect_err "tern: a template is refused, naming file and line" "004_tmpl.sql:1: tern's templates"
rm "$work/tern/004_tmpl.sql"
pg new add_more --dir "$work/tern"
expect_rc "tern: new" 0
grep -qx -- '---- create above / drop below ----' "$work/tern/005_add_more.sql" 2>/dev/null && ok "tern: new writes the next number with the separator" ||
    bad "tern: new writes the next number with the separator" "$(ls "$work/tern")"
rm -f "$work/tern/005_add_more.sql"

# node-pg-migrate: `-- Up Migration` / `-- Down Migration` sections
newdb e_npm
mkdir -p "$work/npm" &&
    printf -- '-- Up Migration\nCREATE TABLE npa (id int);\n\n-- Down Migration\nDROP TABLE npa;\n' >"$work/npm/1600000000000_create-npa.sql" &&
    printf 'INSERT INTO npa VALUES (1);\n' >"$work/npm/1600000000001_seed.sql" &&
    printf -- '-- Up Migration\nALTER TABLE npa ADD b int;\nSELECT nosuch FROM npa;\n-- Down Migration\nALTER TABLE npa DROP b;\n' >"$work/npm/1600000000002_add-b.sql" &&
    printf 'exports.up = (pgm) => {};\n' >"$work/npm/1600000000003_js.js"
pg up --dir "$work/npm"
expect_rc "node-pg-migrate: an error: exit 1" 1
expect_err "node-pg-migrate: the error at the file's line" "1600000000002_add-b.sql:3:8: ERROR: column \"nosuch\" does not exist"
expect_err "node-pg-migrate: the .js migration is named in a warning" "1600000000003_js.js: ignored"
printf -- '-- Up Migration\nALTER TABLE npa ADD b int;\n-- Down Migration\nALTER TABLE npa DROP b;\n' >"$work/npm/1600000000002_add-b.sql"
pg up --dir "$work/npm"
expect_rc "node-pg-migrate: up" 0
expect_eq "node-pg-migrate: the table with its row and column (down sections not run)" \
    "$(q -c "SELECT count(*) FROM npa WHERE b IS NULL")" 1
pg down --dir "$work/npm"
expect_rc "node-pg-migrate: down runs the Down Migration section" 0
expect_eq "node-pg-migrate: column gone" "$(q -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'npa' AND column_name = 'b'")" 0
printf -- 'INSERT INTO npa VALUES (2);\n-- down migration: delete it\nDELETE FROM npa WHERE id = 2;\n' >"$work/npm/1600000000004_loose.sql"
before=$(snap)
pg up --dir "$work/npm"
expect_rc "node-pg-migrate: a marker with text after it: exit 2" 2
expect_err "node-pg-migrate: refused, naming file and line" "1600000000004_loose.sql:2: node-pg-migrate splits the file at this line"
expect_eq "node-pg-migrate: nothing changed" "$(snap)" "$before"
rm "$work/npm/1600000000004_loose.sql"
printf -- 'BEGIN;\n-- Up Migration\nINSERT INTO npa VALUES (3);\nCOMMIT;\n' >"$work/npm/1600000000005_wrapped.sql"
pg up --dir "$work/npm"
expect_rc "node-pg-migrate: SQL above the first marker: exit 2" 2
expect_err "node-pg-migrate: refused, naming file and line" "1600000000005_wrapped.sql:1: SQL before the first"
expect_eq "node-pg-migrate: nothing changed by it" "$(snap)" "$before"
rm "$work/npm/1600000000005_wrapped.sql"
pg new add_c --dir "$work/npm"
expect_rc "node-pg-migrate: new" 0
ls "$work/npm" | grep -qE '^1[0-9]{12}_add_c\.sql$' && ok "node-pg-migrate: new names the file in milliseconds, as the folder" ||
    bad "node-pg-migrate: new names the file in milliseconds" "$(ls "$work/npm")"

# graphile-migrate: committed/NNNNNN[-message].sql with the `--!` header; up only
newdb e_graphile
mkdir -p "$work/gm" &&
    printf -- '--! Previous: -\n--! Hash: sha1:aa\n\nCREATE TABLE gma (id int);\n' >"$work/gm/000001.sql" &&
    printf -- '--! Previous: sha1:aa\n--! Hash: sha1:bb\n--! Message: index gma\n--! no-transaction\n\nCREATE INDEX CONCURRENTLY gma_i ON gma (id);\n' >"$work/gm/000002-index-gma.sql"
pg up --dir "$work/gm"
expect_rc "graphile-migrate: up (a no-transaction migration among them)" 0
expect_eq "graphile-migrate: both applied, the message slug as the name" \
    "$(q -c "SELECT string_agg(version || '=' || name, ',' ORDER BY version) FROM mig.status() WHERE state = 'applied'"),$(q -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'gma_i'")" "000001=,000002=index-gma,1"
pg new more --dir "$work/gm"
expect_rc "graphile-migrate: new is graphile-migrate commit's job: exit 2" 2
printf -- '--! Previous: sha1:bb\n--! Hash: sha1:cc\n\nGRANT ALL ON TABLE gma TO :DATABASE_OWNER;\n' >"$work/gm/000003.sql"
before=$(snap)
pg up --dir "$work/gm"
expect_rc "graphile-migrate: a placeholder: exit 2" 2
expect_err "graphile-migrate: the placeholder is refused, naming file and line" "000003.sql:4: graphile-migrate's placeholder :DATABASE_OWNER is not substituted"
expect_eq "graphile-migrate: nothing changed" "$(snap)" "$before"
rm "$work/gm/000003.sql"

# shmig: `-- ====  UP  ====` / `-- ==== DOWN ====` in VERSION-name.sql, BEGIN/COMMIT wrapped
newdb e_shmig
mkdir -p "$work/shmig" &&
    printf -- '-- Migration: create_table\n-- ====  UP  ====\n\nBEGIN;\nCREATE TABLE sht (id int);\nCOMMIT;\n\n-- ==== DOWN ====\n\nBEGIN;\nDROP TABLE sht;\nCOMMIT;\n' >"$work/shmig/1485643154-create_table.sql" &&
    printf -- '-- ====  UP  ====\nBEGIN;\nINSERT INTO sht VALUES (1);\nSELECT nosuch FROM sht;\nCOMMIT;\n-- ==== DOWN ====\nDELETE FROM sht;\n' >"$work/shmig/1485648520-testdata.sql"
pg up --dir "$work/shmig"
expect_rc "shmig: an error: exit 1" 1
expect_err "shmig: the error at the file's line" "1485648520-testdata.sql:4:8: ERROR: column \"nosuch\" does not exist"
rm "$work/shmig/1485648520-testdata.sql"
pg up --dir "$work/shmig"
expect_rc "shmig: up" 0
expect_eq "shmig: the table is there (the DOWN section not run)" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'sht'")" 1
pg down --dir "$work/shmig"
expect_rc "shmig: down runs the DOWN section" 0
expect_eq "shmig: table gone" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'sht'")" 0

# repeated section markers, as each tool reads them: sql-migrate gathers every Up (and Down)
# section (frain-dev/convoy), dbmate's second up marker is text of its up section, goose refuses
newdb e_repeated_markers
mkdir -p "$work/smrep" "$work/dbrep" "$work/gorep" &&
    printf -- '-- +migrate Up\nCREATE TABLE sr1 (id int);\n-- +migrate Down\nDROP TABLE sr1;\n-- +migrate Up\nCREATE TABLE sr2 (id int);\n-- +migrate Down\nDROP TABLE sr2;\n' >"$work/smrep/1-init.sql" &&
    printf -- '-- +migrate Up\nCREATE TABLE sr3 (id int);\n-- +migrate Up\nSELECT nosuch FROM sr3;\n' >"$work/smrep/2-bad.sql" &&
    printf -- '-- migrate:up\nCREATE TABLE dr1 (id int);\n-- migrate:up\nCREATE TABLE dr2 (id int);\n-- migrate:down\nDROP TABLE dr2;\nDROP TABLE dr1;\n' >"$work/dbrep/20240101000000_init.sql" &&
    printf -- '-- +goose Up\nSELECT 1;\n-- +goose Up\nSELECT 2;\n' >"$work/gorep/00001_x.sql"
pg up --dir "$work/smrep"
expect_rc "sql-migrate: an error in a second Up section: exit 1" 1
expect_err "sql-migrate: the error names the file's line" '2-bad.sql:4:8: ERROR: column "nosuch" does not exist'
pg up --to 1 --dir "$work/smrep"
expect_eq "sql-migrate: every Up section ran" "$rc:$(q -c "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE tablename LIKE 'sr%'")" "0:sr1,sr2"
pg down --yes --dir "$work/smrep"
expect_eq "sql-migrate: every Down section ran" "$rc:$(q -c "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'sr%'")" "0:0"
# a database of its own: sql-migrate's 1 is pending in the one above, and its file is not in
# this folder (up refuses such a migration: missing-file)
newdb e_repeated_markers_dbmate
pg up --dir "$work/dbrep"
expect_eq "dbmate: a second up marker is part of the up section" "$rc:$(q -c "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'dr%'")" "0:dr1,dr2"
pg down --yes --dir "$work/dbrep"
expect_eq "dbmate: and the down section rolls both back" "$rc:$(q -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'dr%'")" "0:0"
pg validate --offline --dir "$work/gorep"
expect_rc "goose: a second Up marker is refused: exit 2" 2
expect_err "goose: naming file and line" '00001_x.sql:3: a second up section marker'
