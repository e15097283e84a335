# test/e2e/adopt.sh: adopt: switching from another tool in one command (docs/adopting.md). A
# database is migrated by the other tool (the real dbmate and node-pg-migrate, installed by
# scripts/setup.sh into .testrun/npm; for the others their history table is created with the DDL
# of their own source, cited at each, and filled as the tool fills it), then `pgmig adopt`
# records what it applied and `pgmig up` runs only the rest: every table exists once.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh adopt`.

npm_bin=${PGMIG_NPM_TOOLS:-$root/.testrun/npm}/node_modules/.bin
db_url() { echo "postgres://postgres@localhost/$1?host=$PGHOST&port=$PGPORT&sslmode=disable"; }
states() { q -c "SELECT string_agg(version || ':' || state, ',' ORDER BY mig.version_key(version)) FROM mig.status() WHERE kind = 'versioned'"; }
ran_by_pgmig() { q -c "SELECT coalesce(string_agg(version, ',' ORDER BY id), '') FROM mig.log WHERE action = 'apply'"; }
adopted() { q -c "SELECT coalesce(string_agg(version || ' ' || message, ',' ORDER BY id), '') FROM mig.log WHERE action = 'adopt'"; }
tables_like() { q -c "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE '$1'"; }
# a dbmate-style file: NAME SQL-UP SQL-DOWN
dbmate_file() { printf -- '-- migrate:up\n%s\n\n-- migrate:down\n%s\n' "$2" "$3" >"$1"; }

# --- the real dbmate: applied out of order, then adopted -----------------------------------------
if [ -x "$npm_bin/dbmate" ]; then
    newdb e_adopt_dbmate noext
    d=$work/adopt_dbmate && mkdir -p "$d"
    dbmate_file "$d/20240101000000_one.sql" 'CREATE TABLE dbm_1 (id int);' 'DROP TABLE dbm_1;'
    dbmate_file "$d/20240103000000_three.sql" 'CREATE TABLE dbm_3 (id int);' 'DROP TABLE dbm_3;'
    DATABASE_URL=$(db_url e_adopt_dbmate) "$npm_bin/dbmate" --no-dump-schema --migrations-dir "$d" up >"$run_dir/dbmate.log" 2>&1
    rc=$? && err=$(cat "$run_dir/dbmate.log") && expect_rc "adopt: the real dbmate applied two migrations" 0
    # a branch merged later: 2 is older than 3 (dbmate applies it out of order; pgmig adopts so)
    dbmate_file "$d/20240102000000_two.sql" 'CREATE TABLE dbm_2 (id int);' 'DROP TABLE dbm_2;'
    dbmate_file "$d/20240104000000_four.sql" 'CREATE TABLE dbm_4 (id int);' 'DROP TABLE dbm_4;'
    q -c 'CREATE EXTENSION pgmig'
    history=$(q -c "SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations")
    before=$(snap)
    pg up --dir "$d"
    expect_rc "adopt: up on a database dbmate migrated stops: exit 2" 2
    expect_err "adopt: up names the table and pgmig adopt" "dbmate's table schema_migrations exists.*pgmig adopt"
    expect_eq "adopt: up stopped before anything ran" "$(snap)" "$before"
    pg adopt --dry-run --dir "$d"
    expect_rc "adopt --dry-run (dbmate): exit 0" 0
    if grep -qE '^20240101000000_one.sql +20240101000000 +applied +adopt$' <<<"$out" &&
        grep -qE '^20240102000000_two.sql +20240102000000 +not applied +pending$' <<<"$out"; then
        ok "adopt --dry-run: file, version, what dbmate says, action"
    else bad "adopt --dry-run: the mapping" "$out"; fi
    expect_eq "adopt --dry-run: nothing changed" "$(snap)" "$before"
    pg adopt --dir "$d"
    expect_rc "adopt (the real dbmate): exit 0" 0
    expect_eq "adopt: exactly what dbmate applied, logged with the tool" "$(adopted)" \
        "20240101000000 applied by dbmate,20240103000000 applied by dbmate"
    pg up --dir "$d"
    expect_rc "adopt, then up (dbmate): exit 0" 0
    expect_eq "adopt, then up: only the new ones ran" "$(ran_by_pgmig)" "20240102000000,20240104000000"
    expect_eq "adopt, then up: every migration applied" "$(states)" \
        "20240101000000:applied,20240102000000:applied,20240103000000:applied,20240104000000:applied"
    expect_eq "adopt, then up: each table once" "$(tables_like 'dbm\_%')" "dbm_1,dbm_2,dbm_3,dbm_4"
    expect_eq "adopt: dbmate's table is left as it was" \
        "$(q -c "SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations")" "$history"
    # a second adopt changes nothing; pgmig can roll an adopted migration back with its down script
    log_before=$(q -c "SELECT count(*) FROM mig.log")
    pg adopt --dir "$d"
    expect_rc "adopt again: exit 0" 0
    grep -q "nothing to adopt" <<<"$out" && ok "adopt again: nothing to adopt" || bad "adopt again: nothing to adopt" "$out"
    expect_eq "adopt again: nothing logged" "$(q -c "SELECT count(*) FROM mig.log")" "$log_before"
    pg down --to 20240101000000 --dir "$d"
    expect_eq "adopt: down rolls adopted migrations back" "$rc:$(tables_like 'dbm\_%')" "0:dbm_1"
