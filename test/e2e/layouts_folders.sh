# test/e2e/layouts_folders.sh: more of the real world's folders: pop's dialect-suffixed files (the
# fixture test/fixtures/pop, modelled on Ory Kratos), `pgmig adopt --from pop`, and Flyway's
# placeholders (pgmig.toml's [placeholders], --placeholder, the built-ins, undefined ones, what
# `status` shows when a value differs between environments).
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh layouts_folders`.

# --- pop (Kratos): the .postgres. or generic file of each version, exactly once ----------------
newdb f_pop
pg up --dir "$fx/pop"
expect_rc "pop: up" 0
expect_eq "pop: the five PostgreSQL migrations applied, each once" \
    "$(q -c "SELECT string_agg(version || ':' || action, ',' ORDER BY id) FROM mig.log WHERE action = 'apply'")" \
    "20150100000001000000:apply,20200519101057000000:apply,20220802103909000000:apply,20230920171028000000:apply,20241029153900000001:apply"
expect_eq "pop: the .postgres. index, not the generic (MySQL) one" \
    "$(q -c "SELECT indexdef LIKE '%USING hash (body)%' FROM pg_indexes WHERE indexname = 'courier_messages_body_idx'")" t
expect_eq "pop: the generic-only version ran (send_count)" \
    "$(q -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'courier_messages' AND column_name = 'send_count'")" 1
expect_eq "pop: the .autocommit one ran outside a transaction (CREATE INDEX CONCURRENTLY)" \
    "$(q -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'courier_messages_nid_idx'")" 1
pg status --json --dir "$fx/pop"
expect_eq "pop: status: five versioned migrations, all applied" \
    "$(jq -r '[.migrations[] | select(.kind == "versioned") | .state] | join(",")' <<<"$out")" \
    "applied,applied,applied,applied,applied"
expect_eq "pop: status names the .postgres. file" \
    "$(jq -r '[.migrations[] | select(.version == "20230920171028000000") | .file] | .[0] | split("/") | last' <<<"$out")" \
    "20230920171028000000_courier_body_index.postgres.up.sql"
pg validate --dir "$fx/pop"
expect_rc "pop: validate agrees (online)" 0
pg validate --offline --dir "$fx/pop"
expect_eq "pop: validate names the layout" "$(grep -c 'pop layout, 5 migration' <<<"$out$err")" 1
pg up --dir "$fx/pop"
expect_rc "pop: a second up is a no-op" 0
expect_eq "pop: nothing ran twice" "$(q -c "SELECT count(*) FROM mig.log WHERE action = 'apply'")" 5
pg down --dir "$fx/pop"
expect_rc "pop: down 1 (the .autocommit one's generic down)" 0
pg up --dir "$fx/pop"
expect_rc "pop: up again" 0
expect_eq "pop: everything applied again" "$(q -c "SELECT count(*) FROM mig.status() WHERE state <> 'applied'")" 0

# --- pgmig adopt --from pop: popx's schema_migration ---------------------------------------------
# the table as Ory's popx creates it: ory/x popx/migrator.go, createTransactionalMigrationTable
pop_table='CREATE TABLE schema_migration (version VARCHAR (48) NOT NULL, version_self INT NOT NULL DEFAULT 0);
CREATE UNIQUE INDEX schema_migration_version_idx ON schema_migration (version);
CREATE INDEX schema_migration_version_self_idx ON schema_migration (version_self);'
newdb f_adopt_pop
q -c "$pop_table" \
    -c 'CREATE TABLE "networks" ("id" UUID NOT NULL, PRIMARY KEY("id"), "created_at" timestamp NOT NULL, "updated_at" timestamp NOT NULL)' \
    -c 'CREATE TABLE courier_messages (id UUID NOT NULL PRIMARY KEY, nid UUID REFERENCES networks (id) ON DELETE CASCADE, body TEXT NOT NULL)' \
    -c "INSERT INTO schema_migration (version) VALUES ('20150100000001000000'), ('20200519101057')"
pg up --dir "$fx/pop"
expect_rc "adopt pop: up first refuses (pop's table is there)" 2
expect_err "adopt pop: names pop's table" "pop's table schema_migration"
pg adopt --json --dry-run --dir "$fx/pop"
expect_eq "adopt pop --dry-run: the recorded version and the popx legacy one adopted" \
    "$(jq -r '[.migrations[] | (.version + ":" + .action)] | join(",")' <<<"$out")" \
    "20150100000001000000:adopt,20200519101057000000:adopt,20220802103909000000:pending,20230920171028000000:pending,20241029153900000001:pending"
pg adopt --dir "$fx/pop"
expect_rc "adopt pop: exit 0" 0
pg up --dir "$fx/pop"
expect_rc "adopt pop: then up runs the rest" 0
expect_eq "adopt pop: three ran, two adopted" \
    "$(q -c "SELECT string_agg(action, ',' ORDER BY id) FROM mig.log WHERE action IN ('apply', 'adopt')")" \
    "adopt,adopt,apply,apply,apply"

# --- Flyway placeholders --------------------------------------------------------------------------
ph=$work/fw_placeholders && rm -rf "$ph" && mkdir -p "$ph/sql"
printf 'CREATE SCHEMA ${schema};\nCREATE TABLE ${schema}.t (v text DEFAULT '"'"'${Env_Name}'"'"');\n' >"$ph/sql/V1__schema.sql"
printf 'DROP TABLE ${schema}.t;\nDROP SCHEMA ${schema};\n' >"$ph/sql/U1__schema.sql"
printf -- '-- ${flyway:filename} by ${flyway:user} in ${flyway:database}\nCREATE TABLE ${flyway:defaultSchema}.fwp_owner (who text DEFAULT '"'"'${flyway:user}'"'"');\n' >"$ph/sql/V2__owner.sql"
printf 'CREATE OR REPLACE VIEW ${schema}.v AS SELECT '"'"'${env_name}'"'"' AS env, '"'"'$${kept}'"'"' AS kept;\n' >"$ph/sql/R__view.sql"
printf 'dir = "sql"\n[placeholders]\nschema = "app"\nenv_name = "dev"\n[env.prod.placeholders]\nschema = "app_prod"\nenv_name = "prod"\n' >"$ph/pgmig.toml"

newdb f_placeholders
pg validate --offline --config "$ph/pgmig.toml" --placeholder flyway:user=x --placeholder flyway:database=y --placeholder flyway:defaultSchema=public
expect_rc "placeholders: validate --offline with every value: exit 0" 0
pg validate --offline --config "$ph/pgmig.toml"
expect_rc "placeholders: validate --offline without the server's built-ins: exit 2" 2
before=$(snap)
pg up --config "$ph/pgmig.toml" --placeholder schema=
expect_rc "placeholders: an empty value is a value (but CREATE SCHEMA ; fails): exit 1" 1
pg up --dir "$ph/sql"
expect_rc "placeholders: undefined: exit 2" 2
expect_err "placeholders: undefined names file, line and placeholder" 'sql/V1__schema.sql:1: placeholder \$\{schema\} is not defined'
expect_err "placeholders: every undefined one is named" 'sql/R__view.sql:1: placeholder \$\{env_name\}'
expect_eq "placeholders: undefined: nothing changed" "$(snap)" "$before"
pg up --config "$ph/pgmig.toml"
expect_rc "placeholders: up with pgmig.toml's values" 0
expect_eq "placeholders: expanded (case-insensitive names)" \
    "$(q -c "SELECT column_default FROM information_schema.columns WHERE table_schema = 'app' AND table_name = 't'")" "'dev'::text"
expect_eq "placeholders: built-ins: defaultSchema, user" \
    "$(q -c "SELECT column_default FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'fwp_owner'")" \
    "'$(q -c 'SELECT current_user')'::text"
expect_eq "placeholders: the stored script is the expanded text (flyway:filename, database)" \
    "$(q -c "SELECT up_sql LIKE '-- V2__owner.sql by % in f_placeholders%' FROM mig.migration WHERE version = '2'")" t
expect_eq "placeholders: a repeatable too; \$\${kept} stays as written" \
    "$(q -c 'SELECT env || kept FROM app.v')" 'dev$${kept}'
pg status --json --config "$ph/pgmig.toml"
expect_eq "placeholders: status: nothing modified with the same values" \
    "$(jq -r '[.migrations[] | .state] | join(",")' <<<"$out")" "applied,applied,applied"
logged=$(q -c "SELECT count(*) FROM mig.log")
pg up --config "$ph/pgmig.toml"
expect_rc "placeholders: a second up is a no-op" 0
expect_eq "placeholders: a second up: nothing ran (the repeatable neither)" "$(q -c "SELECT count(*) FROM mig.log")" "$logged"
# another environment: its own values, its own database; status there shows nothing modified
newdb f_placeholders_prod
pg up --env prod --config "$ph/pgmig.toml"
expect_rc "placeholders: up --env prod" 0
expect_eq "placeholders: prod's values" "$(q -c 'SELECT env FROM app_prod.v')" prod
pg status --env prod --json --config "$ph/pgmig.toml"
expect_eq "placeholders: status --env prod: nothing modified" \
    "$(jq -r '[.migrations[] | .state] | join(",")' <<<"$out")" "applied,applied,applied"
pg status --json --config "$ph/pgmig.toml"
expect_eq "placeholders: dev's values against prod's database: V1 shows modified" \
    "$(jq -r '[.migrations[] | select(.version == "1") | .state] | .[0]' <<<"$out")" "modified"
