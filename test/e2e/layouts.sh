# test/e2e/layouts.sh: the folder layouts: every fixture of test/fixtures (up, status, validate,
# down, up again), then the file and directory naming of other tools, written on the fly: Prisma,
# Postgrator, drizzle-kit, Atlas, sqlx, Flyway (.conf files, placeholders, B migrations), dbmate,
# diesel, Sourcegraph. Tools whose files hold sections (goose, sql-migrate, ...):
# layouts_sections.sh.
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh layouts`.

# --- every fixture layout: up, status, validate, down, up again ---------------------------------
for layout in golang-migrate directory dbmate flyway numbered; do
    db=l_${layout//-/_}
    newdb "$db"
    pg up --dir "$fx/$layout"
    expect_rc "$layout: up" 0
    pg status --json --dir "$fx/$layout"
    n_files=$(jq '[.migrations[] | select(.kind == "versioned")] | length' <<<"$out")
    n_applied=$(jq '[.migrations[] | select(.kind == "versioned" and .state == "applied")] | length' <<<"$out")
    if [ "$n_files" -gt 0 ] && [ "$n_files" = "$n_applied" ]; then
        ok "$layout: status --json: all $n_applied applied"
    else
        bad "$layout: status --json: all applied" "$out"
    fi
    pg validate --dir "$fx/$layout"
    expect_rc "$layout: validate (online)" 0
    pg up --dir "$fx/$layout"
    expect_rc "$layout: second up is a no-op" 0
    before=$(q -c "SELECT count(*) FROM mig.log")
    pg down --dir "$fx/$layout"
    expect_rc "$layout: down 1" 0
    after=$(q -c "SELECT count(*) FROM mig.log WHERE action = 'rollback'")
    [ "$after" -ge 1 ] && ok "$layout: down logged a rollback" || bad "$layout: down logged a rollback" "$(q -c 'TABLE mig.log')"
    pg up --dir "$fx/$layout"
    expect_rc "$layout: up again after down" 0
    left=$(q -c "SELECT count(*) FROM mig.status() WHERE state <> 'applied'")
    expect_eq "$layout: everything applied again" "$left" 0
done

# layout-specific checks
PGDATABASE=l_golang_migrate
expect_eq "golang-migrate: enum label added then used (ends the transaction)" \
    "$(q -d l_golang_migrate -c "SELECT column_default FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'status'")" \
    "'pending'::account_status"
expect_eq "golang-migrate: title containing .sql" \
    "$(q -d l_golang_migrate -c "SELECT name FROM mig.status() WHERE version = '20240309082057'")" "release_status_view.sql"
expect_eq "golang-migrate: down paired by version (titles differ)" \
    "$(q -d l_golang_migrate -c "SELECT has_down FROM mig.status() WHERE version = '20240309082057'")" "t"
expect_eq "directory: CREATE INDEX CONCURRENTLY ran and the index is valid" \
    "$(q -d l_directory -c "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'posts_user_id'")" "t"
expect_eq "directory: diesel versions (dashes dropped) in order" \
    "$(q -d l_directory -c "SELECT string_agg(version, ',') FROM mig.status()")" \
    "00000000000000,20170728002039,20170926200549,20180101000000"
expect_eq "directory: loose data file was not run" \
    "$(q -d l_directory -c "SELECT count(*) FROM users")" 0
expect_eq "dbmate: transaction:false migration is non-transactional" \
    "$(q -d l_dbmate -c "SELECT transactional FROM mig.status() WHERE version = '20151129054054'")" "f"
expect_eq "dbmate: concurrent index exists" \
    "$(q -d l_dbmate -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'accounts_name'")" 1
expect_eq "flyway: V1_1 is version 1.1, ordered 1 < 1.1 < 2 < 2.10" \
    "$(q -d l_flyway -c "SELECT string_agg(version, ',') FROM mig.status() WHERE kind = 'versioned'")" "1,1.1,2,2.10"
expect_eq "flyway: repeatable R__ applied after versioned ones" \
    "$(q -d l_flyway -c "SELECT count(*) FROM pg_views WHERE viewname = 'active_products'")" 1
expect_eq "numbered: optional down files" \
    "$(q -d l_numbered -c "SELECT string_agg(has_down::text, ',') FROM mig.status()")" "true,true,false,true"

# repeatable re-applied when its checksum changes
fresh fw flyway
newdb e_repeatable
pg up --dir "$work/fw"
printf 'CREATE OR REPLACE VIEW active_products AS\nSELECT id, name, price, sku FROM products WHERE NOT discontinued;\n' >"$work/fw/R__product_views.sql"
pg status --json --dir "$work/fw"
expect_eq "flyway: a changed repeatable's state is changed (not modified)" \
    "$(jq -r '.migrations[] | select(.kind == "repeatable") | .state' <<<"$out")" changed
pg up --dir "$work/fw"
expect_rc "flyway: changed repeatable is re-applied" 0
expect_eq "flyway: view has the new definition" \
    "$(q -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'active_products'")" 4

# Prisma: DIR/migration.sql per migration (no down), migration_lock.toml beside them
newdb e_prisma
mkdir -p "$work/prisma/20210605225044_init" "$work/prisma/20210606000000_add_email" &&
    printf 'CREATE TABLE "User" (id serial PRIMARY KEY);\n' >"$work/prisma/20210605225044_init/migration.sql" &&
    printf -- '-- AlterTable\nALTER TABLE "User" ADD COLUMN "email" TEXT;\n' >"$work/prisma/20210606000000_add_email/migration.sql" &&
    printf 'provider = "postgresql"\n' >"$work/prisma/migration_lock.toml"
pg up --dir "$work/prisma"
expect_rc "prisma: up" 0
[ -z "$err" ] && ok "prisma: no warning (migration_lock.toml belongs to the folder)" || bad "prisma: no warning" "$err"
expect_eq "prisma: both applied, the column there" \
    "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'"),$(q -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'email'")" "2,1"
pg status --dir "$work/prisma"
grep -qE '^20210606000000 +add_email +applied' <<<"$out" && ok "prisma: status" || bad "prisma: status" "$out"
pg new add_name --dir "$work/prisma"
ls "$work/prisma"/*_add_name/ | tr '\n' ' ' | grep -qx 'migration.sql ' && ok "prisma: new writes DIR/migration.sql" ||
    bad "prisma: new writes DIR/migration.sql" "$(ls -R "$work/prisma")"

# Prisma: directories of one timestamp run in name order (langfuse)
newdb e_prisma_same_ts
mkdir -p "$work/prts/20240528214728_idx_01" "$work/prts/20240528214728_idx_02" &&
    printf 'CREATE TABLE pt (id int);\n' >"$work/prts/20240528214728_idx_01/migration.sql" &&
    printf 'CREATE INDEX pt_id ON pt (id);\n' >"$work/prts/20240528214728_idx_02/migration.sql" &&
    printf 'provider = "postgresql"\n' >"$work/prts/migration_lock.toml"
pg up --dir "$work/prts"
expect_rc "prisma: two directories of one timestamp: up: exit 0" 0
expect_eq "prisma: both applied, in name order" \
    "$(q -c "SELECT string_agg(version || ':' || name, ',' ORDER BY version) FROM mig.status() WHERE state = 'applied'")" \
    "20240528214728:idx_01,20240528214728.1:idx_02"

# Postgrator: VERSION.do[.title].sql and VERSION.undo[.title].sql
newdb e_postgrator
mkdir -p "$work/postgrator" &&
    printf 'CREATE TABLE pga (id int);\n' >"$work/postgrator/001.do.sql" &&
    printf 'DROP TABLE pga;\n' >"$work/postgrator/001.undo.sql" &&
    printf 'ALTER TABLE pga ADD b int;\n' >"$work/postgrator/002.do.add-b.sql" &&
    printf 'ALTER TABLE pga DROP b;\n' >"$work/postgrator/002.undo.add-b.sql"
pg up --dir "$work/postgrator"
expect_rc "postgrator: up" 0
expect_eq "postgrator: both applied" "$(q -c "SELECT string_agg(version || '=' || name, ',' ORDER BY version) FROM mig.status() WHERE state = 'applied'")" "001=,002=add-b"
pg down --all --dir "$work/postgrator"
expect_rc "postgrator: down --all runs the undo files" 0
expect_eq "postgrator: table gone" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'pga'")" 0
pg new add_c --dir "$work/postgrator"
expect_eq "postgrator: new writes do and undo files" "$(ls "$work/postgrator" | grep -c '^003\.\(do\|undo\)\.add_c\.sql$')" 2

# drizzle-kit: meta/_journal.json decides; a .sql file it does not list is not run
newdb e_drizzle
mkdir -p "$work/drizzle/meta" &&
    printf 'CREATE TABLE "dza" ("id" serial PRIMARY KEY NOT NULL);\n--> statement-breakpoint\nCREATE INDEX "dza_i" ON "dza" ("id");\n' >"$work/drizzle/0000_fancy_name.sql" &&
    printf 'ALTER TABLE "dza" ADD COLUMN "b" integer;\n' >"$work/drizzle/0001_perpetual_screwball.sql" &&
    printf 'DROP TABLE "dza";\n' >"$work/drizzle/0001_abandoned_dagger.sql" &&
    printf '{"version":"7","dialect":"postgresql","entries":[{"idx":0,"version":"7","when":1700000000000,"tag":"0000_fancy_name","breakpoints":true},{"idx":1,"version":"7","when":1700000001000,"tag":"0001_perpetual_screwball","breakpoints":true}]}\n' >"$work/drizzle/meta/_journal.json" &&
    printf '{}\n' >"$work/drizzle/meta/0000_snapshot.json"
pg up --dir "$work/drizzle"
expect_rc "drizzle: up" 0
expect_eq "drizzle: the journal's two migrations ran, the unlisted one did not" \
    "$(q -c "SELECT string_agg(version || '=' || name, ',' ORDER BY version) FROM mig.status() WHERE state = 'applied'"),$(q -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'dza' AND column_name = 'b'")" \
    "0000=fancy_name,0001=perpetual_screwball,1"
expect_err "drizzle: the unlisted file is named in a warning" "0001_abandoned_dagger.sql: ignored \(not in meta/_journal.json"
pg new more --dir "$work/drizzle"
expect_rc "drizzle: new is drizzle-kit generate's job: exit 2" 2
expect_err "drizzle: new says so" "drizzle-kit generate"

# Atlas and sqlx: plain numbered files whose `-- atlas:txmode none` / `-- no-transaction` run
# outside a transaction; atlas.sum belongs to the folder
newdb e_atlas
mkdir -p "$work/atlas" &&
    printf 'CREATE TABLE ata (id int);\n' >"$work/atlas/20220811074144_create_ata.sql" &&
    printf -- '-- atlas:txmode none\n\nINSERT INTO ata VALUES (1);\nINSERT INTO ata VALUES (2);\nSELECT nosuch FROM ata;\n' >"$work/atlas/20220811074145_fill.sql" &&
    printf 'h1:abc=\n20220811074144_create_ata.sql h1:def=\n' >"$work/atlas/atlas.sum"
pg up --dir "$work/atlas"
expect_rc "atlas: an error in a txmode none file: exit 1" 1
expect_eq "atlas: txmode none: the statements before the error stay (no transaction)" "$(q -c "SELECT count(*) FROM ata")" 2
expect_eq "atlas: atlas.sum is not warned about" "$(grep -c atlas.sum <<<"$err")" 0
newdb e_sqlx
mkdir -p "$work/sqlx" &&
    printf 'CREATE TABLE sxa (id int);\n' >"$work/sqlx/20220101000000_create.sql" &&
    printf -- '-- no-transaction\nINSERT INTO sxa VALUES (1);\nSELECT nosuch FROM sxa;\n' >"$work/sqlx/20220101000001_fill.sql"
pg up --dir "$work/sqlx"
expect_rc "sqlx: an error in a no-transaction file: exit 1" 1
expect_eq "sqlx: no-transaction: the statement before the error stays" "$(q -c "SELECT count(*) FROM sxa")" 1

# Flyway: a script's .conf with executeInTransaction=false; SQL callbacks are named, not run
newdb e_flyway_conf
mkdir -p "$work/fwconf" &&
    printf 'CREATE TABLE fwc (id int);\n' >"$work/fwconf/V1__create.sql" &&
    printf 'INSERT INTO fwc VALUES (1);\nINSERT INTO fwc VALUES (2);\nSELECT nosuch FROM fwc;\n' >"$work/fwconf/V2__fill.sql" &&
    printf 'executeInTransaction=false\n' >"$work/fwconf/V2__fill.sql.conf" &&
    printf 'GRANT SELECT ON fwc TO PUBLIC;\n' >"$work/fwconf/afterMigrate__grants.sql"
pg up --dir "$work/fwconf"
expect_rc "flyway: an error in an executeInTransaction=false script: exit 1" 1
expect_eq "flyway: executeInTransaction=false: the statements before the error stay" "$(q -c "SELECT count(*) FROM fwc")" 2
expect_err "flyway: the afterMigrate callback is named, not run" "afterMigrate__grants.sql: ignored \(a Flyway afterMigrate callback"
printf 'encoding=ISO-8859-1\n' >"$work/fwconf/V1__create.sql.conf"
pg validate --offline --dir "$work/fwconf"
expect_rc "flyway: a script config with another encoding: exit 2" 2
expect_err "flyway: names the file and line" "V1__create.sql.conf:1: encoding ISO-8859-1"

# Flyway: placeholders are expanded (more in layouts_folders.sh): the built-in
# ${flyway:defaultSchema} is the connection's schema, asked of the server; offline it must be given
newdb e_flyway_placeholder
mkdir -p "$work/fwph" &&
    printf 'CREATE TABLE fwp (id int);\n' >"$work/fwph/V1__create.sql" &&
    printf -- '-- the default schema\nCREATE TABLE ${flyway:defaultSchema}.fwp2 (id int);\n' >"$work/fwph/V2__more.sql"
pg validate --offline --dir "$work/fwph"
expect_rc "flyway placeholder: validate --offline without the server's value: exit 2" 2
expect_err "flyway placeholder: validate says which values come from the server" 'flyway:defaultSchema, whose values come from the server'
pg validate --offline --placeholder flyway:defaultSchema=public --dir "$work/fwph"
expect_rc "flyway placeholder: validate --offline with the value given: exit 0" 0
pg up --dir "$work/fwph"
expect_rc "flyway placeholder: up expands it: exit 0" 0
expect_eq "flyway placeholder: the table is in the connection's schema" "$(q -c "SELECT to_regclass('public.fwp2') IS NOT NULL")" t

# Flyway baseline migrations (B…): the latest runs first on an empty database; a database that
# ran the V migrations it stands for (deleted since) skips it
newdb e_flyway_b_old
mkdir -p "$work/fwb_v" "$work/fwb" &&
    printf 'CREATE TABLE fb (id int);\n' >"$work/fwb_v/V1__create.sql" &&
    printf 'ALTER TABLE fb ADD x int;\n' >"$work/fwb_v/V2__add_x.sql" &&
    printf 'CREATE TABLE fb (id int, x int);\n' >"$work/fwb/B2__baseline.sql" &&
    printf 'ALTER TABLE fb ADD y int;\n' >"$work/fwb/V3__add_y.sql"
pg up --dir "$work/fwb_v"
pg up --dir "$work/fwb"
expect_rc "flyway B: a database that ran V1, V2: up of B2 + V3: exit 0" 0
expect_eq "flyway B: B2 skipped there, V3 applied" \
    "$(q -c "SELECT string_agg(version || ':' || name, ',' ORDER BY version) FROM mig.status() WHERE state = 'applied'")" \
    "1:create,2:add_x,3:add_y"
newdb e_flyway_b_new
pg up --dir "$work/fwb"
expect_rc "flyway B: an empty database: up: exit 0" 0
expect_eq "flyway B: B2 then V3 applied" \
    "$(q -c "SELECT string_agg(version || ':' || name, ',' ORDER BY version) FROM mig.status() WHERE state = 'applied'")" \
    "2:baseline,3:add_y"
pg up --dir "$work/fwb"
expect_eq "flyway B: the next up is a no-op" "$rc:$(q -c "SELECT count(*) FROM mig.log WHERE action = 'apply'")" "0:2"

# dbmate: a dash after the version (dbmate takes any NNN….sql; supabase's init-scripts)
newdb e_dbmate_dash
mkdir -p "$work/dbdash" &&
    printf -- '-- migrate:up\nCREATE TABLE dd (id int);\n-- migrate:down\nDROP TABLE dd;\n' >"$work/dbdash/00000000000000-initial-schema.sql" &&
    printf -- '-- migrate:up\nALTER TABLE dd ADD c int;\n-- migrate:down\nALTER TABLE dd DROP c;\n' >"$work/dbdash/20240101000000_alter.sql"
pg up --dir "$work/dbdash"
expect_rc "dbmate: dash-named file read as a migration: exit 0" 0
expect_eq "dbmate: both applied" "$(q -c "SELECT count(*) FROM mig.status() WHERE state = 'applied'")" 2

# diesel: its newer YYYY-MM-DD-HHMMSS-NNNN versions sort by their time among the older 14-digit
# ones, as diesel sorts them (crates.io's folder has both)
newdb e_diesel_mixed
mkdir -p "$work/dmix/00000000000000_diesel_initial_setup" "$work/dmix/2026-05-05-180007-0000_create_dm" \
    "$work/dmix/2026-05-27-120000_alter_dm" "$work/dmix/2026-06-01-090000-0000_fill_dm" &&
    printf 'SELECT 1;\n' >"$work/dmix/00000000000000_diesel_initial_setup/up.sql" &&
    printf 'SELECT 1;\n' >"$work/dmix/00000000000000_diesel_initial_setup/down.sql" &&
    printf 'CREATE TABLE dm (id int);\n' >"$work/dmix/2026-05-05-180007-0000_create_dm/up.sql" &&
    printf 'DROP TABLE dm;\n' >"$work/dmix/2026-05-05-180007-0000_create_dm/down.sql" &&
    printf 'ALTER TABLE dm ADD COLUMN name text;\n' >"$work/dmix/2026-05-27-120000_alter_dm/up.sql" &&
    printf 'ALTER TABLE dm DROP COLUMN name;\n' >"$work/dmix/2026-05-27-120000_alter_dm/down.sql" &&
    printf "INSERT INTO dm VALUES (1, 'x');\n" >"$work/dmix/2026-06-01-090000-0000_fill_dm/up.sql" &&
    printf 'DELETE FROM dm;\n' >"$work/dmix/2026-06-01-090000-0000_fill_dm/down.sql"
pg up --dir "$work/dmix"
expect_rc "diesel mixed versions: up: exit 0" 0
expect_eq "diesel mixed versions: applied in diesel's (time) order" \
    "$(q -c "SELECT string_agg(name, ',' ORDER BY id) FROM mig.log WHERE action = 'apply'")" \
    "diesel_initial_setup,create_dm,alter_dm,fill_dm"
pg status --dir "$work/dmix"
expect_eq "diesel mixed versions: status lists them in that order" \
    "$(awk 'NR > 1 {print $2}' <<<"$out" | paste -sd,)" "diesel_initial_setup,create_dm,alter_dm,fill_dm"
pg up --to 2026-05-27-120000 --dir "$work/dmix"
expect_rc "diesel mixed versions: --to in diesel's own spelling: exit 0" 0
pg down --all --yes --dir "$work/dmix"
expect_rc "diesel mixed versions: down --all: exit 0" 0
expect_eq "diesel mixed versions: rolled back" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'dm'")" 0
# __diesel_schema_migrations has 202605051800070000 (dashes dropped): baseline takes it as diesel's
pg baseline --yes 202605051800070000 --dir "$work/dmix"
expect_rc "diesel mixed versions: baseline at diesel's recorded version: exit 0" 0
expect_eq "diesel mixed versions: baseline marks only what is at or below it" \
    "$(q -c "SELECT string_agg(name, ',' ORDER BY version) FROM mig.status() WHERE state = 'baseline'")" \
    "diesel_initial_setup,create_dm"

# Sourcegraph: bare-number directories named by their metadata.yaml, which is not warned about
newdb e_sourcegraph
mkdir -p "$work/sg/1528395834" "$work/sg/1528395835" &&
    printf 'CREATE TABLE sg1();\n' >"$work/sg/1528395834/up.sql" && printf 'DROP TABLE sg1;\n' >"$work/sg/1528395834/down.sql" &&
    printf "name: 'squashed migrations'\nparents: []\n" >"$work/sg/1528395834/metadata.yaml" &&
    printf 'CREATE TABLE sg2();\n' >"$work/sg/1528395835/up.sql" &&
    printf 'name: second one\nparent: 1528395834\n' >"$work/sg/1528395835/metadata.yaml"
pg up --dir "$work/sg"
expect_rc "sourcegraph: up" 0
[ -z "$err" ] && ok "sourcegraph: no warning for metadata.yaml" || bad "sourcegraph: no warning for metadata.yaml" "$err"
expect_eq "sourcegraph: names from metadata.yaml" \
    "$(q -c "SELECT string_agg(version || '=' || name, ',' ORDER BY version) FROM mig.status()")" \
    "1528395834=squashed migrations,1528395835=second one"