else
    echo "note   adopt: the real dbmate is not in $npm_bin (scripts/setup.sh installs it): its tests did not run"
fi

# --- the real node-pg-migrate ------------------------------------------------------------------
if [ -x "$npm_bin/node-pg-migrate" ]; then
    newdb e_adopt_npm noext
    d=$work/adopt_npm && mkdir -p "$d"
    printf -- '-- Up Migration\nCREATE TABLE npm_1 (id int);\n-- Down Migration\nDROP TABLE npm_1;\n' >"$d/1700000000000_one.sql"
    printf -- '-- Up Migration\nCREATE TABLE npm_2 (id int);\n-- Down Migration\nDROP TABLE npm_2;\n' >"$d/1700000000001_two.sql"
    DATABASE_URL=$(db_url e_adopt_npm) "$npm_bin/node-pg-migrate" up -m "$d" >"$run_dir/npm.log" 2>&1
    rc=$? && err=$(cat "$run_dir/npm.log") && expect_rc "adopt: the real node-pg-migrate applied two migrations" 0
    printf -- '-- Up Migration\nCREATE TABLE npm_3 (id int);\n-- Down Migration\nDROP TABLE npm_3;\n' >"$d/1700000000002_three.sql"
    q -c 'CREATE EXTENSION pgmig'
    pg up --dir "$d"
    expect_err "adopt: up names node-pg-migrate's table" "node-pg-migrate's table pgmigrations"
    pg adopt --dir "$d"
    expect_rc "adopt (the real node-pg-migrate): exit 0" 0
    pg up --dir "$d"
    expect_rc "adopt, then up (node-pg-migrate): exit 0" 0
    expect_eq "adopt, then up (node-pg-migrate): adopted two, ran one" "$(adopted);$(ran_by_pgmig)" \
        "1700000000000 applied by node-pg-migrate,1700000000001 applied by node-pg-migrate;1700000000002"
    expect_eq "adopt, then up (node-pg-migrate): each table once" "$(tables_like 'npm\_%')" "npm_1,npm_2,npm_3"
else
    echo "note   adopt: the real node-pg-migrate is not in $npm_bin (scripts/setup.sh installs it): its tests did not run"
fi

# --- golang-migrate: one row, the current version; dirty ---------------------------------------
# the table as golang-migrate's database/postgres/postgres.go (ensureVersionTable) creates it
golang_table="CREATE TABLE IF NOT EXISTS public.schema_migrations (version bigint not null primary key, dirty boolean not null)"
gm_apply() { for v in "$@"; do q -f "$fx/golang-migrate/${v}.up.sql" >/dev/null; done; }
newdb e_adopt_golang
gm_apply 20240115090000_create_users 20240115090100_create_status_type
q -c "$golang_table" -c "INSERT INTO schema_migrations (version, dirty) VALUES (20240115090100, false)"
pg adopt --dir "$fx/golang-migrate"
expect_rc "adopt (golang-migrate): exit 0" 0
pg up --dir "$fx/golang-migrate"
expect_rc "adopt (golang-migrate), then up: exit 0" 0
expect_eq "adopt (golang-migrate): everything at or below the current version adopted, the rest ran" \
    "$(adopted | tr ',' '\n' | wc -l);$(ran_by_pgmig)" "2;20240115090200,20240115090300,20240309082057,20240310000000"

