// readers.cpp: the one table of the tools `pgmig adopt` reads (docs/adopting.md), one entry
// per tool: its history table, how to tell the table is there, the query that reads it, and
// how its rows and the folder's files are matched (each tool's file says where in the tool's
// own source that comes from).
#include "adopt/readers.hpp"

#include "errors.hpp"

#include <fmt/format.h>

namespace mig::client::adopt {
namespace {

// golang-migrate and dbmate both name their table schema_migrations: golang-migrate's has a
// `dirty` column.
#define GOLANG_MIGRATE_TABLE                                                                       \
    "EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "                              \
    "pg_catalog.to_regclass('schema_migrations') AND attname = 'dirty' AND NOT attisdropped)"
#define EXISTS(table) "pg_catalog.to_regclass('" table "') IS NOT NULL"

} // namespace

const std::vector<Reader> &readers() {
    static const std::vector<Reader> all = {
        {"golang-migrate", "schema_migrations", GOLANG_MIGRATE_TABLE,
         "SELECT version::text, dirty FROM schema_migrations LIMIT 1", golang_migrate_history,
         golang_migrate_key, nullptr},
        {"dbmate", "schema_migrations",
         "(" EXISTS("schema_migrations") " AND NOT " GOLANG_MIGRATE_TABLE ")",
         "SELECT version::text FROM schema_migrations ORDER BY version",
         [](const Rows &r, const Folder &) { return one_row_each(r); }, dbmate_key, nullptr},
        {"flyway", "flyway_schema_history", EXISTS("flyway_schema_history"),
         "SELECT version, description, type, script, checksum::text, success "
         "FROM flyway_schema_history ORDER BY installed_rank",
         flyway_history, flyway_key, flyway_checksum_matches},
        {"diesel", "__diesel_schema_migrations", EXISTS("__diesel_schema_migrations"),
         "SELECT version::text FROM __diesel_schema_migrations ORDER BY run_on, version",
         [](const Rows &r, const Folder &) { return one_row_each(r); }, diesel_key, nullptr},
        {"goose", "goose_db_version", EXISTS("goose_db_version"),
         "SELECT version_id::text, is_applied FROM goose_db_version ORDER BY id", goose_history,
         goose_key, nullptr},
        {"sql-migrate", "gorp_migrations", EXISTS("gorp_migrations"),
         "SELECT id FROM gorp_migrations ORDER BY applied_at, id",
         [](const Rows &r, const Folder &) { return one_row_each(r); }, sql_migrate_key, nullptr},
        {"node-pg-migrate", "pgmigrations", EXISTS("pgmigrations"),
         "SELECT name FROM pgmigrations ORDER BY run_on, id",
         [](const Rows &r, const Folder &) { return one_row_each(r); }, node_pg_migrate_key,
         nullptr},
        {"prisma", "_prisma_migrations", EXISTS("_prisma_migrations"),
         "SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at IS NOT NULL "
         "FROM _prisma_migrations ORDER BY started_at",
         prisma_history, prisma_key, prisma_checksum_matches},
        {"sqitch", "sqitch.changes", EXISTS("sqitch.changes"),
         "SELECT change, script_hash, project FROM sqitch.changes ORDER BY committed_at",
         sqitch_history, sqitch_key, sqitch_checksum_matches},
        {"liquibase", "databasechangelog", EXISTS("databasechangelog"),
         "SELECT id, author, filename, exectype FROM databasechangelog "
         "ORDER BY orderexecuted, dateexecuted",
         liquibase_history, liquibase_key, nullptr},
        {"pop", "schema_migration", EXISTS("schema_migration"),
         "SELECT version::text FROM schema_migration ORDER BY version", pop_history, pop_key,
         nullptr},
    };
    return all;
}

const Reader *find_reader(const std::string &tool) {
    for (const auto &r : readers())
        if (tool == r.tool)
            return &r;
    return nullptr;
}

std::string tool_names() {
    std::string out;
    for (const auto &r : readers())
        out += (out.empty() ? "" : ", ") + std::string(r.tool);
    return out;
}

} // namespace mig::client::adopt