# dirty: migration 20240115090100 started and failed (migrate.go sets dirty before running it)
newdb e_adopt_dirty
gm_apply 20240115090000_create_users
q -c "$golang_table" -c "INSERT INTO schema_migrations (version, dirty) VALUES (20240115090100, true)"
before=$(snap)
pg adopt --dir "$fx/golang-migrate"
expect_rc "adopt: a dirty golang-migrate version: exit 2" 2
expect_err "adopt: says dirty and how to go on" "dirty \(version 20240115090100\).*--force failed"
expect_eq "adopt: dirty: nothing changed" "$(snap)" "$before"
pg adopt --force dirty --dir "$fx/golang-migrate"
expect_rc "adopt --force dirty: exit 0" 0
pg up --dir "$fx/golang-migrate"
expect_eq "adopt --force dirty: the dirty migration runs again on up" "$rc;$(ran_by_pgmig | cut -d, -f1)" "0;20240115090100"

# pgmig's own history: an adopted migration whose file changed since stops a second adopt
newdb e_adopt_conflict
d=$work/adopt_conflict && rm -rf "$d" && mkdir -p "$d" && cp "$fx"/golang-migrate/2024011509000* "$d/"
gm_apply 20240115090000_create_users
q -c "$golang_table" -c "INSERT INTO schema_migrations (version, dirty) VALUES (20240115090000, false)"
pg adopt --dir "$d"
printf -- '-- edited\n' >>"$d/20240115090000_create_users.up.sql"
before=$(snap)
pg adopt --force all --dir "$d"
expect_rc "adopt: pgmig has the version with another script: exit 2" 2
expect_err "adopt: names the conflict" "pgmig has version 20240115090000 applied with another script"
expect_eq "adopt: conflict: nothing changed" "$(snap)" "$before"

# --- Flyway: checksums, out of order, a failed row, a repeatable --------------------------------
# flyway-database-postgresql/.../PostgreSQLDatabase.java, getRawCreateScript
flyway_table='CREATE TABLE "public"."flyway_schema_history" (
    "installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL);
ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success");'
d=$work/adopt_flyway && rm -rf "$d" && mkdir -p "$d"
for v in 1 2 3 4; do printf 'CREATE TABLE fw_%s (id int);\n' $v >"$d/V${v}__t${v}.sql"; done
printf 'CREATE OR REPLACE VIEW fw_v AS SELECT 1 AS one;\n' >"$d/R__view.sql"
# Flyway's checksums of these files (ChecksumCalculator.java run by the JDK on them)
fw_row() { # RANK VERSION SCRIPT CHECKSUM SUCCESS
    echo "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES ($1, $2, 'd', 'SQL', '$3', $4, 'postgres', 3, $5)"
}
flyway_db() { # NAME: V1, then V3, then V2 out of order (outOfOrder=true), V4 failed, the view
    newdb "$1"
    q -c 'CREATE TABLE fw_1 (id int); CREATE TABLE fw_3 (id int); CREATE TABLE fw_2 (id int)' \
        -c 'CREATE OR REPLACE VIEW fw_v AS SELECT 1 AS one' -c "$flyway_table" \
        -c "$(fw_row 1 "'1'" V1__t1.sql -1239284665 true)" -c "$(fw_row 2 "'3'" V3__t3.sql -296829562 true)" \
        -c "$(fw_row 3 "'2'" V2__t2.sql 801137222 true)" -c "$(fw_row 4 "'4'" V4__t4.sql -948590587 false)" \
        -c "$(fw_row 5 NULL R__view.sql -494284032 true)"
}
flyway_db e_adopt_flyway
before=$(snap)
pg adopt --dir "$d"
expect_rc "adopt: a failed Flyway migration (success = false): exit 2" 2
expect_err "adopt: names the failed row" "V4__t4.sql: flyway says failed \(success = false\)"
expect_eq "adopt: Flyway failed row: nothing changed" "$(snap)" "$before"
pg adopt --json --dry-run --force failed --dir "$d"
expect_eq "adopt --dry-run --json (Flyway): actions, the repeatable Flyway ran is adopted" \
    "$(jq -r '[.migrations[] | (.file + ":" + .action)] | join(",")' <<<"$out")" \
    "V1__t1.sql:adopt,V2__t2.sql:adopt,V3__t3.sql:adopt,V4__t4.sql:pending,R__view.sql:adopt"
pg adopt --force failed --dir "$d"
pg up --dir "$d"
expect_eq "adopt --force failed, then up (Flyway): V4 ran, each table once" \
    "$rc;$(ran_by_pgmig);$(tables_like 'fw\_%')" "0;4;fw_1,fw_2,fw_3,fw_4"
expect_eq "adopt (Flyway): the repeatable is recorded with Flyway's run, not run again by up" \
    "$(q -c "SELECT (SELECT count(*) FROM mig.log WHERE action = 'apply' AND version IS NULL) || ',' || (SELECT message FROM mig.log WHERE action = 'adopt' AND name = 'view') || ',' || (SELECT state FROM mig.status() WHERE kind = 'repeatable')")" \
    "0,applied by flyway,applied"
# a file that changed since Flyway ran it
flyway_db e_adopt_flyway_sum
q -c "UPDATE flyway_schema_history SET checksum = 12345 WHERE version = '1'" -c "DELETE FROM flyway_schema_history WHERE version = '4'"
pg adopt --dir "$d"
expect_rc "adopt: a Flyway checksum that differs: exit 2" 2
expect_err "adopt: names the file and the checksum" "V1__t1.sql: the file differs from what flyway applied \(its checksum 12345\) \(--force checksum accepts it\)"
pg adopt --force checksum --dir "$d"
expect_rc "adopt --force checksum: exit 0" 0

# --- goose: the latest row of a version wins ----------------------------------------------------
newdb e_adopt_goose
d=$work/adopt_goose && rm -rf "$d" && mkdir -p "$d"
for v in 1 2 3; do printf -- '-- +goose Up\nCREATE TABLE gs_%s (id int);\n-- +goose Down\nDROP TABLE gs_%s;\n' $v $v >"$d/0000${v}_t.sql"; done
# pressly/goose internal/dialects/postgres.go: CreateTable, InsertVersion (version 0 first)
q -c 'CREATE TABLE goose_db_version (
		id integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,
		version_id bigint NOT NULL,
		is_applied boolean NOT NULL,
		tstamp timestamp NOT NULL DEFAULT now()
	)' -c "INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (2, true), (3, true), (3, false)" \
    -c 'CREATE TABLE gs_1 (id int); CREATE TABLE gs_2 (id int)'
pg adopt --dir "$d" && pg up --dir "$d"
expect_eq "adopt (goose), then up: 3 was rolled back, it runs" "$rc;$(ran_by_pgmig);$(tables_like 'gs\_%')" "0;00003;gs_1,gs_2,gs_3"

# --- diesel -------------------------------------------------------------------------------------
newdb e_adopt_diesel
d=$work/adopt_diesel && rm -rf "$d"
for v in 2024-01-15-093000 2024-01-16-093000; do
    mkdir -p "$d/${v}_t" && printf 'CREATE TABLE ds_%s (id int);\n' "${v:8:2}" >"$d/${v}_t/up.sql" && printf 'DROP TABLE ds_%s;\n' "${v:8:2}" >"$d/${v}_t/down.sql"
done
# diesel-rs/diesel diesel/src/migration/setup_migration_table.sql
q -c 'CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
       version VARCHAR(50) PRIMARY KEY NOT NULL,
       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)' -c "INSERT INTO __diesel_schema_migrations (version) VALUES ('20240115093000')" -c 'CREATE TABLE ds_15 (id int)'
pg adopt --dir "$d" && pg up --dir "$d"
expect_eq "adopt (diesel), then up" "$rc;$(ran_by_pgmig);$(tables_like 'ds\_%')" "0;20240116093000;ds_15,ds_16"

# --- sql-migrate --------------------------------------------------------------------------------
newdb e_adopt_sqlm
d=$work/adopt_sqlm && rm -rf "$d" && mkdir -p "$d"
for v in 1 2; do printf -- '-- +migrate Up\nCREATE TABLE sm_%s (id int);\n-- +migrate Down\nDROP TABLE sm_%s;\n' $v $v >"$d/${v}-t.sql"; done
# gorp's CreateTablesIfNotExists for sql-migrate's MigrationRecord (go-gorp/gorp table.go)
q -c 'create table if not exists "gorp_migrations" ("id" text not null primary key, "applied_at" timestamp with time zone) ;' \
    -c "INSERT INTO gorp_migrations VALUES ('1-t.sql', now())" -c 'CREATE TABLE sm_1 (id int)'
pg adopt --dir "$d" && pg up --dir "$d"
expect_eq "adopt (sql-migrate), then up" "$rc;$(ran_by_pgmig);$(tables_like 'sm\_%')" "0;2;sm_1,sm_2"

# --- Prisma: a failed attempt resolved, then applied; checksums -------------------------------
newdb e_adopt_prisma
d=$work/adopt_prisma && rm -rf "$d"
for v in 1 2 3; do mkdir -p "$d/2024010${v}000000_m$v" && printf 'CREATE TABLE pr_%s (id int);\n' $v >"$d/2024010${v}000000_m$v/migration.sql"; done
printf 'provider = "postgresql"\n' >"$d/migration_lock.toml"
sum() { sha256sum "$d/$1/migration.sql" | cut -d' ' -f1; }
# prisma-engines sql-schema-connector/src/flavour/postgres.rs, create_migrations_table
q -c 'CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)' -c "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, rolled_back_at, applied_steps_count) VALUES
    ('a', '$(sum 20240101000000_m1)', now(), '20240101000000_m1', NULL, 1),
    ('b', '$(sum 20240102000000_m2)', NULL, '20240102000000_m2', now(), 0),
    ('c', '$(sum 20240102000000_m2)', now(), '20240102000000_m2', NULL, 1)" \
    -c 'CREATE TABLE pr_1 (id int); CREATE TABLE pr_2 (id int)'
pg adopt --dir "$d" && pg up --dir "$d"
expect_eq "adopt (Prisma), then up" "$rc;$(ran_by_pgmig);$(tables_like 'pr\_%')" "0;20240103000000;pr_1,pr_2,pr_3"

# --- sqitch: the project's deployed changes -----------------------------------------------------
newdb e_adopt_sqitch
d=$work/adopt_sqitch && rm -rf "$d" && mkdir -p "$d/deploy" "$d/revert"
printf '%%syntax-version=1.0.0\n%%project=shop\n\none 2024-01-01T00:00:00Z A <a@x.org> # one\ntwo 2024-01-02T00:00:00Z A <a@x.org> # two\n' >"$d/sqitch.plan"
for c in one two; do printf 'BEGIN;\nCREATE TABLE sq_%s (id int);\nCOMMIT;\n' $c >"$d/deploy/$c.sql"; printf 'DROP TABLE sq_%s;\n' $c >"$d/revert/$c.sql"; done
# sqitchers/sqitch lib/App/Sqitch/Engine/pg.sql: the projects and changes tables of the registry
q -c 'CREATE SCHEMA sqitch' -c 'CREATE TABLE sqitch.projects (
    project         TEXT        PRIMARY KEY,
    uri             TEXT            NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    creator_name    TEXT        NOT NULL,
    creator_email   TEXT        NOT NULL
)' -c 'CREATE TABLE sqitch.changes (
    change_id       TEXT        PRIMARY KEY,
    script_hash     TEXT            NULL,
    change          TEXT        NOT NULL,
    project         TEXT        NOT NULL REFERENCES sqitch.projects(project) ON UPDATE CASCADE,
    note            TEXT        NOT NULL DEFAULT '"''"',
    committed_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    committer_name  TEXT        NOT NULL,
    committer_email TEXT        NOT NULL,
    planned_at      TIMESTAMPTZ NOT NULL,
    planner_name    TEXT        NOT NULL,
    planner_email   TEXT        NOT NULL,
    UNIQUE(project, script_hash)
)' -c "INSERT INTO sqitch.projects VALUES ('shop', NULL, now(), 'A', 'a@x.org')" \
    -c "INSERT INTO sqitch.changes (change_id, script_hash, change, project, committer_name, committer_email, planned_at, planner_name, planner_email)
        VALUES ('c1', '$(sha1sum "$d/deploy/one.sql" | cut -d' ' -f1)', 'one', 'shop', 'A', 'a@x.org', now(), 'A', 'a@x.org')" \
    -c 'CREATE TABLE sq_one (id int)'
pg adopt --dir "$d" && pg up --dir "$d"
expect_eq "adopt (sqitch), then up" "$rc;$(ran_by_pgmig);$(tables_like 'sq\_%')" "0;2;sq_one,sq_two"

# --- Liquibase: a file is applied when its changesets ran --------------------------------------
newdb e_adopt_liquibase
d=$work/adopt_lb && rm -rf "$d" && mkdir -p "$d"
printf -- '--liquibase formatted sql\n\n--changeset alice:1\nCREATE TABLE lb_1 (id int);\n--rollback DROP TABLE lb_1;\n\n--changeset alice:2\nCREATE TABLE lb_2 (id int);\n--rollback DROP TABLE lb_2;\n' >"$d/001_init.sql"
printf -- '--liquibase formatted sql\n\n--changeset bob:3\nCREATE TABLE lb_3 (id int);\n--rollback DROP TABLE lb_3;\n' >"$d/002_more.sql"
# liquibase-standard/.../sqlgenerator/core/CreateDatabaseChangeLogTableGenerator.java, as on PostgreSQL
q -c 'CREATE TABLE public.databasechangelog (ID VARCHAR(255) NOT NULL, AUTHOR VARCHAR(255) NOT NULL, FILENAME VARCHAR(255) NOT NULL,
    DATEEXECUTED TIMESTAMP WITHOUT TIME ZONE NOT NULL, ORDEREXECUTED INTEGER NOT NULL, EXECTYPE VARCHAR(10) NOT NULL,
    MD5SUM VARCHAR(35), DESCRIPTION VARCHAR(255), COMMENTS VARCHAR(255), TAG VARCHAR(255), LIQUIBASE VARCHAR(20),
    CONTEXTS VARCHAR(255), LABELS VARCHAR(255), DEPLOYMENT_ID VARCHAR(10))' \
    -c "INSERT INTO databasechangelog (id, author, filename, dateexecuted, orderexecuted, exectype, md5sum, liquibase, deployment_id) VALUES
        ('1', 'alice', 'db/changelog/001_init.sql', now(), 1, 'EXECUTED', '9:0', '4.29.2', '1'),
        ('2', 'alice', 'db/changelog/001_init.sql', now(), 2, 'EXECUTED', '9:0', '4.29.2', '1')" \
    -c 'CREATE TABLE lb_1 (id int); CREATE TABLE lb_2 (id int)'
pg adopt --dir "$d" && pg up --dir "$d"
expect_eq "adopt (Liquibase), then up" "$rc;$(ran_by_pgmig);$(tables_like 'lb\_%')" "0;002;lb_1,lb_2,lb_3"

# --- which tool: detected, or --from ------------------------------------------------------------
newdb e_adopt_which
pg adopt --dir "$fx/golang-migrate"
expect_rc "adopt: no known history table: exit 2" 2
expect_err "adopt: says so and names --from" "no history table of a known tool.*--from TOOL"
q -c 'create table "gorp_migrations" ("id" text not null primary key, "applied_at" timestamp with time zone)' \
    -c 'CREATE TABLE goose_db_version (id integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NOT NULL DEFAULT now())'
pg adopt --dir "$fx/golang-migrate"
expect_rc "adopt: two tools' tables: exit 2" 2
expect_err "adopt: lists both" "the history tables of several tools exist: goose \(goose_db_version\), sql-migrate \(gorp_migrations\); say which one to adopt with --from TOOL"
pg adopt --from sql-migrate --dir "$fx/golang-migrate"
expect_rc "adopt --from: the tool named" 0
pg adopt --from flyway --dir "$fx/golang-migrate"
expect_err "adopt --from a tool whose table is not there: exit 2" "no flyway history in this database: table flyway_schema_history does not exist"
pg adopt --from rails --dir "$fx/golang-migrate"
expect_err "adopt --from an unknown tool: the known ones listed" 'unknown tool "rails" \(known: golang-migrate, dbmate'
# up goes on anyway when told to (and when pgmig has history, it does not look)
pg up --dir "$fx/golang-migrate"
expect_rc "up: another tool's (empty) table, no pgmig history: exit 2" 2
pg up --ignore-other-tools --dir "$fx/golang-migrate"
expect_rc "up --ignore-other-tools: runs" 0
